"""Knowledge distillation: a student trained on a teacher's softened output distribution.

Both logit vectors are divided by a temperature T before the softmax; the loss is the KL
divergence from the teacher's softened distribution p to the student's q, multiplied by
T^2 so that its gradient, T (q - p), keeps the same size whatever T is chosen. It is mixed
with the ordinary cross-entropy on the hard label. Sequence-level distillation instead
trains on the teacher's own decoded output, with ordinary next-token cross-entropy.

Follows: Hinton et al. (2015), Sec. 2 and 2.1, for the softened softmax, the gradient and
its high-temperature limit, and the T^2 factor; Kim and Rush (2016), Sec. 3, for word-
and sequence-level distillation.
Simplifications: losses averaged over the rows (examples or positions) given; the
teacher's decoding for sequence-level distillation (beam search in the paper) is left to
the caller; no top-k truncation of the teacher's distribution.
"""

import numpy as np


def softmax_T(z, T=1.0):
    """Softmax of z / T over the last axis. z: (..., V) -> (..., V).

    >>> softmax_T(np.array([0.0, np.log(3.0)]))
    array([0.25, 0.75])
    """
    s = z / T
    s = s - s.max(axis=-1, keepdims=True)  # subtle: shift before exp, or large z overflow
    e = np.exp(s)
    return e / e.sum(axis=-1, keepdims=True)


def log_softmax_T(z, T=1.0):
    """log softmax(z / T), computed stably. z: (..., V) -> (..., V)."""
    s = z / T
    s = s - s.max(axis=-1, keepdims=True)
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


def kd_loss(z_s, z_t, T):
    """T^2 KL(p || q), p = softmax(z_t / T), q = softmax(z_s / T), mean over rows.

    z_s, z_t: (n, V) student and teacher logits -> scalar.

    >>> float(kd_loss(np.zeros((1, 3)), np.zeros((1, 3)), T=4.0))
    0.0
    """
    p = softmax_T(z_t, T)
    kl = (p * (log_softmax_T(z_t, T) - log_softmax_T(z_s, T))).sum(axis=-1)
    return T**2 * kl.mean()


def kd_grad(z_s, z_t, T):
    """Gradient of kd_loss with respect to the student logits: T (q - p) / n.

    The 1/T of the softened softmax's gradient times T^2; at high T it tends to
    (z_s - z_t) / V / n for logits of zero mean, independent of T.

    >>> kd_grad(np.array([[1.0, -1.0]]), np.array([[1.0, -1.0]]), T=2.0)
    array([[0., 0.]])
    """
    return T * (softmax_T(z_s, T) - softmax_T(z_t, T)) / z_s.shape[0]


def cross_entropy(z, y):
    """Mean of -log softmax(z)[y]. z: (n, V), y: (n,) integer labels -> scalar.

    >>> round(float(cross_entropy(np.zeros((2, 4)), np.array([0, 3]))), 4)
    1.3863
    """
    return -log_softmax_T(z)[np.arange(len(y)), y].mean()


def distillation_loss(z_s, z_t, y, T=2.0, alpha=0.5):
    """Hinton et al.'s objective: alpha CE(y, q at T = 1) + (1 - alpha) T^2 KL at T.

    z_s, z_t: (n, V), y: (n,) -> scalar. With word-level KD on a sequence, the rows are
    the positions under teacher forcing; sequence-level KD passes the teacher's decoded
    tokens as y with alpha = 1.

    >>> z = np.array([[2.0, 0.0]])
    >>> float(distillation_loss(z, z, np.array([0]), alpha=0.0))
    0.0
    """
    return alpha * cross_entropy(z_s, y) + (1 - alpha) * kd_loss(z_s, z_t, T)


def teacher_storage_bytes(n_tokens, vocab, top_k=None, value_bytes=2, index_bytes=4):
    """Bytes to store a teacher's next-token distribution for n_tokens positions offline.

    Full distributions: vocab values per token; top_k: k values and their token ids.

    >>> teacher_storage_bytes(1, 256_000) / 1e3  # kB per token, bf16, full vocabulary
    512.0
    """
    if top_k is None:
        return n_tokens * vocab * value_bytes
    return n_tokens * top_k * (value_bytes + index_bytes)
