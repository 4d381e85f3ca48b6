"""The geometry of a sentence-embedding space: anisotropy, centring and whitening, and the
alignment and uniformity of Wang and Isola.

Follows: Ethayarajh (2019) for anisotropy as the mean cosine of random pairs;
Su et al. (2021), "Whitening Sentence Representations for Better Semantics and Faster
Retrieval" (x -> (x - mu) W, W = U Lambda^(-1/2) from the SVD of the covariance, first k
columns for dimension reduction);
Wang and Isola (2020) for L_align = E ||f(x) - f(y)||^alpha over positive pairs and
L_uniform = log E exp(-t ||f(x) - f(y)||^2) over all pairs, on unit vectors.
Simplifications: `synthetic_embeddings` is a toy generator (topics, a shared offset and a
few high-variance "rogue" dimensions), not a language model; pairs for the means are
sampled.
"""

import numpy as np


def _unit(X):
    return X / np.maximum(np.linalg.norm(X, axis=-1, keepdims=True), 1e-12)


def anisotropy(X, n_pairs=20000, rng=None):
    """Mean cosine between random pairs of distinct rows. X: (n, d), n >= 2 -> float.

    >>> X = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> round(anisotropy(X), 4)  # the only pair: cos 45 deg
    0.7071
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    n = len(X)
    if n < 2:
        raise ValueError("need at least two vectors")
    i = rng.integers(n, size=n_pairs)
    j = (i + rng.integers(1, n, size=n_pairs)) % n  # a uniform partner j != i
    U = _unit(np.asarray(X, dtype=float))
    return float(np.mean(np.sum(U[i] * U[j], axis=1)))


def fit_whitening(X, k=None):
    """Whitening of Su et al. (2021): mu and W with cov((X - mu) W) = I.
    X: (n, d) -> (d,), (d, k).

    >>> X = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [2.0, 4.0]])
    >>> mu, W = fit_whitening(X)
    >>> np.abs(np.cov(whiten(X, mu, W).T)).round(6).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    X = np.asarray(X, dtype=float)
    mu = X.mean(axis=0)
    U, lam, _ = np.linalg.svd(np.cov((X - mu).T))  # Sigma = U diag(lam) U^T, lam descending
    # subtle: a zero-variance direction cannot be whitened; it needs k < rank or it blows up
    W = U / np.sqrt(lam)
    return mu, W[:, :k]


def whiten(X, mu, W):
    """Apply a fitted whitening (or centring, with W = I). (n, d) -> (n, k).

    >>> whiten(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([2.0, 3.0]), np.eye(2)).tolist()
    [[-1.0, -1.0], [1.0, 1.0]]
    """
    return (np.asarray(X, dtype=float) - mu) @ W


def alignment(Z1, Z2, alpha=2):
    """L_align: mean ||z1 - z2||^alpha over positive pairs (rows), after L2 normalisation.

    >>> round(alignment(np.array([[1.0, 0.0]]), np.array([[0.0, 2.0]])), 6)  # orthogonal: 2
    2.0
    """
    return float(np.mean(np.linalg.norm(_unit(Z1) - _unit(Z2), axis=1) ** alpha))


def uniformity(Z, t=2, n_pairs=20000, rng=None):
    """L_uniform: log of the mean of exp(-t ||z_i - z_j||^2) over random pairs i != j.

    0 when every point is the same; about -2 t + 2 t^2 / d (-4 + 8 / d at t = 2) for points
    uniform on the sphere in d dimensions, the distribution that minimises it
    (Wang and Isola).

    >>> uniformity(np.ones((5, 3)))
    0.0
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    U = _unit(np.asarray(Z, dtype=float))
    n = len(U)
    i = rng.integers(n, size=n_pairs)
    j = (i + rng.integers(1, n, size=n_pairs)) % n
    sq = np.sum((U[i] - U[j]) ** 2, axis=1)
    return float(np.log(np.mean(np.exp(-t * sq))))


def synthetic_embeddings(n=2000, d=64, n_topics=8, rng=None):
    """Toy 'sentence embeddings' with the pathologies of raw encoder outputs.

    Each sentence is a topic centroid plus its own variation; a paraphrase adds small noise.
    Every vector then gets the same large offset (anisotropy) and 8 rogue dimensions with
    large variance unrelated to meaning. -> X, X_para: (n, d), topic labels: (n,).

    >>> X, Xp, y = synthetic_embeddings(10, 16, 2, np.random.default_rng(0))
    >>> X.shape, Xp.shape, y.shape
    ((10, 16), (10, 16), (10,))
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    y = rng.integers(n_topics, size=n)
    centroids = rng.normal(size=(n_topics, d))
    meaning = centroids[y] + 0.7 * rng.normal(size=(n, d))  # what a sentence says
    offset = 4.0 * np.sqrt(d) * _unit(rng.normal(size=d))  # shared by every vector
    rogue = np.zeros(d)
    rogue[:8] = 8.0  # a few dimensions with huge variance and no meaning

    def observe(m):
        return m + offset + rogue * rng.normal(size=(len(m), d))

    paraphrase = meaning + 0.3 * rng.normal(size=(n, d))
    return observe(meaning), observe(paraphrase), y


def nn_topic_accuracy(X, y):
    """Share of points whose nearest other point by cosine has the same topic
    (leave-one-out 1-NN).

    >>> X = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> nn_topic_accuracy(X, np.array([0, 0, 1, 1]))
    1.0
    """
    U = _unit(np.asarray(X, dtype=float))
    S = U @ U.T
    np.fill_diagonal(S, -np.inf)
    return float(np.mean(y[np.argmax(S, axis=1)] == y))
