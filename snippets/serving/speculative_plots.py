"""Figures drawn from `snippets/serving/speculative.py`: `plot_speedup`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.serving.speculative import walltime_speedup


def plot_speedup():
    """Figure: walltime speed-up against acceptance rate for several draft lengths."""
    import matplotlib.pyplot as plt

    alpha = np.linspace(0.0, 0.95, 96)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for gamma, marker in zip((1, 2, 4, 8), ("o", "s", "^", "D")):
        ax.plot(alpha, walltime_speedup(alpha, gamma, 0.05), marker=marker, markevery=12,
                label=rf"$\gamma={gamma}$, $c=0.05$")
    ax.plot(alpha, walltime_speedup(alpha, 4, 0.25), "k--", label=r"$\gamma=4$, $c=0.25$")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":")
    ax.set_xlabel(r"acceptance rate $\alpha$")
    ax.set_ylabel("speed-up over plain decoding (x)")
    ax.legend(loc="upper left", fontsize=8)
    ax.grid(alpha=0.3)
    return fig
