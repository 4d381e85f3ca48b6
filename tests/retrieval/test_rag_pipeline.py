"""Tests of snippets/retrieval/rag_pipeline.py and snippets/retrieval/rag_prompt.py: chunking, re-ranking, the prompt
and the citation check (Q88)."""

import itertools

import numpy as np
import pytest

from snippets.retrieval.rag_corpus import DOCS, QUERIES
from snippets.retrieval.rag_pipeline import Chunk, Pipeline, chunk_document, chunk_spans, rerank_score, stem
from snippets.retrieval.rag_prompt import assemble_prompt, check_citations, cited_numbers, extractive_answer

CASES = [(n, size, ov) for n in (0, 1, 3, 10, 29, 30, 31, 61) for size, ov in ((4, 1), (30, 8), (5, 0))]


@pytest.mark.parametrize("n,size,overlap", CASES)
def test_chunks_cover_every_token(n, size, overlap):
    covered = set()
    for s, e in chunk_spans(n, size, overlap):
        assert 0 <= s < e <= n and e - s <= size
        covered |= set(range(s, e))
    assert covered == set(range(n))


@pytest.mark.parametrize("n,size,overlap", CASES)
def test_consecutive_chunks_overlap_exactly_as_configured(n, size, overlap):
    spans = chunk_spans(n, size, overlap)
    for (s1, e1), (s2, e2) in zip(spans, spans[1:]):
        assert e1 - s2 == overlap and e1 - s1 == size  # only the last chunk may be short
        assert e2 > e1  # no chunk is all overlap


@pytest.mark.parametrize("n,size,overlap", CASES)
def test_any_span_of_overlap_plus_one_tokens_fits_in_one_chunk(n, size, overlap):
    spans = chunk_spans(n, size, overlap)
    L = overlap + 1
    for a in range(max(n - L + 1, 0)):
        assert any(s <= a and a + L <= e for s, e in spans)


def test_without_overlap_a_two_token_span_can_be_split():
    spans = chunk_spans(10, 5, 0)
    assert not any(s <= 4 and 6 <= e for s, e in spans)  # tokens 4 and 5 straddle the cut


def test_chunk_spans_rejects_bad_overlap():
    for ov in (-1, 5, 6):
        with pytest.raises(ValueError):
            chunk_spans(10, 5, ov)


def test_chunk_document_keeps_original_text():
    text = "Error KS-4012 means  the service\ntimed out."
    chunks = chunk_document("e", text, size=3, overlap=1)
    assert [c.cid for c in chunks] == ["e#0", "e#1", "e#2"]
    assert all(c.text in text for c in chunks)
    assert chunks[0].text == "Error KS-4012 means" and chunks[-1].text == "service\ntimed out."
    assert chunk_document("e", "", 3, 1) == []


def test_every_gold_span_is_verbatim_and_fits_in_a_chunk_with_overlap():
    chunks = Pipeline(DOCS).chunks
    for _, doc, span in QUERIES:
        assert span in DOCS[doc]
        assert len(span.split()) <= 8 + 1  # guaranteed to fit with overlap 8
        assert any(span in c.text for c in chunks if c.doc_id == doc)


def naive_window(toks, hit):
    best = len(toks)
    for i, j in itertools.combinations_with_replacement(range(len(toks)), 2):
        if set(hit) <= set(toks[i:j + 1]):
            best = min(best, j - i + 1)
    return best


@pytest.mark.parametrize("text", ["audit logs kept", "logs kept by the audit team",
                                  "audit team logs audit x logs", "nothing here", "logs only"])
def test_rerank_score_matches_a_naive_window(text):
    w = {"audit": 2.0, "logs": 1.0}.get
    from snippets.retrieval.rag_retrieval import terms

    toks = [stem(t) for t in terms(text)]
    hit = [s for s in ("audit", "logs") if s in toks]
    expected = 0.0 if not hit else (
        sum(w(h) for h in hit) / 3.0 + 0.5 * len(hit) / naive_window(toks, hit))
    assert rerank_score("audit logs", text, w) == pytest.approx(expected)


def test_rerank_prefers_adjacent_terms_and_heavier_terms():
    w = {"audit": 2.0, "logs": 1.0}.get
    assert rerank_score("audit logs", "audit logs", w) > rerank_score("audit logs", "logs x x audit", w)
    assert rerank_score("audit logs", "audit", w) > rerank_score("audit logs", "logs", w)
    assert rerank_score("", "audit", w) == 0.0


