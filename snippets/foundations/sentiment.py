"""Sentiment: a lexicon scorer with negation scope and "but" contrast,
and a learned baseline.

Lexicon scorer: sum the prior polarity of each word, after two rules. Negation multiplies
the valence of words in its scope by a scalar (-0.74 in VADER's implementation,
Hutto & Gilbert, 2014: "not good" is less negative than "bad"); the scope runs to the next
punctuation mark or "but" (the punctuation rule of Das & Chen, 2001, used by
Pang, Lee & Vaithyanathan, 2002), or, alternatively, over a fixed window of words (VADER
negates a word with a negator among the three tokens before it). Contrast: words before
"but" count x0.5 and words after it x1.5 (the weights of VADER's implementation).
Learned baseline: bag-of-words logistic regression, with or without NOT_ marking of the
words in a negation scope (Das & Chen, 2001; Pang et al., 2002).
Simplifications: a 20-word hand-made lexicon (valences on a -3..+3 scale chosen here, not
VADER's); no intensifiers, capitals, emoticons or sentence splitting; only the first "but".
"""

import re

import numpy as np

from snippets.foundations.logreg import LogisticRegression

LEXICON = {"good": 2.0, "great": 3.0, "excellent": 3.0, "fun": 2.0, "funny": 2.0,
           "clever": 2.0, "moving": 2.0, "love": 3.0, "enjoyable": 2.0, "fine": 1.0,
           "bad": -2.0, "terrible": -3.0, "awful": -3.0, "boring": -2.0, "dull": -2.0,
           "weak": -1.0, "silly": -1.0, "slow": -1.0, "hate": -3.0, "disappointing": -2.0}
NEGATORS = {"not", "no", "never", "nothing", "none", "nobody", "without", "hardly"}
PUNCT = set(".,;:!?")
TOKEN_RE = re.compile(r"[a-z]+(?:'[a-z]+)?|[.,;:!?]")


def tokenize(text):
    """Lower-cased words (contractions kept whole) and punctuation marks.

    >>> tokenize("It wasn't good, really.")
    ['it', "wasn't", 'good', ',', 'really', '.']
    """
    return TOKEN_RE.findall(text.lower())


def is_negator(token):
    """True for a word that flips the polarity of what follows ("not", "never", "isn't")."""
    return token in NEGATORS or token.endswith("n't")


def negation_scope(tokens, mode="punct", window=3):
    """Which tokens a preceding negator governs. tokens: T strings -> (T,) bool.

    mode "punct": from the negator to the next punctuation mark or "but"; mode "window":
    the `window` tokens after the negator; mode None: no negation handling.

    >>> scope = negation_scope(tokens=["not", "a", "good", "film", ",", "but", "fun"])
    >>> scope.astype(int).tolist()
    [0, 1, 1, 1, 0, 0, 0]
    """
    scope, left = np.zeros(len(tokens), dtype=bool), 0
    for i, tok in enumerate(tokens):
        if mode == "punct" and (tok in PUNCT or tok == "but"):
            left = 0  # the clause ends: so does the scope
        elif left > 0:
            scope[i], left = True, left - 1
        if mode is not None and is_negator(tok):
            # subtle: "not" inside a scope starts a new scope; it does not cancel the first
            left = window if mode == "window" else len(tokens)
    return scope


def lexicon_contributions(tokens, negation="punct", window=3, neg_scalar=-0.74, but=True):
    """Signed contribution of every token. tokens: T strings -> (T,) floats;
    their sum is the score.

    >>> lexicon_contributions(tokenize("not good but fun")).round(2).tolist()
    [0.0, -0.74, 0.0, 3.0]
    """
    v = np.array([LEXICON.get(t, 0.0) for t in tokens])
    v = np.where(negation_scope(tokens, negation, window), neg_scalar * v, v)  # negation
    if but and "but" in tokens:
        b = tokens.index("but")
        v[:b] *= 0.5  # the clause before "but" is conceded
        v[b + 1:] *= 1.5  # the clause after it carries the verdict
    return v


def lexicon_label(text, **options):
    """+1, -1, or 0 (no evidence) for a text. options: as for `lexicon_contributions`.

    >>> lexicon_label("The plot is not bad at all."), lexicon_label("It is a film.")
    (1, 0)
    """
    return int(np.sign(lexicon_contributions(tokenize(text), **options).sum()))


# Crafted cases: (text, gold label). The last one is sarcasm; no lexicon rule gets it.
CASES = [("The film was good.", 1),
         ("The film was not good.", -1),
         ("The plot is not bad at all.", 1),
         ("I would not say that this film is good.", -1),
         ("The acting is great but the plot is boring.", -1),
         ("The plot is boring but the acting is great.", 1),
         ("It was not great, but it was fun.", 1),
         ("No plot, no jokes, nothing funny.", -1),
         ("Great, another two hours of my life I will never get back.", -1)]


def lexicon_accuracy(cases=CASES, **options):
    """Fraction of (text, label) cases the lexicon scorer gets right
    (a 0 score is wrong)."""
    return sum(lexicon_label(t, **options) == y for t, y in cases) / len(cases)


def mark_negation(tokens):
    """Prefix NOT_ to every word in a negation scope
    (to the next punctuation mark or "but").

    >>> mark_negation(["not", "good", ",", "fun"])
    ['not', 'NOT_good', ',', 'fun']
    """
    scope = negation_scope(tokens, "punct")
    return [f"NOT_{t}" if s else t for t, s in zip(tokens, scope)]


def make_reviews():
    """All 100 one-clause reviews "the NOUN was [not] ADJ" with their labels:
    (texts, (100,))."""
    nouns = ["film", "plot", "cast", "script", "ending"]
    adjs = {a: 1 for a in ["good", "great", "fun", "clever", "moving"]}
    adjs.update({a: -1 for a in ["bad", "dull", "boring", "weak", "silly"]})
    texts, y = [], []
    for noun in nouns:
        for adj, polarity in adjs.items():
            for neg in (False, True):
                texts.append(f"the {noun} was {'not ' if neg else ''}{adj}")
                y.append(-polarity if neg else polarity)
    return texts, np.array(y)


def negation_experiment(seed=0, C=10.0):
    """Held-out accuracy of bag-of-words logistic regression, without and with NOT_ marking.

    Half of the 100 reviews train, half test (a random split). Returns (plain, marked).
    """
    texts, y = make_reviews()
    order = np.random.default_rng(seed).permutation(len(texts))
    train, test = order[:50], order[50:]
    accuracies = []
    for transform in (lambda toks: toks, mark_negation):
        docs = [transform(tokenize(t)) for t in texts]
        vocab = {w: j for j, w in enumerate(sorted({w for d in docs for w in d}))}
        X = np.zeros((len(docs), len(vocab)))
        for i, d in enumerate(docs):
            for w in d:
                X[i, vocab[w]] += 1.0  # bag of words: order is lost
        model = LogisticRegression(C=C).fit(X[train], y[train])
        accuracies.append(float(np.mean(model.predict(X[test]) == y[test])))
    return tuple(accuracies)
