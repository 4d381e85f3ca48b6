"""Skip-gram with negative sampling (SGNS),
and its closed-form view as shifted-PMI factorisation.

Follows: Mikolov et al. (2013), "Distributed Representations of Words and Phrases and their
Compositionality" (the SGNS objective, noise distribution U(w)^(3/4)); Levy and Goldberg
(2014), "Neural Word Embedding as Implicit Matrix Factorization" (the optimum of the SGNS
objective is PMI(w, c) - log k; SVD of the shifted positive PMI matrix
as a count-based twin).

Simplifications: no subsampling of frequent words, no dynamic window, a constant learning
rate with plain minibatch SGD (word2vec decays it linearly), word vectors only (no phrases).
"""

import numpy as np

# the toy corpus: words co-occur only inside their group, plus shared function words
GROUPS = {
    "animal": ["cat", "dog", "horse", "cow", "sheep"],
    "vehicle": ["car", "bus", "train", "truck", "bike"],
    "food": ["bread", "cheese", "apple", "rice", "soup"],
    "weather": ["rain", "snow", "wind", "sun", "fog"],
}
FUNCTION_WORDS = ["the", "a", "and", "of"]


def toy_corpus(n_sentences, sent_len, rng):
    """Sentences that each draw content words from one group, mixed with function words.

    -> (list of int arrays, vocabulary list). Half the tokens are function words.

    >>> sents, vocab = toy_corpus(2, 6, np.random.default_rng(0))
    >>> len(sents), len(vocab), sents[0].shape
    (2, 24, (6,))
    """
    vocab = [w for g in GROUPS.values() for w in g] + FUNCTION_WORDS
    n_content, n_groups = len(vocab) - len(FUNCTION_WORDS), len(GROUPS)
    per = n_content // n_groups
    sents = []
    for _ in range(n_sentences):
        g = rng.integers(n_groups)
        content = g * per + rng.integers(per, size=sent_len)
        function = n_content + rng.integers(len(FUNCTION_WORDS), size=sent_len)
        sents.append(np.where(rng.random(sent_len) < 0.5, content, function))
    return sents, vocab


def skipgram_pairs(sentences, window):
    """All (center, context) pairs within `window` positions, inside each sentence.

    -> (P, 2) int array.

    >>> skipgram_pairs([np.array([0, 1, 2])], 1).tolist()
    [[0, 1], [1, 0], [1, 2], [2, 1]]
    """
    pairs = []
    for s in sentences:
        for i in range(len(s)):
            for j in range(max(0, i - window), min(len(s), i + window + 1)):
                if j != i:
                    pairs.append((s[i], s[j]))
    return np.array(pairs, dtype=np.int64).reshape(-1, 2)


