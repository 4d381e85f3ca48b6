"""Tests of snippets/alignment/lora.py: LoRA's invariants (B = 0 is the base layer, merged
equals unmerged, r (d + k) trainable numbers), DoRA, and batched multi-adapter serving."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.lora import (dora_init, dora_weight, lora_forward, lora_init,
                                     lora_merge, lora_params, multi_lora_forward)


@pytest.fixture
def rng():
    return np.random.default_rng(11)


@pytest.mark.parametrize("n,d,k,r", [(5, 8, 6, 2), (1, 16, 16, 4), (3, 4, 12, 1)])
def test_zero_b_is_the_base_layer(rng, n, d, k, r):
    W0, x = rng.normal(size=(d, k)), rng.normal(size=(n, k))
    A, B = lora_init(W0, r, rng)
    assert_allclose(lora_forward(x, W0, A, B, alpha=2 * r), x @ W0.T, atol=0)


@pytest.mark.parametrize("n,d,k,r", [(5, 8, 6, 2), (1, 16, 16, 4), (7, 4, 12, 3)])
def test_merged_equals_unmerged_and_matches_the_dense_update(rng, n, d, k, r):
    W0, x = rng.normal(size=(d, k)), rng.normal(size=(n, k))
    A, B = rng.normal(size=(r, k)), rng.normal(size=(d, r))
    merged = lora_merge(W0, A, B, alpha=16.0)
    assert_allclose(lora_forward(x, W0, A, B, alpha=16.0), x @ merged.T, rtol=1e-12)
    # Reference: the update, formed by an explicit sum of r rank-one matrices.
    delta = sum(np.outer(B[:, i], A[i]) for i in range(r)) * 16.0 / r
    assert_allclose(merged, W0 + delta, rtol=1e-12)
    assert np.linalg.matrix_rank(merged - W0) == min(r, d, k)


def test_trainable_count_is_r_d_plus_k(rng):
    for d, k, r in [(4096, 4096, 16), (1024, 4096, 8), (6, 4, 2)]:
        A, B = lora_init(np.zeros((d, k)), r, rng)
        assert A.size + B.size == lora_params(d, k, r) == r * (d + k)
    assert lora_params(4096, 4096, 16) / (4096 * 4096) == 1 / 128


def test_gradients_at_init_reach_b_only(rng):
    # dL/dB = (alpha/r) g^T (x A^T) is nonzero; dL/dA = (alpha/r) B^T g^T x is 0 at B = 0.
    d, k, r = 6, 5, 2
    W0, x, g = rng.normal(size=(d, k)), rng.normal(size=(3, k)), rng.normal(size=(3, d))
    A, B = lora_init(W0, r, rng)
    dB = g.T @ (x @ A.T)
    dA = B.T @ g.T @ x
    assert np.abs(dB).min() > 0 and np.abs(dA).max() == 0


def test_dora_starts_at_the_base_weight_and_keeps_its_magnitudes(rng):
    W0 = rng.normal(size=(8, 5))
    m, A, B = dora_init(W0, 2, rng)
    assert_allclose(dora_weight(W0, m, A, B, alpha=4.0), W0, rtol=1e-12)
    # After any update, each output row's norm is exactly its learned magnitude.
    B = rng.normal(size=B.shape)
    m2 = rng.uniform(0.5, 2.0, size=m.shape)
    W = dora_weight(W0, m2, A, B, alpha=4.0)
    assert_allclose(np.linalg.norm(W, axis=1), m2, rtol=1e-12)
    # Reference: row by row, m_i times the unit vector of (W0 + BA)_i.
    V = W0 + 2.0 * B @ A
    for i in range(W0.shape[0]):
        assert_allclose(W[i], m2[i] * V[i] / np.sqrt((V[i] ** 2).sum()), rtol=1e-12)
    assert m.size + A.size + B.size == 8 + 2 * (8 + 5)


def test_multi_lora_batch_equals_each_request_on_its_merged_model(rng):
    d, k, n = 8, 6, 10
    W0, x = rng.normal(size=(d, k)), rng.normal(size=(n, k))
    adapters = [(rng.normal(size=(r, k)), rng.normal(size=(d, r))) for r in (1, 4, 2)]
    ids = rng.integers(0, 3, size=n)
    got = multi_lora_forward(x, W0, adapters, ids, alpha=8.0)
    for i in range(n):
        A, B = adapters[ids[i]]
        assert_allclose(got[i], x[i] @ lora_merge(W0, A, B, 8.0).T, rtol=1e-12)
    # One adapter for everyone is plain LoRA.
    same = multi_lora_forward(x, W0, adapters[:1], np.zeros(n, int), alpha=8.0)
    assert_allclose(same, lora_forward(x, W0, *adapters[0], alpha=8.0), rtol=1e-12)
