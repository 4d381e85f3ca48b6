"""Tests of snippets/training/balancing.py: the Switch loss at and away from balance, the
bias rule against a loop, and the routing simulation with and without balancing."""

import numpy as np
import pytest

from snippets.training.balancing import (
    bias_update, biased_top_k, max_violation, simulate_routing, switch_balance_loss)


@pytest.fixture
def rng():
    return np.random.default_rng(59)


@pytest.mark.parametrize("E", [2, 8, 64])
def test_switch_loss_is_alpha_under_perfect_balance(E):
    T = 4 * E
    idx = (np.arange(T) % E)[:, None]
    assert switch_balance_loss(np.full((T, E), 1 / E), idx, alpha=0.01) == pytest.approx(0.01)


def test_switch_loss_collapsed_and_random(rng):
    E, T = 8, 64
    probs = np.zeros((T, E)); probs[:, 0] = 1.0
    assert switch_balance_loss(probs, np.zeros((T, 1), int)) == pytest.approx(E)  # worst
    # invariant: never below 1 when probabilities agree with the assignment shares
    for _ in range(20):
        f = rng.dirichlet(np.ones(E))
        idx = rng.choice(E, size=(T * 50, 1), p=f)
        share = np.bincount(idx.ravel(), minlength=E) / idx.size
        assert switch_balance_loss(np.tile(share, (len(idx), 1)), idx) >= 1 - 1e-12


def test_switch_loss_can_fall_below_alpha_when_p_does_not_track_f():
    # The page: alpha is the minimum only when P tracks f. Hand-worked case, E = 2: 3/4 of the
    # tokens pick expert 0 by a hair (p = 0.51, 0.49), 1/4 pick expert 1 with p = 0.99.
    # f = (0.75, 0.25), P = (0.385, 0.615): loss = 2 (0.75 * 0.385 + 0.25 * 0.615) = 0.885.
    probs = np.array([[0.51, 0.49]] * 3 + [[0.01, 0.99]])
    idx = np.argmax(probs, axis=1)[:, None]
    assert idx.ravel().tolist() == [0, 0, 0, 1]  # unbalanced: 3 to 1
    assert switch_balance_loss(probs, idx) == pytest.approx(0.885)
    assert switch_balance_loss(probs, idx) < 1.0  # below alpha, yet not balanced


def test_bias_update_against_loop(rng):
    b, load = rng.normal(size=6), rng.integers(0, 10, size=6)
    out = bias_update(b, load, 0.01)
    for i in range(6):
        mean = load.mean()
        step = 0.01 if load[i] < mean else (-0.01 if load[i] > mean else 0.0)
        assert out[i] == pytest.approx(b[i] + step)


def test_biased_top_k_bias_changes_choice_not_gate(rng):
    s = rng.uniform(size=(10, 6))
    idx0, g0 = biased_top_k(s, np.zeros(6), 2)
    idx, g = biased_top_k(s, np.array([-2.0, 0, 0, 0, 0, 0]), 2)
    assert not np.any(idx == 0)  # a heavily penalised expert is never picked
    chosen = np.take_along_axis(s, idx, 1)
    assert np.allclose(g, chosen / chosen.sum(1, keepdims=True))
    assert np.allclose(g0.sum(1), 1.0)


def test_simulation_collapses_without_balancing_and_not_with_it():
    last = {m: simulate_routing(m)[-100:].max(axis=1).mean() for m in ("none", "aux", "bias")}
    assert last["none"] > 0.8  # one expert of 8 takes over 80% of tokens
    assert last["aux"] < 0.16 and last["bias"] < 0.16  # near the 1/8 = 0.125 of balance
    shares = simulate_routing("bias")
    assert np.allclose(shares.sum(axis=1), 1.0)
    assert shares[:50].max(axis=1).mean() > 0.6  # bias needs ~150 steps at gamma = 0.003


def test_max_violation_against_definition(rng):
    load = rng.integers(1, 50, size=16)
    assert max_violation(load) == pytest.approx((load.max() - load.mean()) / load.mean())
    assert max_violation(np.full(8, 7)) == 0.0  # invariant: balanced load has no violation
    assert max_violation(np.array([8, 0, 0, 0, 0, 0, 0, 0])) == 7.0  # E - 1 when collapsed


def test_simulation_numbers_on_the_page():
    top = {m: simulate_routing(m).max(axis=1) for m in ("none", "aux", "bias")}
    assert round(top["none"][-100:].mean(), 2) == 0.81
    assert round(top["aux"][-100:].mean(), 2) == 0.15
    assert top["bias"][:100].mean() > 0.7 and top["bias"][150:].mean() < 0.16


def test_bias_update_leaves_balanced_load_alone(rng):
    b = rng.normal(size=8)
    assert np.array_equal(bias_update(b, np.full(8, 64), 0.001), b)