def sigmoid(x):
    """Logistic function, computed without overflow for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def log_sigmoid(x):
    """log s(x) = -log(1 + exp(-x)), finite for large negative x."""
    return -np.logaddexp(0.0, -x)


def sgns_loss_and_grads(W, C, centers, contexts, negatives):
    """Mean SGNS loss -log s(c_o . w) - sum_n log s(-c_n . w) over a batch,
    and its gradients.

    W, C: (V, d) word and context vectors; centers, contexts: (B,); negatives: (B, k)
    -> loss: float, dW: (V, d), dC: (V, d).

    >>> W, C = np.zeros((4, 2)), np.zeros((4, 2))
    >>> centers, contexts, negatives = np.array([0]), np.array([1]), np.array([[2, 3]])
    >>> loss, dW, dC = sgns_loss_and_grads(W, C, centers, contexts, negatives)
    >>> round(loss, 4)  # (1 + k) log 2 with k = 2: every score is 0 at initialisation
    2.0794
    """
    B = len(centers)
    w = W[centers]  # (B, d)
    s_pos = np.einsum("bd,bd->b", w, C[contexts])  # (B,)
    s_neg = np.einsum("bd,bkd->bk", w, C[negatives])  # (B, k)
    loss = -(log_sigmoid(s_pos) + log_sigmoid(-s_neg).sum(axis=1)).mean()
    g_pos = (sigmoid(s_pos) - 1) / B  # d loss / d s_pos
    g_neg = sigmoid(s_neg) / B  # d loss / d s_neg
    dW, dC = np.zeros_like(W), np.zeros_like(C)
    # subtle: a word can repeat inside a batch, so gradients are scattered with np.add.at
    np.add.at(dW, centers,
              g_pos[:, None] * C[contexts] + np.einsum("bk,bkd->bd", g_neg, C[negatives]))
    np.add.at(dC, contexts, g_pos[:, None] * w)
    np.add.at(dC, negatives, g_neg[:, :, None] * w[:, None, :])
    return float(loss), dW, dC


def train_sgns(sentences, V, d, window, k, epochs, lr, rng, batch=256, power=0.75):
    """Minibatch SGD on the SGNS objective; negatives drawn from unigram^power.

    -> W: (V, d), C: (V, d),
       losses: (epochs + 1,) mean loss before training and after each epoch.

    >>> sents, vocab = toy_corpus(50, 8, np.random.default_rng(0))
    >>> rng = np.random.default_rng(1)
    >>> W, C, losses = train_sgns(sents, len(vocab), 8, 2, 5, 2, 0.5, rng)
    >>> W.shape, bool(losses[-1] < losses[0])
    ((24, 8), True)
    """
    pairs = skipgram_pairs(sentences, window)
    counts = np.bincount(np.concatenate(sentences), minlength=V).astype(float)
    # noise distribution P_n(w) ∝ U(w)^power
    p_neg = counts**power / (counts**power).sum()
    W = (rng.random((V, d)) - 0.5) / d  # word2vec's initialisation: small W, zero C
    C = np.zeros((V, d))
    check = pairs[rng.choice(len(pairs), min(len(pairs), 2000), replace=False)]
    check_neg = rng.choice(V, size=(len(check), k), p=p_neg)
    losses = [sgns_loss_and_grads(W, C, check[:, 0], check[:, 1], check_neg)[0]]
    for _ in range(epochs):
        order = rng.permutation(len(pairs))  # shuffle the pairs every epoch
        for start in range(0, len(pairs), batch):
            b = pairs[order[start:start + batch]]
            neg = rng.choice(V, size=(len(b), k), p=p_neg)
            _, dW, dC = sgns_loss_and_grads(W, C, b[:, 0], b[:, 1], neg)
            W -= lr * dW  # one SGD step on the batch-mean loss
            C -= lr * dC
        losses.append(sgns_loss_and_grads(W, C, check[:, 0], check[:, 1], check_neg)[0])
    return W, C, np.array(losses)


def shifted_pmi(counts, k):
    """PMI(w, c) - log k from a word-context count matrix; -inf where a pair was never seen.

    counts: (V, V_c) -> (V, V_c). This is the SGNS optimum when negatives follow the unigram
    context distribution and d is large enough (Levy and Goldberg, 2014).

    >>> shifted_pmi(np.array([[2.0, 0.0], [0.0, 2.0]]), 1).tolist()
    [[0.6931471805599453, -inf], [-inf, 0.6931471805599453]]
    """
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    with np.errstate(divide="ignore"):
        pmi = np.log(counts * total / np.outer(counts.sum(1), counts.sum(0)))
    return pmi - np.log(k)


def sppmi_svd(counts, k, d):
    """Embeddings from the truncated SVD of the shifted positive PMI matrix
    max(PMI - log k, 0).

    counts: (V, V_c) -> W: (V, d) = U_d sqrt(S_d), the symmetric split of Levy and Goldberg.

    >>> sppmi_svd(np.array([[2.0, 0.0], [0.0, 2.0]]), 1, 1).shape
    (2, 1)
    """
    M = np.maximum(shifted_pmi(counts, k), 0.0)
    U, S, _ = np.linalg.svd(M)
    return U[:, :d] * np.sqrt(S[:d])


def nearest(W, i, n):
    """The n nearest words to word i by cosine similarity (excluding i itself).

    W: (V, d) -> (n,) word ids, most similar first.

    >>> nearest(np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0]]), 0, 1).tolist()
    [1]
    """
    U = W / np.maximum(np.linalg.norm(W, axis=1, keepdims=True), 1e-12)
    sims = U @ U[i]
    sims[i] = -np.inf
    return np.argsort(-sims, kind="stable")[:n]
