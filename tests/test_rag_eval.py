"""Tests of snippets/rag_eval.py: the metrics on hand-worked cases, and each pipeline stage's
measured contribution on the labelled questions, asserted as Q88 states it."""

import pytest

from snippets.rag_corpus import DOCS, QUERIES
from snippets.rag_eval import (ROWS, answer_report, first_hit_rank, mrr, recall_at_k, stage_ranks,
                               stage_table)
from snippets.rag_pipeline import Chunk, Pipeline


def test_metrics_hand_cases():
    ranks = [1, 3, None, 2]
    assert recall_at_k(ranks, 1) == 0.25 and recall_at_k(ranks, 3) == 0.75
    assert recall_at_k(ranks, 100) == 0.75  # a miss stays a miss
    assert mrr(ranks) == pytest.approx((1 + 1 / 3 + 0 + 1 / 2) / 4)
    assert recall_at_k([], 3) == 0.0 and mrr([]) == 0.0


def test_metric_invariants():
    ranks = [1, 4, 2, 7, None, 1]
    rec = [recall_at_k(ranks, k) for k in range(1, 9)]
    assert all(a <= b for a, b in zip(rec, rec[1:]))  # recall@k grows with k
    assert recall_at_k(ranks, 1) <= mrr(ranks) <= recall_at_k(ranks, 8)


def test_first_hit_rank():
    chunks = [Chunk("a#0", "a", "no"), Chunk("a#1", "a", "yes here"), Chunk("b#0", "b", "yes")]
    assert first_hit_rank(chunks, "yes") == 2 and first_hit_rank(chunks, "absent") is None
    assert first_hit_rank([], "x") is None


def test_corpus_size_quoted_in_q88():
    assert len(DOCS) == 37 and len(QUERIES) == 26
    assert len(Pipeline(DOCS).chunks) == 67


def test_stage_table_quoted_in_q88():
    t = {name: tuple(round(v, 3) for v in vals) for name, vals in stage_table().items()}
    assert list(t) == [r[0] for r in ROWS]
    assert t["BM25"] == (0.692, 0.846, 0.885, 0.778)
    assert t["dense (LSA, r = 32)"] == (0.577, 0.885, 1.0, 0.726)
    assert t["hybrid (RRF)"] == (0.577, 0.885, 1.0, 0.736)
    assert t["hybrid + re-rank"] == (0.808, 0.962, 1.0, 0.888)
    assert t["re-rank, no chunk overlap"] == (0.731, 0.885, 0.885, 0.81)


def test_each_stage_contributes():
    t = stage_table()
    bm, dense, hyb, rr, no_ov = t.values()
    for k in (1, 2):  # recall@3 and recall@10: hybrid at least as good as each retriever
        assert hyb[k] >= bm[k] and hyb[k] >= dense[k]
    assert rr[0] > hyb[0] and rr[3] > hyb[3]  # re-ranking raises recall@1 and MRR
    assert no_ov[2] < rr[2]  # without overlap, split answers are lost for every later stage


def test_fusion_is_not_guaranteed_to_beat_its_best_input():
    pipe = Pipeline(DOCS, r=64)
    dense, hyb = (recall_at_k(stage_ranks(pipe, s), 3) for s in ("dense", "hybrid"))
    assert round(dense, 3) == 0.923 and round(hyb, 3) == 0.885


def test_where_each_retriever_wins_quoted_in_q88():
    pipe = Pipeline(DOCS)
    bm, dense = stage_ranks(pipe, "bm25"), stage_ranks(pipe, "dense")
    ids = [i for i, (q, _, _) in enumerate(QUERIES) if "KS-" in q or "_" in q]
    assert len(ids) == 7
    assert sum(bm[i] == 1 for i in ids) == 7 and sum(dense[i] == 1 for i in ids) == 4
    worst_bm = sorted(r for r in bm if r)[-3:]
    assert worst_bm == [17, 22, 28] and max(dense) == 6


def test_answers_quoted_in_q88():
    faithful, correct = answer_report(Pipeline(DOCS))
    assert faithful == 1.0 and round(correct * 26) == 19


def test_generation_misses_are_mostly_not_retrieval_misses():
    from snippets.rag_prompt import assemble_prompt, extractive_answer

    pipe = Pipeline(DOCS)
    misses, in_prompt = 0, 0
    for q, _, span in QUERIES:
        _, sources = assemble_prompt(q, pipe.retrieve(q, "rerank"), 3)
        if span not in extractive_answer(q, sources):
            misses += 1
            in_prompt += any(span in c.text for c in sources.values())
    assert (misses, in_prompt) == (7, 6)


def test_what_removing_overlap_breaks_quoted_in_q88():
    pipe = Pipeline(DOCS, overlap=0)
    ranks = stage_ranks(pipe, "rerank")
    lost = [(q, r) for (q, _, _), r in zip(QUERIES, ranks) if r is None or r > 10]
    assert [r is None for _, r in lost] == [True, False, False]  # one span cut in two
    assert [q for q, _ in lost][1] == "replacement replica load time"
    chunks = {c.cid: c.text for c in pipe.chunks}
    assert chunks["failover#0"].endswith("A replacement replica loads its shard")
    assert chunks["failover#1"].startswith("from object storage, which takes about four minutes")
