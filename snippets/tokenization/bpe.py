"""Byte-level byte-pair encoding: train merges on a corpus, encode text, decode ids.

Every string is first UTF-8 encoded, so the 256 byte values are the base vocabulary and no
input is ever out of vocabulary. Training repeatedly merges the most frequent adjacent pair
of ids into a new id (256, 257, ...); encoding replays the merges in the order they were
learned. Optionally the text is first split into chunks (words with their leading space,
runs of digits, runs of punctuation, whitespace) as GPT-2 does, so merges never cross a
chunk boundary.

Follows: Sennrich et al. (2016) for BPE on subwords; Radford et al. (2019, GPT-2) for the
byte-level base alphabet and the pre-tokenization pattern.
Simplifications: the pattern uses the standard library's `re`, so "letter" means a Unicode
letter or a non-decimal numeric character (GPT-2's `\\p{L}` and `\\p{N}` split those two
apart); no special tokens. Ties between equally frequent pairs go to the smallest pair in
Hugging Face's order, so on the same corpus the merges are the `tokenizers` library's.
"""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

# GPT-2's pattern with [^\W\d_] for \p{L} and \d for \p{N}
GPT2_SPLIT = re.compile(
    r"""'(?:[sdmt]|ll|ve|re)| ?[^\W\d_]+| ?\d+| ?(?:[^\s\w]|_)+|\s+(?!\S)|\s+""")


# GPT-2 shows each byte as a printable character: the printable ASCII and Latin-1 bytes as
# themselves, the other 68 as U+0100 onwards. Hugging Face breaks ties by the order of those
# characters; ranking bytes the same way makes our merges identical to theirs.
_PRINTABLE = [*range(33, 127), *range(161, 173), *range(174, 256)]
_ORDER = _PRINTABLE + [b for b in range(256) if b not in _PRINTABLE]
TIE_RANK = {b: r for r, b in enumerate(_ORDER)}


def _rank(i):
    return TIE_RANK.get(i, i)  # merged ids (>= 256) rank after every byte, in merge order


def pretokenize(text, split=True):
    """Chunks that merges may not cross: GPT-2's split, or the whole text as one chunk.

    >>> pretokenize("Hello world, 2026!")
    ['Hello', ' world', ',', ' 2026', '!']
    """
    if not split:
        return [text] if text else []
    return GPT2_SPLIT.findall(text)


def merge_pair(ids, pair, new_id):
    """Replace every non-overlapping occurrence of `pair`, scanning left to right.

    >>> merge_pair([97, 97, 97, 98], (97, 97), 256)
    [256, 97, 98]
    """
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out


@dataclass
class ByteBPE:
    """A trained byte-level BPE: `merges[k]` is the pair of ids that became id 256 + k.

    >>> bpe = ByteBPE(merges=[(104, 105)])  # "h" + "i" -> 256
    >>> bpe.encode("hi!"), bpe.vocab[256], bpe.decode([256, 33])
    ([256, 33], b'hi', 'hi!')
    """
    merges: list
    split: bool = True
    vocab: dict = field(init=False, repr=False)

    def __post_init__(self):
        self.merges = [tuple(p) for p in self.merges]
        self.ranks = {p: k for k, p in enumerate(self.merges)}
        self.vocab = {i: bytes([i]) for i in range(256)}
        for k, (a, b) in enumerate(self.merges):
            self.vocab[256 + k] = self.vocab[a] + self.vocab[b]

    def encode_chunk(self, chunk):
        """Ids of one chunk: apply the earliest-learned merge present until none applies."""
        ids = list(chunk.encode("utf-8"))
        while len(ids) > 1:
            pair = min(zip(ids, ids[1:]), key=lambda p: self.ranks.get(p, float("inf")))
            if pair not in self.ranks:
                break
            ids = merge_pair(ids, pair, 256 + self.ranks[pair])
        return ids

    def encode(self, text):
        """str -> list of ids in [0, 256 + len(merges))."""
        chunks = pretokenize(text, self.split)
        return [i for chunk in chunks for i in self.encode_chunk(chunk)]

    def decode(self, ids):
        """list of ids -> str; a sequence that cuts a character in two decodes to U+FFFD."""
        return b"".join(self.vocab[i] for i in ids).decode("utf-8", errors="replace")


def train_bpe(texts, vocab_size, split=True):
    """Learn vocab_size - 256 merges (fewer if every chunk becomes a single token).

    >>> words = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    >>> bpe = train_bpe([w for w, n in words.items() for _ in range(n)], 259, split=False)
    >>> [bpe.vocab[256 + k] for k in range(len(bpe.merges))]
    [b'ug', b'un', b'hug']
    """
    assert vocab_size >= 256, "the 256 byte values are always in the vocabulary"
    chunk_freq = Counter(c for t in texts for c in pretokenize(t, split))
    words = [list(c.encode("utf-8")) for c in chunk_freq]  # each distinct chunk, once
    freqs = list(chunk_freq.values())
    # pair counts weighted by chunk frequency, and which chunks hold each pair
    stats, where = Counter(), defaultdict(set)
    for i, w in enumerate(words):
        for p in zip(w, w[1:]):
            stats[p] += freqs[i]
            where[p].add(i)
    merges = []
    for new_id in range(256, vocab_size):
        if not stats:
            break
        # subtle: ties are common in small corpora; a fixed order keeps training
        # deterministic (Python's max alone would depend on insertion order)
        pair = max(stats, key=lambda p: (stats[p], -_rank(p[0]), -_rank(p[1])))
        merges.append(pair)
        # update the counts only in the chunks that contain the pair
        for i in where.pop(pair):
            old = words[i]
            new = merge_pair(old, pair, new_id)
            if new == old:
                continue  # stale entry: an earlier merge already consumed this pair
            for p in zip(old, old[1:]):
                stats[p] -= freqs[i]
            for p in zip(new, new[1:]):
                stats[p] += freqs[i]
                where[p].add(i)
            for p in set(zip(old, old[1:])):
                if stats[p] <= 0:
                    del stats[p]
            words[i] = new
    return ByteBPE(merges=merges, split=split)
