"""Positional encodings: sinusoidal, learned, relative (Shaw), rotary (RoPE) and ALiBi.

Follows: Vaswani et al. (2017), Sec. 3.5, for sinusoidal encodings; Shaw, Uszkoreit
and Vaswani (2018) for clipped relative position representations; Su et al. (2021),
Sec. 3.4, for rotary embeddings with theta_i = base^(-2i/d) on interleaved pairs;
Press, Smith and Lewis (2022) for ALiBi and its head slopes.
Simplifications: one head and no batch axis; Shaw's relative values (a^V) are left
out, only the key-side term a^K enters the scores; float64 throughout.
"""

import math

import numpy as np


def sinusoidal_encoding(T: int, d: int, base: float = 10_000.0) -> np.ndarray:
    """PE[pos, 2i] = sin(pos / base^(2i/d)), PE[pos, 2i+1] = cos(...). -> (T, d).

    >>> sinusoidal_encoding(2, 4).round(4)
    array([[0.    , 1.    , 0.    , 1.    ],
           [0.8415, 0.5403, 0.01  , 1.    ]])
    """
    pos = np.arange(T)[:, None]  # (T, 1)
    freq = base ** (-np.arange(0, d, 2) / d)  # (d/2,): one frequency per pair
    pe = np.empty((T, d))
    pe[:, 0::2] = np.sin(pos * freq)
    pe[:, 1::2] = np.cos(pos * freq)
    return pe


def learned_encoding(table, T: int) -> np.ndarray:
    """Rows 0..T-1 of a trained (T_max, d) table; no row exists past T_max. -> (T, d).

    >>> learned_encoding(np.zeros((4, 2)), 5)
    Traceback (most recent call last):
    ValueError: no learned position beyond 4: the table has 4 rows
    """
    if T > len(table):
        raise ValueError(f"no learned position beyond {len(table)}: "
                         f"the table has {len(table)} rows")
    return table[:T]


def relative_positions(T_q: int, T_k: int, k_max: int) -> np.ndarray:
    """Shaw's clipped distances clip(j - i, -k_max, k_max) + k_max. -> (T_q, T_k) int.

    Index into a (2 k_max + 1, d) table of learned relative embeddings a^K.

    >>> relative_positions(3, 3, k_max=1)
    array([[1, 2, 2],
           [0, 1, 2],
           [0, 0, 1]])
    """
    dist = np.arange(T_k)[None, :] - np.arange(T_q)[:, None]  # (T_q, T_k): j - i
    return np.clip(dist, -k_max, k_max) + k_max


def relative_scores(q, k, a_K) -> np.ndarray:
    """Shaw's logits e_ij = q_i . (k_j + a^K_{clip(j-i)}) / sqrt(d).

    q: (T_q, d), k: (T_k, d), a_K: (2 k_max + 1, d) -> (T_q, T_k).

    >>> relative_scores(np.ones((2, 1)), np.zeros((2, 1)), np.array([[-1.0], [0], [1]]))
    array([[ 0.,  1.],
           [-1.,  0.]])
    """
    k_max = (len(a_K) - 1) // 2
    rel = a_K[relative_positions(len(q), len(k), k_max)]  # (T_q, T_k, d)
    content = q @ k.T  # (T_q, T_k)
    position = np.einsum("id,ijd->ij", q, rel)  # query against each pair's a^K
    return (content + position) / math.sqrt(q.shape[-1])


def rope_frequencies(d: int, base: float = 10_000.0) -> np.ndarray:
    """theta_i = base^(-2i/d), i = 0..d/2-1: radians per position of pair i. -> (d/2,).

    >>> rope_frequencies(4, base=100.0)
    array([1. , 0.1])
    """
    return base ** (-np.arange(0, d, 2) / d)


def rope(x, positions, base: float = 10_000.0) -> np.ndarray:
    """Rotate pair (x_2i, x_2i+1) of the vector at position m by the angle m theta_i.

    x: (T, d) queries or keys, positions: (T,) -> (T, d). Applied to q and k
    (never v), after the projections, in every layer.

    >>> rope(np.array([[1.0, 0.0]]), [1], base=1.0).round(4)  # 1 radian
    array([[0.5403, 0.8415]])
    """
    m = np.asarray(positions, dtype=float)[:, None]  # (T, 1)
    angle = m * rope_frequencies(x.shape[-1], base)  # (T, d/2): m theta_i
    cos, sin = np.cos(angle), np.sin(angle)  # (T, d/2)
    x1, x2 = x[:, 0::2], x[:, 1::2]  # (T, d/2): the two coordinates of each pair
    out = np.empty_like(x, dtype=float)
    out[:, 0::2] = x1 * cos - x2 * sin  # 2 x 2 rotation of each pair
    out[:, 1::2] = x1 * sin + x2 * cos
    return out


def rope_slow_pairs(d: int, base: float, context: int) -> int:
    """Pairs whose wavelength 2 pi / theta_i exceeds the training context. -> count.

    Their angles never complete a turn in training, so positions past the
    context give them angles the model has never seen.

    >>> rope_slow_pairs(128, 10_000.0, 4096)  # Llama 2
    18
    """
    wavelength = 2 * math.pi / rope_frequencies(d, base)  # (d/2,) positions per turn
    return int(np.sum(wavelength > context))


def alibi_slopes(n_heads: int) -> np.ndarray:
    """ALiBi's head slopes, the geometric sequence 2^(-8/n), 2^(-16/n), ..., 2^(-8).

    n_heads -> (n_heads,).

    For n not a power of 2, the paper's rule: the slopes for the power of 2
    below n, then every other slope of the sequence for twice that power.

    >>> alibi_slopes(8) * 256
    array([128.,  64.,  32.,  16.,   8.,   4.,   2.,   1.])
    """
    p = 2 ** int(math.floor(math.log2(n_heads)))  # largest power of 2 <= n
    base = 2.0 ** (-8.0 * np.arange(1, p + 1) / p)
    if p == n_heads:
        return base
    extra = 2.0 ** (-8.0 * np.arange(1, 2 * p + 1) / (2 * p))[0::2]  # the odd steps
    return np.concatenate([base, extra[: n_heads - p]])


def alibi_bias(n_heads: int, T: int) -> np.ndarray:
    """Causal ALiBi bias -m_h (i - j) for keys j <= i, -inf above. -> (n_heads, T, T).

    Added to the logits q_i . k_j / sqrt(d) before the softmax; no position
    enters the embeddings.

    >>> alibi_bias(1, 3)[0] * 256
    array([[  0., -inf, -inf],
           [ -1.,   0., -inf],
           [ -2.,  -1.,   0.]])
    """
    dist = np.arange(T)[:, None] - np.arange(T)[None, :]  # (T, T): i - j
    bias = alibi_slopes(n_heads)[:, None, None] * -dist  # (n_heads, T, T)
    return np.where(dist >= 0, bias, -np.inf)
