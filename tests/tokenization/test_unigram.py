"""Tests of snippets/tokenization/unigram.py: Viterbi finds the best of all segmentations
(brute force), and agrees with Hugging Face's Unigram model, unknown characters included."""

import itertools
import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.tokenization.unigram import UNK_PENALTY, viterbi_segment


@pytest.fixture
def logp():
    rng = np.random.default_rng(66)
    pieces = {"".join(rng.choice(list("abcd"), size=rng.integers(1, 4))) for _ in range(40)}
    pieces -= {"d"}  # "d" is only reachable inside longer pieces, or as <unk>
    return {p: float(-rng.uniform(1.0, 8.0)) for p in sorted(pieces)}


def brute_force(text, logp):
    """Score every one of the 2^(n-1) segmentations; return the best."""
    unk_score = min(logp.values()) - UNK_PENALTY
    best = (-math.inf, None)
    for cuts in itertools.product([0, 1], repeat=len(text) - 1):
        bounds = [0] + [i + 1 for i, c in enumerate(cuts) if c] + [len(text)]
        pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
        if all(p in logp or len(p) == 1 for p in pieces):
            score = sum(logp.get(p, unk_score) for p in pieces)
            best = max(best, (score, pieces), key=lambda x: x[0])
    return best


def test_kudo_style_hand_example():
    logp = {"h": -3.0, "u": -3.0, "g": -3.0, "hu": -4.0, "ug": -2.5, "hug": -6.0}
    # h+ug = -5.5 beats hug = -6.0, hu+g = -7.0 and h+u+g = -9.0
    assert viterbi_segment("hug", logp) == (["h", "ug"], -5.5)


def test_viterbi_equals_brute_force(logp):
    rng = np.random.default_rng(0)
    for _ in range(30):
        text = "".join(rng.choice(list("abcd"), size=rng.integers(1, 11)))
        pieces, score = viterbi_segment(text, logp)
        best_score, _ = brute_force(text, logp)
        assert_allclose(score, best_score, rtol=0, atol=1e-12)


def test_matches_hugging_face_unigram(logp):
    tk = pytest.importorskip("tokenizers")
    vocab = [("<unk>", 0.0)] + list(logp.items())
    hf = tk.Tokenizer(tk.models.Unigram(vocab, unk_id=0))
    ids = {p: i for i, (p, _) in enumerate(vocab)}
    rng = np.random.default_rng(1)
    for _ in range(30):
        text = "".join(rng.choice(list("abcd"), size=15))
        pieces, _ = viterbi_segment(text, logp)
        assert [ids[p] for p in pieces] == hf.encode(text).ids


def test_pieces_concatenate_back_and_score_is_their_sum(logp):
    text = "abcabcdab"
    pieces, score = viterbi_segment(text, logp)
    unk_score = min(logp.values()) - UNK_PENALTY
    assert "".join("d" if p == "<unk>" else p for p in pieces) == text
    assert_allclose(score, sum(logp.get(p, unk_score) for p in pieces), atol=1e-12)
    assert viterbi_segment("", logp) == ([], 0.0)
