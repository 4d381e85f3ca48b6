"""Tests of snippets/retrieval/rag_retrieval.py: the tokenizer and the trigram LSA encoder of Q88's pipeline.
BM25 and reciprocal rank fusion are Q58's, tested in test_bm25.py and test_hybrid_retrieval.py."""

import numpy as np
from numpy.testing import assert_allclose, assert_array_equal

from snippets.retrieval.rag_retrieval import TrigramLSA, hashed_trigram_embedding, ranking, terms


def test_terms_lowercases_splits_and_drops_stop_words():
    assert terms("How do I rotate API-keys?") == ["rotate", "api", "keys"]
    assert terms("") == [] and terms("the of a") == []


def test_trigram_embedding_is_unit_deterministic_and_sub_word():
    a, b = hashed_trigram_embedding("rotation"), hashed_trigram_embedding("rotated")
    assert_allclose(np.linalg.norm(a), 1.0)
    assert_array_equal(a, hashed_trigram_embedding("rotation"))  # crc32, not the salted hash()
    assert a @ b > 0.3 > a @ hashed_trigram_embedding("snapshot")
    assert not hashed_trigram_embedding("the of").any()  # only stop words: the zero vector


def test_lsa_at_full_rank_preserves_cosines():
    texts = ["rotate api keys", "keys rotated every 90 days", "snapshots kept 35 days",
             "audit logs retained"]
    X = np.stack([hashed_trigram_embedding(t) for t in texts])
    Z = TrigramLSA(texts, r=len(texts)).encode(texts)
    assert_allclose(Z @ Z.T, X @ X.T, atol=1e-10)


def test_lsa_subspace_matches_sklearn_truncated_svd():
    from sklearn.decomposition import TruncatedSVD

    rng = np.random.default_rng(0)
    words = ["".join(rng.choice(list("abcdefgh"), 6)) for _ in range(40)]
    texts = [" ".join(rng.choice(words, 5)) for _ in range(30)]
    X = np.stack([hashed_trigram_embedding(t) for t in texts])
    ref = TruncatedSVD(8, algorithm="arpack").fit_transform(X)
    ref /= np.linalg.norm(ref, axis=1, keepdims=True)
    Z = TrigramLSA(texts, r=8).encode(texts)
    assert_allclose(Z @ Z.T, ref @ ref.T, atol=1e-8)  # same subspace, signs aside


def test_ranking_breaks_ties_by_index():
    assert ranking(np.array([1.0, 3.0, 3.0, 0.0])).tolist() == [1, 2, 0, 3]


def test_ranking_matches_a_naive_sort():
    rng = np.random.default_rng(3)
    s = rng.integers(0, 4, size=30).astype(float)  # many ties
    assert ranking(s).tolist() == sorted(range(30), key=lambda i: (-s[i], i))


def test_lsa_encodes_a_text_without_trigrams_as_zero():
    enc = TrigramLSA(["rotate api keys", "snapshots kept 35 days"], r=2)
    assert not enc.encode(["the of"]).any()
