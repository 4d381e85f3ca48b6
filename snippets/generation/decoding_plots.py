"""Figures drawn from `snippets/generation/decoding.py`: `plot_temperature_top_p`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.generation.decoding import EXAMPLE_LOGITS, softmax, top_p_filter


def plot_temperature_top_p():
    """Figure: temperature reshapes the whole distribution; top-p cuts its tail."""
    import matplotlib.pyplot as plt

    ranks = np.arange(1, EXAMPLE_LOGITS.size + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.6))
    for T, marker, ls in [(0.5, "o", "-"), (1.0, "s", "--"), (2.0, "^", ":")]:
        ax1.plot(ranks, softmax(EXAMPLE_LOGITS, T), marker=marker, linestyle=ls,
                 label=f"T = {T}")
    ax1.set_xlabel("token rank")
    ax1.set_ylabel("probability")
    ax1.set_title("Temperature")
    ax1.legend()
    p = softmax(EXAMPLE_LOGITS)
    ax2.bar(ranks - 0.2, p, width=0.4, color="white", edgecolor="black", label="T = 1")
    ax2.bar(ranks + 0.2, top_p_filter(p, 0.9), width=0.4, color="grey", edgecolor="black",
            hatch="//", label="top-p 0.9, renormalised")
    ax2.set_xlabel("token rank")
    ax2.set_title("Top-p (nucleus)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig
