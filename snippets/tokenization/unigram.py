"""Unigram language-model segmentation: the most probable split of a string, by Viterbi.

The unigram model gives every piece x a log probability log p(x) and scores a segmentation
as the sum over its pieces. Among the exponentially many segmentations of a string of n
characters, dynamic programming finds the best in O(n * L) for pieces of at most L
characters: best[i] = max over j of best[j] + log p(text[j:i]).

Follows: Kudo (2018), subword regularization with a unigram language model; the unknown
character score (the lowest piece score minus 10) follows SentencePiece and Hugging Face.
Simplifications: segmentation only; the EM training that estimates p and prunes the
vocabulary, and sampling of segmentations (subword regularization), are left out.
"""

import math

UNK_PENALTY = 10.0


def viterbi_segment(text, logp, unk="<unk>"):
    """Best segmentation of `text` under piece log probabilities `logp` (dict str -> float).

    Returns (pieces, score). A character that is not itself a piece may also be read as
    `unk`, scored min(logp) - UNK_PENALTY, so every string has a segmentation.

    >>> logp = {"h": -3.0, "u": -3.0, "g": -3.0, "hu": -4.0, "ug": -2.5, "hug": -6.0}
    >>> viterbi_segment("hug", logp)
    (['h', 'ug'], -5.5)
    """
    n, max_len = len(text), max((len(p) for p in logp), default=1)
    unk_score = min(logp.values(), default=0.0) - UNK_PENALTY
    best = [0.0] + [-math.inf] * n  # best[i]: score of the best split of text[:i]
    back = [0] * (n + 1)  # back[i]: where the last piece of that split starts
    for i in range(1, n + 1):
        for j in range(max(0, i - max_len), i):
            s = logp.get(text[j:i])
            if s is not None and best[j] + s > best[i]:
                best[i], back[i] = best[j] + s, j
        if text[i - 1] not in logp and best[i - 1] + unk_score > best[i]:
            best[i], back[i] = best[i - 1] + unk_score, i - 1  # an uncovered character
    pieces, i = [], n
    while i > 0:
        j = back[i]
        piece = text[j:i]
        pieces.append(piece if piece in logp else unk)
        i = j
    return pieces[::-1], best[n]
