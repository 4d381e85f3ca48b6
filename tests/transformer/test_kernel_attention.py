"""Tests of snippets/transformer/kernel_attention.py and its figure: softmax attention is a
Nadaraya-Watson smoother, linear attention's recurrence equals its quadratic form, random
features estimate the softmax kernel without bias and with an error that falls with m, and
every number that page Q24 states."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.attention import causal_mask, scaled_dot_product_attention
from snippets.transformer.kernel_attention import (
    elu_feature_map,
    gaussian_projection,
    kernel_smoother,
    linear_attention,
    linear_attention_recurrent,
    performer_attention,
    positive_random_features,
    relative_error,
    softmax_kernel,
    trig_random_features,
)
from snippets.transformer.kernel_attention_plots import performer_error, plot_performer_error


@pytest.fixture
def rng():
    return np.random.default_rng(2019_2020)


def qkv(rng, T=7, d=8, d_v=3, scale=1.0):
    return (scale * rng.standard_normal((T, d)), scale * rng.standard_normal((T, d)),
            rng.standard_normal((T, d_v)))


# -- the Nadaraya-Watson view --------------------------------------------------------------


@pytest.mark.parametrize("causal", [False, True])
@pytest.mark.parametrize("T", [1, 2, 9])
def test_smoother_with_the_softmax_kernel_is_softmax_attention(rng, causal, T):
    q, k, v = qkv(rng, T=T)
    mask = causal_mask(T) if causal else None
    ref, _ = scaled_dot_product_attention(q, k, v, mask)
    assert_allclose(kernel_smoother(q, k, v, softmax_kernel, causal), ref, atol=1e-12)


def test_smoother_matches_a_loop(rng):
    q, k, v = qkv(rng, T=4)
    out = kernel_smoother(q, k, v, softmax_kernel)
    for i in range(4):
        w = [math.exp(float(q[i] @ k[j]) / math.sqrt(8)) for j in range(4)]
        assert_allclose(out[i], sum(wj * v[j] for j, wj in enumerate(w)) / sum(w), atol=1e-12)


def test_gaussian_kernel_equals_softmax_when_keys_have_equal_norms(rng):
    # exp(-|q - k|^2 / 2 sqrt(d)) = exp(q.k / sqrt d) exp(-|q|^2 / 2 sqrt d) exp(-|k|^2 / 2 sqrt d):
    # the query factor cancels in the normalisation, the key factor is constant.
    q, k, v = qkv(rng, T=6)
    k = 2.0 * k / np.linalg.norm(k, axis=1, keepdims=True)
    d = q.shape[1]
    rbf = lambda a, b: np.exp(-((a[:, None] - b[None]) ** 2).sum(-1) / (2 * math.sqrt(d)))  # noqa
    assert_allclose(kernel_smoother(q, k, v, rbf), scaled_dot_product_attention(q, k, v)[0],
                    atol=1e-12)
    k[0] *= 3  # unequal norms: the two smoothers differ
    assert not np.allclose(kernel_smoother(q, k, v, rbf), scaled_dot_product_attention(q, k, v)[0])


def test_smoother_output_is_a_convex_combination(rng):
    q, k, v = qkv(rng, T=10, d_v=1)
    out = kernel_smoother(q, k, v, softmax_kernel)
    assert np.all(out >= v.min() - 1e-12) and np.all(out <= v.max() + 1e-12)


def test_softmax_kernel_is_not_symmetric_in_the_tokens_when_Wq_differs_from_Wk(rng):
    x = rng.standard_normal((5, 4))
    W_q, W_k = rng.standard_normal((2, 4, 4))
    K = softmax_kernel(x @ W_q, x @ W_k)  # K(x_i, x_j) = exp(x_i W_q W_k^T x_j / 2)
    assert not np.allclose(K, K.T)
    K_shared = softmax_kernel(x @ W_q, x @ W_q)
    assert_allclose(K_shared, K_shared.T)
    assert np.linalg.eigvalsh(K_shared).min() > 0  # shared projection: a PD Gram matrix


# -- linear attention ------------------------------------------------------------------------


def test_elu_feature_map_reference_and_positivity(rng):
    x = rng.standard_normal(100) * 5
    ref = np.array([xi + 1 if xi > 0 else math.exp(xi) for xi in x])
    assert_allclose(elu_feature_map(x), ref, rtol=1e-14)
    assert np.all(elu_feature_map(np.array([-30.0, 0.0, 800.0])) > 0)


@pytest.mark.parametrize("causal", [False, True])
def test_linear_attention_is_the_smoother_with_the_feature_kernel(rng, causal):
    q, k, v = qkv(rng, T=8)
    kernel = lambda a, b: elu_feature_map(a) @ elu_feature_map(b).T  # noqa: E731
    assert_allclose(linear_attention(q, k, v, causal=causal),
                    kernel_smoother(q, k, v, kernel, causal), atol=1e-12)


@pytest.mark.parametrize("T", [1, 2, 16, 33])
def test_recurrent_form_equals_quadratic_form(rng, T):
    q, k, v = qkv(rng, T=T, d=5, d_v=4)
    out, S = linear_attention_recurrent(q, k, v)
    assert_allclose(out, linear_attention(q, k, v, causal=True), atol=1e-12)
    # The last row of the causal form is the non-causal attention of the last query.
    assert_allclose(out[-1], linear_attention(q[-1:], k, v)[0], atol=1e-12)
    assert_allclose(S, elu_feature_map(k).T @ v, atol=1e-12)


def test_recurrent_state_does_not_grow_with_length(rng):
    shapes = {linear_attention_recurrent(*qkv(rng, T=T, d=6, d_v=2))[1].shape for T in (4, 400)}
    assert shapes == {(6, 2)}


def test_causal_linear_attention_ignores_the_future(rng):
    q, k, v = qkv(rng, T=6)
    out = linear_attention(q, k, v, causal=True)
    k2, v2 = k.copy(), v.copy()
    k2[4:], v2[4:] = 9.0, -9.0
    assert_allclose(linear_attention(q, k2, v2, causal=True)[:4], out[:4], atol=1e-12)


# -- random features -------------------------------------------------------------------------


@pytest.mark.parametrize("features", [positive_random_features, trig_random_features])
def test_random_features_are_unbiased_for_exp_dot(rng, features):
    x, y = 0.4 * rng.standard_normal((2, 1, 4))
    W = gaussian_projection(4, 200_000, rng)
    estimate = (features(x, W) @ features(y, W).T).item()
    assert estimate == pytest.approx(math.exp((x @ y.T).item()), rel=0.01)


def test_positive_features_reference_and_sign(rng):
    x, W = rng.standard_normal((3, 4)), rng.standard_normal((5, 4))
    ref = [[math.exp(float(W[i] @ x[t]) - float(x[t] @ x[t]) / 2) / math.sqrt(5)
            for i in range(5)] for t in range(3)]
    assert_allclose(positive_random_features(x, W), ref, rtol=1e-13)
    # Trig estimates of a small kernel value go negative; positive ones cannot.
    q, k = 1.5 * rng.standard_normal((2, 50, 8))
    W = gaussian_projection(8, 16, rng)
    assert (trig_random_features(q, W) @ trig_random_features(k, W).T).min() < 0
    assert (positive_random_features(q, W) @ positive_random_features(k, W).T).min() > 0


def test_performer_converges_to_softmax_attention(rng):
    q, k, v = qkv(rng, T=6, d=4, scale=0.5)
    exact, _ = scaled_dot_product_attention(q, k, v)
    W = gaussian_projection(4, 400_000, rng)
    assert relative_error(performer_attention(q, k, v, W), exact) < 0.01
    exact_c, _ = scaled_dot_product_attention(q, k, v, causal_mask(6))
    assert relative_error(performer_attention(q, k, v, W, causal=True), exact_c) < 0.01


def test_relative_error_reference():
    assert relative_error(np.array([3.0, 4.0]), np.array([0.0, 5.0])) == pytest.approx(
        math.sqrt(9 + 1) / 5)
    assert relative_error(np.ones(3), np.ones(3)) == 0.0


# -- the page's numbers ------------------------------------------------------------------------


def test_error_falls_like_one_over_sqrt_m_for_flat_attention():
    # Page: logit std 0.25, T = 64, d = 16, 20 draws: 0.48 at m = 16, 0.17 at m = 256,
    # 0.06 at m = 2048; each 4x more features divides the error by about 2 at large m.
    err = performer_error([16, 256, 2048], sigma=0.5)
    assert_allclose(err, [0.48, 0.17, 0.06], atol=0.005)
    e = performer_error([512, 2048], sigma=0.5)
    assert 1.8 < e[0] / e[1] < 2.2
    assert np.all(np.diff(performer_error([8, 32, 128, 512, 2048], sigma=0.5)) < 0)


def test_error_stays_large_for_peaked_attention():
    # Page: logit std 1: positive features 1.35 at m = 16 and still 0.74 at m = 2048;
    # trig features about 59 at m = 16 (negative normalisers) and 1.4 at m = 2048.
    pos = performer_error([16, 2048], sigma=1.0)
    trig = performer_error([16, 2048], sigma=1.0, feature="trig")
    assert_allclose(pos, [1.35, 0.74], atol=0.005)
    assert 55 < trig[0] < 62 and 1.35 < trig[1] < 1.5
    # Trig features win for flat attention at large m, lose badly for peaked attention.
    assert performer_error([2048], 0.5, "trig")[0] < performer_error([2048], 0.5)[0]


def test_figure_ranges_stated_in_the_alt_text_and_prose():
    # Page: flat attention, positive features from about 0.6 (m = 8) to 0.06 (m = 2048) and
    # trigonometric ones to 0.03; peaked attention, positive from about 1.4 to 0.74 and
    # trigonometric ones erratic between about 7 and 160, 1.4 only at m = 2048.
    ms = [8, 16, 32, 64, 128, 256, 512, 1024, 2048]
    flat_pos, flat_trig = performer_error(ms, 0.5), performer_error(ms, 0.5, "trig")
    assert_allclose([flat_pos[0], flat_pos[-1], flat_trig[-1]], [0.6, 0.06, 0.03], atol=0.005)
    peak_pos, peak_trig = performer_error(ms, 1.0), performer_error(ms, 1.0, "trig")
    assert_allclose([peak_pos[0], peak_pos[-1]], [1.4, 0.74], atol=0.015)
    assert 7 < peak_trig[:-1].min() < 8 and 155 < peak_trig.max() < 165
    assert peak_trig[-1] < peak_trig[:-1].min()


def test_plot_draws_both_panels():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_performer_error()
    assert len(fig.axes) == 2 and all(len(ax.lines) == 3 for ax in fig.axes)


def test_state_versus_kv_cache_and_taylor_feature_count():
    # Page: with d_phi = d_v = d_h = 128 the state holds 16,384 numbers, the KV cache of
    # 64 tokens (2 t d_h); a degree-2 Taylor feature map has 1 + d + d^2 = 16,513 features.
    rng = np.random.default_rng(0)
    _, S = linear_attention_recurrent(*(rng.standard_normal((3, 128)) for _ in range(3)))
    assert S.size == 16_384 == 2 * 64 * 128
    assert 1 + 128 + 128**2 == 16_513
