"""Figures drawn from `snippets/foundations/text_classification.py`:
`plot_threshold_moving`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.foundations.classification_metrics import threshold_sweep
from snippets.foundations.text_classification import _fit, imbalance_experiment


def plot_threshold_moving():
    """Precision, recall and F1 of the rare class on the test split versus the threshold."""
    import matplotlib.pyplot as plt

    X, Y, plain, _ = _fit(0, 3000, 0.05, 1.0)
    grid = np.linspace(0.01, 0.75, 75)
    p, r, f = threshold_sweep(Y["test"], plain.predict_proba(X["test"])[:, 1], grid)
    _, t_star = imbalance_experiment()
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(grid, p, "-", label="precision")
    ax.plot(grid, r, "--", label="recall")
    ax.plot(grid, f, ":", linewidth=2.5, label="F1")
    ax.axvline(0.5, color="grey", linewidth=0.8)
    ax.axvline(t_star, color="black", linestyle="-.", linewidth=0.8)
    ax.annotate("default 0.5", (0.5, 0.93), xytext=(0.52, 0.93))
    ax.annotate(f"tuned {t_star:.2f}", (t_star, 0.93), xytext=(t_star + 0.02, 0.93))
    ax.set_xlabel("decision threshold on P(refund request)")
    ax.set_ylabel("score on the rare class")
    ax.set_ylim(0, 1.02)
    ax.legend(loc="center right")
    fig.tight_layout()
    return fig
