"""The retrieval half of a RAG pipeline over a small corpus:
chunking, hybrid retrieval, re-ranking.

Follows: retrieve-then-generate (Lewis et al., NeurIPS 2020): chunk the documents with
overlap, retrieve with BM25 (Q58's snippets/retrieval/bm25.py) and a dense encoder
(snippets/retrieval/rag_retrieval.py), fuse the two rankings by reciprocal rank fusion
(Cormack et al., 2009; Q58's snippets/retrieval/hybrid_retrieval.py), and re-rank the top
candidates with a scorer that reads query and chunk together (the role of a BERT
cross-encoder, Nogueira & Cho, 2019). The prompt, the answer and its citation check are in
snippets/retrieval/rag_prompt.py.
Simplifications: whitespace tokens stand in for model tokens; the re-ranker is two hand-made
cross features (weighted query-term coverage and term proximity), not a trained model.
"""

import re
from dataclasses import dataclass

import numpy as np

from snippets.retrieval.bm25 import BM25
from snippets.retrieval.hybrid_retrieval import reciprocal_rank_fusion
from snippets.retrieval.rag_retrieval import TrigramLSA, ranking, terms


@dataclass(frozen=True)
class Chunk:
    """A retrievable piece of a document, with the id that prompts cite."""

    cid: str  # "<doc id>#<chunk number>"
    doc_id: str
    text: str


def chunk_spans(n_tokens, size, overlap):
    """Token windows [start, end) of `size` that overlap by `overlap`
    and cover all n tokens.

    >>> chunk_spans(10, size=4, overlap=1)
    [(0, 4), (3, 7), (6, 10)]
    """
    if not 0 <= overlap < size:
        raise ValueError("need 0 <= overlap < size")
    step = size - overlap
    # subtle: stop once a window reaches the end, or the last one would be all overlap
    return [(s, min(s + size, n_tokens)) for s in range(0, max(n_tokens - overlap, 1), step)
            if n_tokens]


def chunk_document(doc_id, text, size, overlap):
    """Split a document into Chunks of whitespace tokens, keeping the original characters.

    >>> [c.text for c in chunk_document("d", "a b c d e", size=3, overlap=1)]
    ['a b c', 'c d e']
    """
    tokens = list(re.finditer(r"\S+", text))  # character offsets of every token
    return [Chunk(f"{doc_id}#{i}", doc_id, text[tokens[s].start():tokens[e - 1].end()])
            for i, (s, e) in enumerate(chunk_spans(len(tokens), size, overlap))]


def stem(t):
    """A crude truncation stemmer: the first five characters.

    >>> stem("rotated") == stem("rotation"), stem("retension") == stem("retention")
    (True, True)
    """
    return t[:5]


def rerank_score(query, text, weight):
    """Cross features of (query, chunk): idf-weighted coverage of the query's stems, plus
    0.5 x proximity = matched stems / length of the shortest window that holds them all.

    >>> w = {"audit": 2.0, "logs": 1.0}.get
    >>> near, far = "audit logs kept", "logs kept by the audit team"
    >>> q = "audit logs"
    >>> round(rerank_score(q, near, w), 3), round(rerank_score(q, far, w), 3)
    (1.5, 1.333)
    """
    q = {stem(t): weight(t) or 0.0 for t in terms(query)}
    toks = [stem(t) for t in terms(text)]
    hit = [s for s in q if s in toks]
    if not hit or not sum(q.values()):
        return 0.0
    coverage = sum(q[s] for s in hit) / sum(q.values())
    pos = [(i, s) for i, s in enumerate(toks) if s in hit]
    best, j, seen = len(toks), 0, {}
    for i, s in pos:  # minimal window containing every matched stem (two pointers)
        seen[s] = seen.get(s, 0) + 1
        while len(seen) == len(hit):
            best = min(best, i - pos[j][0] + 1)
            seen[pos[j][1]] -= 1
            if not seen[pos[j][1]]:
                del seen[pos[j][1]]
            j += 1
    return coverage + 0.5 * len(hit) / best


class Pipeline:
    """Chunk, index and retrieve: retrieve(q, stage)
    with stage in bm25, dense, hybrid, rerank.

    >>> docs = {"keys": "API keys are rotated every 90 days.",
    ...         "backup": "Snapshots kept 35 days."}
    >>> pipe = Pipeline(docs, size=4, overlap=1)
    >>> [c.cid for c in pipe.chunks], pipe.retrieve("how long are snapshots kept")[0].cid
    (['keys#0', 'keys#1', 'backup#0'], 'backup#0')
    """

    def __init__(self, docs, size=30, overlap=8, top_n=10, r=32):
        self.chunks = [c for d, t in docs.items()
                       for c in chunk_document(d, t, size, overlap)]
        # Q58's BM25 over the chunks' terms (its own tokenizer then drops
        # one-character terms)
        self.bm25 = BM25([" ".join(terms(c.text)) for c in self.chunks])
        self.encoder = TrigramLSA([c.text for c in self.chunks], r=r)
        self.E = self.encoder.encode([c.text for c in self.chunks])  # (chunks, r)
        self.top_n = top_n
        # stem -> the largest BM25 idf among the corpus terms that share it
        self.stem_idf = {}
        for u, j in self.bm25.vocab.items():
            self.stem_idf[stem(u)] = max(self.stem_idf.get(stem(u), 0.0),
                                         float(self.bm25.idf[j]))

    def weight(self, t):
        """A query term's weight for the re-ranker: the idf of its stem,
        0 if it is nowhere."""
        return self.stem_idf.get(stem(t), 0.0)

    def retrieve(self, query, stage="rerank"):
        """Chunks ranked best first by the given stage. -> list of Chunk"""
        bm = ranking(self.bm25.scores(" ".join(terms(query))))
        dense = ranking(self.E @ self.encoder.encode([query])[0])
        order = {"bm25": bm, "dense": dense}.get(stage)
        if order is None:  # hybrid; a tie in RRF goes to the BM25 list's order
            order = np.array(reciprocal_rank_fusion([bm.tolist(), dense.tolist()]))
            # re-score only the top_n: the cross scorer is the costly step
            if stage == "rerank":
                head = order[:self.top_n]
                s = [rerank_score(query, self.chunks[i].text, self.weight) for i in head]
                order = np.concatenate([head[ranking(s)], order[self.top_n:]])
        return [self.chunks[i] for i in order]
