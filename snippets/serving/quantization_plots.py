"""Figures drawn from `snippets/serving/quantization.py`: `plot_error_vs_bits`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.serving.quantization import error_vs_bits


def plot_error_vs_bits():
    """Figure: round-trip error against bit width for three granularities."""
    import matplotlib.pyplot as plt

    from snippets.serving.outliers import outlier_weights

    bit_widths = (2, 3, 4, 5, 6, 8)
    W = outlier_weights(np.random.default_rng(0))
    styles = {"tensor": ("per-tensor", "o", "-"),
              "channel": ("per-channel (row)", "s", "--"),
              "group": ("per-group (128)", "^", ":")}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for g, errs in error_vs_bits(W, bit_widths).items():
        label, marker, ls = styles[g]
        ax.semilogy(bit_widths, errs, marker=marker, linestyle=ls, label=label)
    ax.set_xlabel("bit width $b$ (symmetric round-to-nearest)")
    ax.set_ylabel(r"relative error $\|W-\hat W\|_F / \|W\|_F$")
    ax.set_xticks(bit_widths)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig
