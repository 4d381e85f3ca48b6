"""Tests of snippets/transformer/attention_paths.py: every number Q52 states, plus
references (Vaswani et al.'s Table 1 by graph search, Monte Carlo for the closed form)."""

import numpy as np
import pytest

from snippets.transformer.attention_paths import (max_path_length, mean_attention_distance,
                                                  needle_weight, path_length,
                                                  planted_key_attention,
                                                  recurrent_influence,
                                                  simulate_needle_weight)
from snippets.transformer.attention_paths_plots import plot_paths_and_dilution
from snippets.transformer.sparse_attention import sliding_window_mask


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("T, w", [(2, 2), (17, 4), (64, 8), (100, 100)])
def test_closed_form_path_lengths_match_graph_search(T, w):
    dense = np.tril(np.ones((T, T), dtype=bool))
    rnn = sliding_window_mask(T, 2)  # position i reads i - 1
    assert path_length(dense, 0, T - 1) == max_path_length("attention", T)
    assert path_length(rnn, 0, T - 1) == max_path_length("recurrent", T)
    assert path_length(sliding_window_mask(T, w), 0, T - 1) == max_path_length("window", T, w)


def test_path_length_edge_cases():
    assert max_path_length("attention", 1) == 0
    # Causal: information never flows backwards.
    assert path_length(np.tril(np.ones((5, 5), dtype=bool)), 4, 0) == -1


def test_numbers_on_the_page():
    assert [max_path_length(k, 4096, 64) for k in ("attention", "window", "recurrent")] \
        == [1, 65, 4095]
    assert max_path_length("window", 131_072, 4096) == 33
    assert recurrent_influence(0.9, 100) == pytest.approx(2.66e-5, rel=1e-2)
    assert round(float(needle_weight(8.0, 1000, 1.0)), 2) == 0.64
    assert round(float(needle_weight(8.0, 100_000, 1.0)), 3) == 0.018


def test_mean_attention_distance_reference_cases():
    T = 9
    uniform = np.tril(np.ones((T, T)))
    uniform /= uniform.sum(axis=1, keepdims=True)
    assert mean_attention_distance(uniform) == pytest.approx((T - 1) / 4)
    assert mean_attention_distance(np.eye(T)) == 0.0
    prev = np.eye(T, k=-1)  # each query on its predecessor (row 0 empty)
    assert mean_attention_distance(prev) == pytest.approx((T - 1) / T)


@pytest.mark.parametrize("gap, n, sigma", [(4.0, 128, 0.5), (8.0, 1024, 1.0), (2.0, 10, 0.0)])
def test_needle_weight_closed_form_matches_simulation(rng, gap, n, sigma):
    sim = simulate_needle_weight(gap, n, sigma, trials=400, rng=rng)
    assert sim == pytest.approx(float(needle_weight(gap, n, sigma)), rel=0.05)


def test_log_scaled_gap_keeps_the_weight_constant():
    n = np.array([10, 1_000, 100_000])
    w = needle_weight(np.log(n - 1) + 2.0, n)
    np.testing.assert_allclose(w, np.exp(2) / (np.exp(2) + 1), rtol=1e-12)


@pytest.mark.parametrize("D", [16, 40, 2000])
def test_planted_key_is_found_at_any_distance_with_a_large_gap_and_lost_with_a_small_one(
        rng, D):
    T, d = 2048, 64
    sharp = [planted_key_attention(T, D, 24.0, d, rng) for _ in range(5)]
    blunt = [planted_key_attention(T, D, 4.0, d, rng) for _ in range(5)]
    dist = lambda w: float((w * (T - 1 - np.arange(T))).sum())  # noqa: E731
    assert all(abs(dist(w) - D) < 0.01 for w in sharp)  # mean attention distance = D
    assert all(w[T - 1 - D] > 0.99999 for w in sharp)
    # A gap of 4: about 2% on the match, the rest spread uniformly, distance ~ T / 2.
    assert round(float(np.mean([w[T - 1 - D] for w in blunt])), 2) == 0.02
    assert all(abs(dist(w) - (T - 1) / 2) < 0.05 * T for w in blunt)
    for ws, beta in ((sharp, 24.0), (blunt, 4.0)):
        measured = np.mean([w[T - 1 - D] for w in ws])
        assert measured == pytest.approx(float(needle_weight(beta, T, beta / np.sqrt(d))),
                                         rel=0.1)


def test_hops_for_100k_tokens_at_mistral_window():
    assert max_path_length("window", 100_000, 4096) == 25


def test_paths_figure():
    assert len(plot_paths_and_dilution().axes) == 2
