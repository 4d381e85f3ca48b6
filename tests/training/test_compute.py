"""Tests of snippets/training/compute.py: FLOP counts, C = 6ND on published runs, MFU."""

import pytest
from numpy.testing import assert_allclose

from snippets.specs import (GPT3_175B, H100_SXM, LLAMA3_8B, LLAMA3_70B, LLAMA3_405B,
                            PALM_540B, TPU_V4)
from snippets.training.compute import (attention_fraction, forward_flops_per_token, mfu,
                                       training_days, training_flops,
                                       training_flops_per_token)
from snippets.transformer.ffn import model_params

# PaLM 540B's training throughput (Chowdhery et al., 2022, Table 3).
PALM_TOKENS_PER_S, PALM_CHIPS = 238.3e3, 6144


def naive_gpt_forward_flops(L, d, n_ctx):
    """Independent count: every matmul of one token through a GPT layer, 2 FLOPs per MAC."""
    per_layer = 0
    for n_in, n_out in [(d, 3 * d), (d, d), (d, 4 * d), (4 * d, d)]:  # QKV, O, MLP up/down
        per_layer += 2 * n_in * n_out
    per_layer += 2 * n_ctx * d  # q . k for every key of the context, all heads
    per_layer += 2 * n_ctx * d  # softmax-weighted sum of every value
    return L * per_layer


def test_forward_flops_match_matmul_by_matmul_count():
    L, d, n_ctx = GPT3_175B.n_layers, GPT3_175B.d_model, 2048
    n = 12 * L * d**2  # Kaplan et al.'s non-embedding parameter count
    assert forward_flops_per_token(n, L, n_ctx, d) == naive_gpt_forward_flops(L, d, n_ctx)


@pytest.mark.parametrize("n,L,ctx,d", [(7e9, 0, 0, 0), (175e9, 96, 2048, 12288)])
def test_training_is_three_forward_passes(n, L, ctx, d):
    assert training_flops_per_token(n, L, ctx, d) == 3 * forward_flops_per_token(n, L, ctx, d)


def test_gpt3_run_is_the_published_compute():
    # Brown et al. (2020), Table D.1: 3.14e23 FLOPs for 175B parameters on 300B tokens.
    c = training_flops(175e9, 300e9)
    assert_allclose(c, 3.15e23, rtol=1e-12)
    assert_allclose(c, 3.14e23, rtol=0.005)


def test_llama3_405b_run_is_the_published_compute():
    # Grattafiori et al. (2024): 405B parameters, 15.6T tokens, 3.8e25 FLOPs.
    n = model_params(LLAMA3_405B)
    assert n == 405_853_388_800
    assert_allclose(training_flops(n, 15.6e12), 3.8e25, rtol=0.005)


def test_compute_is_linear_in_params_and_tokens():
    assert training_flops(2e9, 3e12) == 2 * training_flops(1e9, 3e12)
    assert training_flops(1e9, 6e12) == 2 * training_flops(1e9, 3e12)


def test_palm_mfu_reproduces_the_paper():
    # Table 3: 238.3K tokens/s on 6,144 TPU v4 chips is 46.2% MFU.
    p = PALM_540B
    f = training_flops_per_token(p["n_params"], p["n_layers"], p["n_ctx"], p["d_attn"])
    assert_allclose(f, 3.2777e12, rtol=1e-4)
    assert round(mfu(PALM_TOKENS_PER_S, f, PALM_CHIPS, TPU_V4.peak_flops), 3) == 0.462
    # Without the attention term the same throughput reads as 45.7%.
    assert round(mfu(PALM_TOKENS_PER_S, 6 * p["n_params"], PALM_CHIPS, TPU_V4.peak_flops), 3) == 0.457


def test_mfu_is_one_at_peak_and_linear_in_throughput():
    peak = H100_SXM.peak_flops
    assert mfu(peak / 6e9, 6e9, 1, peak) == pytest.approx(1.0)
    assert mfu(2.0, 6e9, 8, peak) == pytest.approx(2 * mfu(1.0, 6e9, 8, peak))


def test_attention_share_grows_with_context():
    assert round(attention_fraction(175e9, 96, 2048, 12288), 3) == 0.027
    n8 = model_params(LLAMA3_8B)
    shares = [attention_fraction(n8, 32, ctx, 4096) for ctx in (8192, 131072)]
    assert [round(x, 2) for x in shares] == [0.21, 0.81]
    n405 = model_params(LLAMA3_405B)
    assert round(attention_fraction(n405, 126, 8192, 16384), 3) == 0.077
    assert attention_fraction(1e9, 1, 0, 64) == 0.0


def test_llama3_405b_days_at_forty_percent_mfu():
    days = training_days(training_flops(model_params(LLAMA3_405B), 15.6e12), 16384,
                         H100_SXM.peak_flops, 0.40)
    assert round(days) == 68
    # Half the chips, twice the days.
    assert_allclose(training_days(1e24, 8192, 1e15, 0.4), 2 * training_days(1e24, 16384,
                                                                             1e15, 0.4))


def test_deepseek_v3_by_active_params():
    # DeepSeek-AI (2024): 37B activated parameters, 14.8T tokens, 2.664M H800 GPU hours of
    # pre-training (2.788M with context extension and post-training); the H800's dense BF16
    # peak is the H100's.
    c = training_flops(37e9, 14.8e12)
    assert_allclose(c, 3.2856e24, rtol=1e-12)
    hours = 2.664e6
    assert round(c / (hours * 3600 * H100_SXM.peak_flops), 2) == 0.35
    # The same FLOPs over the FP8 peak (twice the BF16 one) read as half the utilisation.
    assert_allclose(mfu(c / (hours * 3600), 1.0, 1, 2 * H100_SXM.peak_flops),
                    0.5 * mfu(c / (hours * 3600), 1.0, 1, H100_SXM.peak_flops))


def test_worked_figures_of_the_page():
    n70, n405 = model_params(LLAMA3_70B), model_params(LLAMA3_405B)
    # Llama 3 70B on 15T tokens, 1,024 H100s at 40% MFU.
    assert_allclose(training_flops(n70, 15e12), 6.35e24, rtol=0.001)
    assert round(training_days(training_flops(n70, 15e12), 1024, H100_SXM.peak_flops,
                               0.40)) == 181
    # Serving (2N per token) overtakes training (6N per token) after 3D tokens.
    d = 15.6e12
    assert_allclose(training_flops(n405, d) / forward_flops_per_token(n405), 3 * d)
    assert round(attention_fraction(n405, 126, 8192, 16384), 2) == 0.08


def test_embedding_share_and_attention_crossover():
    for m, share in [(LLAMA3_8B, 0.065), (LLAMA3_405B, 0.005)]:
        assert round(m.vocab * m.d_model / model_params(m), 3) == share
    L, d = GPT3_175B.n_layers, GPT3_175B.d_model
    assert 6 * d == 73_728
    assert attention_fraction(12 * L * d**2, L, 6 * d, d) == 0.5
