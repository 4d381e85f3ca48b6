"""Attention: additive scores, masked scaled dot-product, multi-head.

Follows: Bahdanau, Cho and Bengio (2015) for additive (alignment-model)
scores; Vaswani et al. (2017), Sec. 3.2, for scaled dot-product attention
and multi-head attention.
Simplifications: no dropout on the weights, no biases in the projections;
NumPy on the CPU, so the (T_q, T_k) score matrix is materialised (fused GPU
kernels never store it).

Masks are boolean and broadcast against the (..., T_q, T_k) scores: True
means "this query may attend to this key". A fully masked row (a query that
may attend to nothing) gets all-zero weights and a zero output: never NaN,
and never a uniform average of padding.
"""

import math

import numpy as np


def masked_softmax(scores, mask=None) -> np.ndarray:
    """Softmax over the last axis; masked-out entries get exactly 0 weight.

    scores: (..., T_k), mask: bool, broadcastable to scores -> (..., T_k).
    A row whose every entry is masked returns all zeros.

    >>> scores = np.array([[0.0, 0.0, 5.0], [1.0, 2.0, 3.0]])
    >>> mask = np.array([[True, True, False], [False, False, False]])
    >>> masked_softmax(scores, mask)
    array([[0.5, 0.5, 0. ],
           [0. , 0. , 0. ]])
    """
    scores = np.asarray(scores)
    dtype = np.result_type(scores.dtype, np.float32)
    scores = scores.astype(dtype, copy=False)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    if scores.shape[-1] == 0:
        return scores
    # Subtract the row maximum: softmax is unchanged, exp() cannot overflow.
    m = np.max(scores, axis=-1, keepdims=True)
    # subtle: on a fully masked row m = -inf and -inf - (-inf) = NaN;
    # subtract 0 instead, so that exp() gives zeros and the row stays 0.
    e = np.exp(scores - np.where(np.isfinite(m), m, 0))
    total = np.sum(e, axis=-1, keepdims=True)
    return e / np.where(total > 0, total, 1)


def causal_mask(T_q: int, T_k: int | None = None) -> np.ndarray:
    """Query i sees keys j <= i + (T_k - T_q). -> (T_q, T_k) bool.

    With T_k > T_q the queries are the last T_q positions (earlier keys
    come from a cache).

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    T_k = T_q if T_k is None else T_k
    return np.tril(np.ones((T_q, T_k), dtype=bool), k=T_k - T_q)


def padding_mask(lengths, T: int, left: bool = False) -> np.ndarray:
    """Key-padding mask, True on real tokens. lengths: (B,) -> (B, 1, T).

    Right padding puts the pads at the end; left padding (batched
    generation) at the start.

    >>> padding_mask([2, 3], T=3, left=True).astype(int)
    array([[[0, 1, 1]],
    <BLANKLINE>
           [[1, 1, 1]]])
    """
    lengths = np.asarray(lengths)[:, None, None]
    j = np.arange(T)
    return j >= T - lengths if left else j < lengths


def scaled_dot_product_attention(q, k, v, mask=None):
    """softmax(q k^T / sqrt(d_k)) v, with an optional boolean mask.

    q: (..., T_q, d_k), k: (..., T_k, d_k), v: (..., T_k, d_v),
    mask: broadcastable to (..., T_q, T_k)
    -> (output (..., T_q, d_v), weights (..., T_q, T_k)).

    >>> x = np.array([[1.0, 0, 1, 0], [0, 2, 0, 2], [1, 1, 1, 1]])
    >>> out, w = scaled_dot_product_attention(x, x, x, mask=causal_mask(3))
    >>> w.round(3)  # q = k = v = x, d_k = 4
    array([[1.   , 0.   , 0.   ],
           [0.018, 0.982, 0.   ],
           [0.155, 0.422, 0.422]])
    """
    d_k = q.shape[-1]
    # Scores: one dot product per (query, key) pair, scaled by 1/sqrt(d_k).
    scores = q @ np.swapaxes(k, -1, -2) / math.sqrt(d_k)  # (..., T_q, T_k)
    # Weights: each query's distribution over the keys it may see.
    weights = masked_softmax(scores, mask)
    # Output: the weighted average of the values.
    return weights @ v, weights


def additive_scores(s, h, W_a, U_a, v_a) -> np.ndarray:
    """Bahdanau's alignment scores e_j = v_a^T tanh(W_a s + U_a h_j).

    s: (d_s,) decoder state, h: (T, d_h) encoder annotations,
    W_a: (d_a, d_s), U_a: (d_a, d_h), v_a: (d_a,) -> (T,).
    A softmax of the scores gives the attention weights.

    >>> I = np.eye(2)
    >>> additive_scores(np.ones(2), I, I, I, np.array([1.0, 0.0])).round(3)
    array([0.964, 0.762])
    """
    return np.tanh(s @ W_a.T + h @ U_a.T) @ v_a


def split_heads(x, n_heads: int) -> np.ndarray:
    """(B, T, d_model) -> (B, n_heads, T, d_h), d_h = d_model // n_heads.

    Head i owns columns i * d_h to (i + 1) * d_h - 1 of the projections.
    """
    B, T, d_model = x.shape
    if d_model % n_heads:
        raise ValueError(f"d_model = {d_model} is not a multiple of "
                         f"n_heads = {n_heads}")
    x = x.reshape(B, T, n_heads, d_model // n_heads)  # (B, T, h, d_h)
    return x.transpose(0, 2, 1, 3)  # (B, h, T, d_h)


def merge_heads(x) -> np.ndarray:
    """(B, n_heads, T, d_h) -> (B, T, n_heads * d_h): undoes split_heads."""
    B, h, T, d_h = x.shape
    x = x.transpose(0, 2, 1, 3)  # (B, T, h, d_h)
    return x.reshape(B, T, h * d_h)  # (B, T, d_model)


def multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, n_heads, mask=None):
    """Concat(head_1, ..., head_h) W_o, head_i = Attention(x_q W_q^i, ...).

    x_q: (B, T_q, d_model), x_kv: (B, T_k, d_model),
    W_q, W_k, W_v, W_o: (d_model, d_model), mask: broadcastable to
    (B, T_q, T_k) -> (output (B, T_q, d_model), weights (B, h, T_q, T_k)).
    Self-attention: x_kv = x_q; cross-attention: x_kv = encoder output.

    >>> x = np.ones((2, 5, 8)); W = np.eye(8)
    >>> [a.shape for a in multi_head_attention(x, x, W, W, W, W, 4)]
    [(2, 5, 8), (2, 4, 5, 5)]
    """
    # Project with the full matrices, then view the columns as h heads.
    q = split_heads(x_q @ W_q, n_heads)  # (B, h, T_q, d_h)
    k = split_heads(x_kv @ W_k, n_heads)  # (B, h, T_k, d_h)
    v = split_heads(x_kv @ W_v, n_heads)  # (B, h, T_k, d_h)
    if mask is not None and np.ndim(mask) == 3:
        mask = np.asarray(mask)[:, None]  # (B, 1, T_q or 1, T_k): all heads
    out, weights = scaled_dot_product_attention(q, k, v, mask)
    return merge_heads(out) @ W_o, weights  # (B, T_q, d_model)
