"""Figures drawn from `snippets/transformer/activations.py`: `plot_activations`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.transformer.activations import (gelu, gelu_grad, gelu_tanh, relu, relu_grad,
                                              silu, silu_grad)


def plot_activations():
    """Figure: ReLU, GELU, SiLU on [-4, 4] and derivatives; GELU-tanh error as a note."""
    import matplotlib.pyplot as plt

    x = np.linspace(-4.0, 4.0, 801)
    fig, (ax, dax) = plt.subplots(1, 2, figsize=(7.2, 3.2))
    curves = (("ReLU", relu, relu_grad, "-"), ("GELU", gelu, gelu_grad, "--"),
              ("SiLU (Swish-1)", silu, silu_grad, ":"))
    for label, f, df, style in curves:
        ax.plot(x, f(x), style, color="black", label=label)
        dax.plot(x, df(x), style, color="black", label=label)
    err = np.abs(gelu(x) - gelu_tanh(x)).max()
    ax.text(-0.3, -0.75, f"GELU tanh approx.: max error {err:.1e}", fontsize=7,
            color="dimgrey")
    for a, title in ((ax, "activation f(x)"), (dax, "derivative f'(x)")):
        a.axhline(0, color="grey", linewidth=0.5)
        a.axvline(0, color="grey", linewidth=0.5)
        a.set_xlabel("x")
        a.set_title(title, fontsize=9)
    ax.set_ylim(-1.0, 4.0)
    dax.set_ylim(-0.2, 1.2)
    ax.legend(loc="upper left", bbox_to_anchor=(0.0, 0.9), fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
