"""Tests of snippets/retrieval/ivfpq.py and snippets/retrieval/ivfpq_plots.py: IVF and IVF-PQ search quality (Q31)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from snippets.retrieval.ivfpq import (IVFPQ, clustered_data, exact_search, knn_recall, recall_curve,
                            rerank_exact, smallest_k)
from snippets.retrieval.ivfpq_plots import NPROBES, demo_curves


@pytest.fixture(scope="module")
def data():
    return clustered_data(2000, 40, 16, n_clusters=30, spread=1.0, seed=3)


@pytest.fixture(scope="module")
def flat_index(data):
    x, _ = data
    return IVFPQ(nlist=32).train(x).add(x)


@pytest.fixture(scope="module")
def pq_index(data):
    x, _ = data
    return IVFPQ(nlist=32, m=4).train(x).add(x)


def test_clustered_data_is_seeded_and_shaped():
    x1, q1 = clustered_data(100, 7, 4, n_clusters=3, spread=0.1, seed=5)
    x2, q2 = clustered_data(100, 7, 4, n_clusters=3, spread=0.1, seed=5)
    assert x1.shape == (100, 4) and q1.shape == (7, 4) and x1.dtype == np.float32
    assert_array_equal(x1, x2)
    assert_array_equal(q1, q2)


@pytest.mark.parametrize("k", [1, 5])
def test_exact_search_matches_scipy_kdtree(data, k):
    from scipy.spatial import cKDTree

    x, q = data
    ref = cKDTree(x.astype(np.float64)).query(q.astype(np.float64), k=k)[1].reshape(len(q), k)
    assert_array_equal(exact_search(x, q, k), ref)


@pytest.mark.parametrize("n,k", [(0, 3), (1, 1), (5, 3), (50, 10), (50, 50), (50, 80)])
def test_smallest_k_equals_a_stable_full_sort(n, k):
    rng = np.random.default_rng(n + k)
    d = rng.integers(0, 6, size=n).astype(float)  # many ties, some at the boundary
    assert_array_equal(smallest_k(d, k), np.argsort(d, kind="stable")[:k])


def test_knn_recall_hand_cases():
    truth = np.array([[1, 2], [3, 4]])
    assert knn_recall(truth, truth) == 1.0
    assert knn_recall(np.array([[5, 6], [7, 8]]), truth) == 0.0
    assert knn_recall(np.array([[2, 9], [4, 3]]), truth) == 0.75  # order does not matter


def test_every_vector_sits_in_exactly_one_list(data, pq_index):
    x, _ = data
    ids = np.sort(np.concatenate([list_ids for list_ids, _ in pq_index.lists]))
    assert_array_equal(ids, np.arange(len(x)))
    assert all(codes.shape[1] == 4 and codes.dtype == np.uint8 for _, codes in pq_index.lists)


def test_ivf_flat_probing_every_list_is_exact_search(data, flat_index):
    x, q = data
    ids, scanned = flat_index.search(q, 10, nprobe=32)
    assert_array_equal(ids, exact_search(x, q, 10))
    assert (scanned == len(x)).all()


def test_ivf_flat_recall_never_falls_with_nprobe(data, flat_index):
    # more lists = a superset of candidates ranked by exact distances
    x, q = data
    recalls, fractions = recall_curve(flat_index, x, q, 10, [1, 2, 4, 8, 32])
    assert recalls == recall_curve(flat_index, x, q, 10, [1, 2, 4, 8, 32],
                                   truth=exact_search(x, q, 10))[0]  # a given truth is the same
    assert all(a <= b for a, b in zip(recalls, recalls[1:]))
    assert all(a < b for a, b in zip(fractions, fractions[1:]))
    assert recalls[0] < 0.9 and recalls[-1] == 1.0


def test_scanned_counts_are_the_sizes_of_the_probed_lists(data, pq_index):
    x, q = data
    _, scanned = pq_index.search(q[:1], 10, nprobe=3)
    from snippets.retrieval.product_quantization import sq_dists

    probed = np.argsort(sq_dists(q[:1].astype(float), pq_index.centroids)[0])[:3]
    assert scanned[0] == sum(len(pq_index.lists[c][0]) for c in probed)


def test_search_pads_with_minus_one_when_too_few_vectors_are_scanned():
    x = np.array([[0.0, 0.0], [10.0, 10.0], [0.1, 0.0], [10.1, 10.0]])
    index = IVFPQ(nlist=2).train(x, n_train=4).add(x)
    ids, scanned = index.search(np.array([[0.0, 0.1]]), k=3, nprobe=1)
    assert scanned.tolist() == [2] and ids.tolist() == [[0, 2, -1]]


def test_rerank_exact_is_exact_search_over_the_shortlist(data):
    x, q = data
    shortlist = np.tile(np.arange(0, len(x), 7), (len(q), 1))
    ref = shortlist[0][exact_search(x[shortlist[0]], q, 5)]
    assert_array_equal(rerank_exact(x, q, shortlist, 5), ref)


def test_rerank_ignores_padding():
    x = np.array([[0.0], [1.0]])
    assert rerank_exact(x, np.array([[0.9]]), np.array([[0, -1, 1]]), 3).tolist() == [[1, 0, -1]]


def test_reranking_a_pq_shortlist_recovers_recall(data, pq_index):
    x, q = data
    plain, _ = recall_curve(pq_index, x, q, 10, [8])
    refined, _ = recall_curve(pq_index, x, q, 10, [8], refine=50)
    assert refined[0] > plain[0] + 0.1


def test_demo_numbers_quoted_in_q31():
    curves = demo_curves()
    (flat_r, frac), (pq_r, _), (ref_r, _) = curves.values()
    assert NPROBES == (1, 2, 4, 8, 16, 64)
    assert [round(100 * f, 1) for f in frac] == [1.9, 3.9, 7.7, 15.3, 30.0, 100.0]
    assert [round(100 * r, 1) for r in flat_r] == [77.2, 85.3, 90.9, 95.5, 98.5, 100.0]
    assert [round(100 * r, 1) for r in pq_r] == [59.8, 63.5, 66.0, 67.5, 67.9, 68.0]
    assert [round(100 * r, 1) for r in ref_r] == [77.0, 85.1, 90.7, 94.9, 97.7, 99.0]
    # recall rises with nprobe for every index
    for recalls in (flat_r, pq_r, ref_r):
        assert all(a <= b for a, b in zip(recalls, recalls[1:]))


def test_demo_setup_and_work_ratio_quoted_in_q31():
    from snippets.retrieval.ivfpq_plots import DEMO, K, M, NLIST, REFINE

    assert (DEMO["n"], DEMO["nq"], DEMO["d"], DEMO["n_clusters"]) == (10_000, 100, 32, 100)
    assert (NLIST, M, K, REFINE) == (64, 8, 10, 50)
    _, frac = next(iter(demo_curves().values()))
    assert round((frac[-1] - frac[3]) / frac[3], 1) == 5.5  # nprobe 8 -> 64 vs 0 -> 8
