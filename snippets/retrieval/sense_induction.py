"""Multi-prototype word-sense induction: cluster the context vectors of a word's
occurrences, choose the number of senses by silhouette, and score the clusters against
planted senses.

Follows: Schütze (1998) and Reisinger and Mooney (2010): represent each occurrence by its
context, cluster the occurrences, keep one prototype (centroid) per cluster; Lloyd's k-means
with k-means++ seeding (Arthur and Vassilvitskii, 2007); the silhouette of Rousseeuw (1987);
the adjusted Rand index of Hubert and Arabie (1985).
Simplifications: Euclidean k-means (Reisinger and Mooney used a cosine mixture of von
Mises-Fisher distributions); a fixed range of k; O(n^2) silhouette.
"""

import numpy as np


def kmeans(X, k, rng, n_init=5, iters=100):
    """Lloyd's k-means, k-means++ seeds, best of n_init runs.
    X: (n, d) -> labels (n,), C (k, d).

    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0], [10.0, 1.0]])
    >>> labels, C = kmeans(X, 2, np.random.default_rng(0))
    >>> sorted(C[:, 0].tolist()), bool(labels[0] == labels[1] != labels[2])
    ([0.0, 10.0], True)
    """
    X = np.asarray(X, dtype=float)
    best = (np.inf, None, None)
    for _ in range(n_init):
        C = X[[rng.integers(len(X))]]
        while len(C) < k:  # k-means++: next seed with probability proportional to D(x)^2
            D2 = ((X[:, None] - C[None]) ** 2).sum(-1).min(axis=1)
            C = np.vstack([C, X[rng.choice(len(X), p=D2 / D2.sum())]])
        for _ in range(iters):
            labels = ((X[:, None] - C[None]) ** 2).sum(-1).argmin(axis=1)  # assignment step
            # update step; subtle: an empty cluster keeps its old centroid instead of NaN
            new = np.array([X[labels == j].mean(axis=0) if np.any(labels == j) else C[j]
                            for j in range(k)])
            if np.allclose(new, C):
                break
            C = new
        inertia = ((X - C[labels]) ** 2).sum()
        if inertia < best[0]:
            best = (inertia, labels, C)
    return best[1], best[2]


def silhouette(X, labels):
    """Mean silhouette (b - a) / max(a, b): a = mean distance to the own cluster, b = to the
    nearest other cluster. Needs 2 <= k < n; a point alone in its cluster scores 0.

    >>> X, labels = np.array([[0.0], [1.0], [10.0], [11.0]]), np.array([0, 0, 1, 1])
    >>> round(silhouette(X, labels), 4)
    0.8997
    """
    X, labels = np.asarray(X, dtype=float), np.asarray(labels)
    D = np.sqrt(((X[:, None] - X[None]) ** 2).sum(-1))
    ks = np.unique(labels)
    if not 2 <= len(ks) < len(X):
        raise ValueError("the silhouette needs between 2 and n - 1 clusters")
    s = np.zeros(len(X))
    for i in range(len(X)):
        own = labels == labels[i]
        if own.sum() == 1:
            continue
        a = D[i, own].sum() / (own.sum() - 1)  # excluding the point itself
        b = min(D[i, labels == k].mean() for k in ks if k != labels[i])
        s[i] = (b - a) / max(a, b)
    return float(s.mean())


def induce_senses(X, rng, ks=range(2, 6)):
    """Cluster occurrence contexts X: (n, d) for each k in ks;
    keep the k with the best silhouette.

    -> (k, labels (n,), prototypes (k, d), {k: silhouette}).

    >>> X = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0],
    ...               [9.0, 0.0], [9.1, 0.0]])
    >>> k, labels, P, scores = induce_senses(X, np.random.default_rng(0), ks=[2, 3])
    >>> k, sorted(scores)
    (3, [2, 3])
    """
    fits = {k: kmeans(X, k, rng) for k in ks}
    scores = {k: silhouette(X, fits[k][0]) for k in ks}
    k = max(scores, key=scores.get)
    return k, fits[k][0], fits[k][1], scores


def adjusted_rand_index(a, b):
    """Agreement of two labelings corrected for chance: 1 identical, about 0 random.

    >>> adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0])  # the same partition, renamed
    1.0
    >>> round(adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]), 4)  # worse than chance
    -0.5
    """
    _, a = np.unique(a, return_inverse=True)
    _, b = np.unique(b, return_inverse=True)
    N = np.zeros((a.max() + 1, b.max() + 1))
    np.add.at(N, (a, b), 1)  # contingency table n_ij

    def pairs(x):
        return (x * (x - 1) / 2).sum()

    index, ra, rb, total = (pairs(N), pairs(N.sum(1)), pairs(N.sum(0)),
                            pairs(np.array(len(a))))
    expected = ra * rb / total
    # subtle: both labelings trivial (one cluster, or all singletons)
    if ra == rb == expected:
        return 1.0
    return float((index - expected) / ((ra + rb) / 2 - expected))


def purity(true, pred):
    """Share of points whose cluster's majority true label is their own label.

    >>> purity([0, 0, 1, 1], [0, 0, 0, 1]), purity([0, 0, 1, 1], [0, 1, 2, 3])
    (0.75, 1.0)
    """
    true, pred = np.asarray(true), np.asarray(pred)
    return float(sum(np.bincount(true[pred == c]).max() for c in np.unique(pred))
                 / len(true))
