"""Tiled exact attention with the online softmax (the FlashAttention forward pass) in NumPy.

`flash_attention` is Algorithm 1 of Dao et al. (2022): K and V blocks in the outer loop, Q
blocks in the inner loop, running row maxima m and sums l so that no N x N matrix is ever
formed. It also returns the log-sum-exp L = m + log l, the one statistic per row that the
FlashAttention-2 backward pass keeps (FlashAttention kept m and l) to recompute the
attention probabilities block by block (`recompute_probs`). HBM traffic is counted in
flash_attention_io.py.

Follows: Milakov and Gimelshein (2018) for the online softmax; Dao et al. (2022),
Algorithm 1, with the softmax scale tau and the causal mask of their Algorithm 2; skipping
blocks that lie entirely above the diagonal as in FlashAttention-2 (Dao, 2023).
Simplifications: one head, no dropout, square causal mask only; NumPy, so "SRAM" and "HBM"
are just names for the block variables and the full arrays.
"""

import numpy as np


def naive_attention(q, k, v, causal=False):
    """Reference softmax(q k^T / sqrt(d)) v, forming the full score matrix.

    q: (N, d), k: (N_k, d), v: (N_k, d_v) -> (N, d_v)

    >>> O = naive_attention(np.eye(2), np.eye(2), np.array([[1.0], [3.0]]), causal=True)
    >>> O[:, 0].round(4)
    array([1.    , 2.3395])
    """
    S = q @ k.T / np.sqrt(q.shape[1])
    if causal:
        S = np.where(np.tri(*S.shape, dtype=bool), S, -np.inf)
    P = np.exp(S - S.max(axis=1, keepdims=True))
    return (P / P.sum(axis=1, keepdims=True)) @ v


def online_softmax(x):
    """Softmax whose max and normalizer are found in one pass (Milakov and Gimelshein).

    x: (n,) -> (n,)

    >>> online_softmax(np.array([1.0, 2.0, 3.0])).round(4)
    array([0.09  , 0.2447, 0.6652])
    """
    m, l = -np.inf, 0.0
    for x_j in x:
        m_new = max(m, x_j)
        # Rescale the running sum to the new maximum, then add the new term.
        l = l * np.exp(m - m_new) + np.exp(x_j - m_new)
        m = m_new
    return np.exp(x - m) / l


def flash_attention(q, k, v, B_r, B_c, causal=False):
    """Exact attention, block by block: O (N, d_v) and log-sum-exp L (N,).

    q: (N, d), k: (N_k, d), v: (N_k, d_v); B_r, B_c: Q and K block sizes.

    >>> rng = np.random.default_rng(0)
    >>> q, k, v = rng.normal(size=(3, 10, 4))
    >>> O, L = flash_attention(q, k, v, B_r=3, B_c=4, causal=True)
    >>> bool(np.allclose(O, naive_attention(q, k, v, causal=True)))
    True
    """
    N, d = q.shape
    assert not causal or k.shape[0] == N, "the causal mask here is square"
    tau = 1.0 / np.sqrt(d)
    O = np.zeros((N, v.shape[1]))  # in "HBM", rewritten per block pair
    l, m = np.zeros(N), np.full(N, -np.inf)
    for j in range(0, k.shape[0], B_c):  # outer: K_j, V_j stay on chip
        K_j, V_j = k[j:j + B_c], v[j:j + B_c]
        for i in range(0, N, B_r):  # inner: stream all Q blocks by
            if causal and j > i + B_r - 1:
                continue  # block above the diagonal: no work, no IO
            S_ij = tau * q[i:i + B_r] @ K_j.T  # (B_r, B_c), on chip only
            if causal:
                rows = np.arange(i, i + len(S_ij))
                cols = np.arange(j, j + len(K_j))
                visible = cols[None, :] <= rows[:, None]
                S_ij = np.where(visible, S_ij, -np.inf)
            # Block statistics: row max, exponentials, row sums.
            m_tilde = S_ij.max(axis=1)
            # subtle: a row whose keys here are all masked has m_tilde =
            # -inf, and exp(-inf - (-inf)) is nan; shift such rows by 0.
            shift = np.where(np.isneginf(m_tilde), 0.0, m_tilde)
            P_tilde = np.exp(S_ij - shift[:, None])
            l_tilde = P_tilde.sum(axis=1)
            # Merge with the running statistics at the new maximum.
            m_i, l_i = m[i:i + B_r], l[i:i + B_r]
            m_new = np.maximum(m_i, m_tilde)
            alpha, beta = np.exp(m_i - m_new), np.exp(m_tilde - m_new)
            l_new = alpha * l_i + beta * l_tilde
            O_old = (l_i * alpha)[:, None] * O[i:i + B_r]
            O_new = beta[:, None] * (P_tilde @ V_j)
            O[i:i + B_r] = (O_old + O_new) / l_new[:, None]
            m[i:i + B_r], l[i:i + B_r] = m_new, l_new
    return O, m + np.log(l)


def recompute_probs(q, k, L, causal=False):
    """Attention probabilities rebuilt from q, k and the saved log-sum-exp.

    q: (N, d), k: (N_k, d), L: (N,) -> P: (N, N_k); what the backward pass
    does instead of reading a stored P.

    >>> q = k = np.eye(2)
    >>> _, L = flash_attention(q, k, np.eye(2), B_r=1, B_c=1)
    >>> recompute_probs(q, k, L).sum(axis=1)
    array([1., 1.])
    """
    S = q @ k.T / np.sqrt(q.shape[1])
    if causal:
        S = np.where(np.tri(*S.shape, dtype=bool), S, -np.inf)
    return np.exp(S - L[:, None])
