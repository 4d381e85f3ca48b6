"""Linear-chain CRF: Viterbi and the forward algorithm against brute-force enumeration."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.special import logsumexp

from snippets.foundations.crf import (LABELS, bio_constraints, brute_force, example, log_partition,
                          sequence_score, viterbi)
from snippets.foundations.ner import tags_to_spans


@pytest.fixture
def rng():
    return np.random.default_rng(2)


def random_crf(rng, T, K):
    return (rng.normal(size=(T, K)), rng.normal(size=(K, K)), rng.normal(size=K),
            rng.normal(size=K))


@pytest.mark.parametrize("T, K", [(1, 1), (1, 4), (2, 3), (4, 3), (5, 4), (3, 5)])
def test_viterbi_matches_brute_force(rng, T, K):
    for _ in range(10):
        crf = random_crf(rng, T, K)
        path, score = viterbi(*crf)
        paths, scores = brute_force(*crf)
        assert score == pytest.approx(scores.max(), abs=1e-12)
        assert np.array_equal(path, paths[np.argmax(scores)])  # continuous scores: no ties
        assert sequence_score(path, *crf) == pytest.approx(score, abs=1e-12)


@pytest.mark.parametrize("T, K", [(1, 1), (1, 4), (2, 3), (4, 3), (5, 4)])
def test_log_partition_matches_brute_force(rng, T, K):
    crf = random_crf(rng, T, K)
    _, scores = brute_force(*crf)
    assert_allclose(log_partition(*crf), logsumexp(scores), rtol=1e-12)


def test_probabilities_normalise_and_viterbi_is_the_mode(rng):
    crf = random_crf(rng, 4, 3)
    paths, scores = brute_force(*crf)
    p = np.exp(scores - log_partition(*crf))
    assert_allclose(p.sum(), 1.0, rtol=1e-12)
    path, score = viterbi(*crf)
    assert np.exp(score - log_partition(*crf)) == pytest.approx(p.max())


def test_log_partition_is_stable_for_large_scores(rng):
    E, A, s, e = random_crf(rng, 6, 3)
    shifted = log_partition(E + 1000.0, A, s, e)
    assert np.isfinite(shifted)
    assert shifted == pytest.approx(log_partition(E, A, s, e) + 6 * 1000.0)


def test_uniform_scores_hand_worked():
    # all scores 0: every one of K^T paths has score 0, so log Z = T log K
    assert log_partition(np.zeros((3, 4)), np.zeros((4, 4)), np.zeros(4), np.zeros(4)) == \
        pytest.approx(3 * np.log(4))


def test_bio_constraints_hand_worked():
    A, start = bio_constraints(LABELS)
    allowed = {(a, b) for i, a in enumerate(LABELS) for j, b in enumerate(LABELS) if A[i, j] == 0}
    assert ("O", "I-PER") not in allowed and ("B-LOC", "I-PER") not in allowed
    assert ("B-PER", "I-PER") in allowed and ("I-PER", "I-PER") in allowed
    assert ("I-PER", "B-LOC") in allowed and ("O", "B-PER") in allowed
    assert start.tolist() == [0, 0, -1e4, 0, -1e4]


def test_constrained_viterbi_outputs_valid_bio(rng):
    A, start = bio_constraints(LABELS)
    for T in (1, 3, 6):
        path, _ = viterbi(rng.normal(scale=3, size=(T, 5)), A, start, np.zeros(5))
        tags = [LABELS[i] for i in path]
        assert all(not t.startswith("I-") or (i > 0 and tags[i - 1][2:] == t[2:])
                   for i, t in enumerate(tags))


def test_worked_example_numbers():
    """The page's numbers: greedy 7.4 (invalid), Viterbi 7.2, P(best path) 0.206."""
    tokens, E, A, start, end = example()
    greedy = [LABELS[i] for i in E.argmax(axis=1)]
    assert greedy == ["B-PER", "O", "O", "I-LOC"]
    assert E.max(axis=1).sum() == pytest.approx(7.4)
    path, score = viterbi(E, A, start, end)
    assert [LABELS[i] for i in path] == ["B-PER", "O", "B-LOC", "I-LOC"]
    assert score == pytest.approx(7.2)
    assert tags_to_spans([LABELS[i] for i in path]) == [(0, 1, "PER"), (2, 4, "LOC")]
    assert round(float(np.exp(score - log_partition(E, A, start, end))), 3) == 0.206
    # the trellis at "New": O has the better prefix (5.5) but cannot reach I-LOC; B-LOC has 5.3
    from snippets.foundations.crf import viterbi_tables
    delta, _ = viterbi_tables(E, A, start)
    assert round(delta[2, 0], 1) == 5.5 and round(delta[2, 3], 1) == 5.3
    assert round(delta[3, 4], 1) == 7.2


def test_plot_returns_figure():
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    from snippets.foundations.crf_plots import plot_viterbi_trellis
    assert isinstance(plot_viterbi_trellis(), Figure)


def test_search_space_numbers():
    """The page: 9 tags, 20 tokens: 9^20 = 1.2e19 paths versus 1,620 Viterbi score terms."""
    from snippets.foundations.crf import search_space
    paths, terms = search_space(20, 9)
    assert f"{paths:.1e}" == "1.2e+19" and terms == 1620
    assert search_space(4, 5)[0] == len(brute_force(*example()[1:])[0])
    from snippets.foundations.ner import tagset
    assert tagset(["PER", "LOC"]) == LABELS
