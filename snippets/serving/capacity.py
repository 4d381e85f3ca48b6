"""Serving capacity and cost: memory -> concurrency -> tokens/s -> $ per token.

Follows: a KV cache of 2 * L * H_kv * d_h * bytes per token (keys and values,
every layer); the Llama 2 (Touvron et al., 2023) and Llama 3 (Grattafiori et
al., 2024) configurations; GQA (Ainslie et al., 2023) for the KV heads;
decoding as a memory-bandwidth-bound step (Kwon et al., 2023).
Simplifications: GPU memory in 10^9 bytes as on the datasheet (an "80 GB"
H100 exposes 81,559 MiB, about 85.5e9 bytes, so capacities are conservative);
Llama-style parameter count (no biases, untied embeddings);
weights and cache split evenly over tensor-parallel GPUs, perfect scaling;
activations, CUDA graphs and allocator slack lumped into one overhead
fraction; a decode step costs max(bytes read / bandwidth, 2 N B / peak
FLOP/s), with attention FLOPs and communication ignored.
"""

from snippets.specs import (GPU, H100_SXM, LLAMA2_7B, LLAMA2_13B, LLAMA2_70B,  # noqa: F401
                            LLAMA3_8B, LLAMA3_70B, Model)


def param_count(m):
    """Parameters of a Llama-style decoder.

    >>> param_count(LLAMA3_8B)
    8030261248
    """
    d, d_kv = m.d_model, m.n_kv_heads * m.head_dim
    attn = 2 * d * d + 2 * d * d_kv  # W_q, W_o: d x d; W_k, W_v: d x d_kv
    mlp = 3 * d * m.d_ff  # gate, up and down projections
    per_layer = attn + mlp + 2 * d  # plus two RMSNorm gains
    # plus embeddings, output head and final norm
    return m.n_layers * per_layer + 2 * m.vocab * d + d


def kv_bytes_per_token(m, bytes_per_value=2):
    """KV cache per token: keys and values of every layer and KV head.

    >>> kv_bytes_per_token(LLAMA3_8B), kv_bytes_per_token(LLAMA2_7B)
    (131072, 524288)
    """
    return 2 * m.n_layers * m.n_kv_heads * m.head_dim * bytes_per_value


def kv_budget_bytes(m, gpu, n_gpus, weight_bytes=2.0, overhead=0.10):
    """Memory left for the KV cache after weights and a runtime overhead.

    >>> round(kv_budget_bytes(LLAMA3_8B, H100_SXM, 1) / 1e9, 2)
    55.94
    """
    return n_gpus * gpu.memory * (1 - overhead) - param_count(m) * weight_bytes


def max_sequences(m, gpu, n_gpus, context_len, weight_bytes=2.0,
                  kv_bytes=2, overhead=0.10):
    """Most sequences of `context_len` tokens whose caches fit at once.

    >>> max_sequences(LLAMA3_8B, H100_SXM, 1, 8192)
    52
    """
    budget = kv_budget_bytes(m, gpu, n_gpus, weight_bytes, overhead)
    per_seq = kv_bytes_per_token(m, kv_bytes) * context_len
    return max(0, int(budget // per_seq))


def decode_step_seconds(m, gpu, n_gpus, batch, context_len,
                        weight_bytes=2.0, kv_bytes=2):
    """One decode step: read all weights once and every sequence's cache.

    >>> t = decode_step_seconds(LLAMA3_8B, H100_SXM, 1, 1, 8192)
    >>> round(t * 1e3, 2)
    5.11
    """
    cache = batch * context_len * kv_bytes_per_token(m, kv_bytes)
    bytes_read = param_count(m) * weight_bytes + cache
    flops = 2 * param_count(m) * batch  # one multiply-add per weight
    t_memory = bytes_read / (n_gpus * gpu.bandwidth)
    t_compute = flops / (n_gpus * gpu.peak_flops)
    return max(t_memory, t_compute)


def tokens_per_second(m, gpu, n_gpus, batch, context_len,
                      weight_bytes=2.0, kv_bytes=2):
    """Tokens per second over the batch (upper bound: peak rates, no stalls).

    >>> round(tokens_per_second(LLAMA3_8B, H100_SXM, 1, 52, 8192))
    2423
    """
    t = decode_step_seconds(m, gpu, n_gpus, batch, context_len, weight_bytes,
                            kv_bytes)
    return batch / t


def usd_per_million_tokens(tokens_per_s, n_gpus, usd_per_gpu_hour):
    """Cost of a million generated tokens at a throughput and GPU-hour price.

    >>> usd_per_million_tokens(1000.0, 1, 3.6)
    1.0
    """
    return usd_per_gpu_hour * n_gpus / 3600 / tokens_per_s * 1e6
