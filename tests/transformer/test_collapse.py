"""Tests of snippets/transformer/collapse.py: every number Q65 states, plus references."""

import numpy as np
import pytest

from snippets.generation.attention import masked_softmax, scaled_dot_product_attention
from snippets.transformer.collapse import (attention_entropy, attention_stack,
                                           attention_with_sink,
                                           entropy_under_weight_growth, qk_norm,
                                           streaming_cache_positions, token_spread)
from snippets.transformer.collapse_plots import plot_collapse

T, D = 32, 64


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.fixture
def X(rng):
    return rng.normal(size=(T, D))


def test_token_spread_is_the_best_rank_one_residual(rng, X):
    s = token_spread(X)
    for _ in range(20):  # no other x does better than the column mean
        x = X.mean(axis=0) + rng.normal(scale=0.1, size=D)
        assert np.linalg.norm(X - x[None, :]) >= s
    # Invariant: adding one vector to every token changes nothing.
    assert token_spread(X + rng.normal(size=D)) == pytest.approx(s, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pure_attention_collapses_doubly_exponentially(X, seed):
    r = attention_stack(X, 6, np.random.default_rng(seed))
    assert all(a > b for a, b in zip(r[:4], r[1:4]))  # strictly falling while measurable
    assert r[1] < 0.3 and r[2] < 0.01 and r[3] < 1e-6  # the numbers on the page
    # Each layer roughly cubes the spread: log r3 / log r2 close to 3 (the 3^L of the bound).
    assert 2.5 < np.log(r[3]) / np.log(r[2]) < 3.5


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_skip_connections_prevent_the_collapse(X, seed):
    r = attention_stack(X, 24, np.random.default_rng(seed), residual=True)
    assert min(r) >= 1.0 - 1e-9  # the token-specific part is never lost


def test_attention_entropy_reference_cases(rng):
    assert attention_entropy(np.eye(5)) == 0.0
    p = rng.dirichlet(np.ones(7), size=3)
    expected = np.mean([-(row * np.log(row)).sum() for row in p])
    assert attention_entropy(p) == pytest.approx(expected, rel=1e-12)


def test_entropy_collapses_as_weights_grow_and_qk_norm_prevents_it(rng, X):
    W_q, W_k = rng.normal(0.0, D ** -0.5, size=(2, D, D))
    plain = entropy_under_weight_growth(X, W_q, W_k, [1, 2, 4, 8], normalise=False)
    normed = entropy_under_weight_growth(X, W_q, W_k, [1, 2, 4, 8], normalise=True)
    assert np.round(plain, 2).tolist() == [3.06, 1.31, 0.28, 0.03]
    assert round(float(np.log(T)), 2) == 3.47
    np.testing.assert_allclose(normed, normed[0], rtol=1e-6)  # scale-invariant
    assert round(normed[0], 2) == 3.05


def test_qk_norm_bounds_the_logits(rng):
    q, k = qk_norm(1e3 * rng.normal(size=(2, 10, 16)))
    np.testing.assert_allclose(np.linalg.norm(q, axis=-1), 4.0, rtol=1e-6)  # sqrt(16)
    assert np.abs(q @ k.T / 4.0).max() <= 4.0 + 1e-6


def test_sink_equals_an_extra_key_with_zero_value(rng):
    q, k, v = rng.normal(size=(3, 6, 8))
    b = 1.5
    out, w = attention_with_sink(q, k, v, b)
    # Reference: a seventh key whose score is b for every query and whose value is 0.
    scores = np.concatenate([q @ k.T / np.sqrt(8), np.full((6, 1), b)], axis=1)
    ref_w = masked_softmax(scores)
    np.testing.assert_allclose(w, ref_w[:, :-1], rtol=1e-12)
    np.testing.assert_allclose(out, ref_w @ np.vstack([v, np.zeros(8)]), rtol=1e-12)
    assert (w.sum(axis=1) < 1).all()


def test_sink_at_minus_infinity_is_ordinary_attention(rng):
    q, k, v = rng.normal(size=(3, 5, 4))
    mask = np.tril(np.ones((5, 5), dtype=bool))
    out, w = attention_with_sink(q, k, v, -np.inf, mask=mask)
    ref_out, ref_w = scaled_dot_product_attention(q, k, v, mask=mask)
    np.testing.assert_allclose(out, ref_out, rtol=1e-12)
    np.testing.assert_allclose(w, ref_w, rtol=1e-12)


def test_sink_lets_a_head_with_no_match_output_almost_nothing():
    # Four keys all scoring 0, sink logit 5: weight on real tokens 4 / (4 + e^5) = 0.026.
    z = np.zeros((1, 4))
    _, w = attention_with_sink(z, np.zeros((4, 4)), np.ones((4, 4)), 5.0)
    assert round(float(w.sum()), 3) == 0.026


def test_streaming_cache_positions():
    assert len(streaming_cache_positions(100_000)) == 1024
    assert streaming_cache_positions(3).tolist() == [0, 1, 2]
    kept = streaming_cache_positions(5000, 4, 1020)
    assert kept[:4].tolist() == [0, 1, 2, 3] and kept[-1] == 4999


def test_collapse_figure():
    assert len(plot_collapse().axes) == 2
