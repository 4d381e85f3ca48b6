"""Tests of snippets/tokenization/rare_words.py: the out-of-vocabulary rate of held-out
text and the pieces BPE spells new words with (the figures Q66 quotes)."""

from collections import Counter

from snippets.tokenization.bpe import train_bpe
from snippets.tokenization.corpus import CORPUS, PASSAGES, split_corpus
from snippets.tokenization.rare_words import oov_rate, pieces_per_word, words


def test_oov_rate_against_a_counter():
    train, held_out = split_corpus()
    known = Counter(words(train))
    test_words = words(held_out)
    assert oov_rate(train, held_out) == sum(known[w] == 0 for w in test_words) / 320
    assert len(test_words) == 320 and round(oov_rate(train, held_out), 3) == 0.519


def test_new_words_take_more_pieces():
    train, held_out = split_corpus()
    bpe = train_bpe(train, 1024)
    known = set(words(train))
    new = [w for w in words(held_out) if w not in known]
    seen = [w for w in words(held_out) if w in known]
    assert len(new) == 166
    assert round(pieces_per_word(bpe, new), 2) == 3.33
    assert round(pieces_per_word(bpe, seen), 2) == 1.09
    assert [bpe.vocab[i] for i in bpe.encode(" regulators")] == [
        b" reg", b"ul", b"at", b"or", b"s"]


def test_corpus_shape():
    assert len(PASSAGES) == 12 and CORPUS.count("\n\n") >= 11
    assert 6000 < len(CORPUS) < 6500
    train, held_out = split_corpus()
    assert set(train).isdisjoint(held_out)
    assert len(train) == 8 and len(held_out) == 4
    # Q20: "about 4,300 characters" of training passages, "about 1,900" held out
    assert round(sum(map(len, train)), -2) == 4300
    assert round(sum(map(len, held_out)), -2) == 1900
