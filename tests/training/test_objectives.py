import numpy as np
import pytest

from snippets.training.objectives import (
    IGNORE,
    mlm_mask,
    next_token_loss,
    span_corruption,
    span_counts,
)

MASK = 29_999


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_mlm_statistics(rng):
    tokens = rng.integers(0, 1000, size=200_000)
    inputs, labels = mlm_mask(tokens, 30_000, MASK, rng)
    sel = labels != IGNORE
    n = sel.sum()
    # 15 % selected; of those 80 % [MASK], 10 % random, 10 % kept (3 sigma bounds)
    assert abs(sel.mean() - 0.15) < 3 * np.sqrt(0.15 * 0.85 / tokens.size)
    assert abs((inputs[sel] == MASK).mean() - 0.8) < 3 * np.sqrt(0.8 * 0.2 / n)
    kept = (inputs[sel] == tokens[sel]).mean()
    assert abs(kept - (0.1 + 0.1 / 30_000)) < 3 * np.sqrt(0.1 * 0.9 / n)
    random = (inputs[sel] != MASK) & (inputs[sel] != tokens[sel])
    assert abs(random.mean() - 0.1) < 3 * np.sqrt(0.1 * 0.9 / n)
    # so only 12 % of the model's inputs are [MASK]: the pre-train/fine-tune mismatch
    assert abs((inputs == MASK).mean() - 0.12) < 0.003


def test_mlm_invariants(rng):
    tokens = rng.integers(0, 1000, size=5000)
    inputs, labels = mlm_mask(tokens, 1000, MASK, rng)
    sel = labels != IGNORE
    np.testing.assert_array_equal(inputs[~sel], tokens[~sel])  # untouched outside the loss
    np.testing.assert_array_equal(labels[sel], tokens[sel])  # labels are the originals
    assert tokens.max() < 1000 and inputs[inputs != MASK].max() < 1000


def test_mlm_no_selection(rng):
    tokens = np.arange(10)
    inputs, labels = mlm_mask(tokens, 100, MASK, rng, p_select=0.0)
    np.testing.assert_array_equal(inputs, tokens)
    assert np.all(labels == IGNORE)


def test_next_token_loss_reference(rng):
    logits, tokens = rng.normal(size=(6, 7)), rng.integers(0, 7, size=6)
    # reference: a loop with the softmax written out
    ref = -np.mean([np.log(np.exp(logits[t, tokens[t + 1]]) / np.exp(logits[t]).sum())
                    for t in range(5)])
    assert next_token_loss(logits, tokens) == pytest.approx(ref, rel=1e-12)


def test_next_token_loss_invariants(rng):
    assert next_token_loss(np.zeros((4, 50)), np.arange(4)) == pytest.approx(np.log(50))
    tokens = rng.integers(0, 9, size=8)
    perfect = np.full((8, 9), -1e3)
    perfect[np.arange(7), tokens[1:]] = 0.0
    assert next_token_loss(perfect, tokens) < 1e-9
    # shift-invariance of the softmax
    logits = rng.normal(size=(8, 9))
    shifted = next_token_loss(logits + 5.0, tokens)
    assert shifted == pytest.approx(next_token_loss(logits, tokens))


def test_span_counts_t5_defaults():
    # 512 tokens: 77 corrupted in 26 spans, so inputs 461 and targets 103 tokens
    assert span_counts(512) == (77, 26)
    x, y = span_corruption(np.arange(512), 32_099, np.random.default_rng(1))
    assert (len(x), len(y)) == (461, 103)
    assert span_counts(2) == (1, 1)


def _reconstruct(inputs, targets, sentinel_start):
    """Independent reference: fill each sentinel in inputs with its target span."""
    spans, current = {}, None
    for t in targets:
        if t > sentinel_start - 1000:
            current = t
            spans[current] = []
        else:
            spans[current].append(t)
    out = []
    for t in inputs:
        out += spans[t] if t in spans else [t]
    return np.array(out)


@pytest.mark.parametrize("length", [2, 10, 100, 512])
def test_span_corruption_round_trip(rng, length):
    tokens = rng.integers(0, 1000, size=length)
    inputs, targets = span_corruption(tokens, 32_099, rng)
    n_noise, n_spans = span_counts(length)
    assert len(inputs) == length - n_noise + n_spans
    assert len(targets) == n_noise + n_spans
    np.testing.assert_array_equal(_reconstruct(inputs, targets, 32_099), tokens)


def _spans(targets, sentinel_start):
    """Split targets into {sentinel: span} in order (helper for the statistics test)."""
    spans = []
    for t in targets:
        if t > sentinel_start - 1000:
            spans.append((t, []))
        else:
            spans[-1][1].append(t)
    return spans


def test_span_corruption_spans_and_sentinels(rng):
    # every span is non-empty, sentinels count down from the top in inputs and targets alike
    tokens = rng.integers(0, 1000, size=512)
    inputs, targets = span_corruption(tokens, 32_099, rng)
    spans = _spans(targets, 32_099)
    assert [s for s, _ in spans] == list(range(32_099, 32_099 - 26, -1))
    assert [t for t in inputs if t > 32_099 - 1000] == [s for s, _ in spans]
    assert all(len(span) >= 1 for _, span in spans)
    assert sum(len(span) for _, span in spans) == 77


def test_span_corruption_mean_span_length(rng):
    # span lengths are random; by symmetry each span (here the first) averages 77 / 26
    first = []
    for _ in range(2000):
        _, targets = span_corruption(np.arange(512), 32_099, rng)
        first.append(len(_spans(targets, 32_099)[0][1]))
    assert np.std(first) > 1.0  # not a fixed length
    assert np.mean(first) == pytest.approx(77 / 26, abs=0.15)
