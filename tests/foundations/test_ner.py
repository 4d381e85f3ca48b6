"""BIO/BIOES <-> spans and span-level F1: hand-worked cases, round trips, conlleval rules."""

import numpy as np
import pytest

from snippets.foundations.ner import convert, span_prf, spans_to_tags, tags_to_spans, token_accuracy

TYPES = ["PER", "LOC", "ORG"]


@pytest.fixture
def rng():
    return np.random.default_rng(5)


def random_spans(rng, T):
    """Non-overlapping random spans over T tokens."""
    spans, i = [], 0
    while i < T:
        if rng.random() < 0.4:
            length = int(rng.integers(1, 4))
            end = min(T, i + length)
            spans.append((i, end, str(rng.choice(TYPES))))
            i = end
        else:
            i += 1
    return spans


@pytest.mark.parametrize("tags, spans", [
    ([], []),
    (["O"], []),
    (["B-PER"], [(0, 1, "PER")]),
    (["I-PER"], [(0, 1, "PER")]),                              # I- without B- opens a span
    (["O", "I-ORG", "I-ORG", "O"], [(1, 3, "ORG")]),
    (["B-PER", "I-LOC"], [(0, 1, "PER"), (1, 2, "LOC")]),      # type change splits
    (["B-PER", "B-PER"], [(0, 1, "PER"), (1, 2, "PER")]),      # adjacent same-type entities
    (["B-LOC", "I-LOC", "I-LOC"], [(0, 3, "LOC")]),
    (["S-PER", "B-LOC", "I-LOC", "E-LOC", "O"], [(0, 1, "PER"), (1, 4, "LOC")]),
    (["B-LOC", "E-LOC", "I-LOC"], [(0, 2, "LOC"), (2, 3, "LOC")]),  # I after E opens a span
    (["E-PER", "E-PER"], [(0, 1, "PER"), (1, 2, "PER")]),
])
def test_tags_to_spans_hand_worked(tags, spans):
    assert tags_to_spans(tags) == spans


def conlleval_chunks(tags):
    """Independent reference: spans as conlleval (version 2004-01-26) reads B/I/O tags, a port of
    its endOfChunk/startOfChunk rules (an untyped O has type "", as in the Perl script)."""
    def split(tag):
        return ("O", "") if tag == "O" else tuple(tag.split("-", 1))

    def end_of_chunk(prev, tag, prev_type, typ):
        return (prev, tag) in {("B", "B"), ("B", "O"), ("I", "B"), ("I", "O")} or \
            (prev != "O" and prev_type != typ)

    def start_of_chunk(prev, tag, prev_type, typ):
        return (prev, tag) in {("B", "B"), ("I", "B"), ("O", "B"), ("O", "I")} or \
            (tag != "O" and prev_type != typ)

    spans, start, prev, prev_type = [], None, "O", ""
    for i, tag_type in enumerate(list(tags) + ["O"]):  # a sentence boundary counts as O
        tag, typ = split(tag_type)
        if start is not None and end_of_chunk(prev, tag, prev_type, typ):
            spans.append((start, i, prev_type))
            start = None
        if start_of_chunk(prev, tag, prev_type, typ):
            start = i
        prev, prev_type = tag, typ
    return spans


def test_bio_reading_matches_conlleval_rules(rng):
    """On B/I/O tags, valid or not (IOB2, IOB1, stray I-), the spans are conlleval's."""
    alphabet = ["O"] + [f"{p}-{t}" for p in "BI" for t in TYPES]
    for _ in range(500):
        tags = [str(t) for t in rng.choice(alphabet, size=int(rng.integers(0, 12)))]
        assert tags_to_spans(tags) == conlleval_chunks(tags)


def test_iob1_as_in_the_original_conll2003_files():
    # IOB1: I- everywhere, B- only where an entity directly follows one of the same type
    tags = ["I-PER", "I-PER", "B-PER", "O", "I-LOC", "I-ORG"]
    assert tags_to_spans(tags) == [(0, 2, "PER"), (2, 3, "PER"), (4, 5, "LOC"), (5, 6, "ORG")]
    assert convert(tags, "BIO") == ["B-PER", "I-PER", "B-PER", "O", "B-LOC", "B-ORG"]


