"""Which resource binds a decode step, and what prefill costs: the diagnosis step of Q73.

Uses the scenario of optimization_map.py (Llama 3 70B, two H100s, 4,096 cached tokens) and
the roofline of roofline.py (Q49) and capacity.py (Q53).

Follows: the roofline model (Williams et al., 2009): a step is compute-bound once its FLOPs
take longer than its bytes; the critical batch of Q49; chunked prefills riding along with
decodes in the idle compute of a memory-bound step (Agrawal et al., 2024).
Simplifications: those of optimization_map.py; prefill is 2N FLOPs per prompt token at the
datasheet peak (attention FLOPs ignored), so prefill times are lower bounds.
"""

from snippets.serving import roofline
from snippets.serving.capacity import (H100_SXM, LLAMA3_70B, decode_step_seconds,
                               kv_bytes_per_token, max_sequences, param_count)
from snippets.serving.optimization_map import BF16, CONTEXT, FP8, INT4, N_GPUS


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
    # the batch's own decode tokens take 2N FLOPs each of that budget
    return max(0, int(flops_in_step // (2 * param_count(model))) - batch)


def prefill_seconds(prompt, cached=0, w=INT4, model=LLAMA3_70B, n_gpus=N_GPUS):
    """Lower bound on time to first token when `cached` prompt tokens hit a prefix cache.

    >>> round(prefill_seconds(4096) * 1e3), round(prefill_seconds(4096, cached=3072) * 1e3)
    (292, 73)
    """
    return roofline.prefill_time(param_count(model), prompt - cached, w, roofline.H100_SXM,
                                 n_gpus)
