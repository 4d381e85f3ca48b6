"""The imbalance experiment of Q7: the numbers the page states, and invariants."""

import numpy as np
import pytest

from snippets.foundations.logreg import class_weights
from snippets.foundations.text_classification import (CUES, _fit, imbalance_experiment, make_tickets,
                                          prior_shift_logit, weighting_effect)
from snippets.foundations.text_classification_plots import plot_threshold_moving


@pytest.fixture(scope="module")
def experiment():
    return imbalance_experiment()


def test_make_tickets_shapes_and_rate():
    docs, y = make_tickets(2000, 0.05, np.random.default_rng(1))
    assert len(docs) == 2000 and y.shape == (2000,)
    assert 0.03 < y.mean() < 0.07
    assert all(len(d.split()) == 12 for d in docs)
    # cue words of the positive class are far more frequent in positive tickets
    rate = [np.mean([sum(w in CUES[1] for w in d.split()) for d, t in zip(docs, y) if t == c])
            for c in (0, 1)]
    assert rate[1] > 3 * rate[0]


def test_page_numbers(experiment):
    """The page's table: (F1 of the rare class, its recall, macro F1) on the test split."""
    results, t_star = experiment
    assert t_star == 0.27
    assert results["unweighted, t=0.5"] == (0.447, 0.308, 0.714)
    assert results["balanced weights, t=0.5"] == (0.341, 0.776, 0.63)
    assert results["unweighted, tuned t"] == (0.575, 0.538, 0.777)


def test_split_sizes_and_balanced_weights():
    """The page: 3,000 tickets per split; balanced weights about 9.4 (refund) and 0.53."""
    X, Y, _, _ = _fit(0, 3000, 0.05, 1.0)
    assert [X[k].shape[0] for k in ("train", "val", "test")] == [3000, 3000, 3000]
    s = class_weights(Y["train"], np.array([0, 1]), "balanced")
    assert round(float(s[Y["train"] == 1][0]), 1) == 9.4
    assert round(float(s[Y["train"] == 0][0]), 2) == 0.53


def test_tuned_threshold_is_about_half_the_f1(experiment):
    """Lipton et al.: for calibrated scores the F1-optimal threshold is half the optimal F1."""
    results, t_star = experiment
    f1 = results["unweighted, tuned t"][0]
    assert round(f1 / 2, 2) == 0.29 and abs(t_star - f1 / 2) < 0.03


def test_weighting_mostly_moves_the_intercept():
    """The page: balanced weights shift the intercept by 2.68 nats (ln of the weight ratio:
    2.88), keep the coefficients (correlation 0.98) and the ranking (test AUC 0.910 vs 0.918);
    tuned to its own threshold (0.90) the weighted model reaches F1 0.579, like threshold moving
    on the unweighted model (0.575)."""
    w = weighting_effect()
    assert round(w["intercept_shift"], 2) == 2.68 and round(w["log_weight_ratio"], 2) == 2.88
    assert round(w["coef_correlation"], 2) == 0.98
    assert (round(w["auc_plain"], 3), round(w["auc_weighted"], 3)) == (0.91, 0.918)
    assert w["weighted_threshold"] == 0.9 and round(w["weighted_tuned_f1"], 3) == 0.579
    results, _ = imbalance_experiment()
    assert abs(w["weighted_tuned_f1"] - results["unweighted, tuned t"][0]) < 0.01


def test_tuned_threshold_is_near_the_test_optimum():
    """The figure's caption: the test-set F1 peaks at 0.31 (F1 0.589), near the tuned 0.27."""
    from snippets.foundations.classification_metrics import threshold_sweep
    X, Y, plain, _ = _fit(0, 3000, 0.05, 1.0)
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    f = threshold_sweep(Y["test"], plain.predict_proba(X["test"])[:, 1], grid)[2]
    assert grid[np.argmax(f)] == 0.31 and round(float(f.max()), 3) == 0.589
    assert round(float(f.max()) / 2, 2) == 0.29  # Lipton et al.: optimal threshold = F1* / 2


@pytest.mark.parametrize("pi_train, pi_new", [(0.05, 0.15), (0.3, 0.1), (0.5, 0.5)])
def test_prior_shift_matches_bayes_rule(pi_train, pi_new):
    p = np.linspace(0.01, 0.99, 25)  # calibrated posteriors under the training prior
    shifted = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + prior_shift_logit(pi_train, pi_new))))
    lr = p / (1 - p) * (1 - pi_train) / pi_train  # likelihood ratio p(x|1) / p(x|0)
    np.testing.assert_allclose(shifted, lr * pi_new / (lr * pi_new + 1 - pi_new), rtol=1e-12)
    assert round(prior_shift_logit(0.05, 0.15), 2) == 1.21


def test_models_converged_and_weighting_raises_recall(experiment):
    X, Y, plain, weighted = _fit(0, 3000, 0.05, 1.0)
    assert plain.n_iter_ < plain.max_iter and weighted.n_iter_ < weighted.max_iter
    # class weights shift the decision boundary towards the majority class: more positives
    assert (weighted.predict(X["test"]) == 1).sum() > (plain.predict(X["test"]) == 1).sum()
    results, _ = experiment
    assert results["balanced weights, t=0.5"][1] > results["unweighted, t=0.5"][1]


def test_plot_returns_figure():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    assert isinstance(plot_threshold_moving(), Figure)
