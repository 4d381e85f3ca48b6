"""TF-IDF against scikit-learn's TfidfVectorizer, plus invariants."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.feature_extraction.text import TfidfVectorizer

from snippets.foundations.tfidf import TfidfModel, count_matrix, idf, tfidf, tokenize

DOCS = ["The film was good, really good.", "A bad film; bad acting and a bad plot!",
        "Good acting, good plot", "the plot was thin", "film film film"]


@pytest.fixture
def rng():
    return np.random.default_rng(7)


def random_docs(rng, n, vocab_size=30, length=8):
    words = [f"w{i:02d}" for i in range(vocab_size)]
    return [" ".join(rng.choice(words, size=rng.integers(1, length + 1))) for _ in range(n)]


@pytest.mark.parametrize("smooth", [True, False])
@pytest.mark.parametrize("sublinear", [True, False])
@pytest.mark.parametrize("norm", ["l2", None])
def test_matches_sklearn(smooth, sublinear, norm, rng):
    train, test = DOCS + random_docs(rng, 40), random_docs(rng, 10) + ["zzz unseen words only"]
    sk = TfidfVectorizer(smooth_idf=smooth, sublinear_tf=sublinear, norm=norm).fit(train)
    ours = TfidfModel(smooth=smooth, sublinear=sublinear, norm=norm).fit(train)
    assert ours.vocab == list(sk.get_feature_names_out())
    assert_allclose(ours.idf_, sk.idf_, rtol=1e-12)
    for docs in (train, test):
        assert_allclose(ours.transform(docs), sk.transform(docs).toarray(), rtol=1e-12, atol=1e-15)


def test_tokenize_matches_sklearn_analyzer():
    analyzer = TfidfVectorizer().build_analyzer()
    for d in DOCS + ["I a x 42 don't e-mail"]:
        assert tokenize(d) == analyzer(d)


def test_count_matrix_hand_worked():
    counts, vocab = count_matrix(["b a b", "c"])  # single-letter tokens are dropped
    assert vocab == [] and counts.shape == (2, 0)
    counts, vocab = count_matrix(["bb aa bb", "cc"])
    assert vocab == ["aa", "bb", "cc"] and counts.tolist() == [[1, 2, 0], [0, 0, 1]]
    assert counts.sum() == sum(len(tokenize(d)) for d in ["bb aa bb", "cc"])


def test_idf_hand_worked_and_monotone():
    counts = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 3]])  # df = 3, 1, 1; n = 3
    assert_allclose(idf(counts), [1.0, np.log(4 / 2) + 1, np.log(4 / 2) + 1], rtol=1e-12)
    assert_allclose(idf(counts, smooth=False), [1.0, np.log(3) + 1, np.log(3) + 1], rtol=1e-12)
    # a term in every document keeps weight 1; rarer terms never get a smaller idf
    rng = np.random.default_rng(0)
    counts = rng.integers(0, 2, size=(20, 12))
    df, w = (counts > 0).sum(axis=0), idf(counts)
    order = np.argsort(df)
    assert np.all(np.diff(w[order]) <= 1e-12)


def test_tfidf_rows_unit_length_and_empty_doc(rng):
    counts = rng.integers(0, 3, size=(6, 5))
    counts[2] = 0  # an empty document
    X = tfidf(counts, idf(counts + 1), sublinear=True)
    norms = np.linalg.norm(X, axis=1)
    assert_allclose(norms[[0, 1, 3, 4, 5]], 1.0, rtol=1e-12)
    assert np.all(X[2] == 0)


def test_sublinear_damps_repetition():
    X = tfidf(np.array([[10, 1]]), np.ones(2), sublinear=True, norm=None)
    assert_allclose(X, [[1 + np.log(10), 1.0]], rtol=1e-12)


def test_bad_norm_rejected():
    with pytest.raises(ValueError):
        tfidf(np.ones((1, 1)), np.ones(1), norm="l1")
