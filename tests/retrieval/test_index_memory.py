"""Tests of snippets/retrieval/index_memory.py: the memory arithmetic of Q31, asserted as the page states it."""

import pytest

from snippets.retrieval.index_memory import (GB, best_nlist, bytes_per_vector, compression_ratio, hnsw_bytes,
                                   ivf_bytes, ivf_distance_computations,
                                   nodes_needed, pq_bits_per_dim, shards_needed,
                                   table_bytes_per_query)

N, D = 10**9, 768


@pytest.mark.parametrize("kind,expected", [("fp32", 3072), ("fp16", 1536), ("int8", 768),
                                           ("binary", 96)])
def test_bytes_per_vector_hand_values(kind, expected):
    assert bytes_per_vector(D, kind) == expected


@pytest.mark.parametrize("m,nbits,expected", [(64, 8, 64), (96, 8, 96), (32, 4, 16), (1, 8, 1)])
def test_pq_code_bytes(m, nbits, expected):
    assert bytes_per_vector(D, "pq", m=m, nbits=nbits) == expected


def test_billion_vector_totals_quoted_in_q31():
    assert N * bytes_per_vector(D, "fp32") / 1e12 == 3.072  # TB
    assert N * bytes_per_vector(D, "fp16") / 1e12 == 1.536
    assert N * bytes_per_vector(D, "int8") / GB == 768
    assert N * bytes_per_vector(D, "binary") / GB == 96
    assert N * bytes_per_vector(D, "pq", m=64) / GB == 64
    ivf = ivf_bytes(N, 64, nlist=65536, d=D)
    assert round(ivf / GB, 1) == 72.2
    assert round(65536 * D * 4 / GB, 2) == 0.2  # the coarse centroids
    assert hnsw_bytes(N, D, M=32) / 1e12 == 3.328
    assert compression_ratio(D, 64) == 48
    assert round(pq_bits_per_dim(D, 64), 3) == 0.667
    assert table_bytes_per_query(64) == 64 * 1024


def test_shards_and_nodes_quoted_in_q31():
    usable = 192 * GB  # a 256 GB node with a quarter held back
    assert shards_needed(N * 3072, usable) == 16
    assert shards_needed(hnsw_bytes(N, D, 32), usable) == 18
    assert shards_needed(ivf_bytes(N, 64, 65536, D), usable) == 1
    assert nodes_needed(N * 3072, usable, replicas=3) == 48
    assert nodes_needed(ivf_bytes(N, 64, 65536, D), usable, replicas=3) == 3


def test_shards_exact_fit_does_not_round_up():
    assert shards_needed(12 * 256 * GB, 256 * GB) == 12
    assert shards_needed(12 * 256 * GB + 1, 256 * GB) == 13
    assert shards_needed(0, 256 * GB) == 1


@pytest.mark.parametrize("n", [1, 10**6, 10**9])
def test_index_size_is_linear_in_n(n):
    assert hnsw_bytes(2 * n, D, 16) == 2 * hnsw_bytes(n, D, 16)
    assert ivf_bytes(2 * n, 64, 1, D) - ivf_bytes(n, 64, 1, D) == n * (64 + 8)


def test_hnsw_with_quantized_vectors():
    # the graph links do not shrink when the vectors do
    assert hnsw_bytes(N, D, 32, vector_bytes=64) / GB == 320


def test_ivf_work_hand_case_and_optimum():
    assert ivf_distance_computations(10**6, 1000, 10) == 11000
    for n, w in ((10**6, 4), (10**9, 16)):
        k = best_nlist(n, w)
        for other in (0.5 * k, 0.9 * k, 1.1 * k, 2 * k):
            assert ivf_distance_computations(n, k, w) <= ivf_distance_computations(n, other, w)


def test_ivf_work_quoted_in_q31():
    k = best_nlist(N, 16)
    assert round(k, -3) == 126_000
    assert round(ivf_distance_computations(N, k, 16), -3) == 253_000
    assert round(N / ivf_distance_computations(N, k, 16), -2) == 4000


def test_small_figures_quoted_in_q31():
    assert N * 8 / GB == 8  # 8-byte ids
    assert 2 * 32 * 4 == 256  # HNSW layer-0 links at M = 32
    assert (bytes_per_vector(D, "pq", m=96) - bytes_per_vector(D, "pq", m=64)) * N / GB == 32
