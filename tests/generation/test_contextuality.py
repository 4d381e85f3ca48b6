"""Tests of snippets/generation/contextuality.py: the measures of Ethayarajh (2019) on synthetic vectors
whose answers are known, against naive loops and scikit-learn, and the synthetic layer profile
that the page's figure draws."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.metrics.pairwise import cosine_similarity

from snippets.generation.contextuality import (anisotropy, intra_sentence_similarity, layer_profile,
                                    max_explainable_variance, self_similarity,
                                    synthetic_layers)
from snippets.generation.contextuality_plots import plot_contextuality


def naive_mean_pairwise_cosine(X):
    S = cosine_similarity(X)
    n = len(X)
    return (S.sum() - np.trace(S)) / (n * (n - 1))


# -- self-similarity and the anisotropy baseline ------------------------------------------------

@pytest.mark.parametrize("n,d", [(2, 3), (10, 16), (200, 64)])
def test_mean_pairwise_cosines_match_sklearn(n, d):
    X = np.random.default_rng(n + d).normal(size=(n, d)) + 0.5
    assert_allclose(self_similarity(X), naive_mean_pairwise_cosine(X), rtol=1e-10)
    assert_allclose(anisotropy(X), naive_mean_pairwise_cosine(X), rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_static_embedding_has_self_similarity_one(dtype):
    e = np.random.default_rng(0).normal(size=32)
    scales = np.array([0.5, 1.0, 3.0, 10.0])[:, None]  # the same direction at any norm
    assert_allclose(self_similarity((scales * e).astype(dtype)), 1.0, rtol=1e-6)


def test_isotropic_vectors_have_anisotropy_near_zero():
    X = np.random.default_rng(1).normal(size=(2000, 256))
    # the mean cosine of independent isotropic vectors is 0 with standard error ~ 1 / (n sqrt(d))
    assert abs(anisotropy(X)) < 0.005


@pytest.mark.parametrize("strength", [0.5, 1.0, 2.0])
def test_a_shared_direction_raises_anisotropy(strength):
    rng = np.random.default_rng(2)
    d = 128
    X = rng.normal(size=(500, d))
    mu = rng.normal(size=d)
    mu *= strength * np.sqrt(d) / np.linalg.norm(mu)
    # with |mu|^2 = strength^2 d and E|x|^2 = d, every cosine tends to strength^2 / (1 + strength^2)
    assert_allclose(anisotropy(X + mu), strength**2 / (1 + strength**2), atol=0.02)
    assert anisotropy(X + mu) > anisotropy(X) + 0.15


def test_adjustment_removes_the_shared_direction():
    rng = np.random.default_rng(3)
    d, n = 128, 300
    word = rng.normal(size=d)
    mu = 1.5 * np.sqrt(d) * rng.normal(size=d) / np.sqrt(d)
    occurrences = word + 2.0 * rng.normal(size=(n, d))  # one word, strongly contextual
    random_words = rng.normal(size=(n, d)) * np.sqrt(5.0)  # different words, same spread
    raw = self_similarity(occurrences + mu)
    adjusted = raw - anisotropy(random_words + mu)
    clean = self_similarity(occurrences) - anisotropy(random_words)
    # the shared direction inflates the raw score; subtracting the baseline removes most of
    # the inflation (not all: cosines of sums do not add)
    assert raw > clean + 0.2
    assert adjusted < raw - 0.2
    assert abs(adjusted - clean) < 0.1


def test_fewer_than_two_vectors_raise():
    with pytest.raises(ValueError):
        self_similarity(np.ones((1, 4)))
    with pytest.raises(ValueError):
        anisotropy(np.ones((0, 4)))


# -- intra-sentence similarity ----------------------------------------------------------------

@pytest.mark.parametrize("T", [1, 2, 9])
def test_intra_sentence_matches_a_naive_loop(T):
    S = np.random.default_rng(T).normal(size=(T, 12))
    mean = S.mean(axis=0)
    naive = np.mean([s @ mean / np.linalg.norm(s) / np.linalg.norm(mean) for s in S])
    assert_allclose(intra_sentence_similarity(S), naive, rtol=1e-10)


def test_intra_sentence_of_identical_words_is_one():
    assert_allclose(intra_sentence_similarity(np.tile([1.0, 2.0, -1.0], (5, 1))), 1.0, rtol=1e-12)
    assert_allclose(intra_sentence_similarity(np.random.default_rng(4).normal(size=(1, 7))), 1.0)


# -- maximum explainable variance -----------------------------------------------------------

def test_mev_of_a_static_embedding_is_one():
    e = np.random.default_rng(5).normal(size=20)
    assert_allclose(max_explainable_variance(np.outer([1.0, 2.0, 0.5], e)), 1.0, rtol=1e-12)


def test_mev_matches_the_uncentred_eigenvalues():
    X = np.random.default_rng(6).normal(size=(30, 8))
    eig = np.linalg.eigvalsh(X.T @ X)  # squared singular values, an independent route
    assert_allclose(max_explainable_variance(X), eig.max() / eig.sum(), rtol=1e-10)


def test_mev_of_orthogonal_occurrences_is_one_over_n():
    assert_allclose(max_explainable_variance(np.eye(4)), 0.25, rtol=1e-12)


# -- the synthetic layers (the figure) ----------------------------------------------------------

@pytest.fixture(scope="module")
def profile():
    return layer_profile(*synthetic_layers())


def test_synthetic_profile_numbers(profile):
    # the numbers the page states for the synthetic model (layers 0 and 12)
    assert round(float(profile["self_similarity"][0]), 2) == 1.0
    assert round(float(profile["anisotropy"][0]), 2) == 0.02
    assert round(float(profile["anisotropy"][12]), 2) == 0.61
    assert round(float(profile["self_similarity"][12]), 2) == 0.61
    assert round(float(profile["adjusted_self_similarity"][12]), 2) == 0.01
    assert int(np.argmin(profile["self_similarity"])) in (7, 8)  # raw self-similarity turns back up


def test_adjusted_self_similarity_falls_with_depth(profile):
    assert (np.diff(profile["adjusted_self_similarity"]) < 0).all()
    assert (np.diff(profile["anisotropy"]) > -0.01).all()


def test_layer_profile_matches_direct_computation():
    H, words = synthetic_layers(3, 6, 12, 5, 16, np.random.default_rng(7))
    prof = layer_profile(H, words, np.random.default_rng(8))
    pick = np.random.default_rng(8).integers(5, size=12)
    for l in range(3):
        sims = []
        for w in np.unique(words):
            where = np.argwhere(words == w)
            if len(np.unique(where[:, 0])) >= 2:
                sims.append(naive_mean_pairwise_cosine(H[l, where[:, 0], where[:, 1]]))
        assert_allclose(prof["self_similarity"][l], np.mean(sims), rtol=1e-10)
        assert_allclose(prof["anisotropy"][l], naive_mean_pairwise_cosine(H[l, np.arange(12), pick]), rtol=1e-10)


def test_plot_returns_a_labelled_figure():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_contextuality()
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel() and len(ax.get_lines()) == 4
    assert "not BERT" in ax.get_title()


# The per-layer statistics released with Ethayarajh (2019) (kawine/contextual,
# bert/embedding_space_stats.json and gpt2/embedding_space_stats.json), layers 0..12:
# "mean cosine similarity across words" (the random-word baseline) and
# "mean cosine similarity between sentence and words" (raw intra-sentence similarity).
BERT_RANDOM = [0.105, 0.168, 0.219, 0.245, 0.327, 0.377, 0.42, 0.398, 0.399, 0.484, 0.561,
               0.675, 0.477]
BERT_INTRA = [0.435, 0.522, 0.57, 0.59, 0.642, 0.695, 0.726, 0.711, 0.72, 0.771, 0.82, 0.87,
              0.776]
GPT2_RANDOM_FIRST_LAST = (0.611, 0.978)


def test_published_numbers_quoted_on_the_page():
    random, intra = np.array(BERT_RANDOM), np.array(BERT_INTRA)
    assert (random[0], random[11], random[12]) == (0.105, 0.675, 0.477)
    assert int(np.argmax(random)) == 11
    assert (intra[0], intra[11], intra[12]) == (0.435, 0.87, 0.776)
    assert round(intra[11] / intra[0], 1) == 2.0  # "doubles"
    adjusted = intra - random  # the anisotropy adjustment of the paper
    assert round(float(adjusted.min()), 3) == 0.195 and int(np.argmin(adjusted)) == 11
    assert round(float(adjusted.max()), 3) == 0.354
    assert GPT2_RANDOM_FIRST_LAST == (0.611, 0.978)
    # Devlin et al. (2019), Table 7: CoNLL-2003 dev F1, feature-based BERT-base vs fine-tuning
    assert round(96.4 - 96.1, 1) == 0.3


def test_synthetic_intra_sentence_numbers(profile):
    # the figure's alt text: intra-sentence similarity rises from 0.38 to 0.94
    assert round(float(profile["intra_sentence"][0]), 2) == 0.38
    assert round(float(profile["intra_sentence"][-1]), 2) == 0.94
    assert round(float(profile["self_similarity"].min()), 2) == 0.48
