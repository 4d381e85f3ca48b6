"""Tests of snippets/retrieval/product_quantization.py: k-means, PQ codes and asymmetric distances (Q31)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.distance import cdist

from snippets.retrieval.product_quantization import (adc_distances, adc_table, kmeans, pq_decode, pq_encode,
                                           pq_relative_error, pq_train, sq_dists)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("n,k,d", [(1, 1, 1), (7, 3, 5), (50, 20, 16)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sq_dists_matches_scipy(rng, n, k, d, dtype):
    x, c = rng.normal(size=(n, d)).astype(dtype), rng.normal(size=(k, d)).astype(dtype)
    tol = 1e-4 if dtype == np.float32 else 1e-10
    assert_allclose(sq_dists(x, c), cdist(x, c, "sqeuclidean"), rtol=tol, atol=tol)


def test_sq_dists_never_negative_for_identical_rows(rng):
    x = rng.normal(size=(20, 8)) * 1e4  # large norms: the expansion cancels catastrophically
    assert (sq_dists(x, x) >= 0).all()


def test_kmeans_recovers_separated_blobs(rng):
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    x = np.concatenate([c + 0.1 * rng.normal(size=(100, 2)) for c in centres])
    c, a = kmeans(x, 3, seed=1)
    order = np.argsort(c[:, 0] + 2 * c[:, 1])  # (0,0), (10,0), (0,10)
    assert_allclose(c[order], centres, atol=0.05)
    assert len(set(a[:100])) == len(set(a[100:200])) == len(set(a[200:])) == 1


def test_kmeans_fixed_point_is_cluster_means_and_matches_scipy_inertia(rng):
    from scipy.cluster.vq import kmeans2

    x = rng.normal(size=(400, 3))
    c, a = kmeans(x, 5, n_iter=100, seed=0)
    for j in range(5):  # at convergence each centroid is the mean of its points
        assert_allclose(c[j], x[a == j].mean(0), atol=1e-10)
    ours = sq_dists(x, c).min(1).sum()
    ref = min(sq_dists(x, kmeans2(x, 5, iter=100, minit="++", seed=s)[0]).min(1).sum()
              for s in range(4))
    assert ours <= 1.10 * ref  # Lloyd from one random start: within 10% of the best of 4 k-means++


@pytest.mark.parametrize("m,nbits", [(1, 2), (4, 4), (8, 3)])
def test_pq_encode_matches_naive_nearest_centroid(rng, m, nbits):
    x = rng.normal(size=(60, 16))
    cb = pq_train(x, m, nbits, n_iter=5)
    codes = pq_encode(x, cb)
    ds = 16 // m
    for i in range(len(x)):
        for j in range(m):
            sub = x[i, j * ds:(j + 1) * ds]
            assert codes[i, j] == np.argmin([((sub - cen) ** 2).sum() for cen in cb[j]])


def test_codebook_entries_round_trip_exactly(rng):
    cb = rng.normal(size=(4, 16, 2))
    codes = rng.integers(16, size=(30, 4))
    assert_allclose(pq_decode(pq_encode(pq_decode(codes, cb), cb), cb), pq_decode(codes, cb))
    assert (pq_encode(pq_decode(codes, cb), cb) == codes).all()


def test_codes_are_m_bytes_at_8_bits(rng):
    cb = pq_train(rng.normal(size=(600, 16)), m=8, nbits=8, n_iter=2)
    codes = pq_encode(rng.normal(size=(5, 16)), cb)
    assert codes.dtype == np.uint8 and codes.shape == (5, 8) and codes.nbytes == 5 * 8


@pytest.mark.parametrize("m", [1, 2, 8])
def test_adc_equals_distance_to_reconstruction(rng, m):
    cb = rng.normal(size=(m, 32, 16 // m))
    codes = rng.integers(32, size=(50, m))
    q = rng.normal(size=16)
    ref = ((pq_decode(codes, cb) - q) ** 2).sum(1)
    assert_allclose(adc_distances(adc_table(q, cb), codes), ref, rtol=1e-12)


def test_adc_table_of_a_stack_of_queries_is_one_table_per_query(rng):
    cb = rng.normal(size=(4, 16, 3))
    Q = rng.normal(size=(5, 12))
    stacked = adc_table(Q, cb)
    assert stacked.shape == (5, 4, 16)
    for i in range(5):
        assert_allclose(stacked[i], adc_table(Q[i], cb), rtol=1e-12)


def test_adc_is_exact_when_every_vector_is_a_codeword(rng):
    # m = 1 and one centroid per database vector: the "quantizer" loses nothing
    x = rng.normal(size=(20, 6))
    cb = x[None]  # (1, 20, 6)
    q = rng.normal(size=6)
    d = adc_distances(adc_table(q, cb), pq_encode(x, cb))
    assert_allclose(d, ((x - q) ** 2).sum(1), rtol=1e-12)


def test_adc_empty_database(rng):
    cb = rng.normal(size=(2, 4, 3))
    assert adc_distances(adc_table(np.zeros(6), cb), np.zeros((0, 2), dtype=np.uint8)).shape == (0,)


def test_reconstruction_error_falls_with_more_subquantizers_and_bits(rng):
    x = rng.normal(size=(3000, 16))
    by_m = [pq_relative_error(x, pq_train(x, m, nbits=6, n_iter=8)) for m in (2, 4, 8)]
    by_bits = [pq_relative_error(x, pq_train(x, 4, nbits=b, n_iter=8)) for b in (2, 4, 6)]
    assert by_m[0] > by_m[1] > by_m[2] > 0
    assert by_bits[0] > by_bits[1] > by_bits[2] > 0
    assert by_m[2] < 0.2 < by_m[0]


def test_pq_train_rejects_indivisible_dimension(rng):
    with pytest.raises(ValueError, match="divisible"):
        pq_train(rng.normal(size=(10, 10)), m=3, nbits=1)


def test_relative_error_matches_a_naive_loop(rng):
    x = rng.normal(size=(200, 8))
    cb = pq_train(x, 4, nbits=3, n_iter=5)
    err = norm = 0.0
    for v in x:
        rec = np.concatenate([min(cb[j], key=lambda c: ((v[2 * j:2 * j + 2] - c) ** 2).sum())
                              for j in range(4)])
        err += ((v - rec) ** 2).sum()
        norm += (v ** 2).sum()
    assert_allclose(pq_relative_error(x, cb), err / norm, rtol=1e-10)
