"""Tests of snippets/serving/capacity.py: parameter counts against the published model sizes, the KV
cache formula, and every capacity, throughput and cost number of Q53."""

import numpy as np
import pytest

from snippets.serving.capacity import (H100_SXM, LLAMA2_7B, LLAMA2_13B, LLAMA2_70B, LLAMA3_8B,
                               LLAMA3_70B, Model, decode_step_seconds, kv_bytes_per_token,
                               kv_budget_bytes, max_sequences, param_count,
                               tokens_per_second, usd_per_million_tokens)
from snippets.serving.capacity_plots import plot_cost_vs_batch

PRICE = 2.0  # the assumed USD per GPU-hour of Q53's worked example


def naive_param_count(m):
    """Reference: list every weight matrix of a Llama-style decoder and add up its size."""
    d, d_kv = m.d_model, m.n_kv_heads * m.head_dim
    layer = [(d, d), (d, d_kv), (d, d_kv), (d, d),  # W_q, W_k, W_v, W_o
             (d, m.d_ff), (d, m.d_ff), (m.d_ff, d),  # gate, up, down
             (d, 1), (d, 1)]  # two RMSNorm gains
    shapes = layer * m.n_layers + [(m.vocab, d), (m.vocab, d), (d, 1)]
    return int(sum(np.prod(s) for s in shapes))


# -- model sizes ----------------------------------------------------------------------------


@pytest.mark.parametrize("m, published", [
    (LLAMA2_7B, 6_738_415_616),  # "6.74B"
    (LLAMA2_13B, 13_015_864_320),  # "13.0B"
    (LLAMA2_70B, 68_976_648_192),  # "69.0B"
    (LLAMA3_8B, 8_030_261_248),  # "8.03B"
    (LLAMA3_70B, 70_553_706_496),  # "70.6B"
])
def test_param_count_matches_published_sizes(m, published):
    assert param_count(m) == naive_param_count(m) == published


@pytest.mark.parametrize("m, kib", [(LLAMA2_7B, 512), (LLAMA2_13B, 800), (LLAMA2_70B, 320),
                                    (LLAMA3_8B, 128), (LLAMA3_70B, 320)])
def test_kv_bytes_per_token_quoted_in_q53(m, kib):
    assert kv_bytes_per_token(m) == kib * 1024


def test_kv_cache_scales_with_kv_heads_not_query_heads():
    mha = Model("Llama 3 8B with MHA", 32, 4096, 14336, 32, 32, 128256)
    assert kv_bytes_per_token(mha) == 4 * kv_bytes_per_token(LLAMA3_8B)  # GQA: 32 / 8 heads
    assert kv_bytes_per_token(LLAMA3_8B, bytes_per_value=1) * 2 == kv_bytes_per_token(LLAMA3_8B)


# -- capacity -----------------------------------------------------------------------------


@pytest.mark.parametrize("m, n_gpus, ctx, weight_bytes, expected", [
    (LLAMA3_8B, 1, 8192, 2.0, 52),
    (LLAMA3_8B, 1, 4096, 2.0, 104),
    (LLAMA3_8B, 1, 2048, 2.0, 208),
    (LLAMA2_7B, 1, 4096, 2.0, 27),  # no GQA: 4x the cache per token
    (LLAMA3_70B, 8, 8192, 2.0, 162),
    (LLAMA3_70B, 1, 8192, 2.0, 0),  # 141 GB of weights do not fit in 72 GB
    (LLAMA3_70B, 1, 8192, 4.125 / 8, 13),  # INT4 with group-128 fp16 scales
    (LLAMA3_70B, 2, 8192, 4.125 / 8, 40),
    (LLAMA3_70B, 1, 8192, 1.0, 0),  # FP8 weights fit, but leave no room for a cache
])
def test_max_sequences_quoted_in_q53(m, n_gpus, ctx, weight_bytes, expected):
    assert max_sequences(m, H100_SXM, n_gpus, ctx, weight_bytes) == expected


def test_kv_budget_reference():
    # 1 x 80 GB, 10% runtime overhead, 16.06 GB of bf16 weights
    assert round(2 * param_count(LLAMA3_8B) / 1e9, 2) == 16.06
    assert round(kv_budget_bytes(LLAMA3_8B, H100_SXM, 1) / 1e9, 2) == 55.94
    assert round(kv_budget_bytes(LLAMA3_70B, H100_SXM, 8) / 1e9, 1) == 434.9
    # Llama 3 70B at 4.125 bits per weight on one GPU (Q77's follow-up)
    assert round(param_count(LLAMA3_70B) * 4.125 / 8 / 1e9, 1) == 36.4
    assert round(param_count(LLAMA3_70B) / 1e9) == 71  # FP8 weights, GB
    assert round(kv_budget_bytes(LLAMA3_70B, H100_SXM, 1, weight_bytes=4.125 / 8) / 1e9, 1) == 35.6


@pytest.mark.parametrize("m, gb", [(LLAMA2_7B, 13.5), (LLAMA2_13B, 26.0), (LLAMA2_70B, 138.0),
                                   (LLAMA3_8B, 16.1), (LLAMA3_70B, 141.1)])
def test_bf16_weight_table_quoted_in_q53(m, gb):
    assert round(2 * param_count(m) / 1e9, 1) == gb


