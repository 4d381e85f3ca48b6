"""Figures drawn from `snippets/tokenization/compression.py`: `plot_compression`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.tokenization.compression import compression_curve
from snippets.tokenization.corpus import split_corpus

VOCAB_SIZES = (256, 320, 384, 512, 640, 768, 1024, 1280, 1536)


def plot_compression():
    """Figure: bytes per token on training and held-out text vs BPE vocabulary size."""
    import matplotlib.pyplot as plt

    train, held_out = split_corpus()
    rows = compression_curve(train, held_out, VOCAB_SIZES)
    V = [256 + n for n, _, _ in rows]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(V, [r[1] for r in rows], "o-", color="black", markersize=5,
            label="training passages (8)")
    ax.plot(V, [r[2] for r in rows], "s--", color="black", markersize=5,
            label="held-out passages (4)")
    ax.axvline(V[-1], color="grey", linewidth=0.6)
    ax.text(V[-1] - 20, 1.2, f"no pairs left: {V[-1]:,}", color="dimgrey", fontsize=8,
            ha="right")
    ax.set_xlabel("vocabulary size V (256 bytes + merges)")
    ax.set_ylabel("UTF-8 bytes per token")
    ax.set_ylim(0.9, 5.2)
    ax.legend(loc="upper left", fontsize=8, frameon=False)
    ax.set_title("Byte-level BPE trained on the book's corpus (about 6,000 characters)",
                 fontsize=9)
    fig.tight_layout()
    return fig
