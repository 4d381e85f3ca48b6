"""Tests of snippets/alignment/preference.py: Bradley-Terry, DPO, IPO and SimPO losses."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.preference import (bradley_terry_loss, dpo_implicit_reward,
                                           dpo_loss, ipo_loss, log_sigmoid, simpo_loss)


@pytest.fixture
def pairs():
    rng = np.random.default_rng(0)
    logp_w, logp_l, ref_w, ref_l = (-50 + 5 * rng.standard_normal(8) for _ in range(4))
    return logp_w, logp_l, ref_w, ref_l


def test_log_sigmoid_matches_naive_and_is_stable():
    z = np.linspace(-30, 30, 61)
    assert_allclose(log_sigmoid(z), np.log(1 / (1 + np.exp(-z))), rtol=1e-12, atol=1e-12)
    assert_allclose(log_sigmoid(np.array([-1000.0, 1000.0])), [-1000.0, 0.0])


def test_bradley_terry_hand_worked():
    # A margin of 1 gives P = sigmoid(1) = 0.7311 and a loss of 0.3133.
    loss = bradley_terry_loss(np.array([1.0]), np.array([0.0]))
    assert_allclose(loss, 0.31326, atol=1e-5)
    assert_allclose(bradley_terry_loss(np.zeros(3), np.zeros(3)), np.log(2), rtol=1e-12)


def test_bradley_terry_depends_only_on_the_margin():
    rng = np.random.default_rng(1)
    r_w, r_l = rng.standard_normal(16), rng.standard_normal(16)
    shift = rng.standard_normal(16)  # any per-prompt offset, such as beta log Z(x)
    assert_allclose(bradley_terry_loss(r_w + shift, r_l + shift),
                    bradley_terry_loss(r_w, r_l), rtol=1e-12)
    # Swapping the labels turns -log sigmoid(m) into -log sigmoid(-m) = m - log sigmoid(m).
    m = r_w - r_l
    assert_allclose(bradley_terry_loss(r_l, r_w) - bradley_terry_loss(r_w, r_l),
                    np.mean(m), rtol=1e-10)


def test_dpo_is_bradley_terry_on_the_implicit_reward(pairs):
    logp_w, logp_l, ref_w, ref_l = pairs
    beta = 0.1
    loss, _, _ = dpo_loss(logp_w, logp_l, ref_w, ref_l, beta)
    r_w = dpo_implicit_reward(logp_w, ref_w, beta)
    r_l = dpo_implicit_reward(logp_l, ref_l, beta)
    assert loss == bradley_terry_loss(r_w, r_l)  # exactly, not approximately


def test_dpo_at_initialisation_is_log_two(pairs):
    logp_w, logp_l, _, _ = pairs
    loss, g_w, g_l = dpo_loss(logp_w, logp_l, logp_w, logp_l, beta=0.1)
    assert_allclose(loss, np.log(2), rtol=1e-12)
    # Every pair gets half the maximal weight: beta / 2 per pair, pushing y_w up, y_l down.
    assert_allclose(g_w, -0.05 / 8, rtol=1e-12)
    assert_allclose(g_l, 0.05 / 8, rtol=1e-12)


def test_dpo_gradient_matches_finite_differences(pairs):
    logp_w, logp_l, ref_w, ref_l = pairs
    _, g_w, g_l = dpo_loss(logp_w, logp_l, ref_w, ref_l, beta=0.1)
    h = 1e-6
    for i in range(logp_w.size):
        e = np.zeros_like(logp_w)
        e[i] = h
        num_w = (dpo_loss(logp_w + e, logp_l, ref_w, ref_l)[0]
                 - dpo_loss(logp_w - e, logp_l, ref_w, ref_l)[0]) / (2 * h)
        num_l = (dpo_loss(logp_w, logp_l + e, ref_w, ref_l)[0]
                 - dpo_loss(logp_w, logp_l - e, ref_w, ref_l)[0]) / (2 * h)
        assert_allclose([g_w[i], g_l[i]], [num_w, num_l], rtol=1e-6, atol=1e-10)


def test_kl_regularised_optimum_recovers_the_reward():
    # On a 6-response toy, pi* = pi_ref exp(r / beta) / Z maximises E_pi[r] - beta KL;
    # its implicit reward equals r up to the constant beta log Z (DPO's Eq. 5).
    rng = np.random.default_rng(2)
    beta, r = 0.5, rng.standard_normal(6)
    pi_ref = rng.dirichlet(np.ones(6))
    pi_star = pi_ref * np.exp(r / beta)
    z = pi_star.sum()
    pi_star /= z

    def objective(pi):
        return pi @ r - beta * np.sum(pi * np.log(pi / pi_ref))

    for _ in range(200):
        other = pi_star * np.exp(0.3 * rng.standard_normal(6))
        assert objective(other / other.sum()) <= objective(pi_star) + 1e-12
    implicit = dpo_implicit_reward(np.log(pi_star), np.log(pi_ref), beta)
    assert_allclose(implicit, r - beta * np.log(z), rtol=1e-10)


def test_ipo_hand_worked_and_minimum():
    z = np.zeros(1)
    assert_allclose(ipo_loss(z, z, z, z, tau=0.5), 1.0)
    # Minimised where the log-ratio margin equals 1 / (2 tau), here 5: IPO does not push it
    # to infinity as DPO does on a deterministic preference.
    margins = np.linspace(0, 10, 101)
    losses = [ipo_loss(np.array([m]), np.zeros(1), np.zeros(1), np.zeros(1), tau=0.1)
              for m in margins]
    assert_allclose(margins[np.argmin(losses)], 5.0)


def test_simpo_hand_worked_and_reference_free():
    # beta (-1 + 1.5) - gamma = 0, so the loss is log 2.
    assert_allclose(simpo_loss(np.array([-1.0]), np.array([-1.5])), np.log(2), rtol=1e-12)
    rng = np.random.default_rng(3)
    a, b = -rng.random(5), -rng.random(5)
    assert_allclose(simpo_loss(a - 1, b - 1), simpo_loss(a, b), rtol=1e-12)
    # The margin gamma demands a gap: equal log-probabilities cost more than log 2.
    assert simpo_loss(a, a) > np.log(2)
