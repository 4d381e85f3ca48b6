"""Tests of snippets/tokenization/fertility.py and multilingual_corpus.py: every number Q42
states, hand-worked cases with a raw-byte encoder, and invariants of the trained BPEs."""

import unicodedata

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.tokenization.bpe import pretokenize
from snippets.tokenization.fertility import (byte_token_share, fertility, n_tokens, parity,
                                             script_of, smoothed_repeats, tokens_per_char,
                                             train_multilingual, vocab_by_script)
from snippets.tokenization.fertility_plots import VOCAB_SIZE, plot_parity
from snippets.tokenization.language_sampling import smoothed_shares
from snippets.tokenization.multilingual_corpus import SCRIPTS, TEST, TRAIN


def utf8(s):
    return list(s.encode("utf-8"))


def chars(s):
    return [ord(c) for c in s]


@pytest.fixture(scope="module")
def raw():
    return train_multilingual(TRAIN, VOCAB_SIZE)


@pytest.fixture(scope="module")
def smooth():
    return train_multilingual(TRAIN, VOCAB_SIZE, alpha=0.3)


def byte_shares(train, reps):
    n = np.array([sum(len(s.encode()) for s in train[l]) * reps[l] for l in train], float)
    return n / n.sum()


# -- the corpus -------------------------------------------------------------------------


def test_corpus_is_parallel_held_out_and_in_the_scripts_it_claims():
    assert set(TEST) == set(SCRIPTS) and set(TRAIN) == set(SCRIPTS) - {"ko"}
    assert {len(v) for v in TEST.values()} == {6}
    train = {s for v in TRAIN.values() for s in v}
    assert not train & {s for v in TEST.values() for s in v}
    for lang, sents in TEST.items():
        letters = [c for s in sents for c in s if c.isalpha()]
        names = {unicodedata.name(c).split()[0] for c in letters}
        expected = {"Latin": {"LATIN"}, "Cyrillic": {"CYRILLIC"}, "Greek": {"GREEK"},
                    "Arabic": {"ARABIC"}, "Devanagari": {"DEVANAGARI"}, "Han": {"CJK"},
                    "Kana and Han": {"CJK", "HIRAGANA", "KATAKANA"},
                    "Hangul": {"HANGUL"}}[SCRIPTS[lang]]
        assert names <= expected, (lang, names - expected)


def test_training_bytes_are_deliberately_unbalanced():
    shares = byte_shares(TRAIN, dict.fromkeys(TRAIN, 1))
    assert shares.round(3).tolist() == [0.431, 0.148, 0.141, 0.066, 0.053, 0.08, 0.035,
                                        0.046]


# -- the measures, on hand-worked cases -------------------------------------------------


@pytest.mark.parametrize("text,bpc", [("abc", 1.0), ("дом", 2.0), ("日本", 3.0),
                                      ("नमस्ते", 3.0), ("😀", 4.0), ("a日", 2.0)])
def test_tokens_per_char_of_raw_bytes_is_utf8_bytes_per_char(text, bpc):
    assert tokens_per_char(utf8, [text]) == bpc
    assert tokens_per_char(chars, [text]) == 1.0


def test_fertility_counts_whitespace_words_and_refuses_unspaced_text():
    assert fertility(chars, ["ab cd", "e"]) == 6 / 3  # the space is a token here too
    assert fertility(chars, ["word", "ab cd"]) == 9 / 3  # one-word sentences still count
    assert fertility(chars, ["图书馆开门。", "关门。"]) is None


def test_parity_is_the_ratio_of_token_counts():
    assert parity(chars, ["abcd"], ["ab"]) == 2.0
    assert parity(utf8, TEST["en"], TEST["en"]) == 1.0
    # with one token per character, parity is the ratio of character counts
    assert_allclose(parity(chars, TEST["zh"], TEST["en"]), 105 / 395)


def test_byte_token_share_of_raw_bytes():
    assert byte_token_share(utf8, ["plain ascii"]) == 0.0
    assert byte_token_share(utf8, ["日本"]) == 1.0
    assert byte_token_share(chars, ["日本"]) == 0.0  # code points >= 256 are not bytes


