"""Tests of snippets/training/checkpointing.py: checkpointed gradients equal plain backprop
bit for bit, the counted memory and recomputation match the closed form, and the sqrt(n)
schedule."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from snippets.specs import GPT3_175B, H100_SXM
from snippets.training.checkpointing import (
    best_segment, checkpoint_cost, grads, grads_checkpointed, init_mlp, offload_break_even,
    policy_cost)


@pytest.fixture
def rng():
    return np.random.default_rng(41)


def problem(rng, n, d=6, B=5):
    return init_mlp(n, d, seed=int(rng.integers(1000))), rng.normal(size=(B, d)), \
        rng.normal(size=(B, d))


def test_grads_match_finite_differences(rng):
    # reference: central differences of the loss, entry by entry
    Ws, x, y = problem(rng, 5, d=4, B=3)
    loss, dWs, _ = grads(Ws, x, y)
    eps = 1e-6
    for i in range(len(Ws)):
        num = np.zeros_like(Ws[i])
        for idx in np.ndindex(Ws[i].shape):
            for sign in (1, -1):
                Wp = [W.copy() for W in Ws]
                Wp[i][idx] += sign * eps
                num[idx] += sign * grads(Wp, x, y)[0] / (2 * eps)
        assert_allclose(dWs[i], num, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 7, 16, 33])
def test_checkpointed_is_bit_identical_for_every_segment(rng, n):
    Ws, x, y = problem(rng, n)
    loss, dWs, _ = grads(Ws, x, y)
    for k in range(1, n + 1):
        loss_k, dWs_k, _ = grads_checkpointed(Ws, x, y, k)
        assert loss_k == loss
        for a, b in zip(dWs, dWs_k):
            assert_array_equal(a, b)


@pytest.mark.parametrize("n", [1, 2, 7, 16, 33, 64])
def test_counted_cost_matches_closed_form(rng, n):
    Ws, x, y = problem(rng, n, d=2, B=1)
    for k in range(1, n + 1):
        stats = grads_checkpointed(Ws, x, y, k)[2]
        assert (stats["peak_stored"], stats["layer_forwards"]) == checkpoint_cost(n, k)
    assert grads(Ws, x, y)[2] == dict(peak_stored=n + 1, layer_forwards=n)


def test_no_segmentation_is_plain_backprop():
    # k = n keeps everything, recomputes nothing; k = 1 checkpoints every layer: no saving
    for n in (1, 5, 64):
        assert checkpoint_cost(n, n) == (n + 1, n)
        assert checkpoint_cost(n, 1)[0] == n + 1


def test_page_numbers_64_layers():
    # the numbers on the Q67 and Q41 pages
    assert checkpoint_cost(64, 64) == (65, 64)
    assert checkpoint_cost(64, 8) == (16, 120)
    assert checkpoint_cost(64, 4) == (20, 124)
    assert checkpoint_cost(64, 16) == (20, 112)
    assert checkpoint_cost(64, 32) == (34, 96)  # one segment's internals dominate
    assert best_segment(64) == 11 and checkpoint_cost(64, 11) == (16, 119)
    # compute: forward 1, backward 2 per layer -> 3n plain; 56 recomputed layers of 64
    assert (3 * 64 + 120 - 64) / (3 * 64) == pytest.approx(1.2917, abs=1e-4)


@pytest.mark.parametrize("n", [4, 9, 16, 25, 64, 100, 400, 1024])
def test_best_peak_is_about_two_sqrt_n(n):
    # the sqrt(n) schedule: the optimum is within one activation of 2 sqrt(n)
    peak = checkpoint_cost(n, best_segment(n))[0]
    assert abs(peak - 2 * np.sqrt(n)) <= 1
    # and brute force agrees that nothing does better
    assert peak == min(checkpoint_cost(n, k)[0] for k in range(1, n + 1))


def test_recompute_is_at_most_one_forward():
    for n in (8, 64, 97):
        for k in range(1, n + 1):
            extra = checkpoint_cost(n, k)[1] - n
            assert 0 <= extra < n


def test_policy_cost_gpt3():
    mem, flops = policy_cost(GPT3_175B, 2048)
    h = GPT3_175B.d_model
    # 5as/h = 5 * 96 * 2048 / 12288 = 80 for GPT-3 at 2,048 tokens
    assert mem["none"] == h * 114 and mem["selective"] == 34 * h and mem["full"] == 2 * h
    assert mem["none"] / mem["selective"] == pytest.approx(3.35, abs=0.01)
    assert 1 - mem["selective"] / mem["none"] == pytest.approx(0.70, abs=0.01)
    assert flops["selective"] == pytest.approx(0.009, abs=5e-4)
    assert flops["full"] == pytest.approx(1 / 3)
    # Korthikanti et al.'s "2.7% FLOPs overhead" is the same recomputation (4 s^2 b h)
    # measured against the forward pass only: 3 x the share of forward + backward
    h, s = GPT3_175B.d_model, 2048
    assert 4 * s / (24 * h + 4 * s) == pytest.approx(3 * flops["selective"])
    assert 3 * flops["selective"] == pytest.approx(0.027, abs=5e-4)


def test_policy_cost_invariants():
    for s in (512, 2048, 8192, 32768):
        mem, flops = policy_cost(GPT3_175B, s)
        assert mem["full"] < mem["selective"] < mem["none"]
        assert 0 == flops["none"] < flops["selective"] < flops["full"]
    # the attention share grows with s: selective saves and costs more at long context
    assert policy_cost(GPT3_175B, 32768)[1]["selective"] > \
        policy_cost(GPT3_175B, 2048)[1]["selective"]


def test_full_recompute_stores_57_times_less_for_gpt3():
    mem, _ = policy_cost(GPT3_175B, 2048)
    assert mem["none"] / mem["full"] == 57
    assert mem["none"] / 2 ** 20 == pytest.approx(1.336, abs=1e-3)  # MiB/token/layer
    assert mem["selective"] / 2 ** 10 == 408  # KiB
    assert mem["full"] / 2 ** 10 == 24


def test_offload_break_even_gpt3_h100():
    r = offload_break_even(GPT3_175B, 2048, H100_SXM)
    # reference by hand: forward FLOPs per token (24 h^2 + 4 s h) over stored bytes
    h, s = 12288, 2048
    assert r["full"] == pytest.approx((24 * h + 4 * s) / 2)
    assert r["none"] == pytest.approx((24 * h + 4 * s) / 114)
    assert round(r["none"]) == 2659 and round(r["full"]) == 151552
    assert round(r["gpu"]) == 15698
    assert r["none"] < r["gpu"] < r["full"]


def test_gpt3_sequence_totals_and_long_context():
    # Q41: one 2,048-token sequence through GPT-3's 96 layers, GiB per policy
    mem, _ = policy_cost(GPT3_175B, 2048)
    gib = {k: v * 2048 * GPT3_175B.n_layers / 2 ** 30 for k, v in mem.items()}
    assert gib["none"] == pytest.approx(256.5, abs=0.05)
    assert gib["selective"] == pytest.approx(76.5, abs=0.05)
    assert gib["full"] == pytest.approx(4.5, abs=0.01)
    # the recompute share of selective recomputation at 32k tokens: about 10%
    assert policy_cost(GPT3_175B, 32768)[1]["selective"] == pytest.approx(0.1026, abs=1e-4)
