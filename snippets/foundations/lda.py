"""Latent Dirichlet Allocation by collapsed Gibbs sampling, and UMass topic coherence.

Follows: Blei, Ng and Jordan (2003), "Latent Dirichlet Allocation" (the generative story);
Griffiths and Steyvers (2004), "Finding scientific topics" (the collapsed Gibbs sampler and
the estimates of phi and theta); Mimno et al. (2011), "Optimizing Semantic Coherence in
Topic Models" (UMass coherence).

Simplifications: symmetric scalar priors alpha and beta, fixed (no hyperparameter
optimisation); a fixed number of sweeps, no burn-in diagnostics; the last sample is used,
not an average over samples. For speed a sweep resamples a block of tokens at once, each
from counts that still hold the other block members' old topics. Block b holds the tokens at
positions p with p % n_blocks == b; with the default n_blocks (the longest document) a block
has at most one token per document, so only the shared topic-word counts are stale inside
it, the approximation of AD-LDA (Newman et al., 2009): no longer an exact Gibbs sampler,
with no convergence guarantee. With a single document every block is one token and the
sampler is the exact sequential one.
"""

from itertools import permutations

import numpy as np


def planted_topics(K, words_per_topic, n_shared, shared_mass):
    """Topic-word matrix with planted structure: each topic owns a block of words.

    -> phi: (K, V), V = K * words_per_topic + n_shared. Topic k spreads 1 - shared_mass
    uniformly over its own block and shared_mass over n_shared words common to all topics.

    >>> planted_topics(2, 2, 1, 0.2).round(2).tolist()
    [[0.4, 0.4, 0.0, 0.0, 0.2], [0.0, 0.0, 0.4, 0.4, 0.2]]
    """
    V = K * words_per_topic + n_shared
    phi = np.zeros((K, V))
    for k in range(K):
        phi[k, k * words_per_topic:(k + 1) * words_per_topic] = (
            (1 - shared_mass) / words_per_topic)
    phi[:, K * words_per_topic:] = shared_mass / max(n_shared, 1)
    return phi


def generate_corpus(phi, n_docs, doc_len, alpha, rng):
    """Sample documents from LDA's generative story with planted topics `phi`.

    phi: (K, V) rows sum to 1 -> docs: list of n_docs int arrays of length doc_len,
    theta: (n_docs, K).

    >>> phi = np.array([[0.5, 0.5, 0.0, 0.0], [0.0, 0.0, 0.5, 0.5]])
    >>> docs, theta = generate_corpus(phi, 3, 5, 0.1, np.random.default_rng(0))
    >>> len(docs), docs[0].shape, theta.shape
    (3, (5,), (3, 2))
    """
    K, V = phi.shape
    theta = rng.dirichlet(np.full(K, alpha), size=n_docs)  # per-document topic mixture
    docs = []
    for d in range(n_docs):
        z = rng.choice(K, size=doc_len, p=theta[d])  # a topic for every token
        u = rng.random(doc_len)[:, None]
        w = (u > np.cumsum(phi[z], axis=1)).sum(axis=1)  # inverse-CDF draw of w ~ phi_z
        docs.append(np.minimum(w, V - 1))  # subtle: rounding can leave the last cumsum < u
    return docs, theta


