"""The toy dense side of the RAG pipeline,
and the tokenizer that both of its retrievers share.

BM25 and reciprocal rank fusion are not re-implemented here: the pipeline uses Q58's
snippets/retrieval/bm25.py (Robertson & Zaragoza, 2009, with Lucene's idf) over the terms
below, and Q58's snippets/retrieval/hybrid_retrieval.py for reciprocal rank fusion (Cormack,
Clarke & Buettcher, SIGIR 2009). This module holds what is specific to the pipeline.
Follows: latent semantic analysis (Deerwester et al., 1990) over hashed character trigrams
as a stand-in for a dual encoder (Karpukhin et al., 2020): a truncated SVD of the
chunk-by-trigram matrix maps every text to r dimensions, so, like a learned encoder, it
matches related spellings and keeps too little capacity for rare exact strings such as error
codes.
Simplifications: the LSA knows sub-words, not meaning, and is fitted on the chunks it
searches; its numbers depend on r (the tests pin r = 32 and show r = 64). No stemming, a
tiny stop list.
"""

import re
import zlib

import numpy as np

STOP = frozenset("a an and are as at be by do does for from how i in is it of on or the to "
                 "what when where which who why with".split())


def terms(text):
    """Lower-cased alphanumeric terms without stop words.

    >>> terms("What does error KS-4012 mean?")
    ['error', 'ks', '4012', 'mean']
    """
    return [t for t in re.findall(r"[a-z0-9]+", text.lower()) if t not in STOP]


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
            # subtle: hash() varies per run
            v[zlib.crc32(padded[i:i + 3].encode()) % dim] += 1.0
    norm = np.linalg.norm(v)
    return v / norm if norm else v


class TrigramLSA:
    """Dense r-dimensional encoder: trigram vectors projected on the top r
    right singular vectors.

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
        # subtle: a text with no trigrams stays 0
        return Z / np.where(norms > 0, norms, 1.0)


def ranking(scores):
    """Indices by descending score; ties keep index order. (n,) -> (n,)

    >>> ranking(np.array([0.2, 0.9, 0.2])).tolist()
    [1, 0, 2]
    """
    return np.argsort(-np.asarray(scores), kind="stable")
