"""Figures drawn from `snippets/generation/masks.py`: `plot_masks`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.generation.masks import (bidirectional_mask, causal_mask,
                                       cross_attention_mask, prefix_lm_mask)


def plot_masks():
    """Figure: the four masks side by side (black = may attend, white = masked)."""
    import matplotlib.pyplot as plt

    panels = [
        ("Encoder (bidirectional)\n6 tokens, last 2 padding", bidirectional_mask(6, 4)),
        ("Decoder (causal)", causal_mask(6)),
        ("Prefix LM\nprefix of 3", prefix_lm_mask(6, 3)),
        ("Cross-attention\n4 decoder x 6 encoder", cross_attention_mask(4, 6, 4)),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(6.4, 2.6))
    for ax, (title, m) in zip(axes, panels):
        ax.imshow(m, cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks(np.arange(m.shape[1] + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(m.shape[0] + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="grey", linewidth=0.5)
        ax.tick_params(which="both", length=0, labelsize=6)
        ax.set_title(title, fontsize=7)
        ax.set_xlabel("key position j", fontsize=7)
    axes[3].set_xlabel("encoder position j", fontsize=7)
    axes[0].set_ylabel("query position i", fontsize=7)
    fig.tight_layout()
    return fig
