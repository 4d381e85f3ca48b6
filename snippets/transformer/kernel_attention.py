"""Attention as a kernel smoother: softmax, linear and random-feature attention.

Follows: Tsai et al. (2019) for attention as a Nadaraya-Watson kernel smoother;
Katharopoulos et al. (2020) for linear attention, its elu(x) + 1 feature map and its
causal recurrent form; Choromanski et al. (2021) for the positive random features
(FAVOR+) that estimate the softmax kernel exp(q . k), and Rahimi and Recht (2007)
for the trigonometric features it replaces.
Simplifications: one head, no batch axis; i.i.d. Gaussian projections (Performer
also orthogonalises them and redraws them during training); float64 throughout.
Softmax attention itself is imported from snippets/generation/attention.py.
"""

import math

import numpy as np


def kernel_smoother(q, k, v, kernel, causal=False) -> np.ndarray:
    """Nadaraya-Watson: out_i = sum_j K(q_i, k_j) v_j / sum_j K(q_i, k_j).

    q: (T_q, d), k: (T_k, d), v: (T_k, d_v), kernel: ((T_q, d), (T_k, d)) ->
    (T_q, T_k) non-negative -> (T_q, d_v). causal: query i sees keys j <= i.

    >>> x = np.eye(2)
    >>> kernel_smoother(x, x, np.array([[1.0], [3.0]]), lambda a, b: 1 + a @ b.T)
    array([[1.66666667],
           [2.33333333]])
    """
    K = kernel(q, k)  # (T_q, T_k): similarity of every query to every key
    if causal:
        K = np.tril(K)
    # Weighted average of the values, the weights normalised per query.
    return (K @ v) / K.sum(axis=-1, keepdims=True)


def softmax_kernel(q, k) -> np.ndarray:
    """The kernel of softmax attention, exp(q . k / sqrt(d)).

    q: (T_q, d), k: (T_k, d) -> (T_q, T_k).

    >>> float(softmax_kernel(np.ones((1, 4)), np.ones((1, 4)))[0, 0])  # exp(4 / 2)
    7.38905609893065
    """
    return np.exp(q @ k.T / math.sqrt(q.shape[-1]))


def elu_feature_map(x) -> np.ndarray:
    """phi(x) = elu(x) + 1, positive everywhere (Katharopoulos et al.).

    x: (..., d) -> (..., d).

    >>> elu_feature_map(np.array([-1.0, 0.0, 2.0])).round(4)
    array([0.3679, 1.    , 3.    ])
    """
    return np.where(x > 0, x + 1.0, np.exp(np.minimum(x, 0.0)))


def linear_attention(q, k, v, phi=elu_feature_map, causal=False) -> np.ndarray:
    """Kernel attention with K(q, k) = phi(q) . phi(k), computed as phi(Q) (phi(K)^T V).

    q: (T, d), k: (T, d), v: (T, d_v) -> (T, d_v). Non-causal: O(T d_phi d_v);
    causal: the quadratic masked form (see linear_attention_recurrent for O(T)).

    >>> x = np.ones((3, 2))
    >>> linear_attention(x, x, np.arange(3.0)[:, None], causal=True).ravel()
    array([0. , 0.5, 1. ])
    """
    fq, fk = phi(q), phi(k)  # (T, d_phi) each
    if causal:
        # The masked T x T form: the reference for the recurrence.
        A = np.tril(fq @ fk.T)  # (T, T)
        return (A @ v) / A.sum(axis=-1, keepdims=True)
    # Associativity: phi(Q) (phi(K)^T V), never forming a T x T matrix.
    S = fk.T @ v  # (d_phi, d_v)
    z = fk.sum(axis=0)  # (d_phi,)
    return (fq @ S) / (fq @ z)[:, None]