@pytest.mark.parametrize("text,script", [("hello", "Latin"), (" é", "Latin"),
                                         ("дом", "Cyrillic"), ("νερό", "Greek"),
                                         ("ماء", "Arabic"), ("पानी", "Devanagari"),
                                         ("水", "Han"), ("みず", "Kana"), ("물", "Hangul"),
                                         (" 42!", "other"), ("", "other")])
def test_script_of_a_token(text, script):
    assert script_of(text.encode("utf-8")) == script


@pytest.mark.parametrize("ch", ["é", "д", "日", "नि"[0], "😀"])
def test_every_proper_prefix_of_a_multibyte_character_is_a_fragment(ch):
    b = ch.encode("utf-8")
    assert [script_of(b[:k]) for k in range(1, len(b))] == ["fragment"] * (len(b) - 1)


# -- smoothing and training -------------------------------------------------------------


def test_smoothed_repeats_move_the_byte_shares_toward_the_smoothed_target():
    assert set(smoothed_repeats(TRAIN, 1.0).values()) == {1}
    reps = smoothed_repeats(TRAIN, 0.3)
    assert reps == {"en": 1, "es": 2, "ru": 2, "el": 4, "ar": 4, "hi": 3, "zh": 6, "ja": 5}
    p = byte_shares(TRAIN, dict.fromkeys(TRAIN, 1))
    q = smoothed_shares(p, 0.3)
    assert np.abs(byte_shares(TRAIN, reps) - q).sum() < 0.2 * np.abs(p - q).sum()


@pytest.mark.parametrize("which", ["raw", "smooth"])
def test_trained_tokenizers_round_trip_every_language(which, raw, smooth):
    bpe = {"raw": raw, "smooth": smooth}[which]
    assert len(bpe.merges) == VOCAB_SIZE - 256
    for sents in TEST.values():
        for s in sents:
            assert bpe.decode(bpe.encode(s)) == s
    assert sum(vocab_by_script(bpe).values()) == len(bpe.merges)


def test_a_script_never_seen_in_training_is_spelled_in_raw_bytes(raw, smooth):
    # Korean has no training text: every token is one byte, whatever the mix.
    for bpe in (raw, smooth):
        assert n_tokens(bpe.encode, TEST["ko"]) == sum(len(s.encode()) for s in TEST["ko"])
        assert all(i < 256 for s in TEST["ko"] for i in bpe.encode(s))


def test_pretokenizer_cuts_devanagari_at_every_vowel_sign():
    s = TEST["hi"][0]
    assert len(s.split()) == 13 and len(pretokenize(s)) == 36  # a floor on the tokens


# -- numbers on the page ----------------------------------------------------------------


PAGE_RAW = {  # lang: (tokens, tokens per char, fertility, parity, byte-token share)
    "en": (183, 0.46, 2.38, 1.00, 0.00), "es": (220, 0.56, 2.93, 1.20, 0.05),
    "ru": (315, 0.88, 5.25, 1.72, 0.23), "el": (402, 1.03, 5.83, 2.20, 0.35),
    "ar": (302, 0.98, 5.59, 1.65, 0.28), "hi": (347, 0.99, 4.45, 1.90, 0.20),
    "zh": (247, 2.35, None, 1.35, 0.80), "ja": (285, 2.04, None, 1.56, 0.68),
    "ko": (474, 2.44, 8.78, 2.59, 0.89),
}
PAGE_SMOOTH = {"en": (212, 1.00), "es": (232, 1.09), "ru": (333, 1.57), "el": (362, 1.71),
               "ar": (289, 1.36), "hi": (336, 1.58), "zh": (246, 1.16), "ja": (277, 1.31),
               "ko": (474, 2.24)}
PAGE_BYTES = {"en": 1.0, "es": 1.03, "ru": 1.64, "el": 1.79, "ar": 1.42, "hi": 2.29,
              "zh": 0.8, "ja": 1.06, "ko": 1.2}


