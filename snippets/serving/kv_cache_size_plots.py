"""Figures drawn from `snippets/serving/kv_cache_size.py`: `plot_cache_memory`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.serving.kv_cache_size import GiB, LLAMA2_7B, cache_bytes_for, n_params


def plot_cache_memory():
    """Figure: fp16 KV cache of one sequence vs context, Llama-2-7B shape, MHA/GQA/MQA."""
    import matplotlib.pyplot as plt

    T = [0, 4096, 8192, 12288, 16384, 20480, 24576, 28672, 32768]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    variants = ((32, "MHA, 32 KV heads", "o-"), (8, "GQA, 8 KV heads", "s--"),
                (1, "MQA, 1 KV head", "^:"))
    for h, label, style in variants:
        gib = [cache_bytes_for(LLAMA2_7B, t, n_kv_heads=h) / GiB for t in T]
        ax.plot([t / 1024 for t in T], gib, style, color="black", label=label, markersize=5)
    weights = 2 * n_params(LLAMA2_7B) / GiB
    ax.axhline(weights, color="grey", linestyle="-.", linewidth=1)
    ax.text(0.5, weights + 0.3, f"fp16 weights, {weights:.2f} GiB", color="dimgrey",
            fontsize=8)
    ax.axvline(4, color="grey", linewidth=0.6)
    ax.text(4.3, 15.0, "Llama 2 context (4k)", color="dimgrey", fontsize=8)
    ax.set_xlabel("context length T (thousands of tokens, 1k = 1,024)")
    ax.set_ylabel("KV cache per sequence (GiB)")
    ax.set_xlim(0, 32)
    ax.set_ylim(0, 17)
    ax.legend(loc="center right", fontsize=8, frameon=False)
    ax.set_title("32 layers, head dim 128, fp16 (Llama-2-7B shape)", fontsize=9)
    fig.tight_layout()
    return fig
