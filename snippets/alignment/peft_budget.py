"""What parameter-efficient fine-tuning trains and stores, for a Llama-style decoder.

Trainable parameters of LoRA (on chosen projections), bottleneck adapters, prefix tuning
and prompt tuning, and the model-state memory of full fine-tuning, 16-bit LoRA and QLoRA:
the frozen base needs no gradient or optimiser state, so its bytes per parameter fall
from 16 to 2 (bf16) or about 0.52 (NF4), and only the small trainable set pays 16 bytes.

Follows: Hu et al. (2022) for LoRA's r (d + k); Houlsby et al. (2019) for two adapters per
layer, each a d -> m -> d bottleneck with biases; Li and Liang (2021) for a prefix of p
key and value vectors in every layer; Lester et al. (2021) for p trained input embeddings;
Dettmers et al. (2023), Sec. 3, for NF4 in blocks of 64 and double quantization (8-bit
block constants, one fp32 scale per 256 of them); Rajbhandari et al. (2020) through
snippets.training.memory for the 16 bytes per trained parameter of mixed-precision Adam.
Simplifications: model states only (activations, the part LoRA does not shrink, are Q21's);
QLoRA quantizes the block projections and keeps embeddings, output head and norms in bf16,
as the usual bitsandbytes setup does; no paged-optimiser spikes or CUDA context.
"""

from snippets.serving.quantization import bits_per_weight
from snippets.specs import BYTES
from snippets.training.memory import model_state_bytes
from snippets.transformer.ffn import model_params

# NF4 with double quantization: 4 bits + an 8-bit constant per 64 weights + an fp32 scale
# per 256 constants (Dettmers et al., 2023): 4.127 bits per weight.
NF4_BITS = bits_per_weight(4, group_size=64, scale_bits=8 + 32 / 256)


def projections(m):
    """(d_out, d_in) of each linear layer in one decoder block of a specs.Model.

    >>> from snippets.specs import LLAMA3_8B
    >>> projections(LLAMA3_8B)["k"]
    (1024, 4096)
    """
    d, d_kv, f = m.d_model, m.n_kv_heads * m.head_dim, m.d_ff
    return {"q": (d, d), "k": (d_kv, d), "v": (d_kv, d), "o": (d, d),
            "gate": (f, d), "up": (f, d), "down": (d, f)}


def trainable_params(m, method, r=16, targets=("q", "k", "v", "o", "gate", "up", "down"),
                     bottleneck=64, prefix=32):
    """Trainable parameters of a PEFT method on all layers of a specs.Model.

    method: "lora" (rank r on targets), "adapter" (two per layer, width bottleneck),
    "prefix" (prefix keys and values in every layer), "prompt" (input embeddings only).

    >>> from snippets.specs import LLAMA3_8B
    >>> trainable_params(LLAMA3_8B, "lora", r=16)
    41943040
    """
    d, L = m.d_model, m.n_layers
    if method == "lora":
        shapes = projections(m)
        return L * sum(r * (shapes[t][0] + shapes[t][1]) for t in targets)
    if method == "adapter":
        return L * 2 * (2 * d * bottleneck + d + bottleneck)  # down, up and their biases
    if method == "prefix":
        return L * 2 * prefix * m.n_kv_heads * m.head_dim  # a key and a value per slot
    if method == "prompt":
        return prefix * d
    raise ValueError(method)


def quantizable_params(m):
    """Weights of the block projections, the ones QLoRA stores in NF4.

    >>> from snippets.specs import LLAMA3_8B
    >>> quantizable_params(LLAMA3_8B)
    6979321856
    """
    return m.n_layers * sum(a * b for a, b in projections(m).values())


def finetune_state_bytes(m, mode, n_trainable=0):
    """Model-state bytes of fine-tuning a specs.Model with mixed-precision Adam.

    mode: "full" (16 bytes per parameter), "lora" (bf16 frozen base), "qlora" (NF4 block
    projections, the rest bf16); the n_trainable adapter parameters add 16 bytes each.

    >>> from snippets.specs import LLAMA3_8B
    >>> round(finetune_state_bytes(LLAMA3_8B, "full") / 1e9, 1)
    128.5
    """
    n = model_params(m)
    if mode == "full":
        return model_state_bytes(n)
    if mode == "lora":
        base = BYTES["bf16"] * n
    elif mode == "qlora":
        q = quantizable_params(m)
        base = q * NF4_BITS / 8 + BYTES["bf16"] * (n - q)
    else:
        raise ValueError(mode)
    return base + model_state_bytes(n_trainable)  # frozen: no gradient, no Adam state
