"""Tests of snippets/training/stability.py: clipping against a hand computation and its
direction invariant, the z-loss gradient against finite differences, the QK-norm bound,
Adam's update size against epsilon, and the spike detector with PaLM's restart plan."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.training.stability import (
    adam_update_rms, attention_logits, clip_by_global_norm, cross_entropy_with_z_loss,
    find_spikes, log_partition, restart_and_skip)


@pytest.fixture
def rng():
    return np.random.default_rng(33)


def test_clip_matches_concatenated_vector(rng):
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5)]
    flat = np.concatenate([g.ravel() for g in grads])
    clipped, norm = clip_by_global_norm(grads, 1.0)
    assert_allclose(norm, np.linalg.norm(flat), rtol=1e-12)
    flat_c = np.concatenate([g.ravel() for g in clipped])
    assert_allclose(flat_c, flat / np.linalg.norm(flat), rtol=1e-12)


@pytest.mark.parametrize("max_norm", [0.1, 1.0, 1e6])
def test_clip_keeps_direction_and_caps_norm(rng, max_norm):
    grads = [rng.normal(size=7) * 10, rng.normal(size=(2, 2))]
    clipped, norm = clip_by_global_norm(grads, max_norm)
    flat = np.concatenate([g.ravel() for g in grads])
    flat_c = np.concatenate([g.ravel() for g in clipped])
    assert np.linalg.norm(flat_c) <= max_norm * (1 + 1e-12) or norm <= max_norm
    assert_allclose(flat_c / np.linalg.norm(flat_c), flat / np.linalg.norm(flat))
    if norm <= max_norm:  # below the threshold clipping is the identity
        assert_allclose(flat_c, flat)


def test_log_partition_matches_naive_and_survives_large_logits(rng):
    x = rng.normal(size=(4, 6))
    assert_allclose(log_partition(x), np.log(np.exp(x).sum(axis=1)), rtol=1e-12)
    assert_allclose(log_partition(x + 1000.0), log_partition(x) + 1000.0, rtol=1e-12)


@pytest.mark.parametrize("z_coef", [0.0, 1e-4, 0.1])
def test_z_loss_gradient_matches_finite_differences(rng, z_coef):
    logits, targets = rng.normal(size=(3, 5)) * 3, np.array([0, 4, 2])
    _, d = cross_entropy_with_z_loss(logits, targets, z_coef)
    h, num = 1e-6, np.zeros_like(logits)
    for idx in np.ndindex(logits.shape):
        e = np.zeros_like(logits)
        e[idx] = h
        num[idx] = (cross_entropy_with_z_loss(logits + e, targets, z_coef)[0]
                    - cross_entropy_with_z_loss(logits - e, targets, z_coef)[0]) / (2 * h)
    assert_allclose(d, num, atol=1e-8)


def test_z_loss_penalises_only_the_shift(rng):
    # a constant shift c leaves cross-entropy unchanged and adds z (log Z + c)^2
    logits, targets = rng.normal(size=(2, 8)), np.array([1, 3])
    base, _ = cross_entropy_with_z_loss(logits, targets, 0.0)
    shifted, _ = cross_entropy_with_z_loss(logits + 20.0, targets, 0.0)
    assert_allclose(base, shifted, rtol=1e-12)
    # the z gradient pushes a shifted row back down: it sums to 2 z log Z per row
    _, d = cross_entropy_with_z_loss(logits + 20.0, targets, 1e-4)
    lz = log_partition(logits + 20.0)
    assert_allclose(d.sum(axis=1), 2e-4 * lz / 2, rtol=1e-10)


def test_qk_norm_bounds_logits_however_large_q_and_k(rng):
    q, k = rng.normal(size=(6, 64)), rng.normal(size=(7, 64))
    for s in (1.0, 10.0, 1000.0):
        plain = attention_logits(s * q, s * k, normalise=False)
        normed = attention_logits(s * q, s * k, normalise=True)
        assert_allclose(plain, s**2 * attention_logits(q, k, False), rtol=1e-10)
        assert np.abs(normed).max() <= np.sqrt(64) + 1e-9
        assert_allclose(normed, attention_logits(q, k, True), rtol=1e-5)  # eps in qk_norm


def test_qk_norm_gain_scales_the_bound(rng):
    q, k = rng.normal(size=(3, 16)), rng.normal(size=(3, 16))
    assert_allclose(attention_logits(q, k, True, gain=2.0),
                    4 * attention_logits(q, k, True), rtol=1e-12)
    same = attention_logits(q, q, True)
    assert_allclose(np.diag(same), np.sqrt(16), rtol=1e-5)  # q.q hits the bound


def test_adam_update_rms_matches_direct_adam_steps():
    # steady state of Adam with a constant gradient: m -> g, v -> g^2
    for g, eps in [(1e-3, 1e-8), (1e-8, 1e-8), (1e-10, 1e-8), (1e-10, 1e-15)]:
        m = v = 0.0
        for _ in range(20000):
            m, v = 0.9 * m + 0.1 * g, 0.999 * v + 0.001 * g * g
        assert_allclose(m / (np.sqrt(v) + eps), adam_update_rms(g, eps), rtol=1e-6)


def test_adam_update_shrinks_once_gradient_reaches_eps():
    g = np.logspace(-14, -2, 25)
    u = adam_update_rms(g, 1e-8)
    assert np.all(np.diff(u) > 0) and u.max() <= 1.0
    assert adam_update_rms(1e-10, 1e-8) == pytest.approx(1 / 101)  # the page's 1%
    assert adam_update_rms(1e-10, 1e-15) > 0.9999  # Wortsman et al.'s smaller eps


def test_find_spikes_flags_only_the_jump(rng):
    losses = 3.0 - 0.001 * np.arange(400) + 0.01 * rng.normal(size=400)
    losses[250:260] += 2.0
    spikes = find_spikes(losses)
    assert spikes[0] == 250 and all(250 <= t < 260 for t in spikes)
    assert find_spikes(losses[:200]) == []


def test_restart_and_skip_resumes_on_a_checkpoint_before_the_spike():
    for spike in (150, 1000, 12_345):
        resume, first = restart_and_skip(spike, ckpt_every=100)
        assert resume % 100 == 0 and spike - 200 < resume <= spike - 100
        assert first - resume == 300 and first > spike


def test_plot_adam_update_floor_draws_three_curves():
    import matplotlib

    matplotlib.use("Agg")
    from snippets.training.stability_plots import plot_adam_update_floor

    fig = plot_adam_update_floor()
    assert len(fig.axes[0].get_lines()) == 4  # three curves and the marked point


@pytest.mark.parametrize("beta2, first_step", [(0.999, 3.2), (0.95, 0.45)])
def test_adam_step_after_a_quiet_stretch(beta2, first_step):
    # 5,000 steps of gradient 1e-6, then one gradient of 1: the page's (1-b1)/sqrt(1-b2)
    m = v = 0.0
    for _ in range(5000):
        m, v = 0.9 * m + 0.1 * 1e-6, beta2 * v + (1 - beta2) * 1e-12
    m, v = 0.9 * m + 0.1 * 1.0, beta2 * v + (1 - beta2) * 1.0
    assert m / (np.sqrt(v) + 1e-8) == pytest.approx(first_step, abs=0.05)  # one decimal
    assert 0.1 / np.sqrt(1 - beta2) == pytest.approx(first_step, abs=0.05)  # one decimal
