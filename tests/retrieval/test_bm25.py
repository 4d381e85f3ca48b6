"""Tests of snippets/retrieval/bm25.py: a hand-computed score, a naive re-implementation, the saturation
(k1) and length-normalisation (b) properties, and the two idf variants."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.retrieval.bm25 import BM25, bm25_idf, rsj_idf, tf_weight
from snippets.retrieval.bm25_plots import plot_bm25_saturation
from snippets.retrieval.hybrid_retrieval import DOCS
from snippets.foundations.tfidf import tokenize


def naive_bm25(docs, query, k1=1.2, b=0.75):
    toks = [tokenize(d) for d in docs]
    N, avgdl = len(docs), sum(len(t) for t in toks) / len(docs)
    out = []
    for t in toks:
        s = 0.0
        for term in set(tokenize(query)):
            n = sum(term in u for u in toks)
            tf = t.count(term)
            if n == 0 or tf == 0:
                continue
            idf = np.log(1 + (N - n + 0.5) / (n + 0.5))
            s += idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len(t) / avgdl))
        out.append(s)
    return np.array(out)


# -- reference values -------------------------------------------------------------------------

def test_hand_computed_case():
    # three documents after tokenising (one-letter words dropped): lengths 3, 2, 5, avgdl 10/3
    index = BM25(["the cat sat", "the dog", "a cat and a dog and a cat"])
    idf = np.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # 'cat' is in 2 of 3 documents: ln 1.6
    w0 = 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 3 / (10 / 3)))  # tf 1, dl 3: 2.2 / 2.11
    w2 = 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 5 / (10 / 3)))  # tf 2, dl 5: 4.4 / 3.65
    assert_allclose(index.scores("cat"), [idf * w0, 0.0, idf * w2], rtol=1e-12)
    assert_allclose(index.scores("cat"), [0.4901, 0.0, 0.5666], atol=5e-5)


def test_page_example_tomasz_payroll():
    index = BM25(DOCS)
    assert index.N == 13 and index.dl[11] == 6 and index.avgdl == pytest.approx(98 / 13)
    assert round(float(index.idf[index.vocab["tomasz"]]), 4) == 2.2336  # ln(1 + 12.5 / 1.5)
    assert round(float(index.idf[index.vocab["payroll"]]), 4) == 1.7228  # ln(1 + 11.5 / 2.5)
    assert round(float(tf_weight(1, 6, 98 / 13)), 4) == 1.0911
    s = index.scores("Tomasz payroll")
    assert (round(float(s[11]), 4), round(float(s[10]), 4)) == (4.3168, 1.8797)


@pytest.mark.parametrize("k1,b", [(1.2, 0.75), (0.0, 0.75), (2.0, 0.0), (0.9, 1.0)])
@pytest.mark.parametrize("query", ["printer error", "contact payroll payroll", "zebra", ""])
def test_index_matches_naive_loop(k1, b, query):
    assert_allclose(BM25(DOCS, k1, b).scores(query), naive_bm25(DOCS, query, k1, b), rtol=1e-12)


# -- saturation (k1) --------------------------------------------------------------------------

@pytest.mark.parametrize("k1", [0.5, 1.2, 2.0])
def test_tf_weight_saturates_at_k1_plus_one(k1):
    tf = np.arange(0, 200)
    w = tf_weight(tf, 100, 100, k1=k1)
    assert w[0] == 0.0
    assert np.all(np.diff(w) > 0)  # more occurrences always help...
    assert np.all(np.diff(w, 2) < 0)  # ...but each one helps less than the one before
    assert np.all(w < k1 + 1) and w[-1] > 0.98 * (k1 + 1)


def test_k1_zero_is_binary_and_large_k1_is_nearly_linear():
    tf = np.arange(1, 6)
    assert_allclose(tf_weight(tf, 100, 100, k1=0.0), 1.0)  # presence only
    w = tf_weight(tf, 100, 100, k1=1e6)
    assert_allclose(w / w[0], tf, rtol=1e-4)  # raw term frequency


# -- length normalisation (b) -----------------------------------------------------------------

def test_b_zero_ignores_length_and_average_length_ignores_b():
    dl = np.array([10.0, 100.0, 1000.0])
    assert_allclose(tf_weight(3, dl, 100, b=0.0), tf_weight(3, 100, 100, b=0.0))
    assert_allclose(tf_weight(3, 100, 100, b=np.array([0.0, 0.5, 1.0])), tf_weight(3, 100, 100))


@pytest.mark.parametrize("b", [0.25, 0.75, 1.0])
def test_longer_documents_score_lower_for_the_same_tf(b):
    dl = np.array([50.0, 100.0, 200.0, 400.0])
    assert np.all(np.diff(tf_weight(3, dl, 100, b=b)) < 0)


def test_b_one_scores_tf_relative_to_length():
    # with b = 1 the weight depends on tf and dl only through tf / dl
    assert_allclose(tf_weight(2, 100, 100, b=1.0), tf_weight(4, 200, 100, b=1.0))


def test_repeating_a_document_does_not_double_its_score():
    index = BM25(["cat dog", "cat dog cat dog", "bird fish"])
    s = index.scores("cat")
    assert 1 < s[1] / s[0] < 1.1  # twice the tf in twice the length: about 8% more


# -- idf ----------------------------------------------------------------------------------------

def test_idf_variants():
    N = 10
    n = np.arange(1, 11)
    assert np.all(bm25_idf(n, N) > 0) and np.all(np.diff(bm25_idf(n, N)) < 0)
    assert np.all(rsj_idf(n[n > 5], N) < 0)  # the classic weight turns negative past N / 2
    assert_allclose(bm25_idf(n, N), np.log1p(np.exp(rsj_idf(n, N))), rtol=1e-12)


# -- search -------------------------------------------------------------------------------------

def test_search_returns_only_matches_best_first():
    index = BM25(DOCS)
    assert index.search("zebra") == []
    assert index.search("Tomasz payroll") == [11, 10]
    assert index.search("firmware", k=1) in ([8], [9])


def test_plot_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_bm25_saturation()
    assert len(fig.axes) == 2 and all(ax.get_xlabel() for ax in fig.axes)


def test_ten_mentions_weigh_less_than_twice_one_mention():
    # the page's contrast with TF-IDF: tf = 10 at average length gets 1.96 times the weight of tf = 1
    ratio = tf_weight(10, 100, 100) / tf_weight(1, 100, 100)
    assert_allclose(ratio, (10 * 2.2 / 11.2) / 1.0, rtol=1e-12)
    assert round(float(ratio), 2) == 1.96
