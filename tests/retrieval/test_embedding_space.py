"""Tests of snippets/retrieval/embedding_space.py and snippets/retrieval/contrastive.py: anisotropy, whitening,
alignment and uniformity against naive versions and scikit-learn; the InfoNCE gradient against
finite differences; and the geometry table the page (Q62) states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.decomposition import PCA
from sklearn.metrics.pairwise import cosine_similarity

from snippets.retrieval.contrastive import geometry_table, info_nce, train_linear_contrastive
from snippets.retrieval.contrastive_plots import plot_cosine_histograms
from snippets.retrieval.embedding_space import (alignment, anisotropy, fit_whitening, nn_topic_accuracy,
                                      synthetic_embeddings, uniformity, whiten)


@pytest.fixture(scope="module")
def table():
    return geometry_table()


def exact_mean_cosine(X):
    S = cosine_similarity(X)
    return (S.sum() - np.trace(S)) / (len(X) * (len(X) - 1))


# -- anisotropy -----------------------------------------------------------------------------------

@pytest.mark.parametrize("n,d", [(2, 3), (50, 8), (400, 64)])
def test_sampled_anisotropy_estimates_the_all_pairs_mean(n, d):
    X = np.random.default_rng(n).normal(size=(n, d)) + 1.0
    assert abs(anisotropy(X, n_pairs=200000) - exact_mean_cosine(X)) < 0.01


@pytest.mark.parametrize("s", [0.5, 1.0, 2.0])
def test_a_shared_offset_sets_anisotropy(s):
    rng = np.random.default_rng(1)
    d = 256
    X = rng.normal(size=(2000, d))
    mu = rng.normal(size=d)
    mu *= s * np.sqrt(d) / np.linalg.norm(mu)
    assert abs(anisotropy(X)) < 0.01
    assert_allclose(anisotropy(X + mu), s**2 / (1 + s**2), atol=0.02)


def test_anisotropy_needs_two_vectors():
    with pytest.raises(ValueError):
        anisotropy(np.ones((1, 3)))


# -- centring and whitening ------------------------------------------------------------------------

@pytest.mark.parametrize("k", [None, 4])
def test_whitening_gives_identity_covariance(k):
    rng = np.random.default_rng(2)
    X = rng.normal(size=(500, 8)) @ rng.normal(size=(8, 8)) + 5.0
    mu, W = fit_whitening(X, k)
    Z = whiten(X, mu, W)
    kk = 8 if k is None else k
    assert Z.shape == (500, kk)
    assert_allclose(Z.mean(axis=0), 0.0, atol=1e-10)
    assert_allclose(np.cov(Z.T), np.eye(kk), atol=1e-10)


@pytest.mark.parametrize("k", [3, 8])
def test_whitening_matches_sklearn_pca_whiten_up_to_sign(k):
    X = np.random.default_rng(3).normal(size=(300, 8)) @ np.diag(np.arange(1.0, 9.0))
    mu, W = fit_whitening(X, k)
    ours = whiten(X, mu, W)
    ref = PCA(n_components=k, whiten=True).fit_transform(X)
    assert_allclose(np.abs(ours), np.abs(ref), atol=1e-8)


def test_centring_and_whitening_remove_anisotropy():
    X, _, _ = synthetic_embeddings()
    mu, W = fit_whitening(X)
    assert anisotropy(X) > 0.6
    assert abs(anisotropy(X - mu)) < 0.01
    assert abs(anisotropy(whiten(X, mu, W))) < 0.01


# -- alignment and uniformity ----------------------------------------------------------------------

def test_alignment_matches_a_naive_loop():
    rng = np.random.default_rng(4)
    A, B = rng.normal(size=(30, 5)), rng.normal(size=(30, 5))
    naive = np.mean([np.linalg.norm(a / np.linalg.norm(a) - b / np.linalg.norm(b)) ** 2
                     for a, b in zip(A, B)])
    assert_allclose(alignment(A, B), naive, rtol=1e-12)
    assert alignment(A, 3 * A) == pytest.approx(0.0, abs=1e-12)  # scale does not matter
    assert alignment(A, -A) == pytest.approx(4.0)  # antipodal pairs: |z1 - z2|^2 = 4


def test_uniformity_matches_all_pairs_and_its_limits():
    rng = np.random.default_rng(5)
    Z = rng.normal(size=(60, 4))
    U = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    sq = ((U[:, None] - U[None]) ** 2).sum(-1)
    exact = np.log(np.exp(-2 * sq)[~np.eye(60, dtype=bool)].mean())
    assert abs(uniformity(Z, n_pairs=200000) - exact) < 0.02
    # uniform on the sphere in d = 256: log E exp(-2 |x - y|^2) ~ -4 + 8 / d
    assert abs(uniformity(rng.normal(size=(3000, 256))) - (-4 + 8 / 256)) < 0.02
    assert uniformity(np.ones((10, 3))) == 0.0  # total collapse


# -- InfoNCE ---------------------------------------------------------------------------------------

def naive_info_nce(H1, H2, tau):
    Z1 = H1 / np.linalg.norm(H1, axis=1, keepdims=True)
    Z2 = H2 / np.linalg.norm(H2, axis=1, keepdims=True)
    return np.mean([-np.log(np.exp(Z1[i] @ Z2[i] / tau) / np.exp(Z1[i] @ Z2.T / tau).sum())
                    for i in range(len(H1))])


@pytest.mark.parametrize("B,d,tau", [(1, 3, 0.5), (4, 5, 0.05), (16, 8, 1.0)])
def test_info_nce_loss_matches_naive_and_gradient_matches_finite_differences(B, d, tau):
    rng = np.random.default_rng(B + d)
    H1, H2 = rng.normal(size=(B, d)), rng.normal(size=(B, d))
    loss, dH1, dH2 = info_nce(H1, H2, tau)
    assert_allclose(loss, naive_info_nce(H1, H2, tau), rtol=1e-10)
    eps = 1e-6
    for H, dH, which in ((H1, dH1, 0), (H2, dH2, 1)):
        num = np.zeros_like(H)
        for idx in np.ndindex(H.shape):
            Hp, Hm = H.copy(), H.copy()
            Hp[idx] += eps
            Hm[idx] -= eps
            args_p = (Hp, H2) if which == 0 else (H1, Hp)
            args_m = (Hm, H2) if which == 0 else (H1, Hm)
            num[idx] = (info_nce(*args_p, tau)[0] - info_nce(*args_m, tau)[0]) / (2 * eps)
        assert_allclose(dH, num, rtol=1e-5, atol=1e-8)


def test_info_nce_hand_value_bounds_and_batch_of_one():
    loss, _, _ = info_nce(np.eye(3), np.eye(3), tau=1.0)
    assert_allclose(loss, -np.log(np.e / (np.e + 2)), rtol=1e-12)
    H = np.random.default_rng(6).normal(size=(8, 4))
    assert info_nce(H, H + 0.01, 0.05)[0] >= 0.0
    # identical random vectors for every pair: the loss is exactly log B (chance)
    same = np.tile(H[:1], (8, 1))
    assert_allclose(info_nce(same, same, 0.05)[0], np.log(8), rtol=1e-10)
    assert info_nce(H[:1], H[:1], 0.05)[0] == pytest.approx(0.0)  # no negatives: nothing to learn


def test_info_nce_is_stable_at_small_temperature():
    H = np.random.default_rng(7).normal(size=(32, 16))
    loss, dH1, dH2 = info_nce(H, H, tau=1e-3)  # exp(1000) would overflow without the max shift
    assert np.isfinite(loss) and np.all(np.isfinite(dH1)) and np.all(np.isfinite(dH2))


def test_training_lowers_the_loss():
    X, Xp, _ = synthetic_embeddings(600)
    _, losses = train_linear_contrastive(X, Xp, steps=100)
    assert losses[-10:].mean() < 0.2 * losses[:10].mean()


# -- the table on the page -------------------------------------------------------------------------

def test_geometry_table_stated_on_the_page(table):
    r = {name: [round(v, 2) for v in row] for name, row in table.items()}
    assert r["raw"] == [0.65, 0.55, 0.6, -1.27]
    assert r["centred"] == [0.0, 0.49, 1.66, -3.3]
    assert r["whitened"] == [0.0, 0.73, 0.36, -3.86]
    assert r["whitened, k = 16"] == [-0.0, 1.0, 0.99, -3.42]
    assert r["contrastive"] == [0.01, 0.98, 0.14, -3.55]


def test_training_numbers_stated_on_the_page():
    X, Xp, _ = synthetic_embeddings()
    _, losses = train_linear_contrastive(X[:1500], Xp[:1500])
    assert round(losses[0], 2) == 6.06 and round(losses[-1], 3) == 0.003
    assert round(np.log(128), 2) == 4.85 and round(np.log(8192), 2) == 9.01
    assert round(geometry_table()["whitened, k = 16"][1] * 500) == 499


def test_nn_accuracy_is_chance_free_on_separated_clusters():
    y = np.repeat([0, 1], 20)
    X = np.where(y[:, None] == 0, [1.0, 0.0], [0.0, 1.0]) + 0.01 * np.random.default_rng(8).normal(size=(40, 2))
    assert nn_topic_accuracy(X, y) == 1.0


def test_plot_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_cosine_histograms()
    assert len(fig.axes) == 3 and all(ax.get_xlabel() for ax in fig.axes)


def test_l2_normalising_leaves_anisotropy_unchanged():
    # the page's pitfall: normalising projects the cone onto the sphere, it does not remove it
    X, _, _ = synthetic_embeddings()
    Xte = X[1500:]
    U = Xte / np.linalg.norm(Xte, axis=1, keepdims=True)
    assert anisotropy(U) == pytest.approx(anisotropy(Xte), abs=1e-12)
    assert round(anisotropy(U), 2) == 0.65
