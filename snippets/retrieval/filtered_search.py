"""Metadata-filtered vector search: pre-filtering, post-filtering, and what
post-filtering loses.

Follows: the attribute-filtering strategies compared in Milvus (Wang et al.,
SIGMOD 2021): filter first and search only the rows that pass (pre-filter), or
search first for k' >= k candidates and drop those that fail (post-filter).
If the filter passes a fraction s of the rows independently of the vectors,
the candidates that survive are Binomial(k', s), so a selective filter leaves
fewer than k results unless k' is of order k / s.
Simplifications: brute-force inner-product search stands in for the ANN index
(an ANN pre-filter is harder: graph indexes lose connectivity when most nodes
are masked, the problem Filtered-DiskANN, Gollapudi et al., 2023, addresses);
the filter is a boolean mask.
"""

import math

import numpy as np


def top_k(scores, k):
    """Indices of the k largest scores, best first; ties keep index order.
    (n,) -> (min(k, n),).

    >>> top_k(np.array([0.1, 0.9, 0.5, 0.9]), 3).tolist()
    [1, 3, 2]
    """
    neg = -np.asarray(scores)
    if len(neg) > k > 0:  # select in O(n), then sort only the k selected
        kth = np.partition(neg, k - 1)[k - 1]
        # subtle: every tie at the boundary, in index order
        sel = np.flatnonzero(neg <= kth)
        return sel[np.argsort(neg[sel], kind="stable")[:k]]
    return np.argsort(neg, kind="stable")[:k]


def prefilter_search(x, q, mask, k):
    """Search only the rows that pass the filter.
    x: (n, d), q: (d,), mask: (n,) bool -> ids.

    >>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> prefilter_search(x, np.array([1.0, 0.0]), np.array([False, True, True]), 2).tolist()
    [1, 2]
    """
    ids = np.flatnonzero(mask)
    return ids[top_k(x[ids] @ q, k)]


def postfilter_search(x, q, mask, k, k_prime):
    """Search all rows for k' candidates, then keep the first k that pass.
    -> ids (<= k of them).

    >>> x = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]])
    >>> q, mask = np.array([1.0, 0.0]), np.array([False, True, True])
    >>> postfilter_search(x, q, mask, 2, 2).tolist()
    [1]
    """
    cand = top_k(x @ q, k_prime)
    return cand[mask[cand]][:k]  # subtle: fewer than k survive when the filter is selective


def _binom_pmf(j, n, s):
    return math.comb(n, j) * s**j * (1.0 - s) ** (n - j)


def p_postfilter_full(k, k_prime, s):
    """P(at least k of k' candidates pass a filter of selectivity s)
    = P(Binomial(k', s) >= k).

    >>> round(p_postfilter_full(10, 1000, 0.01), 3)
    0.543
    """
    return 1.0 - sum(_binom_pmf(j, k_prime, s) for j in range(min(k, k_prime + 1)))


def expected_postfilter_results(k, k_prime, s):
    """E[min(k, Binomial(k', s))]: mean number of results a post-filtered top-k returns.

    >>> round(expected_postfilter_results(10, 100, 0.01), 3)
    1.0
    """
    partial = sum(j * _binom_pmf(j, k_prime, s) for j in range(min(k, k_prime + 1)))
    return partial + k * p_postfilter_full(k, k_prime, s)


def k_prime_needed(k, s, confidence=0.99):
    """Smallest k' for which a post-filter returns all k results with the given probability.

    >>> k_prime_needed(10, 0.5)
    33
    """
    lo, hi = k, k
    while p_postfilter_full(k, hi, s) < confidence:  # double until enough, then bisect
        lo, hi = hi, 2 * hi
    while lo < hi:
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if p_postfilter_full(k, mid, s) < confidence else (lo, mid)
    return lo
