"""LoRA: a trainable low-rank update beside a frozen linear layer, and its relatives.

A frozen weight W0 (d x k) gets an update (alpha / r) B A with B (d x r) and A (r x k):
training touches r (d + k) numbers instead of d k, B = 0 at initialisation makes the
adapted layer start as the base layer, and after training the update can be merged into
W0, so inference costs nothing extra. DoRA rescales each output row of the merged weight
to a learned magnitude. Multi-LoRA serving keeps one base and gathers each request's A, B.

Follows: Hu et al. (2022), Sec. 4.1, for the update, its alpha / r scaling and B = 0;
Liu et al. (2024), Sec. 4.1, for DoRA's magnitude and direction; Chen et al. (2024,
Punica) and Sheng et al. (2024, S-LoRA) for batching requests of different adapters.
Simplifications: weights in PyTorch's (out, in) layout, rows of x are tokens; no bias,
no dropout on the LoRA path; A drawn Gaussian with scale 1/sqrt(k) (the paper says random
Gaussian, PEFT uses Kaiming-uniform); DoRA's row norm is not detached in backward, which
the paper does to save memory; the batched forward loops over requests where Punica's
SGMV kernel gathers in one launch.
"""

import numpy as np


def lora_init(W0, r, rng):
    """A random, B = 0, for a frozen W0.

    W0: (d, k) -> A: (r, k), B: (d, r).

    >>> A, B = lora_init(np.ones((6, 4)), 2, np.random.default_rng(0))
    >>> A.shape, B.shape, float(abs(B).sum())
    ((2, 4), (6, 2), 0.0)
    """
    d, k = W0.shape
    A = rng.normal(0.0, 1.0 / np.sqrt(k), size=(r, k))
    B = np.zeros((d, r))  # subtle: zero B, not zero A, or no gradient reaches either
    return A, B


def lora_forward(x, W0, A, B, alpha):
    """h = x W0^T + (alpha / r) (x A^T) B^T, without forming the d x k update.

    x: (n, k), W0: (d, k), A: (r, k), B: (d, r) -> (n, d).

    >>> x, W0 = np.ones((1, 2)), np.eye(2)
    >>> lora_forward(x, W0, np.ones((1, 2)), np.ones((2, 1)), alpha=1.0)
    array([[3., 3.]])
    """
    r = A.shape[0]
    z = x @ A.T  # (n, r): the bottleneck, r numbers per token
    return x @ W0.T + (alpha / r) * (z @ B.T)


def lora_merge(W0, A, B, alpha):
    """The merged weight W0 + (alpha / r) B A, for serving at the base layer's cost.

    >>> lora_merge(np.eye(2), np.ones((1, 2)), np.ones((2, 1)), alpha=2.0)
    array([[3., 2.],
           [2., 3.]])
    """
    return W0 + (alpha / A.shape[0]) * (B @ A)


def lora_params(d, k, r):
    """Trainable numbers of one LoRA pair on a d x k weight: r (d + k).

    >>> lora_params(4096, 4096, 16)
    131072
    """
    return r * (d + k)


def dora_init(W0, r, rng):
    """DoRA starts from LoRA's A, B and the magnitudes m = row norms of W0.

    W0: (d, k) -> m: (d,), A: (r, k), B: (d, r).

    >>> m, A, B = dora_init(np.array([[3.0, 4.0]]), 1, np.random.default_rng(0))
    >>> m
    array([5.])
    """
    A, B = lora_init(W0, r, rng)
    return np.linalg.norm(W0, axis=1), A, B


def dora_weight(W0, m, A, B, alpha):
    """W' = m * V / ||V|| with V = W0 + (alpha / r) B A, each output row normalised.

    Trainable: m (d numbers) and A, B; the direction update is LoRA's.

    >>> dora_weight(np.array([[3.0, 4.0]]), np.array([10.0]), np.zeros((1, 2)),
    ...             np.zeros((1, 1)), alpha=1.0)
    array([[6., 8.]])
    """
    V = lora_merge(W0, A, B, alpha)
    return m[:, None] * V / np.linalg.norm(V, axis=1, keepdims=True)


def multi_lora_forward(x, W0, adapters, ids, alpha):
    """One batch, each row with its own adapter: the base GEMM once, then per-request LoRA.

    x: (n, k), ids: (n,) index into adapters, a list of (A, B) -> (n, d).

    >>> x, W0 = np.ones((2, 2)), np.eye(2)
    >>> ad = [(np.zeros((1, 2)), np.zeros((2, 1))), (np.ones((1, 2)), np.ones((2, 1)))]
    >>> multi_lora_forward(x, W0, ad, np.array([0, 1]), alpha=1.0)
    array([[1., 1.],
           [3., 3.]])
    """
    h = x @ W0.T  # shared base weights: one large GEMM for the whole batch
    for j, (A, B) in enumerate(adapters):
        rows = ids == j  # gather the requests of adapter j (Punica's segments)
        if rows.any():
            h[rows] += (alpha / A.shape[0]) * (x[rows] @ A.T) @ B.T
    return h
