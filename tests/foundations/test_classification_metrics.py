"""Metrics against scikit-learn, hand-worked cases and invariants."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn import metrics as skm

from snippets.foundations.classification_metrics import (confusion_matrix, f1_score, per_class_prf,
                                             roc_auc, threshold_sweep)


@pytest.fixture
def rng():
    return np.random.default_rng(11)


@pytest.mark.parametrize("K", [2, 3, 5])
@pytest.mark.parametrize("n", [1, 7, 200])
@pytest.mark.parametrize("average", ["macro", "micro"])
def test_f1_matches_sklearn(rng, K, n, average):
    y_true, y_pred = rng.integers(0, K, n), rng.integers(0, K, n)
    labels = list(range(K))  # includes classes that may be absent: the 0/0 convention matters
    ours = f1_score(y_true, y_pred, labels=labels, average=average)
    ref = skm.f1_score(y_true, y_pred, labels=labels, average=average, zero_division=0)
    assert ours == pytest.approx(ref, abs=1e-12)


def test_confusion_and_prf_match_sklearn(rng):
    y_true, y_pred = rng.integers(0, 4, 100), rng.integers(0, 4, 100)
    M = confusion_matrix(y_true, y_pred, [0, 1, 2, 3])
    assert np.array_equal(M, skm.confusion_matrix(y_true, y_pred, labels=[0, 1, 2, 3]))
    p, r, f, _ = skm.precision_recall_fscore_support(y_true, y_pred, zero_division=0)
    for ours, ref in zip(per_class_prf(M), (p, r, f)):
        assert_allclose(ours, ref, rtol=1e-12)


def test_micro_f1_equals_accuracy_single_label(rng):
    y_true, y_pred = rng.integers(0, 3, 50), rng.integers(0, 3, 50)
    assert f1_score(y_true, y_pred, average="micro") == pytest.approx(np.mean(y_true == y_pred))


def test_majority_classifier_hand_worked():
    # 95 negatives, 5 positives, always predict 0: accuracy 0.95, macro F1 (0.974 + 0) / 2
    y_true, y_pred = [0] * 95 + [1] * 5, [0] * 100
    assert f1_score(y_true, y_pred, average="micro") == pytest.approx(0.95)
    assert f1_score(y_true, y_pred, average="macro") == pytest.approx(2 * 0.95 / 1.95 / 2)
    assert round(f1_score(y_true, y_pred, average="macro"), 3) == 0.487
    f1 = per_class_prf(confusion_matrix(y_true, y_pred, [0, 1]))[2]
    assert f1.round(3).tolist() == [0.974, 0.0]


def test_threshold_sweep_matches_sklearn(rng):
    y = rng.integers(0, 2, 60)
    scores = np.clip(0.3 * y + rng.random(60) * 0.7, 0, 1)
    grid = np.linspace(0.05, 0.95, 19)
    p, r, f = threshold_sweep(y, scores, grid)
    for t, pi, ri, fi in zip(grid, p, r, f):
        y_hat = (scores >= t).astype(int)
        assert pi == pytest.approx(skm.precision_score(y, y_hat, zero_division=0))
        assert ri == pytest.approx(skm.recall_score(y, y_hat))
        assert fi == pytest.approx(skm.f1_score(y, y_hat, zero_division=0))
    assert np.all(np.diff(r) <= 0)  # recall never rises with the threshold


def test_empty_and_bad_average():
    assert f1_score([], [], labels=[0, 1], average="micro") == 0.0
    with pytest.raises(ValueError):
        f1_score([0], [0], average="weighted")


@pytest.mark.parametrize("n", [2, 9, 300])
def test_roc_auc_matches_sklearn(rng, n):
    y = np.r_[0, 1, rng.integers(0, 2, n - 2)]  # both classes present
    scores = np.round(rng.random(n), 1)  # rounding creates ties, which count one half
    assert roc_auc(y, scores) == pytest.approx(skm.roc_auc_score(y, scores), abs=1e-12)


def test_roc_auc_invariants(rng):
    y, scores = rng.integers(0, 2, 200), rng.normal(size=200)
    auc = roc_auc(y, scores)
    # a ranking metric: any strictly increasing transform leaves it unchanged
    assert roc_auc(y, np.exp(3 * scores) + 7) == pytest.approx(auc, abs=1e-12)
    assert roc_auc(1 - y, scores) == pytest.approx(1 - auc, abs=1e-12)  # swap the classes
    assert roc_auc(y, y.astype(float)) == 1.0 and roc_auc(y, np.zeros(200)) == 0.5
