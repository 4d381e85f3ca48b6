"""Tests of snippets/serving/kv_cache_size.py: every number Q48 states, plus independent references."""

import numpy as np
import pytest

from snippets.serving.kv_cache_size import (GiB, LLAMA2_70B, LLAMA2_7B, cache_bytes_for,
                                    decode_flops, kv_cache_bytes, n_params,
                                    tokens_to_match_weights)
from snippets.serving.kv_cache_size_plots import plot_cache_memory

KiB, MiB = 2 ** 10, 2 ** 20


# -- kv_cache_bytes -------------------------------------------------------------------------


@pytest.mark.parametrize("L,H_kv,d_h,T,B,dtype", [
    (2, 4, 8, 16, 1, np.float16), (3, 1, 16, 7, 2, np.float32), (1, 2, 4, 1, 3, np.float64),
    (2, 2, 8, 0, 1, np.float16),
])
def test_bytes_equal_those_of_an_allocated_cache(L, H_kv, d_h, T, B, dtype):
    # Reference: allocate the cache tensor (layers, K/V, batch, heads, T, d_h) and ask NumPy.
    cache = np.zeros((L, 2, B, H_kv, T, d_h), dtype=dtype)
    assert kv_cache_bytes(L, H_kv, d_h, T, B, np.dtype(dtype).itemsize) == cache.nbytes


def test_opt_13b_per_token_is_the_800_kb_of_the_vllm_paper():
    # Kwon et al. (2023), Sec. 3: 2 x 5120 (hidden) x 40 (layers) x 2 bytes = 800 KB per token.
    assert kv_cache_bytes(40, 40, 128, 1) == 2 * 5120 * 40 * 2 == 800 * KiB


def test_llama2_7b_numbers_on_the_page():
    assert cache_bytes_for(LLAMA2_7B, 1) == 512 * KiB
    assert cache_bytes_for(LLAMA2_7B, 4096) == 2 * GiB
    assert cache_bytes_for(LLAMA2_7B, 4096, n_kv_heads=8) == 512 * MiB
    assert cache_bytes_for(LLAMA2_7B, 4096, n_kv_heads=1) == 64 * MiB
    assert cache_bytes_for(LLAMA2_7B, 4096) / cache_bytes_for(LLAMA2_7B, 4096, n_kv_heads=8) == 4
    assert cache_bytes_for(LLAMA2_7B, 4096, batch=16) == 32 * GiB
    assert cache_bytes_for(LLAMA2_7B, 4096, batch=16, n_kv_heads=8) == 8 * GiB
    assert cache_bytes_for(LLAMA2_7B, 4096, batch=16, bytes_per_elem=1) == 16 * GiB  # fp8 cache
    assert cache_bytes_for(LLAMA2_7B, 1, n_kv_heads=8) == 128 * KiB
    assert cache_bytes_for(LLAMA2_7B, 1, n_kv_heads=1) == 16 * KiB


def test_llama2_70b_numbers_on_the_page():
    assert cache_bytes_for(LLAMA2_70B, 1) == 320 * KiB
    assert cache_bytes_for(LLAMA2_70B, 4096) == 1.25 * GiB
    assert cache_bytes_for(LLAMA2_70B, 4096, n_kv_heads=64) == 10 * GiB
    assert cache_bytes_for(LLAMA2_70B, 1, n_kv_heads=64) == 2.5 * MiB
    assert cache_bytes_for(LLAMA2_70B, 32768, batch=8) == 80 * GiB
    assert cache_bytes_for(LLAMA2_70B, 32768, batch=8, n_kv_heads=64) == 640 * GiB
    assert cache_bytes_for(LLAMA2_70B, 32768, batch=8, bytes_per_elem=1) == 40 * GiB


def test_a_4096_token_sliding_window_caps_the_cache_8x_at_32k():
    # Mistral 7B (Jiang et al., 2023): 32 layers, 8 KV heads of 128, window W = 4,096; a rolling
    # buffer keeps only the last W positions, so at 32,768 tokens it holds 1/8 of a full cache.
    full, window = kv_cache_bytes(32, 8, 128, 32768), kv_cache_bytes(32, 8, 128, min(32768, 4096))
    assert full / window == 8
    assert full == 4 * GiB
    assert window == 512 * MiB


def test_cache_is_linear_in_T_batch_and_kv_heads():
    base = kv_cache_bytes(4, 2, 16, 100)
    assert kv_cache_bytes(4, 2, 16, 300) == 3 * base
    assert kv_cache_bytes(4, 2, 16, 100, batch=5) == 5 * base
    assert kv_cache_bytes(4, 6, 16, 100) == 3 * base
    assert kv_cache_bytes(4, 2, 16, 0) == 0


