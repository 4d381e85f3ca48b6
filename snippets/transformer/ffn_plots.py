"""Figures drawn from `snippets/transformer/ffn.py`: `plot_parameter_shares`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.specs import LLAMA2_7B, LLAMA2_70B, LLAMA3_8B, MIXTRAL_8X7B
from snippets.transformer.ffn import block_params


def plot_parameter_shares():
    """Figure: attention vs FFN weights per block, for real dense and MoE configurations."""
    import matplotlib.pyplot as plt

    mx = MIXTRAL_8X7B
    rows = [(m.name, *block_params(m)[:2]) for m in (LLAMA2_7B, LLAMA3_8B, LLAMA2_70B)]
    attn, moe = block_params(mx.model, mx.n_experts)[:2]
    active = mx.top_k * block_params(mx.model)[1] + mx.model.d_model * mx.n_experts
    rows += [("Mixtral 8x7B (all)", attn, moe), ("Mixtral 8x7B (active)", attn, active)]
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    for i, (name, a, f) in enumerate(rows):
        total = a + f
        ax.barh(i, a / total, color="lightgrey", edgecolor="black")
        ax.barh(i, f / total, left=a / total, color="dimgrey", edgecolor="black")
        ax.text(1.01, i, f"FFN {100 * f / total:.0f}%", va="center", fontsize=8)
    ax.set_yticks(range(len(rows)), [r[0] for r in rows], fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.15)
    ax.set_xlabel("share of a block's weights (light: attention, dark: FFN)")
    fig.tight_layout()
    return fig
