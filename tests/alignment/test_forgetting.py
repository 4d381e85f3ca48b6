"""Tests of snippets/alignment/forgetting.py: the toy forgets, EWC and replay forget less."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.forgetting import (diagonal_fisher, gradient_cosine,
                                           learning_and_forgetting, make_two_tasks, mse,
                                           sequential, taylor_terms, train)

SEED = 30  # the seed the pages' figures and numbers use


@pytest.fixture
def tasks():
    return make_two_tasks(np.random.default_rng(SEED))


def run(tasks, method, **kw):
    return sequential(tasks, np.random.default_rng(1), method, **kw)[2]


def test_tasks_overlap_only_in_the_middle_coordinates(tasks):
    used_A = np.any(tasks["X_A"] != 0, axis=0)
    used_B = np.any(tasks["X_B"] != 0, axis=0)
    assert np.flatnonzero(used_A & used_B).tolist() == [10, 11, 12, 13]


def test_mse_matches_a_hand_computed_case():
    assert mse(np.array([1.0, 0.0]), np.eye(2), np.array([0.0, 2.0])) == pytest.approx(1.25)


def test_gradient_descent_converges_to_the_minimum_norm_update(tasks):
    # Reference: from w0, GD on an underdetermined least-squares problem converges to
    # w0 + pinv(X) (y - X w0), the closest exact solution to w0.
    w0 = np.random.default_rng(2).standard_normal(24)
    X, y = tasks["X_B"], tasks["y_B"]
    expected = w0 + np.linalg.pinv(X) @ (y - X @ w0)
    assert_allclose(train(w0, X, y, lr=0.05, steps=5000)[-1], expected, atol=1e-6)


def test_gradient_descent_never_moves_coordinates_the_task_does_not_use(tasks):
    path = train(np.ones(24), tasks["X_B"], tasks["y_B"], steps=50)
    assert_allclose(path[:, :10], 1.0)


def test_monte_carlo_fisher_matches_the_closed_form(tasks):
    # For y ~ N(x.w, 1) the Fisher is E[x x^T]; its diagonal is the mean of x_j^2.
    X = tasks["X_A"]
    F = diagonal_fisher(np.zeros(24), X, np.random.default_rng(3), n_samples=20000)
    assert_allclose(F, np.mean(X**2, axis=0), rtol=0.05, atol=1e-12)


def test_fisher_is_zero_on_coordinates_the_task_does_not_use(tasks):
    F = diagonal_fisher(np.zeros(24), tasks["X_A"], np.random.default_rng(4))
    assert np.all(F[14:] == 0) and np.all(F[:14] > 0)


def test_empirical_fisher_matches_a_hand_computed_case():
    # Residuals r = (1, -2) on one coordinate: mean of (r x)^2 = (1 + 4) / 2.
    X, y = np.array([[1.0, 0.0], [1.0, 0.0]]), np.array([-1.0, 2.0])
    F = diagonal_fisher(np.zeros(2), X, None, y=y)
    assert_allclose(F, [2.5, 0.0])


def test_empirical_fisher_vanishes_where_the_model_fits_and_is_2pct_in_the_toy(tasks):
    X, y = tasks["X_A"], tasks["y_A"]
    w = np.random.default_rng(5).standard_normal(24)
    assert_allclose(diagonal_fisher(w, X, None, y=X @ w), 0.0, atol=1e-20)
    w_A = sequential(tasks, np.random.default_rng(1))[0][-1]
    F_emp = diagonal_fisher(w_A, X, None, y=y)
    F_model = np.mean(X**2, axis=0)  # the model-sampled Fisher, in closed form
    assert F_emp[:14].sum() / F_model[:14].sum() == pytest.approx(0.02, abs=0.002)


def test_taylor_terms_sum_to_the_exact_rise_for_squared_loss(tasks):
    rng = np.random.default_rng(6)
    w, delta = rng.standard_normal(24), rng.standard_normal(24)
    X, y = tasks["X_A"], tasks["y_A"]
    first, second = taylor_terms(w, delta, X, y)
    assert first + second == pytest.approx(mse(w + delta, X, y) - mse(w, X, y))
    assert second >= 0


def test_after_A_converges_forgetting_is_almost_all_second_order(tasks):
    path_A, path_B, s = sequential(tasks, np.random.default_rng(1), "naive")
    w_A = path_A[-1]
    first, second = taylor_terms(w_A, path_B[-1] - w_A, tasks["X_A"], tasks["y_A"])
    assert first == pytest.approx(0.03, abs=0.005)
    assert second == pytest.approx(1.18, abs=0.005)
    assert first + second == pytest.approx(s["forgetting"])
    assert first / s["forgetting"] == pytest.approx(0.02, abs=0.005)
    # The cosine at w_A signals a conflict, but |g_A| is so small it explains little.
    assert gradient_cosine(w_A, tasks) == pytest.approx(-0.30, abs=0.005)


def test_ewc_with_zero_lambda_is_plain_training(tasks):
    w0 = np.zeros(24)
    plain = train(w0, tasks["X_B"], tasks["y_B"])
    anchored = train(w0, tasks["X_B"], tasks["y_B"], fisher=np.ones(24), w_star=w0, lam=0.0)
    assert_allclose(plain, anchored)


def test_gradient_cosine_is_symmetric_and_bounded(tasks):
    swapped = {"X_A": tasks["X_B"], "y_A": tasks["y_B"],
               "X_B": tasks["X_A"], "y_B": tasks["y_A"]}
    for seed in range(5):
        w = np.random.default_rng(seed).standard_normal(24)
        c = gradient_cosine(w, tasks)
        assert -1 <= c <= 1
        assert c == pytest.approx(gradient_cosine(w, swapped))


def test_naive_sequential_training_forgets_task_A(tasks):
    s = run(tasks, "naive")
    assert s["loss_A_before"] == pytest.approx(0.0125, abs=5e-5)
    assert s["loss_A_after"] == pytest.approx(1.22, abs=0.005)
    assert s["loss_B_after"] < 0.001
    assert s["loss_B_after"] == pytest.approx(0.0003, abs=5e-5)
    assert 95 < s["loss_A_after"] / s["loss_A_before"] < 100


def test_ewc_removes_forgetting_at_a_small_cost_on_B(tasks):
    naive, ewc = run(tasks, "naive"), run(tasks, "ewc", lam=10.0)
    assert abs(ewc["forgetting"]) < 1e-3
    assert naive["loss_B_after"] < ewc["loss_B_after"] < 0.003


def test_ewc_with_too_large_a_lambda_diverges(tasks):
    # lr * lam * F_j > 2 on a coordinate makes gradient descent unstable there.
    with np.errstate(all="ignore"):
        s = run(tasks, "ewc", lam=100.0)
    assert not np.isfinite(s["loss_A_after"])


def test_ewc_stability_limit_is_crossed_between_lambda_10_and_100(tasks):
    F = np.mean(tasks["X_A"] ** 2, axis=0)  # the Fisher of A, in closed form
    assert 0.05 * 10 * F.max() == pytest.approx(0.87, abs=0.005)
    assert 0.05 * 100 * F.max() == pytest.approx(8.7, abs=0.05)


def test_replay_roughly_halves_forgetting_and_more_replay_helps_more(tasks):
    naive = run(tasks, "naive")["forgetting"]
    f = [run(tasks, "replay", n_replay=k)["forgetting"] for k in (3, 5)]
    assert f[0] == pytest.approx(0.69, abs=0.005)
    assert 0.5 * naive < f[0] + 0.03 and f[0] < 0.6 * naive
    assert f[1] < f[0]
    assert 1 - f[0] / naive == pytest.approx(0.43, abs=0.005)
    assert run(tasks, "joint")["forgetting"] < 0.03


def test_smaller_budget_on_B_learns_less_and_forgets_less(tasks):
    _, path_B, _ = sequential(tasks, np.random.default_rng(1), "naive")
    loss_A = [mse(w, tasks["X_A"], tasks["y_A"]) for w in path_B[[10, 100, 400]]]
    loss_B = [mse(w, tasks["X_B"], tasks["y_B"]) for w in path_B[[10, 100, 400]]]
    assert loss_A == sorted(loss_A) and loss_B == sorted(loss_B, reverse=True)


def test_gradients_of_the_two_tasks_barely_interfere_at_init_but_forgetting_is_large(tasks):
    # At w = 0 the two gradients are nearly orthogonal, yet sequential training still
    # forgets: the damage is done on the shared coordinates, through curvature.
    assert abs(gradient_cosine(np.zeros(24), tasks)) < 0.05


def test_learning_and_forgetting_matches_the_end_of_run_summary(tasks):
    _, path_B, s = sequential(tasks, np.random.default_rng(1), "replay")
    loss_B, forgot = learning_and_forgetting(path_B, tasks)
    assert forgot[0] == 0 and len(loss_B) == len(path_B)
    assert loss_B[-1] == pytest.approx(s["loss_B_after"])
    assert forgot[-1] == pytest.approx(s["forgetting"])


def first_step_below(tasks, method, target=0.01):
    _, path_B, _ = sequential(tasks, np.random.default_rng(1), method)
    loss_B, forgot = learning_and_forgetting(path_B, tasks)
    k = int(np.argmax(loss_B < target))
    return k, forgot[k]


def test_at_matched_target_loss_replay_and_ewc_forget_less_than_naive(tasks):
    k, f_naive = first_step_below(tasks, "naive")
    assert k == 212 and f_naive == pytest.approx(1.22, abs=0.005)
    assert first_step_below(tasks, "replay")[1] == pytest.approx(0.69, abs=0.005)
    assert abs(first_step_below(tasks, "ewc")[1]) < 1e-3


def test_stopping_early_learns_little_but_has_already_forgotten(tasks):
    _, path_B, _ = sequential(tasks, np.random.default_rng(1), "naive")
    loss_B, forgot = learning_and_forgetting(path_B, tasks)
    assert loss_B[0] == pytest.approx(4.85, abs=0.005)
    assert loss_B[20] == pytest.approx(1.30, abs=0.005)
    assert forgot[20] / forgot[-1] == pytest.approx(0.37, abs=0.005)
    assert forgot[20] == pytest.approx(0.45, abs=0.005)


@pytest.mark.parametrize("name", ["plot_forgetting_curves", "plot_learning_forgetting_frontier"])
def test_plots_draw(name):
    import matplotlib
    matplotlib.use("Agg")
    from snippets.alignment import forgetting_plots

    assert getattr(forgetting_plots, name)().axes
