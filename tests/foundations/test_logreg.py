"""Gradient-descent logistic regression against scikit-learn, plus invariants."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from snippets.foundations.logreg import LogisticRegression, class_weights


@pytest.fixture
def rng():
    return np.random.default_rng(3)


def blobs(rng, n, d, K):
    centers = rng.normal(scale=1.5, size=(K, d))
    y = rng.integers(0, K, size=n)
    return centers[y] + rng.normal(size=(n, d)), y


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("C", [0.1, 1.0])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_coefficients_match_sklearn(rng, K, C, class_weight):
    X, y = blobs(rng, 80, 4, K)
    y[:5] = 0  # some imbalance so that "balanced" matters
    ours = LogisticRegression(C=C, class_weight=class_weight, tol=1e-10).fit(X, y)
    sk = SkLogisticRegression(C=C, class_weight=class_weight, tol=1e-12, max_iter=10000).fit(X, y)
    # GD to a gradient norm of 1e-10 on a strongly convex objective: coefficients agree closely
    assert_allclose(ours.W.T, sk.coef_, atol=1e-6)
    assert_allclose(ours.b, sk.intercept_, atol=1e-6)
    assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-6)
    assert np.array_equal(ours.predict(X), sk.predict(X))


def test_probabilities_are_distributions_and_labels_kept(rng):
    X, y = blobs(rng, 50, 3, 3)
    labels = np.array(["neg", "neu", "pos"])[y]
    m = LogisticRegression().fit(X, labels)
    P = m.predict_proba(X)
    assert P.shape == (50, 3) and np.all(P >= 0)
    assert_allclose(P.sum(axis=1), 1.0, rtol=1e-12)
    assert set(m.predict(X)) <= {"neg", "neu", "pos"}


def test_stronger_regularisation_shrinks_weights(rng):
    X, y = blobs(rng, 60, 5, 2)
    norms = [np.linalg.norm(LogisticRegression(C=C).fit(X, y).W) for C in (0.01, 0.1, 1.0)]
    assert norms[0] < norms[1] < norms[2]


def test_threshold_moves_predictions_monotonically(rng):
    X, y = blobs(rng, 60, 2, 2)
    m = LogisticRegression().fit(X, y)
    positives = [(m.predict(X, threshold=t) == 1).sum() for t in (0.1, 0.5, 0.9)]
    assert positives[0] >= positives[1] >= positives[2]


def test_class_weights_hand_worked_and_balanced():
    y = np.array([1, 1, 1, 1, 1, 1, 0, 0])
    s = class_weights(y, np.array([0, 1]), "balanced")
    assert_allclose(s, [8 / 12] * 6 + [2.0, 2.0], rtol=1e-12)
    # each class carries the same total weight, n / K
    assert_allclose([s[y == 0].sum(), s[y == 1].sum()], [4.0, 4.0], rtol=1e-12)
    assert np.all(class_weights(y, np.array([0, 1])) == 1.0)
