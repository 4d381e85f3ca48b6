"""Measures of how evenly a tokenizer treats languages: tokens per character, fertility,
parity, the share of raw-byte tokens, and how the learned vocabulary splits by script;
plus training a byte-level BPE on a multilingual mix, raw or smoothed.

Fertility is tokens per whitespace-separated word (Rust et al., 2021). Parity, the
"premium" of Petrov et al. (2023), is the tokens a text needs divided by the tokens its
English translation needs: on parallel text it is what the same content costs.

Follows: Rust et al. (2021) for fertility; Petrov et al. (2023) for parity; the language
smoothing of snippets/tokenization/language_sampling.py (Conneau et al., 2020).
Simplifications: a word is a run of non-space characters, so fertility is undefined for
Chinese and Japanese; a token's script is that of its first letter; the smoothed mix
repeats whole sentences an integer number of times.
"""

import unicodedata
from collections import Counter

import numpy as np

from snippets.tokenization.bpe import train_bpe
from snippets.tokenization.language_sampling import smoothed_shares

SCRIPT_NAMES = {"LATIN": "Latin", "CYRILLIC": "Cyrillic", "GREEK": "Greek",
                "ARABIC": "Arabic", "DEVANAGARI": "Devanagari", "CJK": "Han",
                "HIRAGANA": "Kana", "KATAKANA": "Kana", "HANGUL": "Hangul"}


def n_tokens(encode, texts):
    """Total tokens of a list of strings under `encode` (str -> list of ids)."""
    return sum(len(encode(t)) for t in texts)


def tokens_per_char(encode, texts):
    """Tokens per Unicode character (code point).

    >>> tokens_per_char(lambda s: list(s.encode("utf-8")), ["日本"])  # raw bytes
    3.0
    """
    return n_tokens(encode, texts) / sum(len(t) for t in texts)


def fertility(encode, texts):
    """Tokens per whitespace-separated word; None for text written without spaces.

    >>> fertility(lambda s: list(s.encode("utf-8")), ["ab c"])  # 4 bytes, 2 words
    2.0
    """
    if not any(c.isspace() for t in texts for c in t):
        return None  # subtle: Chinese or Japanese would count a sentence as one "word"
    return n_tokens(encode, texts) / sum(len(t.split()) for t in texts)


def parity(encode, texts, reference):
    """Tokens for `texts` over tokens for their translation `reference` (1 = parity).

    >>> parity(lambda s: list(s.encode("utf-8")), ["Ω"], ["O"])  # 2 bytes vs 1
    2.0
    """
    return n_tokens(encode, texts) / n_tokens(encode, reference)


def byte_token_share(encode, texts):
    """Share of tokens that are one raw non-ASCII byte: a character the vocabulary
    could not cover, spelled out byte by byte (what byte fallback produces).

    >>> byte_token_share(lambda s: list(s.encode("utf-8")), ["aé"])  # é is 2 bytes
    0.6666666666666666
    """
    ids = [i for t in texts for i in encode(t)]
    return sum(128 <= i < 256 for i in ids) / len(ids)


def script_of(token):
    r"""Script of a vocabulary entry (bytes): its first letter's, 'fragment' if it is not
    valid UTF-8 (part of a character), 'other' if it has no letter.

    >>> script_of("дом".encode()), script_of(b"\xe6\x97"), script_of(b" 42")
    ('Cyrillic', 'fragment', 'other')
    """
    try:
        text = token.decode("utf-8")
    except UnicodeDecodeError:
        return "fragment"
    for ch in text:
        if ch.isalpha():
            return SCRIPT_NAMES.get(unicodedata.name(ch, "?").split()[0], "other")
    return "other"


def vocab_by_script(bpe):
    """Count the learned (merged) tokens of a ByteBPE by script; bytes are not counted."""
    return Counter(script_of(bpe.vocab[256 + k]) for k in range(len(bpe.merges)))


def smoothed_repeats(train, alpha):
    """Integer repeats per language that bring byte shares close to q ~ p**alpha.

    train: {lang: sentences} -> {lang: repeats}, the largest share repeated once.

    >>> smoothed_repeats({"a": ["x" * 90], "b": ["y" * 10]}, 0.5)
    {'a': 1, 'b': 3}
    """
    langs = list(train)
    n = np.array([sum(len(s.encode("utf-8")) for s in train[l]) for l in langs], float)
    boost = smoothed_shares(n, alpha) / (n / n.sum())  # how much each language must grow
    reps = np.maximum(1, np.round(boost / boost.min())).astype(int)
    return dict(zip(langs, reps.tolist()))


def train_multilingual(train, vocab_size, alpha=None):
    """Byte-level BPE on all languages' sentences, as given or smoothed with alpha."""
    reps = smoothed_repeats(train, alpha) if alpha is not None else dict.fromkeys(train, 1)
    texts = [s for lang, sents in train.items() for s in sents for _ in range(reps[lang])]
    return train_bpe(texts, vocab_size)
