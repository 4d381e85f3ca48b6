"""Parameters, forward FLOPs and KV-cache size of encoder-only, decoder-only and
encoder-decoder transformers.

Per layer, self-attention has 4 d^2 weights (W_Q, W_K, W_V, W_O) and the FFN
2 d d_ff = 8 d^2 when d_ff = 4d: 12 d^2 in all. A decoder layer of an encoder-decoder adds
cross-attention, another 4 d^2: 16 d^2. A forward pass costs about 2 FLOPs per weight per
token it touches.

Follows: the parameter and FLOP accounting of Kaplan et al. (2020), section 2.1; the
encoder-decoder vs language-model cost comparison of Raffel et al. (2020), section 3.2.2;
the published configurations of BERT-base (Devlin et al., 2019), GPT-2 small
(Radford et al., 2019), BART-base (Lewis et al., 2020) and T5-base (Raffel et al., 2020).

Simplifications: FLOP counts cover the weight matrix products and the attention score and
value products only (no softmax, norms, embeddings or output layer); dense attention; the
cache holds one d-vector key and value per position and layer (multi-head, no grouped-query
sharing).
"""

from __future__ import annotations


def layer_params(d: int, d_ff: int | None = None, cross: bool = False, bias: bool = False,
                 norm: int = 0) -> int:
    """Weights of one block: self-attention (+ cross-attention) + FFN
    (+ norms of `norm` each).

    >>> layer_params(768), layer_params(768, cross=True)
    (7077888, 9437184)
    """
    d_ff = 4 * d if d_ff is None else d_ff
    n_attn = 2 if cross else 1
    attn = 4 * d * d + (4 * d if bias else 0)
    ffn = 2 * d * d_ff + (d_ff + d if bias else 0)
    return n_attn * attn + ffn + (n_attn + 1) * norm


def published_params(name: str) -> int:
    """Exact parameter count of a released configuration (tied input/output embeddings).

    >>> f"{published_params('bert-base'):,}"
    '109,482,240'
    """
    d = 768
    if name == "bert-base":  # 12 post-LN layers; word, position, segment embeddings; pooler
        emb = 30522 * d + 512 * d + 2 * d + 2 * d
        return emb + 12 * layer_params(d, bias=True, norm=2 * d) + d * d + d
    if name == "gpt2-small":  # 12 pre-LN layers; word and position embeddings; final LN
        return 50257 * d + 1024 * d + 12 * layer_params(d, bias=True, norm=2 * d) + 2 * d
    if name == "bart-base":  # 6 + 6 layers; 1026 positions each side; embedding LNs
        enc = 1026 * d + 2 * d + 6 * layer_params(d, bias=True, norm=2 * d)
        dec = 1026 * d + 2 * d + 6 * layer_params(d, cross=True, bias=True, norm=2 * d)
        return 50265 * d + enc + dec
    if name == "t5-base":  # 12 + 12 layers; no biases; scale-only norms; relative pos. bias
        enc = 12 * layer_params(d, norm=d) + 32 * 12 + d
        dec = 12 * layer_params(d, cross=True, norm=d) + 32 * 12 + d
        return 32128 * d + enc + dec
    raise ValueError(f"unknown configuration {name!r}")


def approx_params(d: int, vocab: int, n_enc: int = 0, n_dec: int = 0,
                  cross: bool = False) -> int:
    """12 d^2 per encoder or decoder-only layer, 16 d^2 per cross-attending layer, + V d.

    >>> f"{approx_params(768, 50257, n_dec=12):,}"  # GPT-2 small; exactly 124,439,808
    '123,532,032'
    """
    return 12 * d * d * n_enc + (16 if cross else 12) * d * d * n_dec + vocab * d


def task_flops(arch: str, L: int, d: int, S: int, T: int) -> int:
    """Forward FLOPs to read S source tokens and produce T target tokens.

    arch: 'decoder-only' (L layers over S + T tokens, causal), 'encoder-decoder'
    (L encoder layers over S, L cross-attending decoder layers over T), 'encoder-only'
    (L layers over S).

    >>> task_flops("decoder-only", 1, 2, 1, 0)
    104
    """
    def matmul(n_weights, tokens):  # 2 FLOPs (multiply, add) per weight per token
        return 2 * n_weights * tokens

    def attend(pairs):  # q k^T and weights @ v: 2 d FLOPs each per (query, key) pair
        return 2 * 2 * d * pairs

    N = S + T
    if arch == "decoder-only":
        return L * (matmul(12 * d * d, N) + attend(N * (N + 1) // 2))
    if arch == "encoder-only":
        return L * (matmul(12 * d * d, S) + attend(S * S))
    if arch == "encoder-decoder":
        encoder = L * (matmul(12 * d * d, S) + attend(S * S))
        # Cross-attention: W_K, W_V act once on the S encoder outputs; W_Q, W_O on T tokens.
        decoder = L * (matmul(12 * d * d, T) + attend(T * (T + 1) // 2)
                       + matmul(2 * d * d, S) + matmul(2 * d * d, T) + attend(T * S))
        return encoder + decoder
    raise ValueError(f"unknown architecture {arch!r}")


def kv_cache_values(arch: str, L: int, d: int, S: int, T: int) -> int:
    """Keys and values held once S source tokens are read and T target tokens generated.

    'decoder-only': L layers cache K, V for S + T positions. 'encoder-decoder': each of
    the L decoder layers caches cross-attention K, V for the S encoder outputs and
    self-attention K, V for the T targets. 'encoder-only': no generation, nothing cached.

    >>> kv_cache_values("decoder-only", 2, 4, 3, 1)
    64
    >>> kv_cache_values("encoder-decoder", 2, 4, 3, 1)
    64
    """
    if arch == "decoder-only":
        return L * 2 * d * (S + T)
    if arch == "encoder-decoder":
        return L * (2 * d * S + 2 * d * T)  # cross K, V computed once + self K, V per step
    if arch == "encoder-only":
        return 0
    raise ValueError(f"unknown architecture {arch!r}")
