"""Tests of snippets/lda.py: planted topics are recovered, the sampler is exact in its
one-token-per-block case, UMass coherence on a hand-worked case, and scikit-learn's LDA and NMF
recover the same planted topics."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation

from snippets.lda import generate_corpus, gibbs_lda, planted_topics, topic_similarity, umass_coherence

K, WORDS_PER_TOPIC, N_SHARED, SHARED_MASS = 5, 10, 10, 0.2
N_DOCS, DOC_LEN, ALPHA, BETA, N_ITER = 200, 50, 0.2, 0.05, 200
PLANTED_UMASS, MIXED_UMASS = -12.4, -49.5  # stated on the page (Q2)


@pytest.fixture(scope="module")
def corpus():
    phi = planted_topics(K, WORDS_PER_TOPIC, N_SHARED, SHARED_MASS)
    docs, theta = generate_corpus(phi, N_DOCS, DOC_LEN, ALPHA, np.random.default_rng(0))
    X = np.stack([np.bincount(doc, minlength=phi.shape[1]) for doc in docs])  # (D, V) counts
    return phi, docs, theta, X


@pytest.fixture(scope="module")
def fitted(corpus):
    phi, docs, _, _ = corpus
    return gibbs_lda(docs, K, phi.shape[1], ALPHA, BETA, N_ITER, np.random.default_rng(1))


def hungarian_similarity(phi_hat, phi_true):
    """Reference matching: SciPy's Hungarian algorithm on the cosine matrix."""
    a = phi_hat / np.linalg.norm(phi_hat, axis=1, keepdims=True)
    b = phi_true / np.linalg.norm(phi_true, axis=1, keepdims=True)
    S = b @ a.T
    rows, cols = linear_sum_assignment(-S)
    return S[rows, cols], cols


# -- planted topics and the generator ---------------------------------------------------------

def test_planted_topics_are_distributions():
    phi = planted_topics(K, WORDS_PER_TOPIC, N_SHARED, SHARED_MASS)
    assert phi.shape == (K, K * WORDS_PER_TOPIC + N_SHARED)
    assert_allclose(phi.sum(axis=1), 1.0, atol=1e-12)


def test_generated_word_frequencies_match_the_model(corpus):
    phi, docs, theta, X = corpus
    # expected count of each word in each document: doc_len * theta_d @ phi (law of large numbers over D)
    expected = DOC_LEN * theta.sum(axis=0) @ phi
    assert_allclose(X.sum(axis=0), expected, rtol=0.3)
    assert all(doc.min() >= 0 and doc.max() < phi.shape[1] for doc in docs)


# -- the Gibbs sampler --------------------------------------------------------------------

def test_gibbs_recovers_planted_topics(corpus, fitted):
    phi, _, _, _ = corpus
    phi_hat, _ = fitted
    sims, _ = topic_similarity(phi_hat, phi)
    assert sims.min() > 0.95  # every planted topic has a near-copy
    assert round(float(sims.min()), 2) == 0.99  # the number the page states


def test_gibbs_recovers_document_mixtures(corpus, fitted):
    phi, _, theta, _ = corpus
    phi_hat, theta_hat = fitted
    _, match = topic_similarity(phi_hat, phi)
    err = np.abs(theta_hat[:, match] - theta).sum(axis=1) / 2  # total variation per document
    assert err.mean() < 0.1


def test_estimates_are_distributions(fitted):
    phi_hat, theta_hat = fitted
    assert_allclose(phi_hat.sum(axis=1), 1.0, atol=1e-12)
    assert_allclose(theta_hat.sum(axis=1), 1.0, atol=1e-12)
    assert (phi_hat > 0).all() and (theta_hat > 0).all()  # the priors keep every entry positive


def naive_sequential_gibbs(doc, K, V, alpha, beta, n_iter, rng):
    """Textbook collapsed Gibbs on one document, one token at a time (Griffiths & Steyvers)."""
    z = rng.integers(K, size=doc.size)
    n_dk, n_kw = np.zeros(K), np.zeros((K, V))
    for i, w in enumerate(doc):
        n_dk[z[i]] += 1
        n_kw[z[i], w] += 1
    for _ in range(n_iter):
        u = rng.random(doc.size)
        for i, w in enumerate(doc):
            n_dk[z[i]] -= 1
            n_kw[z[i], w] -= 1
            p = (n_dk + alpha) * (n_kw[:, w] + beta) / (n_kw.sum(axis=1) + V * beta)
            c = np.cumsum(p)
            z[i] = int((c < u[i] * c[-1]).sum())
            n_dk[z[i]] += 1
            n_kw[z[i], w] += 1
    return (n_kw + beta) / (n_kw.sum(axis=1, keepdims=True) + V * beta)


