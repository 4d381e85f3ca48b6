"""Tests of snippets/retrieval/rag_eval.py: the metrics on hand-worked cases, and each pipeline stage's
measured contribution on the labelled questions, asserted as Q88 states it."""

from functools import lru_cache

import pytest

from snippets.retrieval.rag_corpus import DOCS, QUERIES
from snippets.retrieval.rag_eval import (ROWS, answer_recall_at_k, answer_report, first_hit_ranks, mrr,
                               run_and_qrels, stage_table)
from snippets.retrieval.rag_pipeline import Pipeline
from snippets.retrieval.retrieval_metrics import recall_at_k

RUN = {"q1": ["a", "b", "c"], "q2": ["d", "e", "f"], "q3": ["g", "h", "i"], "q4": ["j", "k"]}
QRELS = {"q1": {"a"}, "q2": {"f", "e"}, "q3": {"z"}, "q4": set()}  # q4: the span was cut


@lru_cache(maxsize=None)
def built(overlap=8, r=32):
    """One pipeline per configuration for the whole module: building the LSA is the slow part."""
    return Pipeline(DOCS, overlap=overlap, r=r)


@pytest.fixture(scope="module")
def pipe():
    return built()


def test_metrics_hand_cases():
    assert first_hit_ranks(RUN, QRELS) == [1, 2, None, None]
    assert answer_recall_at_k(RUN, QRELS, 1) == 0.25 and answer_recall_at_k(RUN, QRELS, 2) == 0.5
    assert answer_recall_at_k(RUN, QRELS, 100) == 0.5  # a miss stays a miss
    assert mrr(RUN, QRELS) == pytest.approx((1 + 1 / 2 + 0 + 0) / 4)


def test_metrics_match_a_naive_loop(pipe):
    run, qrels = run_and_qrels(pipe, "hybrid")
    ranks = []
    for q, _, span in QUERIES:
        chunks = pipe.retrieve(q, "hybrid")
        ranks.append(next((i for i, c in enumerate(chunks, 1) if span in c.text), None))
    assert first_hit_ranks(run, qrels) == ranks
    for k in (1, 3, 10):
        assert answer_recall_at_k(run, qrels, k) == pytest.approx(
            sum(r is not None and r <= k for r in ranks) / len(ranks))
    assert mrr(run, qrels) == pytest.approx(sum(1 / r for r in ranks if r) / len(ranks))


def test_metric_invariants():
    rec = [answer_recall_at_k(RUN, QRELS, k) for k in range(1, 5)]
    assert all(a <= b for a, b in zip(rec, rec[1:]))  # recall@k grows with k
    assert answer_recall_at_k(RUN, QRELS, 1) <= mrr(RUN, QRELS) <= answer_recall_at_k(RUN, QRELS, 4)


def test_answer_recall_is_q58_recall_when_one_chunk_holds_the_span():
    one = {"q1": {"a"}, "q2": {"e"}, "q3": {"z"}}
    run = {q: RUN[q] for q in one}
    for k in (1, 2, 3):
        q58 = sum(recall_at_k(run[q], rel, k) for q, rel in one.items()) / len(one)
        assert answer_recall_at_k(run, one, k) == pytest.approx(q58)
    # a span in two chunks (q2 of QRELS): finding either answers the question
    assert answer_recall_at_k({"q2": RUN["q2"]}, {"q2": QRELS["q2"]}, 2) == 1.0
    assert recall_at_k(RUN["q2"], QRELS["q2"], 2) == 0.5


def test_corpus_size_quoted_in_q88(pipe):
    assert len(DOCS) == 37 and len(QUERIES) == 26
    assert len(pipe.chunks) == 67
    _, qrels = run_and_qrels(pipe, "bm25")
    assert sum(len(rel) == 2 for rel in qrels.values()) == 2  # two spans lie in two chunks


def test_stage_table_quoted_in_q88():
    t = {name: tuple(round(v, 3) for v in vals) for name, vals in stage_table().items()}
    assert list(t) == [r[0] for r in ROWS]
    assert t["BM25"] == (0.692, 0.846, 0.885, 0.778)
    assert t["dense (LSA, r = 32)"] == (0.577, 0.885, 1.0, 0.726)
    assert t["hybrid (RRF)"] == (0.615, 0.885, 1.0, 0.755)
    assert t["hybrid + re-rank"] == (0.846, 0.962, 1.0, 0.907)
    assert t["re-rank, no chunk overlap"] == (0.731, 0.885, 0.885, 0.81)


def test_each_stage_contributes():
    t = stage_table()
    bm, dense, hyb, rr, no_ov = t.values()
    for k in (1, 2):  # recall@3 and recall@10: hybrid at least as good as each retriever
        assert hyb[k] >= bm[k] and hyb[k] >= dense[k]
    assert hyb[0] < bm[0]  # but fusion does not fix the order: BM25 alone has the better recall@1
    assert rr[0] > hyb[0] and rr[3] > hyb[3]  # re-ranking raises recall@1 and MRR
    assert no_ov[2] < rr[2]  # without overlap, split answers are lost for every later stage


