"""Out-of-vocabulary words: how many a word-level vocabulary misses, and what BPE does.

A word-level vocabulary built from training text maps every new word to one unknown id; a
byte-level BPE trained on the same text spells the new word out of learned pieces, and the
rarer the word, the more pieces it takes. These functions measure both on a text split.

Follows: Sennrich et al. (2016), whose motivation is exactly this open-vocabulary problem.
Simplifications: a "word" is a maximal run of letters (case kept), as in GPT-2's split.
"""

import re

_WORD = re.compile(r"[^\W\d_]+")


def words(texts):
    """All words (runs of letters) in `texts`, in order.

    >>> words(["It's 9 o'clock."])
    ['It', 's', 'o', 'clock']
    """
    return [w for t in texts for w in _WORD.findall(t)]


def oov_rate(train, test):
    """Fraction of word occurrences in `test` whose word never occurs in `train`.

    >>> oov_rate(["the cat sat"], ["the dog sat"])
    0.3333333333333333
    """
    known = set(words(train))
    test_words = words(test)
    return sum(w not in known for w in test_words) / len(test_words)


def pieces_per_word(bpe, word_list):
    """Mean number of BPE tokens per word, each word encoded with its leading space.

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> pieces_per_word(ByteBPE(merges=[]), ["ab", "abc"])  # bytes: (3 + 4) / 2
    3.5
    """
    return sum(len(bpe.encode(" " + w)) for w in word_list) / len(word_list)
