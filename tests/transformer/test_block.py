"""Tests of snippets/transformer/block.py: the forward pass against explicit loops, the manual
backward pass against finite differences, and the saved bytes against Korthikanti et al."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.specs import GPT3_175B
from snippets.transformer.block import (block_backward, block_forward, gelu, init_block,
                                        korthikanti_bytes, saved_bytes)

VARIANTS = [("layer", False), ("rms", False), ("layer", True), ("rms", True)]


@pytest.fixture
def rng():
    return np.random.default_rng(13)


def naive_block(p, x):
    """Independent reference for one sequence: positions and heads in Python loops."""
    s, d = x.shape
    H = p["n_heads"]
    d_h = d // H

    def norm(v, g):
        if p["norm"] == "layer":
            v = v - v.mean()
        return g * v / math.sqrt(np.mean(v * v) + 1e-5)

    def gelu_exact(u):
        return 0.5 * u * (1 + np.tanh(math.sqrt(2 / math.pi) * (u + 0.044715 * u**3)))

    h = np.array([norm(r, p["g_1"]) for r in x])
    q, k, v = h @ p["W_q"], h @ p["W_k"], h @ p["W_v"]
    o = np.zeros((s, d))
    for i in range(s):
        for a in range(H):
            c = slice(a * d_h, (a + 1) * d_h)
            sc = np.array([q[i, c] @ k[j, c] / math.sqrt(d_h) for j in range(i + 1)])
            w = np.exp(sc - sc.max()) / np.exp(sc - sc.max()).sum()
            o[i, c] = sum(w[j] * v[j, c] for j in range(i + 1))
    x1 = x + o @ p["W_o"]
    h2 = np.array([norm(r, p["g_2"]) for r in x1])
    return x1 + gelu_exact(h2 @ p["W_1"]) @ p["W_2"]


@pytest.mark.parametrize("norm", ["layer", "rms"])
@pytest.mark.parametrize("s", [1, 2, 7])
def test_forward_matches_naive_loops(rng, norm, s):
    p = init_block(rng, d=12, n_heads=3, norm=norm, std=0.3)
    x = rng.normal(size=(2, s, 12))
    y, _ = block_forward(p, x)
    for b in range(2):
        assert_allclose(y[b], naive_block(p, x[b]), rtol=1e-10, atol=1e-12)


def test_gelu_tanh_form_is_close_to_the_exact_gelu_and_its_derivative_is_right():
    u = np.linspace(-6, 6, 241)
    exact = np.array([0.5 * t * (1 + math.erf(t / math.sqrt(2))) for t in u])
    g, dg = gelu(u)
    assert np.max(np.abs(g - exact)) < 1e-3
    e = 1e-6
    assert_allclose(dg, (gelu(u + e)[0] - gelu(u - e)[0]) / (2 * e), atol=1e-8)


def numerical(loss, x, e=1e-6, n=None):
    idx = list(np.ndindex(x.shape))[:n]
    out = []
    for i in idx:
        xp, xm = x.copy(), x.copy()
        xp[i] += e
        xm[i] -= e
        out.append((loss(xp) - loss(xm)) / (2 * e))
    return idx, np.array(out)


@pytest.mark.parametrize("norm,post", VARIANTS)
@pytest.mark.parametrize("p_drop", [0.0, 0.25])
def test_backward_matches_finite_differences(rng, norm, post, p_drop):
    p = init_block(rng, d=8, n_heads=2, norm=norm, post_norm=post, std=0.3, alpha=1.3)
    x, dy = rng.normal(size=(2, 4, 8)), rng.normal(size=(2, 4, 8))

    def run(pp, xx):  # same dropout masks on every call: a fixed seed
        return block_forward(pp, xx, True, p_drop, np.random.default_rng(5))

    _, S = run(p, x)
    dx, G = block_backward(p, S, dy)
    idx, num = numerical(lambda z: np.sum(run(p, z)[0] * dy), x)
    assert_allclose([dx[i] for i in idx], num, atol=1e-7)
    for name, grad in G.items():
        def loss(w, name=name):
            return np.sum(run(dict(p, **{name: w}), x)[0] * dy)
        idx, num = numerical(loss, p[name], n=24)
        assert_allclose([grad[i] for i in idx], num, atol=1e-7, err_msg=name)
    assert set(G) == {"W_q", "W_k", "W_v", "W_o", "W_1", "W_2", "g_1", "g_2"}


@pytest.mark.parametrize("s,b,h,a", [(1, 1, 8, 2), (6, 3, 16, 4), (16, 2, 32, 8)])
def test_saved_bytes_equal_korthikanti_formula(rng, s, b, h, a):
    p = init_block(rng, d=h, n_heads=a)
    _, S = block_forward(p, rng.normal(size=(b, s, h)), True, 0.1, rng)
    assert saved_bytes(S) == korthikanti_bytes(s, b, h, a) == s * b * h * (34 + 5 * a * s / h)


def test_without_dropout_the_masks_and_the_second_probability_copy_go(rng):
    s, b, h, a = 8, 2, 16, 4
    p = init_block(rng, d=h, n_heads=a)
    _, S = block_forward(p, rng.normal(size=(b, s, h)))
    assert saved_bytes(S) == 32 * s * b * h + 2 * a * s * s * b


def test_korthikanti_numbers_for_gpt3_175b():
    m = GPT3_175B
    per_layer = korthikanti_bytes(2048, 1, m.d_model, m.n_heads)
    assert 5 * m.n_heads * 2048 / m.d_model == 80  # 5as/h against the 34 of the rest
    assert per_layer / 2**30 == pytest.approx(2.67, abs=0.005)
    assert round(80 / (34 + 80), 2) == 0.70  # share of the s^2 attention terms
    assert m.n_layers * per_layer > 0.5 * 175e9 * 2  # more than half the 16-bit weights
    assert m.n_layers * per_layer / 2**30 == pytest.approx(256.5, abs=0.05)
    # Selective recomputation keeps only the 34sbh: 34 / 114 of the bytes.
    assert 34 * 2048 * m.d_model * m.n_layers / 2**30 == pytest.approx(76.5, abs=0.05)


def test_eval_mode_and_zero_dropout_are_the_same_graph(rng):
    p = init_block(rng, d=16, n_heads=4)
    x = rng.normal(size=(2, 5, 16))
    y_eval, _ = block_forward(p, x, train=False, p_drop=0.3)
    y_train0, _ = block_forward(p, x, train=True, p_drop=0.0, rng=rng)
    y_train, S = block_forward(p, x, train=True, p_drop=0.3, rng=rng)
    assert_allclose(y_eval, y_train0, rtol=0, atol=0)
    assert not np.allclose(y_train, y_eval)
    assert S["attn_drop_mask"].dtype == bool
    assert 0.6 < S["attn_resid_mask"].mean() < 0.8  # keep rate 0.7


def test_normalisation_has_no_batch_dependence(rng):
    # LayerNorm and RMSNorm use per-position statistics: a sequence's output does not
    # depend on what else is in the batch, in training or in evaluation.
    p = init_block(rng, d=16, n_heads=4, norm="rms")
    x = rng.normal(size=(3, 5, 16))
    alone, _ = block_forward(p, x[:1])
    batched, _ = block_forward(p, x)
    assert_allclose(batched[:1], alone, rtol=1e-13, atol=1e-14)


def test_causality_future_tokens_do_not_change_earlier_outputs(rng):
    p = init_block(rng, d=16, n_heads=4)
    x = rng.normal(size=(1, 6, 16))
    x2 = x.copy()
    x2[0, 4:] += 10.0
    assert_allclose(block_forward(p, x)[0][0, :4], block_forward(p, x2)[0][0, :4], atol=1e-13)
