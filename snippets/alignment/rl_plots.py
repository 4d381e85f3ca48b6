"""Figures drawn from `snippets/alignment/rl.py`: `plot_ppo_clip`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.alignment.rl import ppo_clip_objective


def plot_ppo_clip(eps=0.2):
    """Figure: PPO's per-token objective and gradient against the ratio, A = +1 and -1."""
    import matplotlib.pyplot as plt

    rho = np.linspace(0.4, 1.8, 281)
    fig, axes = plt.subplots(1, 2, figsize=(7.0, 2.8), sharey=True)
    for ax, a in zip(axes, (1.0, -1.0)):
        obj = [ppo_clip_objective(np.log([x]), np.zeros(1), np.array([a]), eps)[0]
               for x in rho]
        grad = [ppo_clip_objective(np.log([x]), np.zeros(1), np.array([a]), eps)[1][0]
                for x in rho]
        ax.plot(rho, rho * a, color="0.6", linestyle=":", label=r"unclipped $\rho A$")
        ax.plot(rho, obj, color="black", label="clipped objective")
        ax.plot(rho, grad, color="black", linestyle="--", linewidth=1,
                label=r"gradient in $\log\pi$")
        for edge in (1 - eps, 1 + eps):
            ax.axvline(edge, color="0.8", linewidth=0.8)
        ax.set_title(f"advantage A = {a:+.0f}", fontsize=9)
        ax.set_xlabel(r"ratio $\rho = \pi/\pi_{old}$", fontsize=8)
        ax.tick_params(labelsize=7)
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
