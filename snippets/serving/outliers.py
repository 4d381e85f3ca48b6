"""Outlier channels: synthetic data, LLM.int8() decomposition, SmoothQuant.

Follows: Dettmers et al. (2022), Sec. 3: vector-wise absmax INT8 matmul,
denormalized by the outer product of row and column scales, and the
mixed-precision decomposition
C = sum_{h in O} X^h W^h + S * sum_{h not in O} X_i8^h W_i8^h, alpha = 6.0;
Xiao et al. (2023), Eqs. 3-4: Y = (X diag(s)^-1)(diag(s) W) with
s_j = max|X_j|^a / max|W_j|^(1-a).
Simplifications: float64 stands in for fp16; INT8 products are summed exactly
in int64 (GPUs accumulate in int32); SmoothQuant's calibration statistics come
from the same X it is tested on. Shapes as in the papers: X is (T, h) hidden
states, W is (h, o), Y = X @ W.
"""

import numpy as np

from snippets.serving.quantization import quantize


def outlier_weights(rng, d_out=256, d_in=1024, n_outlier=4,
                    outlier_scale=4.0, df=4):
    """Student-t weights with a few input and output channels scaled up.

    -> W: (d_out, d_in)
    >>> outlier_weights(np.random.default_rng(0), 8, 16, n_outlier=1).shape
    (8, 16)
    """
    W = 0.02 * rng.standard_t(df, size=(d_out, d_in))
    cols = rng.choice(d_in, n_outlier, replace=False)
    W[:, cols] *= outlier_scale  # outlier input channels
    rows = rng.choice(d_out, n_outlier, replace=False)
    W[rows, :] *= outlier_scale / 2  # outlier output rows
    return W


def synthetic_activations(rng, T=256, h=512, n_outlier=4, magnitude=30.0):
    """Hidden states with a few large, one-sided outlier dimensions.

    -> X: (T, h), outlier column indices: (n_outlier,)
    >>> X, cols = synthetic_activations(np.random.default_rng(0), 4, 8, 1)
    >>> X.shape, bool(X[:, cols].min() > 20)
    ((4, 8), True)
    """
    X = rng.standard_normal((T, h))  # regular features, |x| below ~3.5
    cols = np.sort(rng.choice(h, n_outlier, replace=False))
    # systematic: the same columns, the same sign, in every token
    X[:, cols] = magnitude + rng.standard_normal((T, n_outlier))
    return X, cols


def int8_vectorwise_matmul(X, W):
    """INT8 matmul, one absmax scale per row of X and per column of W.

    X: (T, h), W: (h, o) -> Y: (T, o)
    >>> X, W = np.array([[1.27, -0.5]]), np.array([[1.27], [0.5]])
    >>> int8_vectorwise_matmul(X, W).round(6).tolist()
    [[1.3629]]
    """
    qx, sx, _ = quantize(X, bits=8, block=X.shape[1])  # one scale per token
    qw, sw, _ = quantize(W.T, bits=8, block=W.shape[0])  # one per output
    C_i32 = qx @ qw.T  # (T, o) integer accumulation
    return C_i32 * np.outer(sx, sw)  # denormalize by c_x (outer) c_w


def outlier_dims(X, threshold=6.0):
    """Dimensions with some |value| >= threshold: the set O of LLM.int8().

    X: (T, h) -> mask: (h,) bool
    >>> outlier_dims(np.array([[0.5, 7.0], [-1.0, 2.0]])).tolist()
    [False, True]
    """
    return np.abs(X).max(axis=0, initial=0.0) >= threshold


def llm_int8_matmul(X, W, threshold=6.0):
    """LLM.int8(): outlier dimensions in 16-bit, the rest in INT8.

    X: (T, h), W: (h, o) -> Y: (T, o)
    >>> X = np.array([[0.5, 40.0], [-1.0, 38.0]])
    >>> W = np.array([[1.0], [0.1]])
    >>> np.allclose(llm_int8_matmul(X, W), X @ W, atol=0.01)
    True
    """
    O = outlier_dims(X, threshold)
    Y = X[:, O] @ W[O]  # outlier columns of X, rows of W: high precision
    # subtle: if every dimension is an outlier, nothing is left for INT8
    if (~O).any():
        Y = Y + int8_vectorwise_matmul(X[:, ~O], W[~O])
    return Y


def smoothing_factors(X, W, alpha=0.5):
    """SmoothQuant: s_j = max|X_j|^alpha / max|W_j|^(1 - alpha).

    X: (T, h), W: (h, o) -> s: (h,)
    >>> X, W = np.array([[4.0, 1.0]]), np.array([[1.0], [1.0]])
    >>> smoothing_factors(X, W).tolist()
    [2.0, 1.0]
    """
    x_max = np.abs(X).max(axis=0, initial=0.0)  # per input channel j
    w_max = np.abs(W).max(axis=1, initial=0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        s = x_max**alpha / w_max ** (1 - alpha)
    # subtle: an all-zero channel gives s = 0, inf or nan; do not scale it
    return np.where(np.isfinite(s) & (s > 0), s, 1.0)


def smooth(X, W, s):
    """Move scale from activations to weights: (X diag(s)^-1, diag(s) W).

    X: (T, h), W: (h, o), s: (h,) -> X_hat: (T, h), W_hat: (h, o)
    """
    return X / s, s[:, None] * W


def w8a8_matmul(X, W):
    """W8A8 matmul with one per-tensor scale for X and one for W.

    The activation scale is taken from X itself (SmoothQuant's dynamic
    per-tensor O2 setting; its static O3 setting calibrates the same scale
    offline).

    X: (T, h), W: (h, o) -> Y: (T, o)
    >>> X, W = np.array([[1.27, -0.5]]), np.array([[1.27], [0.5]])
    >>> w8a8_matmul(X, W).round(6).tolist()
    [[1.3629]]
    """
    qx, sx, _ = quantize(X, bits=8)  # per-tensor activation scale
    qw, sw, _ = quantize(W, bits=8)  # per-tensor weight scale
    return (qx @ qw) * (sx[0] * sw[0])


def w8a8_error(X, W, alpha=None):
    """Relative error of the W8A8 product, after SmoothQuant if alpha is set.

    X: (T, h), W: (h, o) -> float
    """
    if alpha is not None:
        X, W = smooth(X, W, smoothing_factors(X, W, alpha))
    Y = X @ W
    return float(np.linalg.norm(w8a8_matmul(X, W) - Y) / np.linalg.norm(Y))
