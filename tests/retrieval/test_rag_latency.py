"""Tests of snippets/retrieval/rag_latency.py and snippets/retrieval/rag_budget.py: fan-out tails, hedging, caching,
and the latency budget of Q43, each number asserted as the page states it."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy import stats

from snippets.retrieval.rag_budget import ASSUMED, CONFIGS, budget, compute_ms, partial_result_loss
from snippets.retrieval.rag_latency import (cached_mean, cached_quantile, fanout_mean, fanout_quantile,
                                  hedge_extra_load,
                                  hedged_cdf, hedged_fanout_quantile, lognormal_cdf,
                                  lognormal_quantile, p_request_hits_slow_shard,
                                  shard_quantile_needed, simulate_fanout)

MED, SIG = 10.0, 0.5
H95 = lognormal_quantile(0.95, MED, SIG)


@pytest.fixture
def rng():
    return np.random.default_rng(7)


@pytest.mark.parametrize("median,sigma", [(10.0, 0.5), (2.0, 1.2)])
@pytest.mark.parametrize("p", [0.01, 0.5, 0.99, 0.9999])
def test_lognormal_matches_scipy(median, sigma, p):
    ref = stats.lognorm(s=sigma, scale=median)
    assert_allclose(lognormal_quantile(p, median, sigma), ref.ppf(p), rtol=1e-9)
    t = ref.ppf(p)
    assert_allclose(lognormal_cdf(t, median, sigma), p, rtol=1e-9)


def test_lognormal_cdf_of_nonpositive_time_is_zero():
    assert lognormal_cdf(0.0, MED, SIG) == 0.0 == lognormal_cdf(-1.0, MED, SIG)


@pytest.mark.parametrize("S", [1, 2, 100, 1000])
def test_shard_quantile_needed_inverts_the_power(S):
    assert_allclose(shard_quantile_needed(0.99, S) ** S, 0.99, rtol=1e-12)
    assert_allclose(lognormal_cdf(fanout_quantile(0.99, S, MED, SIG), MED, SIG) ** S, 0.99,
                    rtol=1e-9)


def test_fanout_mean_closed_form_and_simulation(rng):
    assert_allclose(fanout_mean(1, MED, SIG), MED * math.exp(SIG**2 / 2), rtol=1e-6)
    sim = simulate_fanout(100, 100_000, MED, SIG, rng).mean()
    assert_allclose(fanout_mean(100, MED, SIG), sim, rtol=0.01)
    assert fanout_mean(10, MED, SIG) < fanout_mean(100, MED, SIG)


def test_fanout_of_one_shard_is_the_shard():
    assert fanout_quantile(0.99, 1, MED, SIG) == lognormal_quantile(0.99, MED, SIG)


@pytest.mark.parametrize("S", [1, 10, 100])
@pytest.mark.parametrize("p", [0.5, 0.99])
def test_fanout_quantile_matches_simulation(rng, S, p):
    sim = np.quantile(simulate_fanout(S, 100_000, MED, SIG, rng), p)
    assert_allclose(sim, fanout_quantile(p, S, MED, SIG), rtol=0.02)


def test_fanout_tail_grows_with_shards():
    q = [fanout_quantile(0.99, S, MED, SIG) for S in (1, 2, 10, 100, 1000)]
    assert all(a < b for a, b in zip(q, q[1:]))


def test_hedged_cdf_reference_monte_carlo(rng):
    x = rng.lognormal(math.log(MED), SIG, 400_000)
    y = H95 + rng.lognormal(math.log(MED), SIG, 400_000)
    t_hedged = np.where(x > H95, np.minimum(x, y), x)
    for t in (5.0, 20.0, 25.0, 30.0, 40.0):
        assert_allclose(hedged_cdf(t, H95, MED, SIG), np.mean(t_hedged <= t), atol=2e-3)


@pytest.mark.parametrize("t", [1.0, 10.0, 22.0, 23.0, 30.0, 60.0])
def test_hedging_never_makes_a_call_slower(t):
    assert hedged_cdf(t, H95, MED, SIG) >= lognormal_cdf(t, MED, SIG)
    assert hedged_cdf(t, 1e9, MED, SIG) == lognormal_cdf(t, MED, SIG)  # a hedge never sent


@pytest.mark.parametrize("S", [1, 100, 1000])
def test_hedged_fanout_quantile_solves_its_equation(S):
    t = hedged_fanout_quantile(0.99, S, H95, MED, SIG)
    assert_allclose(hedged_cdf(t, H95, MED, SIG) ** S, 0.99, rtol=1e-9)
    assert t <= fanout_quantile(0.99, S, MED, SIG)


def test_hedged_fanout_matches_simulation(rng):
    sim = np.quantile(simulate_fanout(100, 100_000, MED, SIG, rng, h=H95), 0.99)
    assert_allclose(sim, hedged_fanout_quantile(0.99, 100, H95, MED, SIG), rtol=0.02)


def test_hedge_extra_load_matches_fraction_of_copies(rng):
    x = rng.lognormal(math.log(MED), SIG, 200_000)
    assert_allclose(hedge_extra_load(H95, MED, SIG), np.mean(x > H95), atol=2e-3)


def test_simulate_fanout_edge_cases(rng):
    assert simulate_fanout(5, 0, MED, SIG, rng).shape == (0,)
    one = simulate_fanout(1, 50_000, MED, SIG, rng)
    assert_allclose(np.median(one), MED, rtol=0.02)


def test_cached_latency_reference_by_simulation(rng):
    miss = rng.lognormal(math.log(MED), SIG, 200_000)
    hit = rng.random(200_000) < 0.3
    lat = np.where(hit, 1.0, miss)
    assert_allclose(cached_mean(0.3, 1.0, MED * math.exp(SIG**2 / 2)), lat.mean(), rtol=0.01)
    q = cached_quantile(0.99, 0.3, 1.0, lambda u: lognormal_quantile(u, MED, SIG))
    assert_allclose(q, np.quantile(lat, 0.99), rtol=0.02)


@pytest.mark.parametrize("h", [0.0, 0.5, 1.0])
def test_cache_limits(h):
    assert cached_mean(h, 1.0, 100.0) == pytest.approx(100.0 - 99.0 * h)
    assert cached_quantile(0.5, 1.0, 1.0, lambda u: 1 / 0) == 1.0  # every request hits


def test_tail_numbers_quoted_in_q43():
    assert round(lognormal_quantile(0.95, MED, SIG), 1) == 22.8
    assert round(lognormal_quantile(0.99, MED, SIG), 1) == 32.0
    assert round(lognormal_quantile(0.9999, MED, SIG), 1) == 64.2
    assert round(100 * shard_quantile_needed(0.99, 100), 3) == 99.990
    assert round(100 * p_request_hits_slow_shard(0.99, 100), 1) == 63.4
    assert round(fanout_quantile(0.99, 100, MED, SIG), 1) == 64.2
    assert round(fanout_quantile(0.5, 100, MED, SIG), 1) == 34.2
    assert round(fanout_quantile(0.99, 10, MED, SIG), 1) == 46.9
    assert round(fanout_quantile(0.99, 1000, MED, SIG), 1) == 84.3
    assert round(hedged_fanout_quantile(0.99, 100, H95, MED, SIG), 1) == 44.0
    assert round(hedged_fanout_quantile(0.99, 1000, H95, MED, SIG), 1) == 51.2
    assert round(100 * hedge_extra_load(H95, MED, SIG), 1) == 5.0


def test_cache_numbers_quoted_in_q43():
    miss = lambda u: fanout_quantile(u, 100, MED, SIG)  # noqa: E731
    assert round(fanout_mean(100, MED, SIG), 1) == 35.9
    assert round(cached_mean(0.3, 1.0, fanout_mean(100, MED, SIG)), 1) == 25.4
    assert round(cached_quantile(0.99, 0.3, 1.0, miss), 1) == 61.3
    assert round(cached_quantile(0.99, 0.9, 1.0, miss), 1) == 46.5
    assert cached_quantile(0.99, 0.99, 1.0, miss) == 1.0


def test_compute_ms_hand_case_and_linearity():
    assert compute_ms(8e9, 1000, 400e12) == pytest.approx(40.0)
    assert compute_ms(8e9, 2000, 400e12) == pytest.approx(2 * compute_ms(8e9, 1000, 400e12))
    assert compute_ms(8e9, 0, 400e12) == 0.0


def test_budget_numbers_quoted_in_q43():
    a = ASSUMED
    assert round(compute_ms(a["reranker_params"], 50 * 256, a["flops_per_s"]), 2) == 7.04
    assert round(compute_ms(a["generator_params"], 500 + 20 * 256, a["flops_per_s"]), 1) == 224.8
    assert round(compute_ms(a["generator_params"], 500 + 5 * 256, a["flops_per_s"]), 1) == 71.2
    assert round(compute_ms(110e6, 32, a["flops_per_s"]), 3) == 0.018  # the query encoder's math
    totals = {name: round(sum(budget(**cfg).values()), 1) for name, cfg in CONFIGS.items()}
    assert list(totals.values()) == [294.0, 147.4, 127.2]


def test_budget_stages_are_the_pieces():
    b = budget(5, rerank=True)
    assert list(b) == ["embed query", "ANN search (p99)", "re-rank", "prefill (TTFT)"]
    assert "re-rank" not in budget(5, rerank=False)
    assert b["ANN search (p99)"] == fanout_quantile(0.99, 100, MED, SIG)


def test_table_and_comparisons_quoted_in_q43():
    p50 = [round(fanout_quantile(0.5, S, MED, SIG), 1) for S in (1, 10, 100, 1000)]
    hedged = [round(hedged_fanout_quantile(0.99, S, H95, MED, SIG), 1) for S in (1, 10, 100, 1000)]
    assert p50 == [10.0, 21.2, 34.2, 49.5]
    assert hedged == [30.1, 37.2, 44.0, 51.2]
    a = ASSUMED
    assert a["fixed_prompt_tokens"] + 20 * a["chunk_tokens"] == 5620
    assert a["fixed_prompt_tokens"] + 5 * a["chunk_tokens"] == 1780
    long_, short = (budget(**CONFIGS[c])["prefill (TTFT)"] for c in list(CONFIGS)[:2])
    assert round(long_ - short) == 154
    assert round(1 - short / long_, 3) == 0.683  # "more than two thirds"
    assert round(long_ / fanout_quantile(0.99, 100, MED, SIG), 1) == 3.5
    miss = lambda u: fanout_quantile(u, 100, MED, SIG)  # noqa: E731
    mean_cut = 1 - cached_mean(0.3, 1.0, fanout_mean(100, MED, SIG)) / fanout_mean(100, MED, SIG)
    p99_cut = 1 - cached_quantile(0.99, 0.3, 1.0, miss) / miss(0.99)
    assert round(100 * mean_cut) == 29 and p99_cut < 0.05


def test_assumed_rate_is_forty_percent_of_h100_peak():
    assert round(ASSUMED["flops_per_s"] / 989e12, 2) == 0.40


def test_partial_result_loss_by_simulation_and_quoted_in_q43(rng):
    # neighbours on uniformly random shards; shard 0 is skipped
    shards = rng.integers(100, size=(100_000, 10))
    lost = (shards == 0)
    mean_loss, p_any = partial_result_loss(10, 100)
    assert_allclose(lost.mean(), mean_loss, atol=1e-3)
    assert_allclose(lost.any(axis=1).mean(), p_any, atol=3e-3)
    assert round(100 * mean_loss) == 1 and round(100 * p_any, 1) == 9.6
    assert partial_result_loss(10, 100, skipped=0) == (0.0, 0.0)
    assert partial_result_loss(10, 1) == (1.0, 1.0)  # the only shard skipped: everything lost
