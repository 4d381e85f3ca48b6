"""A corpus with one planted polysemous word, its static vector as a mix of its senses, and
the context vectors of its occurrences (the input to sense induction).

Follows: Arora et al. (2018), "Linear Algebraic Structure of Word Senses, with Applications
to Polysemy": a static vector lies close to a weighted sum of its sense vectors, the more
frequent sense weighing more; Schütze (1998) for an occurrence's context vector as the
centroid of its context words' vectors; static vectors from PPMI + SVD as in
snippets/retrieval/analogies.py.
Simplifications: a generated corpus; 'lender' and 'riverside' are monosemous stand-ins for
the two senses of 'bank', which real corpora do not provide.
"""

import numpy as np

from snippets.retrieval.analogies import cooccurrence, ppmi, svd_embed

TOPICS = {
    "finance": ["money", "loan", "account", "deposit",
                "interest", "cash", "credit", "branch"],
    "river": ["water", "fishing", "muddy", "boat", "stream", "grass", "flood", "willow"],
    "music": ["guitar", "song", "band", "concert", "melody", "drum", "stage", "chord"],
    "sport": ["goal", "team", "match", "coach", "league", "score", "pitch", "referee"],
}
SHARED = ["old", "near", "new", "city", "morning", "people"]  # words used with every topic
# target word -> its topic; 'bank' is split between two senses with probability P_FINANCE
TARGETS = {"bank": None, "lender": "finance", "riverside": "river", "guitarist": "music",
           "striker": "sport"}


def polysemy_corpus(n_sentences, p_finance, rng, n_topic=3, n_shared=3):
    """Sentences 'target + n_topic topic words + n_shared shared words'; 'bank' takes the
    finance sense with probability p_finance, else the river sense.

    -> (sentences: list of int arrays, vocab: list of str,
        senses: (n_bank,) 0 finance, 1 river).

    >>> sents, vocab, senses = polysemy_corpus(20, 0.7, np.random.default_rng(0))
    >>> len(vocab), len(sents), int(senses.size) == sum(int(s[0] == 0) for s in sents)
    (43, 20, True)
    """
    vocab = list(TARGETS) + [w for ws in TOPICS.values() for w in ws] + SHARED
    ix = {w: i for i, w in enumerate(vocab)}
    targets = list(TARGETS)
    sentences, senses = [], []
    for t in rng.integers(len(targets), size=n_sentences):
        topic = TARGETS[targets[t]]
        if topic is None:  # the polysemous word: draw its sense for this occurrence
            sense = int(rng.random() >= p_finance)
            senses.append(sense)
            topic = ("finance", "river")[sense]
        toks = [targets[t]] + list(rng.choice(TOPICS[topic], size=n_topic))
        toks += list(rng.choice(SHARED, size=n_shared))
        sentences.append(np.array([ix[w] for w in toks]))
    return sentences, vocab, np.array(senses, dtype=int)


def static_vectors(sentences, V, d=10):
    """One vector per word type: SVD of the PPMI matrix. -> (V, d).

    >>> static_vectors([np.array([0, 1]), np.array([1, 2])], 3, d=2).shape
    (3, 2)
    """
    return svd_embed(ppmi(cooccurrence(sentences, V)), d)


def context_vectors(sentences, word, W):
    """One vector per occurrence of `word`: the mean static vector of the other words of its
    sentence. -> (n_occurrences, d).

    >>> context_vectors([np.array([0, 1, 2]), np.array([1, 2])], 0, np.eye(3)).tolist()
    [[0.0, 0.5, 0.5]]
    """
    return np.array([W[s[s != word]].mean(axis=0) for s in sentences if word in s])


def sense_mixture(W, word, senses):
    """Least-squares weights c with W[word] ~ sum_j c_j W[senses[j]], and the cosine between
    W[word] and that fit. -> (c, cosine).

    >>> W = np.array([[0.7, 0.3], [1.0, 0.0], [0.0, 1.0]])
    >>> c, cos = sense_mixture(W, 0, [1, 2])
    >>> c.round(4).tolist(), round(cos, 4)
    ([0.7, 0.3], 1.0)
    """
    A = W[list(senses)].T  # (d, n_senses)
    c, *_ = np.linalg.lstsq(A, W[word], rcond=None)
    fit = A @ c
    return c, float(fit @ W[word] / (np.linalg.norm(fit) * np.linalg.norm(W[word])))
