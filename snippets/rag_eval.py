"""Evaluation of the RAG pipeline stage by stage: retrieval recall@k and MRR on labelled
questions, and a citation (faithfulness) check of the generated answers.

Follows: answer-span relevance and top-k retrieval accuracy of Karpukhin et al. (2020): a
question counts as retrieved at k if one of the top k chunks contains its answer span; mean
reciprocal rank of the first such chunk; and, for generation, the RAGAS idea (Es et al., 2024)
of scoring faithfulness as whether the retrieved context supports each claim, here checked by
exact containment because the stand-in generator quotes its source.
Simplifications: one gold span per question; no LLM judge; 26 questions, so one question is
3.8 points of recall.
"""

from functools import lru_cache

import numpy as np

from snippets.rag_corpus import DOCS, QUERIES
from snippets.rag_pipeline import Pipeline
from snippets.rag_prompt import assemble_prompt, check_citations, extractive_answer


def first_hit_rank(chunks, span):
    """1-based rank of the first chunk containing span, or None if no chunk does.

    >>> from snippets.rag_pipeline import Chunk
    >>> first_hit_rank([Chunk("a#0", "a", "x y"), Chunk("b#0", "b", "the answer")], "answer")
    2
    """
    return next((i for i, c in enumerate(chunks, start=1) if span in c.text), None)


def recall_at_k(ranks, k):
    """Fraction of questions whose answer is in the top k (DPR's top-k retrieval accuracy).

    >>> recall_at_k([1, 3, None, 2], 2)
    0.5
    """
    return float(np.mean([r is not None and r <= k for r in ranks])) if ranks else 0.0


def mrr(ranks):
    """Mean reciprocal rank of the first relevant chunk; a miss counts 0.

    >>> mrr([1, 2, None, 4])
    0.4375
    """
    return float(np.mean([1.0 / r if r else 0.0 for r in ranks])) if ranks else 0.0


def stage_ranks(pipe, stage, queries=QUERIES):
    """First-hit rank of every question's gold span under one retrieval stage.

    >>> stage_ranks(Pipeline(DOCS), "bm25")[:3]
    [1, 1, 1]
    """
    return [first_hit_rank(pipe.retrieve(q, stage), span) for q, _, span in queries]


def answer_report(pipe, queries=QUERIES, n_sources=3):
    """Generate from the top n_sources chunks and check every answer's citations.

    Returns (fraction of answers with no citation problem, fraction containing the gold span).

    >>> faithful, correct = answer_report(Pipeline(DOCS))
    >>> faithful, round(correct * len(QUERIES))
    (1.0, 19)
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
    table = {}
    for name, overlap, r, stage in rows:
        ranks = stage_ranks(Pipeline(DOCS, overlap=overlap, r=r), stage)
        table[name] = tuple(recall_at_k(ranks, k) for k in (1, 3, 10)) + (mrr(ranks),)
    return table


def plot_stage_metrics():
    """Figure: recall@1, recall@10 and MRR for each stage of the pipeline."""
    import matplotlib.pyplot as plt

    table = stage_table()
    names = list(table)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    width = 0.26
    for j, (label, idx, hatch) in enumerate((("recall@1", 0, ""), ("recall@10", 2, "//"),
                                             ("MRR", 3, ".."))):
        xs = np.arange(len(names)) + (j - 1) * width
        ax.bar(xs, [table[n][idx] for n in names], width, label=label, color="white",
               edgecolor="black", hatch=hatch)
    ax.set_xticks(np.arange(len(names)), [n.replace(" (", "\n(").replace(", ", ",\n")
                                          for n in names], fontsize=8)
    ax.set_ylabel("score on 26 labelled questions")
    ax.set_ylim(0, 1.15)
    ax.legend(ncol=3, fontsize=8, loc="upper left")
    return fig
