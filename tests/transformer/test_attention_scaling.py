"""Attention's cost and softmax against n: the FLOP and memory formulas against counted
matrix products and materialised arrays, the crossover, the 1/sqrt(d_k) variance argument,
the entropy limit and the weight of one relevant key (Q39, Q84)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.attention import causal_mask, multi_head_attention
from snippets.serving.flash_attention_io import score_matrix_bytes
from snippets.serving.kv_cache_size import GiB
from snippets.specs import H100_SXM, LLAMA2_7B, LLAMA3_8B, LLAMA3_70B, TRANSFORMER_BASE, Model
from snippets.transformer.attention_scaling import (attention_flops, attention_memory,
                                                    decode_intensity,
                                                    block_flops, gaussian_entropy_limit,
                                                    sampled_entropy, score_crossover,
                                                    softmax_entropy, target_weight)
from snippets.transformer.ffn import attention_overtakes_ffn


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def matmul_flops(a_shape, b_shape):
    """2 m k n for (m, k) @ (k, n), counted from the shapes."""
    (m, k), (_, n) = a_shape, b_shape
    return 2 * m * k * n


# -- FLOPs and memory ---------------------------------------------------------------------------

@pytest.mark.parametrize("n,d,H,H_kv", [(1, 8, 2, 2), (7, 12, 3, 1), (16, 64, 8, 2)])
def test_flops_match_the_matrix_products_counted_one_by_one(n, d, H, H_kv):
    d_h = d // H
    proj = (2 * matmul_flops((n, d), (d, H * d_h))  # W_Q and W_O
            + 2 * matmul_flops((n, d), (d, H_kv * d_h)))  # W_K and W_V
    scores = H * (matmul_flops((n, d_h), (d_h, n)) + matmul_flops((n, n), (n, d_h)))
    assert attention_flops(n, d, H, H_kv) == (proj, scores)
    # A causal kernel computes the n (n + 1) / 2 visible pairs of each head.
    visible = int(causal_mask(n).sum())
    assert attention_flops(n, d, H, H_kv, causal=True)[1] == H * visible * 4 * d_h


def test_score_flops_grow_as_n_squared_and_do_not_depend_on_the_head_count():
    p1, s1 = attention_flops(1024, 512, 8)
    p2, s2 = attention_flops(2048, 512, 8)
    assert (p2 / p1, s2 / s1) == (2, 4)
    assert attention_flops(1024, 512, 1)[1] == attention_flops(1024, 512, 64)[1] == s1
    # GQA shrinks the projections, not the scores.
    assert attention_flops(1024, 512, 8, 2)[1] == s1
    assert attention_flops(1024, 512, 8, 2)[0] < p1


def test_memory_matches_the_arrays_a_numpy_layer_materialises(rng):
    B, n, d, H = 1, 6, 8, 2
    x = rng.standard_normal((B, n, d))
    W = [rng.standard_normal((d, d)) for _ in range(4)]
    out, weights = multi_head_attention(x, x, *W, n_heads=H)
    linear, quadratic = attention_memory(n, d, H)
    assert quadratic == weights.size  # (B, H, n, n)
    assert linear == 4 * out.size  # Q, K, V and the output, each (n, d)


def test_llama3_8b_numbers_of_the_page():
    # Score matrix of one layer, one sequence, fp16: 4 GiB at 8k, 1 TiB at 128k.
    _, quad = attention_memory(8192, LLAMA3_8B.d_model, LLAMA3_8B.n_heads)
    assert quad * 2 / GiB == 4.0 == score_matrix_bytes(8192, n_heads=32) / GiB
    assert score_matrix_bytes(131072, n_heads=32) / GiB == 1024.0
    # Its Q, K, V and output at 8k: 160 MiB of fp16 (GQA: K and V have 8 heads).
    lin, _ = attention_memory(8192, 4096, 32, 8)
    assert lin * 2 / 2**20 == 160.0
    # The score matrix is the larger tensor from 321 tokens on (32 n^2 > 10,240 n).
    bigger = [n for n in range(1, 1000) if np.subtract(*attention_memory(n, 4096, 32, 8)) < 0]
    assert bigger[0] == 321
    # Per block at 8k: projections 0.69, scores 1.10, FFN 2.89 TFLOPs.
    proj, scores, ffn_f = block_flops(LLAMA3_8B, 8192)
    assert [round(f / 1e12, 2) for f in (proj, scores, ffn_f)] == [0.69, 1.10, 2.89]
    assert round(scores / (proj + scores + ffn_f), 3) == 0.235
    assert round((proj + scores + ffn_f) / 1e12, 2) == 4.67
    # At 128k the scores are 83% of the block's FLOPs (non-causal count).
    proj, scores, ffn_f = block_flops(LLAMA3_8B, 131072)
    assert round(scores / (proj + scores + ffn_f), 2) == 0.83


# -- the crossover ----------------------------------------------------------------------------

@pytest.mark.parametrize("d,H", [(512, 8), (1024, 16), (4096, 32)])
def test_a_standard_block_crosses_over_at_6d(d, H):
    standard = Model("standard", 1, d, 4 * d, H, H, 0)
    assert score_crossover(standard, gated=False) == 6 * d
    proj, scores, ffn_f = block_flops(standard, 6 * d, gated=False)
    assert scores == proj + ffn_f  # equal exactly at n = 6d
    assert TRANSFORMER_BASE.d_model * 6 == score_crossover(TRANSFORMER_BASE, gated=False)


def test_crossover_for_real_configurations_and_against_the_ffn_alone():
    assert score_crossover(LLAMA3_8B) == 26624
    assert score_crossover(LLAMA2_7B) == 24704  # MHA: (4 d^2 + 3 d d_ff) / 2d
    assert score_crossover(LLAMA3_70B) == 3.5 * 8192 * 1.5 + 8192 * (2 + 2 / 8) / 2
    assert score_crossover(LLAMA3_70B) == 52224
    # Counting the projections too moves the crossover later than the FFN-only one of Q32.
    assert score_crossover(LLAMA3_8B) > attention_overtakes_ffn(LLAMA3_8B) == 21504
    # Causal kernels do half the pairs: the crossover doubles (up to the +1 of n (n + 1)).
    n = int(2 * score_crossover(LLAMA3_8B))
    proj, scores, ffn_f = block_flops(LLAMA3_8B, n, causal=True)
    assert abs(scores / (proj + ffn_f) - 1) < 1e-4


# -- why 1/sqrt(d_k) ----------------------------------------------------------------------------

@pytest.mark.parametrize("d_k", [16, 64, 128])
def test_dot_product_of_unit_variance_vectors_has_variance_d_k(rng, d_k):
    q, k = rng.standard_normal((2, 40_000, d_k))
    s = (q * k).sum(axis=1)
    assert_allclose(s.var(), d_k, rtol=0.03)
    assert_allclose((s / math.sqrt(d_k)).var(), 1.0, rtol=0.03)


def test_unscaled_logits_saturate_the_softmax(rng):
    # d_k = 128, 4,096 keys: unscaled logits have std sqrt(128) = 11.3 and the softmax is
    # nearly one-hot; scaled logits keep it within 1 nat of the log n ceiling.
    n, d_k = 4096, 128
    q, k = rng.standard_normal((1, d_k)), rng.standard_normal((n, d_k))
    raw = (q @ k.T)[0]
    assert softmax_entropy(raw) < 1.5
    assert np.log(n) - softmax_entropy(raw / math.sqrt(d_k)) < 1.0
    assert sampled_entropy(n, math.sqrt(d_k), rng) < 1.5


# -- softmax entropy and log-n scaling -------------------------------------------------------

def test_entropy_is_at_most_log_n_and_is_log_n_for_equal_logits(rng):
    for n in (1, 2, 17, 1000):
        assert_allclose(softmax_entropy(np.zeros(n)), np.log(n), atol=1e-12)
        z = 3 * rng.standard_normal((5, n))
        assert np.all(softmax_entropy(z) <= np.log(n) + 1e-12)
    assert_allclose(softmax_entropy(np.array([0.0, -np.inf, -np.inf])), 0.0)


def test_entropy_matches_a_direct_computation(rng):
    z = rng.standard_normal((3, 50))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    assert_allclose(softmax_entropy(z), -(p * np.log(p)).sum(axis=1), rtol=1e-12)


@pytest.mark.parametrize("n", [1024, 4096, 16384])
def test_sampled_entropy_approaches_log_n_minus_half_sigma_squared(rng, n):
    assert abs(sampled_entropy(n, 1.0, rng) - gaussian_entropy_limit(n, 1.0)) < 0.03
    # The gap to uniform stays sigma^2 / 2 while the entropy itself grows like log n.
    assert round(float(np.log(n) - gaussian_entropy_limit(n, 1.0)), 6) == 0.5


def test_one_relevant_key_fades_without_log_n_scaling():
    # Margin 3 over 4,095 equal keys: weight 0.49% (it was 74.2% among 8 keys).
    assert round(target_weight(8, 3.0), 3) == 0.742
    assert round(target_weight(4096, 3.0), 4) == 0.0049
    w = [target_weight(n, 3.0) for n in (2**10, 2**14, 2**18)]
    assert w[0] > w[1] > w[2]
    assert_allclose(w[2] * 2**18, math.exp(3.0), rtol=1e-3)  # ~ e^margin / n


def test_log_n_scaling_keeps_the_key_when_s_times_margin_exceeds_one():
    ns = [2**10, 2**14, 2**18, 2**22]
    above = [target_weight(n, 3.0, log_scale=0.5) for n in ns]  # s margin = 1.5
    at_one = [target_weight(n, 2.0, log_scale=0.5) for n in ns]  # s margin = 1
    below = [target_weight(n, 1.0, log_scale=0.5) for n in ns]  # s margin = 0.5
    assert all(a < b for a, b in zip(above, above[1:])) and above[-1] > 0.999
    assert_allclose(at_one, 0.5, atol=1e-3)
    assert below[-1] < 1e-2
    # Reference: the softmax itself, over an explicit logit vector.
    n = 4096
    z = np.zeros(n)
    z[0] = 3.0
    p = np.exp(0.5 * np.log(n) * z)
    assert_allclose(target_weight(n, 3.0, 0.5), p[0] / p.sum(), rtol=1e-12)
    assert_allclose(target_weight(n, 3.0), np.exp(z[0]) / np.exp(z).sum(), rtol=1e-12)


def test_decode_intensity_matches_a_step_counted_by_hand():
    # One query token, t cached tokens, GQA: QK^T and PV for each of H heads, K and V read once.
    m, t = LLAMA3_8B, 1000
    d_h = m.head_dim
    flops = 2 * m.n_heads * t * d_h * 2
    bytes_read = 2 * t * 2 * m.n_kv_heads * d_h  # bf16 K and V
    assert decode_intensity(m.n_heads, d_h, d_h, 2 * m.n_kv_heads * d_h) == flops / bytes_read


@pytest.mark.parametrize("H, H_kv", [(32, 32), (32, 8), (64, 8), (32, 1)])
def test_gqa_decode_intensity_is_the_group_size(H, H_kv):
    assert decode_intensity(H, 128, 128, 2 * H_kv * 128) == H / H_kv


def test_decode_numbers_of_the_page():
    # H100 ridge point, and Llama 3 8B's GQA decode 74 times below it.
    ridge = H100_SXM.peak_flops / H100_SXM.bandwidth
    assert round(ridge) == 295
    gqa = decode_intensity(LLAMA3_8B.n_heads, 128, 128, 2 * LLAMA3_8B.n_kv_heads * 128)
    assert gqa == 4.0 and round(ridge / gqa) == 74
    # DeepSeek-V3 MLA, absorbed at decode: 128 heads score the cached 512 + 64 numbers
    # and take values from the 512-dimensional latent.
    mla = decode_intensity(128, 512 + 64, 512, 512 + 64)
    assert round(mla) == 242 and mla < ridge
    # Per (query, key) pair and head: absorbed 2 (576 + 512) FLOPs against 2 (192 + 128) in
    # the expanded form used for prefill.
    absorbed, expanded = 2 * (576 + 512), 2 * (128 + 64 + 128)
    assert (absorbed, expanded) == (2176, 640) and round(absorbed / expanded, 1) == 3.4


def test_llama3_8b_score_share_at_one_million_tokens():
    proj, scores, ffn_f = block_flops(LLAMA3_8B, 2 ** 20)
    assert round(scores / (proj + scores + ffn_f), 3) == 0.975
