"""The inference-optimization map as one worked scenario: Llama 3 70B on two H100s.

Nothing is re-derived: it composes capacity.py (memory -> batch -> step time -> $, Q53),
quantization.py (Q77), speculative.py (Q47), roofline.py (Q49) and batching_sim.py (Q16).

Follows: the roofline bound (Williams et al., 2009) applied to decoding as in Pope et al.
(2023); speculative sampling (Leviathan et al., 2023); iteration-level batching (Yu et al.,
2022); chunked prefills riding along with decodes (Agrawal et al., 2024).
Simplifications: every sequence in a batch holds the same number of cached tokens; datasheet
peaks, perfect tensor parallelism and free communication, so throughputs are upper bounds and
costs lower bounds; the draft model's memory is not deducted from the KV budget; the
acceptance rate is assumed, not measured; attention FLOPs and kernel launches are ignored.
"""

from dataclasses import dataclass

from snippets import roofline
from snippets.batching_sim import poisson_workload, simulate
from snippets.capacity import (H100_SXM, LLAMA3_8B, LLAMA3_70B, decode_step_seconds,
                               kv_bytes_per_token, max_sequences, param_count,
                               usd_per_million_tokens)
from snippets.quantization import bits_per_weight
from snippets.speculative import expected_tokens_per_call

PRICE = 2.0  # assumed USD per GPU-hour, as in Q53: substitute your own
CONTEXT = 4096  # cached tokens per sequence
N_GPUS = 2  # the fewest H100s that hold the bf16 weights
BF16, FP8 = 2.0, 1.0  # bytes per weight or per cached value
INT4 = bits_per_weight(4, group_size=128) / 8  # 0.515625 bytes: 4 bits + fp16 scale per 128
ALPHA, GAMMA = 0.8, 4  # assumed acceptance rate and draft length


@dataclass(frozen=True)
class Point:
    """One configuration of the scenario."""

    name: str
    batch: int  # sequences sharing each step
    tpot: float  # seconds per output token, as one sequence sees it
    tokens_per_s: float  # whole replica
    usd_per_m: float  # USD per million output tokens


def serving_point(name, batch=None, w=BF16, kv=BF16, model=LLAMA3_70B, n_gpus=N_GPUS,
                  occupancy=1.0):
    """Decode with `batch` sequences (None: as many as fit); occupancy = share of slots emitting.

    >>> p = serving_point("bf16, batch 1", batch=1)
    >>> round(p.tpot * 1e3, 2), round(p.usd_per_m, 2)
    (21.26, 23.62)
    """
    if batch is None:  # fill the KV budget
        batch = max_sequences(model, H100_SXM, n_gpus, CONTEXT, w, kv)
    t = decode_step_seconds(model, H100_SXM, n_gpus, batch, CONTEXT, w, kv)
    tps = occupancy * batch / t
    return Point(name, batch, t, tps, usd_per_million_tokens(tps, n_gpus, PRICE))


def verify_seconds(batch, gamma, w, kv, model=LLAMA3_70B, n_gpus=N_GPUS):
    """One target pass that scores gamma + 1 positions per sequence.

    >>> round(verify_seconds(1, 4, INT4, BF16) * 1e3, 2)  # = a plain step
    5.63
    """
    K = CONTEXT * kv_bytes_per_token(model, kv)  # cache bytes per sequence
    # subtle: roofline's step with batch B(gamma + 1) and K / (gamma + 1)
    # per row reads the weights and each cache once, but does 2N FLOPs for
    # every scored position
    N, gpu = param_count(model), roofline.H100_SXM
    rows = batch * (gamma + 1)
    return roofline.decode_step_time(N, w, gpu, rows, K / (gamma + 1),
                                     n_gpus)


def speculative_point(name, batch=None, w=INT4, kv=FP8, draft=LLAMA3_8B, alpha=ALPHA,
                      gamma=GAMMA, n_gpus=N_GPUS):
    """Speculative decoding: gamma draft steps + one verification emit E[tokens] per sequence.

    >>> p = speculative_point("spec", batch=1, kv=BF16)
    >>> round(p.tpot * 1e3, 2)
    2.51
    """
    if batch is None:
        batch = max_sequences(LLAMA3_70B, H100_SXM, n_gpus, CONTEXT, w, kv)
    t_draft = decode_step_seconds(draft, H100_SXM, n_gpus, batch, CONTEXT, w, kv)
    t = gamma * t_draft + verify_seconds(batch, gamma, w, kv, n_gpus=n_gpus)
    tokens = expected_tokens_per_call(alpha, gamma)  # per sequence per target call
    tps = batch * tokens / t
    return Point(name, batch, t / tokens, tps, usd_per_million_tokens(tps, n_gpus, PRICE))


