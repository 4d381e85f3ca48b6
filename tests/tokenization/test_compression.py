"""Tests of snippets/tokenization/compression.py and its figure: bytes per token on the
book's corpus, the numbers Q20 quotes, and the embedding share of Llama models."""

import pytest
from numpy.testing import assert_allclose

from snippets.specs import LLAMA2_7B, LLAMA3_8B
from snippets.tokenization.bpe import ByteBPE, train_bpe
from snippets.tokenization.compression import (bytes_per_token, compression_curve,
                                               embedding_share)
from snippets.tokenization.compression_plots import VOCAB_SIZES, plot_compression
from snippets.tokenization.corpus import split_corpus


@pytest.fixture(scope="module")
def curve():
    train, held_out = split_corpus()
    return dict(zip(VOCAB_SIZES, compression_curve(train, held_out, VOCAB_SIZES)))


def test_bytes_per_token_by_hand():
    bpe = ByteBPE(merges=[(97, 98)])  # "ab"
    assert bytes_per_token(bpe, ["abab", "ab c"]) == 8 / 5  # ab ab | ab " " c


def test_q20_curve_numbers(curve):
    # (merges, train, held-out) as quoted on the Q20 page, to two decimals
    quoted = {256: (0, 1.00, 1.00), 384: (128, 1.89, 1.82), 512: (256, 2.30, 2.03),
              768: (512, 2.95, 2.23), 1024: (768, 3.58, 2.39), 1536: (1077, 4.82, 2.45)}
    for V, (n, tr, ho) in quoted.items():
        assert curve[V][0] == n
        assert_allclose(curve[V][1:], (tr, ho), atol=0.005)


def test_held_out_gains_shrink(curve):
    # Q20: on held-out text, 256 -> 512 gains 1.03 bytes/token, 512 -> 1,024 only 0.36
    assert round(curve[512][2] - curve[256][2], 2) == 1.03
    assert round(curve[1024][2] - curve[512][2], 2) == 0.36


def test_compression_grows_with_vocabulary_and_overfits(curve):
    rows = [curve[V] for V in VOCAB_SIZES]
    for a, b in zip(rows, rows[1:]):
        assert b[1] >= a[1] and b[2] >= a[2] - 1e-12  # more merges never hurt here
    assert all(tr >= ho - 0.1 for _, tr, ho in rows)
    assert rows[-1][1] / rows[-1][2] > 1.9  # training text compresses ~2x better at the end


def test_training_stops_at_1333():
    train, _ = split_corpus()
    assert len(train_bpe(train, 5000).merges) == 1077  # V = 1,333: every chunk is one token


def test_embedding_share_of_llama_models():
    assert 2 * LLAMA2_7B.vocab * LLAMA2_7B.d_model == 262_144_000
    assert 2 * LLAMA3_8B.vocab * LLAMA3_8B.d_model == 1_050_673_152
    assert round(100 * embedding_share(LLAMA2_7B), 1) == 3.9
    assert round(100 * embedding_share(LLAMA3_8B), 1) == 13.1


def test_plot_compression():
    fig = plot_compression()
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 2]
    assert len(lines) == 2 and lines[0].get_xdata()[-1] == 1333
