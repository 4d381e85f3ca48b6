"""Tests of snippets/rag_retrieval.py: BM25, the trigram LSA encoder and reciprocal rank fusion (Q88)."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from snippets.rag_retrieval import BM25, TrigramLSA, hashed_trigram_embedding, ranking, rrf, terms


def test_terms_lowercases_splits_and_drops_stop_words():
    assert terms("How do I rotate API-keys?") == ["rotate", "api", "keys"]
    assert terms("") == [] and terms("the of a") == []


def test_bm25_hand_computed_case():
    bm = BM25([["a", "b"], ["a", "a", "c"]])
    idf = math.log(1 + 0.5 / 2.5)  # N = 2, df = 2
    doc0 = idf * 1 * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 2 / 2.5))
    doc1 = idf * 2 * 2.2 / (2 + 1.2 * (0.25 + 0.75 * 3 / 2.5))
    assert_allclose(bm.scores(["a"]), [doc0, doc1], rtol=1e-12)
    assert_allclose(bm.scores(["a"]), [0.19857, 0.23735], atol=1e-5)


def test_bm25_term_frequency_saturates():
    docs = [["x"] * tf + ["pad"] * (50 - tf) for tf in (1, 2, 5, 20, 50)] + [["y"] * 50]
    s = BM25(docs).scores(["x"])[:5]
    assert all(a < b for a, b in zip(s, s[1:]))
    bound = BM25(docs).idf("x") * (1.2 + 1)  # tf -> infinity
    assert s[-1] < bound and s[-1] - s[-2] < s[1] - s[0]


@pytest.mark.parametrize("b,longer_scores_less", [(0.75, True), (0.0, False)])
def test_bm25_length_normalisation(b, longer_scores_less):
    bm = BM25([["x", "y"], ["x"] + ["y"] * 9, ["z"]], b=b)
    short, long_ = bm.scores(["x"])[:2]
    assert (short > long_) if longer_scores_less else short == pytest.approx(long_)


def test_bm25_unknown_terms_and_empty_query():
    bm = BM25([["a"], ["b"]])
    assert bm.scores(["zzz"]).tolist() == [0.0, 0.0] and bm.scores([]).tolist() == [0.0, 0.0]
    assert bm.idf("zzz") == 0.0 and bm.idf("a") > 0


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


def naive_rrf(rankings, k=60):
    score = {}
    for r in rankings:
        for pos, item in enumerate(r, start=1):
            score[item] = score.get(item, 0.0) + 1.0 / (k + pos)
    return sorted(score, key=lambda i: (-score[i], i))


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("n", [1, 5, 40])
def test_rrf_matches_naive(seed, n):
    rng = np.random.default_rng(seed)
    rankings = [rng.permutation(n) for _ in range(3)]
    assert rrf(rankings).tolist() == naive_rrf(rankings)


def test_rrf_of_identical_rankings_is_that_ranking():
    r = np.array([3, 0, 2, 1])
    assert_array_equal(rrf([r, r]), r)


def test_rrf_rewards_a_first_place_over_two_seconds():
    # 1/61 + 1/63 > 2/62 at k = 60; with a tiny k the gap grows
    assert rrf([np.array([0, 1, 2]), np.array([2, 1, 0])]).tolist() == [0, 2, 1]
