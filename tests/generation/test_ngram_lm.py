"""Tests of snippets/generation/ngram_lm.py: the chain rule, normalisation and seeded sampling."""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.ngram_lm import BOS, CORPUS, EOS, NGramLM


@pytest.fixture
def rng():
    return np.random.default_rng(20240604)


@pytest.fixture
def lm():
    return NGramLM(CORPUS, n=2, k=0.1)


def test_hand_worked_bigram_probabilities(lm):
    # "the" starts 5 of the 6 sentences; V = 11 targets (10 words + </s>): (5 + 0.1) / (6 + 1.1).
    assert_allclose(lm.next_token_probs([])[lm.index["the"]], 5.1 / 7.1, rtol=1e-12)
    # "the" is followed by "cat" 4 times out of 9: (4 + 0.1) / (9 + 1.1).
    assert_allclose(lm.next_token_probs(["the"])[lm.index["cat"]], 4.1 / 10.1, rtol=1e-12)
    # An unseen history (a word never seen in training) gives the uniform distribution 1 / V.
    assert_allclose(lm.next_token_probs(["zebra"]), np.full(11, 1 / 11), rtol=1e-12)


def test_worked_example_on_the_page(lm):
    # The conditionals and the sentence probability the page prints for "the cat sat on the mat".
    cond = np.exp(lm.conditional_logprobs("the cat sat on the mat".split()))
    assert_allclose(cond, [0.7183, 0.4059, 0.3443, 0.7561, 0.5122, 0.1089, 0.6774], atol=5e-5)
    assert f"{np.exp(lm.logprob('the cat sat on the mat'.split())):.2e}" == "2.87e-03"
    assert f"{np.exp(lm.logprob('the mat sat on the cat'.split())):.2e}" == "7.15e-05"
    assert round(lm.logprob("the cat sat on the mat".split()), 2) == -5.85
    # "40 times less" for the reordered sentence.
    ratio = np.exp(lm.logprob("the cat sat on the mat".split())
                   - lm.logprob("the mat sat on the cat".split()))
    assert round(float(ratio)) == 40


def test_smoothing_mass_in_the_page_samples(lm):
    # "dog" was followed by sat, saw and </s> (3 times): its 8 unseen continuations share
    # 8 * 0.1 / (3 + 1.1) = 19.5% of the mass, 0.024 each ("dog cat" in the third sample).
    seen = lm.counts[("dog",)] > 0
    p = lm.next_token_probs(["dog"])
    assert int(seen.sum()) == 3 and round(float(p[~seen].sum()), 3) == 0.195
    assert round(float(p[lm.index["cat"]]), 3) == 0.024
    # The second sample spends smoothing mass twice: "mat sat" and </s> after "the".
    assert lm.counts[("mat",)][lm.index["sat"]] == 0
    assert lm.counts[("the",)][lm.index[EOS]] == 0
    assert round(float(lm.next_token_probs(["mat"])[lm.index["sat"]]), 3) == 0.032
    assert round(float(lm.next_token_probs(["the"])[lm.index[EOS]]), 3) == 0.010


def naive_count_estimate(sentences, history, word, k, vocab_size):
    """Reference: count the bigram by scanning every sentence, no dict of arrays."""
    num = den = 0
    for s in sentences:
        toks = [BOS] + s.split() + [EOS]
        for a, b in zip(toks, toks[1:]):
            if a == history:
                den += 1
                num += b == word
    return (num + k) / (den + k * vocab_size)


@pytest.mark.parametrize("k", [0.01, 0.1, 1.0])
def test_matches_naive_counting(k):
    lm = NGramLM(CORPUS, n=2, k=k)
    for h in [BOS, "the", "cat", "sat", "mat"]:
        probs = lm.next_token_probs([] if h == BOS else [h])
        for w in lm.vocab:
            ref = naive_count_estimate(CORPUS, h, w, k, len(lm.vocab))
            assert_allclose(probs[lm.index[w]], ref, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("context", [[], ["the"], ["the", "cat"], ["mat", "mat", "mat"]])
def test_every_conditional_sums_to_one(n, context):
    lm = NGramLM(CORPUS, n=n, k=0.1)
    p = lm.next_token_probs(context)
    assert p.shape == (len(lm.vocab),)
    assert np.all(p > 0)
    assert_allclose(p.sum(), 1.0, rtol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_all_continuations_sum_to_one(n):
    # Sum P over every sequence that ends with </s> after fewer than L words, plus the mass of
    # the L-word prefixes still running: the chain rule makes the total exactly 1.
    lm = NGramLM(CORPUS, n=n, k=0.5)
    words = [w for w in lm.vocab if w != EOS]
    L, finished, running = 3, 0.0, 0.0
    for length in range(L):
        for seq in itertools.product(words, repeat=length):
            finished += np.exp(lm.logprob(list(seq)))
    for seq in itertools.product(words, repeat=L):
        running += np.exp(lm.conditional_logprobs(list(seq))[:-1].sum())
    assert_allclose(finished + running, 1.0, rtol=1e-10)


@pytest.mark.parametrize("n", [1, 2, 3])
@pytest.mark.parametrize("sentence", ["the cat ran", "a dog sat on the log", "", "cat"])
def test_log_prob_is_sum_of_conditionals(n, sentence):
    lm = NGramLM(CORPUS, n=n, k=0.1)
    tokens = sentence.split()
    cond = lm.conditional_logprobs(tokens)
    assert cond.shape == (len(tokens) + 1,)
    # Reference: multiply the conditionals one at a time, as the chain rule is written.
    p = 1.0
    for t, w in enumerate(tokens + [EOS]):
        p *= lm.next_token_probs(tokens[:t])[lm.index[w]]
    assert_allclose(lm.logprob(tokens), np.log(p), rtol=1e-12)
    assert_allclose(lm.logprob(tokens), cond.sum(), rtol=1e-12)


def test_unigram_ignores_history():
    lm = NGramLM(CORPUS, n=1, k=0.1)
    assert_allclose(lm.next_token_probs([]), lm.next_token_probs(["the", "cat"]), rtol=0)


def test_rejects_zero_smoothing():
    with pytest.raises(ValueError):
        NGramLM(CORPUS, n=2, k=0.0)


def test_sampling_frequencies_match_the_model(lm, rng):
    # 20,000 seeded draws; each first-token and each two-token-sentence frequency must lie
    # within 4 standard errors sqrt(p (1 - p) / N) of the model probability.
    N = 20_000
    samples = [tuple(lm.sample(rng, max_len=2)) for _ in range(N)]
    first = np.zeros(len(lm.vocab))
    for s in samples:
        first[lm.index[s[0] if s else EOS]] += 1
    p = lm.next_token_probs([])
    assert np.all(np.abs(first / N - p) <= 4 * np.sqrt(p * (1 - p) / N))
    # Whole sequences: "the cat" followed by </s> within the 2-token budget.
    freq = sum(s == ("the", "cat") for s in samples) / N
    p_seq = np.exp(lm.conditional_logprobs(["the", "cat"])[:-1].sum())  # then max_len stops it
    assert abs(freq - p_seq) <= 4 * np.sqrt(p_seq * (1 - p_seq) / N)


def test_sampling_is_reproducible_and_bounded(lm):
    a = [lm.sample(np.random.default_rng(7), max_len=5) for _ in range(3)]
    b = [lm.sample(np.random.default_rng(7), max_len=5) for _ in range(3)]
    assert a == b
    assert all(len(s) <= 5 and EOS not in s and BOS not in s for s in a)
    assert lm.sample(np.random.default_rng(7), max_len=0) == []
