"""Reshaping one step's next-token distribution: temperature, top-k, top-p, min-p and the
repetition penalty. Search over whole sequences (greedy, beam) lives in beam_search.py.

Follows: temperature softmax(z / T); top-k (Fan et al., 2018); nucleus / top-p
(Holtzman et al., 2020); min-p (Nguyen et al., 2025); the repetition penalty of
Keskar et al. (2019) in the sign-aware form that common libraries implement.

Simplifications: one distribution at a time (no batch dimension); filters act on
probabilities rather than on logits with -inf; no sampling loop (see ngram_lm.NGramLM.sample
for one).
"""

from __future__ import annotations

import numpy as np

# A next-token distribution used by the page, the figure and the tests (10 tokens).
EXAMPLE_LOGITS = np.array([3.0, 2.2, 1.8, 1.0, 0.5, 0.2, -0.5, -1.0, -1.5, -2.0])


def softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    """softmax(z / T): (V,) -> (V,); T = 0 is the limit, a one-hot on the argmax.

    >>> softmax(np.array([1.0, 3.0, 2.0]), temperature=0.0)
    array([0., 1., 0.])
    """
    if temperature == 0:
        out = np.zeros_like(z, dtype=float)
        out[np.argmax(z)] = 1.0
        return out
    a = z / temperature
    e = np.exp(a - a.max())  # subtract the max: exp never overflows
    return e / e.sum()


def top_k_filter(p: np.ndarray, k: int) -> np.ndarray:
    """Keep the k most probable tokens and renormalise: (V,) -> (V,), exactly k non-zeros.

    >>> top_k_filter(np.array([0.1, 0.5, 0.4]), 2)
    array([0.        , 0.55555556, 0.44444444])
    """
    keep = np.argsort(-p, kind="stable")[:k]  # subtle: stable sort breaks ties by token id
    out = np.zeros_like(p)
    out[keep] = p[keep]
    return out / out.sum()


def top_p_filter(p: np.ndarray, top_p: float) -> np.ndarray:
    """Nucleus: keep the smallest top set whose mass reaches top_p, renormalise:
    (V,) -> (V,).

    >>> top_p_filter(np.array([0.5, 0.3, 0.2]), 0.8)
    array([0.625, 0.375, 0.   ])
    """
    order = np.argsort(-p, kind="stable")
    cum = np.cumsum(p[order])
    # Number kept = first position where the running mass reaches top_p (at least 1).
    n_keep = min(int(np.searchsorted(cum, top_p - 1e-12)) + 1, p.size)
    return top_k_filter(p, n_keep)


def min_p_filter(p: np.ndarray, p_base: float) -> np.ndarray:
    """Min-p: keep tokens with p_i >= p_base * max(p), renormalise: (V,) -> (V,).

    >>> min_p_filter(np.array([0.5, 0.3, 0.16, 0.04]), 0.1)
    array([0.52083333, 0.3125    , 0.16666667, 0.        ])
    """
    out = np.where(p >= p_base * p.max(), p, 0.0)
    return out / out.sum()


def repetition_penalty(z: np.ndarray, previous, theta: float = 1.2) -> np.ndarray:
    """Lower the logits of already generated tokens (CTRL, theta ~ 1.2): (V,) -> (V,).

    >>> repetition_penalty(np.array([2.0, -1.0, 0.5]), [0, 1], theta=2.0)
    array([ 1. , -2. ,  0.5])
    """
    out = z.astype(float).copy()
    idx = np.unique(np.asarray(list(previous), dtype=int))  # each seen token once
    # subtle: dividing a negative logit by theta > 1 would raise it,
    # so negatives are multiplied.
    out[idx] = np.where(out[idx] > 0, out[idx] / theta, out[idx] * theta)
    return out
