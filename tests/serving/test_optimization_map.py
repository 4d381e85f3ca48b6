"""Tests of snippets/serving/optimization_map.py: each composed calculator against an independent
formula or module, its invariants, and every number the Q73 page states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.serving import roofline
from snippets.serving.batching_sim import poisson_workload
from snippets.serving.capacity import (H100_SXM, LLAMA3_8B, LLAMA3_70B, Model, decode_step_seconds,
                               kv_budget_bytes, kv_bytes_per_token, max_sequences, param_count)
from snippets.serving.flash_attention_io import A100_SRAM_ELEMS, hbm_accesses_flash, hbm_accesses_standard
from snippets.serving.optimization_map import (BF16, CONTEXT, FP8, INT4, N_GPUS, PRICE, Point,
                                       draft_batch, scenario, serving_point,
                                       speculative_point, static_occupancy, verify_seconds)
from snippets.serving.optimization_map_plots import plot_scenario
from snippets.serving.speculative import expected_tokens_per_call, optimal_gamma, walltime_speedup

N70 = param_count(LLAMA3_70B)
P, W = H100_SXM.peak_flops, H100_SXM.bandwidth
ROWS = {p.name: p for p in scenario()}


def naive_step(N, w, batch, kv_per_seq, flops_per_seq, n_gpus):
    """Reference roofline: max(bytes read / bandwidth, FLOPs / peak), written out."""
    return max((N * w + batch * kv_per_seq) / (n_gpus * W), flops_per_seq * batch / (n_gpus * P))


def test_both_h100_definitions_agree():
    g = roofline.H100_SXM
    assert (g.peak_flops, g.bandwidth, g.memory) == (P, W, H100_SXM.memory)


def test_int4_bytes_per_weight():
    assert INT4 == 0.515625  # 4 bits + a 16-bit scale per 128 weights = 4.125 bits


# -- serving_point -------------------------------------------------------------------------


@pytest.mark.parametrize("w, kv", [(BF16, BF16), (INT4, BF16), (INT4, FP8)])
@pytest.mark.parametrize("batch", [1, 2, 17])
def test_serving_point_matches_the_written_out_roofline(w, kv, batch):
    K = CONTEXT * kv_bytes_per_token(LLAMA3_70B, kv)
    t = naive_step(N70, w, batch, K, 2 * N70, N_GPUS)
    p = serving_point("x", batch, w, kv)
    assert_allclose(p.tpot, t, rtol=1e-12)
    assert_allclose(p.tokens_per_s, batch / t, rtol=1e-12)
    assert_allclose(p.usd_per_m, N_GPUS * PRICE / 3600 / (batch / t) * 1e6, rtol=1e-12)


@pytest.mark.parametrize("w, kv", [(BF16, BF16), (INT4, BF16), (INT4, FP8)])
def test_serving_point_none_fills_memory_and_occupancy_scales_throughput(w, kv):
    full = serving_point("x", None, w, kv)
    assert full.batch == max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, w, kv)
    half = serving_point("x", None, w, kv, occupancy=0.5)
    assert_allclose(half.tokens_per_s, full.tokens_per_s / 2, rtol=1e-12)
    assert_allclose(half.usd_per_m, 2 * full.usd_per_m, rtol=1e-12)


# -- speculative decoding --------------------------------------------------------------------


@pytest.mark.parametrize("batch, gamma", [(1, 1), (1, 4), (64, 2), (160, 4), (160, 8)])
def test_verify_seconds_matches_the_written_out_roofline(batch, gamma):
    K = CONTEXT * kv_bytes_per_token(LLAMA3_70B, FP8)
    t = naive_step(N70, INT4, batch, K, 2 * N70 * (gamma + 1), N_GPUS)
    assert_allclose(verify_seconds(batch, gamma, INT4, FP8), t, rtol=1e-12)


@pytest.mark.parametrize("batch", [1, 7, 160])
def test_verifying_zero_drafts_is_a_plain_decode_step(batch):
    assert_allclose(verify_seconds(batch, 0, INT4, FP8),
                    decode_step_seconds(LLAMA3_70B, H100_SXM, N_GPUS, batch, CONTEXT, INT4, FP8),
                    rtol=1e-12)
    spec, plain = speculative_point("s", batch, gamma=0), serving_point("p", batch, INT4, FP8)
    assert_allclose([spec.tpot, spec.usd_per_m], [plain.tpot, plain.usd_per_m], rtol=1e-12)


@pytest.mark.parametrize("alpha, gamma", [(0.5, 1), (0.8, 4), (0.9, 6)])
def test_speculative_at_batch_one_is_leviathan_theorem_3_8(alpha, gamma):
    # bandwidth-bound target: verification costs one plain step, so S = E / (gamma c + 1)
    t_target = decode_step_seconds(LLAMA3_70B, H100_SXM, N_GPUS, 1, CONTEXT, INT4, BF16)
    t_draft = decode_step_seconds(LLAMA3_8B, H100_SXM, N_GPUS, 1, CONTEXT, INT4, BF16)
    spec = speculative_point("s", 1, kv=BF16, alpha=alpha, gamma=gamma)
    assert_allclose(t_target / spec.tpot, walltime_speedup(alpha, gamma, t_draft / t_target),
                    rtol=1e-12)


def test_draft_batch_is_the_most_that_fit_beside_both_models():
    budget = N_GPUS * H100_SXM.memory * 0.9 - (N70 + param_count(LLAMA3_8B)) * INT4
    per_seq = CONTEXT * (kv_bytes_per_token(LLAMA3_70B, FP8) + kv_bytes_per_token(LLAMA3_8B, FP8))
    b = draft_batch()
    assert b * per_seq <= budget < (b + 1) * per_seq
    assert b < max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, INT4, FP8)
    assert speculative_point("s").batch == b


def test_speculation_at_batch_one_on_the_page():
    plain1, spec1 = ROWS["INT4, batch 1"], ROWS["INT4 + spec. (4 drafted), batch 1"]
    assert round(plain1.tpot / spec1.tpot, 2) == 2.25
    t_draft = decode_step_seconds(LLAMA3_8B, H100_SXM, N_GPUS, 1, CONTEXT, INT4, BF16)
    assert round(t_draft / plain1.tpot, 3) == 0.124  # c, the draft-to-target step ratio
    assert round(expected_tokens_per_call(0.8, 4), 2) == 3.36


def best_gamma(batch, kv):
    tps = [speculative_point("s", batch, kv=kv, gamma=g).tokens_per_s for g in range(9)]
    return int(np.argmax(tps))


def test_best_draft_length_falls_with_batch():
    t_target = decode_step_seconds(LLAMA3_70B, H100_SXM, N_GPUS, 1, CONTEXT, INT4, BF16)
    t_draft = decode_step_seconds(LLAMA3_8B, H100_SXM, N_GPUS, 1, CONTEXT, INT4, BF16)
    assert best_gamma(1, BF16) == optimal_gamma(0.8, t_draft / t_target) == 5  # Q47's optimum
    assert best_gamma(None, FP8) == 1
    at4, at5 = (speculative_point("s", 1, kv=BF16, gamma=g).tokens_per_s for g in (4, 5))
    assert 0.98 < at4 / at5 < 1  # the page's four drafted tokens: within 2% of the best


def test_speculation_at_full_batch_on_the_page():
    plain = ROWS["INT4 + FP8 KV"]
    s4, s1 = (ROWS[f"INT4 + FP8 KV + spec. ({g} drafted)"] for g in (4, 1))
    assert plain.batch == 160 and s4.batch == s1.batch == draft_batch() == 110
    assert round(CONTEXT * kv_bytes_per_token(LLAMA3_8B, FP8) / 1e9, 2) == 0.27  # draft cache
    # four drafted tokens: 550 scored positions make verification compute-bound
    t_mem = decode_step_seconds(LLAMA3_70B, H100_SXM, N_GPUS, 110, CONTEXT, INT4, FP8)
    assert round(t_mem * 1e3, 2) == 16.45
    assert 110 * 5 == 550 and round(verify_seconds(110, 4, INT4, FP8) * 1e3, 1) == 39.2
    assert round(1 - s4.tokens_per_s / plain.tokens_per_s, 2) == 0.16
    # one drafted token: verification stays under the memory time, so the draft is the cost
    assert verify_seconds(110, 1, INT4, FP8) == t_mem
    assert round(s1.tokens_per_s / plain.tokens_per_s - 1, 2) == 0.24


# -- static batching ---------------------------------------------------------------------------


def test_static_occupancy_matches_batches_counted_by_hand():
    """All requests queue within 0.08 s; the first batch (request 0 alone) outlasts that, so
    the rest run in chunks of 80, each for as many steps as its longest output."""
    arrival, _, output = poisson_workload(800, rate=1e4, seed=0)
    batches = [output[:1]] + [output[i:i + 80] for i in range(1, 800, 80)]
    assert output[0] * 0.010 > arrival[-1]  # request 0 runs at least 10 ms per step
    slots = sum(len(b) * b.max() for b in batches)
    assert_allclose(static_occupancy(80), output.sum() / slots, rtol=1e-12)


@pytest.mark.parametrize("batch, n", [(1, 60), (8, 200), (80, 800), (400, 800)])
def test_static_occupancy_is_a_share(batch, n):
    occ = static_occupancy(batch, n=n)
    assert 0 < occ <= 1
    if batch == 1:
        assert occ == 1.0  # a batch of one never idles a slot


# -- every number on the Q73 page ---------------------------------------------------------


def test_scenario_rows_on_the_page():
    expected = {  # name: (batch, ms per token, tokens/s, USD per million output tokens)
        "bf16, batch 1": (1, 21.26, 47.0, 23.62),
        "INT4, batch 1": (1, 5.63, 177.6, 6.26),
        "INT4 + spec. (4 drafted), batch 1": (1, 2.51, 399.1, 2.78),
        "bf16, memory full": (2, 21.46, 93.2, 11.92),
        "INT4, static batching": (80, 21.46, 1963.4, 0.566),
        "INT4, continuous batching": (80, 21.46, 3728.6, 0.298),
        "INT4 + FP8 KV": (160, 21.46, 7457.2, 0.149),
        "INT4 + FP8 KV + spec. (4 drafted)": (110, 17.65, 6231.8, 0.178),
        "INT4 + FP8 KV + spec. (1 drafted)": (110, 11.93, 9221.0, 0.120),
    }
    assert list(ROWS) == list(expected)
    for name, (batch, ms, tps, usd) in expected.items():
        p = ROWS[name]
        assert isinstance(p, Point) and p.batch == batch, name
        assert round(p.tpot * 1e3, 2) == ms, name
        assert round(p.tokens_per_s, 1) == tps, name
        digits = 3 if usd < 1 else 2
        assert round(p.usd_per_m, digits) == usd, name


def test_scenario_ratios_on_the_page():
    r = ROWS
    assert round(r["bf16, batch 1"].usd_per_m / r["INT4 + FP8 KV"].usd_per_m) == 159
    assert round(r["bf16, batch 1"].usd_per_m / r["INT4, continuous batching"].usd_per_m) == 79
    assert round(BF16 / INT4, 2) == 3.88  # the cut in weight bytes
    assert round(r["bf16, batch 1"].tpot / r["INT4, batch 1"].tpot, 2) == 3.78
    assert round(static_occupancy(80), 3) == 0.527
    assert round(r["INT4, static batching"].usd_per_m / r["INT4, continuous batching"].usd_per_m,
                 2) == 1.90


def test_memory_numbers_on_the_page():
    assert round(N70 / 1e9, 2) == 70.55
    assert round(N70 * BF16 / 1e9, 1) == 141.1 and round(N70 * INT4 / 1e9, 1) == 36.4
    assert kv_bytes_per_token(LLAMA3_70B, BF16) == 320 * 1024
    assert kv_bytes_per_token(LLAMA3_70B) / kv_bytes_per_token(LLAMA3_8B) == 2.5
    assert round(N_GPUS * H100_SXM.memory * 0.9 / 1e9) == 144
    assert round(kv_budget_bytes(LLAMA3_70B, H100_SXM, N_GPUS) / 1e9, 1) == 2.9
    assert round(CONTEXT * kv_bytes_per_token(LLAMA3_70B) / 1e9, 2) == 1.34
    assert round(N70 * (BF16 - INT4) / 1e9, 1) == 104.7  # memory freed by INT4
    mha = Model("Llama 3 70B with MHA", 80, 8192, 28672, 64, 64, 128256)
    assert param_count(mha) > N70  # its K and V projections are 8 times larger
    # embedding and output matrices left in 16 bits: 2.1B parameters, 3 sequences fewer
    emb = 2 * LLAMA3_70B.vocab * LLAMA3_70B.d_model
    assert round(emb / 1e9, 1) == 2.1
    w_mixed = ((N70 - emb) * INT4 + emb * BF16) / N70
    assert max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, w_mixed, BF16) == 80 - 3
    assert max_sequences(mha, H100_SXM, N_GPUS, CONTEXT, INT4, FP8) == 19
    # the module docstring: the input embedding table is 1.5% of the bytes read in bf16
    assert round(LLAMA3_70B.vocab * LLAMA3_70B.d_model / N70, 3) == 0.015


def test_parallelism_numbers_on_the_page():
    for n, ms in ((2, 21.26), (4, 10.63), (8, 5.32)):
        p = serving_point("bf16", 1, n_gpus=n)
        assert round(p.tpot * 1e3, 2) == ms and round(p.usd_per_m, 2) == 23.62
    assert round(serving_point("int4", 1, INT4, BF16, n_gpus=8).tpot * 1e3, 2) == 1.41
    for n, batch, usd in ((1, 53, 0.225), (2, 160, 0.149), (8, 804, 0.119)):
        p = serving_point("full", None, INT4, FP8, n_gpus=n)
        assert p.batch == batch and round(p.usd_per_m, 3) == usd


def test_smaller_model_numbers_on_the_page():
    one = serving_point("8B", 1, INT4, FP8, LLAMA3_8B, n_gpus=1)
    full = serving_point("8B", None, INT4, FP8, LLAMA3_8B, n_gpus=1)
    assert round(one.tpot * 1e3, 2) == 1.32 and round(one.usd_per_m, 2) == 0.73
    assert full.batch == 252 and round(full.usd_per_m, 3) == 0.047
    assert round(N70 / param_count(LLAMA3_8B)) == 9
    big1 = serving_point("70B", 1, INT4, FP8)
    assert round(big1.usd_per_m, 2) == 6.14
    assert round(big1.usd_per_m / one.usd_per_m, 1) == 8.4
    assert round(ROWS["INT4 + FP8 KV"].usd_per_m / full.usd_per_m, 1) == 3.2


def test_flashattention_number_quoted_from_q79():
    std, fl = hbm_accesses_standard(4096, 64), hbm_accesses_flash(4096, 64, A100_SRAM_ELEMS)
    assert round(sum(std) / sum(fl), 1) == 7.1


def test_plot_scenario():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_scenario()
    a, b = fig.axes
    assert "ms" in a.get_xlabel() and "USD" in b.get_xlabel() and b.get_xscale() == "log"
    assert len(a.patches) == len(b.patches) == len(ROWS)
    widths = sorted(round(p.get_width(), 3) for p in b.patches)
    assert widths == sorted(round(r.usd_per_m, 3) for r in ROWS.values())
    matplotlib.pyplot.close(fig)
