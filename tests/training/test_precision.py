"""Tests of snippets/training/precision.py: format limits against NumPy's finfo and the
FP8 paper's table, bfloat16 rounding against a naive nearest-value search, the float16
overflow of a norm, the outlier criterion, and muP's width-independent step."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.specs import FORMATS
from snippets.training.precision import (
    format_limits, hidden_change_rms, mup_adam_lr, outlier_dims, rms_in, to_bf16)


@pytest.fixture
def rng():
    return np.random.default_rng(63)


@pytest.mark.parametrize("name, dtype", [("fp32", np.float32), ("fp16", np.float16)])
def test_limits_match_numpy_finfo(name, dtype):
    fi, lim = np.finfo(dtype), format_limits(name)
    assert lim["max"] == float(fi.max) and lim["eps"] == float(fi.eps)
    assert lim["min_normal"] == float(fi.tiny)
    assert lim["min_subnormal"] == float(fi.smallest_subnormal)


def test_table_figures_on_the_page():
    assert format_limits("bf16")["eps"] == pytest.approx(7.8e-3, rel=0.01)
    assert format_limits("fp16")["eps"] == pytest.approx(9.8e-4, rel=0.01)
    assert format_limits("fp32")["eps"] == pytest.approx(1.2e-7, rel=0.01)
    assert format_limits("fp16")["min_normal"] == pytest.approx(6.1e-5, rel=0.01)
    assert format_limits("fp32")["max"] == pytest.approx(3.4e38, rel=0.01)


def test_limits_match_fp8_paper_and_bf16():
    # Micikevicius et al. (2022), Table 1: max 448 and 57344, min subnormal 2^-9 and 2^-16
    assert format_limits("fp8_e4m3")["max"] == 448.0
    assert format_limits("fp8_e5m2")["max"] == 57344.0
    assert format_limits("fp8_e4m3")["min_subnormal"] == 2.0**-9
    assert format_limits("fp8_e5m2")["min_subnormal"] == 2.0**-16
    bf = format_limits("bf16")
    assert bf["eps"] == 2.0**-7 and bf["min_normal"] == float(np.finfo(np.float32).tiny)
    assert bf["max"] == pytest.approx(3.39e38, rel=1e-3)


def test_every_format_has_range_ordered():
    for name in FORMATS:
        lim = format_limits(name)
        assert lim["min_subnormal"] < lim["min_normal"] < 1 < lim["max"]


def _bf16_grid():
    # every finite positive bfloat16 value in [1, 2^9), built from its definition
    return np.array([(1 + k / 128) * 2.0**e for e in range(9) for k in range(128)])


def test_to_bf16_matches_nearest_grid_value(rng):
    grid = _bf16_grid()
    x = rng.uniform(1.0, 500.0, size=2000).astype(np.float32)
    nearest = grid[np.abs(grid[None, :] - x[:, None].astype(float)).argmin(axis=1)]
    assert_allclose(to_bf16(x), nearest, rtol=0)


def test_to_bf16_is_idempotent_and_keeps_fp32_range(rng):
    x = (rng.normal(size=500) * 10.0 ** rng.integers(-30, 30, size=500)).astype(np.float32)
    once = to_bf16(x)
    assert_allclose(to_bf16(once), once, rtol=0)
    assert np.all(np.abs(once - x) <= 2.0**-8 * np.abs(x))  # half an ulp: 2^-8 relative
    # 256 + 1 is lost in bfloat16: its spacing at 256 is 2
    assert to_bf16(np.float32(257.0)) == 256.0


def test_fp16_overflows_where_page_says():
    with np.errstate(over="ignore"):
        assert np.float16(65504) == 65504 and np.isinf(np.float16(65520))
        assert np.isinf(np.exp(np.float16(11.1)))  # ln 65504 = 11.09
    assert np.log(65504) == pytest.approx(11.09, abs=0.005)
    assert np.isfinite(np.exp(np.float16(11.0)))
    assert np.sqrt(65504) == pytest.approx(255.9, abs=0.05)


def test_rms_in_fp16_overflows_on_one_outlier_but_fp32_does_not():
    x = np.ones(4096)
    x[7] = 300.0
    assert np.isinf(rms_in(x, np.float16))
    assert rms_in(x, np.float32) == pytest.approx(np.sqrt((300.0**2 + 4095) / 4096),
                                                  rel=1e-6)
    assert round(rms_in(x, np.float32), 1) == 4.8  # the page's figure
    x[7] = 200.0  # 40,000 < 65,504: fine
    assert np.isfinite(rms_in(x, np.float16))


def test_outlier_dims_against_planted_features(rng):
    h = rng.normal(size=(512, 64))
    h[:, [5, 40]] += 20.0  # systematic outlier features in every token
    h[3, 11] = 50.0  # one large value in a single token is no feature
    assert outlier_dims(h) == [5, 40]
    assert outlier_dims(h, min_frac=0.001) == [5, 11, 40]
    assert outlier_dims(rng.normal(size=(512, 64))) == []


def test_mup_lr_and_hidden_change_are_width_independent(rng):
    assert mup_adam_lr(1e-2, 256, 4096) == 1e-2 / 16
    sp, mup = [], []
    for n in (256, 1024, 4096):
        x, g = rng.normal(size=n), rng.normal(size=n)
        sp.append(hidden_change_rms(x, g, 1e-2))
        mup.append(hidden_change_rms(x, g, mup_adam_lr(1e-2, 256, n)))
        assert_allclose(sp[-1], 1e-2 * np.abs(x).sum(), rtol=1e-12)  # lr * sum|x|
    assert sp[2] / sp[0] == pytest.approx(16, rel=0.1)  # standard: grows with width
    assert mup[2] / mup[0] == pytest.approx(1, rel=0.1)  # muP: constant