def test_cache_versus_weights_quoted_in_q53():
    weights = 2 * param_count(LLAMA3_8B)
    cache = 52 * 8192 * kv_bytes_per_token(LLAMA3_8B)
    assert round(cache / 1e9, 1) == 55.8 and round(cache / weights, 1) == 3.5
    # 4-bit weights with group-128 fp16 scales free about 12 GB on the 8B model
    assert round((weights - param_count(LLAMA3_8B) * 4.125 / 8) / 1e9) == 12
    # GQA: 104 against 27 sequences at 4,096 tokens; both full-cache steps take about 21 ms,
    # so Llama 3 8B produces 3.8 times the tokens per second of Llama 2 7B
    assert max_sequences(LLAMA3_8B, H100_SXM, 1, 4096) == 104
    assert max_sequences(LLAMA2_7B, H100_SXM, 1, 4096) == 27
    for m, b in ((LLAMA3_8B, 104), (LLAMA2_7B, 27)):
        assert round(decode_step_seconds(m, H100_SXM, 1, b, 4096) * 1e3) == 21
    ratio = (tokens_per_second(LLAMA3_8B, H100_SXM, 1, 104, 4096)
             / tokens_per_second(LLAMA2_7B, H100_SXM, 1, 27, 4096))
    assert round(ratio, 1) == 3.8


def test_datasheet_capacity_is_conservative():
    # the calculator's 80e9 bytes against the 81,559 MiB an H100 80GB exposes (85.5e9 bytes)
    exposed = 81559 * 2**20
    assert round(exposed / 1e9, 1) == 85.5 and H100_SXM.memory < exposed


def test_cache_per_sequence_at_8k():
    assert kv_bytes_per_token(LLAMA3_8B) * 8192 == 2**30  # 1 GiB
    assert kv_bytes_per_token(LLAMA3_70B) * 8192 == 2.5 * 2**30  # 2.5 GiB


def test_capacity_invariants():
    by_ctx = [max_sequences(LLAMA3_8B, H100_SXM, 1, c) for c in (1024, 2048, 4096, 8192, 16384)]
    assert all(a >= b for a, b in zip(by_ctx, by_ctx[1:]))
    # an fp8 KV cache holds twice the tokens (up to flooring)
    assert max_sequences(LLAMA3_8B, H100_SXM, 1, 8192, kv_bytes=1) == 104
    assert max_sequences(LLAMA3_8B, H100_SXM, 1, 8192, overhead=1.0) == 0


# -- throughput and cost ---------------------------------------------------------------------


def test_decode_numbers_quoted_in_q53():
    full = tokens_per_second(LLAMA3_8B, H100_SXM, 1, 52, 8192)
    single = tokens_per_second(LLAMA3_8B, H100_SXM, 1, 1, 8192)
    assert round(full) == 2423 and round(single, 1) == 195.5
    assert round(usd_per_million_tokens(full, 1, PRICE), 2) == 0.23
    assert round(usd_per_million_tokens(single, 1, PRICE), 2) == 2.84
    big = tokens_per_second(LLAMA3_70B, H100_SXM, 8, 162, 8192)
    assert round(big) == 7538
    assert round(usd_per_million_tokens(big, 8, PRICE), 2) == 0.59
    assert round(decode_step_seconds(LLAMA3_70B, H100_SXM, 8, 162, 8192) * 1e3, 1) == 21.5
    assert round(usd_per_million_tokens(single, 1, PRICE) / usd_per_million_tokens(full, 1, PRICE)) == 12


def test_full_cache_fixes_the_step_time():
    # a full KV cache reads about the same bytes per step whatever the context length
    for batch, ctx in ((52, 8192), (208, 2048)):
        assert round(decode_step_seconds(LLAMA3_8B, H100_SXM, 1, batch, ctx) * 1e3, 1) == 21.5
    short = tokens_per_second(LLAMA3_8B, H100_SXM, 1, 208, 2048)
    assert round(short) == 9692
    assert round(usd_per_million_tokens(short, 1, PRICE), 3) == 0.057


def test_decode_is_memory_bound_at_these_batches():
    N = param_count(LLAMA3_8B)
    assert round(2 * N * 52 / H100_SXM.peak_flops * 1e3, 1) == 0.8  # the FLOP term, ms
    for batch in (1, 52):
        bytes_read = 2 * N + batch * 8192 * kv_bytes_per_token(LLAMA3_8B)
        t = decode_step_seconds(LLAMA3_8B, H100_SXM, 1, batch, 8192)
        assert t == pytest.approx(bytes_read / H100_SXM.bandwidth, rel=1e-12)
    # with a tiny context and a huge batch the FLOP term takes over
    t = decode_step_seconds(LLAMA3_8B, H100_SXM, 1, 4096, 1)
    assert t == pytest.approx(2 * N * 4096 / H100_SXM.peak_flops, rel=1e-12)


def test_cost_reference_and_invariants():
    assert usd_per_million_tokens(1000.0, 1, 3.6) == pytest.approx(1.0, rel=1e-12)
    assert usd_per_million_tokens(1000.0, 8, 3.6) == pytest.approx(8.0, rel=1e-12)
    costs = [usd_per_million_tokens(tokens_per_second(LLAMA3_8B, H100_SXM, 1, b, 2048), 1, PRICE)
             for b in (1, 8, 64, 208)]
    assert all(a > b for a, b in zip(costs, costs[1:]))


# -- the figure ---------------------------------------------------------------------------


def test_plot_cost_vs_batch():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_cost_vs_batch()
    ax = fig.axes[0]
    assert len(ax.get_lines()) == 4 and ax.get_xlabel() and ax.get_ylabel()  # 2 curves, 2 marks