@pytest.mark.parametrize("length", [1, 7, 30])
def test_one_token_blocks_equal_the_sequential_sampler(length):
    rng = np.random.default_rng(length)
    doc = rng.integers(6, size=length)
    ours, _ = gibbs_lda([doc], 3, 6, 0.5, 0.1, 20, np.random.default_rng(7))
    ref = naive_sequential_gibbs(doc, 3, 6, 0.5, 0.1, 20, np.random.default_rng(7))
    assert_allclose(ours, ref, atol=1e-12)


def test_sampler_runs_fast(corpus):
    import time
    phi, docs, _, _ = corpus
    t = time.perf_counter()
    gibbs_lda(docs, K, phi.shape[1], ALPHA, BETA, N_ITER, np.random.default_rng(2))
    assert time.perf_counter() - t < 5.0  # about 1 s on a 2-core machine


# -- matching ----------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(5))
def test_topic_similarity_equals_hungarian(seed):
    rng = np.random.default_rng(seed)
    a, b = rng.dirichlet(np.ones(12), size=5), rng.dirichlet(np.ones(12), size=5)
    sims, match = topic_similarity(a, b)
    ref_sims, ref_match = hungarian_similarity(a, b)
    assert_allclose(sims.sum(), ref_sims.sum(), rtol=1e-12)
    assert_allclose(sims, ref_sims, rtol=1e-12)
    assert (match == ref_match).all()


def test_topic_similarity_is_permutation_invariant():
    rng = np.random.default_rng(3)
    a = rng.dirichlet(np.ones(8), size=4)
    perm = np.array([2, 0, 3, 1])
    sims, match = topic_similarity(a[perm], a)
    assert_allclose(sims, 1.0, atol=1e-12)
    assert (perm[match] == np.arange(4)).all()


# -- UMass coherence ------------------------------------------------------------------------

X_HAND = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 1], [0, 1, 1]])


def test_umass_hand_worked():
    # D(0)=3, D(1)=2, D(0,1)=D(0,2)=D(1,2)=1:
    # log((1+1)/3) + log((1+1)/3) + log((1+1)/2) = 2 log(2/3)
    assert_allclose(umass_coherence(np.array([0, 1, 2]), X_HAND), 2 * np.log(2 / 3), rtol=1e-12)
    assert umass_coherence(np.array([0]), X_HAND) == 0.0  # one word: no pairs


def test_umass_ignores_counts_beyond_presence():
    assert_allclose(umass_coherence(np.array([0, 1, 2]), 5 * X_HAND),
                    umass_coherence(np.array([0, 1, 2]), X_HAND), rtol=1e-12)


def test_umass_prefers_planted_topics_to_random_word_sets(corpus):
    phi, _, _, X = corpus
    planted = [umass_coherence(np.argsort(-phi[k])[:WORDS_PER_TOPIC], X) for k in range(K)]
    rng = np.random.default_rng(4)
    mixed = [umass_coherence(rng.choice(K * WORDS_PER_TOPIC, WORDS_PER_TOPIC, replace=False), X)
             for _ in range(K)]
    assert max(mixed) < min(planted)
    # the numbers the page states (mean over 5 topics, top-10 words, 45 pairs each)
    assert round(float(np.mean(planted)), 1) == PLANTED_UMASS
    assert round(float(np.mean(mixed)), 1) == MIXED_UMASS



# -- independent libraries: scikit-learn's LDA (online variational Bayes) and NMF -------------

def test_sklearn_lda_recovers_the_same_topics(corpus):
    phi, _, _, X = corpus
    lda = LatentDirichletAllocation(n_components=K, doc_topic_prior=ALPHA, topic_word_prior=BETA,
                                    learning_method="batch", max_iter=100, random_state=0)
    lda.fit(X)
    phi_sk = lda.components_ / lda.components_.sum(axis=1, keepdims=True)
    sims, _ = hungarian_similarity(phi_sk, phi)
    assert sims.min() > 0.95


def test_nmf_recovers_the_same_topics(corpus):
    phi, _, _, X = corpus
    nmf = NMF(n_components=K, init="nndsvda", max_iter=500, random_state=0).fit(X.astype(float))
    H = nmf.components_
    sims, _ = hungarian_similarity(H / H.sum(axis=1, keepdims=True), phi)
    assert sims.min() > 0.9
