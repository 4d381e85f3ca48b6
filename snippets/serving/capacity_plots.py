"""Figures drawn from `snippets/serving/capacity.py`: `plot_cost_vs_batch`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.specs import H100_SXM
from snippets.specs import LLAMA3_8B
from snippets.serving.capacity import (max_sequences, tokens_per_second,
                                       usd_per_million_tokens)


def plot_cost_vs_batch():
    """Figure: $ per million tokens against batch, Llama 3 8B on one H100."""
    import matplotlib.pyplot as plt

    price = 2.0  # assumed USD per GPU-hour
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for ctx, marker, ls in ((2048, "o", "-"), (8192, "s", "--")):
        b_max = max_sequences(LLAMA3_8B, H100_SXM, 1, ctx)
        batches = [b for b in (1, 2, 4, 8, 16, 32, 64, 128) if b < b_max]
        batches.append(b_max)
        tps = [tokens_per_second(LLAMA3_8B, H100_SXM, 1, b, ctx)
               for b in batches]
        cost = [usd_per_million_tokens(t, 1, price) for t in tps]
        ax.loglog(batches, cost, marker=marker, linestyle=ls,
                  label=f"context {ctx} (max batch {b_max})")
        ax.plot([b_max], [cost[-1]], "kX", markersize=10,
                label="KV cache full" if ctx == 8192 else None)
    ax.set_xlabel("concurrent sequences (batch size)")
    ax.set_ylabel("USD per million output tokens")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig
