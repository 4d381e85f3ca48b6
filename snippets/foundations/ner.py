"""Named entities as token tags: BIO and BIOES <-> spans,
and span-level precision/recall/F1.

A span is (start, end, type) over token positions, end exclusive: "New York" at tokens 2-3
is (2, 4, "LOC").
Follows: the IOB chunk encoding of Ramshaw & Marcus (1995) in its BIO (IOB2) form and the
BIOES (BILOU) form of Ratinov & Roth (2009); the CoNLL exact-match span metric of Tjong Kim
Sang & De Meulder (2003). B/I/O tags (IOB2, and the IOB1 of the original CoNLL-2003 files)
are read with the chunk rules of the `conlleval` script: an I- tag that does not continue a
span of its type opens a new one.
Simplifications: flat (non-nested) entities; one sentence at a time. conlleval has no S- tag
(BIOES output is converted to BIO before scoring with it); here an E- or S- tag closes its
span.
"""


def tagset(types, scheme="BIO"):
    """All tags for the entity types: 2E + 1 for BIO, 4E + 1 for BIOES.

    >>> tagset(["PER", "LOC"])
    ['O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC']
    """
    prefixes = "BI" if scheme == "BIO" else "BIES"
    return ["O"] + [f"{p}-{t}" for t in types for p in prefixes]


def _split(tag):
    """"B-PER" -> ("B", "PER"); "O" -> ("O", None)."""
    return (tag, None) if tag == "O" else tuple(tag.split("-", 1))


def tags_to_spans(tags):
    """Spans from BIO, IOB1 or BIOES tags, read leniently like conlleval.

    tags: list of T strings -> sorted list of (start, end, type).

    >>> tags_to_spans(["B-PER", "I-PER", "O", "B-LOC", "I-LOC"])
    [(0, 2, 'PER'), (3, 5, 'LOC')]
    >>> tags_to_spans(["O", "I-ORG", "I-ORG", "S-PER"])
    [(1, 3, 'ORG'), (3, 4, 'PER')]
    """
    spans, start, kind = [], None, None
    prev = "O"
    for i, tag in enumerate(list(tags) + ["O"]):  # a sentinel O closes the last span
        prefix, typ = _split(tag)
        # A span ends before i if: it was closed by E/S, or the tag does not continue it.
        if start is not None and (prev in ("E", "S") or prefix in ("B", "S", "O")
                                  or typ != kind):
            spans.append((start, i, kind))
            start = None
        # subtle: I-X with no open X span starts one (conlleval), as does E-X: not dropped
        if prefix != "O" and start is None:
            start, kind = i, typ
        prev = prefix
    return spans


def spans_to_tags(spans, T, scheme="BIO"):
    """Write non-overlapping spans as T tags. scheme: "BIO" or "BIOES".

    >>> spans_to_tags([(0, 1, "PER"), (2, 4, "LOC")], 4, "BIOES")
    ['S-PER', 'O', 'B-LOC', 'E-LOC']
    """
    tags = ["O"] * T
    for start, end, typ in sorted(spans):
        if any(t != "O" for t in tags[start:end]):
            raise ValueError(f"span {(start, end, typ)} overlaps another: "
                             "flat tags cannot nest")
        tags[start:end] = [f"B-{typ}"] + [f"I-{typ}"] * (end - start - 1)
        if scheme == "BIOES":  # single-token spans become S-, a span's last token E-
            tags[end - 1] = f"S-{typ}" if end - start == 1 else f"E-{typ}"
    return tags


def convert(tags, scheme):
    """Re-encode tags in another scheme (also repairs an I- without its B-).

    >>> convert(["O", "I-PER", "I-PER"], "BIO")
    ['O', 'B-PER', 'I-PER']
    """
    return spans_to_tags(tags_to_spans(tags), len(tags), scheme)


def span_prf(gold, pred):
    """Micro-averaged exact-match span precision, recall, F1 over a corpus.

    gold, pred: lists (one per sentence) of tag lists -> (precision, recall, f1, tp, n_pred,
    n_gold). A predicted span counts only if start, end and type all match a gold span.

    >>> span_prf([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]])
    (0.0, 0.0, 0.0, 0, 1, 1)
    """
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred, strict=True):
        G, P = set(tags_to_spans(g)), set(tags_to_spans(p))
        tp, n_pred, n_gold = tp + len(G & P), n_pred + len(P), n_gold + len(G)
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, tp, n_pred, n_gold


def token_accuracy(gold, pred):
    """Fraction of tokens whose tag is exactly right (the metric NER should NOT report).

    >>> token_accuracy([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]])
    0.6666666666666666
    """
    pairs = [(a, b) for g, p in zip(gold, pred, strict=True)
             for a, b in zip(g, p, strict=True)]
    return sum(a == b for a, b in pairs) / len(pairs)