def test_raw_mix_numbers_on_the_page(raw):
    for lang, (tok, tpc, fert, par, share) in PAGE_RAW.items():
        texts, enc = TEST[lang], raw.encode
        f = fertility(enc, texts)
        got = (n_tokens(enc, texts), round(tokens_per_char(enc, texts), 2),
               None if f is None else round(f, 2), round(parity(enc, texts, TEST["en"]), 2),
               round(byte_token_share(enc, texts), 2))
        assert got == (tok, tpc, fert, par, share), lang


def test_smoothed_mix_numbers_on_the_page(smooth):
    for lang, (tok, par) in PAGE_SMOOTH.items():
        assert n_tokens(smooth.encode, TEST[lang]) == tok, lang
        assert round(parity(smooth.encode, TEST[lang], TEST["en"]), 2) == par, lang


def test_byte_parity_numbers_on_the_page():
    for lang, par in PAGE_BYTES.items():
        assert round(parity(utf8, TEST[lang], TEST["en"]), 2) == par, lang


def test_vocabulary_allocation_numbers_on_the_page(raw, smooth):
    assert vocab_by_script(raw) == {"Latin": 379, "fragment": 183, "Cyrillic": 61,
                                    "Greek": 42, "Arabic": 29, "Devanagari": 22,
                                    "other": 17, "Han": 8, "Kana": 3}
    assert vocab_by_script(smooth) == {"fragment": 242, "Latin": 169, "Greek": 117,
                                       "Arabic": 79, "Cyrillic": 46, "Devanagari": 33,
                                       "Han": 29, "other": 21, "Kana": 8}


def test_derived_numbers_on_the_page(raw, smooth):
    shares = byte_shares(TRAIN, dict.fromkeys(TRAIN, 1))
    assert round(shares[0] + shares[1], 2) == 0.58  # Latin script: English + Spanish
    assert round(379 / len(raw.merges), 2) == 0.51
    assert round(183 / len(raw.merges), 2) == 0.25  # fragments
    assert round(212 / 183 - 1, 2) == 0.16  # English after smoothing
    assert round(1 / 2.20, 2) == 0.45 and round(1 / 2.59, 2) == 0.39  # context share
    assert round(105 / 395, 2) == 0.27  # Chinese characters per English character
    for lang in TEST:  # smoothing lowers every non-English parity
        if lang != "en":
            assert PAGE_SMOOTH[lang][1] < PAGE_RAW[lang][3], lang


def test_smoothing_further_stops_helping_once_small_languages_are_fully_merged(smooth):
    uniform = train_multilingual(TRAIN, VOCAB_SIZE, alpha=0.0)
    for lang in ("ru", "el", "ar", "zh"):
        assert n_tokens(uniform.encode, TEST[lang]) == n_tokens(smooth.encode, TEST[lang])


def test_embedding_parameters_on_the_page():
    from snippets.specs import LLAMA2_7B, LLAMA3_8B
    untied = {m.name: 2 * m.vocab * m.d_model for m in (LLAMA3_8B, LLAMA2_7B)}
    assert round(untied["Llama 3 8B"] / 1e9, 2) == 1.05
    assert round(untied["Llama 2 7B"] / 1e9, 2) == 0.26
    assert LLAMA3_8B.vocab == 128256 and LLAMA2_7B.vocab == 32000


def test_figure_draws_three_series_of_nine_bars():
    ax = plot_parity().axes[0]
    assert len(ax.patches) == 3 * len(TEST)


def test_gpt4o_greeting_parities_quoted_in_q42():
    """Q42 quotes OpenAI's token counts for one greeting, (cl100k_base, o200k_base), and the
    parities with English that they imply."""
    tokens = {"en": (27, 24), "hi": (90, 31), "gu": (145, 33)}
    parities = {lang: [n / en for n, en in zip(c, tokens["en"])] for lang, c in tokens.items()}
    assert [round(p, 1) for p in parities["hi"]] == [3.3, 1.3]
    assert [round(p, 1) for p in parities["gu"]] == [5.4, 1.4]
    assert round(31 / 90, 2) == 0.34  # o200k_base needs about a third of the Hindi tokens
