"""Tests of snippets/generation/bleu.py: the paper's worked example, a naive reference and invariants."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.bleu import brevity_penalty, modified_precision, ngrams, sentence_bleu

REFS = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
REF = "the company reported a sharp rise in profits this quarter".split()


@pytest.fixture
def rng():
    return np.random.default_rng(1729)


def test_papineni_example_the_the_the():
    # Papineni et al. (2002), section 2.1: unigram precision 2/7, bigram precision 0.
    cand = "the the the the the the the".split()
    assert modified_precision(cand, REFS, 1) == (2, 7)
    assert modified_precision(cand, REFS, 2)[0] == 0
    assert sentence_bleu(cand, REFS) == 0.0


def test_ngrams_counts_and_edge_cases():
    assert ngrams("a b a b".split(), 2) == {("a", "b"): 2, ("b", "a"): 1}
    assert ngrams(["a"], 2) == {}
    assert ngrams([], 1) == {}


def naive_bleu(cand, refs, max_n=4):
    """Reference: BLEU written out with lists and a product instead of logs."""
    prod = 1.0
    for n in range(1, max_n + 1):
        grams = [tuple(cand[i:i + n]) for i in range(len(cand) - n + 1)]
        used, hits = {}, 0
        for g in grams:
            cap = max(sum(tuple(r[i:i + n]) == g for i in range(len(r) - n + 1)) for r in refs)
            if used.get(g, 0) < cap:
                used[g] = used.get(g, 0) + 1
                hits += 1
        if not grams or hits == 0:
            return 0.0
        prod *= hits / len(grams)
    c = len(cand)
    r = sorted(refs, key=lambda x: (abs(len(x) - c), len(x)))[0]
    bp = 1.0 if c > len(r) else math.exp(1 - len(r) / c)
    return bp * prod ** (1 / max_n)


@pytest.mark.parametrize("length", [4, 6, 9, 14])
def test_matches_naive_implementation(rng, length):
    words = "the a cat dog sat on mat log".split()
    refs = [list(rng.choice(words, size=rng.integers(4, 12))) for _ in range(2)]
    for _ in range(50):
        cand = list(rng.choice(words, size=length))
        assert_allclose(sentence_bleu(cand, refs), naive_bleu(cand, refs), rtol=1e-12)


def test_page_example_antonym_beats_paraphrase():
    # The numbers the page quotes: one flipped word keeps 0.66, a correct paraphrase gets 0.
    antonym = "the company reported a sharp fall in profits this quarter".split()
    paraphrase = "profits rose sharply at the firm in the latest quarter".split()
    truncated = "the company reported a sharp rise in profits".split()
    assert round(sentence_bleu(antonym, [REF]), 2) == 0.66
    assert sentence_bleu(paraphrase, [REF]) == 0.0
    assert [modified_precision(paraphrase, [REF], n) for n in (1, 2)] == [(4, 10), (0, 9)]
    # Truncation: every n-gram matches, only the brevity penalty exp(1 - 10/8) bites.
    assert round(sentence_bleu(truncated, [REF]), 2) == 0.78
    assert_allclose(sentence_bleu(truncated, [REF]), math.exp(1 - 10 / 8), rtol=1e-12)


def test_brevity_penalty():
    assert brevity_penalty(10, 10) == 1.0
    assert brevity_penalty(12, 10) == 1.0
    assert_allclose(brevity_penalty(5, 10), math.exp(-1), rtol=1e-12)
    assert brevity_penalty(0, 10) == 0.0


@pytest.mark.parametrize("cand", [REF, REF[:6], REF + ["!"]])
def test_bleu_is_in_unit_interval_and_one_for_exact_match(cand):
    assert sentence_bleu(REF, [REF]) == 1.0
    assert 0.0 <= sentence_bleu(cand, [REF]) <= 1.0


def test_adding_a_reference_never_lowers_precision(rng):
    words = "the a cat dog sat on mat log".split()
    for _ in range(30):
        cand = list(rng.choice(words, size=8))
        r1, r2 = (list(rng.choice(words, size=8)) for _ in range(2))
        for n in (1, 2, 3):
            assert modified_precision(cand, [r1, r2], n)[0] >= modified_precision(cand, [r1], n)[0]


def test_empty_candidate_scores_zero():
    assert sentence_bleu([], [REF]) == 0.0
