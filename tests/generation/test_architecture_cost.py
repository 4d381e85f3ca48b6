"""Tests of snippets/generation/architecture_cost.py: per-layer formulas, exact counts of released models,
and the FLOP comparison the page states."""

import pytest

from snippets.generation.architecture_cost import (
    approx_params, kv_cache_values, layer_params, published_params, task_flops,
)


@pytest.mark.parametrize("d", [64, 512, 768, 4096])
def test_layer_rules_of_thumb(d):
    assert layer_params(d) == 12 * d * d
    assert layer_params(d, cross=True) == 16 * d * d
    # Biases and two LayerNorms add 13 d (9 d biases + 4 d norm weights) per plain layer.
    assert layer_params(d, bias=True, norm=2 * d) - 12 * d * d == 13 * d


def test_layer_params_hand_count_d768():
    # Hand count: 4 * 768^2 + 2 * 768 * 3072 = 2,359,296 + 4,718,592.
    assert layer_params(768) == 7_077_888
    assert layer_params(768, cross=True) == 9_437_184
    # One BERT / GPT-2 layer with biases and LayerNorms: 7,087,872 weights.
    assert layer_params(768, bias=True, norm=2 * 768) == 7_087_872


@pytest.mark.parametrize("name,count", [
    # Counts of the released checkpoints (as loaded in Hugging Face transformers).
    ("bert-base", 109_482_240), ("gpt2-small", 124_439_808),
    ("bart-base", 139_420_416), ("t5-base", 222_903_552),
])
def test_published_counts(name, count):
    assert published_params(name) == count


def test_unknown_names_raise():
    with pytest.raises(ValueError):
        published_params("bert-huge")
    with pytest.raises(ValueError):
        task_flops("rnn", 1, 8, 1, 1)


@pytest.mark.parametrize("name,approx,pct", [
    ("bert-base", approx_params(768, 30522, n_enc=12), -1.01),
    ("gpt2-small", approx_params(768, 50257, n_dec=12), -0.73),
    ("bart-base", approx_params(768, 50265, n_enc=6, n_dec=6, cross=True), -1.24),
    ("t5-base", approx_params(768, 32128, n_enc=12, n_dec=12, cross=True), -0.02),
])
def test_rule_of_thumb_within_1_3_percent(name, approx, pct):
    err = 100 * (approx / published_params(name) - 1)
    assert round(err, 2) == pct and abs(err) < 1.3


def test_cross_attention_share_of_t5_base():
    share = 12 * (4 * 768 * 768 + 768) / published_params("t5-base")
    assert round(100 * share, 1) == 12.7


def test_task_flops_page_example():
    L, d, S, T = 12, 768, 512, 128
    enc = task_flops("encoder-only", L, d, S, T)
    dec = task_flops("decoder-only", L, d, S, T)
    ed = task_flops("encoder-decoder", L, d, S, T)
    assert (round(enc / 1e9, 1), round(dec / 1e9, 1), round(ed / 1e9, 1)) == (96.6, 116.3, 139.2)
    assert round(ed / dec, 2) == 1.20
    # Parameters: L + L layers hold 28 L d^2 against 12 L d^2, 2.33 times as many.
    assert round((12 + 16) / 12, 2) == 2.33


def test_flops_are_two_per_weight_per_token_without_attention():
    # With one token and no attention pairs beyond itself: 2 * 12 d^2 + 4 d per layer.
    L, d = 3, 64
    assert task_flops("decoder-only", L, d, 1, 0) == L * (2 * 12 * d * d + 4 * d)
    # Kaplan et al.: C_forward ~ 2 N + 2 n_layer n_ctx d per token; summed over a causal
    # sequence of n tokens the attention term is 4 d n (n + 1) / 2 per layer.
    n = 100
    expected = L * (2 * 12 * d * d * n + 4 * d * n * (n + 1) // 2)
    assert task_flops("decoder-only", L, d, n, 0) == expected


@pytest.mark.parametrize("S,T", [(1, 1), (64, 8), (512, 128), (100, 0)])
def test_encoder_decoder_costs_like_a_decoder_of_half_its_layers(S, T):
    # Linear parts: 28 L d^2 (S + T) vs 24 L d^2 (S + T): a ratio of 7/6 when attention is
    # negligible (d much larger than S + T).
    L, d = 2, 4096
    ratio = task_flops("encoder-decoder", L, d, S, T) / task_flops("decoder-only", L, d, S, T)
    assert 1.0 < ratio < 7 / 6 + 0.05


def naive_cache(arch, L, d, S, T):
    """Reference: count cached vectors layer by layer, position by position."""
    vectors = 0
    for _ in range(L):
        if arch == "decoder-only":
            vectors += 2 * (S + T)  # one K and one V per position of prompt and output
        elif arch == "encoder-decoder":
            vectors += 2 * S + 2 * T  # cross K, V per source token, self K, V per target token
    return vectors * d


@pytest.mark.parametrize("arch", ["decoder-only", "encoder-decoder", "encoder-only"])
@pytest.mark.parametrize("S,T", [(1, 1), (512, 128), (7, 0)])
def test_kv_cache_values_matches_naive_count(arch, S, T):
    assert kv_cache_values(arch, 12, 768, S, T) == naive_cache(arch, 12, 768, S, T)


def test_kv_cache_page_example():
    # The page: an L + L encoder-decoder caches exactly what an L-layer decoder caches.
    dec = kv_cache_values("decoder-only", 12, 768, 512, 128)
    assert dec == kv_cache_values("encoder-decoder", 12, 768, 512, 128) == 11_796_480
    assert round(2 * dec / 1e6, 1) == 23.6  # MB at 2 bytes (fp16) per value
    assert kv_cache_values("encoder-only", 12, 768, 512, 0) == 0
    with pytest.raises(ValueError):
        kv_cache_values("rnn", 1, 8, 1, 1)
