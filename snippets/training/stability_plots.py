"""Figures drawn from `snippets/training/stability.py`: `plot_adam_update_floor`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.training.stability import adam_update_rms


def plot_adam_update_floor():
    """Figure: Adam's steady-state update size against the gradient RMS, for three eps."""
    import matplotlib.pyplot as plt

    g = np.logspace(-16, -2, 300)  # gradient RMS
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    for eps, style in ((1e-5, "--"), (1e-8, "-"), (1e-15, ":")):
        ax.loglog(g, adam_update_rms(g, eps), style, color="black", label=f"eps = {eps:g}")
    ax.plot([1e-10], [adam_update_rms(1e-10, 1e-8)], "o", color="black", markersize=5)
    ax.annotate("gradient RMS 1e-10, eps 1e-8: 1% of the step", (1e-10, 1 / 101),
                xytext=(8, -4), textcoords="offset points", fontsize=8, color="dimgrey")
    ax.set_xlabel("gradient RMS of a layer")
    ax.set_ylabel("update RMS / learning rate")
    ax.set_ylim(1e-6, 2)
    ax.legend(frameon=False, fontsize=8, loc="lower right")
    fig.tight_layout()
    return fig
