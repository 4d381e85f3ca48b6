"""Tests of snippets/foundations/word2vec.py: the SGNS gradient against finite differences, the loss falls,
neighbours follow the corpus's co-occurrence groups, and the shifted-PMI view of Levy and
Goldberg (2014) holds in closed form and for trained vectors."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import expit, log_expit
from sklearn.metrics.pairwise import cosine_similarity

from snippets.foundations.word2vec import (GROUPS, log_sigmoid, nearest, sgns_loss_and_grads, shifted_pmi,
                               sigmoid, skipgram_pairs, sppmi_svd, toy_corpus, train_sgns)

D, WINDOW, K_NEG, EPOCHS, LR = 16, 2, 5, 5, 1.0
INITIAL_LOSS, FINAL_LOSS = 4.159, 2.39  # stated on the page (Q9)


@pytest.fixture(scope="module")
def corpus():
    return toy_corpus(2000, 10, np.random.default_rng(0))


@pytest.fixture(scope="module")
def trained(corpus):
    sents, vocab = corpus
    return train_sgns(sents, len(vocab), D, WINDOW, K_NEG, EPOCHS, LR, np.random.default_rng(1))


def count_matrix(sents, V, window):
    """Naive word-context counts, one loop per token pair."""
    M = np.zeros((V, V))
    for s in sents:
        for i in range(len(s)):
            for j in range(len(s)):
                if i != j and abs(i - j) <= window:
                    M[s[i], s[j]] += 1
    return M


# -- pairs and the logistic function ----------------------------------------------------------

@pytest.mark.parametrize("lengths", [[0], [1], [2, 5], [7, 3, 1]])
@pytest.mark.parametrize("window", [1, 2, 10])
def test_skipgram_pairs_match_naive_counts(lengths, window):
    rng = np.random.default_rng(sum(lengths) + window)
    sents = [rng.integers(6, size=n) for n in lengths]
    pairs = skipgram_pairs(sents, window)
    M = np.zeros((6, 6))
    np.add.at(M, (pairs[:, 0], pairs[:, 1]), 1)
    assert_allclose(M, count_matrix(sents, 6, window))
    assert_allclose(M, M.T)  # a symmetric window gives symmetric counts


def test_sigmoid_and_log_sigmoid_match_scipy():
    x = np.array([-800.0, -30.0, -1.0, 0.0, 2.5, 40.0, 800.0])
    assert_allclose(sigmoid(x), expit(x), rtol=1e-12, atol=0)
    assert_allclose(log_sigmoid(x), log_expit(x), rtol=1e-12)
    assert np.isfinite(log_sigmoid(x)).all()


# -- the SGNS loss and its gradient --------------------------------------------------------

@pytest.mark.parametrize("B,k", [(1, 1), (4, 3), (6, 5)])
def test_gradient_matches_finite_differences(B, k):
    rng = np.random.default_rng(B * 10 + k)
    V, d = 5, 3
    W, C = rng.normal(size=(V, d)), rng.normal(size=(V, d))
    centers = rng.integers(V, size=B)
    contexts = rng.integers(V, size=B)
    negatives = rng.integers(V, size=(B, k))  # repeats are allowed, as in word2vec
    _, dW, dC = sgns_loss_and_grads(W, C, centers, contexts, negatives)
    eps = 1e-6
    for P, grad in ((W, dW), (C, dC)):
        num = np.zeros_like(P)
        for idx in np.ndindex(P.shape):
            old = P[idx]
            P[idx] = old + eps
            up = sgns_loss_and_grads(W, C, centers, contexts, negatives)[0]
            P[idx] = old - eps
            down = sgns_loss_and_grads(W, C, centers, contexts, negatives)[0]
            P[idx] = old
            num[idx] = (up - down) / (2 * eps)
        assert_allclose(grad, num, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("k", [1, 5, 15])
def test_loss_at_zero_scores_is_k_plus_one_log_two(k):
    W, C = np.ones((4, 2)), np.zeros((4, 2))
    loss, _, _ = sgns_loss_and_grads(W, C, np.array([0, 1]), np.array([2, 3]), np.zeros((2, k), int))
    assert_allclose(loss, (k + 1) * np.log(2), rtol=1e-12)


def test_loss_matches_a_naive_loop():
    rng = np.random.default_rng(5)
    W, C = rng.normal(size=(6, 4)), rng.normal(size=(6, 4))
    centers, contexts, negatives = rng.integers(6, size=3), rng.integers(6, size=3), rng.integers(6, size=(3, 2))
    naive = 0.0
    for b in range(3):
        naive -= np.log(expit(W[centers[b]] @ C[contexts[b]]))
        naive -= sum(np.log(expit(-W[centers[b]] @ C[n])) for n in negatives[b])
    assert_allclose(sgns_loss_and_grads(W, C, centers, contexts, negatives)[0], naive / 3, rtol=1e-12)


# -- training ----------------------------------------------------------------------------

def test_loss_decreases(trained):
    _, _, losses = trained
    assert round(float(losses[0]), 3) == INITIAL_LOSS == round(6 * np.log(2), 3)
    assert round(float(losses[-1]), 2) == FINAL_LOSS
    assert (np.diff(losses[:3]) < 0).all()


def test_neighbours_are_the_co_occurrence_groups(corpus, trained):
    _, vocab = corpus
    W, _, _ = trained
    hits = 0
    for group in GROUPS.values():
        for w in group:
            hits += sum(vocab[j] in group for j in nearest(W, vocab.index(w), 4))
    assert hits == 4 * 20  # every content word's 4 neighbours are the rest of its group


def test_sgns_converges_to_shifted_pmi(corpus):
    # Levy & Goldberg: with negatives from the unigram distribution (power 1) and enough
    # dimensions, w . c -> PMI(w, c) - log k on every observed pair.
    sents, vocab = corpus
    V, k = len(vocab), 3
    W, C, _ = train_sgns(sents[:800], V, V, WINDOW, k, 12, LR, np.random.default_rng(2), power=1.0)
    counts = count_matrix(sents[:800], V, WINDOW)
    seen = counts > 0
    S = shifted_pmi(counts, k)
    X = W @ C.T
    assert np.corrcoef(X[seen], S[seen])[0, 1] > 0.95
    assert np.abs(X[seen] - S[seen]).mean() < 0.2


# -- the closed form -------------------------------------------------------------------------

def test_shifted_pmi_zeroes_the_per_cell_gradient():
    # Per cell, the SGNS objective is #(w,c) log s(x) + k #(w) #(c)/|D| log s(-x); its
    # derivative #(w,c) s(-x) - k #(w) #(c)/|D| s(x) vanishes at x = PMI - log k.
    rng = np.random.default_rng(6)
    counts = rng.integers(1, 50, size=(5, 7)).astype(float)
    for k in (1, 5, 15):
        x = shifted_pmi(counts, k)
        neg = k * np.outer(counts.sum(1), counts.sum(0)) / counts.sum()
        grad = counts * expit(-x) - neg * expit(x)
        assert_allclose(grad, 0.0, atol=1e-10)


def test_shifted_pmi_matches_a_naive_formula_and_is_scale_free():
    rng = np.random.default_rng(7)
    counts = rng.integers(0, 9, size=(4, 4)).astype(float)
    total = counts.sum()
    naive = np.full((4, 4), -np.inf)
    for w in range(4):
        for c in range(4):
            if counts[w, c] > 0:
                naive[w, c] = np.log(counts[w, c] / total / (counts[w].sum() / total * counts[:, c].sum() / total)) - np.log(5)
    assert_allclose(shifted_pmi(counts, 5), naive, rtol=1e-12)
    assert_allclose(shifted_pmi(10 * counts, 5), naive, rtol=1e-12)  # PMI ignores corpus size


@pytest.mark.parametrize("d", [1, 3, 6])
def test_sppmi_svd_columns_carry_the_singular_values(d):
    rng = np.random.default_rng(d)
    counts = rng.integers(0, 20, size=(6, 6)).astype(float)
    M = np.maximum(shifted_pmi(counts, 2), 0)
    S = np.linalg.svd(M, compute_uv=False)
    W = sppmi_svd(counts, 2, d)
    assert W.shape == (6, d)
    assert_allclose((W**2).sum(axis=0), S[:d], rtol=1e-10)  # ||U_j sqrt(s_j)||^2 = s_j
    if d == 6:  # full rank: W W^T = U S U^T, whose trace is the nuclear norm of M
        assert_allclose(np.trace(W @ W.T), S.sum(), rtol=1e-10)


def test_sppmi_svd_neighbours_follow_groups(corpus):
    sents, vocab = corpus
    E = sppmi_svd(count_matrix(sents[:500], len(vocab), WINDOW), 1, 8)
    for group in GROUPS.values():
        for w in group:
            assert all(vocab[j] in group for j in nearest(E, vocab.index(w), 4))


# -- nearest neighbours -------------------------------------------------------------------------

def test_nearest_matches_sklearn_cosine():
    rng = np.random.default_rng(8)
    W = rng.normal(size=(12, 5))
    S = cosine_similarity(W)
    for i in range(12):
        order = [j for j in np.argsort(-S[i], kind="stable") if j != i][:3]
        assert nearest(W, i, 3).tolist() == order


def test_nearest_handles_a_zero_vector():
    W = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    assert set(nearest(W, 0, 2).tolist()) == {1, 2}  # cosine 0 with everything, not NaN
    assert nearest(W, 1, 2).tolist() == [0, 2]  # a tie at cosine 0, broken by index


def test_toy_corpus_groups():
    sents, vocab = toy_corpus(300, 10, np.random.default_rng(9))
    n_content = sum(len(g) for g in GROUPS.values())
    for s in sents:
        content = s[s < n_content]
        assert len(set(content // 5)) <= 1  # one group per sentence
    assert len(vocab) == n_content + 4


def test_shift_log_k_wipes_out_the_toy_corpus_pmi(corpus):
    # the page: in-group PMI is about 1.4 nats, below log 5 = 1.61, so SPPMI with k = 5 is zero
    sents, vocab = corpus
    pairs = skipgram_pairs(sents, WINDOW)  # equal to count_matrix (tested above), and faster
    counts = np.zeros((len(vocab), len(vocab)))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1)
    pmi = shifted_pmi(counts, 1)
    in_group = [pmi[i, j] for g in range(4) for i in range(5 * g, 5 * g + 5)
                for j in range(5 * g, 5 * g + 5) if i != j]
    assert round(float(np.mean(in_group)), 1) == 1.4
    assert round(float(np.log(5)), 2) == 1.61
    assert (np.maximum(shifted_pmi(counts, 5), 0) == 0).all()
    assert (np.maximum(pmi, 0) > 0).any()


def test_page_counts(corpus):
    sents, _ = corpus
    assert len(skipgram_pairs(sents, WINDOW)) == 68000  # 2,000 sentences x 34 pairs
    V, d, k = 10**6, 300, 5
    assert V * d == 3 * 10**8  # full-softmax multiply-adds per pair
    assert (k + 1) * d == 1800  # negative sampling


def test_subsampling_and_table_size_numbers():
    # the page: a word with relative frequency 1e-2 keeps sqrt(t / f) = 3% of its occurrences
    # at t = 1e-5 (Mikolov et al., 2013), and 2 million 300-d float32 vectors take 2.4 GB
    assert round(float(np.sqrt(1e-5 / 1e-2)), 3) == 0.032
    assert 2_000_000 * 300 * np.dtype(np.float32).itemsize == 2.4e9
