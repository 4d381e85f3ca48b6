"""Tests of snippets/tokenization/bpe.py: hand-worked merges, lossless round trips on any
Unicode string, and agreement with the Hugging Face `tokenizers` BPE trainer and encoder."""

import json
import time
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.tokenization.bpe import ByteBPE, merge_pair, pretokenize, train_bpe

TEXT = (
    "The tokenizer splits text into pieces. Rare words fall apart into smaller pieces, "
    "and unseen words still encode, because every byte is in the vocabulary. In 2024 "
    "most models used 100,000 to 256,000 tokens; GPT-2 used 50,257. Café, naïve, "
    "Straße, Ελληνικά, русский, 中文 and emoji 🙂 all round-trip. It's what we'd test: "
    "don't they'll we've I'm you're. snake_case, CamelCase, x**2 + y**2 == z**2.\n"
)
TEXTS = [f"{i}: {line}" for i in range(12) for line in TEXT.split(". ")]


def expand(counts):
    return [w for w, n in counts.items() for _ in range(n)]


def learned(bpe):
    return [bpe.vocab[256 + k] for k in range(len(bpe.merges))]


def test_hugging_face_course_example():
    # hand-worked: (u,g) occurs 10 + 5 + 5 = 20 times, then (u,n) 12 + 4 = 16, then (h,ug) 15
    words = {"hug": 10, "pug": 5, "pun": 12, "bun": 4, "hugs": 5}
    assert learned(train_bpe(expand(words), 259, split=False)) == [b"ug", b"un", b"hug"]


def test_sennrich_dictionary_without_end_of_word_marker():
    # Sennrich et al. (2016), Fig. 1 dictionary. Hand-worked: (e,s) and (s,t) tie at 9 and
    # the alphabetically smaller pair wins; then est; (l,o) and (o,w) tie at 7; then ew, new, newest at 6.
    # The paper's list (es, est, est</w>, lo, low, ne, ...) differs only by its </w>
    # marker and its tie-breaking.
    words = {"low": 5, "lower": 2, "newest": 6, "widest": 3}
    bpe = train_bpe(expand(words), 263, split=False)
    assert learned(bpe) == [b"es", b"est", b"lo", b"low", b"ew", b"new", b"newest"]
    assert bpe.encode("lowest") == [259, 257]  # low + est: an unseen word, two known pieces
    assert bpe.encode("wider") == list(b"wider")  # no learned merge applies: raw bytes


def test_merge_pair_is_left_to_right_and_non_overlapping():
    assert merge_pair([1, 1, 1, 1, 1], (1, 1), 9) == [9, 9, 1]
    assert merge_pair([], (1, 1), 9) == []


def test_pretokenize_matches_gpt2_byte_level_pretokenizer():
    tokenizers = pytest.importorskip("tokenizers")
    pre = tokenizers.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    dec = tokenizers.decoders.ByteLevel()
    theirs = [dec.decode([piece]) for piece, _ in pre.pre_tokenize_str(TEXT)]
    assert pretokenize(TEXT) == theirs


def test_vocab_and_encoding_invariants():
    bpe = train_bpe(TEXTS, 400)
    assert len(bpe.vocab) == 256 + len(bpe.merges) == 400
    assert all(bpe.vocab[a] + bpe.vocab[b] == bpe.vocab[256 + k]
               for k, (a, b) in enumerate(bpe.merges))
    assert all(a < 256 + k and b < 256 + k for k, (a, b) in enumerate(bpe.merges))
    ids = bpe.encode(TEXT)
    assert len(ids) < len(TEXT.encode("utf-8"))  # it compresses its own training text
    assert bpe.encode("") == [] and bpe.decode([]) == ""


def test_training_stops_when_nothing_is_left_to_merge():
    bpe = train_bpe(["ab", "ab", "c"], 1000, split=False)
    assert learned(bpe) == [b"ab"]


