"""Tests of snippets/generation/seq2seq.py: GRU algebra, shapes, causality of teacher forcing, the
equivalence of free running and teacher forcing on the model's own outputs, the bottleneck."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.seq2seq import (
    BOS, EOS, decode_greedy, decode_teacher_forced, encode, first_token_influence, gru_step,
    init_params, sequence_nll,
)

V_SRC, V_TGT = 12, 8


@pytest.fixture
def rng():
    return np.random.default_rng(31337)


@pytest.fixture
def params(rng):
    return init_params(rng, V_SRC, V_TGT)


def naive_gru(p, prefix, x, h):
    """Reference: Cho et al. (2014), eqs. 5-8, one hidden unit j at a time."""
    out = np.zeros_like(h)
    W = {k: p[f"{prefix}_{k}"] for k in ("W_z", "U_z", "W_r", "U_r", "W", "U")}
    r = 1 / (1 + np.exp(-(W["W_r"] @ x + W["U_r"] @ h)))
    for j in range(h.size):
        z_j = 1 / (1 + np.exp(-(W["W_z"][j] @ x + W["U_z"][j] @ h)))
        h_tilde_j = np.tanh(W["W"][j] @ x + W["U"][j] @ (r * h))
        out[j] = z_j * h[j] + (1 - z_j) * h_tilde_j
    return out


def test_gru_step_matches_per_unit_reference(params, rng):
    for _ in range(5):
        x, h = rng.normal(size=8), rng.normal(size=16)
        assert_allclose(gru_step(params, "enc", x, h), naive_gru(params, "enc", x, h), rtol=1e-12)


def test_gru_update_gate_extremes(params, rng):
    x, h = rng.normal(size=8), rng.normal(size=16)
    p = dict(params)
    # Drive the update gate with input unit 0 alone: z = sigmoid(100 x_0).
    p["enc_W_z"] = np.zeros_like(p["enc_W_z"])
    p["enc_U_z"] = np.zeros_like(p["enc_U_z"])
    p["enc_W_z"][:, 0] = 100.0
    # z -> 1 copies the previous state.
    x[0] = 1.0
    assert_allclose(gru_step(p, "enc", x, h), h, atol=1e-12)
    # z -> 0 replaces it with the candidate tanh(W x + U (r * h)).
    x[0] = -1.0
    r = 1 / (1 + np.exp(-(p["enc_W_r"] @ x + p["enc_U_r"] @ h)))
    h_tilde = np.tanh(p["enc_W"] @ x + p["enc_U"] @ (r * h))
    assert_allclose(gru_step(p, "enc", x, h), h_tilde, atol=1e-12)


@pytest.mark.parametrize("S", [0, 1, 5, 17])
@pytest.mark.parametrize("T", [1, 3, 9])
def test_shapes(params, rng, S, T):
    src = rng.integers(2, V_SRC, size=S)
    H, c = encode(params, src)
    assert H.shape == (S, 16) and c.shape == (16,)
    # The bottleneck: the context has the same size whatever the source length.
    if S == 0:
        assert_allclose(c, 0.0)
    else:
        assert_allclose(c, H[-1])
    y = rng.integers(2, V_TGT, size=T)
    assert decode_teacher_forced(params, c, y).shape == (T, V_TGT)
    tokens, logits = decode_greedy(params, c, max_len=T)
    assert 1 <= len(tokens) <= T and logits.shape == (len(tokens), V_TGT)


@pytest.mark.parametrize("j", [0, 2, 5])
def test_teacher_forced_logits_depend_only_on_earlier_gold_tokens(params, rng, j):
    _, c = encode(params, rng.integers(2, V_SRC, size=6))
    y = rng.integers(2, V_TGT, size=7)
    y2 = y.copy()
    y2[j] = 2 + (y[j] - 2 + 1) % (V_TGT - 2)
    a, b = decode_teacher_forced(params, c, y), decode_teacher_forced(params, c, y2)
    # Row t reads gold tokens < t: rows 0..j are untouched, later rows change.
    assert_allclose(a[: j + 1], b[: j + 1], rtol=0, atol=0)
    assert np.all(np.abs(a[j + 1:] - b[j + 1:]).max(axis=1) > 0)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_free_running_equals_teacher_forcing_on_its_own_outputs(rng, seed):
    p = init_params(np.random.default_rng(seed), V_SRC, V_TGT)
    p["b_o"][EOS] = -3.0  # keep the untrained decoder from stopping at once
    _, c = encode(p, rng.integers(2, V_SRC, size=5))
    tokens, logits = decode_greedy(p, c, max_len=12)
    assert_allclose(decode_teacher_forced(p, c, tokens), logits, rtol=1e-12)
    assert all(int(np.argmax(r)) == t for r, t in zip(logits, tokens))


def test_decoder_sees_the_source_only_through_c(params, rng):
    # Two different sources, the same c: every decoder output is identical.
    src = rng.integers(2, V_SRC, size=8)
    _, c = encode(params, src)
    y = rng.integers(2, V_TGT, size=5)
    other_c = encode(params, rng.integers(2, V_SRC, size=3))[1]
    assert_allclose(decode_teacher_forced(params, c, y), decode_teacher_forced(params, c.copy(), y))
    assert not np.allclose(decode_teacher_forced(params, c, y),
                           decode_teacher_forced(params, other_c, y))


def test_first_token_influence_decays_with_length():
    # The numbers the page quotes (seed 0, weight scale 1.0, 20 trials, rng seed 100).
    p = init_params(np.random.default_rng(0), V_SRC, V_TGT, scale=1.0)
    vals = {S: first_token_influence(p, S, np.random.default_rng(100)) for S in (1, 8, 32)}
    assert f"{vals[1]:.2g}" == "1.8"
    assert f"{vals[8]:.2g}" == "0.096"
    assert f"{vals[32]:.2g}" == "3.4e-05"
    assert vals[1] > vals[8] > vals[32]


def test_sequence_nll_matches_explicit_softmax(rng):
    logits = rng.normal(size=(4, V_TGT)) * 3
    y = rng.integers(0, V_TGT, size=4)
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert_allclose(sequence_nll(logits, y), -np.log(probs[np.arange(4), y]).sum(), rtol=1e-12)
    # Large logits do not overflow.
    assert np.isfinite(sequence_nll(logits * 1e3, y))
