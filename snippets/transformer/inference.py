"""The inference graph of a small decoder: no autograd record, only the KV cache.

Follows: the pre-norm decoder of snippets/transformer/block.py stacked into a language model
with tied embeddings (Press and Wolf, 2017); KV-cached decoding as in Pope et al. (2023).
Simplifications: no positional encoding (the causal mask alone orders the tokens, as in
NoPE, Kazemnejad et al., 2023); batch of one sequence at a time in decode_step.

Training runs the whole sequence in one teacher-forced pass, every position at once, and
keeps 34 bytes per position and width per layer in 16-bit, plus 5 * heads * length bytes
of attention probabilities, for backpropagation. Decoding runs one
position per step and keeps, per layer, only the keys and values of earlier positions.
"""

import numpy as np

from snippets.generation.attention import merge_heads, scaled_dot_product_attention
from snippets.generation.attention import split_heads
from snippets.transformer.block import block_forward, gelu, init_block
from snippets.transformer.norms import NORMS


def init_model(rng, vocab=32, d=16, n_heads=2, n_layers=3, norm="layer", std=0.02):
    """Embedding E (vocab, d), n_layers blocks, final norm gain g_f; unembedding = E^T.

    >>> m = init_model(np.random.default_rng(0))
    >>> m["E"].shape, len(m["blocks"])
    ((32, 16), 3)
    """
    blocks = [init_block(rng, d, n_heads, norm, std=std) for _ in range(n_layers)]
    return {"E": rng.normal(0, 1, (vocab, d)), "blocks": blocks, "g_f": np.ones(d),
            "norm": norm}


def forward_parallel(model, tokens, train=False, p_drop=0.0, rng=None):
    """Teacher-forced pass over all positions. tokens: (b, s) -> (logits (b, s, V), saved).

    saved: one dict per block, what block_backward would need.

    >>> m = init_model(np.random.default_rng(0))
    >>> forward_parallel(m, np.array([[1, 2, 3]]))[0].shape
    (1, 3, 32)
    """
    x, saved = model["E"][tokens], []
    for p in model["blocks"]:
        x, S = block_forward(p, x, train, p_drop, rng)
        saved.append(S)
    return NORMS[model["norm"]](x, model["g_f"]) @ model["E"].T, saved


def _block_step(p, x, cache):
    """One block for new positions x: (1, t, d), appending their K, V to cache."""
    norm, H = NORMS[p["norm"]], p["n_heads"]
    h = norm(x, p["g_1"])
    q, k, v = (split_heads(h @ p[w], H) for w in ("W_q", "W_k", "W_v"))  # (1, H, t, d_h)
    cache["k"] = np.concatenate([cache["k"], k], axis=2) if "k" in cache else k
    cache["v"] = np.concatenate([cache["v"], v], axis=2) if "v" in cache else v
    t, T = x.shape[1], cache["k"].shape[2]
    # subtle: new query i sits at absolute position T - t + i; it may see keys j <= that.
    mask = np.tril(np.ones((t, T), dtype=bool), k=T - t)
    o, _ = scaled_dot_product_attention(q, cache["k"], cache["v"], mask)
    x = x + merge_heads(o) @ p["W_o"]
    return x + gelu(norm(x, p["g_2"]) @ p["W_1"])[0] @ p["W_2"]


def decode_step(model, tokens, caches):
    """Run new tokens (t,) through the model, extending caches (one dict per layer).

    -> logits (t, V). Prefill is one call with the prompt; decoding, calls with t = 1.

    >>> m = init_model(np.random.default_rng(0)); caches = [{} for _ in m["blocks"]]
    >>> decode_step(m, np.array([5]), caches).shape, caches[0]["k"].shape
    ((1, 32), (1, 2, 1, 8))
    """
    x = model["E"][np.asarray(tokens)][None]  # (1, t, d)
    for p, cache in zip(model["blocks"], caches):
        x = _block_step(p, x, cache)
    return (NORMS[model["norm"]](x, model["g_f"]) @ model["E"].T)[0]


def greedy_generate(model, prompt, n_new):
    """Prefill the prompt, then decode n_new tokens greedily. -> (len(prompt) + n_new,).

    >>> greedy_generate(init_model(np.random.default_rng(0)), [1, 2], 3).shape
    (5,)
    """
    caches = [{} for _ in model["blocks"]]
    logits, out = decode_step(model, prompt, caches), list(prompt)
    for _ in range(n_new):
        out.append(int(np.argmax(logits[-1])))
        logits = decode_step(model, [out[-1]], caches)
    return np.array(out)


def cache_bytes(caches, act_bytes=2):
    """Bytes the inference graph keeps: the K and V tensors of every layer.

    >>> m = init_model(np.random.default_rng(0)); caches = [{} for _ in m["blocks"]]
    >>> _ = decode_step(m, [1, 2, 3, 4], caches)
    >>> cache_bytes(caches)  # 3 layers * (K, V) * 4 positions * 16 values * 2 bytes
    768
    """
    return sum(c[n].size * act_bytes for c in caches for n in ("k", "v"))