def gibbs_lda(docs, K, V, alpha, beta, n_iter, rng, n_blocks=None):
    """Collapsed Gibbs sampling for LDA; returns the topic-word and document-topic
    estimates.

    docs: list of int arrays (word ids < V) -> phi: (K, V), theta: (D, K).

    >>> docs = [np.array([0, 0, 1, 1]), np.array([2, 3, 3, 2])]
    >>> phi, theta = gibbs_lda(docs, 2, 4, 0.1, 0.01, 50, np.random.default_rng(0))
    >>> phi.shape, theta.shape, bool(np.allclose(phi.sum(1), 1))
    ((2, 4), (2, 2), True)
    """
    w = np.concatenate(docs).astype(np.int64)  # (N,) word of each token
    d = np.repeat(np.arange(len(docs)), [len(x) for x in docs])  # (N,) its document
    pos = np.concatenate([np.arange(len(x)) for x in docs]).astype(np.int64)
    n_blocks = n_blocks or max(len(x) for x in docs)
    blocks = [np.flatnonzero(pos % n_blocks == b) for b in range(n_blocks)]
    z = rng.integers(K, size=w.size)  # random initial assignments
    n_dk = np.zeros((len(docs), K))
    n_kw = np.zeros((K, V))
    np.add.at(n_dk, (d, z), 1)
    np.add.at(n_kw, (z, w), 1)
    n_k = n_kw.sum(axis=1)
    for _ in range(n_iter):
        u = rng.random(w.size)
        for idx in blocks:
            wi, di, zi = w[idx], d[idx], z[idx]
            own = np.eye(K)[zi]  # (B, K): each token's own assignment, excluded below
            # p(z_i = k | z_-i, w) ∝ (n_dk + alpha)(n_kw + beta) / (n_k + V beta)
            p = ((n_dk[di] - own + alpha) * (n_kw[:, wi].T - own + beta)
                 / (n_k - own + V * beta))
            c = np.cumsum(p, axis=1)
            new = (c < u[idx, None] * c[:, -1:]).sum(axis=1)  # inverse-CDF draw
            # subtle: np.add.at, since tokens of one block may share a (doc, topic) cell
            np.add.at(n_dk, (di, zi), -1)
            np.add.at(n_dk, (di, new), 1)
            np.add.at(n_kw, (zi, wi), -1)
            np.add.at(n_kw, (new, wi), 1)
            n_k += np.bincount(new, minlength=K) - np.bincount(zi, minlength=K)
            z[idx] = new
    phi = (n_kw + beta) / (n_k[:, None] + V * beta)
    theta = (n_dk + alpha) / (n_dk.sum(axis=1, keepdims=True) + K * alpha)
    return phi, theta


def topic_similarity(phi_hat, phi_true):
    """Best one-to-one matching of estimated to planted topics by cosine similarity.

    phi_hat, phi_true: (K, V) -> (per-topic cosine of the best matching (K,),
    matching (K,)), where matching[k] is the estimated topic assigned to planted topic k.
    Brute force over the K! matchings: meant for small K.

    >>> sims, match = topic_similarity(np.eye(3)[[2, 0, 1]], np.eye(3))
    >>> sims.tolist(), match.tolist()
    ([1.0, 1.0, 1.0], [1, 2, 0])
    """
    a = phi_hat / np.linalg.norm(phi_hat, axis=1, keepdims=True)
    b = phi_true / np.linalg.norm(phi_true, axis=1, keepdims=True)
    S = b @ a.T  # (K_true, K_hat) cosine similarities
    K = S.shape[0]
    best = max(permutations(range(K)), key=lambda p: S[np.arange(K), list(p)].sum())
    match = np.array(best)
    return S[np.arange(K), match], match


def umass_coherence(top_words, X):
    """UMass coherence of one topic: sum over ordered pairs of
    log((D(v_m, v_l) + 1) / D(v_l)).

    top_words: (M,) word ids, most probable first; X: (D, V) document-term counts -> float.
    D(v) counts documents containing v; D(v, v') documents containing both.

    >>> X = np.array([[1, 1, 0], [1, 0, 0], [1, 0, 1], [0, 1, 1]])
    >>> top = np.array([0, 1])
    >>> round(umass_coherence(top, X), 4)  # log((D(1, 0) + 1) / D(0)) = log(2 / 3)
    -0.4055
    """
    B = (np.asarray(X) > 0).astype(float)[:, top_words]  # (D, M) word present in document
    co = B.T @ B  # (M, M): co-document frequencies; the diagonal is D(v)
    score = 0.0
    for m in range(1, len(top_words)):
        for l in range(m):
            # subtle: D(v_l) > 0 always holds for top words drawn from the same corpus
            score += np.log((co[m, l] + 1.0) / co[l, l])
    return float(score)
