"""WordPiece segmentation: greedy longest-match-first against a fixed vocabulary.

A word is cut from the left: take the longest prefix that is in the vocabulary, then the
longest continuation piece (spelled with a "##" prefix) from where it ended, and so on.
If at some point no piece matches, the whole word becomes the unknown token: WordPiece
has no byte fallback, so a BERT-style model maps a word with one unseen character to [UNK].

Follows: Schuster and Nakajima (2012) and Wu et al. (2016) for WordPiece; Devlin et al.
(2019) and the released BERT code for greedy longest-match-first and the "##" prefix.
Simplifications: pre-tokenization splits on whitespace and punctuation only (no
lower-casing, accent stripping or CJK splitting); vocabulary training is left out.
"""

import re

_WORDS = re.compile(r"\w+|[^\w\s]", re.UNICODE)


def wordpiece_word(word, vocab, unk="[UNK]", prefix="##", max_chars=100):
    """Pieces of one word, or [unk] if any part of it cannot be matched.

    >>> wordpiece_word("unaffable", {"un", "##aff", "##able", "a"})
    ['un', '##aff', '##able']
    """
    if len(word) > max_chars:
        return [unk]
    pieces, start = [], 0
    while start < len(word):
        # the longest piece that starts at `start`
        for end in range(len(word), start, -1):
            piece = word[start:end] if start == 0 else prefix + word[start:end]
            if piece in vocab:
                break
        else:
            return [unk]  # subtle: no backtracking, so one dead end loses the whole word
        pieces.append(piece)
        start = end
    return pieces


def wordpiece_encode(text, vocab, unk="[UNK]", prefix="##"):
    """Split text into words and punctuation, then each into WordPiece pieces.

    >>> wordpiece_encode("un-aff!", {"un", "aff", "-", "!"})
    ['un', '-', 'aff', '!']
    """
    return [p for w in _WORDS.findall(text) for p in wordpiece_word(w, vocab, unk, prefix)]
