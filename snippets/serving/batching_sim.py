"""Static (request-level) vs continuous (iteration-level) batching of LLM requests.

A discrete-event simulation of one replica serving a seeded Poisson stream of requests
(conditioned to deliver n requests in n / rate seconds) with variable prompt and output
lengths; events are arrivals and ends of iterations, and an iteration emits one token for
every live sequence in the batch.

Follows: Yu et al. (2022), Orca (OSDI): iteration-level scheduling (admit and retire at
every iteration) with selective batching (prefills and decodes share one iteration).

Simplifications: one replica, FCFS, a batch cap but no KV-memory limit (see paged_kv.py),
no preemption, no chunked prefill (a prompt is prefilled in one iteration), and an assumed
(not measured) step time, `StepModel`, whose per-sequence cost ignores context length.
Static batching forms a batch as soon as the engine is idle (no batching timeout), pads
prefill to the longest prompt and keeps finished sequences in the batch until the longest
ends; it is still credited with streaming, so a request finishes at its own last token.
"""

from dataclasses import dataclass

import numpy as np

POLICIES = ("static", "continuous")
RATES = (2, 4, 6, 8, 10, 12, 14)  # arrival rates (req/s) of the figure


@dataclass(frozen=True)
class StepModel:
    """Duration (s) of one iteration: t_fixed + t_seq * B + t_tok * prefill_tokens.

    >>> round(StepModel()(B=16, prefill_tokens=0), 4), round(StepModel()(16, 4096), 4)
    (0.0116, 0.2164)
    """

    t_fixed: float = 10e-3  # reading the weights once per iteration
    t_seq: float = 0.1e-3  # reading one sequence's KV cache
    t_tok: float = 0.05e-3  # computing one prompt token in prefill

    def __call__(self, B: int, prefill_tokens: int) -> float:
        return self.t_fixed + self.t_seq * B + self.t_tok * prefill_tokens


def poisson_workload(n, rate, seed, prompt=(16, 512), output=(8, 256)):
    """Poisson arrivals (s) at `rate` req/s; uniform integer prompt, output lengths:
    3 x (n,).

    The process is conditioned on its n-th arrival landing at n / rate, so every run
    offers exactly `rate` requests/s; the first n - 1 arrivals are then distributed as
    sorted uniform points on (0, n / rate).

    >>> a, p, o = poisson_workload(3, rate=2.0, seed=0)
    >>> a.shape, bool((np.diff(a) > 0).all()), float(a[-1]), int(o.min()) >= 8
    ((3,), True, 1.5, True)
    """
    rng = np.random.default_rng(seed)
    arrival = np.cumsum(rng.exponential(1.0 / rate, n))  # exponential gaps
    # subtle: 300 unconditioned arrivals at 6 req/s span 50 +- 2.9 s, so a short
    # run's realised load is off by several percent; rescale to exactly n / rate.
    arrival *= n / rate / arrival[-1] if n else 1.0
    p, o = (rng.integers(lo, hi + 1, n) for lo, hi in (prompt, output))
    return arrival, p, o


def simulate(arrival, prompt, output, policy, max_batch=32, step=StepModel()):
    """Serve the requests with `policy`; log per request and per iteration.

    arrival, prompt, output: (n,), sorted by arrival -> dict of (n,) arrays
    `start`, `first`, `finish` (first and last token); lists per iteration
    of `batch` (sequences in it), `tokens` (emitted), `end` (its end time).

    >>> r = simulate(np.array([0.0]), np.array([100]), np.array([3]),
    ...              "continuous")  # a 15.1 ms prefill, then 2 x 10.1 ms
    >>> [round(float(x), 4) for x in (r["first"][0], r["finish"][0])]
    [0.0151, 0.0353]
    """
    if policy not in POLICIES:
        raise ValueError(f"policy must be one of {POLICIES}")
    if (np.asarray(output) < 1).any():
        raise ValueError("every request must generate at least one token")
    n = len(arrival)
    start, first, finish = (np.full(n, np.nan) for _ in range(3))
    produced = np.zeros(n, dtype=int)
    batch_log, token_log, end_log = [], [], []
    running = np.zeros(0, dtype=int)  # batch ids (static: finished too)
    t, nxt = 0.0, 0  # clock; first request not yet admitted (FCFS)
    while nxt < n or running.size:
        if running.size == 0 and arrival[nxt] > t:  # idle: jump ahead
            t = arrival[nxt]
        # Admit waiters: each iteration (continuous) or when idle (static).
        k = 0
        if policy == "continuous" or running.size == 0:
            while (nxt + k < n and arrival[nxt + k] <= t
                   and running.size + k < max_batch):
                k += 1
        new = np.arange(nxt, nxt + k)
        nxt += k
        start[new] = t
        # Prefill: exact prompt tokens (selective batching) or padded.
        if policy == "continuous":
            prefill = int(prompt[new].sum())
        else:
            prefill = k * int(prompt[new].max(initial=0))
        running = np.concatenate([running, new])
        t += step(running.size, prefill)
        batch_log.append(int(running.size))
        end_log.append(t)
        # One token per live sequence; a prefill iteration emits the first.
        # subtle: finished sequences left in a static batch cost t_seq
        # but emit nothing.
        live = running[produced[running] < output[running]]
        produced[live] += 1
        first[live[produced[live] == 1]] = t
        finish[live[produced[live] == output[live]]] = t
        token_log.append(int(live.size))
        # Retire: finished sequences leave now (continuous) or with the
        # whole batch (static).
        if policy == "continuous":
            running = running[produced[running] < output[running]]
        elif (produced[running] == output[running]).all():
            running = np.zeros(0, dtype=int)
    return dict(start=start, first=first, finish=finish,
                batch=batch_log, tokens=token_log, end=end_log)


def summarize(arrival, output, result):
    """Throughput (output tokens/s) and p50/p99 latencies (s): TTFT, end-to-end, TPOT.

    TPOT (time per output token) = (finish - first) / (output - 1),
    requests with output > 1.

    >>> a, o = np.array([0.0, 1.0]), np.array([2, 3])
    >>> r = {"first": np.array([0.5, 1.5]), "finish": np.array([1.0, 2.5])}
    >>> s = summarize(a, o, r); s["throughput"], s["ttft_p50"], s["tpot_p50"]
    (2.0, 0.5, 0.5)
    """
    ttft, e2e, multi = result["first"] - arrival, result["finish"] - arrival, output > 1
    tpot = (result["finish"][multi] - result["first"][multi]) / (output[multi] - 1)
    stats = {"throughput": float(output.sum() / (result["finish"].max() - arrival.min()))}
    for name, x in (("ttft", ttft), ("e2e", e2e), ("tpot", tpot)):
        stats |= {f"{name}_p{q}": float(np.percentile(x, q)) for q in (50, 99)}
    return stats


def latency_vs_rate(rates, n=300, seed=0, max_batch=32):
    """summarize() for both policies at each arrival rate: {policy: [stats per rate]}.

    >>> r = latency_vs_rate([4.0], n=20)
    >>> sorted(r), len(r["static"]), r["static"][0]["e2e_p99"] > 0
    (['continuous', 'static'], 1, True)
    """
    out = {p: [] for p in POLICIES}
    for rate in rates:
        a, p, o = poisson_workload(n, rate, seed)
        for policy in POLICIES:
            out[policy].append(summarize(a, o, simulate(a, p, o, policy, max_batch)))
    return out
