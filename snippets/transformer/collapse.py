"""Attention collapse: rank collapse of pure attention stacks, entropy collapse and QK-norm,
and a softmax with a sink.

Follows: Dong, Cordonnier and Loukas (2021) for rank collapse (the residual of the best
rank-1 approximation 1 x^T shrinks with depth when there are no skip connections);
Zhai et al. (2023) for entropy collapse; Henry et al. (2020) and Dehghani et al. (2023) for
normalising queries and keys; Xiao et al. (2024) for attention sinks and StreamingLLM's
cache; OpenAI (2025, gpt-oss) for a learned per-head sink logit in the softmax.
Simplifications: the residual is measured in the Frobenius norm (Dong et al. use a
composite l1/l-inf norm), so the best x is the column mean; single-head layers with random
Gaussian weights, no FFN and no training; QK-norm without a learned gain.
"""

import numpy as np

from snippets.generation.attention import masked_softmax, scaled_dot_product_attention


def token_spread(X) -> float:
    """Distance from X to the nearest "all tokens equal" matrix 1 x^T: ||X - 1 x^T||_F.

    In the Frobenius norm the best x is the column mean. X: (T, d) -> float, 0 iff
    every row is the same (Dong et al.'s res(X) = 0, rank collapse).

    >>> token_spread(np.ones((4, 3))), token_spread(np.array([[1.0], [-1.0]]))
    (0.0, 1.4142135623730951)
    """
    X = np.asarray(X, dtype=float)
    return float(np.linalg.norm(X - X.mean(axis=0, keepdims=True)))  # X - 1 x^T


def attention_stack(X, n_layers: int, rng, residual: bool = False) -> list:
    """Token spread through n_layers random single-head self-attention layers.

    X: (T, d) -> [token_spread(X_l) / token_spread(X_0) for l = 0..n_layers]. Weights
    N(0, 1/d); residual=False computes X <- SA(X), residual=True X <- X + SA(X).

    >>> out = attention_stack(np.eye(4), 3, np.random.default_rng(0))
    >>> len(out), out[0], out[-1] < 0.01
    (4, 1.0, True)
    """
    T, d = X.shape
    spread0, out = token_spread(X), [1.0]
    for _ in range(n_layers):
        W_q, W_k, W_v = rng.normal(0.0, d ** -0.5, size=(3, d, d))
        sa, _ = scaled_dot_product_attention(X @ W_q, X @ W_k, X @ W_v)  # (T, d)
        # Without the skip, each layer's output is a convex mix of value rows.
        X = X + sa if residual else sa
        out.append(token_spread(X) / spread0)
    return out


def attention_entropy(weights) -> float:
    """Mean Shannon entropy (nats) of the attention rows. weights: (..., T_k) -> float.

    Uniform over n keys gives ln n; one-hot gives 0.

    >>> round(attention_entropy(np.full((2, 4), 0.25)), 4)  # ln 4
    1.3863
    """
    w = np.asarray(weights, dtype=float)
    logw = np.log(np.where(w > 0, w, 1.0))  # subtle: 0 log 0 = 0, not NaN
    return float(-(w * logw).sum(axis=-1).mean())


def qk_norm(x, eps: float = 1e-6):
    """RMS-normalise each query or key vector (no learned gain). x: (..., d) -> (..., d).

    After it every vector has norm sqrt(d), so a logit q.k / sqrt(d) lies in
    [-sqrt(d), sqrt(d)] however large the projection weights grow.

    >>> qk_norm(np.array([[3.0, 4.0]])).round(3)
    array([[0.849, 1.131]])
    """
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def entropy_under_weight_growth(X, W_q, W_k, scales, normalise: bool) -> list:
    """Attention entropy as W_q and W_k are both multiplied by each s in scales.

    X: (T, d), W_q, W_k: (d, d_k) -> [entropy for each s]. Growing weight norms, as in
    training without QK-norm, multiply the logits by s^2.
    """
    out = []
    for s in scales:
        q, k = X @ (s * W_q), X @ (s * W_k)
        if normalise:
            q, k = qk_norm(q), qk_norm(k)
        scores = q @ k.T / np.sqrt(q.shape[-1])  # (T, T)
        out.append(attention_entropy(masked_softmax(scores)))
    return out


def attention_with_sink(q, k, v, sink_logit: float, mask=None):
    """softmax over [scores, sink] with the sink's column dropped: rows sum to <= 1.

    q: (T_q, d_k), k: (T_k, d_k), v: (T_k, d_v), sink_logit: a learned scalar per head
    -> (output (T_q, d_v), weights (T_q, T_k)). sink_logit = -inf is ordinary attention.

    >>> z = np.zeros((1, 2))
    >>> attention_with_sink(z, np.zeros((2, 2)), np.ones((2, 2)), 0.0)[1].round(3)
    array([[0.333, 0.333]])
    """
    scores = q @ k.T / np.sqrt(q.shape[-1])  # (T_q, T_k)
    if mask is not None:
        scores = np.where(mask, scores, -np.inf)
    # Append the sink as one more "key" with a fixed logit and no value.
    sink = np.full((scores.shape[0], 1), float(sink_logit))
    weights = masked_softmax(np.concatenate([scores, sink], axis=1))[:, :-1]
    return weights @ v, weights


def streaming_cache_positions(t: int, n_sink: int = 4, window: int = 1020) -> np.ndarray:
    """StreamingLLM: which of the t tokens so far stay in the cache. -> (kept positions,)

    The first n_sink tokens (the sinks) and the last `window`; the rest are evicted.

    >>> streaming_cache_positions(10, n_sink=2, window=3)
    array([0, 1, 7, 8, 9])
    """
    if t <= n_sink + window:
        return np.arange(t)
    return np.concatenate([np.arange(n_sink), np.arange(t - window, t)])
