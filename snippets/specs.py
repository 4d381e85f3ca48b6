"""The book's shared quantities: model configurations and accelerator datasheets.

One quantity has one value book-wide: a page that needs a model's shape or a GPU's peak
imports it from here instead of retyping it.

Follows: the Llama 2 (Touvron et al., 2023) and Llama 3 (Grattafiori et al., 2024)
configurations as published in their reports and model cards; Mixtral 8x7B (Jiang et
al., 2024, Table 1: Mistral 7B's shape, 8 SwiGLU experts per layer, top-2); the NVIDIA
H100 SXM datasheet (dense BF16 989 TFLOP/s, 3.35 TB/s HBM3, 80 GB); the Transformer base
model (Vaswani et al., 2017, Table 3: 6 layers, d = 512, d_ff = 2048, 8 heads; a shared
source-target vocabulary of about 37,000 BPE tokens for English-German, Sec. 5.1).
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
