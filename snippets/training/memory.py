"""The memory budget of training: model states per GPU under ZeRO/FSDP, and activations.

Model states are the weights, their gradients and the optimiser state. Mixed-precision
Adam keeps 16 bytes per parameter: 2 for the 16-bit weights, 2 for the 16-bit gradients,
and K = 12 in fp32 (a master copy of the weights, Adam's first and second moments). ZeRO
shards them over the N_d data-parallel GPUs: stage 1 the optimiser state, stage 2 also the
gradients, stage 3 (PyTorch's FSDP FULL_SHARD) also the weights. Activations are what the
forward pass saves for the backward one; recomputation trades them for FLOPs.

Follows: Rajbhandari et al. (2020), Sec. 3 and 5, for the 16-byte budget and the memory of
each ZeRO stage; Korthikanti et al. (2022), Sec. 4, for the activations of a GPT layer,
s b h (34 + 5 a s / h) bytes, and their sharding by tensor and sequence parallelism;
Dettmers et al. (2022) for 8-bit optimiser states; Ren et al. (2021) for CPU offload.
Simplifications: no temporary buffers, allocator fragmentation, communication buckets or
CUDA context (in practice several GB per GPU); the activation formula is the one for GPT's
layer (4h MLP, dropout masks, multi-head attention) and only approximates a Llama layer.
"""

from snippets.specs import BYTES
from snippets.transformer.block import korthikanti_bytes

# Bytes per parameter of each optimiser's state, on top of the 16-bit weight and gradient.
OPTIMIZER_BYTES = {
    "adam": 3 * BYTES["fp32"],  # fp32 master weights, first and second moments
    "adam-8bit": BYTES["fp32"] + 2 * BYTES["int8"],  # moments block-quantised to 8 bits
    "sgd-momentum": 2 * BYTES["fp32"],  # fp32 master weights and momentum
    "offload": 0,  # master weights and moments in CPU memory (ZeRO-Offload; it moves the
    # gradients there too: pass grad_bytes=0)
}


def model_state_bytes(n_params, n_gpus=1, zero_stage=0, optimizer="adam",
                      weight_bytes=BYTES["bf16"], grad_bytes=BYTES["bf16"]):
    """Bytes per GPU of weights, gradients and optimiser state under a ZeRO stage.

    Stage 0 is plain data parallelism (everything replicated); stage 3 is FSDP FULL_SHARD
    and stage 2 is FSDP SHARD_GRAD_OP.

    >>> model_state_bytes(7.5e9) / 1e9  # ZeRO paper's 7.5B model, one replica
    120.0
    """
    w = weight_bytes * n_params
    g = grad_bytes * n_params
    k = OPTIMIZER_BYTES[optimizer] * n_params
    # Each stage divides one more of the three by the number of data-parallel GPUs.
    shard = {0: (1, 1, 1), 1: (1, 1, n_gpus), 2: (1, n_gpus, n_gpus),
             3: (n_gpus, n_gpus, n_gpus)}[zero_stage]
    return w / shard[0] + g / shard[1] + k / shard[2]


def activation_bytes(m, s, b, recompute="none", tp=1):
    """Activations saved by the forward pass of all of a specs.Model's layers, per GPU.

    recompute: "none" keeps every saved tensor, s b h (34 + 5 a s / h) bytes per layer;
    "selective" recomputes the attention scores and softmax, dropping the 5 a s / h term;
    "full" keeps only each layer's 16-bit input, 2 s b h, and reruns the layer in backward.
    tp: tensor-parallel degree, with sequence parallelism, so every term is divided by tp.

    >>> from snippets.specs import GPT3_175B
    >>> activation_bytes(GPT3_175B, s=2048, b=1) / 2**30  # GiB, one sequence
    256.5
    """
    s_b_h = s * b * m.d_model
    per_layer = {
        "none": korthikanti_bytes(s, b, m.d_model, m.n_heads),
        "selective": 34 * s_b_h,
        "full": BYTES["bf16"] * s_b_h,
    }[recompute]
    return m.n_layers * per_layer / tp


def fits(total_bytes, gpu):
    """Whether a budget fits in a GPU's memory (datasheet bytes), with nothing to spare.

    >>> from snippets.specs import H100_SXM
    >>> fits(16 * 8e9, H100_SXM)
    False
    """
    return total_bytes <= gpu.memory
