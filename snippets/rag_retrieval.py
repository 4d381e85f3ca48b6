"""First-stage retrievers for the RAG pipeline: BM25, a toy dense encoder, and reciprocal rank fusion.

Follows: BM25 as in Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
Beyond" (2009), with the non-negative idf log(1 + (N - df + 0.5) / (df + 0.5)) of Lucene;
reciprocal rank fusion, score(d) = sum_r 1 / (k + rank_r(d)) with k = 60 (Cormack, Clarke &
Buettcher, SIGIR 2009).
The toy dense encoder is latent semantic analysis (Deerwester et al., 1990) over hashed
character trigrams: a truncated SVD of the chunk-by-trigram matrix maps every text to r = 32
dimensions, so, like a learned encoder, it matches related spellings and keeps too little
capacity for rare exact strings such as error codes.
Simplifications: a trained dual encoder (Karpukhin et al., 2020) would replace the LSA; it
knows sub-words, not meaning. No stemming, a tiny stop list.
"""

import math
import re
import zlib
from collections import Counter

import numpy as np

STOP = frozenset("a an and are as at be by do does for from how i in is it of on or the to what "
                 "when where which who why with".split())


def terms(text):
    """Lower-cased alphanumeric terms without stop words.

    >>> terms("What does error KS-4012 mean?")
    ['error', 'ks', '4012', 'mean']
    """
    return [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in STOP]


class BM25:
    """BM25 over pre-tokenized documents.

    >>> bm = BM25([["cat", "sat"], ["dog", "sat", "sat"]])
    >>> bm.scores(["cat"]).round(3).tolist()
    [0.755, 0.0]
    """

    def __init__(self, docs, k1=1.2, b=0.75):
        self.k1, self.b = k1, b
        self.tf = [Counter(d) for d in docs]
        self.dl = np.array([len(d) for d in docs], dtype=float)
        self.avgdl = self.dl.mean() if len(docs) else 0.0
        self.df = Counter(t for d in docs for t in set(d))
        self.N = len(docs)

    def idf(self, t):
        """log(1 + (N - df + 0.5) / (df + 0.5)): never negative, 0 for a term nowhere."""
        n = self.df.get(t, 0)
        return math.log(1.0 + (self.N - n + 0.5) / (n + 0.5)) if n else 0.0

    def scores(self, query_terms):
        """BM25 score of every document. -> (N,)"""
        s = np.zeros(self.N)
        norm = self.k1 * (1.0 - self.b + self.b * self.dl / self.avgdl)  # length normalisation
        for t in query_terms:
            tf = np.array([c.get(t, 0) for c in self.tf], dtype=float)
            s += self.idf(t) * tf * (self.k1 + 1.0) / (tf + norm)  # saturating in tf
        return s


def hashed_trigram_embedding(text, dim=2048):
    """A unit vector of hashed character trigrams of the terms, padded with '#'. -> (dim,)

    >>> e = hashed_trigram_embedding("rotate keys")
    >>> round(float(e @ e), 6), round(float(e @ hashed_trigram_embedding("rotated key")), 2)
    (1.0, 0.7)
    """
    v = np.zeros(dim)
    for t in terms(text):
        padded = f"#{t}#"
        for i in range(len(padded) - 2):
            v[zlib.crc32(padded[i:i + 3].encode()) % dim] += 1.0  # subtle: hash() varies per run
    norm = np.linalg.norm(v)
    return v / norm if norm else v


class TrigramLSA:
    """Dense r-dimensional encoder: trigram vectors projected on the top r right singular vectors.

    >>> enc = TrigramLSA(["rotate the keys", "keys are rotated", "snapshots kept"], r=2)
    >>> z = enc.encode(["rotating keys"])
    >>> z.shape, round(float(np.linalg.norm(z)), 6)
    ((1, 2), 1.0)
    """

    def __init__(self, texts, r=32, dim=2048):
        X = np.stack([hashed_trigram_embedding(t, dim) for t in texts])  # (texts, dim)
        self.P = np.linalg.svd(X, full_matrices=False)[2][:r].T  # (dim, r): LSA projection
        self.dim = dim

    def encode(self, texts):
        """Unit-length r-dimensional vectors. -> (len(texts), r)"""
        Z = np.stack([hashed_trigram_embedding(t, self.dim) for t in texts]) @ self.P
        norms = np.linalg.norm(Z, axis=1, keepdims=True)
        return Z / np.where(norms > 0, norms, 1.0)  # subtle: a text with no trigrams stays 0


def ranking(scores):
    """Indices by descending score; ties keep index order. (n,) -> (n,)

    >>> ranking(np.array([0.2, 0.9, 0.2])).tolist()
    [1, 0, 2]
    """
    return np.argsort(-np.asarray(scores), kind="stable")


def rrf(rankings, k=60):
    """Reciprocal rank fusion of full rankings of the same items. -> fused ranking (n,)

    >>> rrf([np.array([0, 1, 2]), np.array([2, 1, 0])]).tolist()  # 1/61 + 1/63 > 2/62
    [0, 2, 1]
    """
    n = len(rankings[0])
    fused = np.zeros(n)
    for r in rankings:
        fused[r] += 1.0 / (k + np.arange(1, n + 1))  # rank is 1-based
    return ranking(fused)
