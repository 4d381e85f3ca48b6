"""BLEU: clipped n-gram precision, brevity penalty and their geometric mean.

BLEU = BP * exp(sum_n w_n log p_n), where p_n is the modified (clipped) n-gram precision of
the candidate against the references and BP = min(1, exp(1 - r / c)) penalises candidates
shorter than the reference (c candidate tokens, r the reference length closest to c).

Follows: Papineni et al. (2002), with N = 4 and uniform weights w_n = 1/4.

Simplifications: one sentence at a time (the paper sums counts over a whole corpus first);
whitespace tokens, no detokenisation (see Post, 2018, for why tokenisation changes scores);
no smoothing, so a candidate with no matching n-gram of some order scores exactly 0.
"""

from __future__ import annotations

import math
from collections import Counter


def ngrams(tokens: list[str], n: int) -> Counter:
    """Counts of the n-grams of a token list: T tokens -> up to T - n + 1 tuples.

    >>> ngrams("a b a b".split(), 2)
    Counter({('a', 'b'): 2, ('b', 'a'): 1})
    """
    return Counter(tuple(tokens[i:i + n]) for i in range(len(tokens) - n + 1))


def modified_precision(candidate: list[str], references: list[list[str]],
                       n: int) -> tuple[int, int]:
    """Clipped matches and total n-grams of the candidate: returns (numerator, denominator).

    >>> refs = ["the cat is on the mat".split(), "there is a cat on the mat".split()]
    >>> modified_precision("the the the the the the the".split(), refs, 1)
    (2, 7)
    """
    cand = ngrams(candidate, n)
    # Clip each n-gram count to the most times it appears in any single reference.
    max_ref = Counter()
    for ref in references:
        for g, c in ngrams(ref, n).items():
            max_ref[g] = max(max_ref[g], c)
    matches = sum(min(c, max_ref[g]) for g, c in cand.items())
    return matches, sum(cand.values())


def brevity_penalty(c: int, r: int) -> float:
    """BP = 1 if c > r else exp(1 - r/c); c = candidate length, r = reference length.

    >>> round(brevity_penalty(5, 10), 4)
    0.3679
    """
    if c == 0:
        return 0.0
    return 1.0 if c > r else math.exp(1.0 - r / c)


def sentence_bleu(candidate: list[str], references: list[list[str]],
                  max_n: int = 4) -> float:
    """BLEU of one candidate against one or more references, in [0, 1].

    >>> sentence_bleu("the cat sat on the mat".split(), ["the cat sat on the mat".split()])
    1.0
    """
    log_p = 0.0
    for n in range(1, max_n + 1):
        num, den = modified_precision(candidate, references, n)
        # subtle: one order with zero matches makes the geometric mean (and BLEU) zero.
        if num == 0 or den == 0:
            return 0.0
        log_p += math.log(num / den) / max_n
    # The effective reference length is the one closest to the candidate length.
    c = len(candidate)
    r = min((abs(len(ref) - c), len(ref)) for ref in references)[1]
    return brevity_penalty(c, r) * math.exp(log_p)
