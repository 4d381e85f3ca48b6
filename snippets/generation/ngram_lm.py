"""An add-k n-gram language model: chain-rule sequence probability
and autoregressive sampling.

The model factorises a sentence as P(w_1..w_T, </s>) = prod_t P(w_t | w_{t-n+1..t-1}), the
chain rule with the history truncated to n - 1 tokens, and generates text by sampling one
token at a time from that conditional and appending it to the history until it draws the end
token.

Follows: the chain-rule factorisation of a language model (Bengio et al., 2003, eq. 1) and
additive (add-k) smoothing as surveyed by Chen and Goodman (1996).

Simplifications: whitespace tokens; add-k instead of interpolated Kneser-Ney; no
unknown-word token (every word of a scored sentence must be in the training vocabulary);
counts in a dict.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

BOS, EOS = "<s>", "</s>"

# The toy corpus used by the page and the tests.
CORPUS = (
    "the cat sat on the mat",
    "the dog sat on the log",
    "the cat saw the dog",
    "the dog saw the cat",
    "a cat sat on a mat",
    "the cat ran",
)


class NGramLM:
    """An n-gram model with add-k smoothing over the vocabulary of `sentences` plus </s>.

    >>> lm = NGramLM(CORPUS, n=2, k=0.1)
    >>> lm.vocab[:3]
    ['</s>', 'a', 'cat']
    >>> round(float(lm.next_token_probs(["the"]).sum()), 12)
    1.0
    """

    def __init__(self, sentences, n: int = 2, k: float = 0.1):
        if n < 1 or k <= 0:
            raise ValueError("need n >= 1 and k > 0 "
                             "(k = 0 gives unseen events probability 0)")
        self.n, self.k = n, k
        # Targets are the words plus </s>; <s> only ever appears as history.
        self.vocab = sorted({w for s in sentences for w in s.split()} | {EOS})
        self.index = {w: i for i, w in enumerate(self.vocab)}
        self.counts = defaultdict(lambda: np.zeros(len(self.vocab)))
        for s in sentences:
            padded = [BOS] * (n - 1) + s.split() + [EOS]
            for t in range(n - 1, len(padded)):
                history = tuple(padded[t - n + 1:t])
                self.counts[history][self.index[padded[t]]] += 1

    def next_token_probs(self, context) -> np.ndarray:
        """P(. | last n-1 tokens of context): context (list of str) -> (V,) summing to 1.

        >>> lm = NGramLM(CORPUS, n=2, k=0.1)
        >>> p = lm.next_token_probs(["the"])
        >>> round(float(p[lm.index["cat"]]), 4)  # (4 + 0.1) / (9 + 1.1)
        0.4059
        """
        # subtle: a short context is left-padded with <s>, exactly as training
        # sentences were.
        padded = [BOS] * (self.n - 1) + list(context)
        history = tuple(padded[len(padded) - self.n + 1:]) if self.n > 1 else ()
        c = self.counts.get(history, np.zeros(len(self.vocab)))
        # Add-k: every continuation gets k pseudo-counts, so unseen ones keep mass.
        return (c + self.k) / (c.sum() + self.k * len(self.vocab))

    def conditional_logprobs(self, tokens) -> np.ndarray:
        """log P(w_t | w_<t) for each token and the final </s>: T tokens -> (T + 1,).

        >>> NGramLM(CORPUS, n=2, k=0.1).conditional_logprobs(["the", "cat"]).shape
        (3,)
        """
        targets = list(tokens) + [EOS]
        out = np.empty(len(targets))
        for t, w in enumerate(targets):
            out[t] = np.log(self.next_token_probs(targets[:t])[self.index[w]])
        return out

    def logprob(self, tokens) -> float:
        """Chain rule: log P(w_1..w_T, </s>) = sum_t log P(w_t | w_<t).

        >>> lm = NGramLM(CORPUS, n=2, k=0.1)
        >>> round(float(np.exp(lm.logprob("the cat ran".split()))), 6)
        0.027543
        """
        return float(self.conditional_logprobs(tokens).sum())

    def sample(self, rng: np.random.Generator, max_len: int = 20) -> list[str]:
        """Autoregressive sampling: draw w_t ~ P(. | w_<t) until </s> or max_len tokens.

        >>> lm = NGramLM(CORPUS, n=2, k=0.1)
        >>> rng = np.random.default_rng(0)
        >>> [" ".join(lm.sample(rng)) for _ in range(3)]
        ['the cat', 'a mat sat on the dog saw the', 'the cat sat on the dog cat ran']
        """
        out: list[str] = []
        for _ in range(max_len):
            # One step: the distribution depends only on what was generated so far.
            w = self.vocab[rng.choice(len(self.vocab), p=self.next_token_probs(out))]
            if w == EOS:
                break
            out.append(w)
        return out
