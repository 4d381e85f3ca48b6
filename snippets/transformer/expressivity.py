"""Two limits of one attention layer that can be checked numerically.

1. The low-rank bottleneck: a head's logit matrix Q K^T = X W_q W_k^T X^T has rank at most
   d_k, so a head with d_k < n cannot express every n x n pattern of logits.
2. Bounded sensitivity: with logits bounded by B, changing one of n inputs moves the output
   of a soft-attention layer by O(1/n), while PARITY flips its answer on every change.

Follows: Bhojanapalli et al. (2020), "Low-Rank Bottleneck in Multi-head Attention Models",
Sec. 3 (the rank argument); Hahn (2020), "Theoretical Limitations of Self-Attention in
Neural Sequence Models", Lemma 5 (changing one input changes the output by O(1/n)).
Simplifications: one layer, one head, no residual, FFN or layer norm (Chiang and Cholak,
2022, use layer norm to undo the 1/n shrinkage); +-1 bit embeddings.
"""

import numpy as np

from snippets.generation.attention import masked_softmax, scaled_dot_product_attention


def attention_logits(x, W_q, W_k) -> np.ndarray:
    """The pre-softmax logits of one head, (x W_q)(x W_k)^T / sqrt(d_k).

    x: (n, d), W_q, W_k: (d, d_k) -> (n, n).

    >>> x = np.eye(3); W = np.eye(3)[:, :1]
    >>> attention_logits(x, W, W)
    array([[1., 0., 0.],
           [0., 0., 0.],
           [0., 0., 0.]])
    """
    q, k = x @ W_q, x @ W_k  # (n, d_k) each
    return q @ k.T / np.sqrt(W_q.shape[1])


def best_rank_r_error(A, r: int) -> float:
    """Smallest Frobenius error of any rank-r approximation of A (Eckart-Young).

    A: (n, n) -> float: the norm of A's singular values beyond the r-th. A head of size
    d_k = r cannot produce logits closer to A than this, whatever W_q, W_k and x.

    >>> round(best_rank_r_error(np.diag([3.0, 2.0, 1.0]), 1), 4)  # sqrt(2^2 + 1^2)
    2.2361
    """
    s = np.linalg.svd(A, compute_uv=False)
    return float(np.sqrt(np.sum(s[r:] ** 2)))


def flip_sensitivity(n: int, B: float, rng, trials: int = 20) -> float:
    """Largest change of one soft-attention readout when one of n input bits flips.

    Tokens are n bits (feature +-1) and a readout token (feature 0) whose query attends
    over all n + 1 tokens; logits are clipped to [-B, B] (Hahn's bounded setting). Returns
    the max over random heads and flipped positions of |y - y'|, y the attended bit feature.
    n: number of bits, B: logit bound -> float. It is at most 4 e^(2B) / (n + 1).

    >>> flip_sensitivity(8, 1.0, np.random.default_rng(0), trials=2) < 4 * np.e**2 / 9
    True
    """
    worst = 0.0
    for _ in range(trials):
        bits = rng.integers(0, 2, n)
        pos = rng.normal(size=(n + 1, 4))  # position features, the readout's included
        W_q, W_k = rng.normal(size=(5, 4)), rng.normal(size=(5, 4))

        def readout(b):
            sign = np.append(2.0 * b - 1, 0.0)  # (n + 1,): the readout carries no bit
            x = np.concatenate([sign[:, None], pos], axis=1)  # (n + 1, 5)
            # The readout's logits only, clipped to [-B, B]: Hahn's bounded setting.
            s = np.clip((x @ W_k) @ (x[-1] @ W_q) / 2.0, -B, B)  # (n + 1,), sqrt(d_k) = 2
            return masked_softmax(s) @ sign

        y = readout(bits)
        for j in range(n):
            flipped = bits.copy()
            flipped[j] ^= 1
            worst = max(worst, abs(readout(flipped) - y))
    return float(worst)


def uniform_attention_mean(values) -> np.ndarray:
    """Causal attention with all-equal logits: position i returns the mean of values[:i+1].

    values: (n, d) -> (n, d). This is how one soft head counts: the fraction of ones up to
    i, resolved only to 1/(i+1) (Hao et al., 2022: averaging attention computes MAJORITY).

    >>> uniform_attention_mean(np.array([[1.0], [0.0], [1.0], [1.0]])).ravel().round(3)
    array([1.   , 0.5  , 0.667, 0.75 ])
    """
    n = len(values)
    q = k = np.zeros((n, 1))  # every logit 0: the softmax is uniform over the visible keys
    mask = np.tril(np.ones((n, n), dtype=bool))
    out, _ = scaled_dot_product_attention(q, k, values, mask)
    return out
