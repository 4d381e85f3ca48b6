"""Cosine similarity and pairwise similarity matrices, numerically careful.

cos(a, b) = a.b / (||a|| ||b||), the cosine of the angle between a and b, in
[-1, 1]. On unit vectors it equals the dot product, and
||a - b||^2 = 2 - 2 cos(a, b), so ranking by cosine, by dot product and by
Euclidean distance agree once every vector is normalised.

Follows: the vector space model of Salton, Wong and Yang (1975);
scikit-learn's `cosine_similarity` is the independent test reference.
Simplifications: dense arrays only (no sparse input, no chunking of large
n x m products); inputs must be finite.

Conventions, each one an edge case that bites:
- a zero vector has no direction; its cosine with anything, itself
  included, is 0 (the scikit-learn convention), never NaN;
- each vector is divided by its largest |entry| before its norm is taken,
  so large norms do not overflow (float16 overflows at a norm of 256) and
  tiny ones do not underflow;
- float16 input is computed in float32 (GPU kernels accumulate fp16 in
  fp32);
- results are clipped to [-1, 1]: rounding can give 1.0000001, and arccos of
  that is NaN.
"""

import numpy as np


def _as_float(X) -> np.ndarray:
    X = np.asarray(X)
    return X.astype(np.result_type(X.dtype, np.float32), copy=False)


def l2_normalize(X) -> np.ndarray:
    """Scale each vector (last axis) to unit length; zero vectors stay zero.

    X: (..., d) -> (..., d), in float32 or wider.

    >>> l2_normalize(np.array([[3.0, 4.0], [0.0, 0.0]]))
    array([[0.6, 0.8],
           [0. , 0. ]])
    """
    X = _as_float(X)
    if X.shape[-1] == 0:
        raise ValueError("vectors must have at least one component")
    # subtle: ||x|| = s * ||x / s|| with s = max_i |x_i|; the entries of
    # x / s lie in [-1, 1], so squaring them cannot overflow or underflow.
    s = np.max(np.abs(X), axis=-1, keepdims=True)
    Y = X / np.where(s > 0, s, 1)
    norm = np.sqrt(np.sum(Y * Y, axis=-1, keepdims=True))
    # Zero vectors (s = 0, so norm = 0) stay zero instead of 0 / 0 = NaN.
    return Y / np.where(norm > 0, norm, 1)


def cosine_similarity_matrix(A, B=None) -> np.ndarray:
    """Pairwise cosine similarities between the rows of A and of B (or A).

    A: (n, d), B: (m, d) -> (n, m); an all-zero row gives cosines of 0.

    >>> cosine_similarity_matrix(np.array([[1.0, 0.0], [1.0, 1.0]]))
    array([[1.        , 0.70710678],
           [0.70710678, 1.        ]])
    """
    A_hat = l2_normalize(A)
    B_hat = A_hat if B is None else l2_normalize(B)
    # On unit vectors cosine = dot product: one matmul for all n x m pairs.
    S = A_hat @ B_hat.T
    return np.clip(S, -1.0, 1.0)


def cosine_similarity(a, b) -> float:
    """Cosine similarity of two vectors. a: (d,), b: (d,) -> float.

    >>> round(cosine_similarity([1, 2, 2], [2, 1, 2]), 4)  # 8 / (3 * 3)
    0.8889
    """
    S = cosine_similarity_matrix(np.atleast_2d(a), np.atleast_2d(b))
    return float(S[0, 0])


def cosine_naive(a, b) -> float:
    """The textbook a.b / (||a|| ||b||) in the input dtype, for comparison.

    a: (d,), b: (d,) -> float; NaN for a zero vector or an overflowing norm.

    >>> cosine_naive([1.0, 2.0, 2.0], [2.0, 1.0, 2.0]) == 8 / 9
    True
    """
    a, b = np.asarray(a), np.asarray(b)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        norms = np.sqrt(np.dot(a, a)) * np.sqrt(np.dot(b, b))
        return float(np.dot(a, b) / norms)


def unit_distance_from_cosine(cos) -> np.ndarray:
    """||a/||a|| - b/||b|||| = sqrt(2 - 2 cos) for nonzero a, b.

    cos: any shape -> same shape.

    >>> float(unit_distance_from_cosine(0.0))  # orthogonal: sqrt(2)
    1.4142135623730951
    """
    # subtle: rounding can make 2 - 2 cos slightly negative when cos is
    # near 1; clip at 0 before the square root.
    return np.sqrt(np.maximum(2.0 - 2.0 * np.asarray(cos), 0.0))


def pairwise_cosines(X) -> np.ndarray:
    """Cosines between distinct rows of X. X: (n, d) -> (n (n - 1) / 2,).

    >>> pairwise_cosines(np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    array([0., 1., 0.])
    """
    S = cosine_similarity_matrix(X)
    return S[np.triu_indices(len(S), k=1)]


def anisotropic_sample(n: int, d: int, offset: float, seed: int = 0):
    """n vectors x = mu + g, g ~ N(0, I_d), ||mu|| = offset * sqrt(d).

    A shared offset mu is the simplest model of anisotropy: the expected
    cosine of two samples is about offset^2 / (1 + offset^2). -> (n, d).

    >>> anisotropic_sample(4, 3, offset=0.0).shape
    (4, 3)
    """
    rng = np.random.default_rng(seed)
    mu = rng.standard_normal(d)
    mu *= offset * np.sqrt(d) / np.linalg.norm(mu)
    return mu + rng.standard_normal((n, d))
