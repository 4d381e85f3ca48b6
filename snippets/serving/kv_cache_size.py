"""KV-cache arithmetic: bytes held per sequence, and decode FLOPs with and without
the cache.

Model shapes are those of the released Llama 2 checkpoints (Touvron et al., 2023): 7B uses
multi-head attention, 70B grouped-query attention with 8 key/value heads
(Ainslie et al., 2023).

Follows: Shazeer (2019) and Ainslie et al. (2023) for the number of key/value heads;
Kwon et al. (2023) for the per-token cache size as 2 x hidden x layers x bytes.
Simplifications: FLOPs count matrix multiplies only (2 per multiply-add; norms, softmax,
activations and the embedding lookup are ignored); the causal score matrix is counted in
full (t x t), as a masked matmul computes it; sizes are for a dense cache, no paging
overhead.
"""


LLAMA2_7B = dict(n_layers=32, d_model=4096, n_heads=32, n_kv_heads=32, d_head=128,
                 d_ff=11008, vocab=32000)
LLAMA2_70B = dict(n_layers=80, d_model=8192, n_heads=64, n_kv_heads=8, d_head=128,
                  d_ff=28672, vocab=32000)
GiB = 2 ** 30


def kv_cache_bytes(n_layers, n_kv_heads, d_head, T, batch=1,
                   bytes_per_elem=2):
    """Bytes of the K and V cache: 2 * L * H_kv * d_h * T * batch * bytes.

    >>> kv_cache_bytes(32, 32, 128, 4096) / GiB  # Llama-2-7B, 4k, fp16
    2.0
    >>> kv_cache_bytes(32, 8, 128, 4096) / GiB  # same shape, GQA-8
    0.5
    """
    return 2 * n_layers * n_kv_heads * d_head * T * batch * bytes_per_elem


def cache_bytes_for(cfg, T, batch=1, bytes_per_elem=2, n_kv_heads=None):
    """kv_cache_bytes of a config dict; n_kv_heads overrides the model's (what-ifs)."""
    h = cfg["n_kv_heads"] if n_kv_heads is None else n_kv_heads
    return kv_cache_bytes(cfg["n_layers"], h, cfg["d_head"], T, batch, bytes_per_elem)


def n_params(cfg):
    """Parameters of a Llama-style decoder (SwiGLU MLP, RMSNorm, untied embeddings).

    >>> n_params(LLAMA2_7B)
    6738415616
    """
    d, L = cfg["d_model"], cfg["n_layers"]
    attn = 2 * d * cfg["d_head"] * (cfg["n_heads"] + cfg["n_kv_heads"])
    mlp = 3 * d * cfg["d_ff"]
    return L * (attn + mlp + 2 * d) + d + 2 * cfg["vocab"] * d


def decode_flops(cfg, t, cached=True):
    """Matmul FLOPs for one new token, context t tokens (the new one too).

    Cached: the new token goes once through the layers, attends to t keys.
    Uncached: all t tokens go through every layer again (their K, V are
    needed) and attention computes the full t x t score matrix; only the
    last position needs the LM head.

    >>> decode_flops(LLAMA2_7B, 4096, cached=True)
    15361638400
    """
    d, L = cfg["d_model"], cfg["n_layers"]
    # P_blk: weights one position multiplies per layer (Q, O, K, V, MLP).
    heads = cfg["n_heads"] + cfg["n_kv_heads"]  # Q, O heads + K, V heads
    P_blk = 2 * d * cfg["d_head"] * heads + 3 * d * cfg["d_ff"]
    lm_head = 2 * d * cfg["vocab"]  # LM head, last position only
    # QK^T and PV: 2 d_head FLOPs each per query-key pair, head and layer.
    attn_per_pair = 4 * L * cfg["n_heads"] * cfg["d_head"]
    if cached:
        return 2 * L * P_blk + lm_head + attn_per_pair * t
    return t * 2 * L * P_blk + lm_head + attn_per_pair * t * t


def tokens_to_match_weights(cfg, bytes_per_elem=2, n_kv_heads=None):
    """Context length at which one sequence's cache has as many bytes as the weights."""
    per_token = cache_bytes_for(cfg, 1, 1, bytes_per_elem, n_kv_heads)
    return n_params(cfg) * bytes_per_elem / per_token
