"""Figures drawn from `snippets/retrieval/bm25.py`: `plot_bm25_saturation`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.retrieval.bm25 import tf_weight


def plot_bm25_saturation():
    """Figure: the tf factor against tf for several k1 (left), and against document length
    for several b at tf = 3 (right)."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(6.4, 3.6))
    tf = np.arange(0, 21)
    for k1, style in ((0.5, "o-"), (1.2, "s-"), (2.0, "^-"), (5.0, "d-")):
        ax1.plot(tf, tf_weight(tf, 100, 100, k1=k1), style, color="black", markersize=3,
                 label=f"k1 = {k1} (limit {k1 + 1:g})")
    ax1.set_xlabel("term frequency tf in the document")
    ax1.set_ylabel("tf factor (multiplies idf)")
    ax1.set_title("saturation (|d| = avgdl)", fontsize=9)
    ax1.legend(fontsize=7)
    ratio = np.linspace(0.25, 4.0, 40)
    for b, style in ((0.0, "-"), (0.5, "--"), (0.75, "-."), (1.0, ":")):
        ax2.plot(ratio, tf_weight(3, ratio, 1.0, b=b), style, color="black",
                 label=f"b = {b}")
    ax2.set_xscale("log", base=2)
    ax2.set_xlabel("document length / average length")
    ax2.set_title("length normalisation (tf = 3, k1 = 1.2)", fontsize=9)
    ax2.legend(fontsize=7)
    fig.tight_layout()
    return fig