@pytest.mark.parametrize("scheme", ["BIO", "BIOES"])
@pytest.mark.parametrize("T", [0, 1, 2, 7, 30])
def test_round_trip_spans_tags_spans(rng, scheme, T):
    for _ in range(50):
        spans = random_spans(rng, T)
        tags = spans_to_tags(spans, T, scheme)
        assert len(tags) == T
        assert tags_to_spans(tags) == spans
        assert convert(tags, "BIOES" if scheme == "BIO" else "BIO") == \
            spans_to_tags(spans, T, "BIOES" if scheme == "BIO" else "BIO")


@pytest.mark.parametrize("scheme", ["BIO", "BIOES"])
def test_round_trip_tags_spans_tags_is_a_repair(rng, scheme):
    """Any tag sequence maps to valid tags; valid tags map to themselves (idempotence)."""
    alphabet = ["O"] + [f"{p}-{t}" for p in "BIES" for t in TYPES]
    for _ in range(200):
        tags = list(rng.choice(alphabet, size=int(rng.integers(0, 9))))
        fixed = convert(tags, scheme)
        assert convert(fixed, scheme) == fixed
        assert tags_to_spans(fixed) == tags_to_spans(tags)


def test_bioes_hand_worked():
    assert spans_to_tags([(0, 2, "PER"), (3, 4, "LOC")], 5, "BIOES") == \
        ["B-PER", "E-PER", "O", "S-LOC", "O"]
    assert spans_to_tags([(1, 4, "ORG")], 4) == ["O", "B-ORG", "I-ORG", "I-ORG"]


def test_overlapping_spans_are_rejected():
    with pytest.raises(ValueError, match="nest"):
        spans_to_tags([(0, 3, "ORG"), (1, 2, "LOC")], 3)  # "[Bank of [China]]"


def test_span_prf_hand_worked():
    gold = [["B-PER", "O", "B-LOC", "I-LOC"], ["B-ORG", "I-ORG", "O"]]
    pred = [["B-PER", "O", "O", "I-LOC"], ["B-ORG", "I-ORG", "B-PER"]]
    # gold spans: Jim, New York, ORG(2 tok) = 3; predicted: Jim, York, ORG, PER = 4; correct: 2
    p, r, f, tp, n_pred, n_gold = span_prf(gold, pred)
    assert (tp, n_pred, n_gold) == (2, 4, 3)
    assert p == pytest.approx(0.5) and r == pytest.approx(2 / 3)
    assert f == pytest.approx(2 * 0.5 * (2 / 3) / (0.5 + 2 / 3))


def test_span_prf_invariants(rng):
    gold = [spans_to_tags(random_spans(rng, 10), 10) for _ in range(20)]
    assert span_prf(gold, gold)[:3] == (1.0, 1.0, 1.0)
    empty = [["O"] * 10 for _ in gold]
    assert span_prf(gold, empty)[:3] == (0.0, 0.0, 0.0)
    # swapping gold and prediction swaps precision and recall
    other = [spans_to_tags(random_spans(rng, 10), 10) for _ in range(20)]
    p, r, f = span_prf(gold, other)[:3]
    assert span_prf(other, gold)[:3] == pytest.approx((r, p, f))


def test_worked_example_boundary_error():
    """The page's example: one boundary error costs half the spans but a quarter of tokens."""
    gold = [["B-PER", "O", "B-LOC", "I-LOC"]]
    greedy = [["B-PER", "O", "O", "I-LOC"]]
    assert token_accuracy(gold, greedy) == 0.75
    assert span_prf(gold, greedy)[:3] == (0.5, 0.5, 0.5)


def test_tagset_sizes():
    """The page: CoNLL-2003's four types give 9 BIO tags and 17 BIOES tags."""
    from snippets.foundations.ner import tagset
    types = ["PER", "ORG", "LOC", "MISC"]
    assert len(tagset(types, "BIO")) == 9 and len(tagset(types, "BIOES")) == 17
    assert tagset([], "BIO") == ["O"]
    # every tag that spans_to_tags can write is in the tag set
    tags = spans_to_tags([(0, 1, "PER"), (1, 3, "LOC")], 3, "BIOES")
    assert set(tags) <= set(tagset(types, "BIOES"))
