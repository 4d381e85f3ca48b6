"""Tests of snippets/alignment/distillation.py: the soft-target loss, its gradient against
finite differences, the T^2 factor, and word- vs sequence-level distillation."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.distillation import (cross_entropy, distillation_loss, kd_grad,
                                             kd_loss, log_softmax_T, softmax_T,
                                             teacher_storage_bytes)
from snippets.alignment.distillation_plots import (STUDENT_LOGITS, TEACHER_LOGITS,
                                                   plot_soft_targets)


@pytest.fixture
def rng():
    return np.random.default_rng(76)


@pytest.mark.parametrize("T", [0.5, 1.0, 3.0, 20.0])
def test_softmax_rows_sum_to_one_and_match_a_naive_one(rng, T):
    z = rng.normal(size=(4, 7)) * 5
    p = softmax_T(z, T)
    assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    naive = np.exp(z / T) / np.exp(z / T).sum(axis=-1, keepdims=True)
    assert_allclose(p, naive, rtol=1e-12)
    assert_allclose(np.exp(log_softmax_T(z, T)), p, rtol=1e-12)
    assert np.isfinite(softmax_T(np.array([[1e4, 0.0]]), T)).all()


def test_kd_loss_against_a_hand_worked_kl():
    # Two classes, T = 2: p = softmax([2, 0] / 2), q = softmax([0, 0]) = (1/2, 1/2).
    p1 = 1 / (1 + np.exp(-1.0))
    kl = p1 * np.log(2 * p1) + (1 - p1) * np.log(2 * (1 - p1))
    got = kd_loss(np.zeros((1, 2)), np.array([[2.0, 0.0]]), T=2.0)
    assert_allclose(got, 4 * kl, rtol=1e-12)


def test_kd_loss_is_nonnegative_and_zero_only_at_the_teacher(rng):
    z_t = rng.normal(size=(5, 9))
    for _ in range(20):
        assert kd_loss(rng.normal(size=(5, 9)), z_t, 2.0) > 0
    # Logits are defined up to a constant per row: a shifted copy of the teacher is exact.
    assert abs(kd_loss(z_t + 3.0, z_t, 2.0)) < 1e-12


@pytest.mark.parametrize("T", [1.0, 2.0, 5.0])
def test_gradient_matches_finite_differences(rng, T):
    z_s, z_t = rng.normal(size=(3, 6)), rng.normal(size=(3, 6)) * 2
    g = kd_grad(z_s, z_t, T)
    eps, num = 1e-6, np.zeros_like(z_s)
    for idx in np.ndindex(z_s.shape):
        up, dn = z_s.copy(), z_s.copy()
        up[idx] += eps
        dn[idx] -= eps
        num[idx] = (kd_loss(up, z_t, T) - kd_loss(dn, z_t, T)) / (2 * eps)
    assert_allclose(g, num, rtol=1e-6, atol=1e-9)
    assert_allclose(g.sum(axis=-1), 0.0, atol=1e-12)  # shifting all logits changes nothing


def test_high_temperature_limit_is_logit_matching(rng):
    # Hinton et al. (2015), Sec. 2.1: for zero-mean logits the T^2-scaled gradient tends
    # to (z_s - z_t) / V, Caruana's logit matching, whatever the temperature.
    V = 8
    z_s, z_t = rng.normal(size=(1, V)), rng.normal(size=(1, V))
    z_s, z_t = z_s - z_s.mean(), z_t - z_t.mean()
    assert_allclose(kd_grad(z_s, z_t, 1e4), (z_s - z_t) / V, rtol=1e-3)


def test_t_squared_keeps_the_gradient_scale():
    # Q76's example: with T^2 the gradient norm stays within a factor of 2 from T = 2 to
    # T = 20; without it, it falls by more than 100.
    g = {T: np.linalg.norm(kd_grad(STUDENT_LOGITS, TEACHER_LOGITS, T)) for T in (2, 20)}
    assert 0.5 < g[20] / g[2] < 2
    assert (g[2] / 4) / (g[20] / 400) > 100


def test_q76_soft_targets():
    p = {T: softmax_T(TEACHER_LOGITS, T)[0] for T in (1, 5)}
    assert [round(100 * x, 2) for x in p[1]] == [99.29, 0.67, 0.03, 0.01]
    assert [round(100 * x, 1) for x in p[5]] == [57.6, 21.2, 11.6, 9.5]


def test_cross_entropy_against_a_hand_count():
    z = np.log(np.array([[0.5, 0.25, 0.25], [0.1, 0.1, 0.8]]))
    assert_allclose(cross_entropy(z, np.array([0, 2])), -(np.log(0.5) + np.log(0.8)) / 2)


def test_distillation_loss_mixes_the_two_terms(rng):
    z_s, z_t = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    y = rng.integers(0, 5, size=4)
    for a in (0.0, 0.3, 1.0):
        want = a * cross_entropy(z_s, y) + (1 - a) * kd_loss(z_s, z_t, 3.0)
        assert_allclose(distillation_loss(z_s, z_t, y, T=3.0, alpha=a), want, rtol=1e-12)


def test_sequence_level_kd_is_word_level_kd_against_a_one_hot_teacher(rng):
    # Kim and Rush (2016): sequence-level KD trains on the teacher's decoded tokens. When
    # the teacher is sure of each token (a peaked distribution), word-level KD at T = 1
    # gives the same loss up to the teacher's (vanishing) entropy.
    n, V = 6, 10
    z_s = rng.normal(size=(n, V))
    y_hat = rng.integers(0, V, size=n)  # the teacher's decoded sequence
    z_t = np.full((n, V), -1e3)
    z_t[np.arange(n), y_hat] = 0.0
    seq = distillation_loss(z_s, z_t, y_hat, alpha=1.0)
    word = distillation_loss(z_s, z_t, y_hat, T=1.0, alpha=0.0)
    assert_allclose(seq, word, rtol=1e-9)


def test_plot_soft_targets_draws_two_panels():
    assert len(plot_soft_targets().axes) == 2


def test_q76_teacher_storage():
    # Full bf16 distributions over a 256k vocabulary for a 2T-token run: about 1 EB.
    assert teacher_storage_bytes(2e12, 256_000) == 1.024e18
    # Top-256 values plus int32 ids: 1,536 bytes per token, 333 times less.
    assert teacher_storage_bytes(1, 256_000, top_k=256) == 1536
    assert round(teacher_storage_bytes(1, 256_000) / teacher_storage_bytes(
        1, 256_000, top_k=256)) == 333
    # Reference: the arrays themselves.
    import numpy as np
    vals, ids = np.zeros((3, 8), np.float16), np.zeros((3, 8), np.int32)
    assert teacher_storage_bytes(3, 100, top_k=8) == vals.nbytes + ids.nbytes
    assert teacher_storage_bytes(3, 100) == np.zeros((3, 100), np.float16).nbytes


def test_q76_teacher_forward_cost():
    # A 70B teacher's forward pass per token against an 8B student's training step.
    from snippets.training.compute import forward_flops_per_token, training_flops_per_token
    ratio = forward_flops_per_token(70e9) / training_flops_per_token(8e9)
    assert round(ratio, 1) == 2.9
    assert round(1 + ratio, 1) == 3.9
