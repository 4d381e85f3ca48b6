"""Okapi BM25, from scratch: idf, term-frequency saturation (k1) and length
normalisation (b).

score(q, d) = sum over distinct query terms t in d of
              idf(t) * tf (k1 + 1) / (tf + k1 (1 - b + b |d| / avgdl))

Follows: Robertson and Zaragoza (2009), "The Probabilistic Relevance Framework: BM25 and
Beyond", for the BM25 weight; the idf variant of Lucene's BM25Similarity,
log(1 + (N - n + 0.5) / (n + 0.5)), which stays positive where the Robertson/Sparck Jones
idf log((N - n + 0.5) / (n + 0.5)) turns negative for terms in more than half the documents.
Simplifications: query-term frequency ignored (k3 = 0, each distinct query term counts
once); one field (no BM25F); exact document lengths (Lucene stores them lossily in one
byte).
"""

import numpy as np

from snippets.foundations.tfidf import tokenize


def bm25_idf(n, N):
    """Lucene's idf: log(1 + (N - n + 0.5) / (n + 0.5)), n = documents containing the term.

    >>> round(float(bm25_idf(1, 4)), 4), round(float(bm25_idf(4, 4)), 4)
    (1.204, 0.1054)
    """
    return np.log1p((N - n + 0.5) / (n + 0.5))


def rsj_idf(n, N):
    """Robertson/Sparck Jones idf without relevance information:
    log((N - n + 0.5) / (n + 0.5)).

    >>> round(float(rsj_idf(3, 4)), 4)  # a term in 3 of 4 documents gets a negative weight
    -0.8473
    """
    return np.log((N - n + 0.5) / (n + 0.5))


def tf_weight(tf, dl, avgdl, k1=1.2, b=0.75):
    """The saturating term-frequency factor tf (k1 + 1) / (tf + k1 (1 - b + b dl / avgdl)).

    It is 0 at tf = 0, rises with tf and tends to k1 + 1; longer documents (dl > avgdl) need
    more occurrences for the same weight when b > 0.

    >>> float(tf_weight(1, 10, 10))  # an average-length document: 1 * 2.2 / (1 + 1.2)
    1.0
    """
    K = k1 * (1.0 - b + b * np.asarray(dl, dtype=float) / avgdl)  # length-normalised k1
    tf = np.asarray(tf, dtype=float)
    # subtle: with k1 = 0 an absent term gives 0 / 0; it must weigh 0
    return np.divide(tf * (k1 + 1.0), tf + K, out=np.zeros(np.broadcast(tf, K).shape),
                     where=tf > 0)


class BM25:
    """A BM25 index over tokenised documents
    (an inverted index in spirit, dense counts here)."""

    def __init__(self, docs, k1=1.2, b=0.75):
        """docs: list of strings. Builds term counts (N, V), document lengths and idf.

        >>> index = BM25(["the cat sat", "the dog", "a cat and a dog and a cat"])
        >>> index.N, index.dl.tolist()  # the tokenizer drops one-letter words such as 'a'
        (3, [3.0, 2.0, 5.0])
        """
        self.k1, self.b = k1, b
        tokens = [tokenize(d) for d in docs]
        self.vocab = {t: j for j, t
                      in enumerate(sorted({t for doc in tokens for t in doc}))}
        self.tf = np.zeros((len(docs), len(self.vocab)))
        for i, doc in enumerate(tokens):
            for t in doc:
                self.tf[i, self.vocab[t]] += 1
        self.N = len(docs)
        self.dl = self.tf.sum(axis=1)  # document length in tokens
        self.avgdl = float(self.dl.mean())
        self.idf = bm25_idf((self.tf > 0).sum(axis=0), self.N)  # document frequencies n

    def scores(self, query):
        """BM25 score of every document for a query string. -> (N,).

        >>> index = BM25(["the cat sat", "the dog", "a cat and a dog and a cat"])
        >>> index.scores("cat").round(4)
        array([0.4901, 0.    , 0.5666])
        """
        terms = sorted({self.vocab[t] for t in tokenize(query) if t in self.vocab})
        # subtle: a query term absent from the collection contributes nothing
        # (no crash, no idf)
        w = tf_weight(self.tf[:, terms], self.dl[:, None], self.avgdl, self.k1, self.b)
        return (w * self.idf[terms]).sum(axis=1)

    def search(self, query, k=10):
        """Ids of the top-k documents with a positive score, best first
        (ties: lower id first).

        >>> BM25(["the cat sat", "the dog", "a cat and a dog and a cat"]).search("cat")
        [2, 0]
        """
        s = self.scores(query)
        order = np.argsort(-s, kind="stable")
        # an inverted index returns matches only
        return [int(i) for i in order[:k] if s[i] > 0]
