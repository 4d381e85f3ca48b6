"""Figures for Q26: gradient norms across depth for Pre-LN, Post-LN and DeepNorm."""

import numpy as np

from snippets.transformer.depth import VARIANTS, grad_norm_profile

LABELS = {"pre": "Pre-LN", "post": "Post-LN", "deepnorm": "DeepNorm (Post-LN, α, β)"}


def plot_grad_norms(n_layers=24, depths=(3, 6, 12, 24, 48)):
    """Left: FFN-weight gradient norm per layer at initialisation; right: the last layer's
    gradient norm against the number of layers, with a 1/sqrt(L) guide."""
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    layers = np.arange(1, n_layers + 1)
    for v in VARIANTS:
        ax1.plot(layers, grad_norm_profile(v, n_layers), marker=".", label=LABELS[v])
    ax1.set(xlabel="layer (1 = next to the input)", ylabel="‖∂L/∂W₂‖ at initialisation",
            title=f"{n_layers}-layer stack", yscale="log")
    ax1.legend(fontsize=8, loc="center right")
    for v in ("pre", "post"):
        last = [grad_norm_profile(v, L)[-1] for L in depths]
        ax2.plot(depths, last, marker="o", label=LABELS[v])
        if v == "pre":
            guide = last[0] * np.sqrt(depths[0] / np.array(depths))
            ax2.plot(depths, guide, "k:", label="∝ 1/√L")
    ax2.set(xlabel="number of layers L", ylabel="last layer's ‖∂L/∂W₂‖",
            title="top-layer gradient vs depth", xscale="log", yscale="log")
    ax2.set_xticks(depths, [str(L) for L in depths])
    ax2.minorticks_off()
    ax2.set_yticks([0.1, 0.2, 0.5, 1.0], ["0.1", "0.2", "0.5", "1"])
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig
