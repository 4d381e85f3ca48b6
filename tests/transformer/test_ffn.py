"""Tests of snippets/transformer/ffn.py: every number Q32 and Q15 state, plus references."""

import numpy as np
import pytest

from snippets.specs import LLAMA2_13B, LLAMA2_70B, LLAMA2_7B, LLAMA3_70B, LLAMA3_8B, \
    MIXTRAL_8X7B
from snippets.transformer.activations import relu, silu
from snippets.transformer.ffn import (attention_params, block_params, ffn, ffn_params,
                                      ffn_share, memory_coefficients, memory_ffn, model_params,
                                      attention_overtakes_ffn,
                                      swiglu_ffn, swiglu_width, top_memories)
from snippets.transformer.ffn_plots import plot_parameter_shares

MX = MIXTRAL_8X7B


@pytest.fixture
def rng():
    return np.random.default_rng(0)


# -- the FFN itself ------------------------------------------------------------------------


def test_ffn_matches_a_per_position_loop(rng):
    x, W1, W2 = rng.normal(size=(6, 4)), rng.normal(size=(4, 16)), rng.normal(size=(16, 4))
    b1, b2 = rng.normal(size=16), rng.normal(size=4)
    loop = np.stack([relu(x[t] @ W1 + b1) @ W2 + b2 for t in range(6)])
    np.testing.assert_allclose(ffn(x, W1, W2, b1, b2, act=relu), loop, rtol=1e-12)


def test_ffn_is_position_wise_permuting_tokens_permutes_outputs(rng):
    x, W1, W2 = rng.normal(size=(2, 5, 4)), rng.normal(size=(4, 8)), rng.normal(size=(8, 4))
    perm = rng.permutation(5)
    np.testing.assert_allclose(ffn(x[:, perm], W1, W2), ffn(x, W1, W2)[:, perm], rtol=1e-12)


def test_swiglu_ffn_matches_the_formula_and_handles_t_equal_1(rng):
    d, d_ff = 8, 12
    Wg, Wu, Wd = rng.normal(size=(d, d_ff)), rng.normal(size=(d, d_ff)), rng.normal(size=(d_ff, d))
    x = rng.normal(size=(1, d))
    h = x @ Wg
    expected = (h / (1 + np.exp(-h)) * (x @ Wu)) @ Wd
    np.testing.assert_allclose(swiglu_ffn(x, Wg, Wu, Wd), expected, rtol=1e-12)
    assert swiglu_ffn(np.zeros((0, d)), Wg, Wu, Wd).shape == (0, d)


def test_swiglu_ffn_is_linear_in_the_up_branch(rng):
    d, d_ff = 4, 6
    Wg, Wu, Wd = rng.normal(size=(d, d_ff)), rng.normal(size=(d, d_ff)), rng.normal(size=(d_ff, d))
    x = rng.normal(size=(3, d))
    np.testing.assert_allclose(swiglu_ffn(x, Wg, 2 * Wu, Wd), 2 * swiglu_ffn(x, Wg, Wu, Wd))


# -- widths: 8d/3 keeps the 4d budget ------------------------------------------------------


