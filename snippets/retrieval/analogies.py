"""Static word vectors from counts: PPMI, its truncated SVD, and analogies by vector offset.

Follows: Church and Hanks (1990) for PMI; Levy, Goldberg and Dagan (2015) for PPMI with
context-distribution smoothing and SVD with eigenvalue weighting; Mikolov, Yih and Zweig
(2013) for the offset method (3CosAdd); Levy and Goldberg (2014, CoNLL) for 3CosMul and the
view of 3CosAdd as a sum of three similarities.

Simplifications: the co-occurrence window is the whole (short) sentence; a dense V x V
matrix; `analogy_corpus` is a generator built so that analogies hold, not natural text.
"""

import numpy as np

# Each family: pairs (x, y) that share an identity;
# x and y differ only in the relation's type.
FAMILIES = {
    "gender": {"pairs": [("king", "queen"), ("man", "woman"), ("prince", "princess"),
                         ("boy", "girl"), ("uncle", "aunt")],
               "identity": [["throne", "crown"], ["street", "job"], ["castle", "heir"],
                            ["school", "toy"], ["cousin", "visit"]],
               "type": [["he", "his"], ["she", "her"]]},
    "capital": {"pairs": [("france", "paris"), ("italy", "rome"), ("japan", "tokyo"),
                          ("spain", "madrid"), ("egypt", "cairo")],
                "identity": [["french", "wine"], ["italian", "pasta"],
                             ["japanese", "sushi"], ["spanish", "flamenco"],
                             ["egyptian", "nile"]],
                "type": [["border", "nation"], ["mayor", "downtown"]]},
}
FILLER = ["the", "a", "of", "in"]
POOL = [f"topic{j}" for j in range(20)]  # topical words each target uses idiosyncratically


def analogy_corpus(n_sentences, rng, n_identity=3, n_type=1, n_private=0):
    """Sentences 'target + contexts': identity words of the target's pair,
    type words of its side.

    -> (sentences: list of int arrays, vocab: list of str,
        questions: list of (a, a*, b, b*) ids).

    >>> sents, vocab, qs = analogy_corpus(10, np.random.default_rng(0))
    >>> len(vocab), len(qs), [vocab[i] for i in qs[0]]
    (72, 40, ['king', 'queen', 'man', 'woman'])
    """
    words = []
    for fam in FAMILIES.values():
        words += [w for pair in fam["pairs"] for w in pair]
        words += [c for ctx in fam["identity"] + fam["type"] for c in ctx]
    vocab = list(dict.fromkeys(words + FILLER + POOL))
    ix = {w: i for i, w in enumerate(vocab)}
    targets = [(fam, p, side) for fam in FAMILIES.values()
               for p in range(5) for side in (0, 1)]
    quirks = rng.dirichlet(0.2 * np.ones(len(POOL)), size=len(targets))
    sentences = []
    for t in rng.integers(len(targets), size=n_sentences):
        fam, p, side = targets[t]
        toks = [fam["pairs"][p][side]]
        toks += list(rng.choice(fam["identity"][p], size=n_identity))  # who or where it is
        toks += list(rng.choice(fam["type"][side], size=n_type))  # which side of the pair
        toks += list(rng.choice(POOL, size=n_private, p=quirks[t]))  # the word's own quirks
        toks += list(rng.choice(FILLER, size=2))  # uninformative words shared by everything
        sentences.append(np.array([ix[w] for w in toks]))
    questions = [(ix[x1], ix[y1], ix[x2], ix[y2]) for fam in FAMILIES.values()
                 for (x1, y1) in fam["pairs"] for (x2, y2) in fam["pairs"] if x1 != x2]
    return sentences, vocab, questions


def cooccurrence(sentences, V):
    """Symmetric counts #(w, c) of two tokens in the same sentence. -> (V, V).

    >>> cooccurrence([np.array([0, 1, 1])], 2).tolist()
    [[0.0, 2.0], [2.0, 2.0]]
    """
    C = np.zeros((V, V))
    for s in sentences:
        counts = np.bincount(s, minlength=V).astype(float)
        # every ordered pair of positions i != j: outer product minus the diagonal i == j
        C += np.outer(counts, counts) - np.diag(counts)
    return C


