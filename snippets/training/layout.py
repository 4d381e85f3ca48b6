"""A 4D-parallel layout (TP, CP, PP, DP) for a dense decoder: memory, traffic, step time.

Ranks are numbered [tp, cp, pp, dp], fastest-varying first, as in Llama 3: a tensor-parallel
group is 8 GPUs of one node on NVLink, the other groups cross nodes on InfiniBand or RoCE.
For a layout the module counts the bytes each GPU sends per optimiser step in each
dimension, the pipeline bubble and the memory per GPU; `propose_layout` searches every
layout of a cluster and returns the fastest that fits, at the smallest CP that allows one.

Follows: Shoeybi et al. (2019) and Korthikanti et al. (2022) for tensor parallelism with
sequence parallelism (4 all-gathers or reduce-scatters of the layer's s b h activations
forward, 4 backward); Narayanan et al. (2021) for 1F1B, whose first stage holds p
micro-batches of L / p layers, and for keeping tensor parallelism inside a node;
Grattafiori et al. (2024) for the rank order and all-gather context
parallelism (each rank gathers the full K and V); Rajbhandari et al. (2020) for ZeRO.
Simplifications: micro-batches of one sequence; ZeRO over the DP x CP ranks (stage 1 by
default); activations from the GPT-layer formula of snippets.training.memory; every
transfer at the links' peak bandwidth, exposed except DP's, which hides under the backward
pass up to its length; full recomputation's extra forward is returned apart (`recompute`),
not in `step`, and the forward collectives it repeats are not counted; equal pipeline
stages; no interleaving, no expert parallelism.
"""

from dataclasses import dataclass

from snippets.specs import BYTES, GPUS_PER_NODE, IB_NDR, NVLINK4
from snippets.training.collectives import all_gather_bytes, all_reduce_bytes
from snippets.training.compute import training_flops_per_token
from snippets.training.memory import activation_bytes, model_state_bytes
from snippets.training.pipeline import bubble_fraction
from snippets.transformer.ffn import model_params


@dataclass(frozen=True)
class Layout:
    """Degrees of tensor, context, pipeline and data parallelism.

    >>> Layout(tp=8, cp=1, pp=16, dp=128).n_gpus  # Llama 3 405B at 8K context
    16384
    """

    tp: int
    cp: int
    pp: int
    dp: int

    @property
    def n_gpus(self):
        return self.tp * self.cp * self.pp * self.dp


def plan(m, lay, seq, batch_tokens, gpu, recompute="selective", zero_stage=1,
         gpus_per_node=GPUS_PER_NODE):
    """Memory per GPU, micro-batches, bubble, bytes sent per GPU, seconds per step, and
    the seconds full recomputation would add to it.

    m: specs.Model; lay: Layout; seq: tokens per sequence; batch_tokens: global batch.

    >>> from snippets.specs import LLAMA3_405B, H100_SXM
    >>> p = plan(LLAMA3_405B, Layout(8, 1, 16, 128), 8192, 2048 * 8192, H100_SXM)
    >>> p["micro_batches"], round(p["bytes"]["dp"] / 1e9, 2)
    (16, 12.58)
    """
    n = model_params(m)
    b16 = BYTES["bf16"]
    mb = batch_tokens // seq // lay.dp  # micro-batches of one sequence per pipeline
    layers = m.n_layers / lay.pp
    # Memory: ZeRO-sharded model states of one stage; 1F1B's first stage holds p
    # micro-batches of L / p layers, i.e. all L layers' activations of one micro-batch.
    states = model_state_bytes(n / (lay.tp * lay.pp), lay.dp * lay.cp, zero_stage)
    acts = activation_bytes(m, seq // lay.cp, 1, recompute, lay.tp)
    # TP + SP: per layer 4 all-gathers or reduce-scatters of s b h forward, 4 backward.
    act = b16 * (seq // lay.cp) * m.d_model  # one micro-batch's hidden states, this CP rank
    tp = 8 * all_gather_bytes(act, lay.tp) * layers * mb
    # CP: all-gather the full K and V of a layer forward, reduce-scatter dK, dV backward.
    kv = b16 * 2 * seq * m.n_kv_heads * m.head_dim / lay.tp
    cp = 2 * all_gather_bytes(kv, lay.cp) * layers * mb
    # PP: send the (sequence-parallel) activation forward, its gradient backward.
    pp = 0.0 if lay.pp == 1 else 2 * act / lay.tp * mb
    # DP: reduce-scatter the gradients, all-gather the weights (= an all-reduce); ZeRO-3
    # gathers the weights once more in the backward pass.
    grads = b16 * n / (lay.tp * lay.pp)
    dp = all_reduce_bytes(grads, lay.dp * lay.cp) * (1.5 if zero_stage == 3 else 1.0)
    sent = {"tp": tp, "cp": cp, "pp": pp, "dp": dp}
    # Links: a group stays on NVLink while it and the faster-varying groups fit in a node.
    inner, secs = 1, {}
    for name, deg in zip(sent, (lay.tp, lay.cp, lay.pp, lay.dp)):
        inner *= deg
        link = NVLINK4 if inner <= gpus_per_node else IB_NDR
        secs[name] = sent[name] / link.bandwidth
    flops = training_flops_per_token(n, m.n_layers, seq, m.n_heads * m.head_dim)
    compute = flops * batch_tokens / (lay.n_gpus * gpu.peak_flops)
    bubble = bubble_fraction(lay.pp, mb)
    # Full recomputation runs every forward twice: a third more compute, bubble-stretched.
    redo = compute / 3 / (1 - bubble) if recompute == "full" else 0.0
    return {"memory": states + acts, "micro_batches": mb, "bubble": bubble, "bytes": sent,
            "seconds": secs, "compute": compute, "recompute": redo,
            "step": compute / (1 - bubble) + secs["tp"] + secs["cp"] + secs["pp"]
            + max(0.0, secs["dp"] - 2 / 3 * compute)}


def _powers_of_two(limit):
    k = 1
    while k <= limit:
        yield k
        k *= 2


def propose_layout(m, n_gpus, seq, batch_tokens, gpu, recompute="selective", zero_stage=1,
                   headroom=0.9, gpus_per_node=GPUS_PER_NODE):
    """Among layouts that fit in headroom x the GPU's memory, with TP inside a node and at
    least as many micro-batches as stages, the fastest estimated step at the smallest CP.

    >>> from snippets.specs import LLAMA3_8B, H100_SXM
    >>> propose_layout(LLAMA3_8B, 64, 8192, 512 * 8192, H100_SXM)
    Layout(tp=1, cp=1, pp=1, dp=64)
    """
    seqs = batch_tokens // seq
    # Context parallelism only when no layout with less of it fits (long sequences).
    for cp in _powers_of_two(min(n_gpus, seq)):
        best = None
        for tp in _powers_of_two(min(gpus_per_node, m.n_kv_heads, n_gpus // cp)):
            for pp in _powers_of_two(min(m.n_layers, n_gpus // (tp * cp))):
                dp, rest = divmod(n_gpus, tp * cp * pp)
                # subtle: the global batch caps DP; a pipeline needs m >= p micro-batches.
                if rest or seqs % dp or seqs // dp < pp:
                    continue
                lay = Layout(tp, cp, pp, dp)
                p = plan(m, lay, seq, batch_tokens, gpu, recompute, zero_stage,
                         gpus_per_node)
                if p["memory"] <= headroom * gpu.memory and (
                        best is None or p["step"] < best[0]):
                    best = (p["step"], lay)
        if best is not None:
            return best[1]
    return None
