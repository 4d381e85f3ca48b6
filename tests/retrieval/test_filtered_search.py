"""Tests of snippets/retrieval/filtered_search.py: pre- vs post-filtering measured on random vectors (Q78)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy import stats

from snippets.retrieval.filtered_search import (expected_postfilter_results, k_prime_needed,
                                      p_postfilter_full, postfilter_search, prefilter_search, top_k)


@pytest.fixture(scope="module")
def corpus():
    rng = np.random.default_rng(42)
    x = rng.normal(size=(20_000, 32))
    tenant = rng.integers(100, size=len(x))  # 100 equal tenants: each filter passes ~1%
    queries = rng.normal(size=(200, 32))
    return x, tenant, queries


def naive_filtered_top_k(x, q, mask, k):
    pairs = sorted(((-float(x[i] @ q), i) for i in range(len(x)) if mask[i]))
    return np.array([i for _, i in pairs[:k]], dtype=int)


def test_top_k_edge_cases():
    assert top_k(np.array([]), 3).tolist() == []
    assert top_k(np.array([2.0, 1.0]), 5).tolist() == [0, 1]
    assert top_k(np.array([1.0, 1.0, 1.0]), 2).tolist() == [0, 1]  # ties keep index order


@pytest.mark.parametrize("n,k", [(0, 3), (1, 1), (6, 3), (60, 10), (60, 60), (60, 90)])
def test_top_k_equals_a_stable_full_sort(n, k):
    rng = np.random.default_rng(n + k)
    s = rng.integers(0, 5, size=n).astype(float)  # many ties, some at the boundary
    assert_array_equal(top_k(s, k), np.argsort(-s, kind="stable")[:k])


def test_prefilter_equals_naive_filtered_search(corpus):
    x, tenant, queries = corpus
    for q in queries[:5]:
        mask = tenant == 7
        assert_array_equal(prefilter_search(x, q, mask, 10), naive_filtered_top_k(x, q, mask, 10))


def test_prefilter_always_returns_k_when_k_rows_pass(corpus):
    x, tenant, queries = corpus
    sizes = [len(prefilter_search(x, q, tenant == t, 10)) for t, q in zip(range(100), queries)]
    assert sizes == [10] * 100
    assert len(prefilter_search(x, queries[0], np.zeros(len(x), bool), 10)) == 0


def test_postfilter_with_a_selective_filter_returns_fewer_than_k(corpus):
    x, tenant, queries = corpus
    got = [len(postfilter_search(x, q, tenant == i % 100, 10, 100)) for i, q in enumerate(queries)]
    assert max(got) < 10  # not one query of 200 gets its 10 results
    assert_allclose(np.mean(got), expected_postfilter_results(10, 100, 0.01), atol=0.2)
    assert sum(got) == 193  # 0.965 results per query, the value Q78 quotes
    pre = [len(prefilter_search(x, q, tenant == i % 100, 10)) for i, q in enumerate(queries)]
    assert pre == [10] * len(queries)  # the same 200 queries, pre-filtered


def test_postfilter_results_are_a_prefix_of_the_exact_filtered_list(corpus):
    # what post-filtering returns is right; what it loses is the rest: recall = returned / k
    x, tenant, queries = corpus
    for q in queries[:20]:
        mask = tenant == 3
        post = postfilter_search(x, q, mask, 10, 1000)
        assert_array_equal(post, prefilter_search(x, q, mask, 10)[:len(post)])


def test_postfilter_with_large_k_prime_or_no_filter_equals_prefilter(corpus):
    x, tenant, queries = corpus
    q, everyone = queries[0], np.ones(len(x), bool)
    assert_array_equal(postfilter_search(x, q, everyone, 10, 10), prefilter_search(x, q, everyone, 10))
    mask = tenant == 5
    assert_array_equal(postfilter_search(x, q, mask, 10, len(x)), prefilter_search(x, q, mask, 10))


@pytest.mark.parametrize("k,k_prime,s", [(10, 100, 0.01), (10, 1000, 0.01), (5, 40, 0.2), (3, 2, 0.5)])
def test_binomial_formulas_match_scipy(k, k_prime, s):
    X = stats.binom(k_prime, s)
    assert_allclose(p_postfilter_full(k, k_prime, s), X.sf(k - 1), atol=1e-12)
    j = np.arange(k_prime + 1)
    assert_allclose(expected_postfilter_results(k, k_prime, s),
                    (np.minimum(j, k) * X.pmf(j)).sum(), atol=1e-12)


def test_formulas_at_the_limits():
    assert expected_postfilter_results(10, 50, 1.0) == pytest.approx(10.0)
    assert expected_postfilter_results(10, 50, 0.0) == 0.0
    assert p_postfilter_full(10, 5, 0.9) == 0.0  # fewer candidates than k


def test_measured_fill_rate_matches_the_binomial(corpus):
    x, _, queries = corpus
    rng = np.random.default_rng(1)
    for s, k_prime in ((0.05, 100), (0.01, 1000)):
        got = [len(postfilter_search(x, q, rng.random(len(x)) < s, 10, k_prime)) for q in queries]
        assert_allclose(np.mean(got), expected_postfilter_results(10, k_prime, s), atol=0.35)
        assert_allclose(np.mean(np.array(got) == 10), p_postfilter_full(10, k_prime, s), atol=0.1)


@pytest.mark.parametrize("k,s", [(10, 0.01), (10, 0.1), (1, 0.5), (5, 0.02)])
def test_k_prime_needed_is_the_smallest_sufficient(k, s):
    kp = k_prime_needed(k, s)
    assert p_postfilter_full(k, kp, s) >= 0.99 > p_postfilter_full(k, kp - 1, s)


def test_numbers_quoted_in_q78():
    assert round(expected_postfilter_results(10, 100, 0.01), 2) == 1.0
    assert round(expected_postfilter_results(10, 1000, 0.01), 2) == 8.76
    assert round(100 * p_postfilter_full(10, 1000, 0.01), 1) == 54.3
    assert k_prime_needed(10, 0.01) == 1874
    assert round(expected_postfilter_results(10, 100, 0.1), 2) == 8.81
    assert k_prime_needed(10, 0.1) == 183
    assert round(expected_postfilter_results(10, 100, 0.001), 2) == 0.1
    assert k_prime_needed(10, 0.001) == 18779
