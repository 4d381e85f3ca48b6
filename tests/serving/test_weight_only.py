"""Tests of snippets/serving/weight_only.py: GPTQ against an explicit OBQ-style reference, its
diagonal-Hessian limit (= round-to-nearest), AWQ's search, and Q77's quoted errors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.serving.quantization import fake_quantize, quantize
from snippets.serving.weight_only import awq, correlated_inputs, gptq, layer_error


@pytest.fixture
def rng():
    return np.random.default_rng(2023)


@pytest.fixture
def layer():
    """The synthetic layer Q77 quotes: d_in = d_out = 256, 2,048 calibration tokens."""
    rng = np.random.default_rng(0)
    X = correlated_inputs(rng)
    W = 0.02 * rng.standard_normal((256, 256))
    return W, X


def obq_fixed_order(W, X, bits, group, damp=0.01):
    """Reference: OBQ updates in a fixed column order, with the inverse Hessian of the
    remaining columns updated by Gaussian elimination (Frantar et al., 2023, Eqs. 2-3)."""
    W = W.astype(np.float64).copy()
    d_in = W.shape[1]
    qmax = 2 ** (bits - 1) - 1
    H = 2 * X.T @ X
    H += damp * np.mean(np.diag(H)) * np.eye(d_in)
    Hinv = np.linalg.inv(H)
    Q = np.zeros_like(W)
    for i in range(d_in):
        if i % group == 0:
            s = np.abs(W[:, i:i + group]).max(axis=1) / qmax
        Q[:, i] = np.clip(np.rint(W[:, i] / s), -qmax, qmax) * s
        # delta_F = -(w_q - quant(w_q)) / [H^-1]_qq * (H^-1)_{:, q}
        W -= np.outer((W[:, i] - Q[:, i]) / Hinv[i, i], Hinv[:, i])
        Hinv -= np.outer(Hinv[:, i], Hinv[i, :]) / Hinv[i, i]  # drop column i from F
    return Q


@pytest.mark.parametrize("bits, group", [(3, 16), (4, 32), (4, 64)])
def test_gptq_matches_obq_with_fixed_order(rng, bits, group):
    X = correlated_inputs(rng, n=512, d_in=64, rank=16)
    W = rng.standard_normal((12, 64))
    assert_allclose(gptq(W, X, bits, group), obq_fixed_order(W, X, bits, group), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("group", [None, 32])
def test_gptq_with_diagonal_hessian_is_round_to_nearest(rng, group):
    # orthogonal input columns: H is diagonal, so no error is ever passed on
    Qx, _ = np.linalg.qr(rng.standard_normal((256, 64)))
    X = Qx * rng.uniform(0.5, 3.0, size=64)
    W = rng.standard_normal((8, 64))
    gran = "channel" if group is None else "group"
    assert_allclose(gptq(W, X, 4, group), fake_quantize(W, 4, True, gran, group or 64), rtol=1e-10)


@pytest.mark.parametrize("bits", [2, 3, 4])
def test_gptq_output_lies_on_the_grid(rng, bits):
    X = correlated_inputs(rng, n=256, d_in=64, rank=8)
    W = rng.standard_normal((10, 64))
    Q = gptq(W, X, bits, group_size=16)
    for row in Q.reshape(10, 4, 16).reshape(40, 16):  # one scale per row and group
        assert len(np.unique(np.round(row, 12))) <= 2**bits - 1


def test_gptq_single_column_and_input_untouched(rng):
    W, X = rng.standard_normal((5, 1)), rng.standard_normal((30, 1))
    W_before = W.copy()
    assert_allclose(gptq(W, X, 4), fake_quantize(W, 4, True, "channel"), rtol=1e-12)
    assert np.array_equal(W, W_before)


def test_awq_with_alpha_zero_only_is_round_to_nearest(layer):
    W, X = layer
    W_eff, alpha = awq(W, X, 4, 128, n_grid=0)
    assert alpha == 0.0
    assert_allclose(W_eff, fake_quantize(W, 4, True, "group", 128), rtol=1e-12)


def test_awq_returns_the_best_alpha_of_a_naive_grid_search(rng):
    # reference: Eq. 5 of Lin et al. written out, one alpha at a time
    X = correlated_inputs(rng, n=256, d_in=64, rank=8)
    W = rng.standard_normal((16, 64))
    errors = {}
    for alpha in np.linspace(0.0, 1.0, 11):
        s = np.abs(X).mean(axis=0) ** alpha
        s = s / np.sqrt(s.max() * s.min())
        W_eff = fake_quantize(W * s, 3, True, "group", 32) / s
        errors[alpha] = layer_error(W, W_eff, X)
    W_awq, alpha = awq(W, X, bits=3, group_size=32, n_grid=10)
    best = min(errors, key=errors.get)
    assert alpha == pytest.approx(best, abs=1e-12)
    assert layer_error(W, W_awq, X) == pytest.approx(errors[best], rel=1e-12)
    assert layer_error(W, W_awq, X) <= errors[0.0]  # never worse than plain RTN


def test_awq_effective_weight_undoes_the_scale(layer):
    # W_eff = Q(W diag(s)) diag(s)^-1: per column, a grid that is the 4-bit grid divided by s_j
    W, X = layer
    W_eff, alpha = awq(W, X, 4, 128)
    s = np.abs(X).mean(axis=0) ** alpha
    s = s / np.sqrt(s.max() * s.min())
    q, scale, zero = quantize(W_eff * s, 4, block=128)
    assert_allclose(scale[:, None] * q.reshape(-1, 128), (W_eff * s).reshape(-1, 128), rtol=1e-9, atol=1e-12)


def test_gptq_and_awq_numbers_quoted_in_q77(layer):
    W, X = layer
    rtn4 = layer_error(W, fake_quantize(W, 4, True, "group", 128), X)
    gptq4 = layer_error(W, gptq(W, X, 4, 128), X)
    W_awq, alpha = awq(W, X, 4, 128)
    awq4 = layer_error(W, W_awq, X)
    assert (round(rtn4 * 100, 1), round(gptq4 * 100, 1), round(awq4 * 100, 1)) == (11.6, 3.0, 9.2)
    rtn3 = layer_error(W, fake_quantize(W, 3, True, "group", 128), X)
    gptq3 = layer_error(W, gptq(W, X, 3, 128), X)
    assert (round(rtn3 * 100), round(gptq3 * 100)) == (27, 7)
    assert gptq4 < awq4 < rtn4 and 0.0 < alpha < 1.0
