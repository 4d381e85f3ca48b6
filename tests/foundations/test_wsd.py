"""Simplified Lesk and nearest-sense-centroid WSD on hand-worked sentences, plus invariants."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.foundations.wsd import (SENSES, TEST, TRAIN, compare_methods, content_words, context_vectors,
                          nearest_sense, sense_centroids, simplified_lesk)


@pytest.fixture
def rng():
    return np.random.default_rng(9)


@pytest.mark.parametrize("word, sentence, sense, overlaps", [
    ("bank", "We walked along the bank of the river", "bank/river",
     {"bank/finance": 0, "bank/river": 1}),                       # "river"
    ("bank", "The bank raised the fee on her account", "bank/finance",
     {"bank/finance": 1, "bank/river": 0}),                       # "account"
    ("bank", "He was fishing from the muddy bank", "bank/finance",  # no overlap: first sense
     {"bank/finance": 0, "bank/river": 0}),
    ("bass", "I caught a huge bass from the boat", "bass/fish",
     {"bass/music": 0, "bass/fish": 2}),                          # "caught", "boat"
    ("bass", "bass", "bass/music", {"bass/music": 0, "bass/fish": 0}),  # one-word context
])
def test_simplified_lesk_hand_worked(word, sentence, sense, overlaps):
    assert simplified_lesk(word, sentence) == (sense, overlaps)


def test_lesk_ignores_the_target_and_stop_words():
    # "bank" is in both glosses and "the" everywhere: neither may count as overlap
    assert simplified_lesk("bank", "the bank the bank")[1] == {"bank/finance": 0, "bank/river": 0}
    assert content_words("The BANK, of a river!") == ["bank", "river"]


def test_lesk_is_order_invariant_and_monotone():
    sense, overlaps = simplified_lesk("bank", "river water along the bank")
    assert simplified_lesk("bank", "the bank along water river") == (sense, overlaps)
    # adding a word from the river gloss can only raise the river overlap
    assert simplified_lesk("bank", "river water along the bank sloping")[1]["bank/river"] == \
        overlaps["bank/river"] + 1


def test_centroids_and_nearest_sense_match_naive_loop(rng):
    X = rng.normal(size=(30, 6))
    labels = rng.choice(["a", "b", "c"], size=30)
    senses, C = sense_centroids(X, labels)
    assert_allclose(np.linalg.norm(C, axis=1), 1.0, rtol=1e-12)
    Q = rng.normal(size=(10, 6))
    pred, sims = nearest_sense(Q, senses, C)
    for q, p, row in zip(Q, pred, sims):
        cos = {}
        for s in senses:
            m = X[labels == s].mean(axis=0)
            cos[s] = q @ m / (np.linalg.norm(q) * np.linalg.norm(m))
        assert p == max(cos, key=cos.get)
        assert_allclose(row, [cos[s] for s in senses], rtol=1e-10)


def test_nearest_sense_invariants(rng):
    X = rng.normal(size=(20, 4))
    labels = np.array(["x"] * 10 + ["y"] * 10)
    X[:10, 0] += 8.0  # two clusters in different directions
    X[10:, 1] += 8.0
    senses, C = sense_centroids(X, labels)
    pred, _ = nearest_sense(X, senses, C)
    assert (pred == labels).all()
    # cosine ignores the length of the query, and the order of the training data
    assert (nearest_sense(3.0 * X, senses, C)[0] == pred).all()
    perm = rng.permutation(20)
    assert_allclose(sense_centroids(X[perm], labels[perm])[1], C, rtol=1e-12)


def test_context_vectors_unit_length_or_zero():
    vocab = {"river": 0, "water": 1, "loan": 2}
    X = context_vectors(["river water river", "the bank", "loan"], vocab, "bank")
    assert_allclose(X[0], np.array([2.0, 1.0, 0.0]) / np.sqrt(5.0), rtol=1e-12)
    assert np.all(X[1] == 0) and X[2].tolist() == [0.0, 0.0, 1.0]


def test_page_numbers():
    """The page: Lesk gets 3 of 5 test sentences (one by the first-sense fallback),
    the sense centroids 4 of 5; both fail on the sentence with no shared word."""
    senses = [s for _, s in TRAIN]  # eight annotated sentences, four per sense
    assert len(TRAIN) == 8 and senses.count("bank/finance") == senses.count("bank/river") == 4
    lesk, centroid, sims = compare_methods()
    assert (lesk, centroid) == (0.6, 0.8)
    # Lesk is right on sentences 0-2; sentence 2 ("... interest rates on the loan") overlaps
    # neither gloss, so it is right only through the first-sense fallback
    right = [simplified_lesk("bank", t)[0] == g for t, g in TEST]
    assert right == [True, True, True, False, False]
    assert TEST[2][0] == "The bank raised interest rates on the loan"
    assert set(simplified_lesk("bank", TEST[2][0])[1].values()) == {0}
    assert len(TEST) == 5 and list(SENSES["bank"])[0] == "bank/finance"
    # "He was fishing from the muddy bank": cosine 0 to finance, 0.335 to river
    assert TEST[3][0] == "He was fishing from the muddy bank"
    assert sims[3].round(3).tolist() == [0.0, 0.335]
    # "An otter swam across to the far bank" shares no word with the annotated corpus
    assert np.all(sims[4] == 0)