def stage_metrics(r):
    pipe = built(r=r)
    out = {}
    for stage in ("bm25", "dense", "hybrid", "rerank"):
        run, qrels = run_and_qrels(pipe, stage)
        out[stage] = [round(answer_recall_at_k(run, qrels, k), 3) for k in (1, 3, 10)]
        out[stage].append(round(mrr(run, qrels), 3))
    return out


@pytest.fixture(scope="module")
def sweep():
    return {r: stage_metrics(r) for r in (8, 16, 32, 64)}


def test_the_toy_encoders_dimension_moves_the_numbers_not_the_lessons(sweep):
    for m in sweep.values():
        assert m["hybrid"][2] >= max(m["bm25"][2], m["dense"][2])  # fusion keeps recall@10
        assert m["rerank"][0] > m["hybrid"][0] and m["rerank"][3] > m["hybrid"][3]
    assert [sweep[r]["dense"][2] for r in (8, 16, 32, 64)] == [0.808, 0.962, 1.0, 1.0]
    assert [sweep[r]["hybrid"][2] for r in (8, 16, 32, 64)] == [0.923, 0.962, 1.0, 1.0]
    assert [sweep[r]["rerank"][0] for r in (8, 16, 32, 64)] == [0.769, 0.808, 0.846, 0.846]


def test_fusion_is_not_guaranteed_to_beat_its_best_input(sweep):
    assert sweep[64]["dense"][1] == 0.923 and sweep[64]["hybrid"][1] == 0.885  # recall@3


def test_where_each_retriever_wins_quoted_in_q88(pipe):
    bm, dense = (first_hit_ranks(*run_and_qrels(pipe, s)) for s in ("bm25", "dense"))
    ids = [i for i, (q, _, _) in enumerate(QUERIES) if "KS-" in q or "_" in q]
    assert len(ids) == 7
    assert sum(bm[i] == 1 for i in ids) == 7 and sum(dense[i] == 1 for i in ids) == 4
    worst_bm = sorted((r, q) for r, (q, _, _) in zip(bm, QUERIES) if r)[-3:]
    assert worst_bm == [(17, "how frequently do we rotate service credentials"),
                        (22, "retension of audit logging"), (28, "throttling of tenants")]
    assert max(dense) == 6


def test_answers_quoted_in_q88(pipe):
    faithful, correct = answer_report(pipe)
    assert faithful == 1.0 and round(correct * 26) == 20


def test_generation_misses_are_mostly_not_retrieval_misses(pipe):
    from snippets.retrieval.rag_prompt import assemble_prompt, extractive_answer

    misses, in_prompt = 0, 0
    for q, _, span in QUERIES:
        _, sources = assemble_prompt(q, pipe.retrieve(q, "rerank"), 3)
        if span not in extractive_answer(q, sources):
            misses += 1
            in_prompt += any(span in c.text for c in sources.values())
    assert (misses, in_prompt) == (6, 5)


def test_what_removing_overlap_breaks_quoted_in_q88():
    pipe = built(overlap=0)
    ranks = first_hit_ranks(*run_and_qrels(pipe, "rerank"))
    lost = [(q, r) for (q, _, _), r in zip(QUERIES, ranks) if r is None or r > 10]
    assert [r is None for _, r in lost] == [True, False, False]  # one span cut in two
    assert [q for q, _ in lost][1] == "replacement replica load time"
    chunks = {c.cid: c.text for c in pipe.chunks}
    assert chunks["failover#0"].endswith("A replacement replica loads its shard")
    assert chunks["failover#1"].startswith("from object storage, which takes about four minutes")


def test_rrf_tie_breaking_moves_recall_at_1_quoted_in_q88(pipe):
    # the same fusion with ties broken by chunk position instead of the BM25 list's order
    run = {}
    for q, _, _ in QUERIES:
        bm = [c.cid for c in pipe.retrieve(q, "bm25")]
        dense = [c.cid for c in pipe.retrieve(q, "dense")]
        pos = {c.cid: i for i, c in enumerate(pipe.chunks)}
        score = {d: 1 / (61 + bm.index(d)) + 1 / (61 + dense.index(d)) for d in bm}
        run[q] = sorted(score, key=lambda d: (-score[d], pos[d]))
    _, qrels = run_and_qrels(pipe, "bm25")
    assert round(answer_recall_at_k(run, qrels, 1), 3) == 0.577
    hybrid, _ = run_and_qrels(pipe, "hybrid")
    assert round(answer_recall_at_k(hybrid, qrels, 1), 3) == 0.615


def test_paired_rerank_effect_and_standard_error_quoted_in_q88(pipe):
    hyb, rr = (first_hit_ranks(*run_and_qrels(pipe, s)) for s in ("hybrid", "rerank"))
    assert sum(h != 1 and r == 1 for h, r in zip(hyb, rr)) == 7  # moved to rank 1
    assert sum(h == 1 and r != 1 for h, r in zip(hyb, rr)) == 1  # pushed down
    p = stage_table()["hybrid + re-rank"][0]
    assert round((p * (1 - p) / 26) ** 0.5, 2) == 0.07 and round(100 / 26, 1) == 3.8
