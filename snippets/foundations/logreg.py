"""L2-regularised logistic regression trained by gradient descent in NumPy.

Minimises scikit-learn's objective (Pedregosa et al., 2011), divided by n:
    J(W, b) = (1/n) * sum_i s_i * CE(y_i, p_i) + ||W||^2 / (2 C n),
with the sigmoid for two classes and the softmax for K > 2 (multinomial), bias unpenalised,
and s_i the class weight of example i ("balanced": n / (K * n_c), the heuristic scikit-learn
attributes to King & Zeng, 2001).
Optimiser: full-batch gradient descent with step 1/L and Nesterov (1983) momentum for a
strongly convex objective (the L2 term makes it so, with curvature at least 1/(C n)).
Simplifications: no line search, L-BFGS or sparse matrices; stops when the gradient is tiny.
"""

import numpy as np


def class_weights(y, classes, mode=None):
    """Per-example weights s_i. y: (n,) -> (n,).
    mode None: all 1; "balanced": n / (K * n_c).

    >>> class_weights(np.array([0, 0, 0, 1]), np.array([0, 1]), "balanced").tolist()
    [0.6666666666666666, 0.6666666666666666, 0.6666666666666666, 2.0]
    """
    if mode is None:
        return np.ones(len(y))
    counts = np.array([(y == c).sum() for c in classes])
    w = len(y) / (len(classes) * counts)  # rare classes weigh more
    return w[np.searchsorted(classes, y)]


def _probs(Z):
    """Class probabilities from logits Z: (n, 1) sigmoid (binary) or (n, K) softmax."""
    if Z.shape[1] == 1:
        return 1.0 / (1.0 + np.exp(-Z))
    Z = Z - Z.max(axis=1, keepdims=True)  # stable softmax
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


class LogisticRegression:
    """Binary (sigmoid) or multinomial (softmax) logistic regression.

    X: (n, d), y: (n,) labels -> W: (d, 1) for two classes or (d, K), b: (1,) or (K,).

    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([0, 0, 1, 1])
    >>> LogisticRegression(C=100.0).fit(X, y).predict(X).tolist()
    [0, 0, 1, 1]
    """

    def __init__(self, C=1.0, class_weight=None, max_iter=5000, tol=1e-8):
        self.C, self.class_weight, self.max_iter, self.tol = C, class_weight, max_iter, tol

    def fit(self, X, y):
        n, d = X.shape
        self.classes_ = np.unique(y)
        K = len(self.classes_)
        k = 1 if K == 2 else K  # subtle: binary uses ONE weight vector, like scikit-learn
        # Targets: (n, 1) indicator of the second class, or (n, K) one-hot.
        Y = (y == self.classes_[1])[:, None].astype(float) if K == 2 else \
            (y[:, None] == self.classes_[None, :]).astype(float)
        s = class_weights(y, self.classes_, self.class_weight)[:, None]  # (n, 1)
        lam = 1.0 / (self.C * n)
        # Step 1/L: the CE Hessian in the logits is at most 1/2 (softmax) or 1/4 (sigmoid).
        Xb = np.hstack([X, np.ones((n, 1))]) * np.sqrt(s)  # weighted design + bias column
        L = (0.25 if k == 1 else 0.5) * np.linalg.norm(Xb, 2) ** 2 / n + lam
        beta = (np.sqrt(L / lam) - 1) / (np.sqrt(L / lam) + 1)  # Nesterov momentum
        self.W, self.b = np.zeros((d, k)), np.zeros(k)
        VW, vb = self.W, self.b  # look-ahead point where the gradient is taken
        for self.n_iter_ in range(1, self.max_iter + 1):
            P = _probs(X @ VW + vb)  # (n, k)
            G = s * (P - Y) / n  # dJ/dZ, (n, k)
            gW = X.T @ G + lam * VW  # (d, k)
            gb = G.sum(axis=0)  # (k,)
            W_new, b_new = VW - gW / L, vb - gb / L  # gradient step
            VW = W_new + beta * (W_new - self.W)  # momentum: extrapolate the last step
            vb = b_new + beta * (b_new - self.b)
            self.W, self.b = W_new, b_new
            if max(np.abs(gW).max(), np.abs(gb).max()) < self.tol:
                break
        return self

    def decision_function(self, X):
        """Logits. X: (n, d) -> (n,) for two classes, else (n, K)."""
        Z = X @ self.W + self.b
        return Z[:, 0] if Z.shape[1] == 1 else Z

    def predict_proba(self, X):
        """Class probabilities. X: (n, d) -> (n, K), rows sum to 1."""
        P = _probs(X @ self.W + self.b)
        return np.hstack([1 - P, P]) if P.shape[1] == 1 else P

    def predict(self, X, threshold=0.5):
        """Labels; for two classes, predict the second when P(second) >= threshold."""
        P = self.predict_proba(X)
        if len(self.classes_) == 2:
            return self.classes_[(P[:, 1] >= threshold).astype(int)]
        return self.classes_[P.argmax(axis=1)]
