"""Figures drawn from `snippets/tokenization/language_sampling.py`: `plot_shares_vs_alpha`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.tokenization.language_sampling import TOY_SIZES, epochs, smoothed_shares


def plot_shares_vs_alpha():
    """Figure: sampling share of each toy language, and epochs of the smallest, vs alpha."""
    import matplotlib.pyplot as plt

    alphas = np.linspace(0.0, 1.0, 41)
    q = np.array([smoothed_shares(TOY_SIZES, a) for a in alphas])  # (41, L)
    budget = TOY_SIZES[0]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.2, 3.3))
    styles = ("-", "--", "-.", ":", (0, (1, 3)))
    for i, size in enumerate(TOY_SIZES):
        ax1.semilogy(alphas, q[:, i], linestyle=styles[i], color="black",
                     label=f"{size / 1e9:g}B tokens")
    for a in (0.3, 0.7):
        ax1.axvline(a, color="grey", linewidth=0.6)
        ax2.axvline(a, color="grey", linewidth=0.6)
    ax1.set_xlabel(r"exponent $\alpha$")
    ax1.set_ylabel("sampling share $q_i$")
    ax1.legend(fontsize=7, frameon=False, loc="lower left")
    ax1.set_title("share of the training mix", fontsize=9)
    tail = [epochs(TOY_SIZES, smoothed_shares(TOY_SIZES, a), budget)[-1] for a in alphas]
    ax2.semilogy(alphas, tail, color="black")
    ax2.axhline(4, color="grey", linestyle="--", linewidth=0.8)
    ax2.text(0.03, 4.6, "UniMax cap, 4 epochs", fontsize=7, color="dimgrey")
    ax2.set_xlabel(r"exponent $\alpha$")
    ax2.set_ylabel("epochs over the 0.1B corpus")
    ax2.set_title("repeats of the smallest language, 1T budget", fontsize=9)
    fig.tight_layout()
    return fig
