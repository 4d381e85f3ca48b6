"""Word sense disambiguation: simplified Lesk and nearest sense centroid.

Simplified Lesk: pick the sense whose gloss (definition plus example) shares the most
content words with the target's sentence; ties and zero overlap fall back to the
first-listed sense, which dictionaries such as WordNet order by frequency.
Nearest sense centroid: a sense embedding is the mean of the context vectors of its
sense-annotated occurrences; a new occurrence takes the sense of the most cosine-similar
centroid. With contextual embeddings as context vectors this is the 1-NN method of
Loureiro & Jorge (2019); here a context vector is the L2-normalised bag of words around the
target, so that the method runs on a toy corpus without a neural model.
Follows: Lesk (1986) in the simplified form of Kilgarriff & Rosenzweig (2000);
Loureiro & Jorge (2019) for sense-centroid 1-NN.
Simplifications: a two-word sense inventory written here (glosses are ours, not WordNet's);
no lemmatisation or part-of-speech filter; the tiny annotated corpus stands in for SemCor.
"""

import re

import numpy as np

STOP = set("a an the of to in on at by for from with and or but is was were be been it its "
           "this that he she they we i you his her their our my as into up out all".split())

# Sense inventory: word -> {sense: gloss}; the first sense listed is the most frequent.
SENSES = {
    "bank": {"bank/finance": "a financial institution that accepts deposits and lends "
                             "money; she paid the cheque into her account at the bank",
             "bank/river": "sloping land beside a body of water such as a river; "
                           "they pulled the canoe up onto the grassy bank"},
    "bass": {"bass/music": "the lowest part in music, or an instrument or voice with a "
                           "deep low pitch; he plays bass guitar in a band",
             "bass/fish": "an edible freshwater or sea fish with spiny fins; "
                          "we caught a striped bass from the boat"},
}


def content_words(text):
    """Lower-cased word tokens without stop words.

    >>> content_words("The bank of the river")
    ['bank', 'river']
    """
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w not in STOP]


def simplified_lesk(word, sentence, senses=SENSES):
    """Sense with the largest gloss-context overlap -> (sense, {sense: overlap}).

    >>> simplified_lesk("bank", "We walked along the bank of the river to the water")[0]
    'bank/river'
    """
    context = set(content_words(sentence)) - {word}  # the target itself is no evidence
    overlaps = {s: len(context & (set(content_words(g)) - {word}))
                for s, g in senses[word].items()}
    # subtle: max() keeps the FIRST maximum, so zero overlap means "most frequent sense"
    best = max(overlaps, key=overlaps.get)
    return best, overlaps


def context_vectors(sentences, vocab, word):
    """L2-normalised bag-of-words of each sentence, minus the target word.

    sentences: n strings, vocab: {word: column} of size V -> (n, V).

    >>> context_vectors(["river bank", "river"], {"river": 0, "bank": 1}, "bank").tolist()
    [[1.0, 0.0], [1.0, 0.0]]
    """
    X = np.zeros((len(sentences), len(vocab)))
    for i, s in enumerate(sentences):
        for w in content_words(s):
            if w != word and w in vocab:
                X[i, vocab[w]] += 1.0
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(norms > 0, norms, 1.0)  # subtle: an all-unknown context stays zero


def sense_centroids(X, labels):
    """Unit-length mean vector per sense.
    X: (n, d), labels: n senses -> (senses, C: (S, d)).

    >>> X = np.array([[1.0, 0.0], [0.0, 2.0], [3.0, 0.0]])
    >>> senses, C = sense_centroids(X, ["a", "b", "a"])
    >>> senses, C.tolist()
    (['a', 'b'], [[1.0, 0.0], [0.0, 1.0]])
    """
    labels = np.asarray(labels)
    senses = sorted(set(labels.tolist()))
    C = np.stack([X[labels == s].mean(axis=0) for s in senses])  # (S, d)
    return senses, C / np.linalg.norm(C, axis=1, keepdims=True)


def nearest_sense(X, senses, C):
    """Sense of the most cosine-similar centroid for each row.
    X: (m, d) -> (m,) senses, (m, S).

    >>> nearest_sense(np.array([[0.9, 0.1]]), ["a", "b"], np.eye(2))[0].tolist()
    ['a']
    """
    Xn = X / np.maximum(np.linalg.norm(X, axis=1, keepdims=True), 1e-12)
    sims = Xn @ C.T  # (m, S) cosine similarities
    # subtle: a context sharing nothing with any sense scores 0 everywhere; argmax then
    # returns the first sense, an arbitrary answer that should be flagged, not trusted
    return np.asarray(senses)[sims.argmax(axis=1)], sims


# A toy sense-annotated corpus ("SemCor") and test sentences with gold senses.
TRAIN = [("He deposited his salary at the bank on Monday", "bank/finance"),
         ("The bank approved the loan and the mortgage", "bank/finance"),
         ("Interest rates at the bank went up again", "bank/finance"),
         ("The bank charged a fee on every transfer", "bank/finance"),
         ("Anglers sat fishing on the bank all morning", "bank/river"),
         ("The flood washed away the muddy bank of the stream", "bank/river"),
         ("Reeds grew thick along the bank of the lake", "bank/river"),
         ("We had a picnic on the grassy bank by the water", "bank/river")]
TEST = [("We walked along the bank of the river", "bank/river"),
        ("The bank raised the fee on her account", "bank/finance"),
        ("The bank raised interest rates on the loan", "bank/finance"),
        ("He was fishing from the muddy bank", "bank/river"),
        ("An otter swam across to the far bank", "bank/river")]


def compare_methods(word="bank"):
    """Accuracy on TEST of simplified Lesk and of nearest sense centroid, and the centroid
    cosines: -> (lesk accuracy, centroid accuracy, cosines (len(TEST), S))."""
    texts, gold = [t for t, _ in TEST], [s for _, s in TEST]
    lesk = [simplified_lesk(word, t)[0] for t in texts]
    vocab = {w: j for j, w in enumerate(sorted({w for t, _ in TRAIN
                                                for w in content_words(t)}))}
    senses, C = sense_centroids(context_vectors([t for t, _ in TRAIN], vocab, word),
                                [s for _, s in TRAIN])
    knn, sims = nearest_sense(context_vectors(texts, vocab, word), senses, C)
    return (float(np.mean([p == g for p, g in zip(lesk, gold)])),
            float(np.mean([p == g for p, g in zip(knn.tolist(), gold)])), sims)
