"""Figures drawn from `snippets/training/noise_scale.py`: `plot_steps_examples`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.training.noise_scale import steps_and_examples


def plot_steps_examples():
    """Figure: steps against examples to a fixed loss as the batch sweeps past B_crit."""
    import matplotlib.pyplot as plt

    B = np.logspace(-2, 2, 200)  # batch size in units of B_crit
    S, E = steps_and_examples(B, B_crit=1.0, S_min=1.0)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.loglog(E, S, color="black")
    for b, label in ((1 / 8, "B = B_crit / 8"), (1.0, "B = B_crit"), (8.0, "B = 8 B_crit")):
        s, e = steps_and_examples(b, 1.0, 1.0)
        ax.plot([e], [s], "o", color="black", markersize=5)
        ax.annotate(f"{label}: {s:g} S_min, {e:g} E_min", (e, s), xytext=(6, 8),
                    textcoords="offset points", fontsize=8, color="dimgrey")
    ax.axhline(1.0, color="grey", linestyle=":", linewidth=1)
    ax.axvline(1.0, color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("examples processed, E / E_min (cost; E_min = small-batch limit)")
    ax.set_ylabel("steps, S / S_min (time; S_min = large-batch limit)", fontsize=9)
    fig.tight_layout()
    return fig
