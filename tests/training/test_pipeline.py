"""Tests of snippets/training/pipeline.py: GPipe and 1F1B schedules and their bubble."""

import pytest
from numpy.testing import assert_allclose

from snippets.training.pipeline import bubble_fraction, schedule, simulate

CASES = [(1, 1), (1, 4), (2, 1), (4, 4), (4, 8), (8, 3), (16, 16)]


@pytest.mark.parametrize("kind", ["gpipe", "1f1b"])
@pytest.mark.parametrize("p, m", CASES)
def test_makespan_and_idle_share_match_the_formula(kind, p, m):
    makespan, ops, _ = simulate(p, m, kind)
    assert makespan == (m + p - 1) * 3.0  # t_f + t_b = 3
    busy = sum(end - start for _, _, _, start, end in ops)
    assert_allclose(1 - busy / (p * makespan), bubble_fraction(p, m), atol=1e-12)


@pytest.mark.parametrize("p, m", CASES)
def test_1f1b_holds_p_micro_batches_gpipe_holds_m(p, m):
    assert simulate(p, m, "gpipe")[2] == m
    assert simulate(p, m, "1f1b")[2] == min(p, m)


@pytest.mark.parametrize("kind", ["gpipe", "1f1b"])
def test_dependencies_and_no_overlap(kind):
    p, m = 4, 6
    _, ops, _ = simulate(p, m, kind)
    end = {(s, op, j): e for s, op, j, _, e in ops}
    for s, op, j, start, _ in ops:
        if op == "F" and s > 0:
            assert start >= end[(s - 1, "F", j)]
        if op == "B":
            dep = (s + 1, "B", j) if s < p - 1 else (s, "F", j)
            assert start >= end[dep]
    for s in range(p):
        spans = sorted((a, b) for t, _, _, a, b in ops if t == s)
        assert all(b1 <= a2 for (_, b1), (a2, _) in zip(spans, spans[1:]))
    # every stage runs every micro-batch once forward and once backward
    want = sorted([("F", j) for j in range(m)] + [("B", j) for j in range(m)])
    assert all(sorted(o) == want for o in schedule(p, m, kind))


def test_bubble_numbers():
    assert bubble_fraction(16, 16) == 15 / 31  # Llama 3 405B, 16K GPUs: 48%
    assert round(bubble_fraction(16, 32), 3) == 0.319  # 8K GPUs, 32 micro-batches
    assert round(bubble_fraction(4, 8), 3) == 0.273
    # Interleaving: Narayanan et al.'s bubble/ideal = (p - 1) / (v m).
    f = bubble_fraction(16, 16, v=4)
    assert_allclose(f / (1 - f), 15 / (4 * 16))
    assert bubble_fraction(1, 5) == 0.0
