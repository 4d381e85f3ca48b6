"""Linear-chain CRF inference: sequence score, Viterbi decoding, forward log-partition.

score(y) = start[y_1] + sum_t E[t, y_t] + sum_{t>1} A[y_{t-1}, y_t] + end[y_T],
p(y | x) = exp(score(y)) / Z(x), with E the (T, K) emission scores a network produces per
token and A the (K, K) learned transition scores.
Follows: Lafferty, McCallum & Pereira (2001) for the model; Viterbi (1967) for max-product
decoding; the neural-emission form of Lample et al. (2016).
Simplifications: scores are given, not learned (training maximises score(y*) - log Z, whose
gradient needs the forward-backward marginals, left out); one sentence, no batching.
"""

import itertools

import numpy as np

LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"]  # = ner.tagset(["PER", "LOC"])


def sequence_score(y, E, A, start, end):
    """Unnormalised score of one tag path. y: (T,) ints, E: (T, K), A: (K, K) -> float.

    >>> float(sequence_score([0, 1], np.eye(2), np.zeros((2, 2)), np.zeros(2), np.zeros(2)))
    2.0
    """
    y = np.asarray(y)
    return start[y[0]] + E[np.arange(len(y)), y].sum() + A[y[:-1], y[1:]].sum() + end[y[-1]]


def viterbi(E, A, start, end):
    """Highest-scoring tag path by dynamic programming. E: (T, K) -> (path: (T,), score).

    delta[t, j] = best score of a path ending in tag j at t; O(T K^2) instead of O(K^T).

    >>> E = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> path, s = viterbi(E, np.zeros((2, 2)), np.zeros(2), np.zeros(2))
    >>> path.tolist(), float(s)
    ([0, 1], 2.0)
    """
    delta, back = viterbi_tables(E, A, start)
    T = E.shape[0]
    last = delta[-1] + end
    path = np.empty(T, dtype=int)
    path[-1] = int(np.argmax(last))
    for t in range(T - 1, 0, -1):  # follow the back-pointers from the end
        path[t - 1] = back[t, path[t]]
    return path, float(last[path[-1]])


def viterbi_tables(E, A, start):
    """The trellis: delta (T, K) best prefix scores and back (T, K) argmax predecessors."""
    T, K = E.shape
    delta = np.empty((T, K))
    back = np.zeros((T, K), dtype=int)
    delta[0] = start + E[0]
    for t in range(1, T):
        cand = delta[t - 1][:, None] + A  # (K_prev, K_next): extend every best prefix
        back[t] = np.argmax(cand, axis=0)
        delta[t] = cand[back[t], np.arange(K)] + E[t]
    return delta, back


def log_partition(E, A, start, end):
    """log Z = log sum over all K^T paths of exp(score), by the forward algorithm.

    >>> E, A, z = np.zeros((2, 2)), np.zeros((2, 2)), np.zeros(2)
    >>> round(float(log_partition(E, A, z, z)), 4)
    1.3863
    """
    alpha = start + E[0]  # (K,)
    for t in range(1, E.shape[0]):
        # log-sum-exp over the previous tag, stabilised by the max (sum-product, not max)
        cand = alpha[:, None] + A
        m = cand.max(axis=0)
        alpha = m + np.log(np.exp(cand - m).sum(axis=0)) + E[t]
    m = (alpha + end).max()
    return m + np.log(np.exp(alpha + end - m).sum())


def brute_force(E, A, start, end):
    """Every path's score, for checking: -> (paths (K^T, T), scores (K^T,))."""
    T, K = E.shape
    paths = np.array(list(itertools.product(range(K), repeat=T)))
    scores = np.array([sequence_score(p, E, A, start, end) for p in paths])
    return paths, scores


def search_space(T, K):
    """(paths brute force scores, score terms Viterbi adds) for T tokens and K tags.

    >>> search_space(4, 5)
    (625, 100)
    """
    return K ** T, T * K * K


def bio_constraints(labels, penalty=-1e4):
    """Transition and start scores that forbid invalid BIO moves
    (O -> I-X, B-X -> I-Y, ...).

    labels: K tag strings -> (A: (K, K), start: (K,)) with `penalty` on forbidden entries.

    >>> A, start = bio_constraints(["O", "B-PER", "I-PER"])
    >>> A[0, 2], A[1, 2], start[2]
    (np.float64(-10000.0), np.float64(0.0), np.float64(-10000.0))
    """
    K = len(labels)
    A, start = np.zeros((K, K)), np.zeros(K)
    for j, tag in enumerate(labels):
        if tag.startswith("I-"):
            start[j] = penalty  # a sentence cannot open inside an entity
            for i, prev in enumerate(labels):
                if prev[2:] != tag[2:] or prev == "O":  # I-X only after B-X or I-X
                    A[i, j] = penalty
    return A, start


def example():
    """The worked example: "Jim visited New York", emissions, and BIO-constrained scores."""
    tokens = ["Jim", "visited", "New", "York"]
    #                O    B-PER I-PER B-LOC I-LOC
    E = np.array([[0.2, 2.0, 0.1, 0.5, 0.0],   # Jim
                  [2.5, 0.0, 0.0, 0.0, 0.0],   # visited
                  [1.0, 0.3, 0.0, 0.8, 0.2],   # New: on its own, looks like O
                  [0.1, 0.0, 0.4, 0.5, 1.9]])  # York
    A, start = bio_constraints(LABELS)
    return tokens, E, A, start, np.zeros(len(LABELS))
