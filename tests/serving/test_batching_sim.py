"""Tests of snippets/serving/batching_sim.py: hand-worked and closed-form schedules, the simulator's
invariants (tokens conserved per request and per iteration, work-conserving admission),
the ordering of the two policies, and every number the Q16 page states."""

import inspect

import numpy as np
import pytest
from numpy.testing import assert_allclose
from snippets.serving.batching_sim import (
    POLICIES, RATES, StepModel, latency_vs_rate, poisson_workload, simulate, summarize,
)

STEP = StepModel()
TOL = dict(rtol=0, atol=1e-12)  # times are sums of a few float steps
SATURATED = 1e4  # req/s: all 300 requests arrive within 30 ms


@pytest.fixture(params=[0, 1, 2])
def workload(request):
    return poisson_workload(60, rate=6.0, seed=request.param)


@pytest.fixture(scope="module")
def runs():
    """The page's runs, simulated once: 300 requests, seed 0, cap 32, at every rate of the
    figure and saturated. {rate: (arrival, prompt, output, {policy: simulate(...)})}."""
    out = {}
    for rate in (*RATES, SATURATED):
        a, p, o = poisson_workload(300, rate, seed=0)
        out[rate] = a, p, o, {policy: simulate(a, p, o, policy) for policy in POLICIES}
    return out


def ks_statistic(x, cdf):
    """Kolmogorov-Smirnov distance between the sample x and a continuous CDF."""
    F, k = cdf(np.sort(x)), np.arange(1, len(x) + 1)
    return max((k / len(x) - F).max(), (F - (k - 1) / len(x)).max())


def stats_at(runs, rate):
    a, _, o, r = runs[rate]
    return {policy: summarize(a, o, r[policy]) for policy in POLICIES}


# -- StepModel and poisson_workload -----------------------------------------------------------

def test_step_model_hand_worked():
    assert_allclose(STEP(1, 100), 10e-3 + 0.1e-3 + 100 * 0.05e-3, **TOL)
    assert_allclose(StepModel(t_fixed=1.0, t_seq=2.0, t_tok=3.0)(4, 5), 1 + 8 + 15, **TOL)


def test_step_model_numbers_on_the_page():
    """Decode: 10.1 ms for one sequence, 11.6 ms (15 % more) for 16; a 4,096-token prompt
    joining those 16 stretches the step to 216.5 ms (19x); a 20 ms step allows 100."""
    assert round(STEP(1, 0) * 1e3, 1) == 10.1 and round(STEP(16, 0) * 1e3, 1) == 11.6
    assert round(100 * (STEP(16, 0) / STEP(1, 0) - 1)) == 15
    assert round(STEP(17, 4096) * 1e3, 1) == 216.5
    assert round(STEP(17, 4096) / STEP(16, 0)) == 19
    assert_allclose(STEP(100, 0), 20e-3, **TOL)
    assert STEP(101, 0) > 20e-3


def test_poisson_workload_gaps_are_exponential():
    rate = 5.0
    a, p, o = poisson_workload(4000, rate, seed=7)
    gaps = np.diff(np.concatenate([[0.0], a]))
    # Kolmogorov-Smirnov statistic against Exp(rate), below its 1% critical value 1.63 / sqrt(n).
    assert ks_statistic(gaps, lambda x: 1 - np.exp(-rate * x)) < 1.63 / np.sqrt(gaps.size)
    assert p.min() >= 16 and p.max() <= 512 and o.min() >= 8 and o.max() <= 256


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_poisson_workload_is_conditioned_on_n_arrivals_in_n_over_rate(seed):
    """The n-th arrival lands at n / rate; the others are sorted uniforms on (0, n / rate)
    (KS distance below its 1% critical value); one seed gives the same draws at every rate."""
    n, rate = 2000, 6.0
    a, _, _ = poisson_workload(n, rate, seed)
    assert_allclose(a[-1], n / rate, rtol=1e-12)
    assert ks_statistic(a[:-1] / (n / rate), lambda u: u) < 1.63 / np.sqrt(n - 1)
    for other in (2.0, 14.0, SATURATED):
        assert_allclose(poisson_workload(n, other, seed)[0] * other, a * rate, rtol=1e-12)


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
    assert_allclose(st["end"], [t1, t1 + STEP(2, 0), t3, t3 + STEP(1, 30),
                                t3 + STEP(1, 30) + STEP(1, 0)], **TOL)
    assert st["batch"] == [2, 2, 2, 1, 1] and st["tokens"] == [2, 1, 1, 1, 1]
    ct = simulate(a, p, o, "continuous")
    # Continuous: exact 30-token prefill; request 0 leaves; request 2 joins at the next step.
    c1 = STEP(2, 30)
    c2 = c1 + STEP(2, 30)  # request 1 decodes while request 2 prefills
    c3 = c2 + STEP(2, 0)
    assert_allclose(ct["start"], [0, 0, c1], **TOL)
    assert_allclose(ct["first"], [c1, c1, c2], **TOL)
    assert_allclose(ct["finish"], [c1, c3, c3], **TOL)
    assert_allclose(ct["end"], [c1, c2, c3], **TOL)
    assert ct["batch"] == [2, 2, 2] and ct["tokens"] == [2, 2, 2]


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
    a, p, o = (x[:12] for x in workload)  # serial service: 12 requests already queue
    s, c = (simulate(a, p, o, policy, max_batch=1) for policy in POLICIES)
    assert (s["start"] > a).any()  # some request waited, so the test exercises the queue
    for key in ("start", "first", "finish"):
        assert_allclose(s[key], c[key], rtol=1e-12)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="policy"):
        simulate(np.zeros(1), np.ones(1, int), np.ones(1, int), "dynamic")
    with pytest.raises(ValueError, match="at least one token"):
        simulate(np.zeros(2), np.ones(2, int), np.array([3, 0]), "continuous")


