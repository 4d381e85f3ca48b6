"""Language sampling for multilingual pre-training: exponent (temperature) smoothing and
UniMax.

With n_i units of text (tokens, characters or bytes) in language i, p_i = n_i / sum(n) is
the share of the raw corpus. Exponent smoothing samples language i with probability
q_i = p_i**alpha / sum_j p_j**alpha: alpha = 1 keeps the raw shares, alpha = 0 is uniform,
and the values in use sit between (0.7 in mBERT, 0.5 in XLM, 0.3 in XLM-R and mT5). The
same smoothing is written with a temperature T = 1 / alpha. UniMax instead spreads a token
budget uniformly over languages but caps each at a number of passes (epochs) over its
corpus, and hands what the cap frees to the larger languages.

Follows: the mBERT release notes (Devlin et al., 2018; S = 0.7), Lample and Conneau (2019,
eq. 1), Conneau et al. (2020, alpha = 0.3); Chung et al. (2023, Algorithm 1) for UniMax.
Simplifications: a language is one corpus with one size; no document-level quality
weighting, no per-source mixture inside a language, no schedule over training (mmBERT
anneals alpha during training, Marone et al., 2025).
"""

import numpy as np

# An illustrative five-language corpus, in tokens: each language 10x smaller than the last
# (made-up sizes with the 10,000x spread of real web crawls, not any real corpus).
TOY_SIZES = (1e12, 1e11, 1e10, 1e9, 1e8)


def smoothed_shares(n, alpha):
    """Sampling probabilities q_i proportional to p_i**alpha.

    n: (L,) corpus sizes, alpha in [0, 1] -> (L,) probabilities summing to 1.

    >>> smoothed_shares([900, 100], 1.0).round(3).tolist()
    [0.9, 0.1]
    >>> smoothed_shares([900, 100], 0.5).round(3).tolist()
    [0.75, 0.25]
    >>> smoothed_shares([900, 100], 0.0).round(3).tolist()
    [0.5, 0.5]
    """
    n = np.asarray(n, dtype=float)
    if np.any(n < 0) or n.sum() <= 0:
        raise ValueError("corpus sizes must be non-negative with a positive total")
    p = n / n.sum()
    # subtle: 0.0**0 == 1, so alpha = 0 would sample a language with no data at all
    w = np.where(p > 0, p ** alpha, 0.0)
    return w / w.sum()


def sampling_ratio(n_a, n_b, alpha):
    """How many times more often language a is sampled than b: (n_a / n_b)**alpha.

    >>> round(sampling_ratio(1000, 1, 0.7), 1)  # mBERT's English vs Icelandic example
    125.9
    """
    return (n_a / n_b) ** alpha


def epochs(n, q, budget):
    """Passes over each language's corpus when training on `budget` units drawn with q.

    n: (L,), q: (L,) -> (L,) epochs q_i * budget / n_i.

    >>> epochs([900, 100], [0.75, 0.25], 400).tolist()
    [0.3333333333333333, 1.0]
    """
    n, q = np.asarray(n, dtype=float), np.asarray(q, dtype=float)
    return q * budget / n


def unimax(n, budget, max_epochs):
    """UniMax shares: uniform over languages, each capped at max_epochs passes.

    n: (L,) corpus sizes, budget: total units to train on -> (L,) shares summing to 1.

    >>> unimax([900, 90, 10], 600, 4).round(3).tolist()  # tail capped at 40 of 600
    [0.467, 0.467, 0.067]
    """
    n = np.asarray(n, dtype=float)
    if budget > max_epochs * n.sum():
        raise ValueError("budget exceeds max_epochs passes over the whole corpus")
    alloc = np.zeros_like(n)
    remaining = float(budget)
    # Visit languages from the smallest corpus up; each takes an equal split of what is left
    order = np.argsort(n, kind="stable")
    for k, i in enumerate(order):
        fair = remaining / (len(n) - k)
        alloc[i] = min(fair, max_epochs * n[i])  # the cap binds for small corpora
        remaining -= alloc[i]
    return alloc / alloc.sum()
