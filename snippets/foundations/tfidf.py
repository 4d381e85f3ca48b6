"""TF-IDF document vectors, written to agree with scikit-learn's `TfidfVectorizer`.

Follows: Sparck Jones (1972) for inverse document frequency; Salton & Buckley (1988) for
tf x idf weighting with cosine (L2) normalisation; the smoothed and sublinear variants
exactly as scikit-learn defines them (Pedregosa et al., 2011).
Simplifications: dense NumPy arrays instead of sparse matrices; unigrams only; no stop
words, min_df/max_df or max_features.
"""

import re

import numpy as np

# scikit-learn's default token_pattern: runs of 2+ word characters, after lower-casing.
TOKEN_RE = re.compile(r"(?u)\b\w\w+\b")


def tokenize(text):
    """Lower-case and split into tokens of 2+ word characters.

    >>> tokenize("The cat sat, a CAT!")
    ['the', 'cat', 'sat', 'cat']
    """
    return TOKEN_RE.findall(text.lower())


def count_matrix(docs, vocab=None):
    """Term counts. docs: n strings -> (counts (n, V), vocab: sorted list of V terms).

    A given `vocab` (from the training set) is reused; unseen terms are dropped.

    >>> counts, vocab = count_matrix(["a cat", "the cat sat"])
    >>> vocab, counts.tolist()
    (['cat', 'sat', 'the'], [[1, 0, 0], [1, 1, 1]])
    """
    tokens = [tokenize(d) for d in docs]
    if vocab is None:
        vocab = sorted({t for doc in tokens for t in doc})
    index = {t: j for j, t in enumerate(vocab)}
    counts = np.zeros((len(docs), len(vocab)), dtype=np.int64)
    for i, doc in enumerate(tokens):
        for t in doc:
            if t in index:
                counts[i, index[t]] += 1
    return counts, list(vocab)


def idf(counts, smooth=True):
    """Inverse document frequency. counts: (n, V) -> (V,).

    smooth: ln((1 + n) / (1 + df)) + 1, as if one extra document held every term once;
    otherwise ln(n / df) + 1. The "+ 1" keeps terms that occur in every document.

    >>> idf(np.array([[1, 0], [1, 1]])).round(4).tolist()
    [1.0, 1.4055]
    """
    n = counts.shape[0]
    df = (counts > 0).sum(axis=0)  # documents containing each term
    if smooth:
        return np.log((1 + n) / (1 + df)) + 1.0
    # subtle: without smoothing a vocabulary term absent from the fitted docs
    # divides by zero
    return np.log(n / df) + 1.0


def tfidf(counts, idf_weights, sublinear=False, norm="l2"):
    """TF-IDF rows. counts: (n, V), idf_weights: (V,) -> (n, V).

    sublinear replaces tf by 1 + ln(tf) for tf > 0;
    norm="l2" scales each row to unit length.

    >>> X = tfidf(np.array([[2, 0], [1, 1]]), np.array([1.0, 2.0]))
    >>> X.round(4).tolist()
    [[1.0, 0.0], [0.4472, 0.8944]]
    """
    tf = counts.astype(np.float64)
    if sublinear:
        tf = np.where(tf > 0, 1.0 + np.log(np.maximum(tf, 1.0)), 0.0)
    X = tf * idf_weights  # (n, V) * (V,)
    if norm == "l2":
        lengths = np.linalg.norm(X, axis=1, keepdims=True)
        # subtle: an empty (or all-unseen-words) document stays the zero vector
        X = X / np.where(lengths > 0, lengths, 1.0)
    elif norm is not None:
        raise ValueError(f"norm must be 'l2' or None, not {norm!r}")
    return X


class TfidfModel:
    """Fit the vocabulary and idf on training docs, then transform any docs.

    >>> m = TfidfModel().fit(["good film", "bad film"])
    >>> m.transform(["good good film"]).shape
    (1, 3)
    """

    def __init__(self, smooth=True, sublinear=False, norm="l2"):
        self.smooth, self.sublinear, self.norm = smooth, sublinear, norm

    def fit(self, docs):
        counts, self.vocab = count_matrix(docs)
        self.idf_ = idf(counts, self.smooth)
        return self

    def transform(self, docs):
        counts, _ = count_matrix(docs, self.vocab)
        return tfidf(counts, self.idf_, self.sublinear, self.norm)