# -- simulate: invariants -----------------------------------------------------------------------

@pytest.mark.parametrize("policy", POLICIES)
@pytest.mark.parametrize("cap", [1, 4, 32])
def test_invariants(workload, policy, cap):
    a, p, o = (x[: 12 if cap == 1 else None] for x in workload)
    r = simulate(a, p, o, policy, max_batch=cap)
    end, batch, tokens = np.array(r["end"]), np.array(r["batch"]), np.array(r["tokens"])
    # Every request completes, and nothing happens before it arrives.
    assert not np.isnan(r["finish"]).any()
    assert (r["start"] >= a).all() and (r["first"] > r["start"]).all()
    assert (r["finish"] >= r["first"]).all()
    assert_allclose(r["finish"][o == 1], r["first"][o == 1], **TOL)
    # Iterations run one after another, each at least a one-sequence decode step long.
    assert (np.diff(end) >= STEP(1, 0) - 1e-12).all()
    # Token conservation per request: one token in every iteration from admission to its
    # last token, o[i] in all; per iteration, tokens = requests live in it.
    live = (r["start"][:, None] < end) & (end <= r["finish"][:, None])  # (n, iterations)
    np.testing.assert_array_equal(live.sum(axis=1), o)
    np.testing.assert_array_equal(live.sum(axis=0), tokens)
    assert tokens.sum() == o.sum()
    # The batch holds the live sequences (static: finished ones too) and never exceeds the cap.
    assert (batch >= tokens).all() and batch.max() <= cap
    if policy == "continuous":
        np.testing.assert_array_equal(batch, tokens)
    # FCFS: admissions in arrival order.
    assert (np.diff(r["start"]) >= 0).all()
    # Work-conserving admission: a request that has arrived joins at the next iteration
    # boundary unless the iteration starting there is full. Static batching breaks this.
    nxt_batch = np.append(batch[1:], 0)  # size of the iteration that starts at end[j]
    passed_over = (a[:, None] <= end) & (end < r["start"][:, None])  # (n, iterations)
    conserving = (~passed_over | (nxt_batch == cap)).all()
    if policy == "continuous":
        assert conserving
    elif cap == 32:
        assert not conserving


@pytest.mark.parametrize("policy", POLICIES)
def test_empty_and_single_request(policy):
    r = simulate(np.zeros(0), np.zeros(0, int), np.zeros(0, int), policy)
    assert r["finish"].shape == (0,) and r["batch"] == [] and r["end"] == []
    r = simulate(np.array([2.0]), np.array([7]), np.array([1]), policy)
    assert_allclose(r["finish"], [2.0 + STEP(1, 7)], **TOL)


# -- the two policies compared ------------------------------------------------------------------

@pytest.mark.parametrize("seed", [1, 2])  # seed 0 at every rate: test_figure_claims
def test_continuous_beats_static_at_6_requests_per_second(seed):
    a, p, o = poisson_workload(150, 6.0, seed)
    s, c = (summarize(a, o, simulate(a, p, o, policy)) for policy in POLICIES)
    for key in ("e2e_p50", "e2e_p99", "ttft_p50", "ttft_p99"):
        assert c[key] < s[key], key
    assert c["throughput"] >= s["throughput"]


