"""Tests of snippets/serving/kv_cache.py: cached decoding reproduces full recomputation exactly."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.serving.kv_cache import empty_cache, forward, generate, init_params

# Cached and uncached paths do the same arithmetic on differently shaped matmuls, so they
# agree to float64 round-off; 1e-12 is tight enough to catch any real bug (a wrong position,
# a dropped key) and loose enough for BLAS reordering.
TOL = dict(rtol=1e-12, atol=1e-12)
HEADS = [(4, 4), (4, 2), (4, 1)]  # MHA, GQA, MQA


@pytest.fixture
def rng():
    return np.random.default_rng(48)


def naive_forward(params, tokens):
    """Independent reference: every position, head and key in explicit Python loops."""
    E, H, H_kv = params["E"], params["n_heads"], params["n_kv_heads"]
    T, d = len(tokens), E.shape[1]
    d_h, group = d // H, H // H_kv

    def norm(v):
        return (v - v.mean()) / np.sqrt(v.var() + 1e-5)

    x = np.zeros((T, d))
    for i, tok in enumerate(tokens):
        for c in range(0, d, 2):
            angle = i / 10000.0 ** (c / d)
            x[i, c], x[i, c + 1] = np.sin(angle), np.cos(angle)
        x[i] += E[tok]
    for layer in params["layers"]:
        h = np.array([norm(row) for row in x])
        q, k, v = h @ layer["W_q"], h @ layer["W_k"], h @ layer["W_v"]
        heads_out = np.zeros((T, H * d_h))
        for i in range(T):
            for head in range(H):
                g = head // group  # the KV head this query head reads
                qi = q[i, head * d_h:(head + 1) * d_h]
                s = np.array([qi @ k[j, g * d_h:(g + 1) * d_h] / np.sqrt(d_h) for j in range(i + 1)])
                w = np.exp(s - s.max()) / np.exp(s - s.max()).sum()
                heads_out[i, head * d_h:(head + 1) * d_h] = sum(
                    w[j] * v[j, g * d_h:(g + 1) * d_h] for j in range(i + 1))
        x = x + heads_out @ layer["W_o"]
        h = np.array([norm(row) for row in x])
        x = x + np.maximum(h @ layer["W_1"], 0.0) @ layer["W_2"]
    return np.array([norm(row) for row in x]) @ E.T


@pytest.mark.parametrize("n_heads,n_kv_heads", HEADS)
@pytest.mark.parametrize("T", [1, 2, 9])
def test_forward_matches_naive_loops(rng, n_heads, n_kv_heads, T):
    params = init_params(seed=1, n_heads=n_heads, n_kv_heads=n_kv_heads)
    tokens = rng.integers(0, 61, size=T)
    logits, _ = forward(params, tokens, empty_cache(params))
    assert_allclose(logits, naive_forward(params, tokens), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("n_heads,n_kv_heads", HEADS)
@pytest.mark.parametrize("prompt_len,n_new", [(1, 8), (5, 6), (12, 1), (3, 0)])
def test_cached_generation_equals_full_recomputation_at_every_step(n_heads, n_kv_heads, prompt_len, n_new):
    params = init_params(seed=2, n_layers=2, n_heads=n_heads, n_kv_heads=n_kv_heads)
    prompt = list(range(prompt_len))
    tok_c, logits_c = generate(params, prompt, n_new, use_cache=True)
    tok_f, logits_f = generate(params, prompt, n_new, use_cache=False)
    assert logits_c.shape == (n_new, 61)
    assert_allclose(logits_c, logits_f, **TOL)
    np.testing.assert_array_equal(tok_c, tok_f)


@pytest.mark.parametrize("split", [1, 3, 7, 10])
def test_any_split_of_the_input_gives_the_same_logits(rng, split):
    # Prefill in chunks (chunked prefill) must equal one pass: positions and cache line up.
    params = init_params(seed=3)
    tokens = rng.integers(0, 61, size=11)
    full, full_cache = forward(params, tokens, empty_cache(params))
    a, cache = forward(params, tokens[:split], empty_cache(params))
    b, cache = forward(params, tokens[split:], cache)
    assert_allclose(np.vstack([a, b]), full, **TOL)
    for (K1, V1), (K2, V2) in zip(cache, full_cache):
        assert_allclose(K1, K2, **TOL)
        assert_allclose(V1, V2, **TOL)


@pytest.mark.parametrize("n_heads,n_kv_heads", HEADS)
def test_cache_grows_one_position_per_step_with_the_predicted_size(n_heads, n_kv_heads):
    from snippets.serving.kv_cache_size import kv_cache_bytes

    params = init_params(seed=4, d_model=32, n_heads=n_heads, n_kv_heads=n_kv_heads, n_layers=3)
    _, cache = forward(params, np.array([1, 2, 3]), empty_cache(params))
    for t in range(4, 8):
        _, cache = forward(params, np.array([t]), cache)
        assert all(K.shape == V.shape == (n_kv_heads, t, 32 // n_heads) for K, V in cache)
        held = sum(K.nbytes + V.nbytes for K, V in cache)
        assert held == kv_cache_bytes(3, n_kv_heads, 32 // n_heads, t, bytes_per_elem=8)


def test_appending_tokens_never_changes_earlier_logits(rng):
    # Causality is what makes caching legal: the past does not depend on the future.
    params = init_params(seed=5)
    tokens = rng.integers(0, 61, size=10)
    short, _ = forward(params, tokens[:6], empty_cache(params))
    long, _ = forward(params, tokens, empty_cache(params))
    assert_allclose(long[:6], short, **TOL)


def test_reusing_a_cache_without_the_position_offset_would_be_wrong(rng):
    # The same token fed with and without a cached prefix sees different positions and keys.
    params = init_params(seed=6)
    _, cache = forward(params, np.array([7, 8]), empty_cache(params))
    with_prefix, _ = forward(params, np.array([9]), cache)
    alone, _ = forward(params, np.array([9]), empty_cache(params))
    assert not np.allclose(with_prefix, alone)
