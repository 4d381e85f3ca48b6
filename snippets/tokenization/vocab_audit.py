"""Auditing a byte-level BPE vocabulary for tokens a model will rarely or never see.

A model learns a token's embedding only from the positions where the token occurs. Three
kinds of token get few or no such positions: byte values that valid UTF-8 never contains;
tokens that the encoder can never produce, because every string that contains them is
merged further (intermediate merges such as " vocabular" on the way to " vocabulary"); and
tokens that were frequent in the tokenizer's training data but are absent from the model's.
All three are candidates for the under-trained "glitch" tokens of production models.

Follows: Land and Bartolo (2024), who find such tokens from the vocabulary and the weights.
Simplifications: the audit uses the tokenizer and a text sample only, not model weights.
"""

from collections import Counter


def never_in_utf8():
    """Byte values that no valid UTF-8 string contains: C0, C1 (overlong leads), F5-FF.

    >>> [hex(b) for b in never_in_utf8()][:3], len(never_in_utf8())
    (['0xc0', '0xc1', '0xf5'], 13)
    """
    # subtle: C0 and C1 could only start a 2-byte form of U+0000..U+007F, which UTF-8
    # forbids (overlong); F5..FF would start code points above U+10FFFF
    return [0xC0, 0xC1, *range(0xF5, 0x100)]


def partial_utf8_tokens(bpe):
    """Ids whose bytes are not valid UTF-8 by themselves (a piece of a character).

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> len(partial_utf8_tokens(ByteBPE(merges=[])))  # the 128 bytes 0x80..0xFF
    128
    """
    out = []
    for i, b in bpe.vocab.items():
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            out.append(i)
    return out


def unreachable_tokens(bpe):
    """Ids of valid UTF-8 tokens that encoding their own text does not return.

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> bpe = ByteBPE(merges=[(97, 98), (256, 99)])  # "ab", then "abc"
    >>> bpe.encode("ab"), unreachable_tokens(bpe)  # "ab" is reachable on its own
    ([256], [])
    """
    partial = set(partial_utf8_tokens(bpe))
    return [i for i, b in bpe.vocab.items()
            if i not in partial and bpe.encode(b.decode("utf-8")) != [i]]


def token_counts(bpe, texts):
    """How often each id occurs when `bpe` encodes `texts`: Counter id -> count."""
    return Counter(i for t in texts for i in bpe.encode(t))


def unseen_tokens(bpe, texts):
    """Learned ids (>= 256) that never occur when encoding `texts`.

    >>> from snippets.tokenization.bpe import ByteBPE
    >>> unseen_tokens(ByteBPE(merges=[(97, 98), (99, 100)]), ["abab"])  # "cd" unused
    [257]
    """
    seen = token_counts(bpe, texts)
    return [i for i in range(256, len(bpe.vocab)) if i not in seen]
