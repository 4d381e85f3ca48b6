"""Lexicon scorer (negation scope, "but" contrast) and the learned baseline on crafted cases."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.foundations.sentiment import (CASES, LEXICON, lexicon_accuracy, lexicon_contributions,
                                lexicon_label, make_reviews, mark_negation, negation_experiment,
                                negation_scope, tokenize)


@pytest.fixture
def rng():
    return np.random.default_rng(4)


@pytest.mark.parametrize("text, mode, expected", [
    ("not good", "punct", [0, 1]),
    ("not a good film , fun", "punct", [0, 1, 1, 1, 0, 0]),
    ("not a good film but fun", "punct", [0, 1, 1, 1, 0, 0]),        # "but" ends the scope
    ("i would not say that it is good", "punct", [0, 0, 0, 1, 1, 1, 1, 1]),
    ("i would not say that it is good", "window", [0, 0, 0, 1, 1, 1, 0, 0]),  # 3 words only
    ("i would not say that it is good", None, [0] * 8),
    ("", "punct", []),
    ("not", "punct", [0]),
])
def test_negation_scope_hand_worked(text, mode, expected):
    assert negation_scope(text.split(), mode).astype(int).tolist() == expected


def test_contractions_negate():
    assert tokenize("It isn't good.") == ["it", "isn't", "good", "."]
    assert lexicon_label("It isn't good.") == -1


@pytest.mark.parametrize("text, expected", [
    ("The film was not good.", [0, 0, 0, 0, -1.48, 0]),                      # 2 x -0.74
    ("The acting is great but the plot is boring.", [0, 0, 0, 1.5, 0, 0, 0, 0, -3.0, 0]),
    ("It was not great, but it was fun.", [0, 0, 0, -1.11, 0, 0, 0, 0, 3.0, 0]),
])
def test_contributions_hand_worked(text, expected):
    assert_allclose(lexicon_contributions(tokenize(text)), expected, atol=1e-12)


@pytest.mark.parametrize("negation, but, correct", [
    (None, False, 3), (None, True, 4), ("window", False, 5), ("window", True, 7),
    ("punct", False, 6), ("punct", True, 8),
])
def test_accuracy_on_crafted_cases(negation, but, correct):
    """The page's table: correct cases out of 9 for each combination of rules."""
    assert lexicon_accuracy(negation=negation, but=but) == pytest.approx(correct / len(CASES))


def test_sarcasm_defeats_every_rule():
    text, gold = CASES[-1]
    for negation in (None, "window", "punct"):
        for but in (False, True):
            assert lexicon_label(text, negation=negation, but=but) == -gold


def test_invariants(rng):
    words = list(LEXICON) + ["the", "film", "plot", "it", "was"]
    for _ in range(50):
        toks = list(rng.choice(words, size=int(rng.integers(1, 8))))
        v = lexicon_contributions(toks)
        # no negator and no "but": the score is the plain lexicon sum
        assert v.sum() == pytest.approx(sum(LEXICON.get(t, 0.0) for t in toks))
        # negating the whole text scales every contribution by -0.74
        assert_allclose(lexicon_contributions(["not"] + toks)[1:], -0.74 * v, atol=1e-12)
    assert lexicon_label("") == 0


def test_mark_negation():
    assert mark_negation(tokenize("Not good, but not bad.")) == \
        ["not", "NOT_good", ",", "but", "not", "NOT_bad", "."]
    assert mark_negation([]) == []


def test_reviews_are_balanced():
    texts, y = make_reviews()
    assert len(texts) == 100 and y.sum() == 0
    assert texts[0] == "the film was good" and y[0] == 1 and y[1] == -1  # "... was not good"


def test_negation_experiment_numbers():
    """The page's numbers: plain bag of words 0.44 held-out, NOT_ marking 1.00."""
    plain, marked = negation_experiment(seed=0)
    assert (plain, marked) == (0.44, 1.0)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_marking_beats_plain_bag_of_words(seed):
    plain, marked = negation_experiment(seed)
    assert plain <= 0.6 and marked >= 0.9


def test_page_worked_example():
    """The page: "It was not great, but it was fun." scores -2.22 + 2.0 = -0.22 without the
    "but" rule (wrong) and -1.11 + 3.0 = 1.89 with it (right)."""
    toks = tokenize("It was not great, but it was fun.")
    without = lexicon_contributions(toks, but=False)
    assert_allclose(without[[3, 8]], [-2.22, 2.0], atol=1e-12)
    assert round(float(without.sum()), 2) == -0.22
    assert round(float(lexicon_contributions(toks).sum()), 2) == 1.89
    toks = tokenize("The acting is great but the plot is boring.")
    assert lexicon_contributions(toks, but=False).sum() == pytest.approx(1.0)
    assert lexicon_contributions(toks).sum() == pytest.approx(-1.5)
