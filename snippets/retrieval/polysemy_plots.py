"""Figures drawn from `snippets/retrieval/polysemy.py`: `plot_prototypes`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.retrieval.polysemy import context_vectors, polysemy_corpus, static_vectors


def plot_prototypes():
    """Figure: the context vectors of 'bank' (p_finance = 0.7) in 2-D (PCA), by planted
    sense, with the two induced prototypes and the single prototype (the mean of all
    contexts)."""
    import matplotlib.pyplot as plt

    from snippets.retrieval.sense_induction import induce_senses

    sents, vocab, senses = polysemy_corpus(3000, 0.7, np.random.default_rng(0), 2, 4)
    W = static_vectors(sents, len(vocab))
    X = context_vectors(sents, vocab.index("bank"), W)
    _, _, P, _ = induce_senses(X, np.random.default_rng(1))
    mu = X.mean(axis=0)
    V = np.linalg.svd(X - mu)[2][:2].T  # the two principal directions, (d, 2)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for sense, marker, name in ((0, "o", "finance contexts"), (1, "x", "river contexts")):
        Y = (X[senses == sense] - mu) @ V
        ax.scatter(Y[:, 0], Y[:, 1], marker=marker, s=12, color="0.55", label=name)
    Q = (P - mu) @ V
    ax.scatter(Q[:, 0], Q[:, 1], marker="*", s=260, color="black",
               label="induced prototypes (k = 2)")
    ax.scatter([0], [0], marker="s", s=90, color="white", edgecolor="black", linewidth=1.5,
               label="single prototype (mean of all)")
    ax.set_xlabel("first principal direction of the contexts")
    ax.set_ylabel("second principal direction")
    ax.legend(fontsize=7, loc="best")
    fig.tight_layout()
    return fig