def linear_attention_recurrent(q, k, v, phi=elu_feature_map):
    """Causal linear attention as an RNN: a (d_phi, d_v) state updated once per token.

    q, k: (T, d), v: (T, d_v) -> (out (T, d_v), final state S (d_phi, d_v)).
    Equal to linear_attention(..., causal=True); memory O(d_phi d_v) whatever T.

    >>> x = np.ones((5, 2))
    >>> out, S = linear_attention_recurrent(x, x, np.ones((5, 3)))
    >>> out.shape, S.shape
    ((5, 3), (2, 3))
    """
    fq, fk = phi(q), phi(k)  # (T, d_phi)
    S = np.zeros((fk.shape[1], v.shape[1]))  # running sum of phi(k_j) v_j^T
    z = np.zeros(fk.shape[1])  # running sum of phi(k_j): the normaliser
    out = np.empty((len(q), v.shape[1]))
    for t in range(len(q)):
        S += np.outer(fk[t], v[t])  # write token t into the state
        z += fk[t]
        out[t] = fq[t] @ S / (fq[t] @ z)  # read with the query
    return out, S


def gaussian_projection(d: int, m: int, rng) -> np.ndarray:
    """m random directions w ~ N(0, I_d), the rows of W. -> (m, d).

    >>> gaussian_projection(4, 3, np.random.default_rng(0)).shape
    (3, 4)
    """
    return rng.standard_normal((m, d))


def positive_random_features(x, W) -> np.ndarray:
    """FAVOR+ features exp(w . x - |x|^2 / 2) / sqrt(m): E[phi(q) . phi(k)] = exp(q . k).

    x: (T, d), W: (m, d) -> (T, m), every entry > 0. Scale x by d**-0.25 first
    to estimate the softmax kernel exp(q . k / sqrt(d)).

    >>> W = np.zeros((2, 3))  # w = 0: phi = exp(-|x|^2 / 2) / sqrt(2)
    >>> positive_random_features(np.zeros((1, 3)), W).round(4)
    array([[0.7071, 0.7071]])
    """
    m = W.shape[0]
    # subtle: subtract |x|^2 / 2 inside the exponent; exp(w . x) alone overflows sooner.
    return np.exp(x @ W.T - 0.5 * np.sum(x**2, axis=-1, keepdims=True)) / math.sqrt(m)


def trig_random_features(x, W) -> np.ndarray:
    """Rahimi-Recht features for exp(q . k): exp(|x|^2 / 2) [cos(Wx), sin(Wx)] / sqrt(m).

    x: (T, d), W: (m, d) -> (T, 2m). Unbiased, but phi(q) . phi(k) can be negative.

    >>> trig_random_features(np.zeros((1, 2)), np.ones((2, 2))).round(4)
    array([[0.7071, 0.7071, 0.    , 0.    ]])
    """
    m = W.shape[0]
    proj = x @ W.T  # (T, m)
    scale = np.exp(0.5 * np.sum(x**2, axis=-1, keepdims=True)) / math.sqrt(m)
    return scale * np.concatenate([np.cos(proj), np.sin(proj)], axis=-1)


def performer_attention(q, k, v, W, features=positive_random_features, causal=False):
    """Softmax attention estimated with random features: linear attention on phi(x / d^1/4).

    q, k: (T, d), v: (T, d_v), W: (m, d) -> (T, d_v).

    >>> rng = np.random.default_rng(0)
    >>> q = k = v = rng.standard_normal((4, 8))
    >>> performer_attention(q, k, v, gaussian_projection(8, 16, rng)).shape
    (4, 8)
    """
    s = q.shape[-1] ** -0.25  # q . k / sqrt(d) = (s q) . (s k)
    phi = lambda x: features(s * x, W)  # noqa: E731
    return linear_attention(q, k, v, phi=phi, causal=causal)


def relative_error(estimate, exact) -> float:
    """Frobenius-norm error |estimate - exact| / |exact|.

    >>> relative_error(np.array([1.1, 0.0]), np.array([1.0, 0.0]))
    0.10000000000000009
    """
    return float(np.linalg.norm(estimate - exact) / np.linalg.norm(exact))
