"""Offline retrieval metrics: precision@k, recall@k, reciprocal rank (MRR) and nDCG@k.

A run maps each query id to its ranked list of document ids (best first); qrels map each
query id to its judged documents, either a set (binary relevance) or a dict doc -> grade
(grade > 0 is relevant). Every function scores one query; `evaluate` averages over queries.

Follows: Järvelin and Kekäläinen (2002) for cumulated gain (DCG, nDCG), with the discount
1 / log2(rank + 1) and linear gain used by trec_eval and scikit-learn's `ndcg_score`.
Simplifications: no tie handling (the ranked list is taken as given); queries without any
relevant document raise instead of being skipped silently.
"""

import numpy as np


def _grades(relevant):
    """A set of relevant ids or a dict id -> grade, as a dict of positive grades."""
    if isinstance(relevant, dict):
        return {d: float(g) for d, g in relevant.items() if g > 0}
    return {d: 1.0 for d in relevant}


def precision_at_k(ranked, relevant, k):
    """Share of the top k results that are relevant (the denominator is k, not len(ranked)).

    >>> precision_at_k(["d3", "d1", "d7"], {"d1", "d2"}, 2)
    0.5
    """
    rel = _grades(relevant)
    return sum(d in rel for d in ranked[:k]) / k


def recall_at_k(ranked, relevant, k):
    """Share of the relevant documents that appear in the top k results.

    >>> recall_at_k(["d3", "d1", "d7"], {"d1", "d2"}, 3)
    0.5
    """
    rel = _grades(relevant)
    if not rel:
        raise ValueError("recall is undefined for a query without relevant documents")
    return sum(d in rel for d in ranked[:k]) / len(rel)


def reciprocal_rank(ranked, relevant, k=None):
    """1 / rank of the first relevant result (ranks start at 1); 0 if none in the top k.

    >>> reciprocal_rank(["d3", "d1", "d7"], {"d1", "d2"})
    0.5
    """
    rel = _grades(relevant)
    for rank, d in enumerate(ranked[:k] if k else ranked, start=1):
        if d in rel:
            return 1.0 / rank
    return 0.0


def dcg(gains, k=None):
    """Discounted cumulative gain of gains listed in rank order: sum_i g_i / log2(i + 1).

    >>> round(dcg([3, 2, 0]), 4)  # 3 / 1 + 2 / log2(3)
    4.2619
    """
    g = np.asarray(gains, dtype=float)[:k]
    return float((g / np.log2(np.arange(2, len(g) + 2))).sum())


def ndcg_at_k(ranked, relevant, k):
    """DCG@k of the ranking divided by the ideal DCG@k (all judged documents, best first).

    >>> round(ndcg_at_k(["d3", "d1", "d7", "d2"], {"d1": 3, "d2": 2, "d5": 1}, 4), 4)
    0.5784
    """
    rel = _grades(relevant)
    if not rel:
        raise ValueError("nDCG is undefined for a query without relevant documents")
    gains = [rel.get(d, 0.0) for d in ranked[:k]]
    # subtle: the ideal ranking uses every judged document, retrieved or not
    ideal = sorted(rel.values(), reverse=True)
    return dcg(gains, k) / dcg(ideal, k)


def evaluate(run, qrels, k=10):
    """Mean precision@k, recall@k, MRR and nDCG@k over the queries of `qrels`.

    run: {qid: ranked ids}, qrels: {qid: set or {id: grade}} -> dict of floats.
    A query missing from the run counts as an empty ranking (all metrics 0).

    >>> evaluate({"q1": ["a", "b"], "q2": ["c"]}, {"q1": {"b"}, "q2": {"c"}}, k=1)["mrr"]
    0.75
    """
    names = (f"precision@{k}", f"recall@{k}", "mrr", f"ndcg@{k}")
    rows = [(precision_at_k(run.get(q, []), rel, k), recall_at_k(run.get(q, []), rel, k),
             reciprocal_rank(run.get(q, []), rel), ndcg_at_k(run.get(q, []), rel, k))
            for q, rel in qrels.items()]
    return dict(zip(names, (float(v) for v in np.mean(rows, axis=0))))
