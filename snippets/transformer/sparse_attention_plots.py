"""Figures drawn from `snippets/transformer/sparse_attention.py`: `plot_patterns`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.generation.attention import causal_mask
from snippets.transformer.sparse_attention import (bigbird_mask, global_token_mask,
                                                   sliding_window_mask, strided_mask)


def pattern_masks(T: int = 32, seed: int = 0):
    """The five patterns of the figure, as (title, (T, T) bool mask) pairs."""
    rng = np.random.default_rng(seed)
    return [
        ("dense causal", causal_mask(T)),
        ("sliding window, w = 6", sliding_window_mask(T, 6)),
        ("strided, l = 6", strided_mask(T, 6)),
        ("window + 2 global\n(Longformer)",
         sliding_window_mask(T, 3, causal=False) | global_token_mask(T, 2)),
        ("window + global + 2 random\n(BigBird)", bigbird_mask(T, 3, 2, 2, rng)),
    ]


def plot_patterns():
    """Figure: five attention masks at T = 32 (rows queries, columns keys), with counts."""
    import matplotlib.pyplot as plt

    masks = pattern_masks()
    fig, axes = plt.subplots(1, len(masks), figsize=(9.0, 2.6))
    for ax, (title, mask) in zip(axes, masks):
        ax.imshow(mask, cmap="Greys", vmin=0, vmax=1.4, interpolation="nearest")
        ax.set_title(f"{title}\n{int(mask.sum())} of {mask.size} pairs", fontsize=7)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_ylabel("query i", fontsize=8)
    for ax in axes:
        ax.set_xlabel("key j", fontsize=8)
    fig.tight_layout()
    return fig
