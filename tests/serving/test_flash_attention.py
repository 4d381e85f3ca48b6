"""Tests of snippets/serving/flash_attention.py: tiled attention equals naive attention for any tiling."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import logsumexp, softmax

from snippets.serving.flash_attention import flash_attention, naive_attention, online_softmax, recompute_probs

# float64 inputs: the tiled and naive results differ only by summation order (~1e-15).
# float32 inputs: the block scores are float32, so agreement is to float32 round-off.
TOL64 = dict(rtol=1e-12, atol=1e-12)
TOL32 = dict(rtol=1e-5, atol=1e-6)
TILES = [(1, 1), (3, 5), (7, 16), (16, 16), (64, 1), (128, 128)]  # many do not divide N


@pytest.fixture
def rng():
    return np.random.default_rng(79)


def loop_attention(q, k, v, causal):
    """Independent reference: one query at a time, SciPy's softmax."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        n = i + 1 if causal else k.shape[0]
        out[i] = softmax(k[:n] @ q[i] / np.sqrt(q.shape[1])) @ v[:n]
    return out


@pytest.mark.parametrize("N,d,d_v", [(1, 4, 4), (2, 8, 3), (37, 16, 16), (100, 32, 8)])
@pytest.mark.parametrize("causal", [False, True])
def test_naive_attention_matches_a_per_query_loop(rng, N, d, d_v, causal):
    q, k = rng.normal(size=(2, N, d))
    v = rng.normal(size=(N, d_v))
    assert_allclose(naive_attention(q, k, v, causal), loop_attention(q, k, v, causal), **TOL64)


@pytest.mark.parametrize("B_r,B_c", TILES)
@pytest.mark.parametrize("N", [1, 37, 100])
@pytest.mark.parametrize("causal", [False, True])
def test_flash_equals_naive_for_any_tile_size(rng, B_r, B_c, N, causal):
    q, k, v = rng.normal(size=(3, N, 16))
    O, L = flash_attention(q, k, v, B_r, B_c, causal)
    assert_allclose(O, naive_attention(q, k, v, causal), **TOL64)
    S = q @ k.T / 4.0
    if causal:
        S = np.where(np.tri(N, dtype=bool), S, -np.inf)
    assert_allclose(L, logsumexp(S, axis=1), **TOL64)


@pytest.mark.parametrize("N_q,N_k", [(5, 23), (23, 5), (1, 40)])
def test_flash_cross_attention_with_different_lengths(rng, N_q, N_k):
    q = rng.normal(size=(N_q, 8))
    k, v = rng.normal(size=(2, N_k, 8))
    O, _ = flash_attention(q, k, v, B_r=4, B_c=6)
    assert_allclose(O, loop_attention(q, k, v, causal=False), **TOL64)


def test_flash_float32_inputs(rng):
    q, k, v = rng.normal(size=(3, 50, 32)).astype(np.float32)
    O, _ = flash_attention(q, k, v, B_r=8, B_c=12, causal=True)
    assert_allclose(O, naive_attention(q.astype(np.float64), k.astype(np.float64), v.astype(np.float64),
                                       causal=True), **TOL32)


def test_flash_is_stable_where_a_plain_exp_overflows(rng):
    # Scores of ~1e4 overflow exp() unless every block is shifted by its running maximum.
    q, k, v = rng.normal(size=(3, 20, 8))
    O, _ = flash_attention(q * 300, k * 300, v, B_r=4, B_c=3, causal=True)
    assert np.isfinite(O).all()
    assert_allclose(O, naive_attention(q * 300, k * 300, v, causal=True), **TOL64)


def test_each_output_row_is_a_convex_combination_of_values(rng):
    # Invariant: softmax weights are >= 0 and sum to 1, so O lies inside the hull of V rows;
    # with V = ones, O must be exactly ones for every tiling.
    q, k = rng.normal(size=(2, 30, 8))
    O, _ = flash_attention(q, k, np.ones((30, 3)), B_r=7, B_c=4, causal=True)
    assert_allclose(O, np.ones((30, 3)), **TOL64)


def test_causal_first_row_copies_the_first_value(rng):
    q, k, v = rng.normal(size=(3, 9, 4))
    O, _ = flash_attention(q, k, v, B_r=2, B_c=2, causal=True)
    assert_allclose(O[0], v[0], **TOL64)


def test_empty_query_gives_empty_output(rng):
    k, v = rng.normal(size=(2, 5, 4))
    O, L = flash_attention(np.zeros((0, 4)), k, v, B_r=2, B_c=2)
    assert O.shape == (0, 4) and L.shape == (0,)


@pytest.mark.parametrize("n", [1, 2, 17])
def test_online_softmax_matches_scipy(rng, n):
    x = rng.normal(scale=50.0, size=n)
    assert_allclose(online_softmax(x), softmax(x), **TOL64)


def test_online_softmax_invariant_to_shift_and_order(rng):
    x = rng.normal(size=12)
    perm = rng.permutation(12)
    assert_allclose(online_softmax(x + 1000.0), online_softmax(x), **TOL64)
    assert_allclose(online_softmax(x[perm]), online_softmax(x)[perm], **TOL64)


@pytest.mark.parametrize("causal", [False, True])
def test_backward_recomputation_rebuilds_p_from_the_saved_statistics(rng, causal):
    # The forward pass keeps only O and L (N numbers); P is recomputed exactly from q, k, L.
    q, k, v = rng.normal(size=(3, 25, 8))
    _, L = flash_attention(q, k, v, B_r=6, B_c=5, causal=causal)
    S = q @ k.T / np.sqrt(8)
    if causal:
        S = np.where(np.tri(25, dtype=bool), S, -np.inf)
    P = recompute_probs(q, k, L, causal)
    assert_allclose(P, softmax(S, axis=1), **TOL64)
    assert_allclose(P.sum(axis=1), 1.0, **TOL64)
