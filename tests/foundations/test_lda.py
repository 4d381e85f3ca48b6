"""Tests of snippets/foundations/lda.py: planted topics are recovered (and are not before sampling), the
vectorised block update equals a naive loop over the same approximation, the sampler is exact
in its one-token-per-block case and recovers topics as well as the exact token-by-token sampler,
UMass coherence on a hand-worked case, and scikit-learn's LDA and NMF recover the same planted
topics."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation

from snippets.foundations.lda import generate_corpus, gibbs_lda, planted_topics, topic_similarity, umass_coherence

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


def test_recovery_is_not_there_before_sampling(corpus):
    # negative control: the random initial assignments (0 sweeps) match no planted topic well,
    # so the 0.99 above is earned by the sweeps (the page states 0.44)
    phi, docs, _, _ = corpus
    phi_0, _ = gibbs_lda(docs, K, phi.shape[1], ALPHA, BETA, 0, np.random.default_rng(1))
    sims, _ = topic_similarity(phi_0, phi)
    assert round(float(sims.min()), 2) == 0.44


def test_some_chains_end_in_a_merge_and_split_mode(corpus):
    # the page: with sampler seed 7 the chain is still in a local mode after 200 sweeps, one
    # estimated topic covering two planted ones (0.81 and 0.63) and the worst match at 0.06
    phi, docs, _, _ = corpus
    phi_hat, _ = gibbs_lda(docs, K, phi.shape[1], ALPHA, BETA, N_ITER, np.random.default_rng(7))
    sims, match = topic_similarity(phi_hat, phi)
    assert round(float(sims.min()), 2) == 0.06
    a = phi_hat / np.linalg.norm(phi_hat, axis=1, keepdims=True)
    b = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    S = b @ a.T  # (planted, estimated) cosines
    merged = int(np.argmax((S > 0.5).sum(axis=0)))  # the estimated topic close to two planted
    assert sorted(np.round(S[:, merged], 2).tolist())[-2:] == [0.63, 0.81]


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


def naive_sequential_gibbs(docs, K, V, alpha, beta, n_iter, rng):
    """Textbook collapsed Gibbs, one token at a time in corpus order (Griffiths & Steyvers)."""
    w = np.concatenate(docs)
    d = np.repeat(np.arange(len(docs)), [len(x) for x in docs])
    z = rng.integers(K, size=w.size)
    n_dk, n_kw = np.zeros((len(docs), K)), np.zeros((K, V))
    for i in range(w.size):
        n_dk[d[i], z[i]] += 1
        n_kw[z[i], w[i]] += 1
    for _ in range(n_iter):
        u = rng.random(w.size)
        for i in range(w.size):
            n_dk[d[i], z[i]] -= 1
            n_kw[z[i], w[i]] -= 1
            p = (n_dk[d[i]] + alpha) * (n_kw[:, w[i]] + beta) / (n_kw.sum(axis=1) + V * beta)
            c = np.cumsum(p)
            z[i] = int((c < u[i] * c[-1]).sum())
            n_dk[d[i], z[i]] += 1
            n_kw[z[i], w[i]] += 1
    return (n_kw + beta) / (n_kw.sum(axis=1, keepdims=True) + V * beta)


def naive_block_gibbs(docs, K, V, alpha, beta, n_iter, rng):
    """The snippet's approximation written as loops: within a block every token samples from
    the counts frozen at the start of the block (minus its own assignment), then all move."""
    w = np.concatenate(docs)
    d = np.repeat(np.arange(len(docs)), [len(x) for x in docs])
    pos = np.concatenate([np.arange(len(x)) for x in docs])
    n_blocks = max(len(x) for x in docs)
    z = rng.integers(K, size=w.size)
    n_dk, n_kw = np.zeros((len(docs), K)), np.zeros((K, V))
    for i in range(w.size):
        n_dk[d[i], z[i]] += 1
        n_kw[z[i], w[i]] += 1
    for _ in range(n_iter):
        u = rng.random(w.size)
        for b in range(n_blocks):
            block = [i for i in range(w.size) if pos[i] % n_blocks == b]
            dk, kw, k_tot = n_dk.copy(), n_kw.copy(), n_kw.sum(axis=1)  # frozen for the block
            new = {}
            for i in block:
                own = np.eye(K)[z[i]]
                p = (dk[d[i]] - own + alpha) * (kw[:, w[i]] - own + beta) / (k_tot - own + V * beta)
                c = np.cumsum(p)
                new[i] = int((c < u[i] * c[-1]).sum())
            for i in block:
                n_dk[d[i], z[i]] -= 1
                n_kw[z[i], w[i]] -= 1
                z[i] = new[i]
                n_dk[d[i], z[i]] += 1
                n_kw[z[i], w[i]] += 1
    phi = (n_kw + beta) / (n_kw.sum(axis=1, keepdims=True) + V * beta)
    theta = (n_dk + alpha) / (n_dk.sum(axis=1, keepdims=True) + K * alpha)
    return phi, theta


@pytest.mark.parametrize("length", [1, 7, 30])
def test_one_token_blocks_equal_the_sequential_sampler(length):
    rng = np.random.default_rng(length)
    doc = rng.integers(6, size=length)
    ours, _ = gibbs_lda([doc], 3, 6, 0.5, 0.1, 20, np.random.default_rng(7))
    ref = naive_sequential_gibbs([doc], 3, 6, 0.5, 0.1, 20, np.random.default_rng(7))
    assert_allclose(ours, ref, atol=1e-12)


@pytest.mark.parametrize("lengths", [[5, 9, 1, 7, 3, 9], [4, 4, 4, 4], [12, 2]])
def test_vectorised_block_update_equals_a_naive_loop(lengths):
    # several documents, uneven lengths, repeated words: the np.add.at scatter of the snippet
    # must reproduce the loop exactly, draw for draw
    rng = np.random.default_rng(sum(lengths))
    docs = [rng.integers(5, size=n) for n in lengths]
    phi, theta = gibbs_lda(docs, 3, 5, 0.3, 0.1, 15, np.random.default_rng(11))
    ref_phi, ref_theta = naive_block_gibbs(docs, 3, 5, 0.3, 0.1, 15, np.random.default_rng(11))
    assert_allclose(phi, ref_phi, atol=1e-12)
    assert_allclose(theta, ref_theta, atol=1e-12)


def test_block_sampler_recovers_topics_as_well_as_the_exact_sampler():
    # the approximation against the exact token-by-token sampler on a corpus small enough for
    # the Python loop: both recover every planted topic, to within 0.02 of each other
    phi = planted_topics(3, 8, 4, 0.2)
    docs, _ = generate_corpus(phi, 40, 25, 0.2, np.random.default_rng(10))
    exact = naive_sequential_gibbs(docs, 3, phi.shape[1], 0.2, 0.05, 30, np.random.default_rng(0))
    block, _ = gibbs_lda(docs, 3, phi.shape[1], 0.2, 0.05, 30, np.random.default_rng(0))
    s_exact, _ = topic_similarity(exact, phi)
    s_block, _ = topic_similarity(block, phi)
    assert s_exact.min() > 0.95 and s_block.min() > 0.95
    assert abs(s_exact.mean() - s_block.mean()) < 0.02


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
    assert round(umass_coherence(np.array([0, 1, 2]), X_HAND), 2) == -0.81  # as on the page
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


# -- independent libraries: scikit-learn's LDA (variational Bayes, batch mode) and NMF ---------

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
