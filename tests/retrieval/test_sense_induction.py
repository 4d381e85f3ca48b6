"""Tests of snippets/retrieval/sense_induction.py and snippets/retrieval/polysemy.py: k-means, silhouette and ARI
against scikit-learn; sense induction on the planted two-sense word; the static vector as a
frequency-weighted mix of its senses; and the numbers the page (Q50) states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score, silhouette_score

from snippets.retrieval.polysemy import (context_vectors, polysemy_corpus, sense_mixture,
                               static_vectors)
from snippets.retrieval.polysemy_plots import plot_prototypes
from snippets.retrieval.sense_induction import adjusted_rand_index, induce_senses, kmeans, purity, silhouette


def blobs(n, k, d, spread, rng):
    centres = rng.normal(scale=10.0, size=(k, d))
    y = rng.integers(k, size=n)
    return centres[y] + spread * rng.normal(size=(n, d)), y


def bank(p=0.7, n_topic=2, n_shared=4, seed=0):
    sents, vocab, senses = polysemy_corpus(3000, p, np.random.default_rng(seed), n_topic, n_shared)
    W = static_vectors(sents, len(vocab))
    return sents, vocab, senses, W


@pytest.fixture(scope="module")
def easy():
    return bank()


# -- k-means, silhouette, ARI --------------------------------------------------------------------

@pytest.mark.parametrize("k,d", [(2, 2), (3, 5), (5, 10)])
def test_kmeans_inertia_matches_sklearn(k, d):
    rng = np.random.default_rng(k * d)
    X, _ = blobs(300, k, d, 1.0, rng)
    labels, C = kmeans(X, k, np.random.default_rng(0))
    ours = ((X - C[labels]) ** 2).sum()
    ref = KMeans(k, n_init=10, random_state=0).fit(X).inertia_
    assert ours <= ref * (1 + 1e-6)
    # invariants: each point sits with its nearest centroid, each centroid is its cluster's mean
    assert np.all(labels == ((X[:, None] - C[None]) ** 2).sum(-1).argmin(1))
    for j in range(k):
        assert_allclose(C[j], X[labels == j].mean(axis=0))


def test_kmeans_with_k_one_and_duplicate_points():
    X = np.vstack([np.zeros((5, 2)), np.ones((5, 2))])
    labels, C = kmeans(X, 1, np.random.default_rng(0))
    assert np.all(labels == 0)
    assert_allclose(C[0], [0.5, 0.5])
    labels, C = kmeans(X, 2, np.random.default_rng(0))
    assert adjusted_rand_index(labels, [0] * 5 + [1] * 5) == 1.0


@pytest.mark.parametrize("k", [2, 3, 4])
def test_silhouette_matches_sklearn(k):
    rng = np.random.default_rng(k)
    X, _ = blobs(120, k, 3, 3.0, rng)
    labels = rng.integers(k, size=120)  # also arbitrary, overlapping labelings
    labels[:k] = np.arange(k)
    assert_allclose(silhouette(X, labels), silhouette_score(X, labels), rtol=1e-10)


def test_silhouette_needs_two_to_n_minus_one_clusters():
    X = np.arange(6.0)[:, None]
    with pytest.raises(ValueError):
        silhouette(X, np.zeros(6, dtype=int))
    with pytest.raises(ValueError):
        silhouette(X, np.arange(6))


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ari_matches_sklearn(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.integers(3, size=50), rng.integers(4, size=50)
    assert_allclose(adjusted_rand_index(a, b), adjusted_rand_score(a, b), atol=1e-12)
    assert_allclose(adjusted_rand_index(a, a), 1.0)
    assert adjusted_rand_index([0, 0, 0], [1, 1, 1]) == adjusted_rand_score([0, 0, 0], [1, 1, 1])


def test_purity_rewards_over_splitting_and_ari_does_not():
    true = np.repeat([0, 1], 50)
    singletons = np.arange(100)  # every point its own cluster
    assert purity(true, singletons) == 1.0
    assert adjusted_rand_index(true, singletons) == pytest.approx(0.0, abs=1e-12)


# -- sense induction on the planted word ---------------------------------------------------------

def test_two_senses_are_recovered(easy):
    sents, vocab, senses, W = easy
    X = context_vectors(sents, vocab.index("bank"), W)
    assert len(X) == len(senses) == 592
    k, labels, P, scores = induce_senses(X, np.random.default_rng(1))
    assert k == 2 and round(scores[2], 2) == 0.89
    assert adjusted_rand_index(senses, labels) == 1.0
    assert adjusted_rand_score(senses, labels) == 1.0


def test_thin_contexts_over_split_and_purity_hides_it():
    sents, vocab, senses, W = bank(n_topic=1, n_shared=3)
    X = context_vectors(sents, vocab.index("bank"), W)
    k, labels, _, scores = induce_senses(X, np.random.default_rng(1))
    assert k == 4 and round(scores[4], 3) == 0.474 and round(scores[2], 3) == 0.46
    assert round(adjusted_rand_score(senses, labels), 2) == 0.51
    assert purity(senses, labels) == 1.0  # every cluster is one sense: sub-senses, not errors


def test_single_prototype_is_the_frequency_weighted_mean_of_the_sense_prototypes(easy):
    sents, vocab, senses, W = easy
    X = context_vectors(sents, vocab.index("bank"), W)
    share = 1 - senses.mean()
    assert round(share, 3) == 0.672
    mix = share * X[senses == 0].mean(axis=0) + (1 - share) * X[senses == 1].mean(axis=0)
    assert_allclose(X.mean(axis=0), mix, rtol=1e-12)


# -- the static vector as a mix of its senses ------------------------------------------------------

@pytest.mark.parametrize("p,expected", [(0.5, [0.49, 0.5]), (0.7, [0.7, 0.23]), (0.9, [0.9, 0.0])])
def test_static_vector_weights_follow_sense_frequency(p, expected):
    sents, vocab, senses, W = bank(p)
    c, cos = sense_mixture(W, vocab.index("bank"), [vocab.index("lender"), vocab.index("riverside")])
    assert [round(float(x), 2) for x in c] == expected
    assert cos > 0.999  # bank lies (almost) in the span of its two senses


def test_minority_sense_is_drowned_in_cosine(easy):
    sents, vocab, senses, W = easy
    U = W / np.linalg.norm(W, axis=1, keepdims=True)
    b, l, r = (vocab.index(w) for w in ("bank", "lender", "riverside"))
    assert (round(U[b] @ U[l], 2), round(U[b] @ U[r], 2), round(U[l] @ U[r], 2)) == (0.93, 0.31, -0.05)


def test_sense_mixture_recovers_exact_weights():
    rng = np.random.default_rng(3)
    S = rng.normal(size=(2, 8))
    W = np.vstack([0.6 * S[0] + 0.4 * S[1], S])
    c, cos = sense_mixture(W, 0, [1, 2])
    assert_allclose(c, [0.6, 0.4], atol=1e-12) and cos == pytest.approx(1.0)


def test_plot_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_prototypes()
    assert fig.axes[0].get_xlabel() and fig.axes[0].get_legend() is not None


def test_silhouette_profile_and_even_split_neighbours_stated_on_the_page(easy):
    sents, vocab, senses, W = easy
    X = context_vectors(sents, vocab.index("bank"), W)
    _, _, _, scores = induce_senses(X, np.random.default_rng(1))
    assert round(max(scores[k] for k in (3, 4, 5)), 2) == 0.53
    assert sum(len(s) for s in sents) == 21000 and len(sents) == 3000
    # at an even split, generic words are nearer to 'bank' than either sense
    _, vocab5, _, W5 = bank(0.5)
    U = W5 / np.linalg.norm(W5, axis=1, keepdims=True)
    cos = {w: round(float(U[0] @ U[vocab5.index(w)]), 2) for w in ("old", "new", "lender", "riverside")}
    assert cos == {"old": 0.72, "new": 0.7, "lender": 0.68, "riverside": 0.68}


def test_ppmi_clipping_erases_the_rare_sense_stated_on_the_page():
    # PMI(bank, c) = PMI_sense(c) + log(share): at a 10% share the shift is -log 0.1 = 2.30 nats,
    # more than any river association, so every river context of 'bank' is clipped to 0
    from snippets.retrieval.analogies import cooccurrence, ppmi
    from snippets.retrieval.polysemy import TOPICS
    assert round(-np.log(0.1), 2) == 2.3
    for p, erased in ((0.7, False), (0.9, True)):
        sents, vocab, _ = polysemy_corpus(3000, p, np.random.default_rng(0), 2, 4)
        M = ppmi(cooccurrence(sents, len(vocab)))
        river = M[vocab.index("bank"), [vocab.index(w) for w in TOPICS["river"]]]
        finance = M[vocab.index("bank"), [vocab.index(w) for w in TOPICS["finance"]]]
        assert np.all(river == 0.0) == erased and np.all(finance > 0)


def test_generic_words_are_the_nearest_neighbours_at_an_even_split():
    _, vocab, _, W = bank(0.5)
    U = W / np.linalg.norm(W, axis=1, keepdims=True)
    cos = U @ U[vocab.index("bank")]
    order = [vocab[i] for i in np.argsort(-cos) if vocab[i] != "bank"]
    assert order[:2] == ["old", "new"]
