"""Tests of snippets/serving/bottlenecks.py: the diagnosis against the written-out roofline, its
invariants, and the Q73 page's numbers on binding constraints, prefill and chunking."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.serving import roofline
from snippets.serving.bottlenecks import binding_constraint, hidden_prefill_tokens, prefill_seconds
from snippets.serving.capacity import (H100_SXM, LLAMA3_70B, Model, decode_step_seconds,
                               kv_bytes_per_token, max_sequences, param_count)
from snippets.serving.optimization_map import BF16, CONTEXT, FP8, INT4, N_GPUS

N70 = param_count(LLAMA3_70B)
P, W = H100_SXM.peak_flops, H100_SXM.bandwidth
# Llama 3 70B with one KV head (MQA): small enough a cache that big batches turn compute-bound
MQA_70B = Model("Llama 3 70B with MQA", 80, 8192, 28672, 64, 1, 128256)


@pytest.mark.parametrize("w, kv", [(BF16, BF16), (INT4, BF16), (INT4, FP8)])
def test_binding_constraint_walks_bandwidth_capacity_no_fit(w, kv):
    b_max = max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, w, kv)
    assert b_max > 1
    assert binding_constraint(1, w, kv) == "bandwidth"
    assert binding_constraint(b_max - 1, w, kv) == "bandwidth"
    assert binding_constraint(b_max, w, kv) == "memory capacity"
    assert binding_constraint(b_max + 1, w, kv) == "does not fit"


@pytest.mark.parametrize("batch", [1, 100, 400, 600, 900, 1300])
def test_binding_constraint_compute_iff_flops_outlast_bytes(batch):
    # reference: the step is compute-bound when 2 N B / P >= (N b + B K) / W
    N, K = param_count(MQA_70B), CONTEXT * kv_bytes_per_token(MQA_70B, FP8)
    b_max = max_sequences(MQA_70B, H100_SXM, N_GPUS, CONTEXT, INT4, FP8)
    got = binding_constraint(batch, INT4, FP8, MQA_70B)
    if batch > b_max:
        assert got == "does not fit"
    else:
        compute = 2 * N * batch / P >= (N * INT4 + batch * K) / W
        assert (got == "compute") == compute


def test_binding_constraint_finds_compute_for_a_small_cache():
    # MQA: 20 KiB per token in FP8, so the FLOPs catch up with the bytes at a finite batch
    b_star = roofline.critical_batch(roofline.H100_SXM, INT4, param_count(MQA_70B),
                                     CONTEXT * kv_bytes_per_token(MQA_70B, FP8))
    b = int(np.ceil(b_star))
    assert b < max_sequences(MQA_70B, H100_SXM, N_GPUS, CONTEXT, INT4, FP8)
    assert binding_constraint(b - 1, INT4, FP8, MQA_70B) == "bandwidth"
    assert binding_constraint(b, INT4, FP8, MQA_70B) == "compute"


def test_gqa_70b_never_turns_compute_bound_at_4k():
    # the page: "the critical batch of Q49 is infinite"
    K = CONTEXT * kv_bytes_per_token(LLAMA3_70B, FP8)
    assert roofline.critical_batch(roofline.H100_SXM, INT4, N70, K) == np.inf
    assert 2 * N70 <= roofline.ridge_point(roofline.H100_SXM) * K  # 2N / K under the ridge


def test_binding_constraints_on_the_page():
    assert binding_constraint(2) == "memory capacity"  # bf16: two sequences fill memory
    assert binding_constraint(1, INT4, FP8) == "bandwidth"
    assert binding_constraint(160, INT4, FP8) == "memory capacity"


@pytest.mark.parametrize("batch", [1, 50, 160])
def test_hidden_prefill_tokens_is_the_largest_that_fits_under_the_memory_time(batch):
    h = hidden_prefill_tokens(batch)
    t = decode_step_seconds(LLAMA3_70B, H100_SXM, N_GPUS, batch, CONTEXT, INT4, FP8)
    assert 2 * N70 * (batch + h) / (N_GPUS * P) <= t < 2 * N70 * (batch + h + 1) / (N_GPUS * P)


def test_hidden_prefill_tokens_is_zero_when_compute_bound():
    assert binding_constraint(1200, INT4, FP8, MQA_70B) == "compute"
    assert hidden_prefill_tokens(1200, model=MQA_70B) == 0


@pytest.mark.parametrize("prompt, cached", [(4096, 0), (4096, 3072), (512, 0), (100, 100)])
def test_prefill_seconds_matches_two_n_t_flops(prompt, cached):
    t = max(2 * N70 * (prompt - cached) / (N_GPUS * P), N70 * INT4 / (N_GPUS * W))
    assert_allclose(prefill_seconds(prompt, cached), t, rtol=1e-12)


def test_prefill_seconds_falls_with_cached_prefix():
    times = [prefill_seconds(4096, c) for c in (0, 1024, 2048, 3072, 4096)]
    assert all(a > b for a, b in zip(times, times[1:]))


def test_prefill_and_chunking_numbers_on_the_page():
    assert hidden_prefill_tokens(160) == 140
    assert round(prefill_seconds(4096) * 1e3) == 292
    assert round(prefill_seconds(4096, cached=3072) * 1e3) == 73
