"""Tests of snippets/training/noise_scale.py: the closed-form noise scale against sampled
gradients, the two-batch estimator against the known truth, and the steps/examples
hyperbola."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.training.noise_scale import (
    estimate_noise_scale, measure_noise_scale, per_example_grads, steps_and_examples,
    true_noise_scale)

D, SIGMA = 16, 1.0


@pytest.fixture
def rng():
    return np.random.default_rng(45)


def test_per_example_grads_match_finite_differences(rng):
    w, X, y = rng.normal(size=3), rng.normal(size=(4, 3)), rng.normal(size=4)
    eps = 1e-6
    for i in range(4):
        num = [(0.5 * (X[i] @ (w + eps * e) - y[i]) ** 2
                - 0.5 * (X[i] @ (w - eps * e) - y[i]) ** 2) / (2 * eps) for e in np.eye(3)]
        assert_allclose(per_example_grads(w, X, y)[i], num, rtol=1e-7)


def test_true_noise_scale_matches_sampled_covariance(rng):
    # reference: mean and covariance of 400,000 per-example gradients, via np.cov
    w_star, delta = rng.normal(size=4), rng.normal(size=4) * 0.5
    X = rng.normal(size=(400_000, 4))
    y = X @ w_star + SIGMA * rng.normal(size=len(X))
    g = per_example_grads(w_star + delta, X, y)
    sampled = np.trace(np.cov(g.T)) / np.sum(g.mean(axis=0) ** 2)
    assert sampled == pytest.approx(true_noise_scale(delta, SIGMA), rel=0.02)


@pytest.mark.parametrize("radius, truth", [(1.0, 33.0), (0.5, 81.0), (0.25, 273.0)])
def test_estimate_recovers_the_true_value(rng, radius, truth):
    # the page's numbers: d = 16, sigma = 1, delta = radius * (1/4, ..., 1/4)
    w_star = rng.normal(size=D)
    delta = np.full(D, 0.25 * radius)
    assert true_noise_scale(delta, SIGMA) == truth
    est, G2, trace = measure_noise_scale(w_star + delta, w_star, SIGMA, rng)
    assert est == pytest.approx(truth, rel=0.05)
    assert G2 == pytest.approx(radius ** 2, rel=0.05)


def test_page_estimates_at_seed_45():
    w_star = np.random.default_rng(45).normal(size=D)
    ests = [measure_noise_scale(w_star + np.full(D, 0.25 * r), w_star, SIGMA,
                                np.random.default_rng(45))[0] for r in (1.0, 0.5, 0.25)]
    assert_allclose(ests, [33.1, 81.5, 278.6], atol=0.05)


def test_noise_scale_grows_as_training_converges():
    # B_simple rises without bound as |G| -> 0, and is never below d + 1
    scales = [true_noise_scale(np.full(D, r), SIGMA) for r in (1.0, 0.3, 0.1, 0.03)]
    assert all(a < b for a, b in zip(scales, scales[1:]))
    assert true_noise_scale(np.full(D, 1e3), SIGMA) == pytest.approx(D + 1, rel=1e-5)


def test_estimator_is_exact_on_expected_norms():
    # feed E|G_B|^2 = |G|^2 + tr / B exactly: the estimator returns the inputs
    for G2, trace, bs, bb in [(1.0, 32.0, 8, 128), (0.01, 5.0, 1, 4), (3.0, 0.3, 64, 1024)]:
        est = estimate_noise_scale(G2 + trace / bs, G2 + trace / bb, bs, bb)
        assert_allclose(est, (trace / G2, G2, trace), rtol=1e-12)


def test_steps_and_examples_hyperbola():
    B = np.array([1, 10, 100, 1000, 1e4, 1e5])
    S, E = steps_and_examples(B, B_crit=1000, S_min=50)
    S_min, E_min = 50, 50 * 1000
    assert_allclose((S / S_min - 1) * (E / E_min - 1), 1.0, rtol=1e-12)
    # E = B S: every step consumes one batch
    assert_allclose(E, B * S, rtol=1e-12)
    # at B_crit: twice the minimal steps and twice the minimal examples
    assert steps_and_examples(1000, 1000, 50) == (100.0, 100000.0)
    # an eighth of B_crit: 9 S_min steps, 1.125 E_min examples; 8 x B_crit: the reverse
    assert steps_and_examples(125, 1000, 50) == (450.0, 56250.0)
    assert steps_and_examples(8000, 1000, 50) == (56.25, 450000.0)
