"""Tests of snippets/tokenization/language_sampling.py: every number Q75 states, plus
independent references (temperature softmax, Monte Carlo draws, water-filling by bisection).
"""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.tokenization.language_sampling import (TOY_SIZES, epochs, sampling_ratio,
                                                      smoothed_shares, unimax)
from snippets.tokenization.language_sampling_plots import plot_shares_vs_alpha


@pytest.fixture
def rng():
    return np.random.default_rng(75)


def random_sizes(rng, L):
    return 10 ** rng.uniform(3, 12, size=L)  # nine orders of magnitude, like web crawls


# -- smoothed_shares --------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.1, 0.3, 0.5, 0.7, 1.0])
@pytest.mark.parametrize("L", [1, 2, 7, 100])
def test_shares_equal_a_temperature_softmax_of_log_shares(rng, alpha, L):
    # Reference: the temperature form, softmax(log p / T) with T = 1 / alpha.
    n = random_sizes(rng, L)
    z = np.log(n / n.sum()) / (1 / alpha)
    ref = np.exp(z - z.max()) / np.exp(z - z.max()).sum()
    assert_allclose(smoothed_shares(n, alpha), ref, rtol=1e-12)


def test_shares_match_the_frequencies_of_actual_draws(rng):
    # Reference: sample 400,000 languages the way a data loader would, count them.
    q = smoothed_shares(TOY_SIZES, 0.3)
    draws = rng.choice(len(q), size=400_000, p=q)
    freq = np.bincount(draws, minlength=len(q)) / len(draws)
    assert_allclose(freq, q, atol=3e-3)


def test_hand_worked_two_language_cases():
    assert_allclose(smoothed_shares([900, 100], 0.5), [0.75, 0.25])  # sqrt: 30 : 10
    assert_allclose(smoothed_shares([900, 100], 1.0), [0.9, 0.1])
    assert_allclose(smoothed_shares([900, 100], 0.0), [0.5, 0.5])


@pytest.mark.parametrize("L", [2, 5, 40])
def test_shares_are_a_distribution_that_keeps_the_order_and_flattens_as_alpha_falls(rng, L):
    n = random_sizes(rng, L)
    prev = None
    for alpha in np.linspace(1.0, 0.0, 11):
        q = smoothed_shares(n, alpha)
        assert_allclose(q.sum(), 1.0, rtol=1e-12)
        assert np.all(np.diff(q[np.argsort(n)]) >= -1e-15)  # bigger corpus, bigger share
        if prev is not None:  # the smallest language gains, the largest loses
            assert q[np.argmin(n)] >= prev[np.argmin(n)] - 1e-15
            assert q[np.argmax(n)] <= prev[np.argmax(n)] + 1e-15
        prev = q
    assert_allclose(smoothed_shares(n, 1.0), n / n.sum(), rtol=1e-12)
    assert_allclose(smoothed_shares(n, 0.0), np.full(L, 1 / L), rtol=1e-12)
    assert_allclose(smoothed_shares(3.5 * n, 0.3), smoothed_shares(n, 0.3), rtol=1e-12)


def test_a_language_with_no_data_is_never_sampled_even_at_alpha_zero():
    assert smoothed_shares([10, 0, 5], 0.0).tolist() == [0.5, 0.0, 0.5]


@pytest.mark.parametrize("n", [[0, 0], [5, -1], []])
def test_invalid_sizes_are_rejected(n):
    with pytest.raises(ValueError):
        smoothed_shares(n, 0.3)


# -- sampling_ratio ---------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.7, 1.0])
def test_ratio_is_the_ratio_of_two_smoothed_shares_in_any_corpus(rng, alpha):
    n = random_sizes(rng, 6)
    q = smoothed_shares(n, alpha)
    assert_allclose(sampling_ratio(n[0], n[3], alpha), q[0] / q[3], rtol=1e-10)


