"""A TF-IDF + logistic-regression text classifier under class imbalance, end to end.

A synthetic support-ticket corpus with a rare positive class ("refund request", 5%) is
vectorised by `tfidf.TfidfModel`, classified by `logreg.LogisticRegression`, and scored by
`classification_metrics`. It compares three fixes-or-not for imbalance: none, class weights,
and moving the decision threshold (tuned on a validation split, never on the test split).
Follows: Elkan (2001) and Lipton, Elkan & Naryanaswamy (2014) for threshold moving.
Simplifications: bag-of-words documents drawn from two fixed word distributions,
not real text.
"""

import functools

import numpy as np

from snippets.foundations.classification_metrics import f1_score, roc_auc, threshold_sweep
from snippets.foundations.logreg import LogisticRegression
from snippets.foundations.tfidf import TfidfModel

COMMON = ("hi hello thanks please help order account team support question issue "
          "today yesterday week email app website need want still any update").split()
CUES = {0: "password login reset shipping address delivery invoice tracking".split(),
        1: "refund charged twice money back cancel return".split()}


def make_tickets(n, pos_rate, rng, length=12, cue_rate=0.15, leak=0.03):
    """n synthetic tickets -> (docs: list of n str, y: (n,) in {0, 1}).

    Each token is a cue word of the ticket's own class with probability cue_rate, a cue of
    the other class with probability leak (so the classes overlap), else a common word.

    >>> docs, y = make_tickets(3, 0.5, np.random.default_rng(0))
    >>> len(docs), y.shape
    (3, (3,))
    """
    y = (rng.random(n) < pos_rate).astype(int)
    docs = []
    for label in y:
        u = rng.random(length)
        words = [rng.choice(CUES[label]) if ui < cue_rate else
                 rng.choice(CUES[1 - label]) if ui < cue_rate + leak else
                 rng.choice(COMMON) for ui in u]
        docs.append(" ".join(words))
    return docs, y


@functools.lru_cache(maxsize=4)  # the page's experiment and figure share one fit
def _fit(seed, n, pos_rate, C):
    """Train/validation/test splits of 3n tickets, the TF-IDF features, and both models."""
    rng = np.random.default_rng(seed)
    docs, y = make_tickets(3 * n, pos_rate, rng)
    split = {"train": slice(0, n), "val": slice(n, 2 * n), "test": slice(2 * n, 3 * n)}
    vec = TfidfModel(sublinear=True).fit(docs[split["train"]])
    X = {k: vec.transform(docs[s]) for k, s in split.items()}
    Y = {k: y[s] for k, s in split.items()}
    plain = LogisticRegression(C=C).fit(X["train"], Y["train"])
    weighted = LogisticRegression(C=C, class_weight="balanced").fit(X["train"], Y["train"])
    return X, Y, plain, weighted


def imbalance_experiment(seed=0, n=3000, pos_rate=0.05, C=1.0):
    """Rare-class F1 and recall, and macro F1, on the test split for three treatments.

    Returns ({name: (F1 of class 1, recall of class 1, macro F1)}, tuned threshold).
    """
    X, Y, plain, weighted = _fit(seed, n, pos_rate, C)
    # Threshold moving: the threshold that maximises F1 on the validation split.
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    f1_val = threshold_sweep(Y["val"], plain.predict_proba(X["val"])[:, 1], grid)[2]
    t_star = float(grid[np.argmax(f1_val)])
    results = {}
    for name, model, t in (("unweighted, t=0.5", plain, 0.5),
                           ("balanced weights, t=0.5", weighted, 0.5),
                           ("unweighted, tuned t", plain, t_star)):
        y_hat = model.predict(X["test"], threshold=t)
        _, r, f = threshold_sweep(Y["test"], y_hat.astype(float), np.array([0.5]))
        results[name] = (round(float(f[0]), 3), round(float(r[0]), 3),
                         round(f1_score(Y["test"], y_hat, labels=[0, 1]), 3))
    return results, t_star


def weighting_effect(seed=0, n=3000, pos_rate=0.05, C=1.0):
    """What "balanced" class weights changed in the fitted model, and what they did not.

    Returns a dict: the intercept shift, the log of the weight ratio, the correlation of the
    two coefficient vectors, the test ROC AUC of both models, and the weighted model's own
    validation-tuned threshold with its test F1 on the rare class.
    """
    X, Y, plain, weighted = _fit(seed, n, pos_rate, C)
    n_pos = Y["train"].sum()
    s_pos, s_neg = n / (2 * n_pos), n / (2 * (n - n_pos))  # balanced weights n / (K n_c)
    grid = np.round(np.arange(0.02, 0.99, 0.01), 2)
    f1_val = threshold_sweep(Y["val"], weighted.predict_proba(X["val"])[:, 1], grid)[2]
    t_w = float(grid[np.argmax(f1_val)])  # the weighted model's own F1-optimal threshold
    f1_test = threshold_sweep(Y["test"], weighted.predict_proba(X["test"])[:, 1],
                              np.array([t_w]))[2][0]
    return {"intercept_shift": float(weighted.b[0] - plain.b[0]),
            "log_weight_ratio": float(np.log(s_pos / s_neg)),
            "coef_correlation": float(np.corrcoef(plain.W[:, 0], weighted.W[:, 0])[0, 1]),
            "auc_plain": roc_auc(Y["test"], plain.decision_function(X["test"])),
            "auc_weighted": roc_auc(Y["test"], weighted.decision_function(X["test"])),
            "weighted_threshold": t_w, "weighted_tuned_f1": float(f1_test)}


def prior_shift_logit(pi_train, pi_new):
    """Offset to add to a calibrated logit when the positive-class prior moves
    (Bayes' rule).

    >>> round(prior_shift_logit(0.05, 0.15), 2)
    1.21
    """
    def logit(p):
        return np.log(p / (1 - p))
    return float(logit(pi_new) - logit(pi_train))
