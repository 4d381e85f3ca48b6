"""Tests of snippets/transformer/depth.py: the stack's gradients against finite differences,
and the depth behaviour of Pre-LN, Post-LN and DeepNorm that Q26 states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.transformer.block import block_forward
from snippets.transformer.depth import (deepnorm_constants, grad_norm_profile, init_stack,
                                        layer_grad_norms, stream_rms)
from snippets.transformer.norms import layer_norm


@pytest.fixture(scope="module")
def profiles():
    return {(v, L): grad_norm_profile(v, L) for v in ("pre", "post", "deepnorm")
            for L in (6, 24)}


def test_deepnorm_constants_match_the_paper_formula():
    for N in (6, 18, 100, 1000):
        alpha, beta = deepnorm_constants(N)
        assert alpha == pytest.approx((2 * N) ** 0.25)
        assert beta == pytest.approx((8 * N) ** -0.25)
    assert [round(c, 3) for c in deepnorm_constants(1000)] == [6.687, 0.106]


@pytest.mark.parametrize("variant", ["pre", "post", "deepnorm"])
def test_layer_grad_norms_match_finite_differences(variant):
    rng = np.random.default_rng(2)
    blocks = init_stack(rng, variant, 3, d=8, n_heads=2)
    x, W_out = rng.normal(size=(1, 4, 8)), rng.normal(size=(8, 5))
    t = rng.integers(0, 5, (1, 4))

    def loss():
        h = x
        for p in blocks:
            h = block_forward(p, h)[0]
        if variant == "pre":
            h = layer_norm(h, np.ones(8))
        z = h @ W_out
        z = z - z.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        return -np.take_along_axis(logp, t[..., None], -1).mean()

    expected = []
    for p in blocks:
        g = np.zeros_like(p["W_2"])
        for i in np.ndindex(g.shape):
            w = p["W_2"][i]
            p["W_2"][i] = w + 1e-6
            up = loss()
            p["W_2"][i] = w - 1e-6
            g[i] = (up - loss()) / 2e-6
            p["W_2"][i] = w
        expected.append(np.linalg.norm(g))
    assert_allclose(layer_grad_norms(blocks, x, W_out, t), expected, rtol=1e-6)


def test_pre_ln_top_gradient_shrinks_like_one_over_sqrt_depth(profiles):
    # Xiong et al., Theorem 1: the last layer's gradient is O(d sqrt(ln d / L)) for Pre-LN.
    ratio = profiles["pre", 24][-1] / profiles["pre", 6][-1]
    assert ratio == pytest.approx(0.5, abs=0.1)  # sqrt(6 / 24) = 0.5


def test_post_ln_top_gradient_does_not_shrink_with_depth(profiles):
    ratio = profiles["post", 24][-1] / profiles["post", 6][-1]
    assert 0.8 < ratio < 1.4


def test_post_ln_top_gradient_is_several_times_pre_ln_and_the_gap_grows(profiles):
    gap6 = profiles["post", 6][-1] / profiles["pre", 6][-1]
    gap24 = profiles["post", 24][-1] / profiles["pre", 24][-1]
    assert gap6 > 1.5 and gap24 > 3.5 and gap24 > 1.5 * gap6


def test_pre_ln_gives_lower_layers_larger_gradients(profiles):
    g = profiles["pre", 24]
    assert g[0] > 2.5 * g[-1]
    assert np.all(np.diff(g[::4]) < 0)


def test_deepnorm_profile_is_level_and_scaled_down(profiles):
    g = profiles["deepnorm", 24]
    assert g.max() / g.min() < 1.1
    assert g.max() < profiles["post", 24].min()


def test_values_quoted_on_the_page(profiles):
    pre, post = profiles["pre", 24], profiles["post", 24]
    assert round(pre[0] / pre[-1], 1) == 4.1  # Pre-LN: bottom layer vs top layer
    assert round(post[-1] / pre[-1], 1) == 4.3  # top layer: Post-LN vs Pre-LN, 24 layers
    assert round(profiles["post", 6][-1] / profiles["pre", 6][-1], 1) == 1.9  # 6 layers
    assert round(post[0] / post[-1], 1) == 1.8  # Post-LN: bottom vs top, 24 layers
    assert post.max() / post.min() < 2.2  # Post-LN: no steady trend, a factor of two at most


def test_pre_ln_stream_variance_grows_linearly_and_post_ln_stays_at_one():
    out = {}
    for v in ("pre", "post", "deepnorm"):
        runs = []
        for seed in range(4):
            rng = np.random.default_rng(seed)
            runs.append(stream_rms(init_stack(rng, v, 24), rng.normal(0, 1, (4, 16, 32))))
        out[v] = np.mean(runs, axis=0)
    var = out["pre"] ** 2 / out["pre"][0] ** 2
    assert np.all(np.diff(var) > 0)
    assert round(var[-1]) == 28  # after 24 blocks: 28 times the input variance
    assert 0.9 < (var[-1] - 1) / 24 < 1.3  # about one unit of input variance per block
    assert_allclose(out["post"][1:], 1.0, atol=1e-3)
    assert_allclose(out["deepnorm"][1:], 1.0, atol=1e-3)
