"""Tests of snippets/retrieval/retrieval_metrics.py: hand-worked cases, scikit-learn's ndcg_score as an
independent reference for nDCG, and the invariants of each metric."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics import ndcg_score

from snippets.retrieval.retrieval_metrics import (dcg, evaluate, ndcg_at_k, precision_at_k, recall_at_k,
                                        reciprocal_rank)

RANKED = ["d3", "d1", "d7", "d2", "d9"]
GRADED = {"d1": 3, "d2": 2, "d5": 1}  # d5 is judged relevant but never retrieved


# -- hand-worked cases ------------------------------------------------------------------------

def test_hand_worked_binary_metrics():
    rel = set(GRADED)
    assert precision_at_k(RANKED, rel, 1) == 0.0
    assert precision_at_k(RANKED, rel, 2) == 0.5
    assert precision_at_k(RANKED, rel, 4) == 0.5  # d1 and d2 in the top 4
    assert recall_at_k(RANKED, rel, 2) == pytest.approx(1 / 3)
    assert recall_at_k(RANKED, rel, 5) == pytest.approx(2 / 3)  # d5 is never found
    assert reciprocal_rank(RANKED, rel) == 0.5
    assert reciprocal_rank(RANKED, rel, k=1) == 0.0


def test_hand_worked_ndcg():
    # DCG@4 = 0/1 + 3/log2(3) + 0/2 + 2/log2(5) = 2.7541; IDCG@4 = 3 + 2/log2(3) + 1/2 = 4.7619
    assert_allclose(dcg([0, 3, 0, 2]), 3 / np.log2(3) + 2 / np.log2(5), rtol=1e-12)
    assert round(dcg([0, 3, 0, 2]), 4) == 2.7541
    assert round(dcg([3, 2, 1]), 4) == 4.7619
    assert round(ndcg_at_k(RANKED, GRADED, 4), 4) == 0.5784


@pytest.mark.parametrize("k", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ndcg_matches_sklearn(k, seed):
    rng = np.random.default_rng(seed)
    n = 8
    grades = rng.integers(0, 4, size=n)
    grades[0] = max(grades[0], 1)  # at least one relevant document
    scores = rng.permutation(n).astype(float)  # distinct scores: no ties
    ranked = [int(i) for i in np.argsort(-scores)]
    ours = ndcg_at_k(ranked, {i: int(g) for i, g in enumerate(grades)}, k)
    assert_allclose(ours, ndcg_score(grades[None], scores[None], k=k), rtol=1e-12)


# -- invariants -------------------------------------------------------------------------------

def test_a_perfect_ranking_scores_one():
    ideal = sorted(GRADED, key=lambda d: -GRADED[d])
    for k in (1, 2, 3):
        assert ndcg_at_k(ideal, GRADED, k) == pytest.approx(1.0)
    assert reciprocal_rank(ideal, GRADED) == 1.0
    assert recall_at_k(ideal, GRADED, 3) == 1.0


@pytest.mark.parametrize("k", [1, 3, 10])
def test_metrics_are_in_unit_interval_and_recall_grows_with_k(k):
    rng = np.random.default_rng(k)
    for _ in range(20):
        ranked = list(rng.permutation(20))
        rel = set(rng.choice(20, size=3, replace=False).tolist())
        for m in (precision_at_k, recall_at_k, ndcg_at_k):
            assert 0.0 <= m(ranked, rel, k) <= 1.0
        assert recall_at_k(ranked, rel, k) <= recall_at_k(ranked, rel, k + 1)


def test_set_and_binary_dict_agree_and_zero_grades_are_irrelevant():
    rel = {"d1", "d2"}
    as_dict = {"d1": 1, "d2": 1, "d4": 0}
    for k in (1, 3, 5):
        assert ndcg_at_k(RANKED, rel, k) == ndcg_at_k(RANKED, as_dict, k)
        assert recall_at_k(RANKED, rel, k) == recall_at_k(RANKED, as_dict, k)


def test_empty_ranking_and_no_relevant_documents():
    assert reciprocal_rank([], {"d1"}) == 0.0
    assert recall_at_k([], {"d1"}, 5) == 0.0
    assert ndcg_at_k([], {"d1": 2}, 5) == 0.0
    with pytest.raises(ValueError):
        recall_at_k(RANKED, set(), 5)
    with pytest.raises(ValueError):
        ndcg_at_k(RANKED, {"d1": 0}, 5)


def test_evaluate_averages_over_queries():
    run = {"q1": RANKED, "q2": ["d5", "d1"]}
    qrels = {"q1": GRADED, "q2": {"d5"}, "q3": {"d1"}}  # q3 has no ranking: all zeros
    out = evaluate(run, qrels, k=2)
    assert out["mrr"] == pytest.approx((0.5 + 1.0 + 0.0) / 3)
    assert out["recall@2"] == pytest.approx((1 / 3 + 1.0 + 0.0) / 3)
    assert out["precision@2"] == pytest.approx((0.5 + 0.5 + 0.0) / 3)
    assert out["ndcg@2"] == pytest.approx((ndcg_at_k(RANKED, GRADED, 2) + 1.0) / 3)
