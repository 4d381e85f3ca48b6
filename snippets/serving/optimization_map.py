"""The inference-optimization map as one worked scenario: Llama 3 70B on two H100s.

Nothing is re-derived: it composes capacity.py (memory -> batch -> step time -> $, Q53),
quantization.py (Q77), speculative.py (Q47), roofline.py (Q49) and batching_sim.py (Q16).

Follows: the roofline bound (Williams et al., 2009) applied to decoding as in Pope et al.
(2023); speculative sampling (Leviathan et al., 2023); iteration-level batching (Yu et al.,
2022).
Simplifications: every sequence in a batch holds the same number of cached tokens; datasheet
peaks, perfect tensor parallelism and free communication, so throughputs are upper bounds
and costs lower bounds for the batch assumed; costs charge decode steps only, not prefill;
INT4 applies to every weight, embeddings and output head included (checkpoints often keep
those two matrices in 16 bits), and the whole input embedding table is counted as read every
step (1.5% of the bf16 bytes; a step gathers only B rows); the acceptance rate is assumed,
not measured, and i.i.d. across positions; attention FLOPs and kernel launches are ignored.
"""

from dataclasses import dataclass

from snippets.serving import roofline
from snippets.serving.batching_sim import poisson_workload, simulate
from snippets.serving.capacity import (H100_SXM, LLAMA3_8B, LLAMA3_70B, decode_step_seconds,
                               kv_budget_bytes, kv_bytes_per_token, max_sequences,
                               param_count, usd_per_million_tokens)
from snippets.serving.quantization import bits_per_weight
from snippets.serving.speculative import expected_tokens_per_call

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
    """Decode with `batch` sequences (None: as many as fit);
    occupancy = share of slots emitting.

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
    # subtle: the gamma + 1 positions of a sequence share one read of its
    # cache but each costs 2N FLOPs, so call roofline's step with
    # B (gamma + 1) rows of K / (gamma + 1) cache bytes each
    N, gpu = param_count(model), roofline.H100_SXM
    rows = batch * (gamma + 1)
    return roofline.decode_step_time(N, w, gpu, rows, K / (gamma + 1),
                                     n_gpus)


def draft_batch(w=INT4, kv=FP8, draft=LLAMA3_8B, n_gpus=N_GPUS):
    """Most sequences whose target and draft caches fit beside both models' weights.

    >>> draft_batch()  # against 160 without a draft
    110
    """
    budget = kv_budget_bytes(LLAMA3_70B, H100_SXM, n_gpus, w) - param_count(draft) * w
    per_seq = CONTEXT * (kv_bytes_per_token(LLAMA3_70B, kv) + kv_bytes_per_token(draft, kv))
    return int(budget // per_seq)


def speculative_point(name, batch=None, w=INT4, kv=FP8, draft=LLAMA3_8B, alpha=ALPHA,
                      gamma=GAMMA, n_gpus=N_GPUS):
    """Speculative decoding: gamma draft steps + one verification emit E[tokens]
    per sequence.

    batch=None: as many sequences as fit beside the draft (draft_batch).
    >>> p = speculative_point("spec", batch=1, kv=BF16)
    >>> round(p.tpot * 1e3, 2)
    2.51
    """
    if batch is None:
        batch = draft_batch(w, kv, draft, n_gpus)
    t_draft = decode_step_seconds(draft, H100_SXM, n_gpus, batch, CONTEXT, w, kv)
    t = gamma * t_draft + verify_seconds(batch, gamma, w, kv, n_gpus=n_gpus)
    tokens = expected_tokens_per_call(alpha, gamma)  # per sequence per target call
    tps = batch * tokens / t
    return Point(name, batch, t / tokens, tps, usd_per_million_tokens(tps, n_gpus, PRICE))


def static_occupancy(batch, n=800, seed=0):
    """Share of batch slots that emit a token under static batching
    (Q16's saturated workload).

    >>> round(static_occupancy(80), 3)
    0.527
    """
    arrival, prompt, output = poisson_workload(n, rate=1e4, seed=seed)  # all queued at once
    r = simulate(arrival, prompt, output, "static", max_batch=batch)
    return sum(r["tokens"]) / sum(r["batch"])


def scenario():
    """The worked scenario, in the page's order: three latency rows, then six cost rows.

    >>> [p.batch for p in scenario()]
    [1, 1, 1, 2, 80, 80, 160, 110, 110]
    """
    b = max_sequences(LLAMA3_70B, H100_SXM, N_GPUS, CONTEXT, INT4, BF16)
    return [
        serving_point("bf16, batch 1", batch=1),
        serving_point("INT4, batch 1", batch=1, w=INT4),
        speculative_point("INT4 + spec. (4 drafted), batch 1", batch=1, kv=BF16),
        serving_point("bf16, memory full", batch=None),
        serving_point("INT4, static batching", None, INT4, occupancy=static_occupancy(b)),
        serving_point("INT4, continuous batching", batch=None, w=INT4),
        serving_point("INT4 + FP8 KV", batch=None, w=INT4, kv=FP8),
        speculative_point("INT4 + FP8 KV + spec. (4 drafted)", batch=None),
        speculative_point("INT4 + FP8 KV + spec. (1 drafted)", batch=None, gamma=1),
    ]
