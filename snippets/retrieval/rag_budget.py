"""A latency budget for one RAG request, to the first generated token, and its figures.

Follows: the stages of a retrieve-then-generate request (Lewis et al., 2020):
embed the query, search S index shards (tail from snippets/retrieval/rag_latency.py,
Dean & Barroso, 2013), re-rank the candidates with a cross-encoder (Nogueira &
Cho, 2019), then prefill the prompt (compute-bound: 2 * N * T FLOPs for N
parameters and T prompt tokens). Time to first token is the sum.
Simplifications: every stage but the shard search is a fixed time; compute
stages run at one assumed effective FLOP rate; queueing, network hops and
decoding after the first token are left out.
"""

from snippets.retrieval.rag_latency import (fanout_quantile, hedged_fanout_quantile,
                                            lognormal_quantile)

# Assumptions of the worked example (Q43). Change them to your own measurements.
ASSUMED = dict(
    embed_ms=5.0,  # query-encoder service call, mostly network and queueing
    shard_median_ms=10.0, shard_sigma=0.5,  # log-normal shard latency
    n_shards=100,
    reranker_params=110e6,  # BERT-base-sized cross-encoder
    pair_tokens=256, n_candidates=50,
    generator_params=8e9, chunk_tokens=256,
    fixed_prompt_tokens=500,  # instructions + question
    flops_per_s=400e12,  # effective: about 40% of an H100's 989 dense BF16 TFLOP/s
)


def compute_ms(params, tokens, flops_per_s):
    """Forward-pass time of a transformer over `tokens` tokens: 2 * params * tokens / rate.

    >>> round(compute_ms(8e9, 1000, 400e12), 1)
    40.0
    """
    return 2.0 * params * tokens / flops_per_s * 1e3


def budget(n_chunks, rerank, hedge=False, a=ASSUMED):
    """Milliseconds per stage, at p99 for the shard search, to the first token. -> dict.

    >>> round(sum(budget(5, rerank=True).values()), 1)
    147.4
    """
    med, sig, S = a["shard_median_ms"], a["shard_sigma"], a["n_shards"]
    if hedge:  # hedge each shard call at that shard's own p95
        ann = hedged_fanout_quantile(0.99, S, lognormal_quantile(0.95, med, sig), med, sig)
    else:
        ann = fanout_quantile(0.99, S, med, sig)
    stages = {"embed query": a["embed_ms"], "ANN search (p99)": ann}
    if rerank:
        stages["re-rank"] = compute_ms(a["reranker_params"],
                                       a["n_candidates"] * a["pair_tokens"],
                                       a["flops_per_s"])
    prompt = a["fixed_prompt_tokens"] + n_chunks * a["chunk_tokens"]
    stages["prefill (TTFT)"] = compute_ms(a["generator_params"], prompt, a["flops_per_s"])
    return stages


def partial_result_loss(k, S, skipped=1):
    """Skipping `skipped` of S id-sharded shards:
    (expected recall@k lost, P(a query loses any)).

    Each true neighbour lives on a skipped shard with probability skipped / S,
    independently.

    >>> [round(v, 3) for v in partial_result_loss(10, 100)]
    [0.01, 0.096]
    """
    p = skipped / S
    return p, 1.0 - (1.0 - p) ** k


CONFIGS = {
    "20 chunks, no re-rank": dict(n_chunks=20, rerank=False),
    "re-rank 50, keep 5": dict(n_chunks=5, rerank=True),
    "+ hedged shard calls": dict(n_chunks=5, rerank=True, hedge=True),
}