@pytest.mark.parametrize("d", [768, 1536, 2304, 3072])
def test_eight_thirds_d_gated_has_the_parameters_of_four_d_plain(d):
    # Shazeer (2020): three matrices of width 8d/3 = two of width 4d (d divisible by 3).
    assert ffn_params(d, 8 * d // 3, gated=True) == ffn_params(d, 4 * d, gated=False)
    assert ffn_params(d, 8 * d // 3) == 8 * d * d


def test_t5_base_width_2048_of_the_glu_paper():
    assert swiglu_width(768, multiple_of=1) == 2048


@pytest.mark.parametrize("m,multiple_of,mult", [
    (LLAMA2_7B, 256, None), (LLAMA2_13B, 256, None), (LLAMA3_8B, 1024, 1.3),
    (LLAMA2_70B, 4096, 1.3), (LLAMA3_70B, 4096, 1.3),
])
def test_llama_rounding_reproduces_the_released_widths(m, multiple_of, mult):
    assert swiglu_width(m.d_model, multiple_of, mult) == m.d_ff


def test_llama3_8b_ffn_is_1_3125_times_the_4d_budget():
    assert ffn_params(LLAMA3_8B.d_model, LLAMA3_8B.d_ff) / (8 * LLAMA3_8B.d_model ** 2) == 1.3125
    assert LLAMA2_7B.d_ff == 43 * 256 and int(2 * 4 * 4096 / 3) == 10922


def test_width_ratios_on_the_page():
    assert LLAMA2_7B.d_ff / LLAMA2_7B.d_model == 2.6875
    assert LLAMA3_8B.d_ff / LLAMA3_8B.d_model == 3.5 == LLAMA2_70B.d_ff / LLAMA2_70B.d_model
    assert LLAMA3_70B.d_ff / LLAMA3_70B.d_model == 3.5  # the Q15 table's "3.5 d (70B)"


# -- parameter shares ---------------------------------------------------------------------


def test_standard_block_is_8d2_of_12d2():
    d = 1024
    attn, ffn_w = attention_params(d, 16, 16, 64), ffn_params(d, 4 * d, gated=False)
    assert attn == 4 * d * d and ffn_w == 8 * d * d and ffn_w / (attn + ffn_w) == 2 / 3


def test_block_params_match_a_count_of_allocated_matrices(rng):
    # Reference: allocate the matrices of a small GQA SwiGLU block and count them.
    from snippets.specs import Model
    m = Model("toy", 1, 64, 176, 8, 2, 100)
    shapes = [(64, 64), (64, 16), (64, 16), (64, 64), (64, 176), (64, 176), (176, 64)]
    assert sum(block_params(m)) == sum(np.zeros(s).size for s in shapes) + 2 * 64


def test_shares_on_the_page():
    assert round(ffn_share(LLAMA2_7B), 3) == 0.668
    assert round(ffn_share(LLAMA3_8B), 3) == 0.808
    assert round(ffn_share(LLAMA2_70B), 3) == 0.824
    assert round(ffn_share(MX.model, MX.n_experts), 3) == 0.971
    assert round(ffn_share(MX.model, MX.n_experts, MX.top_k), 3) == 0.894
    assert block_params(LLAMA3_8B)[:2] == (41943040, 176160768)


def test_the_block_table_in_millions():
    M = lambda n: round(n / 1e6, 1)  # noqa: E731
    assert [M(n) for n in block_params(LLAMA2_7B)[:2]] == [67.1, 135.3]
    assert [M(n) for n in block_params(LLAMA3_8B)[:2]] == [41.9, 176.2]
    assert [M(n) for n in block_params(LLAMA2_70B)[:2]] == [151.0, 704.6]
    assert M(block_params(MX.model, MX.n_experts)[1]) == 1409.3
    active = MX.top_k * ffn_params(MX.model.d_model, MX.model.d_ff) + MX.model.d_model * 8
    assert M(active) == 352.4


def test_totals_on_the_page():
    # Touvron et al. (2023) and Llama 3 model card: 6.74B and 8.03B; Jiang et al. (2024): 47B
    # total, 13B active for Mixtral.
    assert model_params(LLAMA2_7B) == 6738415616
    assert model_params(LLAMA3_8B) == 8030261248
    assert model_params(MX.model, MX.n_experts) == 46702792704
    assert model_params(MX.model, MX.n_experts, MX.top_k) == 12879925248
    ffn_total = MX.model.n_layers * block_params(MX.model, MX.n_experts)[1]
    assert round(ffn_total / model_params(MX.model, MX.n_experts), 3) == 0.966


def test_one_expert_moe_reduces_to_dense_plus_router():
    m = LLAMA2_7B
    assert block_params(m, 1) == block_params(m)
    assert ffn_share(m, 1) == ffn_share(m)


# -- key-value memories -------------------------------------------------------------------


def test_ffn_output_is_the_coefficient_weighted_sum_of_value_vectors(rng):
    x, W1, W2 = rng.normal(size=(4,)), rng.normal(size=(4, 10)), rng.normal(size=(10, 4))
    m = memory_coefficients(x, W1)
    np.testing.assert_allclose(ffn(x, W1, W2), sum(m[i] * W2[i] for i in range(10)),
                               rtol=1e-12)


def test_a_memory_ffn_recalls_the_token_stored_with_each_pattern(rng):
    # Keys: 64 random unit patterns in d = 128; values: the output embedding of the token
    # stored with each. A noisy pattern (cosine about 0.7 to the clean one) still recalls its
    # token through the unembedding argmax, for every one of the 64 memories.
    d, n, vocab = 128, 64, 500
    K = rng.normal(size=(n, d))
    K /= np.linalg.norm(K, axis=1, keepdims=True)
    E = rng.normal(size=(vocab, d)) / np.sqrt(d)  # unembedding
    stored = rng.choice(vocab, size=n, replace=False)
    W1, b1, W2 = memory_ffn(K, E[stored], threshold=0.4)
    hits, fired = 0, []
    for i in range(n):
        x = K[i] + rng.normal(size=d) / np.sqrt(d)
        assert abs(x @ K[i] / np.linalg.norm(x) - 0.7) < 0.15
        logits = ffn(x, W1, W2, b1, act=relu) @ E.T
        hits += int(np.argmax(logits) == stored[i])
        fired.append(int((memory_coefficients(x, W1, relu) + b1 > 0).sum()))
        assert top_memories(x, W1, k=1, act=lambda z: z)[0] == i
    assert hits == n
    assert np.mean(fired) < 3  # a pattern opens its own memory and almost no other


def test_memory_ffn_is_silent_on_an_input_that_matches_no_key(rng):
    K = np.eye(4)
    W1, b1, W2 = memory_ffn(K, rng.normal(size=(4, 4)), threshold=0.5)
    assert not ffn(0.15 * np.ones(4), W1, W2, b1, act=relu).any()


def test_attention_overtakes_the_ffn_where_a_direct_count_says():
    # Reference: per-token, per-layer FLOPs counted directly at the crossover length.
    m = LLAMA3_8B
    n = attention_overtakes_ffn(m)
    assert n == 21504
    attn_scores = 2 * n * m.head_dim * m.n_heads * 2  # QK^T and PV, 2 FLOPs per MAC
    ffn_flops = 2 * ffn_params(m.d_model, m.d_ff)
    assert attn_scores == ffn_flops
    assert attention_overtakes_ffn(LLAMA2_7B) == 1.5 * LLAMA2_7B.d_ff == 16512


def test_embeddings_are_13_percent_of_llama3_8b():
    emb = 2 * LLAMA3_8B.vocab * LLAMA3_8B.d_model
    assert emb == 1050673152
    assert round(emb / model_params(LLAMA3_8B), 3) == 0.131


def test_attention_outputs_stay_inside_the_range_of_the_values(rng):
    # Softmax weights are positive and sum to 1, so each output is a convex combination of
    # the value rows: attention alone never leaves their coordinate-wise range.
    from snippets.generation.attention import scaled_dot_product_attention
    q, k, v = rng.normal(size=(3, 9, 5)) * 4.0
    out, _ = scaled_dot_product_attention(q, k, v)
    assert (out <= v.max(axis=0) + 1e-12).all() and (out >= v.min(axis=0) - 1e-12).all()


def test_top_memories_orders_by_coefficient():
    W1 = np.eye(3)
    assert top_memories(np.array([0.1, 3.0, 2.0]), W1, k=3, act=silu).tolist() == [1, 2, 0]


def test_plot_parameter_shares_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plot_parameter_shares()
    assert len(fig.axes) == 1
    plt.close(fig)
