"""Tests of snippets/batching_sim.py: hand-worked and closed-form schedules, the simulator's
invariants, the ordering of the two policies, and every number the Q16 page states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from snippets.batching_sim import (
    POLICIES, StepModel, latency_vs_rate, poisson_workload, simulate, summarize,
)

STEP = StepModel()
TOL = dict(rtol=0, atol=1e-12)  # times are sums of a few float steps


@pytest.fixture(params=[0, 1, 2])
def workload(request):
    return poisson_workload(100, rate=6.0, seed=request.param)


# -- StepModel and poisson_workload -----------------------------------------------------------

def test_step_model_hand_worked():
    assert_allclose(STEP(1, 100), 10e-3 + 0.1e-3 + 100 * 0.05e-3, **TOL)
    assert_allclose(StepModel(t_fixed=1.0, t_seq=2.0, t_tok=3.0)(4, 5), 1 + 8 + 15, **TOL)


def test_step_model_numbers_on_the_page():
    """Decode: 10.1 ms for one sequence, 11.6 ms (15 % more) for 16; a 4,096-token prefill
    in the batch stretches that step to 216.4 ms; a 20 ms step allows 100 sequences."""
    assert round(STEP(1, 0) * 1e3, 1) == 10.1 and round(STEP(16, 0) * 1e3, 1) == 11.6
    assert round(100 * (STEP(16, 0) / STEP(1, 0) - 1)) == 15
    assert round(STEP(16, 4096) * 1e3, 1) == 216.4
    assert_allclose(STEP(100, 0), 20e-3, **TOL)
    assert STEP(101, 0) > 20e-3


def test_poisson_workload_gaps_are_exponential():
    rate = 5.0
    a, p, o = poisson_workload(4000, rate, seed=7)
    gaps = np.sort(np.diff(np.concatenate([[0.0], a])))
    # Kolmogorov-Smirnov statistic against Exp(rate), below its 1% critical value 1.63 / sqrt(n).
    cdf = 1 - np.exp(-rate * gaps)
    k = np.arange(1, gaps.size + 1)
    D = max((k / gaps.size - cdf).max(), (cdf - (k - 1) / gaps.size).max())
    assert D < 1.63 / np.sqrt(gaps.size)
    assert p.min() >= 16 and p.max() <= 512 and o.min() >= 8 and o.max() <= 256


@pytest.mark.parametrize("n", [0, 1, 5])
def test_poisson_workload_shapes_and_seed(n):
    first, again = poisson_workload(n, 2.0, seed=3), poisson_workload(n, 2.0, seed=3)
    for x, y in zip(first, again):
        assert x.shape == (n,)
        np.testing.assert_array_equal(x, y)


# -- simulate: reference schedules ------------------------------------------------------------

def test_hand_worked_three_requests():
    """Two requests at t = 0 (outputs 1 and 3), a third at 5 ms (output 2)."""
    a, p, o = np.array([0.0, 0.0, 0.005]), np.array([10, 20, 30]), np.array([1, 3, 2])
    st = simulate(a, p, o, "static")
    # Static: prefill padded to 2 x 20 tokens, then two decode steps with both slots.
    t1 = STEP(2, 40)
    t3 = t1 + 2 * STEP(2, 0)
    assert_allclose(st["finish"][:2], [t1, t3], **TOL)
    # The third request waits for the whole batch, then runs alone.
    assert_allclose(st["start"][2], t3, **TOL)
    assert_allclose(st["finish"][2], t3 + STEP(1, 30) + STEP(1, 0), **TOL)
    ct = simulate(a, p, o, "continuous")
    # Continuous: exact 30-token prefill; request 0 leaves; request 2 joins at the next step.
    c1 = STEP(2, 30)
    c2 = c1 + STEP(2, 30)  # request 1 decodes while request 2 prefills
    c3 = c2 + STEP(2, 0)
    assert_allclose(ct["start"], [0, 0, c1], **TOL)
    assert_allclose(ct["first"], [c1, c1, c2], **TOL)
    assert_allclose(ct["finish"], [c1, c3, c3], **TOL)


def test_isolated_requests_match_closed_form():
    """Requests far apart never share a batch: e2e = prefill step + (o - 1) decode steps."""
    a = np.arange(5) * 100.0
    p, o = np.array([16, 100, 512, 1, 40]), np.array([1, 8, 256, 2, 50])
    want = np.array([STEP(1, pi) + (oi - 1) * STEP(1, 0) for pi, oi in zip(p, o)])
    for policy in POLICIES:
        r = simulate(a, p, o, policy)
        assert_allclose(r["finish"] - a, want, rtol=0, atol=1e-9)  # absolute times ~400 s
        assert_allclose(r["first"] - a, [STEP(1, pi) for pi in p], rtol=0, atol=1e-9)


@pytest.mark.parametrize("n, cap", [(7, 3), (32, 32), (40, 8)])
def test_static_flood_matches_closed_form(n, cap):
    """All requests at t = 0: static runs ceil(n / cap) batches back to back."""
    rng = np.random.default_rng(n)
    a, p, o = np.zeros(n), rng.integers(1, 300, n), rng.integers(1, 60, n)
    r = simulate(a, p, o, "static", max_batch=cap)
    t = 0.0
    for lo in range(0, n, cap):
        b = slice(lo, lo + cap)
        B = len(p[b])
        assert_allclose(r["start"][b], t, **TOL)
        t_first = t + STEP(B, B * p[b].max())
        assert_allclose(r["finish"][b], t_first + (o[b] - 1) * STEP(B, 0), rtol=1e-12)
        t = t_first + (o[b].max() - 1) * STEP(B, 0)


def test_cap_of_one_makes_the_policies_identical(workload):
    a, p, o = (x[:30] for x in workload)  # serial service: keep it short
    s, c = (simulate(a, p, o, policy, max_batch=1) for policy in POLICIES)
    for key in ("start", "first", "finish"):
        assert_allclose(s[key], c[key], rtol=1e-12)


def test_unknown_policy_is_rejected():
    with pytest.raises(ValueError, match="policy"):
        simulate(np.zeros(1), np.ones(1, int), np.ones(1, int), "dynamic")


# -- simulate: invariants -----------------------------------------------------------------------

@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("cap", [1, 4, 32])
def test_invariants(workload, policy, cap):
    a, p, o = (x[: 30 if cap == 1 else None] for x in workload)
    r = simulate(a, p, o, policy, max_batch=cap)
    # Every request completes, and nothing happens before it arrives.
    assert not np.isnan(r["finish"]).any()
    assert (r["start"] >= a).all() and (r["first"] > r["start"]).all()
    assert (r["finish"] >= r["first"]).all()
    assert_allclose(r["finish"][o == 1], r["first"][o == 1], **TOL)
    # Conservation of tokens: one per live sequence per iteration, exactly the requested total.
    assert sum(r["tokens"]) == o.sum()
    # The batch never exceeds the cap; FCFS: admissions in arrival order.
    assert max(r["batch"]) <= cap
    assert (np.diff(r["start"]) >= 0).all()


@pytest.mark.parametrize("policy", POLICIES)
def test_empty_and_single_request(policy):
    r = simulate(np.zeros(0), np.zeros(0, int), np.zeros(0, int), policy)
    assert r["finish"].shape == (0,) and r["batch"] == []
    r = simulate(np.array([2.0]), np.array([7]), np.array([1]), policy)
    assert_allclose(r["finish"], [2.0 + STEP(1, 7)], **TOL)


# -- the two policies compared ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_continuous_beats_static_at_6_requests_per_second(seed):
    a, p, o = poisson_workload(300, 6.0, seed)
    s, c = (summarize(a, o, simulate(a, p, o, policy)) for policy in POLICIES)
    for key in ("e2e_p50", "e2e_p99", "ttft_p50", "ttft_p99"):
        assert c[key] < s[key], key
    assert c["throughput"] >= s["throughput"]


def test_numbers_on_the_page():
    """The worked example: 300 requests at 6 req/s, seed 0, cap 32."""
    a, p, o = poisson_workload(300, 6.0, seed=0)
    s, c = (summarize(a, o, simulate(a, p, o, policy)) for policy in POLICIES)
    assert round(s["ttft_p50"], 2) == 2.02 and round(s["ttft_p99"], 2) == 3.97
    assert round(c["ttft_p50"] * 1e3) == 31 and round(c["ttft_p99"] * 1e3) == 57
    assert round(s["e2e_p50"], 2) == 3.49 and round(s["e2e_p99"], 2) == 6.12
    assert round(c["e2e_p50"], 2) == 1.54 and round(c["e2e_p99"], 2) == 3.03
    assert round(s["throughput"]) == 641 and round(c["throughput"]) == 654
    assert round(s["tpot_p50"] * 1e3, 1) == 11.6 and round(c["tpot_p50"] * 1e3, 1) == 11.7
    # Saturation: all 300 requests queued at once (rate 10^4 req/s).
    a, p, o = poisson_workload(300, 1e4, seed=0)
    s, c = (summarize(a, o, simulate(a, p, o, policy)) for policy in POLICIES)
    assert round(s["throughput"]) == 973 and round(c["throughput"]) == 1818
    assert round(c["throughput"] / s["throughput"], 1) == 1.9
    assert round(c["throughput"] / o.mean(), 1) == 13.9  # continuous capacity in requests/s
    assert round(o.mean()) == 131


def test_figure_claims():
    """The figure's data: static TTFT > 1 s at every rate; continuous p99 TTFT < 70 ms up to
    12 req/s and 0.45 s at 14 req/s."""
    rates = [2, 4, 6, 8, 10, 12, 14]
    res = latency_vs_rate(rates)
    assert all(s["ttft_p50"] > 1.0 for s in res["static"])
    assert all(c["ttft_p99"] < 0.070 for c in res["continuous"][:-1])
    assert round(res["continuous"][-1]["ttft_p99"], 2) == 0.45
    for s, c in zip(res["static"], res["continuous"]):
        assert c["e2e_p50"] < s["e2e_p50"] and c["e2e_p99"] < s["e2e_p99"]


# -- summarize and latency_vs_rate --------------------------------------------------------------

def naive_percentile(x, q):
    """Linear interpolation between order statistics at rank q/100 * (n - 1)."""
    x = sorted(x)
    r = q / 100 * (len(x) - 1)
    lo = int(r)
    return x[lo] + (r - lo) * (x[min(lo + 1, len(x) - 1)] - x[lo])


def test_summarize_against_naive_percentiles(workload):
    a, p, o = workload
    r = simulate(a, p, o, "continuous")
    got = summarize(a, o, r)
    tpot = [(f - s) / (n - 1) for f, s, n in zip(r["finish"], r["first"], o) if n > 1]
    for q in (50, 99):
        assert_allclose(got[f"e2e_p{q}"], naive_percentile(r["finish"] - a, q), rtol=1e-12)
        assert_allclose(got[f"ttft_p{q}"], naive_percentile(r["first"] - a, q), rtol=1e-12)
        assert_allclose(got[f"tpot_p{q}"], naive_percentile(tpot, q), rtol=1e-12)
    assert_allclose(got["throughput"], o.sum() / (r["finish"].max() - a[0]), rtol=1e-12)
    assert got["ttft_p50"] <= got["ttft_p99"] and got["e2e_p50"] <= got["e2e_p99"]


def test_latency_vs_rate_equals_direct_runs():
    res = latency_vs_rate([3.0, 9.0], n=40, seed=4)
    for i, rate in enumerate([3.0, 9.0]):
        a, p, o = poisson_workload(40, rate, 4)
        for policy in POLICIES:
            assert res[policy][i] == summarize(a, o, simulate(a, p, o, policy))
