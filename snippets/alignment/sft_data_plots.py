"""Figures drawn from `snippets/alignment/sft_data.py`: `plot_packed_row`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.alignment.sft_data import IGNORE, pack, packed_mask
from snippets.generation.attention import causal_mask

# Three examples of 5, 3 and 4 tokens in one row of 14: the last of each example's tokens
# and the second half of the first are "assistant" tokens with a label.
EXAMPLE_TRAINED = [(5, [3, 4]), (3, [2]), (4, [2, 3])]


def example_row(L=14):
    """The packed row drawn in the figure: dict of (1, L) arrays from `pack`."""
    examples = []
    for n, trained in EXAMPLE_TRAINED:
        labels = np.full(n, IGNORE)
        labels[[t - 1 for t in trained]] = 1  # position t-1 predicts trained token t
        examples.append((np.arange(n), labels))
    return pack(examples, L)


def plot_packed_row():
    """Figure: naive causal mask vs packed (block-diagonal causal) mask, and the loss."""
    import matplotlib.pyplot as plt

    row = example_row()
    segment, labels = row["segment"][0], row["labels"][0]
    L = len(segment)
    panels = [("Concatenation, causal mask\n(leaks across examples)", causal_mask(L)),
              ("Packed: causal within each example", packed_mask(segment))]
    fig, axes = plt.subplots(1, 3, figsize=(6.4, 2.8),
                             gridspec_kw={"width_ratios": [1, 1, 0.16]})
    for ax, (title, m) in zip(axes[:2], panels):
        ax.imshow(m, cmap="gray_r", vmin=0, vmax=1)
        ax.set_xticks(np.arange(L + 1) - 0.5, minor=True)
        ax.set_yticks(np.arange(L + 1) - 0.5, minor=True)
        ax.grid(which="minor", color="grey", linewidth=0.4)
        ax.tick_params(which="both", length=0, labelsize=6)
        ax.set_title(title, fontsize=7)
        ax.set_xlabel("key position", fontsize=7)
    axes[0].set_ylabel("query position", fontsize=7)
    # Loss column: 1 where the position's next-token label is trained.
    axes[2].imshow((labels != IGNORE)[:, None], cmap="Blues", vmin=0, vmax=1.3)
    axes[2].set_xticks([])
    axes[2].tick_params(labelsize=6, length=0)
    axes[2].set_title("loss", fontsize=7)
    fig.tight_layout()
    return fig
