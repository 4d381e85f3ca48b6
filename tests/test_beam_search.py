"""Tests of snippets/beam_search.py: greedy, beam search and the length penalty against an
independent brute-force enumeration."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.beam_search import (
    EOS, beam_search, exhaustive_search, greedy, length_penalty, random_tree_lm, search_study,
)


def brute_force(step, V, max_len, alpha):
    """Reference: enumerate every token string with itertools.product and keep the valid ones
    (EOS only as the last token, or no EOS and exactly max_len tokens)."""
    best = None
    for L in range(1, max_len + 1):
        for seq in itertools.product(range(V), repeat=L):
            if EOS in seq[:-1] or (seq[-1] != EOS and L < max_len):
                continue
            lp = sum(step(seq[:t])[seq[t]] for t in range(L))
            s = lp / ((5 + L) / 6) ** alpha
            if best is None or s > best[2]:
                best = (seq, lp, s)
    return best


def test_length_penalty_values():
    assert length_penalty(7, 0.0) == 1.0
    assert length_penalty(1, 0.6) == 1.0
    assert_allclose(length_penalty(19, 1.0), 4.0)


def test_toy_lm_is_normalised_and_deterministic():
    lm = random_tree_lm(V=6, seed=3)
    for prefix in [(), (1,), (2, 5, 1)]:
        assert_allclose(np.exp(lm(prefix)).sum(), 1.0, rtol=1e-12)
        assert_allclose(lm(prefix), random_tree_lm(V=6, seed=3)(prefix))


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("alpha", [0.0, 0.6, 1.0])
def test_beam_width_one_is_greedy(seed, alpha):
    lm = random_tree_lm(V=5, seed=seed)
    g = greedy(lm, max_len=6)
    b = beam_search(lm, beam_width=1, max_len=6, alpha=alpha)
    assert b[0] == g[0]
    assert_allclose(b[1], g[1], rtol=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("alpha", [0.0, 1.0])
@pytest.mark.parametrize("V,max_len", [(2, 1), (3, 4), (4, 3)])
def test_full_width_beam_is_exact(seed, alpha, V, max_len):
    # A beam as wide as the search space never prunes: it finds the brute-force argmax.
    lm = random_tree_lm(V=V, seed=seed, sharpness=1.0)
    ref = brute_force(lm, V, max_len, alpha)
    b = beam_search(lm, beam_width=V ** max_len, max_len=max_len, alpha=alpha)
    e = exhaustive_search(lm, V, max_len, alpha)
    assert b[0] == ref[0] == e[0]
    assert_allclose([b[2], e[2]], ref[2], rtol=1e-12)


@pytest.mark.parametrize("seed", range(10))
def test_wider_beam_never_scores_below_greedy_at_alpha_zero(seed):
    lm = random_tree_lm(V=4, seed=seed, sharpness=1.0)
    exact = exhaustive_search(lm, 4, 5)[2]
    g = greedy(lm, 5)[1]
    for B in (1, 2, 4, 8):
        s = beam_search(lm, B, 5)[2]
        assert exact + 1e-12 >= s and (B == 1 or s >= g - 1e-12)


def test_greedy_stops_at_eos_and_max_len():
    lm = random_tree_lm(V=5, seed=1)
    tokens, _ = greedy(lm, max_len=3)
    assert len(tokens) <= 3 and EOS not in tokens[:-1]
    assert greedy(lm, max_len=0) == ((), 0.0)


def test_search_study_numbers_on_the_page():
    s0 = search_study(alpha=0.0)
    assert s0["greedy_exact"] == 0.40
    assert s0["beam_exact"] == {1: 0.40, 3: 0.94, 5: 1.0}
    assert s0["exact_empty"] == 0.60
    assert round(s0["exact_len"], 2) == 1.48 and round(s0["greedy_len"], 2) == 3.38
    s1 = search_study(alpha=1.0)
    assert s1["exact_empty"] == 0.46 and round(s1["exact_len"], 2) == 1.86
