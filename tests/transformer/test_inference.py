"""Tests of snippets/transformer/inference.py: step-by-step decoding with the KV cache
reproduces the teacher-forced parallel pass, and keeps only K and V."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.specs import GPT3_175B
from snippets.transformer.block import korthikanti_bytes, saved_bytes
from snippets.transformer.inference import (cache_bytes, decode_step, forward_parallel,
                                            greedy_generate, init_model)

TOL = dict(rtol=1e-12, atol=1e-12)  # same arithmetic, differently shaped matmuls


@pytest.fixture
def rng():
    return np.random.default_rng(13)


@pytest.mark.parametrize("norm", ["layer", "rms"])
@pytest.mark.parametrize("T", [1, 2, 9])
def test_step_by_step_decoding_equals_teacher_forced_parallel_pass(rng, norm, T):
    m = init_model(rng, norm=norm, std=0.2)
    tokens = rng.integers(0, 32, size=T)
    parallel, _ = forward_parallel(m, tokens[None])
    caches = [{} for _ in m["blocks"]]
    stepwise = np.concatenate([decode_step(m, [t], caches) for t in tokens])
    assert_allclose(stepwise, parallel[0], **TOL)


@pytest.mark.parametrize("split", [1, 3, 6])
def test_prefill_in_chunks_equals_one_prefill(rng, split):
    m = init_model(rng, std=0.2)
    tokens = rng.integers(0, 32, size=7)
    one = decode_step(m, tokens, [{} for _ in m["blocks"]])
    caches = [{} for _ in m["blocks"]]
    two = np.concatenate([decode_step(m, tokens[:split], caches),
                          decode_step(m, tokens[split:], caches)])
    assert_allclose(two, one, **TOL)


def test_greedy_generation_with_cache_equals_recomputing_the_prefix(rng):
    m = init_model(rng, std=0.3)
    prompt, out = [3, 1, 4], [3, 1, 4]
    for _ in range(6):  # naive: rerun the whole prefix, take the last position's argmax
        out.append(int(np.argmax(forward_parallel(m, np.array([out]))[0][0, -1])))
    assert greedy_generate(m, prompt, 6).tolist() == out


def test_inference_keeps_only_the_kv_cache(rng):
    m = init_model(rng, d=16, n_heads=2, n_layers=3)
    T = 10
    tokens = rng.integers(0, 32, size=T)
    caches = [{} for _ in m["blocks"]]
    decode_step(m, tokens, caches)
    assert all(set(c) == {"k", "v"} for c in caches)
    assert cache_bytes(caches) == 3 * 2 * T * 16 * 2  # layers * (K, V) * T * d * 2 bytes
    _, saved = forward_parallel(m, tokens[None], True, 0.1, rng)
    train = sum(saved_bytes(S) for S in saved)
    assert train == 3 * korthikanti_bytes(T, 1, 16, 2)
    assert train / cache_bytes(caches) == pytest.approx((34 + 5 * 2 * T / 16) / 4)


def test_training_keeps_28_times_the_cache_for_gpt3_shape():
    m, s = GPT3_175B, 2048
    train = korthikanti_bytes(s, 1, m.d_model, m.n_heads)
    cache = 2 * s * m.d_model * 2  # K and V, 2 bytes each, one layer
    assert train / cache == 28.5
