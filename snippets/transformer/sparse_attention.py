"""Sparse attention patterns as boolean masks, and sliding-window attention that never
builds the (T, T) score matrix.

Follows: Child et al. (2019) for the strided pattern (a local band plus every l-th earlier
position); Beltagy et al. (2020, Longformer) for sliding windows with global tokens;
Zaheer et al. (2020, BigBird) for window + global + random keys; Jiang et al. (2023,
Mistral 7B) for the causal sliding window and its receptive field across layers.
Simplifications: token-level masks (BigBird and the fused kernels work on blocks of 64 or
more tokens); one head; the masks use the convention of `snippets.generation.attention`
(True means "this query may attend to this key").
"""

import math

import numpy as np


def sliding_window_mask(T: int, w: int, causal: bool = True) -> np.ndarray:
    """Query i sees keys j with 0 <= i - j < w (causal) or |i - j| < w. -> (T, T) bool.

    >>> sliding_window_mask(4, 2).astype(int)
    array([[1, 0, 0, 0],
           [1, 1, 0, 0],
           [0, 1, 1, 0],
           [0, 0, 1, 1]])
    """
    j = np.arange(T, dtype=np.int32)  # int32: the (T, T) offsets take half the memory
    offset = j[:, None] - j[None, :]  # i - j, (T, T)
    return (offset >= 0) & (offset < w) if causal else np.abs(offset) < w


def strided_mask(T: int, l: int) -> np.ndarray:
    """Child et al.'s strided pattern: the last l positions, or i - j a multiple of l.

    Causal. With l near sqrt(T) a query sees at most about 2 sqrt(T) keys. -> (T, T) bool.

    >>> strided_mask(5, 2).astype(int)
    array([[1, 0, 0, 0, 0],
           [1, 1, 0, 0, 0],
           [1, 1, 1, 0, 0],
           [0, 1, 1, 1, 0],
           [1, 0, 1, 1, 1]])
    """
    j = np.arange(T, dtype=np.int32)  # int32: the (T, T) offsets take half the memory
    offset = j[:, None] - j[None, :]  # i - j, (T, T)
    # Child et al.'s two heads: the local band, and every l-th position back.
    return (offset >= 0) & ((offset < l) | (offset % l == 0))


def global_token_mask(T: int, n_global: int) -> np.ndarray:
    """Longformer's global attention: the first n_global tokens see and are seen by all.

    Bidirectional; combine with a window by `|`. -> (T, T) bool.

    >>> global_token_mask(3, 1).astype(int)
    array([[1, 1, 1],
           [1, 0, 0],
           [1, 0, 0]])
    """
    is_global = np.arange(T) < n_global
    return is_global[:, None] | is_global[None, :]


def random_mask(T: int, r: int, rng) -> np.ndarray:
    """BigBird's random part: each query sees r keys drawn without replacement. -> (T, T).

    >>> random_mask(4, 2, np.random.default_rng(0)).sum(axis=1)
    array([2, 2, 2, 2])
    """
    mask = np.zeros((T, T), dtype=bool)
    for i in range(T):
        mask[i, rng.choice(T, size=min(r, T), replace=False)] = True
    return mask


def bigbird_mask(T: int, w: int, n_global: int, r: int, rng) -> np.ndarray:
    """Window (radius w - 1) | global tokens | r random keys per query. -> (T, T) bool.

    >>> bigbird_mask(8, 2, 1, 1, np.random.default_rng(0)).shape
    (8, 8)
    """
    return (sliding_window_mask(T, w, causal=False) | global_token_mask(T, n_global)
            | random_mask(T, r, rng))


def causal_window_pairs(T: int, w: int) -> int:
    """Number of (query, key) pairs a causal window of w keys scores: sum_i min(i + 1, w).

    w >= T gives the dense causal count T (T + 1) / 2.

    >>> causal_window_pairs(4, 2), causal_window_pairs(4, 4)
    (7, 10)
    """
    w = min(w, T)
    return w * T - w * (w - 1) // 2


def receptive_field(n_layers: int, w: int) -> int:
    """How far back the last layer can see through n_layers causal windows of w keys.

    Each layer moves information at most w - 1 positions; Mistral 7B's W x k is the same
    bound rounded up. -> int.

    >>> receptive_field(32, 4096)
    131040
    """
    return n_layers * (w - 1)


def sliding_window_attention(q, k, v, w: int):
    """Causal attention over the last w keys, in O(T w d) time and memory.

    q, k: (T, d_k), v: (T, d_v) -> (T, d_v). Equals dense attention under
    `sliding_window_mask(T, w)`; the (T, T) score matrix is never built.

    >>> x = np.eye(3)
    >>> sliding_window_attention(x, x, x, w=1)  # each token sees only itself
    array([[1., 0., 0.],
           [0., 1., 0.],
           [0., 0., 1.]])
    """
    T, d_k = q.shape
    # Left-pad w - 1 rows so that every query has a full window of w key slots.
    pad = np.zeros((w - 1, d_k))
    k_win = np.lib.stride_tricks.sliding_window_view(np.vstack([pad, k]), w, axis=0)
    v_win = np.lib.stride_tricks.sliding_window_view(
        np.vstack([np.zeros((w - 1, v.shape[1])), v]), w, axis=0)  # (T, d_v, w)
    # Scores of query i against its window, slots ordered from i - w + 1 up to i.
    scores = np.einsum("td,tdw->tw", q, k_win) / math.sqrt(d_k)  # (T, w)
    # subtle: the first w - 1 queries have padded slots; mask them, not just zero them.
    slot_pos = np.arange(T)[:, None] - (w - 1) + np.arange(w)[None, :]  # key position
    scores = np.where(slot_pos >= 0, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=1, keepdims=True))
    weights /= weights.sum(axis=1, keepdims=True)
    return np.einsum("tw,tdw->td", weights, v_win)


def kv_cache_fraction(layout, T: int | None = None) -> float:
    """KV cache of a local/global layout at T tokens, as a fraction of all-global layers.

    A local layer caches min(w, T) keys, a global one T. layout: a
    `snippets.specs.AttentionLayout`; T defaults to its context. -> float.

    >>> from snippets.specs import GEMMA3_LAYOUT
    >>> round(kv_cache_fraction(GEMMA3_LAYOUT), 4)
    0.1732
    """
    T = layout.context if T is None else T
    n = layout.n_local + layout.n_global
    return (layout.n_local * min(layout.window, T) + layout.n_global * T) / (n * T)