# -- n_params -------------------------------------------------------------------------------


def test_parameter_counts_match_the_released_checkpoints():
    # The Hugging Face checkpoints report 6,738,415,616 and 68,976,648,192 parameters.
    assert n_params(LLAMA2_7B) == 6_738_415_616
    assert n_params(LLAMA2_70B) == 68_976_648_192


def test_parameter_count_by_enumerating_tensor_shapes():
    # Reference: list every weight tensor of a small Llama-style model and add up their sizes.
    cfg = dict(n_layers=3, d_model=24, n_heads=6, n_kv_heads=2, d_head=4, d_ff=40, vocab=50)
    d, hd, kvd, f = 24, 6 * 4, 2 * 4, 40
    shapes = [(50, d), (d,), (50, d)]  # embeddings, final norm, LM head
    shapes += 3 * [(d, hd), (d, kvd), (d, kvd), (hd, d), (d, f), (d, f), (f, d), (d,), (d,)]
    assert n_params(cfg) == sum(int(np.prod(s)) for s in shapes)


def test_fp16_weights_and_where_one_sequence_outweighs_them():
    assert round(2 * n_params(LLAMA2_7B) / GiB, 2) == 12.55
    assert round(2 * n_params(LLAMA2_70B) / GiB, 2) == 128.48
    assert int(tokens_to_match_weights(LLAMA2_7B)) == 25_705
    assert int(tokens_to_match_weights(LLAMA2_7B, n_kv_heads=8)) == 102_820
    assert int(tokens_to_match_weights(LLAMA2_7B, n_kv_heads=1)) == 822_560
    T = tokens_to_match_weights(LLAMA2_7B)
    assert cache_bytes_for(LLAMA2_7B, int(T)) < 2 * n_params(LLAMA2_7B) < cache_bytes_for(LLAMA2_7B, int(T) + 1)


# -- decode_flops ---------------------------------------------------------------------------


def test_flops_hand_worked_tiny_model():
    # L=1, d=2, one head of d_h=2, d_ff=3, vocab=5. Per position: Q,K,V,O are 2x2 (4 weights
    # each), MLP 3 x 2x3 = 18 weights -> 34 weights -> 68 FLOPs. LM head 2x5 -> 20 FLOPs.
    # Attention per query-key pair: QK (2 x d_h = 4) + PV (4) = 8 FLOPs.
    cfg = dict(n_layers=1, d_model=2, n_heads=1, n_kv_heads=1, d_head=2, d_ff=3, vocab=5)
    assert decode_flops(cfg, 3, cached=True) == 68 + 20 + 8 * 3
    assert decode_flops(cfg, 3, cached=False) == 3 * 68 + 20 + 8 * 9


@pytest.mark.parametrize("cfg", [LLAMA2_7B, LLAMA2_70B])
def test_flops_are_twice_the_matrix_weights_plus_attention(cfg):
    # Independent reference via n_params: one position multiplies every weight matrix once
    # (2 FLOPs per weight) except the input embedding (a lookup) and the norm gains.
    d, L = cfg["d_model"], cfg["n_layers"]
    matrix_weights = n_params(cfg) - cfg["vocab"] * d - (2 * L + 1) * d
    attention = 4 * L * cfg["n_heads"] * cfg["d_head"]  # one query, one key
    assert decode_flops(cfg, 1, cached=True) == 2 * matrix_weights + attention


@pytest.mark.parametrize("cfg", [LLAMA2_7B, LLAMA2_70B])
def test_cache_changes_nothing_for_the_first_token_and_saves_about_t_times_later(cfg):
    assert decode_flops(cfg, 1, cached=True) == decode_flops(cfg, 1, cached=False)
    ratios = [decode_flops(cfg, t, False) / decode_flops(cfg, t, True) for t in (2, 64, 1024, 4096)]
    assert ratios == sorted(ratios)
    assert all(r <= t for r, t in zip(ratios, (2, 64, 1024, 4096)))


def test_llama2_7b_flops_on_the_page():
    cached, full = decode_flops(LLAMA2_7B, 4096, True), decode_flops(LLAMA2_7B, 4096, False)
    assert cached == 15_361_638_400  # about 15.4 GFLOP
    assert full == 61_847_791_206_400  # about 61.8 TFLOP
    assert round(full / cached) == 4026
    assert round(2 * n_params(LLAMA2_7B) / cached, 2) == 0.88  # 2N is a fair first estimate


def test_plot_has_three_labelled_lines():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plot_cache_memory()
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 3
    assert ax.get_xlabel() and ax.get_ylabel()
    mha = ax.get_lines()[0].get_ydata()
    assert mha[-1] == cache_bytes_for(LLAMA2_7B, 32768) / GiB == 16.0
    plt.close(fig)