def ppmi(C, alpha=1.0):
    """Positive PMI: max(log p(w, c) / (p(w) p_alpha(c)), 0);
    alpha < 1 smooths the contexts.

    C: (V, V) counts -> (V, V). Zero counts give 0, not -inf.

    >>> ppmi(np.array([[2.0, 0.0], [0.0, 2.0]])).round(4).tolist()
    [[0.6931, 0.0], [0.0, 0.6931]]
    """
    total = C.sum()
    p_w = C.sum(axis=1) / total
    c_alpha = C.sum(axis=0) ** alpha
    # context distribution raised to alpha (Levy et al., 2015)
    p_c = c_alpha / c_alpha.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(C / total) - np.log(p_w)[:, None] - np.log(p_c)[None, :]
    # subtle: log 0 = -inf (or nan for an unseen word) on empty cells; PPMI sets them to 0
    return np.where(C > 0, np.maximum(pmi, 0.0), 0.0)


def svd_embed(M, d, p=0.5):
    """Truncated SVD word vectors W = U_d S_d^p
    (p = 0.5 splits S between words and contexts).

    M: (V, V) -> (V, d).

    >>> svd_embed(np.diag([4.0, 1.0]), 1).round(4).tolist()
    [[2.0], [0.0]]
    """
    U, S, _ = np.linalg.svd(M)
    return U[:, :d] * S[:d] ** p


def _unit(W):
    return W / np.maximum(np.linalg.norm(W, axis=-1, keepdims=True), 1e-12)


def analogy_scores(W, a, a_star, b, method="add", eps=1e-3):
    """Scores of every word as the answer b* to 'a is to a* as b is to b*'.
    W: (V, d) -> (V,).

    add (3CosAdd): cos(x, a*) - cos(x, a) + cos(x, b);
    mul (3CosMul): cos'(x, a*) cos'(x, b) / (cos'(x, a) + eps), cos' = (cos + 1) / 2.

    >>> W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.2, 1.0]])
    >>> analogy_scores(W, 0, 1, 2).round(3).tolist()  # a* itself (word 1) scores highest
    [-0.019, 1.196, 0.216, 1.169]
    """
    U = _unit(np.asarray(W, dtype=float))
    cos = U @ U[[a, a_star, b]].T  # (V, 3): similarity of every word to a, a*, b
    if method == "add":
        return cos[:, 1] - cos[:, 0] + cos[:, 2]
    if method == "mul":
        c = (cos + 1.0) / 2.0  # shift to [0, 1] so that the product and ratio make sense
        return c[:, 1] * c[:, 2] / (c[:, 0] + eps)
    raise ValueError(f"unknown method {method!r}")


def solve_analogy(W, a, a_star, b, method="add", exclude=True):
    """The answer b*: argmax of `analogy_scores`, by default over words other than a, a*, b.

    >>> W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.2, 1.0]])
    >>> solve_analogy(W, 0, 1, 2), solve_analogy(W, 0, 1, 2, exclude=False)
    (3, 1)
    """
    s = analogy_scores(W, a, a_star, b, method)
    if exclude:
        # subtle: the usual benchmark protocol;
        # without it the answer is often a* or b itself
        s[[a, a_star, b]] = -np.inf
    return int(np.argmax(s))


def analogy_accuracy(W, questions, method="add", exclude=True):
    """Share of questions (a, a*, b, b*) whose answer is b*.

    >>> W = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.2], [0.2, 1.0]])
    >>> qs = [(0, 1, 2, 3)]
    >>> analogy_accuracy(W, qs), analogy_accuracy(W, qs, exclude=False)
    (1.0, 0.0)
    """
    return float(np.mean([solve_analogy(W, a, s, b, method, exclude) == t
                          for a, s, b, t in questions]))


def offset_cosines(W, pairs):
    """Mean cosine between the offsets y - x of different pairs (1 = perfectly parallel).

    >>> W = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 3.0], [2.0, 3.0]])
    >>> offset_cosines(W, [(0, 1), (2, 3)])  # both offsets point along x
    1.0
    """
    off = _unit(np.array([W[y] - W[x] for x, y in pairs]))
    G = off @ off.T
    n = len(pairs)
    return float((G.sum() - n) / (n * (n - 1)))

