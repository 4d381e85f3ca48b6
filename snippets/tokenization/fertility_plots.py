"""Figures drawn from `snippets/tokenization/fertility.py`: `plot_parity`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.tokenization.fertility import parity, train_multilingual
from snippets.tokenization.multilingual_corpus import TEST, TRAIN

VOCAB_SIZE = 1000  # 256 bytes + 744 merges


def plot_parity():
    """Figure: parity with English per language, raw UTF-8 bytes and two trained BPEs."""
    import matplotlib.pyplot as plt

    raw = train_multilingual(TRAIN, VOCAB_SIZE)
    smooth = train_multilingual(TRAIN, VOCAB_SIZE, alpha=0.3)
    langs = list(TEST)
    series = (("UTF-8 bytes (no merges)", lambda s: list(s.encode("utf-8")), "white"),
              ("BPE, raw mix", raw.encode, "dimgrey"),
              (r"BPE, mix smoothed with $\alpha = 0.3$", smooth.encode, "silver"))
    x = np.arange(len(langs))
    fig, ax = plt.subplots(figsize=(7.2, 3.4))
    for k, (label, encode, colour) in enumerate(series):
        values = [parity(encode, TEST[l], TEST["en"]) for l in langs]
        ax.bar(x + (k - 1) * 0.27, values, width=0.27, color=colour, edgecolor="black",
               linewidth=0.6, label=label)
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(x, langs)
    ax.set_ylabel("tokens / tokens of the English")
    ax.set_xlabel("language of the same six sentences (ko: no training text)")
    ax.legend(fontsize=7, frameon=False, loc="upper left")
    ax.set_title(f"Parity on parallel text, byte-level BPE with {VOCAB_SIZE} tokens",
                 fontsize=9)
    fig.tight_layout()
    return fig
