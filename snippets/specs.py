"""The book's shared quantities: model configurations and accelerator datasheets.

One quantity has one value book-wide: a page that needs a model's shape or a GPU's peak
imports it from here instead of retyping it.

Follows: the Llama 2 (Touvron et al., 2023) and Llama 3 (Grattafiori et al., 2024)
configurations as published in their reports and model cards; GPT-3 175B (Brown et al.,
2020, Table 2.1); Mixtral 8x7B (Jiang et al., 2024, Table 1: Mistral 7B's shape, 8 SwiGLU
experts per layer, top-2); the NVIDIA H100 SXM datasheet (dense BF16 989 TFLOP/s, 3.35 TB/s
HBM3, 80 GB). Llama 3 405B (Grattafiori et al., 2024, Table 3 and the released
configuration); PaLM 540B (Chowdhery et al., 2022, Table 1: 540.35B parameters, 118 layers,
d = 18432, 48 heads of 256, 2,048-token sequences); Google's TPU v4 (Jouppi et al., 2023:
275 TFLOP/s BF16, 32 GiB HBM at 1.2 TB/s); bytes per number of the common formats; the
Transformer base model (Vaswani et al., 2017, Table 3: 6 layers, d = 512, d_ff = 2048, 8
heads; a shared source-target vocabulary of about 37,000 BPE tokens for English-German, Sec.
5.1); DeepSeek-V3 (DeepSeek-AI, 2024, Sec. 4.2 and its released configuration).
Simplifications: GPU memory in 10^9 bytes as on the datasheet; a Llama-style decoder
described by its layer count, widths, head counts and vocabulary only.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Model:
    """Llama-style decoder: L layers, width d, SwiGLU width d_ff, H and H_kv
    query and KV heads.

    >>> LLAMA3_8B.head_dim
    128
    """

    name: str
    n_layers: int
    d_model: int
    d_ff: int
    n_heads: int
    n_kv_heads: int
    vocab: int

    @property
    def head_dim(self):
        return self.d_model // self.n_heads


LLAMA2_7B = Model("Llama 2 7B", 32, 4096, 11008, 32, 32, 32000)
LLAMA2_13B = Model("Llama 2 13B", 40, 5120, 13824, 40, 40, 32000)
LLAMA2_70B = Model("Llama 2 70B", 80, 8192, 28672, 64, 8, 32000)
LLAMA3_8B = Model("Llama 3 8B", 32, 4096, 14336, 32, 8, 128256)
LLAMA3_70B = Model("Llama 3 70B", 80, 8192, 28672, 64, 8, 128256)
# GPT-3 175B (Brown et al., 2020, Table 2.1): 96 layers, d = 12288, 96 heads, 4d GELU MLP,
# 2,048-token context; vocabulary of GPT-2's BPE.
GPT3_175B = Model("GPT-3 175B", 96, 12288, 49152, 96, 96, 50257)
LLAMA3_405B = Model("Llama 3 405B", 126, 16384, 53248, 128, 8, 128256)
# PaLM's 48 heads of 256 do not fill d = 18432 and its embeddings are tied, so it is no
# Model: the figures its MFU needs (Chowdhery et al., 2022, Tables 1 and 3).
PALM_540B = dict(n_params=540.35e9, n_layers=118, d_model=18432, d_attn=48 * 256,
                 n_ctx=2048)
# Encoder-decoder, ReLU FFN of two matrices (not gated): count it with gated=False.
TRANSFORMER_BASE = Model("Transformer base", 6, 512, 2048, 8, 8, 37000)


@dataclass(frozen=True)
class MoE:
    """A Model whose every FFN is n_experts SwiGLU experts, top_k of them used per token.

    >>> MIXTRAL_8X7B.model.d_ff
    14336
    """

    model: Model
    n_experts: int
    top_k: int


MIXTRAL_8X7B = MoE(Model("Mixtral 8x7B", 32, 4096, 14336, 32, 8, 32000), 8, 2)
# DeepSeek-V3 (DeepSeek-AI, 2024, Sec. 4.2, and the released config.json): 61 layers of
# d = 7168, the first 3 dense (SwiGLU width 18432), the other 58 MoE with 1 shared and 256
# routed experts of width 2048, 8 routed per token; multi-head latent attention with 128
# heads (query rank 1536, KV rank 512, 128 + 64 query/key dimensions, 128 value dimensions);
# 129,280-token vocabulary, untied embeddings. Not a Model: MLA and fine-grained experts.
DEEPSEEK_V3 = dict(n_layers=61, n_dense_layers=3, d_model=7168, d_ff_dense=18432,
                   d_expert=2048, n_routed=256, n_shared=1, top_k=8, n_heads=128,
                   q_rank=1536, kv_rank=512, d_nope=128, d_rope=64, d_v=128, vocab=129280)


@dataclass(frozen=True)
class GPU:
    """Memory in bytes, HBM bandwidth in bytes/s, dense BF16 peak in FLOP/s.

    >>> H100_SXM.peak_flops / H100_SXM.bandwidth  # FLOPs per byte at the ridge point
    295.2238805970149
    """

    name: str
    memory: float
    bandwidth: float
    peak_flops: float


H100_SXM = GPU("H100 SXM 80GB", 80e9, 3.35e12, 989e12)
TPU_V4 = GPU("TPU v4", 32 * 2**30, 1.2e12, 275e12)

@dataclass(frozen=True)
class Link:
    """A GPU's share of an interconnect: bytes/s one GPU can send (one direction).

    >>> NVLINK4.bandwidth / IB_NDR.bandwidth  # inside a node vs across nodes
    9.0
    """

    name: str
    bandwidth: float


# NVIDIA H100 SXM datasheet: NVLink 4, 900 GB/s per GPU counting both directions, so 450
# GB/s each way, to the other 7 GPUs of an 8-GPU node (NVSwitch). Across nodes one 400 Gb/s
# NIC per GPU (InfiniBand NDR or 400G RoCE; Llama 3's fabrics, Grattafiori et al., 2024,
# Sec. 3.3.1): 50 GB/s each way. Peaks; collectives reach less in practice.
NVLINK4 = Link("NVLink 4 (H100 SXM)", 450e9)
IB_NDR = Link("400 Gb/s InfiniBand NDR or RoCE, one NIC per GPU", 50e9)
GPUS_PER_NODE = 8

# Bytes per number of each storage format.
BYTES = {"fp32": 4, "bf16": 2, "fp16": 2, "fp8": 1, "int8": 1}

# Floating-point formats as (exponent bits, mantissa bits, has infinity): IEEE 754 binary32
# and binary16, bfloat16 (binary32's exponent, 7 mantissa bits), and the two FP8 formats of
# Micikevicius et al. (2022): E5M2 follows IEEE conventions, E4M3 has no infinity and keeps
# only the all-ones mantissa of its top exponent for NaN, so its largest value is 448.
FORMATS = {"fp32": (8, 23, True), "fp16": (5, 10, True), "bf16": (8, 7, True),
           "fp8_e5m2": (5, 2, True), "fp8_e4m3": (4, 3, False)}


@dataclass(frozen=True)
class RoPESetting:
    """A model's rotary base theta and the context it was pre-trained at (before any
    long-context extension).

    >>> LLAMA3_8B_ROPE.model.head_dim, LLAMA3_8B_ROPE.base
    (128, 500000.0)
    """

    model: Model
    base: float
    context: int


# Llama 2: the RoFormer default base and a 4,096-token context (Touvron et al., 2023);
# Llama 3: base raised to 500,000, pre-trained at 8,192 tokens before the long-context
# stage to 128K (Grattafiori et al., 2024, Sec. 3.2 and 3.4.2).
LLAMA2_7B_ROPE = RoPESetting(LLAMA2_7B, 10_000.0, 4096)
LLAMA3_8B_ROPE = RoPESetting(LLAMA3_8B, 500_000.0, 8192)


@dataclass(frozen=True)
class AttentionLayout:
    """Which layers attend locally: a repeating pattern of n_local sliding-window layers
    (window keys each) and n_global full-attention layers, for a context of this length.

    Sources: Mistral 7B (Jiang et al., 2023: every layer a 4,096 window, 8,192 context);
    Gemma 2 (Gemma Team, 2024: local and global layers alternate, window 4,096, span
    8,192); Gemma 3 (Gemma Team, 2025: 5 local per global, window 1,024, 128K context);
    gpt-oss (OpenAI, 2025: banded window of 128 in every other layer, 131,072 context).

    >>> GEMMA3_LAYOUT.n_local, GEMMA3_LAYOUT.window
    (5, 1024)
    """

    name: str
    window: int
    n_local: int
    n_global: int
    context: int


MISTRAL_7B_LAYOUT = AttentionLayout("Mistral 7B", 4096, 1, 0, 8192)
GEMMA2_LAYOUT = AttentionLayout("Gemma 2", 4096, 1, 1, 8192)
GEMMA3_LAYOUT = AttentionLayout("Gemma 3", 1024, 5, 1, 131072)
GPT_OSS_LAYOUT = AttentionLayout("gpt-oss", 128, 1, 1, 131072)
