"""Tests of snippets/transformer/sparse_attention.py: every number Q18 states, plus
references (naive loops, dense attention under a mask)."""

import numpy as np
import pytest

from snippets.generation.attention import causal_mask, scaled_dot_product_attention
from snippets.specs import (GEMMA2_LAYOUT, GEMMA3_LAYOUT, GPT_OSS_LAYOUT, MISTRAL_7B_LAYOUT,
                            AttentionLayout)
from snippets.transformer.sparse_attention import (bigbird_mask, causal_window_pairs,
                                                   global_token_mask, kv_cache_fraction,
                                                   random_mask, receptive_field,
                                                   sliding_window_attention,
                                                   sliding_window_mask, strided_mask)
from snippets.transformer.sparse_attention_plots import pattern_masks, plot_patterns


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def loop_mask(T, rule):
    return np.array([[rule(i, j) for j in range(T)] for i in range(T)])


@pytest.mark.parametrize("T", [1, 7, 16])
def test_masks_match_their_definitions_written_as_loops(T):
    assert (sliding_window_mask(T, 3) == loop_mask(T, lambda i, j: 0 <= i - j < 3)).all()
    assert (sliding_window_mask(T, 3, causal=False)
            == loop_mask(T, lambda i, j: abs(i - j) < 3)).all()
    assert (strided_mask(T, 4)
            == loop_mask(T, lambda i, j: j <= i and (i - j < 4 or (i - j) % 4 == 0))).all()
    assert (global_token_mask(T, 2) == loop_mask(T, lambda i, j: i < 2 or j < 2)).all()


def test_a_window_as_wide_as_the_sequence_is_dense_causal_attention():
    assert (sliding_window_mask(9, 9) == causal_mask(9)).all()
    assert (strided_mask(9, 9) == causal_mask(9)).all()
    assert causal_window_pairs(9, 9) == causal_window_pairs(9, 100) == 9 * 10 // 2


@pytest.mark.parametrize("T, w", [(1, 1), (10, 3), (64, 8), (8, 20)])
def test_pair_count_formula_matches_the_mask(T, w):
    assert causal_window_pairs(T, w) == sliding_window_mask(T, w).sum()


def test_random_and_bigbird_masks(rng):
    r = random_mask(50, 3, rng)
    assert (r.sum(axis=1) == 3).all()
    bb = bigbird_mask(50, 3, 2, 3, rng)
    assert bb[:2].all() and bb[:, :2].all()  # global rows and columns are full
    assert (bb[2:].sum(axis=1) <= 5 + 2 + 3).all()  # window 5, 2 global, 3 random


def test_counts_at_4096_tokens_stated_on_the_page(rng):
    T = 4096
    assert causal_mask(T).sum() == 8_390_656
    assert causal_window_pairs(T, 512) == 1_966_336
    assert round(causal_window_pairs(T, 512) / causal_mask(T).sum(), 3) == 0.234
    # Child et al.'s l = sqrt(T): about 95 keys per query instead of 2,048 on average.
    keys = strided_mask(T, 64).sum(axis=1)  # keys per query
    assert round(keys.mean()) == 95
    assert round(keys.mean() / 64, 1) == 1.5  # 1.5 sqrt(T) on average
    assert keys.max() <= 2 * 64  # at most 2 sqrt(T)
    # BigBird with a radius-1 window (3 keys), 2 global tokens and 3 random keys: ~10.
    assert round(bigbird_mask(T, 2, 2, 3, rng).sum() / T) == 10


@pytest.mark.parametrize("T, w", [(1, 1), (5, 1), (12, 4), (6, 10)])
def test_sliding_window_attention_equals_dense_attention_under_a_band_mask(rng, T, w):
    q, k, v = rng.normal(size=(3, T, 8))
    dense, _ = scaled_dot_product_attention(q, k, v, mask=sliding_window_mask(T, w))
    np.testing.assert_allclose(sliding_window_attention(q, k, v, w), dense, rtol=1e-12,
                               atol=1e-12)


def test_receptive_field_grows_by_w_minus_1_per_layer():
    # Reference: reachability through L layers is the boolean L-th power of the mask.
    T, w, L = 40, 4, 5
    m = sliding_window_mask(T, w).astype(int)
    reach = np.linalg.matrix_power(m, L) > 0
    assert reach[T - 1].argmax() == T - 1 - receptive_field(L, w)
    assert receptive_field(32, 4096) == 131_040


def test_kv_cache_fractions_of_current_layouts():
    assert round(kv_cache_fraction(GEMMA3_LAYOUT), 4) == 0.1732
    assert kv_cache_fraction(GEMMA2_LAYOUT) == 0.75
    assert round(kv_cache_fraction(GPT_OSS_LAYOUT), 3) == 0.500
    assert kv_cache_fraction(MISTRAL_7B_LAYOUT) == 0.5
    # Jiang et al.'s "8x" cache saving at 32K tokens: 4,096 / 32,768.
    assert kv_cache_fraction(MISTRAL_7B_LAYOUT, T=32_768) == 0.125
    # Gemma 3's window at Gemma 2's 1:1 ratio would still cache over half (Q18 follow-up).
    one_to_one = AttentionLayout("1:1, w = 1024", 1024, 1, 1, 131_072)
    assert round(kv_cache_fraction(one_to_one), 3) == 0.504
    # Invariant: a context shorter than the window caches everything.
    assert kv_cache_fraction(GEMMA3_LAYOUT, T=512) == 1.0


def test_pattern_figure():
    assert [m.shape for _, m in pattern_masks()] == [(32, 32)] * 5
    assert len(plot_patterns().axes) == 5
