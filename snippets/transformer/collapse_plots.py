"""Figures drawn from `snippets/transformer/collapse.py`: `plot_collapse`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.transformer.collapse import attention_stack, entropy_under_weight_growth


def plot_collapse(T: int = 32, d: int = 64, seed: int = 0):
    """Figure: token spread against depth with and without skips (left); attention entropy
    against weight scale with and without QK-norm (right)."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(T, d))
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(7.2, 3.0))
    depth = np.arange(13)
    for s in range(3):
        pure = np.maximum(attention_stack(X, 12, np.random.default_rng(s + 1)), 1e-17)
        skip = attention_stack(X, 12, np.random.default_rng(s + 1), residual=True)
        ax.semilogy(depth, pure, "-", color="black", label=None if s else "pure attention")
        ax.semilogy(depth, skip, "--", color="black", label=None if s else "with skips")
    ax.set_xlabel("layer")
    ax.set_xticks(range(0, 13, 2))
    ax.set_title("token spread ||X - 1 x^T|| (relative)", fontsize=9)
    ax.set_ylim(1e-17, 10)
    ax.legend(fontsize=7, frameon=False)
    W_q, W_k = rng.normal(0.0, d ** -0.5, size=(2, d, d))
    scales = np.linspace(1.0, 8.0, 29)
    bx.plot(scales, entropy_under_weight_growth(X, W_q, W_k, scales, False), "-",
            color="black", label="plain logits")
    bx.plot(scales, entropy_under_weight_growth(X, W_q, W_k, scales, True), "--",
            color="black", label="QK-norm")
    bx.axhline(np.log(T), color="grey", linewidth=0.5)
    bx.text(1.1, np.log(T) - 0.25, f"uniform: ln {T}", fontsize=7, color="dimgrey")
    bx.set_xlabel("scale s of W_q and W_k")
    bx.set_title("attention entropy (nats)", fontsize=9)
    bx.legend(fontsize=7, frameon=False, loc="center right")
    fig.tight_layout()
    return fig
