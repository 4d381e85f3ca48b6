"""Tests of snippets/foundations/similarity.py: scikit-learn as the reference, invariants, numerics, and
every number that the page Q3 (cosine similarity) states."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose
import sklearn
from sklearn.metrics.pairwise import cosine_similarity as sk_cosine
from sklearn.metrics.pairwise import euclidean_distances
from sklearn.preprocessing import normalize as sk_normalize

from snippets.foundations.similarity import (anisotropic_sample, cosine_naive, cosine_similarity,
                                 cosine_similarity_matrix, l2_normalize, pairwise_cosines,
                                 unit_distance_from_cosine)
from snippets.foundations.similarity_plots import plot_anisotropy

TOL = {np.float32: 1e-6, np.float64: 1e-12}  # absolute tolerance on cosines, per dtype


@pytest.fixture
def rng():
    return np.random.default_rng(20240603)


def with_zero_rows(X):
    """Copy of X with its first row (if any) set to zero."""
    X = X.copy()
    X[:1] = 0
    return X


# -- reference: scikit-learn --------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("n, m, d", [(1, 1, 1), (5, 7, 3), (0, 4, 3), (4, 0, 3), (20, 30, 768)])
def test_matrix_matches_sklearn(rng, n, m, d, dtype):
    A = with_zero_rows(rng.standard_normal((n, d))).astype(dtype)
    B = with_zero_rows(rng.standard_normal((m, d))).astype(dtype)
    S = cosine_similarity_matrix(A, B)
    assert S.shape == (n, m) and S.dtype == dtype
    # scikit-learn refuses empty arrays; the answer for them is the empty (n, m) matrix.
    expected = sk_cosine(A, B) if n and m else np.zeros((n, m))
    assert_allclose(S, expected, atol=TOL[dtype], rtol=0)


def test_default_second_argument_is_the_first(rng):
    A = rng.standard_normal((6, 10))
    assert_allclose(cosine_similarity_matrix(A), cosine_similarity_matrix(A, A), atol=0, rtol=0)


def test_l2_normalize_matches_sklearn(rng):
    X = with_zero_rows(rng.standard_normal((8, 5)) * rng.uniform(0.1, 10, size=(8, 1)))
    assert_allclose(l2_normalize(X), sk_normalize(X), atol=1e-15, rtol=0)


@pytest.mark.parametrize("d", [1, 3, 300])
def test_scalar_matches_matrix_and_sklearn(rng, d):
    a, b = rng.standard_normal(d), rng.standard_normal(d)
    expected = sk_cosine(a[None], b[None])[0, 0]
    assert_allclose(cosine_similarity(a, b), expected, atol=1e-12, rtol=0)
    assert_allclose(cosine_naive(a, b), expected, atol=1e-12, rtol=0)


def test_worked_example_from_the_page():
    # a = (1, 2, 2), b = (2, 1, 2): both norms are 3, a.b = 8, so cos = 8/9 = 0.889.
    a, b = np.array([1.0, 2.0, 2.0]), np.array([2.0, 1.0, 2.0])
    assert round(cosine_similarity(a, b), 3) == 0.889
    # Raw Euclidean distance sqrt(2) = 1.414 is 3 x the unit-vector distance sqrt(2/9) = 0.471.
    assert round(float(np.linalg.norm(a - b)), 3) == 1.414
    assert round(float(unit_distance_from_cosine(cosine_similarity(a, b))), 3) == 0.471
    assert_allclose(np.linalg.norm(a - b), 3 * unit_distance_from_cosine(8 / 9), rtol=1e-12)


# -- invariants ---------------------------------------------------------------------------


def test_invariants(rng):
    A = with_zero_rows(rng.standard_normal((12, 16)))
    S = cosine_similarity_matrix(A)
    assert_allclose(S, S.T, atol=0, rtol=0)  # symmetric
    assert np.all((S >= -1) & (S <= 1))  # clipped range
    assert_allclose(np.diag(S)[1:], 1.0, atol=1e-12)  # cos(a, a) = 1 for a != 0
    # Positive rescaling of any row changes nothing; negation flips the sign.
    scale = rng.uniform(1e-3, 1e3, size=(12, 1))
    assert_allclose(cosine_similarity_matrix(A * scale), S, atol=1e-12, rtol=0)
    assert_allclose(cosine_similarity_matrix(-A, A), -S, atol=1e-12, rtol=0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_have_unit_norm(rng, dtype):
    X = rng.standard_normal((50, 64)).astype(dtype)
    assert_allclose(np.linalg.norm(l2_normalize(X), axis=1), 1.0, atol=10 * np.finfo(dtype).eps)


def test_identity_with_euclidean_distance(rng):
    # ||a_hat - b_hat||^2 = 2 - 2 cos(a, b) for nonzero a, b.
    A, B = rng.standard_normal((9, 32)), rng.standard_normal((11, 32)) * 5
    D = euclidean_distances(l2_normalize(A), l2_normalize(B))
    assert_allclose(D**2, 2 - 2 * cosine_similarity_matrix(A, B), atol=1e-12, rtol=0)
    assert_allclose(unit_distance_from_cosine(cosine_similarity_matrix(A, B)), D, atol=1e-7, rtol=0)
    # Hence the nearest neighbour by cosine and by Euclidean distance on unit vectors agree.
    assert np.array_equal(np.argmax(cosine_similarity_matrix(A, B), axis=1), np.argmin(D, axis=1))


def test_unit_distance_clips_rounding():
    assert unit_distance_from_cosine(1 + 1e-16) == 0.0  # not NaN
    assert unit_distance_from_cosine(-1.0) == 2.0


# -- edge cases: zero vectors, scale, dtype -----------------------------------------------


def test_zero_vectors_give_zero_without_warnings():
    Z = np.zeros((2, 3))
    with np.errstate(all="raise"):
        assert np.array_equal(l2_normalize(Z), Z)
        assert cosine_similarity([0, 0, 0], [1, 2, 3]) == 0.0
        assert cosine_similarity([0, 0, 0], [0, 0, 0]) == 0.0  # even with itself
    assert math.isnan(cosine_naive([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]))
    # Page: libraries disagree. scikit-learn says 0; SciPy's cosine distance says NaN.
    from scipy.spatial.distance import cosine as scipy_cosine_distance

    assert sk_cosine([[0.0, 0.0, 0.0]], [[1.0, 2.0, 3.0]])[0, 0] == 0.0
    with pytest.warns(RuntimeWarning):
        assert math.isnan(scipy_cosine_distance([0.0, 0.0, 0.0], [1.0, 2.0, 3.0]))


def test_empty_and_dimensionless_input():
    assert cosine_similarity_matrix(np.zeros((0, 4)), np.ones((3, 4))).shape == (0, 3)
    assert pairwise_cosines(np.ones((1, 4))).shape == (0,)
    with pytest.raises(ValueError):
        l2_normalize(np.zeros((2, 0)))


@pytest.mark.parametrize("dtype, scale", [(np.float64, 1e200), (np.float64, 1e-200),
                                          (np.float32, 1e30), (np.float32, 1e-30)])
def test_extreme_scales_neither_overflow_nor_underflow(rng, dtype, scale):
    A = rng.standard_normal((4, 7))
    with np.errstate(all="raise"):
        S = cosine_similarity_matrix((A * scale).astype(dtype))
    assert_allclose(S, cosine_similarity_matrix(A), atol=TOL[dtype], rtol=0)


def test_page_overflow_examples():
    # Page: the textbook formula gives NaN for a vector of 768 entries of 10.0 in float16
    # (its squared norm, 76,800, exceeds float16's maximum, 65,504) and for entries of 1e200
    # in float64; the scaled computation gives 1 (to rounding) in both cases.
    x16 = np.full(768, 10.0, dtype=np.float16)
    assert np.finfo(np.float16).max == 65504 and 768 * 10.0**2 == 76800
    assert math.isnan(cosine_naive(x16, x16))
    assert_allclose(cosine_similarity(x16, x16), 1.0, atol=1e-6)
    assert cosine_similarity_matrix(x16[None]).dtype == np.float32  # float16 is computed in float32
    # Page: a norm of 256 takes only 768 entries of 9.2 (256 / sqrt(768) = 9.24).
    assert round(256 / math.sqrt(768), 1) == 9.2 and 256.0**2 > float(np.finfo(np.float16).max)
    big = np.array([1e200, 1e200])
    assert math.isnan(cosine_naive(big, big))
    assert_allclose(cosine_similarity(big, big), 1.0, atol=1e-15)
    # Page: entries of 1e-170 have squares that round to 0; the scaled computation still gives 1.
    tiny = np.array([1e-170, 1e-170])
    assert 1e-170**2 == 0.0 and math.isnan(cosine_naive(tiny, tiny))
    assert_allclose(cosine_similarity(tiny, tiny), 1.0, atol=1e-15)


@pytest.mark.skipif(not sklearn.__version__.startswith("1.9."),
                    reason="the page states this for scikit-learn 1.9 only")
def test_page_sklearn_19_returns_zero_for_identical_extreme_vectors():
    # Page: scikit-learn 1.9's cosine_similarity gives 0.0 for two identical vectors with entries
    # 1e200 (the squared norm overflows, the row normalises to zero) or 1e-170 (the squared norm
    # underflows to 0, the row is left unnormalised and the dot product underflows too).
    for x in (np.array([[1e200, 1e200]]), np.array([[1e-170, 1e-170]])):
        assert sk_cosine(x, x)[0, 0] == 0.0
        assert_allclose(cosine_similarity_matrix(x)[0, 0], 1.0, atol=1e-15)


@pytest.mark.parametrize("d", [768, 4096])
def test_float32_accumulation_is_close_to_float64(rng, d):
    # Page: float32 cosines of 768-dim vectors agree with float64 to within 1e-6.
    A, B = rng.standard_normal((64, d)), rng.standard_normal((64, d))
    S32 = cosine_similarity_matrix(A.astype(np.float32), B.astype(np.float32))
    assert S32.dtype == np.float32
    assert_allclose(S32, cosine_similarity_matrix(A, B), atol=1e-6, rtol=0)


def test_near_duplicates_in_float32():
    # Page: two unit vectors 1e-4 rad apart. In float32 the cosine is exactly 1.0, so
    # sqrt(2 - 2 cos) says distance 0; the direct difference of the unit vectors gives 1.0e-4;
    # float64 gives 1 - cos = 5.0e-9 and the distance 1.0e-4 either way.
    theta = 1e-4
    for dtype in (np.float32, np.float64):
        a = np.array([1.0, 0.0], dtype=dtype)
        b = np.array([np.cos(theta), np.sin(theta)], dtype=dtype)
        cos = cosine_similarity(a, b)
        direct = float(np.linalg.norm(l2_normalize(a) - l2_normalize(b)))
        assert_allclose(direct, theta, rtol=1e-4)
        if dtype is np.float32:
            assert cos == 1.0 and unit_distance_from_cosine(cos) == 0.0
        else:
            assert f"{1 - cos:.1e}" == "5.0e-09"
            assert_allclose(unit_distance_from_cosine(cos), theta, rtol=1e-6)


# -- ranking and metric facts stated on the page --------------------------------------------


def test_cosine_and_euclidean_rank_differently_on_raw_vectors():
    q = np.array([1.0, 1.0, 0.0])
    A = np.array([3.0, 3.0, 0.0])  # same direction as q, three times as long
    B = np.array([1.0, 1.0, 1.0])
    assert round(cosine_similarity(q, A), 3) == 1.0
    assert round(cosine_similarity(q, B), 3) == 0.816
    assert round(float(np.linalg.norm(q - A)), 2) == 2.83
    assert round(float(np.linalg.norm(q - B)), 2) == 1.00
    # After normalising, Euclidean distance ranks like cosine again.
    qh, Ah, Bh = l2_normalize(np.stack([q, A, B]))
    assert np.linalg.norm(qh - Ah) < np.linalg.norm(qh - Bh)


def test_one_minus_cosine_breaks_the_triangle_inequality():
    a, b, c = np.array([1.0, 0.0]), np.array([1.0, 1.0]), np.array([0.0, 1.0])
    d = lambda x, y: 1 - cosine_similarity(x, y)  # noqa: E731
    assert round(d(a, b), 3) == 0.293 and round(d(a, b) + d(b, c), 3) == 0.586
    assert d(a, c) == 1.0 > d(a, b) + d(b, c)
    # The unit-vector Euclidean distance is a metric: 0.765 + 0.765 >= 1.414.
    u = lambda x, y: float(unit_distance_from_cosine(cosine_similarity(x, y)))  # noqa: E731
    assert round(u(a, b), 3) == 0.765 and u(a, c) <= u(a, b) + u(b, c)


# -- pairwise cosines, anisotropy, the figure ------------------------------------------------


def test_pairwise_cosines_against_loop(rng):
    X = rng.standard_normal((7, 5))
    expected = [sk_cosine(X[i][None], X[j][None])[0, 0] for i in range(7) for j in range(i + 1, 7)]
    assert_allclose(pairwise_cosines(X), expected, atol=1e-12, rtol=0)


def test_anisotropy_numbers_in_the_figure():
    # Page and figure: n = 400 vectors in d = 768 (seed 1). Isotropic: mean 0.00, standard
    # deviation 0.036 = 1/sqrt(768); shared offset 2: mean 0.80 = 2^2 / (1 + 2^2), standard
    # deviation 0.010; after
    # subtracting the mean: mean -0.00 (exactly about -1/(n - 1)), spread 0.036 again.
    n, d = 400, 768
    iso = pairwise_cosines(anisotropic_sample(n, d, offset=0.0, seed=1))
    X = anisotropic_sample(n, d, offset=2.0, seed=1)
    aniso, centred = pairwise_cosines(X), pairwise_cosines(X - X.mean(axis=0))
    assert f"{iso.mean():.2f}" == "0.00" and round(iso.std(), 3) == round(1 / math.sqrt(d), 3) == 0.036
    assert f"{aniso.mean():.2f}" == "0.80" and round(aniso.std(), 3) == 0.010
    assert f"{centred.mean():.2f}" == "-0.00" and round(centred.std(), 3) == 0.036
    assert_allclose(centred.mean(), -1 / (n - 1), atol=2e-4)
    # Page pitfall: 0.3 is eight standard deviations above chance for isotropic d = 768.
    assert round(0.3 * math.sqrt(d)) == 8


def test_pearson_is_cosine_after_per_vector_centring_and_does_not_fix_anisotropy():
    # Follow-up: Pearson's r(a, b) = cos(a - mean(a), b - mean(b)), checked against SciPy.
    from scipy.stats import pearsonr

    n, d = 400, 768
    X = anisotropic_sample(n, d, offset=2.0, seed=1)
    row_centred = X - X.mean(axis=1, keepdims=True)  # each vector minus its own mean
    for i, j in [(0, 1), (5, 17), (398, 399)]:
        assert_allclose(cosine_similarity(row_centred[i], row_centred[j]), pearsonr(X[i], X[j])[0],
                        atol=1e-12, rtol=0)
    # Page: Pearson correlations still average 0.80; subtracting the corpus mean vector gives 0.00.
    assert f"{pairwise_cosines(row_centred).mean():.2f}" == "0.80"
    assert f"{abs(pairwise_cosines(X - X.mean(axis=0)).mean()):.2f}" == "0.00"


def test_plot_anisotropy():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = plot_anisotropy()
    try:
        assert isinstance(fig, Figure)
        ax = fig.axes[0]
        assert ax.get_xlabel() and ax.get_ylabel() and ax.get_legend() is not None
        assert len({patch.get_linestyle() for patch in ax.patches}) == 3  # no colour needed
    finally:
        plt.close(fig)
