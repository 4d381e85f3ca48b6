"""Figures drawn from `snippets/training/layout.py`: `plot_step_by_layout`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.specs import H100_SXM, LLAMA3_405B
from snippets.training.layout import Layout, plan


def plot_step_by_layout():
    """Figure: estimated step of Llama 3 405B on 16,384 H100s at 8K context, 16M-token
    batch, full recomputation, for TP 8 and PP from 4 to 64: compute, bubble, exposed
    traffic; and the bytes each GPU sends per step in each dimension."""
    import matplotlib.pyplot as plt

    pps = [4, 8, 16, 32, 64]
    plans = [plan(LLAMA3_405B, Layout(8, 1, pp, 2048 // pp), 8192, 2048 * 8192, H100_SXM,
                  recompute="full") for pp in pps]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.6, 3.4))
    x = range(len(pps))
    bottom = [0.0] * len(pps)
    parts = [("compute at peak", [p["compute"] for p in plans], "0.85"),
             ("pipeline bubble",
              [p["compute"] * p["bubble"] / (1 - p["bubble"]) for p in plans], "0.6"),
             ("TP traffic (NVLink)", [p["seconds"]["tp"] for p in plans], "0.35"),
             ("DP and PP traffic, exposed",
              [p["step"] - p["compute"] / (1 - p["bubble"]) - p["seconds"]["tp"]
               for p in plans], "0.1")]
    for label, vals, shade in parts:
        ax.bar(x, vals, bottom=bottom, color=shade, edgecolor="black", linewidth=0.5,
               label=label)
        bottom = [b + v for b, v in zip(bottom, vals)]
    ax.set_xticks(list(x))
    ax.set_xticklabels([f"PP {pp}\nDP {2048 // pp}" for pp in pps], fontsize=7)
    ax.set_ylabel("estimated seconds per step")
    ax.set_title("step time (Meta's layout: PP 16)", fontsize=8)
    ax.set_ylim(0, 7.8)
    ax.legend(fontsize=6, frameon=False, loc="upper left", ncol=2)
    for dim, style in (("tp", "o-"), ("dp", "s--"), ("pp", "^:")):
        bx.semilogy(list(x), [p["bytes"][dim] / 1e9 for p in plans], style, color="black",
                    label=dim.upper(), markersize=4)
    bx.set_xticks(list(x))
    bx.set_xticklabels([f"PP {pp}" for pp in pps], fontsize=7)
    bx.set_ylabel("GB sent per GPU per step")
    bx.set_title("traffic by dimension (TP 8 throughout)", fontsize=8)
    bx.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig
