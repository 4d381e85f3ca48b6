"""Tests of snippets/tokenization/vocab_audit.py: the bytes UTF-8 never uses (checked by
encoding every code point), unreachable and unused tokens of the corpus-trained BPE."""

from hypothesis import given
from hypothesis import strategies as st

from snippets.tokenization.bpe import train_bpe
from snippets.tokenization.corpus import split_corpus
from snippets.tokenization.vocab_audit import (never_in_utf8, partial_utf8_tokens,
                                               token_counts, unreachable_tokens,
                                               unseen_tokens)


def test_never_in_utf8_by_encoding_every_code_point():
    used = set()
    for cp in range(0x110000):
        if not 0xD800 <= cp <= 0xDFFF:  # surrogates are not characters
            used.update(chr(cp).encode("utf-8"))
    assert sorted(set(range(256)) - used) == never_in_utf8()


@given(text=st.text())
def test_no_text_ever_produces_an_invalid_byte_token(text):
    assert not set(text.encode("utf-8")) & set(never_in_utf8())


def test_audit_of_the_corpus_bpe():
    train, held_out = split_corpus()
    bpe = train_bpe(train, 1024)
    assert [bpe.vocab[i] for i in unreachable_tokens(bpe)] == [b"'l"]  # "'ll" splits it
    assert len(unseen_tokens(bpe, train)) == 214  # of 768 learned tokens
    assert len(unseen_tokens(bpe, held_out)) == 529
    # each unseen token really has zero count, each other learned token a positive one
    counts = token_counts(bpe, held_out)
    unseen = set(unseen_tokens(bpe, held_out))
    assert all((counts[i] == 0) == (i in unseen) for i in range(256, 1024))
    partial = partial_utf8_tokens(bpe)
    assert set(range(128, 256)) <= set(partial)
