"""InfoNCE with in-batch negatives (the SimCSE / DPR training loss), its gradient, and a
linear encoder trained with it on the toy embeddings of
snippets/retrieval/embedding_space.py.

Follows: van den Oord, Li and Vinyals (2018) for InfoNCE; Gao, Yao and Chen (2021), SimCSE,
eq. 1: l_i = -log exp(sim(h_i, h_i+) / tau) / sum_j exp(sim(h_i, h_j+) / tau), sim = cosine,
the other pairs of the batch as negatives; Kingma and Ba (2015) for the Adam update.
Simplifications: a linear encoder instead of a transformer; positives are given pairs
(SimCSE's unsupervised positives come from two dropout masks; its supervised ones from
NLI data).
"""

import numpy as np


def info_nce(H1, H2, tau=0.05):
    """Mean InfoNCE loss of B positive pairs (rows), and its gradients w.r.t. H1 and H2.

    H1, H2: (B, d) unnormalised embeddings -> (loss, dH1: (B, d), dH2: (B, d)).

    >>> H = np.eye(3)
    >>> loss, _, _ = info_nce(H, H, tau=1.0)  # pairs match, negatives orthogonal
    >>> round(loss, 4)  # -log(e / (e + 2))
    0.5514
    """
    n1 = np.linalg.norm(H1, axis=1, keepdims=True)
    n2 = np.linalg.norm(H2, axis=1, keepdims=True)
    Z1, Z2 = H1 / n1, H2 / n2  # cosine similarity = dot product of unit vectors
    S = Z1 @ Z2.T / tau  # (B, B): row i scores h_i against every h_j+
    # subtle: subtract the row max; at tau = 0.001 a cosine of 1 gives exp(1000) = inf
    S_max = S.max(axis=1, keepdims=True)
    P = np.exp(S - S_max)
    P /= P.sum(axis=1, keepdims=True)  # softmax over the batch
    B = len(S)
    loss = float(np.mean(np.log(np.exp(S - S_max).sum(axis=1)) + S_max[:, 0] - np.diag(S)))
    dS = (P - np.eye(B)) / B  # cross-entropy gradient with the diagonal as the labels
    dZ1, dZ2 = dS @ Z2 / tau, dS.T @ Z1 / tau
    # back through normalisation: d(h / |h|) removes the radial component and divides by |h|
    dH1 = (dZ1 - Z1 * np.sum(dZ1 * Z1, axis=1, keepdims=True)) / n1
    dH2 = (dZ2 - Z2 * np.sum(dZ2 * Z2, axis=1, keepdims=True)) / n2
    return loss, dH1, dH2


def train_linear_contrastive(X1, X2, steps=300, batch=128, tau=0.05, lr=1e-2, rng=None):
    """Train W (d, d), initialised to the identity, so that f(x) = x W minimises InfoNCE on
    the pairs (X1[i], X2[i]) with in-batch negatives. -> W, losses: (steps,).

    >>> X = np.random.default_rng(0).normal(size=(64, 4))
    >>> W, losses = train_linear_contrastive(X, X, steps=3, batch=8)
    >>> W.shape, losses.shape
    ((4, 4), (3,))
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    d = X1.shape[1]
    W = np.eye(d)
    m, v = np.zeros_like(W), np.zeros_like(W)
    losses = np.zeros(steps)
    for step in range(1, steps + 1):
        idx = rng.choice(len(X1), size=batch, replace=False)  # the batch: its own negatives
        A, Bp = X1[idx], X2[idx]
        losses[step - 1], dH1, dH2 = info_nce(A @ W, Bp @ W, tau)
        g = A.T @ dH1 + Bp.T @ dH2  # both views share the encoder
        m = 0.9 * m + 0.1 * g  # Adam: running mean and variance of the gradient
        v = 0.999 * v + 0.001 * g**2
        W -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return W, losses


def geometry_table(n_train=1500, k=16):
    """Anisotropy, 1-NN topic accuracy, alignment and uniformity of held-out toy embeddings
    after each post-processing, fitted (or trained) on the first n_train sentences.

    -> {name: (anisotropy, nn_accuracy, alignment, uniformity)}.

    >>> list(geometry_table())
    ['raw', 'centred', 'whitened', 'whitened, k = 16', 'contrastive']
    """
    from snippets.retrieval.embedding_space import (alignment, anisotropy, fit_whitening,
                                          nn_topic_accuracy, synthetic_embeddings,
                                          uniformity, whiten)

    X, Xp, y = synthetic_embeddings()
    tr, te = slice(0, n_train), slice(n_train, None)
    mu, W = fit_whitening(X[tr])
    maps = {"raw": lambda Z: Z, "centred": lambda Z: Z - mu,
            "whitened": lambda Z: whiten(Z, mu, W),
            f"whitened, k = {k}": lambda Z: whiten(Z, mu, W[:, :k])}
    W_c, _ = train_linear_contrastive(X[tr], Xp[tr])
    maps["contrastive"] = lambda Z: Z @ W_c
    return {name: (anisotropy(f(X[te])), nn_topic_accuracy(f(X[te]), y[te]),
                   alignment(f(X[te]), f(Xp[te])), uniformity(f(X[te])))
            for name, f in maps.items()}
