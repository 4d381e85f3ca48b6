"""Tests of snippets/serving/quantization.py: hand-worked codes, a naive per-group reference, the
half-step error bound, and the memory arithmetic that Q77 quotes."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from snippets.serving.quantization import (bits_per_weight, block_size, dequantize, error_vs_bits,
                                   fake_quantize, quantize, relative_error, weight_gb)
from snippets.serving.quantization_plots import plot_error_vs_bits
from snippets.serving.outliers import outlier_weights


@pytest.fixture
def rng():
    return np.random.default_rng(77)


def naive_symmetric(W, bits, group):
    """Reference: loop over rows and groups, absmax scale, round, clip, rescale."""
    qmax = 2 ** (bits - 1) - 1
    out = np.empty_like(W, dtype=np.float64)
    for r in range(W.shape[0]):
        for c in range(0, W.shape[1], group):
            w = W[r, c:c + group].astype(np.float64)
            s = np.abs(w).max() / qmax or 1.0
            out[r, c:c + group] = np.clip(np.rint(w / s), -qmax, qmax) * s
    return out


# -- block_size ---------------------------------------------------------------------------


def test_block_size_reference():
    assert block_size((8, 512), "tensor") == 4096
    assert block_size((8, 512), "channel") == 512
    assert block_size((8, 512), "group", 128) == 128


@pytest.mark.parametrize("granularity, group", [("group", 100), ("row", 128)])
def test_block_size_rejects_bad_input(granularity, group):
    with pytest.raises(ValueError):
        block_size((8, 512), granularity, group)


# -- quantize / dequantize: hand-worked cases --------------------------------------------


def test_symmetric_int4_hand_worked():
    # max|x| = 2.8, 4-bit: qmax = 7, step 0.4; x/0.4 = [-7, -2.75, 0, 1.25, 3.25]
    q, s, z = quantize(np.array([-2.8, -1.1, 0.0, 0.5, 1.3]), bits=4)
    assert_array_equal(q, [-7, -3, 0, 1, 3])
    assert_allclose(s, [0.4], rtol=1e-15)
    assert_allclose(dequantize(q, s, z), [-2.8, -1.2, 0.0, 0.4, 1.2], rtol=1e-12)


def test_zero_point_int4_hand_worked():
    # [lo, hi] = [-1, 2] onto [0, 15]: step 0.2, zero-point 5
    q, s, z = quantize(np.array([-1.0, 0.0, 2.0]), bits=4, symmetric=False)
    assert_array_equal(q, [0, 5, 15])
    assert_array_equal(z, [5])
    assert_allclose(s, [0.2], rtol=1e-15)
    assert_allclose(dequantize(q, s, z), [-1.0, 0.0, 2.0], atol=1e-12)


def test_zero_point_beats_absmax_on_one_sided_data(rng):
    # ReLU-like data: absmax wastes the negative half of the grid
    x = np.abs(rng.standard_normal((16, 128)))
    err_sym = relative_error(x, fake_quantize(x, 4, True, "channel"))
    err_asym = relative_error(x, fake_quantize(x, 4, False, "channel"))
    assert err_asym < 0.6 * err_sym


# -- quantize / dequantize: invariants ----------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(1, 128), (4, 256), (16, 384)])
@pytest.mark.parametrize("granularity", ["tensor", "channel", "group"])
@pytest.mark.parametrize("symmetric", [True, False])
@pytest.mark.parametrize("bits", [2, 3, 4, 8])
def test_round_trip_error_at_most_half_a_step(rng, dtype, shape, granularity, symmetric, bits):
    x = (rng.standard_t(3, size=shape) * 0.05).astype(dtype)
    block = block_size(shape, granularity, 128)
    q, s, z = quantize(x, bits, symmetric, block)
    err = np.abs(x.astype(np.float64) - dequantize(q, s, z)).reshape(-1, block)
    # every value lies inside its block's range, so rounding moves it by <= step / 2
    assert np.all(err <= s[:, None] / 2 * (1 + 1e-9))
    lo, hi = (-(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1) if symmetric else (0, 2**bits - 1)
    assert q.min() >= lo and q.max() <= hi


@pytest.mark.parametrize("bits", [2, 4, 8])
def test_symmetric_quantization_is_idempotent(rng, bits):
    x = rng.standard_normal((8, 256))
    once = fake_quantize(x, bits, True, "group", 64)
    assert_allclose(fake_quantize(once, bits, True, "group", 64), once, rtol=1e-12, atol=1e-15)


def test_zero_point_keeps_zero_exact(rng):
    x = rng.standard_normal((4, 128)) + 0.7
    x[:, ::5] = 0.0  # padding / ReLU zeros must come back as exact zeros
    x_hat = fake_quantize(x, 4, False, "group", 32)
    assert np.all(x_hat[:, ::5] == 0.0)


def test_all_zero_block_and_empty_input():
    x = np.zeros((2, 128))
    x[1, :64] = 1.0
    x_hat = fake_quantize(x, 4, True, "group", 64)
    assert np.all(np.isfinite(x_hat)) and np.all(x_hat[0] == 0.0)
    assert fake_quantize(np.zeros((0, 128)), 4, True, "group").shape == (0, 128)


@pytest.mark.parametrize("bits, group", [(3, 32), (4, 64), (8, 128)])
def test_per_group_matches_naive_loop(rng, bits, group):
    W = rng.standard_normal((6, 256))
    assert_allclose(fake_quantize(W, bits, True, "group", group), naive_symmetric(W, bits, group),
                    rtol=1e-12, atol=1e-15)
    assert_allclose(fake_quantize(W, bits, True, "channel"), naive_symmetric(W, bits, 256),
                    rtol=1e-12, atol=1e-15)


def test_finer_granularity_has_smaller_steps(rng):
    # nested blocks: a group's absmax <= its row's absmax <= the tensor's absmax
    W = outlier_weights(rng, 32, 256)
    steps = {}
    for g in ("tensor", "channel", "group"):
        _, s, _ = quantize(W, 4, True, block_size(W.shape, g, 64))
        steps[g] = np.repeat(s, W.size // len(s)).reshape(W.shape)
    assert np.all(steps["group"] <= steps["channel"]) and np.all(steps["channel"] <= steps["tensor"])


def test_relative_error_reference(rng):
    x, y = rng.standard_normal(50), rng.standard_normal(50)
    assert_allclose(relative_error(x, y), np.sqrt(np.sum((x - y) ** 2) / np.sum(x**2)), rtol=1e-12)
    assert relative_error(x, x) == 0.0


# -- the figure's numbers (quoted in Q77) -------------------------------------------------


def test_error_vs_bits_numbers_quoted_in_q77():
    errors = error_vs_bits(outlier_weights(np.random.default_rng(0)))
    # 4-bit: per-tensor 90%, per-channel 35%, per-group(128) 21% relative error
    assert [round(errors[g][2], 2) for g in ("tensor", "channel", "group")] == [0.90, 0.35, 0.21]
    # 8-bit: 11%, 2.1%, 1.2%
    assert round(errors["tensor"][5], 2) == 0.11
    assert round(errors["channel"][5], 3) == 0.021 and round(errors["group"][5], 3) == 0.012


def test_error_falls_with_bits_and_granularity():
    errors = error_vs_bits(outlier_weights(np.random.default_rng(1)))
    for errs in errors.values():
        assert all(a > b for a, b in zip(errs, errs[1:]))
    for i in range(6):
        assert errors["group"][i] < errors["channel"][i] < errors["tensor"][i]


def test_plot_error_vs_bits():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_error_vs_bits()
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 3 and ax.get_xlabel() and ax.get_ylabel()


# -- memory arithmetic (quoted in Q77) ----------------------------------------------------


def test_bits_per_weight_reference():
    assert bits_per_weight(4, 128) == 4.125  # fp16 scale per 128 weights
    assert bits_per_weight(4, 128, zero_bits=16) == 4.25  # plus an fp16 zero-point
    assert bits_per_weight(4, 64, scale_bits=32) == 4.5  # QLoRA blocks of 64, fp32 absmax
    # QLoRA double quantization: 8-bit scales, one fp32 scale per 256 of them
    assert bits_per_weight(4, 64, scale_bits=8 + 32 / 256) == 4.126953125
    # the saving QLoRA quotes: 0.5 - 0.127 = 0.373 bits per weight
    saving = bits_per_weight(4, 64, scale_bits=32) - bits_per_weight(4, 64, scale_bits=8 + 32 / 256)
    assert round(saving, 3) == 0.373
    assert bits_per_weight(8) == 8.0


@pytest.mark.parametrize("n, fp16, int8, int4", [
    (7e9, 14.0, 7.0, 3.609375),
    (13e9, 26.0, 13.0, 6.703125),
    (70e9, 140.0, 70.0, 36.09375),
])
def test_weight_memory_table_quoted_in_q77(n, fp16, int8, int4):
    assert weight_gb(n, 16) == fp16
    assert weight_gb(n, 8) == int8
    assert weight_gb(n, bits_per_weight(4, 128)) == int4


def test_group_overhead_shrinks_with_group_size():
    sizes = [32, 64, 128, 256]
    overheads = [bits_per_weight(4, g) - 4 for g in sizes]
    assert overheads == [0.5, 0.25, 0.125, 0.0625]
