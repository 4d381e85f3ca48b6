"""Tests of snippets/transformer/expressivity.py: the numbers Q36 states."""

import numpy as np
import pytest

from snippets.transformer.expressivity import (attention_logits, best_rank_r_error,
                                               flip_sensitivity, uniform_attention_mean)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_attention_logits_match_a_double_loop(rng):
    x, W_q, W_k = rng.normal(size=(5, 6)), rng.normal(size=(6, 3)), rng.normal(size=(6, 3))
    loop = np.array([[(x[i] @ W_q) @ (x[j] @ W_k) / np.sqrt(3) for j in range(5)]
                     for i in range(5)])
    np.testing.assert_allclose(attention_logits(x, W_q, W_k), loop, rtol=1e-12)


@pytest.mark.parametrize("n,d,d_k", [(64, 512, 8), (128, 128, 16), (32, 64, 64), (8, 8, 1)])
def test_logit_rank_is_at_most_d_k(rng, n, d, d_k):
    x, W_q, W_k = rng.normal(size=(n, d)), rng.normal(size=(d, d_k)), rng.normal(size=(d, d_k))
    assert np.linalg.matrix_rank(attention_logits(x, W_q, W_k)) == min(n, d, d_k)


def test_a_head_with_d_k_below_n_cannot_produce_the_identity_pattern(rng):
    # Target: each of n = 64 tokens attends to itself only, logits 10 * I (rank 64).
    # Any d_k = 8 head misses it by at least sqrt(56) * 10 in Frobenius norm.
    n, d_k = 64, 8
    target = 10 * np.eye(n)
    bound = best_rank_r_error(target, d_k)
    assert bound == pytest.approx(10 * np.sqrt(n - d_k)) and round(bound, 1) == 74.8
    x, W_q, W_k = rng.normal(size=(n, 512)), rng.normal(size=(512, d_k)), rng.normal(size=(512, d_k))
    L = attention_logits(x, W_q, W_k)
    for c in (0.001, 0.01, 0.1):  # any rescaling of a rank-8 matrix stays above the bound
        assert np.linalg.norm(c * L - target) >= bound
    assert best_rank_r_error(target, n) == 0.0


def test_best_rank_r_error_matches_a_truncated_svd(rng):
    A = rng.normal(size=(10, 10))
    U, s, Vt = np.linalg.svd(A)
    A3 = U[:, :3] * s[:3] @ Vt[:3]
    assert best_rank_r_error(A, 3) == pytest.approx(np.linalg.norm(A - A3), rel=1e-12)


def test_flip_sensitivity_is_within_the_4_exp_2B_over_n_bound(rng):
    for n in (16, 64, 256):
        assert flip_sensitivity(n, 2.0, rng, trials=5) <= 4 * np.exp(4.0) / (n + 1)


def test_flip_sensitivity_shrinks_like_one_over_n():
    s = {n: flip_sensitivity(n, 2.0, np.random.default_rng(0), trials=5)
         for n in (16, 1024)}
    # 64 times more bits: at least 30 times less effect of any one of them (1/n is 64x).
    assert s[16] / s[1024] > 30
    assert s[1024] < 0.01  # PARITY needs a full flip of the answer for each bit
    assert round(s[16], 2) == 0.44  # the figure Q36 quotes
    assert s[1024] <= 4 * np.exp(4.0) / 1025


def test_uniform_attention_is_the_running_mean(rng):
    v = rng.integers(0, 2, size=(50, 1)).astype(float)
    expected = np.cumsum(v, axis=0) / np.arange(1, 51)[:, None]
    np.testing.assert_allclose(uniform_attention_mean(v), expected, rtol=1e-12)


def test_uniform_attention_resolves_counts_only_to_one_over_n():
    # MAJORITY is easy (compare the mean with 1/2), but 500 and 501 ones among 1,000 or
    # 1,001 tokens differ by 1/2002 in the head's output: what PARITY would need to see.
    a = uniform_attention_mean(np.r_[np.ones(500), np.zeros(500)][:, None])[-1, 0]
    b = uniform_attention_mean(np.r_[np.ones(501), np.zeros(500)][:, None])[-1, 0]
    assert a == pytest.approx(0.5) and b - a == pytest.approx(1 / 2002)


def test_a_llama3_8b_head_has_d_k_128_so_its_logits_are_rank_128_at_most(rng):
    from snippets.specs import LLAMA3_8B
    d_k = LLAMA3_8B.head_dim
    assert d_k == 128
    n = 512  # already 4 times d_k; real contexts are 8k to 128k tokens
    x = rng.normal(size=(n, 256))
    W_q, W_k = rng.normal(size=(256, d_k)), rng.normal(size=(256, d_k))
    assert np.linalg.matrix_rank(attention_logits(x, W_q, W_k)) == d_k


def test_softmax_of_low_rank_logits_can_be_full_rank(rng):
    # The rank bound is on the logits; the exponential does not preserve it.
    n, d_k = 32, 2
    x, W_q, W_k = rng.normal(size=(n, 8)), rng.normal(size=(8, d_k)), rng.normal(size=(8, d_k))
    L = attention_logits(x, W_q, W_k)
    P = np.exp(L - L.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    assert np.linalg.matrix_rank(L) == 2 and np.linalg.matrix_rank(P) > 2
