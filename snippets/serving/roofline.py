"""Roofline model of LLM inference: prefill is compute-bound, decode is bandwidth-bound.

Follows: Williams, Waterman and Patterson, "Roofline: An Insightful Visual Performance Model
for Multicore Architectures" (CACM 2009):
attainable FLOP/s = min(peak, bandwidth x intensity); Pope et al., "Efficiently Scaling
Transformer Inference" (MLSys 2023) for the cost of prefill and decode; Kaplan et al. (2020)
for about 2N forward FLOPs per token of an N-parameter model.

Simplifications: a dense decoder costs 2N FLOPs per token (attention-score FLOPs, embeddings
and element-wise work ignored); weights are read from HBM once per forward pass and reused
by the whole batch; KV-cache reads are optional extra bytes; peaks are datasheet numbers,
which real kernels do not reach; n-way tensor parallelism multiplies both roofs by n and
communication is free. Every time here is therefore a lower bound.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GPU:
    """Datasheet peaks of one accelerator."""

    name: str
    peak_flops: float  # dense BF16/FP16 tensor-core FLOP/s
    bandwidth: float  # HBM bytes/s
    memory: float  # HBM bytes, the datasheet's nominal "80GB" read as 80e9


# NVIDIA A100 datasheet, A100 80GB SXM:
# BF16 312 TFLOPS dense (624 with sparsity), 2,039 GB/s.
A100_80GB_SXM = GPU("A100 80GB SXM", 312e12, 2.039e12, 80e9)
# NVIDIA H100 datasheet, H100 SXM:
# BF16 1,979 TFLOPS *with sparsity*, so 989 dense; 3.35 TB/s.
H100_SXM = GPU("H100 SXM", 989e12, 3.35e12, 80e9)
BYTES_PER_PARAM = {"fp16": 2.0, "int8": 1.0, "int4": 0.5}


def attainable_flops(gpu, intensity):
    """Roofline: min(peak FLOP/s, bandwidth x intensity); intensity in FLOP/byte.

    intensity: scalar or (n,) -> same shape.
    >>> float(attainable_flops(A100_80GB_SXM, 1.0)) / 1e12  # decode at batch 1 in fp16
    2.039
    """
    return np.minimum(gpu.peak_flops, gpu.bandwidth * np.asarray(intensity, dtype=float))


def ridge_point(gpu):
    """Intensity where the two roofs meet: peak FLOP/s / bandwidth (FLOP/byte).

    >>> round(ridge_point(H100_SXM), 1)
    295.2
    """
    return gpu.peak_flops / gpu.bandwidth


def kv_bytes_per_token(n_layers, n_kv_heads, d_head, bytes_per_elem=2.0):
    """Bytes of keys and values cached per token: 2 L H_kv d_h x bytes per element.

    >>> kv_bytes_per_token(32, 32, 128)  # Llama 2 7B, fp16
    524288.0
    """
    return 2.0 * n_layers * n_kv_heads * d_head * bytes_per_elem


def decode_intensity(n_params, bytes_per_param, batch=1, kv_bytes_per_seq=0.0):
    """FLOP/byte of one decode step: 2 N B / (N b + B K), K = KV bytes read per sequence.

    >>> decode_intensity(7e9, 2.0, batch=64)
    64.0
    """
    return 2.0 * n_params * batch / (n_params * bytes_per_param + batch * kv_bytes_per_seq)


def decode_step_time(n_params, bytes_per_param, gpu, batch=1,
                     kv_bytes_per_seq=0.0, n_gpus=1):
    """Lower bound (s) on one decode step of `batch` sequences.

    max(compute time, memory time) = max(2 N B / P, (N b + B K) / W).
    >>> t = decode_step_time(7e9, 2.0, A100_80GB_SXM)
    >>> round(t * 1e3, 2)  # ms per token
    6.87
    """
    P, W = n_gpus * gpu.peak_flops, n_gpus * gpu.bandwidth
    compute = 2.0 * n_params * batch / P
    memory = (n_params * bytes_per_param + batch * kv_bytes_per_seq) / W
    return max(compute, memory)


def decode_tokens_per_second(n_params, bytes_per_param, gpu, batch=1, kv_bytes_per_seq=0.0,
                             n_gpus=1):
    """Upper bound on generated tokens/s summed over the batch: batch / decode_step_time.

    >>> round(decode_tokens_per_second(7e9, 0.5, A100_80GB_SXM), 1)  # 7B in int4, batch 1
    582.6
    """
    return batch / decode_step_time(n_params, bytes_per_param, gpu, batch, kv_bytes_per_seq,
                                     n_gpus)


def prefill_time(n_params, n_tokens, bytes_per_param, gpu, n_gpus=1):
    """Lower bound (s) on processing an n_tokens prompt in one pass:
    max(2 N T / P, N b / W).

    >>> round(prefill_time(7e9, 2048, 2.0, A100_80GB_SXM) * 1e3, 1)  # ms
    91.9
    """
    compute = 2.0 * n_params * n_tokens / (n_gpus * gpu.peak_flops)
    return max(compute, n_params * bytes_per_param / (n_gpus * gpu.bandwidth))


def critical_batch(gpu, bytes_per_param, n_params=1.0,
                   kv_bytes_per_seq=0.0):
    """Batch at which decode turns compute-bound: R N b / (2N - R K).

    R is the ridge point. Without KV reads (K = 0) this is R b / 2,
    independent of N; it is infinite when the KV reads alone keep the
    intensity under the ridge (2N <= R K).
    >>> round(critical_batch(A100_80GB_SXM, 2.0), 1)
    153.0
    """
    R = ridge_point(gpu)
    # subtle: KV bytes grow with the batch as fast as FLOPs do, so they
    # cap the intensity at 2N / K however large the batch
    denom = 2.0 * n_params - R * kv_bytes_per_seq
    if denom <= 0:
        return np.inf
    return R * n_params * bytes_per_param / denom