@pytest.fixture(scope="module")
def pipe():
    return Pipeline(DOCS)


def test_stages_are_q58s_bm25_and_rrf_over_the_pipelines_terms(pipe):
    # the pipeline re-implements neither BM25 nor RRF: check the composition from outside
    from snippets.retrieval.bm25 import BM25
    from snippets.retrieval.hybrid_retrieval import reciprocal_rank_fusion
    from snippets.retrieval.rag_retrieval import terms

    bm25 = BM25([" ".join(terms(c.text)) for c in pipe.chunks])
    for q, _, _ in QUERIES[:8]:
        bm = np.argsort(-bm25.scores(" ".join(terms(q))), kind="stable")
        dense = np.argsort(-(pipe.E @ pipe.encoder.encode([q])[0]), kind="stable")
        assert [c.cid for c in pipe.retrieve(q, "bm25")] == [pipe.chunks[i].cid for i in bm]
        fused = reciprocal_rank_fusion([bm.tolist(), dense.tolist()])
        assert [c.cid for c in pipe.retrieve(q, "hybrid")] == [pipe.chunks[i].cid for i in fused]


def test_rerank_weight_is_the_largest_idf_among_terms_sharing_the_stem(pipe):
    vocab = pipe.bm25.vocab
    for t in ("retension", "rotate", "ks", "4012", "zzzz"):
        naive = max((pipe.bm25.idf[j] for u, j in vocab.items() if stem(u) == stem(t)), default=0.0)
        assert pipe.weight(t) == pytest.approx(naive, abs=0)
    assert pipe.weight("zzzz") == 0.0 and pipe.weight("retension") > 0  # retention shares "reten"


@pytest.mark.parametrize("stage", ["bm25", "dense", "hybrid", "rerank"])
def test_every_stage_returns_a_permutation_of_the_chunks(pipe, stage):
    got = pipe.retrieve("how long are snapshots kept", stage)
    assert sorted(c.cid for c in got) == sorted(c.cid for c in pipe.chunks)


def test_rerank_only_reorders_the_top_n(pipe):
    for q, _, _ in QUERIES[:5]:
        hybrid, rr = pipe.retrieve(q, "hybrid"), pipe.retrieve(q, "rerank")
        assert set(hybrid[:10]) == set(rr[:10]) and hybrid[10:] == rr[10:]


def test_prompt_numbers_the_sources_and_ends_with_the_question(pipe):
    prompt, sources = assemble_prompt("snapshot retention", pipe.retrieve("snapshot retention"), 3)
    assert list(sources) == [1, 2, 3]
    for n, c in sources.items():
        assert f"[{n}] ({c.cid}) {c.text}" in prompt
    assert prompt.endswith("Question: snapshot retention\nAnswer:")
    assert assemble_prompt("q", [], 3)[1] == {}


def test_generated_answers_cite_only_what_they_quote(pipe):
    for q, _, _ in QUERIES:
        _, sources = assemble_prompt(q, pipe.retrieve(q), 3)
        answer = extractive_answer(q, sources)
        assert check_citations(answer, sources) == []
        assert all(n in sources for n in cited_numbers(answer))


def test_citation_check_catches_fabrication_and_misattribution():
    src = {1: Chunk("keys#0", "keys", "API keys are rotated every 90 days."),
           2: Chunk("backup#0", "backup", "Snapshots are kept for 35 days.")}
    assert check_citations("API keys are rotated every 90 days. [1]", src) == []
    assert check_citations("API keys are rotated every 90 days. [2]", src) == [
        "[2] (backup#0) does not contain: 'API keys are rotated every 90 days.'"]
    assert check_citations("Snapshots are kept for 35 days. [3]", src) == ["[3] cites no source"]
    assert check_citations("Snapshots are kept for 35 days.", src) == ["the answer cites no source"]
    assert check_citations("I do not know.", src) == []


def test_extractive_answer_abstains_without_overlap():
    src = {1: Chunk("a#0", "a", "Snapshots are kept for 35 days.")}
    assert extractive_answer("rate limits", src) == "I do not know."
    assert extractive_answer("anything", {}) == "I do not know."


def test_cited_numbers_reference_and_edge_cases():
    assert cited_numbers("a [1] b [12], c [3]") == [1, 12, 3]
    assert cited_numbers("no citations here, [x] [ 2]") == []
    assert cited_numbers("") == []
