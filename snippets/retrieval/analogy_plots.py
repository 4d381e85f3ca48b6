"""Figure for Q17: the analogy structure of PPMI-SVD vectors, drawn from
snippets/retrieval/analogies.py."""

import numpy as np

from snippets.retrieval.analogies import (FAMILIES, _unit, analogy_corpus, cooccurrence,
                                offset_cosines, ppmi, svd_embed)


def relation_projection(W, pairs):
    """2-D coordinates of the pairs (x, y): along the mean offset y - x, and along the main
    direction of what is left. W: (V, d) unit rows, pairs: n index pairs -> (n, 2, 2).

    >>> P = relation_projection(np.eye(4), [(0, 1), (2, 3)])
    >>> P.shape, bool(np.all(P[:, 1, 0] > P[:, 0, 0]))
    ((2, 2, 2), True)
    """
    X = np.array([[W[x], W[y]] for x, y in pairs])  # (n, 2, d)
    g = (X[:, 1] - X[:, 0]).mean(axis=0)
    g /= np.linalg.norm(g)  # the relation's direction
    flat = X.reshape(-1, X.shape[-1])
    R = flat - np.outer(flat @ g, g)  # remove the relation's direction
    h = np.linalg.svd(R - R.mean(axis=0))[2][0]  # main direction of what is left
    return np.stack([X @ g, X @ h], axis=-1)


def _spread(ys, gap):
    """Label heights: sorted, at least `gap` apart, so that close points keep readable
    labels."""
    out, order = np.array(ys, dtype=float), np.argsort(ys)
    for prev, cur in zip(order[:-1], order[1:]):
        out[cur] = max(out[cur], out[prev] + gap)
    return out


def plot_analogy_offsets():
    """Figure: the gender pairs in the clean and the quirky corpus (SVD, d = 30), projected
    on the mean offset (x) and the main remaining direction (y); arrows from x to y."""
    import matplotlib.pyplot as plt

    pairs = FAMILIES["gender"]["pairs"]
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6))
    for ax, n_private, title in zip(axes, (0, 2),
                                    ("clean corpus", "with word-specific quirks")):
        sents, vocab, _ = analogy_corpus(5000, np.random.default_rng(0),
                                         n_private=n_private)
        W = _unit(svd_embed(ppmi(cooccurrence(sents, len(vocab))), 30))
        ids = [(vocab.index(x), vocab.index(y)) for x, y in pairs]
        P = relation_projection(W, ids)
        gap = 0.06 * (P[..., 1].max() - P[..., 1].min())
        for side, marker, ha in ((0, "o", "right"), (1, "s", "left")):
            ax.plot(P[:, side, 0], P[:, side, 1], marker, color="black", markersize=5,
                    markerfacecolor="black" if side == 0 else "white")
            for (p, word), y in zip(zip(P[:, side], [pr[side] for pr in pairs]),
                                    _spread(P[:, side, 1], gap)):
                ax.text(p[0] + (0.04 if side else -0.04), y, word, fontsize=7, ha=ha,
                        va="center")
        for p in P:
            ax.annotate("", xy=p[1], xytext=p[0], arrowprops=dict(arrowstyle="->", lw=0.8))
        ax.set_title(f"{title}\nmean offset cosine {offset_cosines(W, ids):.2f}",
                     fontsize=8)
        ax.set_xlabel("along the mean offset (female - male)", fontsize=8)
        ax.set_xlim(P[..., 0].min() - 0.35, P[..., 0].max() + 0.35)
        ax.margins(y=0.12)
    axes[0].set_ylabel("along the main other direction", fontsize=8)
    fig.tight_layout()
    return fig
