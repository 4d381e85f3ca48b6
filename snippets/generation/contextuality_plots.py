"""Figures drawn from `snippets/generation/contextuality.py`: `plot_contextuality`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.generation.contextuality import layer_profile, synthetic_layers


def plot_contextuality():
    """Figure: the measures across the layers of the synthetic model
    (not measurements of BERT)."""
    import matplotlib.pyplot as plt

    prof = layer_profile(*synthetic_layers())
    layers = np.arange(len(prof["anisotropy"]))
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    styles = [("self_similarity", "self-similarity (raw)", "o-"),
              ("anisotropy", "anisotropy baseline (random words)", "s--"),
              ("adjusted_self_similarity", "self-similarity, anisotropy-adjusted", "^-."),
              ("intra_sentence", "intra-sentence similarity", "d:")]
    for key, label, style in styles:
        ax.plot(layers, prof[key], style, color="black", markersize=4, label=label)
    ax.set_xlabel("layer of the synthetic model (0 = input embeddings)")
    ax.set_ylabel("mean cosine similarity")
    ax.set_title("Synthetic layers, not BERT: word identity fades, "
                 "context and a shared direction grow", fontsize=9)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2,
              frameon=False)
    fig.tight_layout()
    return fig
