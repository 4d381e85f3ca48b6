"""Figures drawn from `snippets/training/scaling_laws.py`: `plot_iso_flop_curves`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.training.scaling_laws import CHINCHILLA, compute_optimal, iso_flop_loss


def plot_iso_flop_curves():
    """Figure: Chinchilla's fitted loss along iso-FLOP curves, minima joined."""
    import matplotlib.pyplot as plt

    budgets = [1e19, 1e20, 1e21, 1e22, 1e23, 1e24]
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    opt_N, opt_L = [], []
    for C, shade in zip(budgets, np.linspace(0.75, 0.0, len(budgets))):
        N_star = compute_optimal(C)[0]
        N = np.geomspace(N_star / 30, N_star * 30, 200)
        ax.plot(N, iso_flop_loss(C, N), color=str(shade), linewidth=1.2,
                label=f"C = 1e{int(np.log10(C))} FLOPs")
        opt_N.append(N_star)
        opt_L.append(float(iso_flop_loss(C, np.array([N_star]))[0]))
    ax.plot(opt_N, opt_L, "o--", color="black", markersize=4, linewidth=0.8,
            label="compute-optimal N")
    ax.axhline(CHINCHILLA["E"], color="grey", linestyle=":", linewidth=1)
    ax.text(2e6, CHINCHILLA["E"] + 0.03, "E = 1.69 (irreducible)", color="dimgrey",
            fontsize=8)
    ax.set_xscale("log")
    ax.set_xlabel("parameters N (trained on D = C / 6N tokens)")
    ax.set_ylabel("predicted loss (nats per token)")
    ax.set_ylim(1.6, 4.0)
    ax.legend(fontsize=7, frameon=False, ncol=2, loc="upper right")
    ax.set_title("Chinchilla fit (Approach 3): each curve spends one budget", fontsize=9)
    fig.tight_layout()
    return fig
