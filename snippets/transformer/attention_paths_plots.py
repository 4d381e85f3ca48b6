"""Figures drawn from `snippets/transformer/attention_paths.py`: `plot_paths_and_dilution`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.transformer.attention_paths import max_path_length, needle_weight


def plot_paths_and_dilution(d: int = 64):
    """Figure: path length against T (left); the weight a fixed logit gap buys (right)."""
    import matplotlib.pyplot as plt

    T = np.unique(np.logspace(1, 5, 60).astype(int))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.2, 3.0))
    for kind, w, style, label in (("recurrent", 1, "-", "recurrent, O(T)"),
                                  ("window", 512, "--", "window w = 512, O(T / w)"),
                                  ("attention", 1, ":", "dense attention, O(1)")):
        ax.loglog(T, [max_path_length(kind, int(t), w) for t in T], style, color="black",
                  label=label)
    ax.set_xlabel("sequence length T")
    ax.set_title("layers or steps from token 0 to T - 1", fontsize=9)
    ax.legend(fontsize=7, frameon=False)
    for gap, style in ((4.0, ":"), (8.0, "--"), (16.0, "-")):
        bx.semilogx(T, needle_weight(gap, T, gap / np.sqrt(d)), style, color="black",
                    label=f"logit gap {gap:g}")
    bx.semilogx(T, needle_weight(np.log(T) + 2.0, T), "-", color="grey",
                label="gap = ln T + 2")
    bx.set_xlabel("keys in context n")
    bx.set_title("weight on the one relevant key", fontsize=9)
    bx.set_ylim(0, 1.02)
    bx.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    return fig
