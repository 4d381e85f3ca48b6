"""Tests of snippets/serving/roofline.py: the roofline and bandwidth model of prefill and decode."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import brentq

from snippets.serving.roofline import (A100_80GB_SXM, BYTES_PER_PARAM, H100_SXM, GPU,
                               attainable_flops, critical_batch, decode_intensity,
                               decode_step_time, decode_tokens_per_second,
                               kv_bytes_per_token, prefill_time, ridge_point)
from snippets.serving.roofline_plots import plot_roofline, plot_tokens_per_second

GPUS = [A100_80GB_SXM, H100_SXM]
KV_7B = kv_bytes_per_token(32, 32, 128)  # Llama 2 7B: 32 layers, 32 KV heads of 128
KV_70B = kv_bytes_per_token(80, 8, 128)  # Llama 2 70B: 80 layers, GQA with 8 KV heads


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def test_datasheet_numbers():
    # A100 80GB SXM: BF16 312 TFLOPS dense, 2,039 GB/s. H100 SXM: half of 1,979 (sparse), 3.35 TB/s.
    assert (A100_80GB_SXM.peak_flops, A100_80GB_SXM.bandwidth) == (312e12, 2.039e12)
    assert H100_SXM.peak_flops == pytest.approx(1979e12 / 2, rel=1e-3)
    assert H100_SXM.bandwidth == 3.35e12
    assert A100_80GB_SXM.memory == H100_SXM.memory == 80e9


# -- the roofline ---------------------------------------------------------------------------


@pytest.mark.parametrize("gpu", GPUS)
def test_ridge_point_is_where_the_roofs_meet(gpu):
    R = ridge_point(gpu)
    assert_allclose(gpu.bandwidth * R, gpu.peak_flops, rtol=1e-12)
    assert_allclose(attainable_flops(gpu, R), gpu.peak_flops, rtol=1e-12)


def test_ridge_points_stated_on_the_page():
    assert round(ridge_point(A100_80GB_SXM), 1) == 153.0
    assert round(ridge_point(H100_SXM), 1) == 295.2


@pytest.mark.parametrize("gpu", GPUS)
def test_attainable_flops_is_the_lower_roof(gpu, rng):
    intensity = np.sort(rng.uniform(0.01, 1e4, size=500))
    perf = attainable_flops(gpu, intensity)
    assert perf.shape == intensity.shape
    assert (perf <= gpu.peak_flops).all() and (perf <= gpu.bandwidth * intensity * (1 + 1e-12)).all()
    assert (np.diff(perf) >= 0).all()  # never decreases with intensity
    naive = [min(gpu.peak_flops, gpu.bandwidth * i) for i in intensity]
    assert_allclose(perf, naive, rtol=1e-12)


def test_batch_one_uses_under_one_percent_of_peak():
    # fp16 decode at batch 1 has intensity 1 FLOP/byte
    assert round(100 * attainable_flops(A100_80GB_SXM, 1.0) / A100_80GB_SXM.peak_flops, 2) == 0.65
    assert round(100 * attainable_flops(H100_SXM, 1.0) / H100_SXM.peak_flops, 2) == 0.34


# -- KV cache and intensity ------------------------------------------------------------------


def test_kv_bytes_per_token_against_a_naive_count():
    naive = sum(2 * 2 for _layer in range(32) for _head in range(32) for _dim in range(128))
    assert KV_7B == naive == 524_288  # 512 KiB
    assert kv_bytes_per_token(40, 40, 128) == 819_200  # Llama 2 13B
    assert KV_70B == 327_680  # 320 KiB: fewer bytes than the 7B, thanks to GQA
    assert kv_bytes_per_token(32, 32, 128, bytes_per_elem=1.0) == KV_7B / 2


@pytest.mark.parametrize("prec", list(BYTES_PER_PARAM))
@pytest.mark.parametrize("batch", [1, 7, 64, 1000])
def test_decode_intensity_without_kv_is_2B_over_b(prec, batch):
    b = BYTES_PER_PARAM[prec]
    assert_allclose(decode_intensity(13e9, b, batch), 2 * batch / b, rtol=1e-12)


def test_decode_intensity_with_kv_is_capped():
    K = 4096 * KV_7B
    values = [decode_intensity(7e9, 2.0, b, K) for b in (1, 16, 256, 10**6)]
    assert (np.diff(values) > 0).all()
    assert values[-1] < 2 * 7e9 / K  # the limit 2N / K as the batch grows
    assert round(2 * 7e9 / K, 1) == 6.5
    assert round(decode_intensity(7e9, 2.0, 16, K), 1) == 4.6


# -- decode ----------------------------------------------------------------------------------

# (GPU, parameters, precision, ms per token at batch 1) as printed in the page's table
DECODE_TABLE = [
    (A100_80GB_SXM, 7e9, "fp16", 6.87), (A100_80GB_SXM, 7e9, "int8", 3.43),
    (A100_80GB_SXM, 7e9, "int4", 1.72), (A100_80GB_SXM, 13e9, "fp16", 12.75),
    (A100_80GB_SXM, 13e9, "int8", 6.38), (A100_80GB_SXM, 13e9, "int4", 3.19),
    (A100_80GB_SXM, 70e9, "int8", 34.33), (A100_80GB_SXM, 70e9, "int4", 17.17),
    (H100_SXM, 7e9, "fp16", 4.18), (H100_SXM, 7e9, "int8", 2.09), (H100_SXM, 7e9, "int4", 1.04),
    (H100_SXM, 13e9, "fp16", 7.76), (H100_SXM, 13e9, "int8", 3.88), (H100_SXM, 13e9, "int4", 1.94),
    (H100_SXM, 70e9, "int8", 20.90), (H100_SXM, 70e9, "int4", 10.45),
]


@pytest.mark.parametrize("gpu, n, prec, ms", DECODE_TABLE)
def test_decode_table_on_the_page(gpu, n, prec, ms):
    b = BYTES_PER_PARAM[prec]
    assert n * b <= gpu.memory  # the weights fit in one GPU
    t = decode_step_time(n, b, gpu)
    assert round(t * 1e3, 2) == ms
    assert_allclose(t, n * b / gpu.bandwidth, rtol=1e-12)  # batch 1 is bandwidth-bound


def test_70b_fp16_needs_two_gpus():
    assert 70e9 * 2 > A100_80GB_SXM.memory
    assert round(decode_step_time(70e9, 2.0, A100_80GB_SXM, n_gpus=2) * 1e3, 2) == 34.33
    assert round(decode_step_time(70e9, 2.0, H100_SXM, n_gpus=2) * 1e3, 2) == 20.90


def test_tokens_per_second_stated_on_the_page():
    assert round(decode_tokens_per_second(7e9, 2.0, A100_80GB_SXM), 1) == 145.6
    assert round(decode_tokens_per_second(7e9, 0.5, A100_80GB_SXM), 1) == 582.6
    assert round(decode_tokens_per_second(7e9, 2.0, H100_SXM), 1) == 239.3
    assert round(decode_tokens_per_second(70e9, 0.5, H100_SXM), 1) == 95.7
    assert round(decode_tokens_per_second(70e9, 2.0, H100_SXM, n_gpus=2), 1) == 47.9


@pytest.mark.parametrize("gpu", GPUS)
@pytest.mark.parametrize("prec", list(BYTES_PER_PARAM))
def test_decode_time_is_flat_until_the_critical_batch_then_linear(gpu, prec):
    b = BYTES_PER_PARAM[prec]
    B_star = critical_batch(gpu, b)
    t1 = decode_step_time(13e9, b, gpu, batch=1)
    assert_allclose(decode_step_time(13e9, b, gpu, batch=int(B_star)), t1, rtol=1e-12)
    big = 4 * B_star
    assert_allclose(decode_step_time(13e9, b, gpu, batch=big), 2 * 13e9 * big / gpu.peak_flops,
                    rtol=1e-12)


@pytest.mark.parametrize("gpu", GPUS)
@pytest.mark.parametrize("K", [0.0, 512 * KV_70B, 1024 * KV_70B])
def test_critical_batch_matches_a_root_finder(gpu, K):
    # Independent reference: the batch where compute time equals memory time, by brentq.
    n, b = 70e9, 2.0

    def gap(B):
        return 2 * n * B / gpu.peak_flops - (n * b + B * K) / gpu.bandwidth

    assert_allclose(critical_batch(gpu, b, n, K), brentq(gap, 1e-3, 1e6), rtol=1e-9)


def test_critical_batches_stated_on_the_page():
    expected = {("A100 80GB SXM", "fp16"): 153.0, ("A100 80GB SXM", "int8"): 76.5,
                ("A100 80GB SXM", "int4"): 38.3, ("H100 SXM", "fp16"): 295.2,
                ("H100 SXM", "int8"): 147.6, ("H100 SXM", "int4"): 73.8}
    for gpu in GPUS:
        for prec, b in BYTES_PER_PARAM.items():
            assert round(critical_batch(gpu, b), 1) == expected[(gpu.name, prec)]
    # With KV reads: never compute-bound for the 7B at 4,096 tokens; the GQA 70B at 1,024 tokens.
    assert critical_batch(A100_80GB_SXM, 2.0, 7e9, 4096 * KV_7B) == float("inf")
    assert round(critical_batch(A100_80GB_SXM, 2.0, 70e9, 1024 * KV_70B)) == 242
    assert critical_batch(A100_80GB_SXM, 2.0, 70e9, 4096 * KV_70B) == float("inf")
    assert critical_batch(H100_SXM, 2.0, 70e9, 4096 * KV_70B) == float("inf")


def test_kv_reads_numbers_stated_on_the_page():
    K = 4096 * KV_7B
    assert round(16 * K / 1e9, 1) == 34.4  # GB of KV read per step at batch 16
    assert round(decode_step_time(7e9, 2.0, A100_80GB_SXM, 16, K) * 1e3, 1) == 23.7
    assert round(decode_tokens_per_second(7e9, 2.0, A100_80GB_SXM, 16, K)) == 675
    assert round(decode_tokens_per_second(7e9, 2.0, A100_80GB_SXM, 16)) == 2330


def test_kv_reads_only_add_time():
    for B in (1, 8, 64):
        assert decode_step_time(7e9, 2.0, H100_SXM, B, 1e8) > decode_step_time(7e9, 2.0, H100_SXM, B)


def test_tensor_parallelism_divides_time():
    one = decode_step_time(70e9, 1.0, H100_SXM, batch=32)
    assert_allclose(decode_step_time(70e9, 1.0, H100_SXM, batch=32, n_gpus=4), one / 4, rtol=1e-12)


def test_empty_batch_costs_the_weight_read():
    assert decode_step_time(7e9, 2.0, H100_SXM, batch=0) == 7e9 * 2.0 / H100_SXM.bandwidth
    assert decode_tokens_per_second(7e9, 2.0, H100_SXM, batch=0) == 0.0


# -- prefill ---------------------------------------------------------------------------------


def test_prefill_numbers_stated_on_the_page():
    assert round(prefill_time(7e9, 2048, 2.0, A100_80GB_SXM) * 1e3, 1) == 91.9
    assert round(prefill_time(7e9, 2048, 2.0, H100_SXM) * 1e3, 1) == 29.0
    assert round(prefill_time(70e9, 2048, 2.0, H100_SXM, n_gpus=2) * 1e3, 1) == 145.0


@pytest.mark.parametrize("gpu", GPUS)
def test_prefill_per_token_is_ridge_times_cheaper_than_batch_one_decode(gpu):
    # Long prompts are compute-bound; per token they cost R times less than fp16 decode at B = 1.
    T = 8192
    per_token = prefill_time(7e9, T, 2.0, gpu) / T
    assert_allclose(decode_step_time(7e9, 2.0, gpu) / per_token, ridge_point(gpu), rtol=1e-12)


@pytest.mark.parametrize("T", [1, 16, 100, 295])
def test_short_prefill_is_bandwidth_bound(T):
    assert prefill_time(7e9, T, 2.0, H100_SXM) == decode_step_time(7e9, 2.0, H100_SXM)


@pytest.mark.parametrize("gpu, T", [(A100_80GB_SXM, 154), (H100_SXM, 296), (H100_SXM, 2048)])
def test_prefill_past_the_ridge_is_compute_bound(gpu, T):
    # fp16 prefill intensity is T FLOP/byte: compute-bound once T exceeds the ridge point
    assert_allclose(prefill_time(7e9, T, 2.0, gpu), 2 * 7e9 * T / gpu.peak_flops, rtol=1e-12)


def test_made_up_gpu_scales_as_expected():
    slow = GPU("half", 156e12, 1.0195e12, 80e9)
    assert_allclose(decode_step_time(7e9, 2.0, slow), 2 * decode_step_time(7e9, 2.0, A100_80GB_SXM))
    assert_allclose(ridge_point(slow), ridge_point(A100_80GB_SXM))


# -- figures ---------------------------------------------------------------------------------


@pytest.mark.parametrize("plot", [plot_roofline, plot_tokens_per_second])
def test_plots_have_labelled_axes_and_legends(plot):
    import matplotlib

    matplotlib.use("Agg")
    ax = plot().axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None


# -- other numbers stated on the page ----------------------------------------------------------


def test_gpu_comparison_stated_on_the_page():
    assert round(H100_SXM.peak_flops / A100_80GB_SXM.peak_flops, 2) == 3.17
    assert round(H100_SXM.bandwidth / A100_80GB_SXM.bandwidth, 2) == 1.64
    d = decode_step_time(7e9, 2.0, A100_80GB_SXM) / decode_step_time(7e9, 2.0, H100_SXM)
    p = prefill_time(7e9, 2048, 2.0, A100_80GB_SXM) / prefill_time(7e9, 2048, 2.0, H100_SXM)
    assert (round(d, 2), round(p, 2)) == (1.64, 3.17)


def test_model_size_numbers_stated_on_the_page():
    assert round(decode_step_time(70e9, 0.5, H100_SXM) * 1e3, 1) == 10.4  # short answer
    assert round(decode_step_time(7e9, 2.0, H100_SXM) * 1e3, 1) == 4.2
    ratio = prefill_time(7e9, 2048, 2.0, H100_SXM) / decode_step_time(7e9, 2.0, H100_SXM)
    assert round(ratio) == 7  # a 2,048-token prefill costs about 7 decode steps
    assert 2 * 7e9 * 2048 / (7e9 * 2.0) == 2048  # fp16 prefill intensity = prompt length
    assert (A100_80GB_SXM.memory - 70e9 * 1.0) / 1e9 == 10  # GB left next to 70B int8 weights
    assert round(decode_step_time(70e9, 2.0, H100_SXM, n_gpus=2) / decode_step_time(7e9, 2.0, H100_SXM), 1) == 5.0
    assert round(decode_step_time(70e9, 0.5, H100_SXM) / decode_step_time(13e9, 2.0, H100_SXM) - 1, 2) == 0.35
    assert (13e9 * 2.0, 70e9 * 0.5) == (26e9, 35e9)


def test_kv_ratios_stated_on_the_page():
    K = 4096 * KV_7B
    assert round(16 * K / (7e9 * 2.0), 1) == 2.5
    # Batch 16 against batch 1 at the same 4,096-token context (KV reads counted in both).
    t1 = decode_step_time(7e9, 2.0, A100_80GB_SXM, 1, K)
    t16 = decode_step_time(7e9, 2.0, A100_80GB_SXM, 16, K)
    assert round(t1 * 1e3, 2) == 7.92 and round(t16 / t1, 1) == 3.0
    tps1 = decode_tokens_per_second(7e9, 2.0, A100_80GB_SXM, 1, K)
    tps16 = decode_tokens_per_second(7e9, 2.0, A100_80GB_SXM, 16, K)
    assert (round(tps1), round(tps16), round(tps16 / tps1, 1)) == (126, 675, 5.3)
    assert int((2 * A100_80GB_SXM.memory - 70e9 * 2.0) // (1024 * KV_70B)) == 59
    assert round(80 * 2**30 / 1e9, 1) == 85.9  # 80 GiB, what the device exposes
    assert round(K / 1e9, 1) == 2.1 and round(K / A100_80GB_SXM.bandwidth * 1e3, 2) == 1.05


def test_follow_up_numbers_stated_on_the_page():
    t8 = decode_step_time(70e9, 2.0, H100_SXM, n_gpus=8)
    assert round(t8 * 1e3, 2) == 5.22 and round(1 / t8, 1) == 191.4
    prefill = prefill_time(7e9, 2048, 2.0, H100_SXM)
    decode = 300 * decode_step_time(7e9, 2.0, H100_SXM)
    assert round(100 * decode / (prefill + decode), 1) == 97.7
    long_prefill = prefill_time(7e9, 32768, 2.0, H100_SXM)
    assert round(long_prefill * 1e3) == 464
    assert round(100 * decode_step_time(7e9, 2.0, H100_SXM) * 1e3) == 418
