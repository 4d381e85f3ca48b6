"""Tests of snippets/tokenization/wordpiece.py: BERT's greedy longest-match-first, checked
against Hugging Face `tokenizers` and by the invariant that pieces spell the word."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from snippets.tokenization.wordpiece import wordpiece_encode, wordpiece_word

VOCAB = {"[UNK]", "un", "##aff", "##able", "a", "##b", "##c", "b", "c", "the", "token",
         "##izer", "##ize", "##s", "##r", "play", "##ing", "##ed", ",", ".", "!", "-"}


def test_bert_paper_example():
    # Devlin et al. (2019) / the BERT README: "unaffable" -> un ##aff ##able
    assert wordpiece_word("unaffable", VOCAB) == ["un", "##aff", "##able"]


def test_longest_match_first_and_no_backtracking():
    assert wordpiece_word("tokenizers", VOCAB) == ["token", "##izer", "##s"]  # not ##ize
    # "abz": a, ##b, then nothing matches "z": the whole word is lost
    assert wordpiece_word("abz", VOCAB) == ["[UNK]"]
    assert wordpiece_word("x" * 101, VOCAB | {"x", "##x"}) == ["[UNK]"]


def test_matches_hugging_face_wordpiece():
    tk = pytest.importorskip("tokenizers")
    hf = tk.Tokenizer(tk.models.WordPiece({t: i for i, t in enumerate(sorted(VOCAB))},
                                          unk_token="[UNK]"))
    hf.pre_tokenizer = tk.pre_tokenizers.BertPreTokenizer()
    for text in ["the tokenizers, playing!", "unaffable-ish abc played.", "naïve token"]:
        assert wordpiece_encode(text, VOCAB) == hf.encode(text).tokens


@settings(max_examples=200, deadline=None)
@given(word=st.text(alphabet="abcuntokeizrs", min_size=1, max_size=12))
def test_pieces_spell_the_word_or_the_word_is_unknown(word):
    pieces = wordpiece_word(word, VOCAB)
    assert all(p in VOCAB for p in pieces)
    if pieces != ["[UNK]"]:
        assert "".join(p.removeprefix("##") for p in pieces) == word
        assert not pieces[0].startswith("##")
        assert all(p.startswith("##") for p in pieces[1:])
