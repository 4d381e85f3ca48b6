"""Tests of snippets/alignment/sft_data.py and sft_data_plots.py: only assistant tokens are
trained, and packing with the block-diagonal mask computes exactly what the unpacked
examples compute."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.sft_data import (
    END, IGNORE, masked_nll, mixture_weights, pack, packed_mask, render_chat, sft_labels,
)
from snippets.generation.attention import causal_mask, scaled_dot_product_attention

CHAT = [
    ("system", "Be brief."),
    ("user", "Capital of France?"),
    ("assistant", "Paris."),
    ("user", "And of Italy?"),
    ("assistant", "Rome."),
]


@pytest.fixture
def rng():
    return np.random.default_rng(23)


def test_render_chat_trains_exactly_the_assistant_turns():
    tokens, train = render_chat(CHAT)
    # Hand-worked: the trained tokens are the assistant texts, each followed by END.
    trained = tokens[train].tolist()
    assert trained == [*b"Paris.", END, *b"Rome.", END]
    # The worked example on the page: 99 tokens, of which 13 are trained.
    assert (len(tokens), int(train.sum())) == (99, 13)


def test_render_chat_invariants():
    tokens, train = render_chat(CHAT)
    assert tokens.shape == train.shape and not train[0]
    # No header token (START, role, newline) and no user/system byte is ever trained.
    n_assistant = sum(len(t.encode()) + 1 for r, t in CHAT if r == "assistant")
    assert train.sum() == n_assistant
    tokens_u, train_u = render_chat([(r, t) for r, t in CHAT if r != "assistant"])
    assert not train_u.any()


def test_sft_labels_against_a_loop():
    tokens, train = render_chat(CHAT)
    labels = sft_labels(tokens, train)
    expected = [tokens[t + 1] if train[t + 1] else IGNORE for t in range(len(tokens) - 1)]
    assert labels.tolist() == expected + [IGNORE]
    assert (labels != IGNORE).sum() == train[1:].sum()


def naive_nll(logits, labels):
    losses = []
    for row, y in zip(logits.reshape(-1, logits.shape[-1]), labels.ravel()):
        if y != IGNORE:
            losses.append(np.log(np.exp(row).sum()) - row[y])
    return sum(losses) / len(losses)


def test_masked_nll_against_naive(rng):
    logits = rng.normal(size=(3, 7, 11))
    labels = rng.integers(0, 11, size=(3, 7))
    labels[rng.random((3, 7)) < 0.5] = IGNORE
    assert_allclose(masked_nll(logits, labels), naive_nll(logits, labels), rtol=1e-12)


def test_masked_nll_ignores_prompt_positions(rng):
    tokens, train = render_chat(CHAT)
    labels = sft_labels(tokens, train)
    logits = rng.normal(size=(len(tokens), 259))
    changed = logits.copy()
    changed[labels == IGNORE] = rng.normal(size=changed[labels == IGNORE].shape) * 100
    assert masked_nll(changed, labels) == masked_nll(logits, labels)


def test_token_mean_differs_from_mean_of_sequence_means():
    # One sequence with 1 trained token (loss log 4), one with 3 (loss ~0: huge logit).
    logits = np.zeros((2, 3, 4))
    labels = np.array([[IGNORE, IGNORE, 1], [2, 2, 2]])
    logits[1, :, 2] = 50.0
    token_mean = masked_nll(logits, labels)
    seq_mean = np.mean([masked_nll(logits[i], labels[i]) for i in range(2)])
    assert_allclose(token_mean, np.log(4) / 4, rtol=1e-9)
    assert_allclose(seq_mean, np.log(4) / 2, rtol=1e-9)


def examples_of(lengths, rng):
    out = []
    for n in lengths:
        tok = rng.integers(0, 256, size=n)
        out.append((tok, sft_labels(tok, rng.random(n) < 0.5)))
    return out


def test_pack_hand_case_and_invariants(rng):
    lengths = [5, 3, 4, 2, 6]
    rows = pack(examples_of(lengths, rng), L=8)
    # First fit: [5, 3], [4, 2], [6]: 3 rows of 8 hold 20 tokens, 4 padding slots.
    assert rows["tokens"].shape == (3, 8)
    assert (rows["segment"] > 0).sum() == sum(lengths)
    for r in range(3):
        for s in range(1, rows["segment"][r].max() + 1):
            pos = rows["position"][r][rows["segment"][r] == s]
            assert pos.tolist() == list(range(len(pos)))
    assert (rows["labels"][rows["segment"] == 0] == IGNORE).all()


def test_pack_preserves_every_example(rng):
    exs = examples_of(rng.integers(1, 16, size=30), rng)
    rows = pack(exs, L=16)
    got = sorted(
        tuple(rows["tokens"][r][rows["segment"][r] == s])
        for r in range(len(rows["tokens"])) for s in range(1, rows["segment"][r].max() + 1)
    )
    assert got == sorted(tuple(t) for t, _ in exs)


def test_pack_rejects_an_example_longer_than_a_row():
    with pytest.raises(ValueError, match="row length"):
        pack([(np.arange(9), np.arange(9))], L=8)


def test_packed_mask_hand_case():
    m = packed_mask(np.array([1, 1, 2, 2, 2, 0]))
    expected = np.zeros((6, 6), dtype=bool)
    expected[:2, :2] = np.tril(np.ones((2, 2), dtype=bool))
    expected[2:5, 2:5] = np.tril(np.ones((3, 3), dtype=bool))
    assert (m == expected).all()


@pytest.mark.parametrize("lengths", [[5, 3], [1, 1, 1], [8], [2, 4, 1]])
def test_packed_attention_equals_separate_attention(rng, lengths):
    L, d = 8, 4
    segment = np.zeros(L, dtype=int)
    t = 0
    for s, n in enumerate(lengths, start=1):
        segment[t:t + n] = s
        t += n
    q, k, v = rng.normal(size=(3, L, d))
    out, w = scaled_dot_product_attention(q, k, v, mask=packed_mask(segment))
    t = 0
    for n in lengths:
        sl = slice(t, t + n)
        alone, _ = scaled_dot_product_attention(q[sl], k[sl], v[sl], mask=causal_mask(n))
        assert_allclose(out[sl], alone, rtol=1e-12, atol=1e-12)
        t += n
    # No weight crosses an example boundary; padding rows are all zero.
    assert_allclose(w[segment == 0], 0.0)
    assert_allclose(w.sum(-1)[segment > 0], 1.0, rtol=1e-12)


def test_naive_packing_leaks_across_examples(rng):
    q, k, v = rng.normal(size=(3, 8, 4))
    plain, _ = scaled_dot_product_attention(q, k, v, mask=causal_mask(8))
    alone, _ = scaled_dot_product_attention(q[5:], k[5:], v[5:], mask=causal_mask(3))
    assert not np.allclose(plain[5:], alone)


def test_mixture_weights_reference_and_limits():
    assert_allclose(mixture_weights([900, 90, 10], cap=100), [0.5, 0.45, 0.05])
    assert_allclose(mixture_weights([900, 90, 10]), [0.9, 0.09, 0.01])
    # T = 2: square roots 30, 9.487, 3.162.
    r = np.sqrt([900, 90, 10])
    assert_allclose(mixture_weights([900, 90, 10], temperature=2), r / r.sum())
    assert_allclose(mixture_weights([900, 90, 10], temperature=1e9), [1 / 3] * 3, rtol=1e-6)
    assert_allclose(mixture_weights([900, 90, 10], temperature=2).round(3),
                    [0.703, 0.222, 0.074])


def test_plot_packed_row_draws_the_tested_masks():
    from snippets.alignment.sft_data_plots import example_row, plot_packed_row

    row = example_row()
    assert row["segment"][0].tolist() == [1] * 5 + [2] * 3 + [3] * 4 + [0, 0]
    assert (row["labels"][0] != IGNORE).sum() == 5
    fig = plot_packed_row()
    assert len(fig.axes) == 3