def test_training_is_fast_enough_for_tests():
    # 6,000 characters of seeded random "words" over a 20-letter alphabet, 744 merges
    rng = np.random.default_rng(66)
    letters = np.array(list("abcdefghiklmnoprstuw"))
    words = ["".join(rng.choice(letters, size=rng.integers(2, 9))) for _ in range(1200)]
    text = " ".join(words)[:6000]
    start = time.perf_counter()
    bpe = train_bpe([text], 1000)
    assert time.perf_counter() - start < 5.0
    assert len(bpe.merges) == 744


@pytest.fixture(scope="module")
def trained():
    return {split: train_bpe(TEXTS, 500, split=split) for split in (True, False)}


@settings(max_examples=300, deadline=None)
@given(text=st.text())
def test_decode_encode_round_trips_any_unicode_string(trained, text):
    for bpe in trained.values():
        assert bpe.decode(bpe.encode(text)) == text


@settings(max_examples=100, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=40))
def test_chunks_concatenate_back_to_the_text(text):
    assert "".join(pretokenize(text)) == text


# ---- agreement with Hugging Face `tokenizers` ----

def byte_level_alphabet():
    """GPT-2's byte -> printable character map (Radford et al., 2019), rebuilt for the test."""
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs = bs[:] + [256 + n for n in range(256 - len(bs))]
    bs += [b for b in range(256) if b not in bs]
    return {chr(c): b for b, c in zip(bs, cs)}


@pytest.fixture(scope="module")
def hf_bpe():
    tk = pytest.importorskip("tokenizers")
    tok = tk.Tokenizer(tk.models.BPE())
    tok.pre_tokenizer = tk.pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    trainer = tk.trainers.BpeTrainer(
        vocab_size=600, show_progress=False, special_tokens=[],
        initial_alphabet=tk.pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator(TEXTS, trainer)
    u2b = byte_level_alphabet()

    def to_bytes(piece):
        return bytes(u2b[c] for c in piece)

    merges = json.loads(tok.to_str())["model"]["merges"]
    merges = [m.split(" ") if isinstance(m, str) else m for m in merges]
    return tok, [(to_bytes(a), to_bytes(b)) for a, b in merges], to_bytes


def test_every_hugging_face_merge_is_a_most_frequent_pair(hf_bpe):
    # Replay HF's merges with a naive recount: each one must be a most frequent pair; and
    # with ties broken in HF's order, our trainer learns exactly the same list.
    _, hf_merges, _ = hf_bpe
    words = Counter(tuple(c.encode("utf-8")) for t in TEXTS for c in pretokenize(t))
    ids = {bytes([i]): i for i in range(256)}
    for k, (a, b) in enumerate(hf_merges):
        stats = Counter()
        for w, n in words.items():
            for p in zip(w, w[1:]):
                stats[p] += n
        pair = (ids[a], ids[b])
        assert stats[pair] == max(stats.values()), (k, a, b)
        ids[a + b] = 256 + k
        words = Counter({tuple(merge_pair(list(w), pair, 256 + k)): n
                         for w, n in words.items()})
    ours = train_bpe(TEXTS, 600)
    assert len(ours.merges) == len(hf_merges) == 222  # both run out of pairs at 222
    assert learned(ours) == [a + b for a, b in hf_merges]


def test_encoder_matches_hugging_face_given_the_same_merges(hf_bpe):
    tok, hf_merges, to_bytes = hf_bpe
    ids = {bytes([i]): i for i in range(256)}
    for k, (a, b) in enumerate(hf_merges):
        ids[a + b] = 256 + k
    ours = ByteBPE(merges=[(ids[a], ids[b]) for a, b in hf_merges])
    held_out = "Unseen words like tokenizerization and 3.14159 still encode. Ωμέγα! ✓"
    for text in (TEXT, held_out):
        theirs = [to_bytes(piece) for piece in tok.encode(text).tokens]
        assert [ours.vocab[i] for i in ours.encode(text)] == theirs
