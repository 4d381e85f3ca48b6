"""Tests of snippets/retrieval/analogies.py and snippets/retrieval/analogy_plots.py: counts and PPMI against naive
loops, the SVD against scikit-learn, 3CosAdd and 3CosMul against their definitions, and the
analogy accuracies that the page (Q17) states."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics.pairwise import cosine_similarity

from snippets.retrieval.analogies import (FAMILIES, analogy_accuracy, analogy_corpus, analogy_scores,
                                cooccurrence, offset_cosines, ppmi, solve_analogy, svd_embed)
from snippets.retrieval.analogy_plots import plot_analogy_offsets, relation_projection


def embed(n_private, d=None):
    sents, vocab, qs = analogy_corpus(5000, np.random.default_rng(0), n_private=n_private)
    M = ppmi(cooccurrence(sents, len(vocab)))
    return (M if d is None else svd_embed(M, d)), vocab, qs


@pytest.fixture(scope="module")
def clean():
    return embed(0)


@pytest.fixture(scope="module")
def quirky():
    return embed(2)


# -- counts, PPMI and SVD ---------------------------------------------------------------------

def naive_cooccurrence(sents, V):
    C = np.zeros((V, V))
    for s in sents:
        for i in range(len(s)):
            for j in range(len(s)):
                if i != j:
                    C[s[i], s[j]] += 1
    return C


@pytest.mark.parametrize("n", [1, 5, 50])
def test_cooccurrence_matches_a_naive_loop(n):
    sents, vocab, _ = analogy_corpus(n, np.random.default_rng(n), n_private=2)
    C = cooccurrence(sents, len(vocab))
    assert_allclose(C, naive_cooccurrence(sents, len(vocab)))
    assert_allclose(C, C.T)  # a symmetric window gives symmetric counts
    assert C.sum() == sum(len(s) * (len(s) - 1) for s in sents)


def test_cooccurrence_of_an_empty_corpus_is_zero():
    assert_allclose(cooccurrence([], 3), np.zeros((3, 3)))


@pytest.mark.parametrize("alpha", [1.0, 0.75])
def test_ppmi_matches_its_definition(alpha):
    rng = np.random.default_rng(1)
    C = rng.poisson(2.0, size=(6, 7)).astype(float)
    C[0] = 0.0  # a word never seen: its row must be 0, not nan
    total = C.sum()
    pc = C.sum(axis=0) ** alpha / (C.sum(axis=0) ** alpha).sum()
    ref = np.zeros_like(C)
    for w in range(6):
        for c in range(7):
            if C[w, c] > 0:
                ref[w, c] = max(np.log((C[w, c] / total) / (C[w].sum() / total * pc[c])), 0.0)
    out = ppmi(C, alpha)
    assert_allclose(out, ref, rtol=1e-12)
    assert np.all(np.isfinite(out)) and np.all(out >= 0)


def test_context_smoothing_lowers_the_pmi_of_rare_contexts():
    C = np.array([[10.0, 1.0], [10.0, 0.0]])  # context 1 is rare
    assert ppmi(C, 0.75)[0, 1] < ppmi(C, 1.0)[0, 1]


@pytest.mark.parametrize("d", [1, 3, 8])
def test_svd_embed_matches_sklearn_up_to_sign(d):
    M = np.random.default_rng(d).random((12, 12))
    ours = svd_embed(M, d, p=1.0)
    ref = TruncatedSVD(d, algorithm="arpack").fit_transform(M)
    assert_allclose(np.abs(ours), np.abs(ref), atol=1e-8)


def test_full_rank_svd_reconstructs_the_matrix():
    M = np.random.default_rng(0).random((5, 5))
    _, _, Vt = np.linalg.svd(M)
    assert_allclose(svd_embed(M, 5, p=1.0) @ Vt, M, atol=1e-12)


# -- 3CosAdd and 3CosMul ----------------------------------------------------------------------

@pytest.mark.parametrize("V,d", [(10, 3), (50, 16)])
def test_3cosadd_ranks_like_the_offset_vector(V, d):
    # Levy and Goldberg (2014): with unit vectors, argmax cos(x, a* - a + b) = argmax 3CosAdd
    W = np.random.default_rng(V).normal(size=(V, d))
    U = W / np.linalg.norm(W, axis=1, keepdims=True)
    target = U[1] - U[0] + U[2]
    s = analogy_scores(W, 0, 1, 2, "add")
    assert_allclose(s / np.linalg.norm(target), cosine_similarity(W, target[None])[:, 0], rtol=1e-10)


def test_3cosmul_matches_its_formula():
    W = np.random.default_rng(3).normal(size=(20, 5))
    cos = cosine_similarity(W)
    ref = [((cos[x, 1] + 1) / 2) * ((cos[x, 2] + 1) / 2) / ((cos[x, 0] + 1) / 2 + 1e-3)
           for x in range(20)]
    assert_allclose(analogy_scores(W, 0, 1, 2, "mul"), ref, rtol=1e-12)


@pytest.mark.parametrize("method", ["add", "mul"])
def test_the_answer_is_never_a_query_word_when_excluded(method):
    W = np.random.default_rng(4).normal(size=(30, 4))
    for a, s, b in [(0, 1, 2), (5, 3, 9), (7, 8, 6)]:
        assert solve_analogy(W, a, s, b, method) not in {a, s, b}


def test_an_exact_parallelogram_is_solved_by_both_methods():
    rng = np.random.default_rng(5)
    base, g = rng.normal(size=(4, 8)), rng.normal(size=8)
    W = np.vstack([base, base + g])  # word i + 4 is word i shifted by the same offset
    for method in ("add", "mul"):
        assert solve_analogy(W, 0, 4, 1, method) == 5
    assert_allclose(offset_cosines(W, [(i, i + 4) for i in range(4)]), 1.0)


def test_unknown_method_raises():
    with pytest.raises(ValueError):
        analogy_scores(np.eye(3), 0, 1, 2, "sub")


# -- the numbers on the page ------------------------------------------------------------------

@pytest.mark.parametrize("d", [None, 30])
def test_clean_corpus_solves_every_analogy(clean, d):
    W, vocab, qs = clean if d is None else embed(0, d)
    assert len(qs) == 40  # 20 ordered questions per family
    for method in ("add", "mul"):
        for exclude in (True, False):
            assert analogy_accuracy(W, qs, method, exclude) == 1.0


def test_quirky_corpus_accuracies_on_ppmi(quirky):
    W, vocab, qs = quirky
    assert analogy_accuracy(W, qs, "add") == 0.725
    assert analogy_accuracy(W, qs, "mul") == 0.9
    assert analogy_accuracy(W, qs, "add", exclude=False) == 0.3
    assert analogy_accuracy(W, qs, "mul", exclude=False) == 0.775
    # without the exclusion, 3CosAdd mostly returns b itself: 28 of 40 questions
    assert sum(solve_analogy(W, a, s, b, "add", False) == b for a, s, b, _ in qs) == 28
    man, woman, boy = (vocab.index(w) for w in ("man", "woman", "boy"))
    assert solve_analogy(W, man, woman, boy, "add", exclude=False) == boy
    assert vocab[solve_analogy(W, man, woman, boy, "add")] == "girl"
    assert W.shape == (72, 72)  # the explicit representation: one dimension per context word


def test_quirky_corpus_accuracies_on_svd():
    W, vocab, qs = embed(2, 30)
    accs = [analogy_accuracy(W, qs, m, e) for e in (True, False) for m in ("add", "mul")]
    assert accs == [0.75, 0.85, 0.325, 0.675]


@pytest.mark.parametrize("n_private,expected", [(0, 0.94), (2, 0.52)])
def test_offset_cosines_stated_on_the_page(n_private, expected):
    W, vocab, _ = embed(n_private, 30)
    W = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)  # unseen words: 0
    ids = [(vocab.index(x), vocab.index(y)) for x, y in FAMILIES["gender"]["pairs"]]
    assert round(offset_cosines(W, ids), 2) == expected


def test_relation_projection_puts_the_relation_on_x(clean):
    W, vocab, _ = clean
    ids = [(vocab.index(x), vocab.index(y)) for x, y in FAMILIES["capital"]["pairs"]]
    P = relation_projection(W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12), ids)
    dx = P[:, 1, 0] - P[:, 0, 0]
    assert np.all(dx > 0) and dx.std() < 0.05 * dx.mean()  # equal, parallel steps


def test_plot_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    fig = plot_analogy_offsets()
    assert len(fig.axes) == 2 and all(ax.get_xlabel() for ax in fig.axes)
