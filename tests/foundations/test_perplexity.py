"""Tests of snippets/foundations/perplexity.py: a uniform model over V tokens has perplexity V, perplexity is
exp(cross-entropy), the tokenizer worked example of the page, and sliding-window coverage."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.stats import entropy

from snippets.foundations.perplexity import (bits_per_byte, convert_perplexity, cross_entropy,
                                 normalised_perplexity, perplexity, sliding_windows)

# The page's worked example: one text, one total log-likelihood, three tokenizations.
TEXT = "the quick brown fox jumps over the lazy dog"
TOTAL_LOGPROB = -30.0  # nats for the whole text, the same under every tokenization
N_WORDS, N_TOKENS_A, N_TOKENS_B = 9, 9, 12
N_BYTES = len(TEXT.encode("utf-8"))


# -- perplexity -------------------------------------------------------------------------------

@pytest.mark.parametrize("V", [2, 1000, 50257, 128256])
@pytest.mark.parametrize("T", [1, 7, 1000])
def test_uniform_model_has_perplexity_V(V, T):
    assert_allclose(perplexity(np.full(T, -np.log(V))), V, rtol=1e-10)


def test_perplexity_is_the_geometric_mean_of_inverse_probabilities():
    rng = np.random.default_rng(0)
    p = rng.uniform(0.01, 1.0, size=50)
    naive = np.prod(1 / p) ** (1 / p.size)
    assert_allclose(perplexity(np.log(p)), naive, rtol=1e-10)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_perplexity_accepts_float32_and_lists(dtype):
    lp = np.log(np.array([0.5, 0.25, 0.125], dtype=dtype))
    assert_allclose(perplexity(lp), 4.0, rtol=1e-6)  # geometric mean of 2, 4, 8
    assert_allclose(perplexity(list(lp)), 4.0, rtol=1e-6)


def test_perplexity_of_empty_sequence_raises():
    with pytest.raises(ValueError):
        perplexity([])


def test_perplexity_is_exp_cross_entropy_of_the_empirical_distribution():
    rng = np.random.default_rng(1)
    V = 20
    q = rng.dirichlet(np.ones(V))  # the model
    tokens = rng.choice(V, size=5000, p=rng.dirichlet(np.ones(V)))  # the text
    p_hat = np.bincount(tokens, minlength=V) / tokens.size
    assert_allclose(perplexity(np.log(q[tokens])), np.exp(cross_entropy(p_hat, q)), rtol=1e-10)


def test_cross_entropy_matches_scipy_and_is_minimised_by_the_truth():
    rng = np.random.default_rng(2)
    p, q = rng.dirichlet(np.ones(10)), rng.dirichlet(np.ones(10))
    # H(p, q) = H(p) + KL(p || q); scipy gives both
    assert_allclose(cross_entropy(p, q), entropy(p) + entropy(p, q), rtol=1e-10)
    assert cross_entropy(p, q) > cross_entropy(p, p)  # Gibbs' inequality
    assert_allclose(cross_entropy(p, p), entropy(p), rtol=1e-10)


def test_cross_entropy_ignores_zero_mass_outside_the_support():
    p = np.array([0.5, 0.5, 0.0])
    q = np.array([0.5, 0.5, 0.0])
    assert_allclose(cross_entropy(p, q), np.log(2), rtol=1e-12)


# -- normalisation and tokenizers ---------------------------------------------------------------

def test_worked_example_numbers():
    assert N_BYTES == 43
    per_token_a = normalised_perplexity(TOTAL_LOGPROB, N_TOKENS_A)
    per_token_b = normalised_perplexity(TOTAL_LOGPROB, N_TOKENS_B)
    per_byte_tokens = normalised_perplexity(TOTAL_LOGPROB, N_BYTES)
    assert round(per_token_a, 1) == 28.0
    assert round(per_token_b, 1) == 12.2
    assert round(per_byte_tokens, 2) == 2.01
    assert round(bits_per_byte(TOTAL_LOGPROB, N_BYTES), 3) == 1.007
    assert round(per_token_a / per_byte_tokens) == 14  # "differ by a factor of 14"
    # per-word perplexity is the same whichever tokenizer produced the log-likelihood
    assert_allclose(convert_perplexity(per_token_b, N_TOKENS_B, N_WORDS), per_token_a, rtol=1e-12)
    assert_allclose(convert_perplexity(per_byte_tokens, N_BYTES, N_WORDS), per_token_a, rtol=1e-12)


@pytest.mark.parametrize("n_tokens", [1, 9, 12, 43])
def test_bits_per_byte_does_not_depend_on_the_tokenization(n_tokens):
    rng = np.random.default_rng(n_tokens)
    # split the same total log-likelihood over n_tokens tokens in a random way
    share = rng.dirichlet(np.ones(n_tokens))
    token_lp = TOTAL_LOGPROB * share
    total = token_lp.sum()
    assert_allclose(bits_per_byte(total, N_BYTES), -TOTAL_LOGPROB / N_BYTES / np.log(2), rtol=1e-12)
    assert_allclose(perplexity(token_lp), normalised_perplexity(TOTAL_LOGPROB, n_tokens), rtol=1e-12)


def test_normalisers_reject_zero_units():
    with pytest.raises(ValueError):
        normalised_perplexity(-1.0, 0)
    with pytest.raises(ValueError):
        bits_per_byte(-1.0, 0)


def test_convert_perplexity_round_trip():
    ppl = 17.3
    assert_allclose(convert_perplexity(convert_perplexity(ppl, 100, 75), 75, 100), ppl, rtol=1e-12)
    assert convert_perplexity(ppl, 100, 75) > ppl  # fewer units (words) -> larger per-unit perplexity


# -- sliding windows ------------------------------------------------------------------------

@pytest.mark.parametrize("n,max_len,stride", [(1, 4, 4), (10, 4, 2), (10, 4, 4), (11, 4, 3),
                                              (100, 16, 1), (5, 16, 8), (0, 4, 2)])
def test_sliding_windows_score_every_token_once_with_enough_context(n, max_len, stride):
    windows = sliding_windows(n, max_len, stride)
    scored = []
    for begin, end, n_scored in windows:
        assert 0 <= begin < end <= n and end - begin <= max_len
        targets = range(end - n_scored, end)
        scored.extend(targets)
        if begin > 0:  # outside the first window, at least max_len - stride tokens of context
            assert all(t - begin >= max_len - stride for t in targets)
    assert scored == list(range(n))


def test_sliding_windows_reject_bad_strides():
    with pytest.raises(ValueError):
        sliding_windows(10, 4, 5)
    with pytest.raises(ValueError):
        sliding_windows(10, 4, 0)


def test_sliding_window_cost_grows_as_the_stride_shrinks():
    n, max_len = 4096, 1024
    cost = {s: sum(end - begin for begin, end, _ in sliding_windows(n, max_len, s)) for s in (1024, 512, 256)}
    assert cost[1024] == 4096  # disjoint chunks: each token is fed once
    assert cost[512] == 7168 and cost[256] == 13312  # ~ n * max_len / stride tokens fed


def test_loss_two_nats_per_token():
    # a training loss of 2.0 nats per token, as the page's follow-up states it
    assert round(perplexity(np.full(100, -2.0)), 2) == 7.39
    assert round(2.0 / np.log(2), 3) == 2.885  # bits per token
    assert round(2.0 ** (2.0 / np.log(2)), 2) == 7.39  # 2^(bits) is the same perplexity


def test_averaging_per_document_perplexities_overstates_corpus_perplexity():
    rng = np.random.default_rng(3)
    docs = [np.log(rng.uniform(0.01, 1, size=n)) for n in (5, 50, 500)]
    corpus = perplexity(np.concatenate(docs))  # exp(total NLL / total tokens)
    per_doc = np.mean([perplexity(d) for d in docs])
    assert per_doc != corpus
    # Jensen: the mean of exp(per-token NLL) over equal-length documents >= exp of the mean
    equal = [np.log(rng.uniform(0.01, 1, size=100)) for _ in range(20)]
    assert np.mean([perplexity(d) for d in equal]) >= perplexity(np.concatenate(equal))


def test_different_uncertainty_profiles_give_the_same_perplexity():
    # the page's pitfall: probability 1/2 on every token, or certainty on half the tokens and
    # 1/4 on the other half, both give perplexity exactly 2
    assert_allclose(perplexity(np.log(np.full(10, 0.5))), 2.0, rtol=1e-12)
    assert_allclose(perplexity(np.log(np.array([1.0, 0.25] * 5))), 2.0, rtol=1e-12)