def static_occupancy(batch, n=800, seed=0):
    """Share of batch slots that emit a token under static batching (Q16's saturated workload).

    >>> round(static_occupancy(80), 3)
    0.527
    """
    arrival, prompt, output = poisson_workload(n, rate=1e4, seed=seed)  # all queued at once
    r = simulate(arrival, prompt, output, "static", max_batch=batch)
    return sum(r["tokens"]) / sum(r["batch"])


def binding_constraint(batch, w=BF16, kv=BF16, model=LLAMA3_70B,
                       n_gpus=N_GPUS):
    """What stops this decode step from getting cheaper: the diagnosis.

    'does not fit'; 'compute' (batch past the critical batch); 'memory
    capacity' (bandwidth-bound, no room for another sequence); or
    'bandwidth' (room left: batch more).
    >>> binding_constraint(1), binding_constraint(2), binding_constraint(3)
    ('bandwidth', 'memory capacity', 'does not fit')
    """
    b_max = max_sequences(model, H100_SXM, n_gpus, CONTEXT, w, kv)
    if batch > b_max:
        return "does not fit"
    K = CONTEXT * kv_bytes_per_token(model, kv)
    N, gpu = param_count(model), roofline.H100_SXM
    b_star = roofline.critical_batch(gpu, w, N, K)
    if batch >= b_star:
        return "compute"
    return "memory capacity" if batch == b_max else "bandwidth"


def hidden_prefill_tokens(batch, w=INT4, kv=FP8, model=LLAMA3_70B, n_gpus=N_GPUS):
    """Prompt tokens whose 2N FLOPs fit in a bandwidth-bound decode step's idle compute.

    >>> hidden_prefill_tokens(160)
    140
    """
    t = decode_step_seconds(model, H100_SXM, n_gpus, batch, CONTEXT, w, kv)
    flops_in_step = t * n_gpus * H100_SXM.peak_flops
    return max(0, int(flops_in_step // (2 * param_count(model))) - batch)


def prefill_seconds(prompt, cached=0, w=INT4, model=LLAMA3_70B, n_gpus=N_GPUS):
    """Lower bound on time to first token when `cached` prompt tokens hit a prefix cache.

    >>> round(prefill_seconds(4096) * 1e3), round(prefill_seconds(4096, cached=3072) * 1e3)
    (292, 73)
    """
    return roofline.prefill_time(param_count(model), prompt - cached, w, roofline.H100_SXM,
                                 n_gpus)


def scenario():
    """The worked scenario, in the page's order: three latency rows, then five cost rows.

    >>> [p.batch for p in scenario()]
    [1, 1, 1, 2, 80, 80, 160, 160]
    """
    b = max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, INT4, BF16)
    return [
        serving_point("bf16, batch 1", batch=1),
        serving_point("INT4, batch 1", batch=1, w=INT4),
        speculative_point("INT4 + speculative, batch 1", batch=1, kv=BF16),
        serving_point("bf16, batch 2 (memory full)", batch=None),
        serving_point("INT4, static, batch 80", None, INT4, occupancy=static_occupancy(b)),
        serving_point("INT4, continuous, batch 80", batch=None, w=INT4),
        serving_point("INT4 + FP8 KV, batch 160", batch=None, w=INT4, kv=FP8),
        speculative_point("INT4 + FP8 KV + speculative, batch 160", batch=None),
    ]


def plot_scenario():
    """Figure: time per output token and $ per million tokens for each row of the scenario."""
    import matplotlib.pyplot as plt

    rows = scenario()[::-1]  # first row on top
    y = range(len(rows))
    hatch = ["xx" if "spec" in r.name else ("//" if r.batch == 1 else "") for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(6.4, 3.6), sharey=True)
    for ax, vals in ((a, [r.tpot * 1e3 for r in rows]), (b, [r.usd_per_m for r in rows])):
        ax.barh(y, vals, color="0.85", edgecolor="k", hatch=hatch)
        for i, v in zip(y, vals):
            ax.text(v * 1.04, i, f"{v:.3g}", va="center", fontsize=7)
        ax.axhline(len(rows) - 3.5, color="k", ls="--", lw=0.8)  # latency rows above
        ax.grid(axis="x", alpha=0.3)
    a.set_yticks(list(y), [r.name for r in rows], fontsize=7)
    a.set_xlim(0, 30)
    a.set_xlabel("time per output token (ms)")
    b.set_xscale("log")
    b.set_xlim(0.1, 100)
    b.set_xticks([0.1, 1, 10, 100], ["0.1", "1", "10", "100"])
    b.set_xlabel("USD per million output tokens")
    fig.tight_layout()
    return fig