def test_ratio_numbers_on_the_page():
    # mBERT notes: English 1000x Icelandic becomes "only 100x" at S = 0.7; exactly 125.9.
    assert round(sampling_ratio(1000, 1, 0.7), 1) == 125.9
    assert round(sampling_ratio(1000, 1, 0.3), 1) == 7.9
    # mC4: English about 92,000x Yoruba (Chung et al., 2023).
    assert round(sampling_ratio(92_000, 1, 0.7)) == 2983
    assert round(sampling_ratio(92_000, 1, 0.5)) == 303
    assert round(sampling_ratio(92_000, 1, 0.3), 1) == 30.8


# -- epochs -----------------------------------------------------------------------------


def test_epochs_times_sizes_spend_exactly_the_budget(rng):
    n = random_sizes(rng, 9)
    q = smoothed_shares(n, 0.3)
    assert_allclose((epochs(n, q, 1e12) * n).sum(), 1e12, rtol=1e-12)
    assert_allclose(epochs(n, n / n.sum(), n.sum()), np.ones(9), rtol=1e-12)  # one pass


def test_toy_corpus_numbers_on_the_page():
    n, budget = np.array(TOY_SIZES), 1e12
    assert_allclose(n.sum(), 1.1111e12)
    q1, q7, q3 = (smoothed_shares(n, a) for a in (1.0, 0.7, 0.3))
    assert q1.round(4).tolist() == [0.9, 0.09, 0.009, 0.0009, 0.0001]
    assert q7.round(4).tolist() == [0.8007, 0.1598, 0.0319, 0.0064, 0.0013]
    assert q3.round(4).tolist() == [0.5151, 0.2582, 0.1294, 0.0648, 0.0325]
    assert epochs(n, q1, budget).round(2).tolist() == [0.9] * 5
    assert_allclose(epochs(n, smoothed_shares(n, 0.0), budget)[-1], 2000)  # uniform
    assert epochs(n, q7, budget).round(1).tolist() == [0.8, 1.6, 3.2, 6.4, 12.7]
    assert epochs(n, q3, budget).round(1).tolist() == [0.5, 2.6, 12.9, 64.8, 325.0]
    u = unimax(n, budget, 4)
    assert u.round(4).tolist() == [0.5556, 0.4, 0.04, 0.004, 0.0004]
    assert epochs(n, u, budget).round(2).tolist() == [0.56, 4.0, 4.0, 4.0, 4.0]


# -- unimax -----------------------------------------------------------------------------


def water_fill(n, budget, max_epochs):
    """Independent reference: the level lam with sum(min(lam, N * n_i)) = budget."""
    caps = max_epochs * np.asarray(n, dtype=float)
    lo, hi = 0.0, float(budget)
    for _ in range(200):
        lam = (lo + hi) / 2
        lo, hi = (lam, hi) if np.minimum(lam, caps).sum() < budget else (lo, lam)
    alloc = np.minimum((lo + hi) / 2, caps)
    return alloc / alloc.sum()


@pytest.mark.parametrize("max_epochs", [1, 4, 10])
@pytest.mark.parametrize("L", [1, 3, 20])
def test_unimax_equals_water_filling(rng, max_epochs, L):
    n = random_sizes(rng, L)
    budget = 0.5 * max_epochs * n.sum() * rng.uniform(0.01, 1.0)
    assert_allclose(unimax(n, budget, max_epochs), water_fill(n, budget, max_epochs),
                    rtol=1e-9)


def test_unimax_caps_every_language_and_is_uniform_when_no_cap_binds(rng):
    n = random_sizes(rng, 12)
    u = unimax(n, 0.3 * n.sum(), 2)
    assert_allclose(u.sum(), 1.0, rtol=1e-12)
    assert np.all(epochs(n, u, 0.3 * n.sum()) <= 2 + 1e-9)
    big = np.full(5, 1e9)
    assert_allclose(unimax(big, 1e9, 4), np.full(5, 0.2))


def test_unimax_rejects_a_budget_beyond_the_caps():
    with pytest.raises(ValueError):
        unimax([10, 10], 81, 4)


# -- figure -----------------------------------------------------------------------------


def test_figure_draws_two_panels():
    fig = plot_shares_vs_alpha()
    assert len(fig.axes) == 2
    assert len(fig.axes[0].get_lines()) == len(TOY_SIZES) + 2
