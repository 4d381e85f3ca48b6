"""Perplexity from token log-probabilities, its normalisations,
and sliding-window evaluation.

Follows: Jelinek et al. (1977) for perplexity as 2^(entropy); the bits-per-byte
normalisation used to compare models with different tokenizers (Gao et al., 2020, The Pile);
the strided sliding-window evaluation of fixed-context models described in the Hugging Face
Transformers documentation ("Perplexity of fixed-length models").

Simplifications: log-probabilities are natural logs supplied by the caller (no model here);
a text's byte count is its UTF-8 length.
"""

import numpy as np


def perplexity(logprobs):
    """Perplexity exp(-mean log p) of a sequence of per-token natural-log probabilities.

    logprobs: (T,) -> float.

    >>> round(perplexity(np.log([0.25, 0.25, 0.25])), 6)  # uniform over 4 tokens
    4.0
    """
    logprobs = np.asarray(logprobs, dtype=float)
    if logprobs.size == 0:
        raise ValueError("perplexity of an empty sequence is undefined")
    return float(np.exp(-logprobs.mean()))


def cross_entropy(p, q):
    """Cross-entropy H(p, q) = -sum_x p(x) log q(x) in nats; perplexity is exp of it.

    p, q: (V,) distributions -> float.

    >>> round(float(np.exp(cross_entropy(np.full(8, 1 / 8), np.full(8, 1 / 8)))), 6)
    8.0
    """
    p, q = np.asarray(p, dtype=float), np.asarray(q, dtype=float)
    support = p > 0  # subtle: 0 log 0 = 0, so terms outside p's support are dropped
    return float(-(p[support] * np.log(q[support])).sum())


def normalised_perplexity(total_logprob, n_units):
    """exp(-total / n_units): per-token, per-word or per-character perplexity of one text.

    The same total log-likelihood divided by a different unit count
    gives a different number.

    >>> round(normalised_perplexity(-30.0, 10), 4)
    20.0855
    """
    if n_units <= 0:
        raise ValueError("need at least one unit to normalise by")
    return float(np.exp(-total_logprob / n_units))


def bits_per_byte(total_logprob, n_bytes):
    """Bits per byte: -total log-likelihood (nats) / (n_bytes ln 2); tokenizer-independent.

    >>> round(bits_per_byte(-np.log(2) * 8, 8), 6)  # one bit for each byte
    1.0
    """
    if n_bytes <= 0:
        raise ValueError("need at least one byte")
    return float(-total_logprob / (n_bytes * np.log(2)))


def convert_perplexity(ppl, n_from, n_to):
    """Re-normalise a perplexity from n_from units to n_to units of the same text.

    exp(L / n_from) ** (n_from / n_to) = exp(L / n_to).

    >>> round(convert_perplexity(np.exp(2.0), 12, 8), 6) == round(float(np.exp(3.0)), 6)
    True
    """
    return float(ppl ** (n_from / n_to))


def sliding_windows(n_tokens, max_len, stride):
    """Windows (begin, end, n_scored) for strided evaluation of a fixed-context model.

    Each window feeds tokens [begin, end) to the model and scores only its last n_scored
    tokens, so every token is scored once; all but the first window's tokens see at least
    max_len - stride tokens of context. stride = max_len gives disjoint chunks (cheap, but
    the first tokens of every chunk have almost no context).

    >>> sliding_windows(10, 4, 2)
    [(0, 4, 4), (2, 6, 2), (4, 8, 2), (6, 10, 2)]
    """
    if not 0 < stride <= max_len:
        raise ValueError("need 0 < stride <= max_len")
    windows, prev_end = [], 0
    for begin in range(0, n_tokens, stride):
        end = min(begin + max_len, n_tokens)
        windows.append((begin, end, end - prev_end))  # score only tokens not scored before
        prev_end = end
        if end == n_tokens:
            break
    return windows
