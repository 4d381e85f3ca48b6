"""Tests of snippets/training/scaling_laws.py: the Chinchilla law, its optimum, its fit."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.training.scaling_laws import (BESIROGLU, CHINCHILLA, compute_optimal,
                                            effective_tokens, fit_loss, iso_flop_loss,
                                            lifetime_optimal, loss)

GOPHER_BUDGET = 5.76e23  # FLOPs of Gopher and Chinchilla (Hoffmann et al., 2022)


@pytest.fixture
def rng():
    return np.random.default_rng(28)


@pytest.mark.parametrize("fit", [CHINCHILLA, BESIROGLU])
@pytest.mark.parametrize("C", [1e19, 1e21, GOPHER_BUDGET, 1e25])
def test_closed_form_optimum_matches_brute_force(fit, C):
    N_star, D_star = compute_optimal(C, fit)
    assert_allclose(6 * N_star * D_star, C, rtol=1e-12)
    N = np.geomspace(N_star / 100, N_star * 100, 200001)  # independent: scan the curve
    assert_allclose(N[np.argmin(iso_flop_loss(C, N, fit))], N_star, rtol=1e-3)


def test_optimum_exponents():
    # N_opt grows as C^(beta/(alpha+beta)): 0.45 for the published fit.
    (N1, _), (N2, _) = compute_optimal(1e21), compute_optimal(1e23)
    assert_allclose(np.log10(N2 / N1) / 2, 0.28 / 0.62, rtol=1e-12)
    assert round(0.28 / 0.62, 2) == 0.45


def test_published_figures():
    assert round(loss(70e9, 1.4e12), 3) == 1.937
    N, D = compute_optimal(GOPHER_BUDGET)
    assert (round(N / 1e9), round(D / 1e12, 1), round(D / N)) == (32, 3.0, 93)
    N, D = compute_optimal(GOPHER_BUDGET, BESIROGLU)
    assert (round(N / 1e9), round(D / 1e12, 2), round(D / N)) == (72, 1.33, 18)
    # Chinchilla (70B, 1.4T) against Gopher's shape (280B, 300B) at about the same budget.
    assert round(loss(280e9, 300e9), 3) == 1.993
    # Llama 3 8B's 15T tokens against its compute-optimal 8B-parameter budget.
    assert round(15e12 / 8.03e9) == 1868


def test_fit_recovers_constants_exactly_from_noise_free_runs():
    N = np.repeat(np.geomspace(1e7, 1e10, 6), 4)
    D = np.tile(np.geomspace(1e9, 1e12, 4), 6)
    f = fit_loss(N, D, loss(N, D))
    for k, v in CHINCHILLA.items():
        assert_allclose(f[k], v, rtol=1e-6)


def iso_flop_design(budgets, per_budget=9):
    N, D = [], []
    for C in budgets:
        n = compute_optimal(C)[0] * np.geomspace(0.1, 10, per_budget)
        N.append(n)
        D.append(C / (6 * n))
    return np.concatenate(N), np.concatenate(D)


def test_fit_from_noisy_iso_flop_runs_predicts_the_optimum(rng):
    N, D = iso_flop_design([1e18, 1e19, 1e20, 1e21, 1e22])
    L = loss(N, D) * np.exp(rng.normal(0, 0.002, len(N)))  # 0.2% noise on every run
    f = fit_loss(N, D, L)
    assert abs(f["alpha"] - 0.34) < 0.01 and abs(f["beta"] - 0.28) < 0.01
    # The constants trade off against each other; the allocation they imply is robust.
    assert_allclose(compute_optimal(1e24, f)[0], compute_optimal(1e24)[0], rtol=0.05)


def test_lifetime_optimum_is_chinchilla_without_inference_and_shrinks_with_it():
    N0, D0 = lifetime_optimal(2.0, 0.0)
    assert_allclose(loss(N0, D0), 2.0, rtol=1e-9)
    assert_allclose(N0, compute_optimal(6 * N0 * D0)[0], rtol=1e-6)
    sizes = [lifetime_optimal(2.0, T)[0] for T in (0.0, 1e12, 1e13, 1e14)]
    assert all(a > b for a, b in zip(sizes, sizes[1:]))
    assert [round(n / 1e9, 1) for n in sizes] == [15.3, 11.5, 6.5, 3.8]


def test_lifetime_optimum_beats_neighbours():
    T = 1e13
    N, D = lifetime_optimal(2.0, T)
    for scale in (0.9, 1.1):  # a model 10% smaller or larger, trained to the same loss
        n = N * scale
        d = (CHINCHILLA["B"] / (2.0 - CHINCHILLA["E"] - CHINCHILLA["A"] / n ** 0.34)) ** (
            1 / 0.28)
        assert 6 * n * d + 2 * n * T > 6 * N * D + 2 * N * T


def test_effective_tokens():
    assert effective_tokens(1e12, 1) == 1e12
    assert round(effective_tokens(1e12, 4) / 4e12, 2) == 0.93
    assert_allclose(effective_tokens(1e12, 1e9), 1e12 * 16.4, rtol=1e-9)
    # The 16th epoch (R = 15) adds e^(-R/R*) of a fresh epoch, by finite difference.
    marginal = effective_tokens(1.0, 16 + 1e-6) - effective_tokens(1.0, 16)
    assert_allclose(marginal / 1e-6, np.exp(-15 / 15.4), rtol=1e-5)
    assert round(float(np.exp(-15 / 15.4)), 2) == 0.38
    e = [effective_tokens(1.0, k) for k in range(1, 40)]
    assert all(b > a for a, b in zip(e, e[1:]))  # more epochs never hurt, but saturate
    assert all(b - a < 1.0 for a, b in zip(e, e[1:]))


def test_worked_figures_of_the_page():
    N, D = compute_optimal(1e24)
    assert (round(N / 1e9, 1), round(D / 1e12, 2)) == (41.3, 4.04)
    N, D = compute_optimal(1e24, BESIROGLU)
    assert (round(N / 1e9, 1), round(D / 1e12, 2)) == (95.9, 1.74)
    # Serving 10T tokens at a target loss of 2.0: Chinchilla-optimal vs lifetime-optimal.
    T = 1e13
    n0, d0 = lifetime_optimal(2.0, 0.0)
    n1, d1 = lifetime_optimal(2.0, T)
    total0, total1 = 6 * n0 * d0 + 2 * n0 * T, 6 * n1 * d1 + 2 * n1 * T
    assert (round(n1 / 1e9, 1), round(d1 / 1e12, 2), round(d1 / n1)) == (6.5, 3.89, 600)
    assert (round(total0 / 1e23, 2), round(total1 / 1e23, 2)) == (4.17, 2.81)
    assert round(1 - total1 / total0, 2) == 0.33
    assert round(d0 / n0) == 79