def test_numbers_on_the_page(runs):
    """The worked example: 300 requests at 6 req/s, seed 0, cap 32."""
    s, c = stats_at(runs, 6).values()
    assert round(s["ttft_p50"], 2) == 2.23 and round(s["ttft_p99"], 2) == 4.17
    assert round(c["ttft_p50"] * 1e3) == 32 and round(c["ttft_p99"] * 1e3) == 58
    assert round(s["e2e_p50"], 2) == 3.92 and round(s["e2e_p99"], 2) == 6.35
    assert round(c["e2e_p50"], 2) == 1.58 and round(c["e2e_p99"], 2) == 3.14
    assert round(s["throughput"]) == 724 and round(c["throughput"]) == 753
    assert round(s["tpot_p50"] * 1e3, 1) == 12.1 and round(c["tpot_p50"] * 1e3, 1) == 12.0
    # Both serve the offered 784 tokens/s; the measured rate also counts the drain after the
    # last arrival at 50 s: 4.3 s (static) and 2.2 s (continuous).
    a, _, o, r = runs[6]
    assert a[-1] == 50.0 and round(6 * o.mean()) == 784
    assert round(np.sqrt(300) / 6, 1) == 2.9  # s.d. of 300 unconditioned arrivals' span (s)
    assert round(r["static"]["finish"].max() - a[-1], 1) == 4.3
    assert round(r["continuous"]["finish"].max() - a[-1], 1) == 2.2
    # Little's law, L = lambda W: 1.59 s and 9.5 requests in flight at 6 req/s; 1.95 s and 23
    # at 12 req/s, where 9 % of iterations run at the cap of 32.
    W6 = (r["continuous"]["finish"] - a).mean()
    assert round(W6, 2) == 1.59 and round(6 * W6, 1) == 9.5
    a12, _, _, r12 = runs[12]
    W12 = (r12["continuous"]["finish"] - a12).mean()
    assert round(W12, 2) == 1.95 and round(12 * W12) == 23
    assert round(100 * np.mean(np.array(r12["continuous"]["batch"]) == 32)) == 9
    # Saturation: all 300 requests queued at once.
    s, c = stats_at(runs, SATURATED).values()
    assert round(s["throughput"]) == 973 and round(c["throughput"]) == 1818
    assert round(c["throughput"] / s["throughput"], 1) == 1.9
    a, _, o, r = runs[SATURATED]
    assert round(o.mean()) == 131
    assert round(c["throughput"] / o.mean(), 1) == 13.9  # continuous capacity in requests/s
    assert round(100 * 12 / (c["throughput"] / o.mean())) == 86  # 12 req/s as % of it
    assert round(s["throughput"] / o.mean(), 1) == 7.4  # static capacity in requests/s
    # A full static batch of 32 decodes until its longest output: 253 tokens on average.
    batches = [r["static"]["start"] == t0 for t0 in np.unique(r["static"]["start"])]
    longest = [o[b].max() for b in batches if b.sum() == 32]
    assert len(longest) == 9 and round(np.mean(longest)) == 253


def test_figure_claims(runs):
    """The figure's data: static p50 TTFT > 1 s at every rate and > 3 s once past its
    capacity (8 req/s on); continuous p99 TTFT < 70 ms up to 10 req/s, then 0.44 s at 12 while
    its median is 37 ms; continuous is ahead on every latency at every rate."""
    # The figure plots latency_vs_rate(RATES), whose defaults are the runs' settings.
    defaults = {k: v.default for k, v in inspect.signature(latency_vs_rate).parameters.items()}
    assert (defaults["n"], defaults["seed"], defaults["max_batch"]) == (300, 0, 32)
    res = {rate: stats_at(runs, rate) for rate in RATES}
    assert all(res[r]["static"]["ttft_p50"] > 1.0 for r in RATES)
    assert all(res[r]["static"]["ttft_p50"] > 3.0 for r in RATES if r >= 8)
    assert all(res[r]["continuous"]["ttft_p99"] < 0.070 for r in RATES if r <= 10)
    assert round(res[12]["continuous"]["ttft_p99"], 2) == 0.44
    assert round(res[12]["continuous"]["ttft_p50"] * 1e3) == 37
    for r in RATES:
        s, c = res[r]["static"], res[r]["continuous"]
        for key in ("ttft_p50", "ttft_p99", "e2e_p50", "e2e_p99"):
            assert c[key] < s[key], (r, key)


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
