"""Tests of snippets/generation/masks.py: the shape and pattern of each family's mask, and what masked
attention can and cannot see."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import softmax

from snippets.generation.masks import (
    bidirectional_mask, causal_mask, cross_attention_mask, key_padding, masked_attention,
    prefix_lm_mask,
)


@pytest.fixture
def rng():
    return np.random.default_rng(777)


def naive_attention(q, k, v, mask):
    """Reference: one query at a time, softmax over its allowed keys only (SciPy)."""
    out = np.zeros((q.shape[0], v.shape[1]))
    for i in range(q.shape[0]):
        allowed = np.flatnonzero(mask[i])
        if allowed.size:
            w = softmax(q[i] @ k[allowed].T / np.sqrt(q.shape[1]))
            out[i] = w @ v[allowed]
    return out


@pytest.mark.parametrize("T", [1, 2, 7])
def test_causal_is_lower_triangular(T):
    m = causal_mask(T)
    assert m.shape == (T, T) and m.dtype == bool
    i, j = np.indices((T, T))
    assert np.array_equal(m, j <= i)
    assert m.sum() == T * (T + 1) // 2


@pytest.mark.parametrize("T,valid", [(1, 1), (5, 5), (5, 3), (4, 0)])
def test_bidirectional_hides_only_padding(T, valid):
    m = bidirectional_mask(T, valid)
    assert m.shape == (T, T)
    assert np.all(m[:, :valid]) and not np.any(m[:, valid:])


@pytest.mark.parametrize("T,P", [(6, 0), (6, 1), (6, 3), (6, 6), (1, 1)])
def test_prefix_block_is_full_and_rest_causal(T, P):
    m = prefix_lm_mask(T, P)
    assert np.all(m[:P, :P])  # the prefix attends bidirectionally within itself
    assert np.all(m[:, :P])  # everyone sees the whole prefix
    assert np.array_equal(m[P:, P:], causal_mask(T - P))  # the target part stays causal
    assert not np.any(m[:P, P:])  # the prefix never sees the target
    # The limits: no prefix is a causal LM, an all-prefix mask is bidirectional.
    assert np.array_equal(prefix_lm_mask(T, 0), causal_mask(T))
    assert np.array_equal(prefix_lm_mask(T, T), bidirectional_mask(T))


@pytest.mark.parametrize("T_dec,T_enc,valid", [(1, 1, 1), (4, 6, 4), (3, 5, 5)])
def test_cross_attention_shape_and_padding(T_dec, T_enc, valid):
    m = cross_attention_mask(T_dec, T_enc, valid)
    assert m.shape == (T_dec, T_enc)
    assert np.array_equal(m, np.broadcast_to(key_padding(T_enc, valid), (T_dec, T_enc)))
    # Every decoder position sees the same (complete, unpadded) source.
    assert np.all(m == m[0])


@pytest.mark.parametrize("mask_fn", [
    lambda T: causal_mask(T),
    lambda T: bidirectional_mask(T, T - 1),
    lambda T: prefix_lm_mask(T, 2),
])
@pytest.mark.parametrize("T", [3, 8])
def test_masked_attention_matches_naive(rng, mask_fn, T):
    q, k, v = rng.normal(size=(3, T, 4))
    out, w = masked_attention(q, k, v, mask_fn(T))
    assert_allclose(out, naive_attention(q, k, v, mask_fn(T)), rtol=1e-12, atol=1e-12)
    assert np.all(w[~mask_fn(T)] == 0)
    assert_allclose(w.sum(axis=1), 1.0, rtol=1e-12)


def test_causal_outputs_ignore_the_future(rng):
    x = rng.normal(size=(6, 4))
    out, _ = masked_attention(x, x, x, causal_mask(6))
    y = x.copy()
    y[4:] = rng.normal(size=(2, 4))  # change tokens 4 and 5
    out2, _ = masked_attention(y, y, y, causal_mask(6))
    assert_allclose(out[:4], out2[:4], rtol=0, atol=0)
    # Under a bidirectional mask the same change reaches every position.
    b1, _ = masked_attention(x, x, x, bidirectional_mask(6))
    b2, _ = masked_attention(y, y, y, bidirectional_mask(6))
    assert np.all(np.abs(b1[:4] - b2[:4]).max(axis=1) > 0)


def test_padding_keys_are_invisible(rng):
    q = rng.normal(size=(3, 4))
    k, v = rng.normal(size=(2, 5, 4))
    m = cross_attention_mask(3, 5, enc_valid_len=3)
    out, _ = masked_attention(q, k, v, m)
    k2, v2 = k.copy(), v.copy()
    k2[3:], v2[3:] = 1e3, -1e3  # garbage in the padded slots
    assert_allclose(masked_attention(q, k2, v2, m)[0], out, rtol=1e-12)


def test_fully_masked_row_gives_zeros_not_nan(rng):
    q, k, v = rng.normal(size=(3, 4, 4))
    m = bidirectional_mask(4, valid_len=0)
    out, w = masked_attention(q, k, v, m)
    assert np.all(out == 0) and np.all(w == 0)
