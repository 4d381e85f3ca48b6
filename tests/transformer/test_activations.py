"""Tests of snippets/transformer/activations.py: every number Q15 states, plus references."""

import numpy as np
import pytest
from scipy import special, stats

from snippets.transformer.activations import (GATES, gated_unit, gelu, gelu_grad, gelu_tanh,
                                              relu, relu_grad, sigmoid, silu, silu_grad)
from snippets.transformer.activations_plots import plot_activations

X = np.linspace(-8.0, 8.0, 16001)


def numeric_grad(f, x, h=1e-5):
    return (f(x + h) - f(x - h)) / (2 * h)


# -- reference values -----------------------------------------------------------------------


def test_gelu_is_x_times_the_normal_cdf():
    # Reference: SciPy's normal CDF (Hendrycks and Gimpel, 2016: GELU(x) = x Phi(x)).
    np.testing.assert_allclose(gelu(X), X * stats.norm.cdf(X), rtol=1e-12, atol=1e-15)


def test_sigmoid_and_silu_match_scipy():
    np.testing.assert_allclose(sigmoid(X), special.expit(X), rtol=1e-13)
    np.testing.assert_allclose(silu(X), X * special.expit(X), rtol=1e-13)
    np.testing.assert_allclose(silu(X, beta=1.702), X * special.expit(1.702 * X), rtol=1e-13)


def test_relu_by_hand():
    assert relu(np.array([-3.0, -0.0, 0.5])).tolist() == [0.0, 0.0, 0.5]


@pytest.mark.parametrize("f,df", [(relu, relu_grad), (gelu, gelu_grad), (silu, silu_grad)])
def test_derivatives_match_finite_differences(f, df):
    x = X[np.abs(X) > 1e-3]  # ReLU's kink at 0 has no derivative
    np.testing.assert_allclose(df(x), numeric_grad(f, x), atol=1e-8)


# -- the tanh approximation -----------------------------------------------------------------


def test_tanh_approximation_error_is_below_4_8e_minus_4_and_peaks_near_2_7():
    err = np.abs(gelu(X) - gelu_tanh(X))
    assert err.max() < 4.8e-4
    assert err.max() > 4.7e-4  # the page's "4.7e-4" is the true maximum, not a loose bound
    assert abs(abs(X[err.argmax()]) - 2.70) < 0.01
    assert round(float(gelu(np.array(2.70))), 2) == 2.69


def test_tanh_approximation_is_below_bfloat16_resolution_where_it_is_worst():
    # bfloat16 keeps 8 significant bits: the spacing near 2.69 (in [2, 4)) is 2^-6.
    x = X[np.abs(gelu(X) - gelu_tanh(X)).argmax()]
    assert abs(gelu(x) - gelu_tanh(x)) < 2.0 ** -6 / 2


# -- invariants ------------------------------------------------------------------------------


def test_all_three_approach_identity_for_large_x_and_zero_for_very_negative_x():
    big = np.array([20.0, 40.0])
    for f in (relu, gelu, silu):
        np.testing.assert_allclose(f(big), big, rtol=1e-8)
        np.testing.assert_allclose(f(-big), 0.0, atol=1e-7)


def test_gelu_and_silu_are_non_monotone_with_the_minima_on_the_page():
    # GELU dips to about -0.170 near x = -0.75, SiLU to about -0.278 near x = -1.28.
    x = np.linspace(-3, 0, 300001)
    assert round(float(gelu(x).min()), 3) == -0.170 and abs(x[gelu(x).argmin()] + 0.752) < 1e-3
    assert round(float(silu(x).min()), 3) == -0.278 and abs(x[silu(x).argmin()] + 1.278) < 1e-3


def test_gradient_at_zero_is_one_half_for_gelu_and_silu():
    assert gelu_grad(np.array(0.0)) == 0.5 and silu_grad(np.array(0.0)) == 0.5


def test_swish_interpolates_linear_and_relu():
    # Ramachandran et al. (2017): beta -> 0 gives x/2, beta -> inf gives ReLU.
    np.testing.assert_allclose(silu(X, beta=1e-9), X / 2, atol=1e-8)
    np.testing.assert_allclose(silu(X, beta=1e4), relu(X), atol=1e-4)


def test_sigmoid_does_not_overflow():
    with np.errstate(over="raise"):
        assert sigmoid(np.array([-1000.0, 1000.0])).tolist() == [0.0, 1.0]


# -- gated units -----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", sorted(GATES))
def test_gated_unit_matches_a_loop(variant, rng=np.random.default_rng(0)):
    x, W, V = rng.normal(size=(5, 4)), rng.normal(size=(4, 6)), rng.normal(size=(4, 6))
    act = GATES[variant]
    expected = np.array([[act(np.array(x[t] @ W[:, j])) * (x[t] @ V[:, j]) for j in range(6)]
                         for t in range(5)])
    np.testing.assert_allclose(gated_unit(x, W, V, variant), expected, rtol=1e-12)


def test_a_bilinear_unit_multiplies_two_inputs_exactly():
    # One hidden unit computes x1 * x2, a product no single ReLU unit can represent.
    rng = np.random.default_rng(1)
    x = rng.normal(size=(100, 2))
    W, V = np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])
    np.testing.assert_allclose(gated_unit(x, W, V, "bilinear")[:, 0], x[:, 0] * x[:, 1])


def test_without_a_nonlinearity_two_layers_collapse_to_one_matrix():
    rng = np.random.default_rng(2)
    x, W1, W2 = rng.normal(size=(7, 8)), rng.normal(size=(8, 32)), rng.normal(size=(32, 8))
    np.testing.assert_allclose((x @ W1) @ W2, x @ (W1 @ W2), rtol=1e-10)
    # ...and ReLU breaks the collapse: the residual is far from zero.
    assert np.abs(relu(x @ W1) @ W2 - x @ (W1 @ W2)).max() > 1.0


def test_gated_unit_is_zero_when_either_branch_is_zero():
    x = np.ones((2, 3))
    assert not gated_unit(x, np.zeros((3, 4)), np.ones((3, 4)), "swiglu").any()
    assert not gated_unit(x, np.ones((3, 4)), np.zeros((3, 4)), "swiglu").any()


def test_empty_input():
    assert gelu(np.array([])).shape == (0,) and silu(np.zeros((0, 3))).shape == (0, 3)


def test_plot_activations_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plot_activations()
    assert len(fig.axes) == 2
    plt.close(fig)
