"""Tests of snippets/serving/fleet.py: cold-start and failure-rate arithmetic quoted in Q53."""

import pytest

from snippets.serving.capacity import LLAMA3_8B, LLAMA3_70B, param_count
from snippets.serving.fleet import cold_start_seconds, interruptions_per_day


def test_cold_start_reference():
    # 16 GB over a 10 Gbit/s link (1.25 GB/s)
    assert cold_start_seconds(16e9, 1.25e9) == pytest.approx(12.8, rel=1e-12)


@pytest.mark.parametrize("factor", [0.5, 2.0, 10.0])
def test_cold_start_scales_with_bytes_and_bandwidth(factor):
    base = cold_start_seconds(141e9, 1.25e9)
    assert cold_start_seconds(141e9 * factor, 1.25e9) == pytest.approx(base * factor, rel=1e-12)
    assert cold_start_seconds(141e9, 1.25e9 * factor) == pytest.approx(base / factor, rel=1e-12)


def test_cold_start_numbers_quoted_in_q53():
    w70 = 2 * param_count(LLAMA3_70B)
    assert round(w70 / 1e9, 1) == 141.1
    assert round(cold_start_seconds(w70, 1.25e9)) == 113  # 10 Gbit/s
    assert round(cold_start_seconds(w70, 12.5e9), 1) == 11.3  # 100 Gbit/s
    assert round(cold_start_seconds(2 * param_count(LLAMA3_8B), 1.25e9), 1) == 12.8


def test_interruptions_reference():
    # the whole Llama 3 run: 419 interruptions in 54 days
    assert interruptions_per_day(16384) * 54 == pytest.approx(419, rel=1e-12)
    assert interruptions_per_day(0) == 0.0


@pytest.mark.parametrize("n", [1, 8, 1024])
def test_interruptions_scale_linearly(n):
    assert interruptions_per_day(8 * n) == pytest.approx(8 * interruptions_per_day(n), rel=1e-12)


def test_interruptions_quoted_in_q53():
    assert round(1 / interruptions_per_day(8)) == 264  # days between interruptions, 8 GPUs
    assert round(interruptions_per_day(1024), 2) == 0.48
    assert round(1 / interruptions_per_day(1024), 1) == 2.1
