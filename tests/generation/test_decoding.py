"""Tests of snippets/generation/decoding.py: temperature, top-k, top-p, min-p, repetition penalty."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import softmax as scipy_softmax

from snippets.generation.decoding import (
    EXAMPLE_LOGITS, min_p_filter, repetition_penalty, softmax, top_k_filter, top_p_filter,
)


@pytest.fixture
def rng():
    return np.random.default_rng(4242)


@pytest.mark.parametrize("V", [1, 2, 10, 1000])
@pytest.mark.parametrize("T", [0.3, 1.0, 2.5])
def test_softmax_matches_scipy(rng, V, T):
    z = rng.normal(size=V) * 5
    assert_allclose(softmax(z, T), scipy_softmax(z / T), rtol=1e-12)
    assert_allclose(softmax(z, T).sum(), 1.0, rtol=1e-12)


def test_softmax_does_not_overflow():
    p = softmax(np.array([1000.0, 999.0, -1000.0]))
    assert np.all(np.isfinite(p)) and p[0] > p[1] > p[2]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_temperature_to_zero_is_argmax(rng, dtype):
    for _ in range(20):
        z = rng.normal(size=50).astype(dtype)
        onehot = np.eye(50)[np.argmax(z)]
        assert_allclose(softmax(z, 0.0), onehot)
        # A small positive T approaches the one-hot limit (gaps between logits here > 1e-4).
        gap = np.sort(z)[-1] - np.sort(z)[-2]
        assert_allclose(softmax(z.astype(float), gap / 50), onehot, atol=1e-12 + np.exp(-49))


def test_temperature_orders_entropy():
    H = [-(p * np.log(p)).sum() for p in (softmax(EXAMPLE_LOGITS, T) for T in (0.5, 1.0, 2.0))]
    assert H[0] < H[1] < H[2]


def test_page_numbers_for_the_example_distribution():
    p = softmax(EXAMPLE_LOGITS)
    assert round(float(p.max()), 2) == 0.48
    assert round(float(softmax(EXAMPLE_LOGITS, 0.5).max()), 2) == 0.76
    assert round(float(softmax(EXAMPLE_LOGITS, 2.0).max()), 2) == 0.28
    assert round(float(p[:3].sum()), 2) == 0.84 and round(float(p[:4].sum()), 2) == 0.90
    assert round(float(p[3]), 2) == 0.06  # the least likely token that top-p 0.9 keeps
    nucleus = top_p_filter(p, 0.9)
    assert np.count_nonzero(nucleus) == 4
    assert round(float(nucleus[0]), 2) == 0.53
    assert np.count_nonzero(min_p_filter(p, 0.1)) == 4
    # Temperature before the cut: at T = 2 the same top-p 0.9 keeps 7 tokens.
    assert np.count_nonzero(top_p_filter(softmax(EXAMPLE_LOGITS, 2.0), 0.9)) == 7


def naive_top_p(p, top_p):
    """Reference: add tokens in order of probability until the kept mass reaches top_p."""
    kept, mass = [], 0.0
    for i in sorted(range(p.size), key=lambda i: (-p[i], i)):
        kept.append(i)
        mass += p[i]
        if mass >= top_p - 1e-12:
            break
    out = np.zeros_like(p)
    out[kept] = p[kept]
    return out / out.sum()


@pytest.mark.parametrize("top_p", [0.01, 0.5, 0.9, 0.95, 1.0])
@pytest.mark.parametrize("V", [1, 3, 40])
def test_top_p_matches_naive_and_is_smallest(rng, top_p, V):
    p = scipy_softmax(rng.normal(size=V) * 2)
    q = top_p_filter(p, top_p)
    assert_allclose(q, naive_top_p(p, top_p), rtol=1e-12)
    assert_allclose(q.sum(), 1.0, rtol=1e-12)
    kept = np.flatnonzero(q)
    # The kept set reaches top_p, and dropping its least likely member would not.
    assert p[kept].sum() >= top_p - 1e-12
    if kept.size > 1:
        assert p[kept].sum() - p[kept].min() < top_p
    # The kept tokens are the most probable ones, in their original proportions.
    assert p[kept].min() >= np.delete(p, kept).max(initial=0)
    assert_allclose(q[kept], p[kept] / p[kept].sum(), rtol=1e-12)


def test_top_p_exact_boundary():
    # 0.5 + 0.3 reaches 0.8 exactly: two tokens, not three.
    assert np.count_nonzero(top_p_filter(np.array([0.5, 0.3, 0.2]), 0.8)) == 2


@pytest.mark.parametrize("k", [1, 2, 5, 10])
def test_top_k_keeps_exactly_k(rng, k):
    p = scipy_softmax(rng.normal(size=10))
    q = top_k_filter(p, k)
    assert np.count_nonzero(q) == k
    assert_allclose(q.sum(), 1.0, rtol=1e-12)
    assert set(np.flatnonzero(q)) == set(np.argsort(-p)[:k])


def test_top_k_with_ties_keeps_exactly_k():
    q = top_k_filter(np.full(6, 1 / 6), 4)
    assert np.count_nonzero(q) == 4 and list(np.flatnonzero(q)) == [0, 1, 2, 3]


def test_top_k_one_and_top_p_tiny_are_greedy(rng):
    p = scipy_softmax(rng.normal(size=30))
    onehot = np.eye(30)[np.argmax(p)]
    assert_allclose(top_k_filter(p, 1), onehot)
    assert_allclose(top_p_filter(p, 1e-9), onehot)


@pytest.mark.parametrize("p_base", [0.0, 0.05, 0.3, 1.0])
def test_min_p(rng, p_base):
    p = scipy_softmax(rng.normal(size=20) * 2)
    q = min_p_filter(p, p_base)
    assert_allclose(q.sum(), 1.0, rtol=1e-12)
    assert set(np.flatnonzero(q)) == {i for i in range(20) if p[i] >= p_base * p.max()}


def test_repetition_penalty_hand_worked():
    z = np.array([2.0, -1.0, 0.5, 3.0])
    out = repetition_penalty(z, [0, 1, 1], theta=2.0)
    assert_allclose(out, [1.0, -2.0, 0.5, 3.0])
    # The literal "divide by theta" would have raised the negative logit to -0.5.
    assert out[1] < z[1] / 2.0


def test_repetition_penalty_moves_mass_off_seen_tokens(rng):
    for _ in range(20):
        z = rng.normal(size=12) * 3
        seen = rng.choice(12, size=4, replace=False)
        p, q = softmax(z), softmax(repetition_penalty(z, seen, 1.3))
        unseen = np.setdiff1d(np.arange(12), seen)
        assert q[seen].sum() <= p[seen].sum() + 1e-15
        assert np.all(q[unseen] >= p[unseen] - 1e-15)
    assert_allclose(repetition_penalty(z, [], 1.3), z)
    assert_allclose(repetition_penalty(z, seen, 1.0), z)
