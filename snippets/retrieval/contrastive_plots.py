"""Figures drawn from `snippets/retrieval/contrastive.py`: `plot_cosine_histograms`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.retrieval.contrastive import train_linear_contrastive


def plot_cosine_histograms():
    """Figure: cosines of random pairs and of paraphrase pairs (held-out toy embeddings),
    raw, whitened to k = 16 dimensions, and after contrastive training."""
    import matplotlib.pyplot as plt

    from snippets.retrieval.embedding_space import (_unit, fit_whitening,
                                                    synthetic_embeddings, whiten)

    X, Xp, _ = synthetic_embeddings()
    mu, W = fit_whitening(X[:1500], 16)
    W_c, _ = train_linear_contrastive(X[:1500], Xp[:1500])
    rng = np.random.default_rng(0)
    i, j = rng.integers(1500, 2000, size=(2, 3000))
    keep = i != j
    fig, axes = plt.subplots(1, 3, figsize=(6.4, 3.0), sharey=True)
    spaces = [("raw", lambda Z: Z), ("whitened, k = 16", lambda Z: whiten(Z, mu, W)),
              ("contrastive (InfoNCE)", lambda Z: Z @ W_c)]
    for ax, (name, f) in zip(axes, spaces):
        U, Up = _unit(f(X[1500:])), _unit(f(Xp[1500:]))
        bins = np.linspace(-1, 1, 41)
        ax.hist(np.sum(U[i[keep] - 1500] * U[j[keep] - 1500], axis=1), bins, density=True,
                color="0.7", label="random pairs")
        ax.hist(np.sum(U * Up, axis=1), bins, density=True, histtype="step", color="black",
                linewidth=1.5, label="paraphrase pairs")
        ax.set_title(name, fontsize=9)
        ax.set_xlabel("cosine similarity")
    axes[0].set_ylabel("density")
    axes[0].legend(fontsize=7, loc="upper left")
    fig.tight_layout()
    return fig
