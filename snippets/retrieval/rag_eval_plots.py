"""Figures drawn from `snippets/retrieval/rag_eval.py`: `plot_stage_metrics`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.retrieval.rag_eval import stage_table


def plot_stage_metrics():
    """Figure: recall@1, recall@10 and MRR for each stage of the pipeline."""
    import matplotlib.pyplot as plt

    table = stage_table()
    names = list(table)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    width = 0.26
    for j, (label, idx, hatch) in enumerate((("recall@1", 0, ""), ("recall@10", 2, "//"),
                                             ("MRR", 3, ".."))):
        xs = np.arange(len(names)) + (j - 1) * width
        ax.bar(xs, [table[n][idx] for n in names], width, label=label, color="white",
               edgecolor="black", hatch=hatch)
    ax.set_xticks(np.arange(len(names)), [n.replace(" (", "\n(").replace(", ", ",\n")
                                          for n in names], fontsize=8)
    ax.set_ylabel("score on 26 labelled questions")
    ax.set_ylim(0, 1.15)
    ax.legend(ncol=3, fontsize=8, loc="upper left")
    return fig
