"""Evaluation of the RAG pipeline stage by stage: retrieval on labelled questions, and a
citation (faithfulness) check of the generated answers.

Follows: answer-span relevance and top-k retrieval accuracy of Karpukhin et al. (2020): a
chunk is relevant if it contains the question's answer span, and a question counts as
retrieved at k if one of the top k chunks is relevant; the per-query reciprocal rank is
Q58's snippets/retrieval/retrieval_metrics.py. For generation, the RAGAS idea (Es et al.,
2024) of scoring faithfulness as whether the retrieved context supports each claim, here
checked by exact containment because the stand-in generator quotes its source.
Simplifications: one gold span per question; no LLM judge; 26 questions, so one question is
3.8 points of recall.
"""

from functools import lru_cache

import numpy as np

from snippets.retrieval.rag_corpus import DOCS, QUERIES
from snippets.retrieval.rag_pipeline import Pipeline
from snippets.retrieval.rag_prompt import (assemble_prompt, check_citations,
                                           extractive_answer)
from snippets.retrieval.retrieval_metrics import reciprocal_rank


def run_and_qrels(pipe, stage, queries=QUERIES):
    """One stage's ranked chunk ids per question, and each question's relevant chunks (those
    that contain its gold span; none if chunking cut the span). -> (run, qrels)

    >>> run, qrels = run_and_qrels(Pipeline(DOCS), "bm25", QUERIES[:1])
    >>> q = "What does error KS-4012 mean?"
    >>> sorted(qrels[q]), run[q][0]
    (['err-4012#0'], 'err-4012#0')
    """
    run = {q: [c.cid for c in pipe.retrieve(q, stage)] for q, _, _ in queries}
    qrels = {q: {c.cid for c in pipe.chunks if span in c.text} for q, _, span in queries}
    return run, qrels


def answer_recall_at_k(run, qrels, k):
    """Share of questions with a relevant chunk in the top k:
    DPR's top-k retrieval accuracy.

    Not Q58's recall@k, the share of the relevant chunks retrieved: with overlap a span can
    lie in two chunks, and either one answers the question.

    >>> run = {"q1": ["a", "b"], "q2": ["c", "d"]}
    >>> answer_recall_at_k(run, {"q1": {"b", "x"}, "q2": set()}, 2)
    0.5
    """
    return float(np.mean([reciprocal_rank(run[q], rel, k) > 0 for q, rel in qrels.items()]))


def mrr(run, qrels):
    """Mean reciprocal rank of the first relevant chunk (Q58's reciprocal_rank);
    a miss is 0.

    >>> mrr({"q1": ["a", "b"], "q2": ["c", "d"]}, {"q1": {"b"}, "q2": {"c"}})
    0.75
    """
    return float(np.mean([reciprocal_rank(run[q], rel) for q, rel in qrels.items()]))


def first_hit_ranks(run, qrels):
    """1-based rank of each question's first relevant chunk, None for a miss.

    >>> first_hit_ranks({"q1": ["a", "b"], "q2": ["c"]}, {"q1": {"b"}, "q2": {"z"}})
    [2, None]
    """
    return [round(1 / rr) if (rr := reciprocal_rank(run[q], rel)) else None
            for q, rel in qrels.items()]


def answer_report(pipe, queries=QUERIES, n_sources=3):
    """Generate from the top n_sources chunks and check every answer's citations.

    Returns (fraction of answers with no citation problem,
    fraction containing the gold span).

    >>> faithful, correct = answer_report(Pipeline(DOCS))
    >>> faithful, round(correct * len(QUERIES))
    (1.0, 20)
    """
    faithful, correct = [], []
    for q, _, span in queries:
        _, sources = assemble_prompt(q, pipe.retrieve(q, "rerank"), n_sources)
        answer = extractive_answer(q, sources)
        faithful.append(not check_citations(answer, sources))
        correct.append(span in answer)
    return float(np.mean(faithful)), float(np.mean(correct))


ROWS = (("BM25", 8, 32, "bm25"), ("dense (LSA, r = 32)", 8, 32, "dense"),
        ("hybrid (RRF)", 8, 32, "hybrid"), ("hybrid + re-rank", 8, 32, "rerank"),
        ("re-rank, no chunk overlap", 0, 32, "rerank"))


@lru_cache(maxsize=None)
def stage_table(rows=ROWS):
    """{row name: (recall@1, recall@3, recall@10, MRR)} on the labelled questions."""
    table, pipes = {}, {}
    for name, overlap, r, stage in rows:
        if (overlap, r) not in pipes:  # one index per configuration, shared by its stages
            pipes[overlap, r] = Pipeline(DOCS, overlap=overlap, r=r)
        run, qrels = run_and_qrels(pipes[overlap, r], stage)
        recalls = tuple(answer_recall_at_k(run, qrels, k) for k in (1, 3, 10))
        table[name] = recalls + (mrr(run, qrels),)
    return table
