"""Latency of a RAG request: the tail of a fan-out to S shards,
hedging, caching, and a budget.

Follows: Dean & Barroso, "The Tail at Scale", CACM 56(2), 2013. A request that
waits for all of S shards with i.i.d. latencies of CDF F finishes by t with
probability F(t)**S, so its p-quantile is F^-1(p**(1/S)). A hedged request
sends a second copy to another replica after a delay h and keeps the first
answer: P(T > t) = (1 - F(t)) (1 - F(t - h)) for t >= h.
Simplifications: shard latencies are log-normal and independent (real slow
periods are correlated, which hedging cannot fix); hedges add load that this
model does not feed back into latency; a cache hit costs a fixed time.
"""

import math
from statistics import NormalDist

import numpy as np

_Z = NormalDist()


def lognormal_cdf(t, median, sigma):
    """P(latency <= t) for a log-normal latency with the given median and log-space sigma.

    >>> lognormal_cdf(10.0, median=10.0, sigma=0.5)
    0.5
    """
    return 0.0 if t <= 0 else _Z.cdf(math.log(t / median) / sigma)


def lognormal_quantile(p, median, sigma):
    """The p-quantile of the log-normal latency: median * exp(sigma * z_p).

    >>> round(lognormal_quantile(0.99, median=10.0, sigma=0.5), 1)
    32.0
    """
    return median * math.exp(sigma * _Z.inv_cdf(p))


def shard_quantile_needed(p, S):
    """Per-shard quantile that the slowest of S shards must meet for a request p-quantile:
    p**(1/S).

    >>> round(shard_quantile_needed(0.99, 100), 6)
    0.9999
    """
    return p ** (1.0 / S)


def p_request_hits_slow_shard(p_shard, S):
    """Probability that at least one of S shards is slower than its own p_shard-quantile.

    >>> round(p_request_hits_slow_shard(0.99, 100), 3)
    0.634
    """
    return 1.0 - p_shard**S


def fanout_quantile(p, S, median, sigma):
    """p-quantile of the max of S i.i.d. log-normal shard latencies: F^-1(p**(1/S)).

    >>> round(fanout_quantile(0.99, 100, median=10.0, sigma=0.5), 1)
    64.2
    """
    return lognormal_quantile(shard_quantile_needed(p, S), median, sigma)


def fanout_mean(S, median, sigma, n_grid=20_000):
    """Mean of the max of S shard latencies: the integral of 1 - F(t)**S over t >= 0.

    >>> m = fanout_mean(1, median=10.0, sigma=0.5)  # log-normal mean: median * e^(s^2/2)
    >>> round(m, 2)
    11.33
    """
    t = np.linspace(0.0, lognormal_quantile(1 - 1e-12, median, sigma), n_grid)
    z = np.log(np.maximum(t, 1e-300) / median) / sigma
    F = np.array([_Z.cdf(v) for v in z])
    return float(np.trapezoid(1.0 - F**S, t))


def hedged_cdf(t, h, median, sigma):
    """CDF of a shard call hedged after h: first answer of the original
    and a copy sent at h.

    >>> hedged_cdf(5.0, h=20.0, median=10.0, sigma=0.5) == lognormal_cdf(5.0, 10.0, 0.5)
    True
    """
    F = lognormal_cdf(t, median, sigma)
    if t < h:
        return F
    return 1.0 - (1.0 - F) * (1.0 - lognormal_cdf(t - h, median, sigma))


def hedged_fanout_quantile(p, S, h, median, sigma):
    """p-quantile of the max of S hedged shard calls, by bisection on hedged_cdf(t)**S = p.

    >>> q = hedged_fanout_quantile(0.99, 1, h=1e9, median=10.0, sigma=0.5)  # never hedges
    >>> round(q, 1)
    32.0
    """
    target = shard_quantile_needed(p, S)
    lo, hi = 0.0, fanout_quantile(p, S, median, sigma)  # hedging can only make calls faster
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if hedged_cdf(mid, h, median, sigma) < target else (lo, mid)
    return hi


def hedge_extra_load(h, median, sigma):
    """Fraction of shard calls that send a second copy: P(latency > h).

    >>> round(hedge_extra_load(lognormal_quantile(0.95, 10.0, 0.5), 10.0, 0.5), 3)
    0.05
    """
    return 1.0 - lognormal_cdf(h, median, sigma)


def simulate_fanout(S, n_requests, median, sigma, rng, h=None):
    """Seeded Monte Carlo: request latency = max over S shards
    (each hedged after h if given).

    >>> simulate_fanout(3, 4, 10.0, 0.5, np.random.default_rng(0)).shape
    (4,)
    """
    x = rng.lognormal(math.log(median), sigma, size=(n_requests, S))  # (requests, shards)
    if h is not None:
        copy = h + rng.lognormal(math.log(median), sigma, size=x.shape)
        # the copy only exists once h has passed
        x = np.where(x > h, np.minimum(x, copy), x)
    return x.max(axis=1)


def cached_mean(hit_rate, t_hit, t_miss):
    """Mean latency with a cache: hit_rate * t_hit + (1 - hit_rate) * t_miss.

    >>> cached_mean(0.3, 1.0, 100.0)
    70.3
    """
    return hit_rate * t_hit + (1.0 - hit_rate) * t_miss


def cached_quantile(p, hit_rate, t_hit, miss_quantile):
    """p-quantile with a cache whose hits (t_hit) are faster than every miss.

    The hits fill the bottom hit_rate of the distribution, so the p-quantile is the
    miss distribution's (p - hit_rate) / (1 - hit_rate) quantile.

    >>> cached_quantile(0.99, 0.5, 1.0, lambda u: round(u, 2))
    0.98
    """
    if p <= hit_rate:
        return t_hit
    return miss_quantile((p - hit_rate) / (1.0 - hit_rate))
