"""Tests of snippets/generation/beam_search.py: greedy, beam search and the length penalty against an
independent brute-force enumeration."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.beam_search import (
    BEAM_TRAP, EOS, beam_search, exhaustive_search, greedy, length_penalty, random_tree_lm,
    search_study, table_lm,
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
@pytest.mark.parametrize("alpha", [0.0, 1.0])
def test_no_search_scores_above_the_exact_argmax(seed, alpha):
    # The true invariant: greedy and every beam width score at most the exact optimum.
    lm = random_tree_lm(V=4, seed=seed, sharpness=1.0)
    exact = exhaustive_search(lm, 4, 5, alpha)[2]
    for B in (1, 2, 4, 8):
        assert beam_search(lm, B, 5, alpha)[2] <= exact + 1e-12


def test_a_wider_beam_can_score_below_greedy():
    # Not an invariant: on BEAM_TRAP beam 2 prunes the finished greedy output (1, EOS).
    lm = table_lm(BEAM_TRAP, V=4)
    g = greedy(lm, max_len=3)
    assert g[0] == (1, EOS) and round(float(np.exp(g[1])), 3) == 0.155
    b2 = beam_search(lm, beam_width=2, max_len=3)
    assert b2[0][0] == 2 and round(float(np.exp(b2[1])), 3) == 0.056
    # The two step-2 candidates that push (1, EOS) out of a beam of 2.
    assert [round(0.45 * p, 3) for p in (0.50, 0.46)] == [0.225, 0.207] and 0.5 * 0.31 < 0.207
    # Beam 1 (greedy), beam 3 and exact search all keep it.
    for B in (1, 3, 4):
        assert beam_search(lm, B, 3)[0] == (1, EOS)
    assert exhaustive_search(lm, 4, 3)[0] == (1, EOS)


def test_table_lm_defaults_to_uniform():
    step = table_lm({(): [0.7, 0.2, 0.1]}, V=3)
    assert_allclose(np.exp(step(())), [0.7, 0.2, 0.1], rtol=1e-12)
    assert_allclose(np.exp(step((2, 1))), np.full(3, 1 / 3), rtol=1e-12)
    for prefix, probs in BEAM_TRAP.items():
        assert_allclose(sum(probs), 1.0, rtol=1e-12)


def test_exhaustive_search_rejects_zero_length():
    with pytest.raises(ValueError):
        exhaustive_search(random_tree_lm(V=3, seed=0), V=3, max_len=0)


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
