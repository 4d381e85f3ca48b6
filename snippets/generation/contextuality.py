"""How contextual are a layer's word representations: self-similarity, intra-sentence
similarity, maximum explainable variance, and the anisotropy baseline that each must be
adjusted by.

Follows: Ethayarajh (2019), "How Contextual are Contextualized Word Representations?
Comparing the Geometry of BERT, ELMo, and GPT-2 Embeddings", Section 3 (definitions) and the
anisotropy adjustment (subtract the same measure computed on randomly sampled words).

Simplifications: representations are given as arrays (no model); the anisotropy baseline
uses every pair of the sample rather than a random subset of pairs; `synthetic_layers` is a
toy generator of "layers" with known amounts of word identity, context and common
direction, not a model of BERT.
"""

import numpy as np


def _unit(X):
    """Rows scaled to unit length; zero rows stay zero."""
    return X / np.maximum(np.linalg.norm(X, axis=-1, keepdims=True), 1e-12)


def _mean_pairwise_cosine(X):
    """Mean cosine over the n(n - 1) ordered pairs j != k of the rows of X: (n, d)."""
    n = X.shape[0]
    if n < 2:
        raise ValueError("need at least two vectors")
    U = _unit(X)
    s = U.sum(axis=0)
    # sum_{j != k} u_j . u_k = |sum_j u_j|^2 - sum_j |u_j|^2, in O(n d) instead of O(n^2 d)
    return float((s @ s - (U * U).sum()) / (n * (n - 1)))


def self_similarity(occurrences):
    """SelfSim(w): mean cosine between w's representations in its n different contexts.

    occurrences: (n, d), n >= 2 -> float in [-1, 1]; 1 for a static embedding.

    >>> self_similarity(np.array([[1.0, 2.0], [1.0, 2.0], [2.0, 4.0]]))
    1.0
    """
    return _mean_pairwise_cosine(np.asarray(occurrences, dtype=float))


def anisotropy(random_words):
    """Anisotropy baseline: mean cosine between representations of randomly sampled words.

    random_words: (n, d), occurrences of different words in different contexts -> float.
    About 0 for isotropic vectors; the adjusted measures subtract it.

    >>> anisotropy(np.eye(3))
    0.0
    """
    return _mean_pairwise_cosine(np.asarray(random_words, dtype=float))


def intra_sentence_similarity(sentence):
    """IntraSim(s): mean cosine between each word of a sentence and the sentence's
    mean vector.

    sentence: (T, d) the representations of its T words -> float.

    >>> intra_sentence_similarity(np.array([[1.0, 0.0], [0.0, 1.0]]))  # cos 45 degrees each
    0.7071067811865475
    """
    S = np.asarray(sentence, dtype=float)
    s_bar = S.mean(axis=0)  # the sentence vector: the average of its word vectors
    return float((_unit(S) @ _unit(s_bar)).mean())


def max_explainable_variance(occurrences):
    """MEV(w) = s_1^2 / sum_i s_i^2 over the singular values of the occurrence matrix.

    occurrences: (n, d) -> float in [1/min(n, d), 1]; 1 when one vector (a static embedding,
    up to scale) explains every occurrence. Not mean-centred, as in the paper's definition.

    >>> round(max_explainable_variance(np.array([[3.0, 0.0], [0.0, 1.0]])), 4)
    0.9
    """
    s = np.linalg.svd(np.asarray(occurrences, dtype=float), compute_uv=False)
    return float(s[0] ** 2 / (s**2).sum())


def synthetic_layers(n_layers=13, n_words=50, n_sents=200, sent_len=8, d=64, rng=None):
    """Toy 'layers': h = a_l e_w + b_l c_s + g_l u_(s,i) + m_l mu, with context and a shared
    direction mu growing with depth l while the word identity e_w fades.

    -> H: (n_layers, n_sents, sent_len, d), words: (n_sents, sent_len) word ids.

    >>> H, words = synthetic_layers(3, 5, 4, 3, 8, np.random.default_rng(0))
    >>> H.shape, words.shape
    ((3, 4, 3, 8), (4, 3))
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    t = np.linspace(0.0, 1.0, n_layers)[:, None, None, None]  # relative depth, (L, 1, 1, 1)
    e = rng.normal(size=(n_words, d))  # static word identity
    words = rng.integers(n_words, size=(n_sents, sent_len))
    c = rng.normal(size=(n_sents, 1, d))  # what a sentence shares
    u = rng.normal(size=(n_sents, sent_len, d))  # token-specific context
    mu = 1.8 * np.sqrt(d) * _unit(rng.normal(size=d))  # common direction behind anisotropy
    return (1 - 0.8 * t) * e[words] + 1.2 * t * c + 0.8 * t * u + t**2 * mu, words


def layer_profile(H, words, rng=None):
    """Per layer: mean self-similarity, mean intra-sentence similarity, anisotropy baseline,
    and anisotropy-adjusted self-similarity.
    H: (L, S, T, d), words: (S, T) -> dict of (L,).

    >>> prof = layer_profile(*synthetic_layers(2, 5, 10, 4, 8, np.random.default_rng(0)))
    >>> sorted(prof)
    ['adjusted_self_similarity', 'anisotropy', 'intra_sentence', 'self_similarity']
    """
    rng = rng if rng is not None else np.random.default_rng(0)
    L, S, T, _ = H.shape
    pick = rng.integers(T, size=S)  # one random word per sentence, as in the paper's code
    seen = [np.argwhere(words == w) for w in np.unique(words)]
    seen = [o for o in seen if len(np.unique(o[:, 0])) >= 2]  # words in >= 2 sentences
    out = {k: np.zeros(L) for k in ("self_similarity", "intra_sentence", "anisotropy")}
    for l in range(L):
        out["self_similarity"][l] = np.mean([self_similarity(H[l, o[:, 0], o[:, 1]])
                                             for o in seen])
        out["intra_sentence"][l] = np.mean([intra_sentence_similarity(H[l, s])
                                            for s in range(S)])
        out["anisotropy"][l] = anisotropy(H[l, np.arange(S), pick])
    out["adjusted_self_similarity"] = out["self_similarity"] - out["anisotropy"]
    return out
