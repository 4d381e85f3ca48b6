"""Figures for the attention pages, drawn from snippets/generation/attention.py.

Follows: the causal (decoder) mask of Vaswani et al. (2017), Sec. 3.2.3;
key-padding masks are standard practice rather than part of that paper.
Simplifications: random queries and keys stand in for a trained model's.
"""

import numpy as np

from snippets.generation.attention import (causal_mask, padding_mask,
                                scaled_dot_product_attention)


def example_weights(T: int = 6, length: int = 4, d_k: int = 8, seed=3):
    """Weights for `length` real tokens padded to T, under two masks.

    Returns {"encoder": (weights, mask), "decoder": (weights, mask)}, each
    (T, T): encoder = right padding, bidirectional; decoder = left padding
    plus the causal mask.

    >>> w, m = example_weights()["decoder"]
    >>> float(w[:2].sum()), w[2:].sum(axis=-1).round(6).tolist()  # 2 masked rows
    (0.0, [1.0, 1.0, 1.0, 1.0])
    """
    rng = np.random.default_rng(seed)
    q, k, v = (1.5 * rng.standard_normal((T, d_k)) for _ in range(3))
    pad_right = padding_mask([length], T)[0]  # (1, T)
    pad_left = padding_mask([length], T, left=True)[0]  # (1, T)
    masks = {"encoder": pad_right, "decoder": pad_left & causal_mask(T)}
    out = {}
    for name, mask in masks.items():
        _, weights = scaled_dot_product_attention(q, k, v, mask)
        out[name] = (weights, np.broadcast_to(mask, (T, T)))
    return out


def plot_attention_masks():
    """Heat maps of attention weights with the masked cells hatched."""
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    titles = {"encoder": "(a) encoder: right padding",
              "decoder": "(b) decoder: causal + left padding"}
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6),
                             constrained_layout=True)
    for ax, (name, (w, mask)) in zip(axes, example_weights().items()):
        T = len(w)
        image = ax.imshow(w, cmap="Greys", vmin=0.0, vmax=1.0)
        for i in range(T):
            for j in range(T):
                if not mask[i, j]:  # masked: hatched cell, weight exactly 0
                    ax.add_patch(Rectangle(
                        (j - 0.5, i - 0.5), 1, 1, facecolor="white",
                        edgecolor="0.55", hatch="////", linewidth=0))
                else:
                    ax.text(j, i, f"{w[i, j]:.2f}", ha="center",
                            va="center", fontsize=6.5,
                            color="white" if w[i, j] > 0.5 else "black")
        ax.set_title(titles[name], fontsize=9)
        ax.set_xlabel("key position j")
        ax.set_ylabel("query position i")
        ax.set_xticks(range(T))
        ax.set_yticks(range(T))
    fig.colorbar(image, ax=axes, shrink=0.8,
                 label="attention weight (hatched: masked, 0)")
    return fig
