"""Classification metrics: per-class, macro and micro F1; threshold sweeps; ROC AUC.

Follows: micro/macro averaging as reported by Yang & Liu (1999); scikit-learn's `f1_score`
conventions (an undefined precision or recall counts as 0); threshold moving for a cost or
an F1 target (Elkan, 2001; Lipton, Elkan & Naryanaswamy, 2014); ROC AUC as the Mann-Whitney
probability that a random positive outscores a random negative.
Simplifications: single-label problems only (no multi-label indicator matrices); the AUC
compares all n+ x n- pairs, O(n^2) memory, instead of sorting.
"""

import numpy as np


def confusion_matrix(y_true, y_pred, labels):
    """Counts M[i, j] = #(true = labels[i], predicted = labels[j]). (n,), (n,) -> (K, K).

    >>> confusion_matrix([0, 1, 1], [0, 0, 1], [0, 1]).tolist()
    [[1, 0], [1, 1]]
    """
    index = {c: i for i, c in enumerate(labels)}
    M = np.zeros((len(labels), len(labels)), dtype=np.int64)
    for t, p in zip(y_true, y_pred):
        M[index[t], index[p]] += 1
    return M


def _safe_div(a, b):
    # subtle: 0/0 (a class never predicted, or never present) is scored 0,
    # as scikit-learn does
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return np.divide(a, b, out=np.zeros_like(a), where=b > 0)


def per_class_prf(M):
    """Precision, recall, F1 of each class. M: (K, K) -> three (K,) arrays.

    >>> [x.tolist() for x in per_class_prf(np.array([[1, 0], [1, 1]]))]
    [[0.5, 1.0], [1.0, 0.5], [0.6666666666666666, 0.6666666666666666]]
    """
    tp = np.diag(M)
    precision = _safe_div(tp, M.sum(axis=0))  # column: everything predicted as the class
    recall = _safe_div(tp, M.sum(axis=1))  # row: everything truly in the class
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return precision, recall, f1


def f1_score(y_true, y_pred, labels=None, average="macro"):
    """F1 averaged over classes. average: "macro" (mean of per-class F1) or
    "micro" (pooled).

    >>> y_true, y_pred = [0, 0, 0, 0, 1, 2], [0, 0, 0, 0, 0, 2]
    >>> round(f1_score(y_true, y_pred, average="macro"), 4)
    0.6296
    >>> f1_score(y_true, y_pred, average="micro")
    0.8333333333333334
    """
    labels = sorted(set(y_true) | set(y_pred)) if labels is None else labels
    M = confusion_matrix(y_true, y_pred, labels)
    if average == "macro":
        return float(per_class_prf(M)[2].mean())  # every class counts the same
    if average == "micro":
        tp = np.trace(M)  # pooled TP; pooled FP = pooled FN = off-diagonal total
        fp = fn = M.sum() - tp
        return float(_safe_div(2 * tp, 2 * tp + fp + fn))
    raise ValueError(f"average must be 'macro' or 'micro', not {average!r}")


def threshold_sweep(y_true, scores, thresholds):
    """Precision, recall, F1 of the positive class (label 1) at each threshold.

    y_true: (n,) in {0, 1}, scores: (n,), thresholds: (m,) -> three (m,) arrays; predict 1
    when score >= threshold.

    >>> y, s = np.array([0, 1, 1]), np.array([0.2, 0.4, 0.9])
    >>> p, r, f = threshold_sweep(y, s, np.array([0.5, 0.3]))
    >>> p.tolist(), r.tolist()
    ([1.0, 1.0], [0.5, 1.0])
    """
    y = np.asarray(y_true).astype(bool)
    pred = np.asarray(scores)[None, :] >= np.asarray(thresholds)[:, None]  # (m, n)
    tp = (pred & y).sum(axis=1)
    precision = _safe_div(tp, pred.sum(axis=1))
    recall = _safe_div(tp, y.sum())
    f1 = _safe_div(2 * precision * recall, precision + recall)
    return precision, recall, f1


def roc_auc(y_true, scores):
    """Area under the ROC curve: P(score of a random positive > score of a random negative).

    y_true: (n,) in {0, 1}, scores: (n,) -> float; a tie counts one half
    (Mann-Whitney U / n+ n-).

    >>> roc_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.4, 0.35, 0.8]))
    0.75
    """
    y, scores = np.asarray(y_true).astype(bool), np.asarray(scores, dtype=float)
    pos, neg = scores[y][:, None], scores[~y][None, :]  # (n+, 1), (1, n-): every pair
    return float((pos > neg).mean() + 0.5 * (pos == neg).mean())
