"""Greedy search and beam search with the GNMT length penalty, checked against exhaustive
search.

Search looks for argmax_Y score(Y) over sequences that end in EOS (or reach max_len), with
score(Y) = log P(Y) / lp(Y) and lp(Y) = ((5 + |Y|) / (5 + 1))^alpha. Greedy keeps one
prefix; beam search keeps the B best prefixes of each length; exhaustive search keeps all
V^t of them.

Follows: left-to-right beam search as used by Sutskever et al. (2014); the length penalty of
Wu et al. (2016), eq. 14, without their coverage penalty.

Simplifications: one sequence, no batching; beam search keeps the top-B extensions at each
step and retires those of them that end in EOS, so the beam shrinks (libraries rank 2B
candidates to refill it) and a finished candidate outside the top B is dropped; no early
stopping; |Y| counts the EOS token; the toy models are seeded random functions of the
prefix, or a hand-made table.
"""

from __future__ import annotations

import numpy as np

EOS = 0

# A hand-made model on which beam width 2 scores below greedy (the page's example): greedy
# takes token 1 (0.50) then EOS (0.31), P = 0.155; beam 2 prefers the two continuations of
# token 2 (0.225, 0.207) and drops the finished (1, EOS). Unlisted prefixes are uniform.
BEAM_TRAP = {(): [0.02, 0.50, 0.45, 0.03], (1,): [0.31, 0.30, 0.20, 0.19],
             (2,): [0.02, 0.50, 0.46, 0.02]}


def length_penalty(length: int, alpha: float) -> float:
    """GNMT lp(Y) = ((5 + |Y|) / (5 + 1))^alpha; alpha = 0 switches normalisation off.

    >>> length_penalty(1, 1.0), round(length_penalty(10, 0.6), 4)
    (1.0, 1.7329)
    """
    return ((5.0 + length) / 6.0) ** alpha


def random_tree_lm(V: int = 5, seed: int = 0, sharpness: float = 2.0):
    """A toy LM: each prefix has its own seeded random next-token log-distribution (V,).

    >>> step = random_tree_lm(V=4, seed=0)
    >>> round(float(np.exp(step((1, 2))).sum()), 12)
    1.0
    """
    def step(prefix) -> np.ndarray:
        z = np.random.default_rng([seed, len(prefix), *prefix]).normal(0.0, sharpness, V)
        return z - np.log(np.exp(z - z.max()).sum()) - z.max()  # log-softmax
    return step


def table_lm(table: dict, V: int):
    """A toy LM given by hand: table maps a prefix to its next-token probabilities (V,);
    prefixes not in the table get the uniform distribution.

    >>> step = table_lm({(): [0.5, 0.25, 0.25]}, V=3)
    >>> [round(float(np.exp(x)), 2) for x in step(())]
    [0.5, 0.25, 0.25]
    >>> round(float(np.exp(step((1,))[0])), 3)
    0.333
    """
    def step(prefix) -> np.ndarray:
        return np.log(np.asarray(table.get(tuple(prefix), np.full(V, 1.0 / V)),
                                 dtype=float))
    return step


def greedy(step, max_len: int) -> tuple[tuple[int, ...], float]:
    """Argmax at every step until EOS: step(prefix) -> (V,) log-probs;
    returns (tokens, log P).

    >>> greedy(random_tree_lm(V=5, seed=1), max_len=4)[0]
    (4, 1, 4, 0)
    """
    tokens, logp = (), 0.0
    for _ in range(max_len):
        lp = step(tokens)
        v = int(np.argmax(lp))
        tokens, logp = tokens + (v,), logp + float(lp[v])
        if v == EOS:
            break
    return tokens, logp


def beam_search(step, beam_width: int, max_len: int, alpha: float = 0.0):
    """Beam search; returns the best (tokens, log P, score), score = log P / lp(|Y|).

    >>> lm = random_tree_lm(V=4, seed=0)
    >>> beam_search(lm, beam_width=1, max_len=5)[0] == greedy(lm, max_len=5)[0]
    True
    """
    alive, finished = [((), 0.0)], []
    for _ in range(max_len):
        # Extend every live hypothesis by every token.
        cands = [(t + (v,), lp + float(s))
                 for t, lp in alive for v, s in enumerate(step(t))]
        # Candidates all have the same length, so log P ranks them as the score would.
        cands.sort(key=lambda c: -c[1])
        top = cands[:beam_width]
        finished += [c for c in top if c[0][-1] == EOS]
        alive = [c for c in top if c[0][-1] != EOS]
        if not alive:
            break
    finished += alive  # hypotheses cut off at max_len compete too
    best = max(finished, key=lambda c: c[1] / length_penalty(len(c[0]), alpha))
    return best[0], best[1], best[1] / length_penalty(len(best[0]), alpha)


def exhaustive_search(step, V: int, max_len: int, alpha: float = 0.0):
    """The exact argmax by depth-first enumeration of all V^t prefixes:
    (tokens, log P, score).

    >>> lm = random_tree_lm(V=5, seed=1)
    >>> exhaustive_search(lm, V=5, max_len=4)[0]  # greedy: (4, 1, 4, 0)
    (0,)
    """
    if max_len < 1:
        raise ValueError("max_len must be >= 1, or paths without EOS would never end")
    best = ((), -np.inf, -np.inf)
    stack = [((), 0.0)]
    while stack:
        prefix, lp = stack.pop()
        if prefix and (prefix[-1] == EOS or len(prefix) == max_len):
            score = lp / length_penalty(len(prefix), alpha)
            if score > best[2]:
                best = (prefix, lp, score)
            continue
        stack += [(prefix + (v,), lp + float(s)) for v, s in enumerate(step(prefix))]
    return best


def search_study(n_models: int = 50, V: int = 4, max_len: int = 6, beam_widths=(1, 3, 5),
                 alpha: float = 0.0, sharpness: float = 1.0) -> dict:
    """Over n_models toy LMs: how often greedy and each beam width find the exact argmax,
    the mean output lengths, and how often the exact argmax is the empty output (EOS alone).

    >>> s = search_study(n_models=4, max_len=3)
    >>> s["beam_exact"][1] == s["greedy_exact"]  # beam width 1 is greedy
    True
    """
    hits = {B: 0 for B in beam_widths}
    rows = []  # (greedy found it, greedy length, exact length, exact is empty)
    for seed in range(n_models):
        lm = random_tree_lm(V, seed, sharpness)
        exact = exhaustive_search(lm, V, max_len, alpha)[0]
        g = greedy(lm, max_len)[0]
        rows.append((g == exact, len(g), len(exact), exact == (EOS,)))
        for B in beam_widths:
            hits[B] += beam_search(lm, B, max_len, alpha)[0] == exact
    m = [float(v) for v in np.mean(rows, axis=0)]
    return {"greedy_exact": m[0], "greedy_len": m[1], "exact_len": m[2],
            "exact_empty": m[3], "beam_exact": {B: h / n_models for B, h in hits.items()}}
