"""Tests of snippets/transformer/norms.py: definitions, invariances, and the backward pass."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.transformer.norms import NORMS, layer_norm, norm_backward, rms_norm


@pytest.fixture
def rng():
    return np.random.default_rng(26)


def numerical_grad(f, x, dy, e=1e-6):
    """Central differences of sum(f(x) * dy) with respect to every entry of x."""
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += e
        xm[i] -= e
        g[i] = np.sum((f(xp) - f(xm)) * dy) / (2 * e)
    return g


def test_layer_norm_matches_definition(rng):
    x, g = rng.normal(size=(4, 7)), rng.normal(size=7)
    mu = x.mean(1, keepdims=True)
    sd = np.sqrt(((x - mu) ** 2).mean(1, keepdims=True) + 1e-5)
    assert_allclose(layer_norm(x, g), g * (x - mu) / sd, rtol=1e-12)


def test_rms_norm_matches_definition(rng):
    x, g = rng.normal(size=(4, 7)), rng.normal(size=7)
    rms = np.sqrt((x**2).mean(1, keepdims=True) + 1e-5)
    assert_allclose(rms_norm(x, g), g * x / rms, rtol=1e-12)


@pytest.mark.parametrize("kind", ["layer", "rms"])
def test_both_are_invariant_to_rescaling_the_input(rng, kind):
    x, g = rng.normal(size=(3, 16)), np.ones(16)
    f = NORMS[kind]
    assert_allclose(f(5.0 * x, g, eps=0), f(x, g, eps=0), rtol=1e-12)


def test_only_layer_norm_is_invariant_to_a_shift(rng):
    x, g = rng.normal(size=(3, 16)), np.ones(16)
    assert_allclose(layer_norm(x + 3.0, g), layer_norm(x, g), atol=1e-12)
    assert not np.allclose(rms_norm(x + 3.0, g), rms_norm(x, g), atol=1e-3)


def test_layer_norm_is_rms_norm_of_the_centred_input(rng):
    x, g = rng.normal(size=(3, 16)), rng.normal(size=16)
    assert_allclose(layer_norm(x, g), rms_norm(x - x.mean(1, keepdims=True), g), rtol=1e-12)


def test_outputs_have_unit_scale(rng):
    x, g = rng.normal(2.0, 4.0, size=(5, 64)), np.ones(64)
    assert_allclose(np.sqrt((rms_norm(x, g, eps=0) ** 2).mean(1)), 1.0, rtol=1e-12)
    y = layer_norm(x, g, eps=0)
    assert_allclose(y.mean(1), 0.0, atol=1e-12)
    assert_allclose(y.std(1), 1.0, rtol=1e-12)


@pytest.mark.parametrize("kind", ["layer", "rms"])
def test_backward_matches_finite_differences(rng, kind):
    x, g, dy = rng.normal(size=(3, 6)), rng.normal(size=6), rng.normal(size=(3, 6))
    dx, dg = norm_backward(kind, x, g, dy)
    assert_allclose(dx, numerical_grad(lambda z: NORMS[kind](z, g), x, dy), atol=1e-8)
    assert_allclose(dg, numerical_grad(lambda h: NORMS[kind](x, h), g, dy), atol=1e-8)


@pytest.mark.parametrize("kind", ["layer", "rms"])
def test_gradient_is_orthogonal_to_the_input_direction(rng, kind):
    # Scale invariance means no gradient along x itself (and, for LayerNorm, along 1).
    x, g, dy = rng.normal(size=(3, 8)), np.ones(8), rng.normal(size=(3, 8))
    dx, _ = norm_backward(kind, x, g, dy, eps=0)
    assert_allclose(np.sum(dx * x, axis=1), 0.0, atol=1e-10)
    if kind == "layer":
        assert_allclose(dx.sum(1), 0.0, atol=1e-10)
