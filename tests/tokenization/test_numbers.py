"""Tests of snippets/tokenization/numbers.py: digit groups against Python's own thousands
separator, and how the corpus-trained BPE cuts numbers (the figures Q20 quotes)."""

from hypothesis import given
from hypothesis import strategies as st

from snippets.tokenization.bpe import train_bpe
from snippets.tokenization.corpus import split_corpus
from snippets.tokenization.numbers import bpe_number_pieces, digit_groups, place_values

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=30)


@given(n=st.integers(min_value=0, max_value=10**30))
def test_right_to_left_groups_are_the_thousands_separator(n):
    assert digit_groups(str(n), "r2l") == f"{n:,}".split(",")


@given(number=DIGITS)
def test_groups_concatenate_back(number):
    for mode in ("single", "l2r", "r2l"):
        groups = digit_groups(number, mode)
        assert "".join(groups) == number
        assert all(1 <= len(g) <= 3 for g in groups)
    assert all(p % 3 == 0 for p in place_values(digit_groups(number, "r2l")))


def test_l2r_misaligns_place_value():
    assert digit_groups("1234567") == ["123", "456", "7"]
    assert place_values(digit_groups("1234567")) == [4, 1, 0]
    assert digit_groups("1234567", "single") == list("1234567")
    # a tokenizer with groups of up to three digits needs 10 + 100 + 1,000 number tokens
    assert len({g for n in range(10**3) for w in (1, 2, 3)
                for g in [str(n).zfill(w)] if len(g) == w}) == 1110


def test_bpe_on_the_corpus_cuts_numbers_inconsistently():
    train, _ = split_corpus()
    bpe = train_bpe(train, 1024)
    assert bpe_number_pieces(bpe, "2024") == ["2", "02", "4"]
    assert bpe_number_pieces(bpe, "2029") == ["2", "02", "9"]
    assert bpe_number_pieces(bpe, "412") == ["412"]
    assert bpe_number_pieces(bpe, "1234567") == ["12", "3", "4", "5", "6", "7"]
