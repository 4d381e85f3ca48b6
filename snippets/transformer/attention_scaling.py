"""How one attention layer's cost and its softmax behave as the sequence length n grows.

FLOPs and memory of a layer as functions of n, d and the head counts; the context length at
which the n^2 terms overtake the weight multiplies of the whole block; the entropy of a
softmax over n keys; and the weight a single relevant key keeps as n grows, with and without
logits scaled by log n.

Follows: Vaswani et al. (2017), Sec. 3.2.1 (scaled dot product, the 1/sqrt(d_k) factor) and
Sec. 4 (self-attention is O(n^2 d) per layer); Chiang and Cholak (2022), Sec. 5.3, and
Nakanishi (2025) for multiplying the logits by a multiple of log n; the decode intensity of
an absorbed MLA layer as in DeepSeek's FlashMLA notes (2025).
Simplifications: 2 FLOPs per multiply-add, matrix products only (softmax, masking and norms
are O(n^2 H) and O(n d) element-wise work, left out of the FLOPs); one sequence, one layer;
the entropy limit assumes independent Gaussian logits.
"""

import numpy as np

from snippets.transformer.ffn import attention_params, ffn_params


def attention_flops(n, d, n_heads, n_kv_heads=None, causal=False):
    """(projection, score) FLOPs of one self-attention layer's forward pass over n tokens.

    Projections W_Q, W_O have H heads and W_K, W_V H_kv heads: 2 n d d_h (2H + 2H_kv).
    Scores: QK^T and PV, 2 d_h FLOPs each per (query, key) pair and head: 4 n^2 d if every
    pair is computed, 2 n (n + 1) d if a causal kernel skips the masked half.

    >>> attention_flops(1024, 512, 8)  # 8 n d^2 and 4 n^2 d
    (2147483648, 2147483648)
    """
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    d_h = d // n_heads
    proj = 2 * n * attention_params(d, n_heads, n_kv_heads, d_h)
    pairs = n * (n + 1) // 2 if causal else n * n  # (query, key) pairs computed
    return proj, 4 * pairs * n_heads * d_h


def attention_memory(n, d, n_heads, n_kv_heads=None):
    """(linear, quadratic) elements one layer materialises: Q, K, V and the output, n d_h
    (2H + 2H_kv); the score matrix, H n^2 (the probabilities P are as many again).

    >>> attention_memory(4096, 4096, 32, 8)  # Llama 3 8B shape
    (41943040, 536870912)
    """
    n_kv_heads = n_heads if n_kv_heads is None else n_kv_heads
    d_h = d // n_heads
    return n * d_h * (2 * n_heads + 2 * n_kv_heads), n_heads * n * n


def block_flops(m, n, gated=True, causal=False):
    """(projection, score, FFN) forward FLOPs of one decoder block of a specs.Model.

    >>> from snippets.specs import LLAMA3_8B
    >>> [f / 1e12 for f in block_flops(LLAMA3_8B, 8192)]  # TFLOPs
    [0.68719476736, 1.099511627776, 2.886218022912]
    """
    proj, scores = attention_flops(n, m.d_model, m.n_heads, m.n_kv_heads, causal)
    return proj, scores, 2 * n * ffn_params(m.d_model, m.d_ff, gated)


def decode_intensity(n_heads, d_qk, d_v, cached_per_token, bytes_per_number=2):
    """FLOPs per byte of cache read when one new query token attends to t cached tokens.

    FLOPs: 2 H t (d_qk + d_v) for the scores and PV; bytes: t times the numbers cached per
    token and layer (2 H_kv d_h for GQA, the latent plus the RoPE key for MLA). t cancels,
    and so does the batch: every sequence reads its own cache.

    >>> decode_intensity(32, 128, 128, 2 * 8 * 128)  # Llama 3 8B: 4 query heads per KV head
    4.0
    """
    return 2 * n_heads * (d_qk + d_v) / (bytes_per_number * cached_per_token)


def score_crossover(m, gated=True):
    """Context length at which the score FLOPs equal the block's weight FLOPs.

    Per token: 4 n H d_h = 2 (attention weights + FFN weights). A standard block (H d_h = d,
    4 d^2 attention weights, an 8 d^2 non-gated FFN) gives n = 12 d^2 / 2d = 6d.

    >>> from snippets.specs import LLAMA3_8B
    >>> score_crossover(LLAMA3_8B)
    26624.0
    """
    weights = attention_params(m.d_model, m.n_heads, m.n_kv_heads, m.head_dim)
    weights += ffn_params(m.d_model, m.d_ff, gated)
    return 2 * weights / (4 * m.n_heads * m.head_dim)


def softmax_entropy(logits):
    """Entropy in nats of softmax(logits) over the last axis. (..., n) -> (...).

    >>> round(float(softmax_entropy(np.zeros(8))), 4)  # uniform: log 8
    2.0794
    """
    z = logits - logits.max(axis=-1, keepdims=True)  # shift: exp() cannot overflow
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    # subtle: a masked key (logit -inf) has p = 0 and log p = -inf; count 0 log 0 as 0.
    return -(np.exp(log_p) * np.where(np.isfinite(log_p), log_p, 0.0)).sum(axis=-1)


def gaussian_entropy_limit(n, sigma):
    """Large-n entropy of a softmax over n i.i.d. N(0, sigma^2) logits: log n - sigma^2 / 2.

    From H = log sum_j e^{z_j} - sum_i p_i z_i with sum_j e^{z_j} ~ n e^{sigma^2/2} and
    sum_i p_i z_i ~ E[z e^z] / E[e^z] = sigma^2. Valid once n >> e^{sigma^2}.

    >>> round(float(gaussian_entropy_limit(4096, 1.0)), 3)
    7.818
    """
    return np.log(n) - sigma ** 2 / 2


def sampled_entropy(n, sigma, rng, trials=64):
    """Mean softmax entropy over `trials` draws of n i.i.d. N(0, sigma^2) logits.

    >>> rng = np.random.default_rng(0)
    >>> bool(abs(sampled_entropy(4096, 1.0, rng) - 7.818) < 0.05)
    True
    """
    z = sigma * rng.standard_normal((trials, n))  # (trials, n) logits
    return float(softmax_entropy(z).mean())


def target_weight(n, margin, log_scale=None):
    """Softmax weight of one key whose logit beats n - 1 equal others by `margin`.

    e^margin / (e^margin + n - 1): it falls like 1/n. With log_scale = s the logits are
    multiplied by s log n, giving n^(s margin) / (n^(s margin) + n - 1), which tends to 1
    when s margin > 1 and stays at about 1/2 when s margin = 1.

    >>> [round(float(target_weight(4096, 3.0, s)), 4) for s in (None, 0.5)]
    [0.0049, 0.9846]
    """
    a = margin if log_scale is None else log_scale * np.log(n) * margin
    return 1.0 / (1.0 + (n - 1) * np.exp(-a))  # e^a / (e^a + n - 1), stable
