"""Long-range dependencies: path length through layers, attention distance, and the
dilution of one relevant key among many.

Follows: Vaswani et al. (2017), Table 1, for the maximum path length of self-attention
(O(1)), recurrence (O(n)) and restricted self-attention (O(n / r)).
Simplifications: connectivity is a boolean (T, T) mask per layer ("position i reads
position j"), a recurrence is one step per position; the dilution toy has i.i.d. Gaussian
distractor logits, which trained models do not.
"""

import numpy as np


def path_length(mask, src: int, dst: int, max_layers: int = 10_000) -> int:
    """Fewest layers after which position dst depends on position src. -> int (-1: never).

    mask: (T, T) bool, mask[i, j] = position i reads position j in one layer (a position
    always keeps its own state, as the residual stream does).

    >>> T = 6
    >>> dense = np.tril(np.ones((T, T), dtype=bool))
    >>> rnn = np.eye(T, dtype=bool) | np.eye(T, k=-1, dtype=bool)  # i reads i - 1
    >>> path_length(dense, 0, T - 1), path_length(rnn, 0, T - 1)
    (1, 5)
    """
    step = np.asarray(mask, dtype=bool) | np.eye(len(mask), dtype=bool)
    # reached[i]: position i already carries information from src.
    reached = np.zeros(len(step), dtype=bool)
    reached[src] = True
    for layer in range(1, max_layers + 1):
        reached = (step & reached[None, :]).any(axis=1)
        if reached[dst]:
            return layer
    return -1


def mean_attention_distance(weights) -> float:
    """Average over queries of sum_j w_ij |i - j|: how far, in tokens, a head looks.

    weights: (..., T, T) rows summing to 1 (or 0) -> float.

    >>> T = 5; w = np.tril(np.ones((T, T))); w /= w.sum(1, keepdims=True)
    >>> mean_attention_distance(w)  # uniform causal: (T - 1) / 4
    1.0
    """
    T = weights.shape[-1]
    dist = np.abs(np.arange(T)[:, None] - np.arange(T)[None, :])  # |i - j|, (T, T)
    return float((weights * dist).sum(axis=-1).mean())


def needle_weight(gap, n, sigma: float = 0.0):
    """Expected softmax weight of one key whose logit exceeds n - 1 distractors by gap.

    Distractor logits i.i.d. N(0, sigma^2), approximated by their mean partition function
    (n - 1) exp(sigma^2 / 2): weight = e^gap / (e^gap + (n - 1) e^(sigma^2 / 2)).

    >>> round(float(needle_weight(np.log(999), 1000)), 3)  # gap = ln(n - 1): half the mass
    0.5
    """
    gap = np.asarray(gap, dtype=float)
    return np.exp(gap) / (np.exp(gap) + (np.asarray(n) - 1) * np.exp(sigma ** 2 / 2))


def simulate_needle_weight(gap: float, n: int, sigma: float, trials: int, rng) -> float:
    """Monte Carlo of `needle_weight`: mean softmax weight of the needle. -> float."""
    logits = rng.normal(0.0, sigma, size=(trials, n))
    logits[:, 0] = gap
    logits -= logits.max(axis=1, keepdims=True)  # stable softmax
    w = np.exp(logits)
    return float((w[:, 0] / w.sum(axis=1)).mean())


def recurrent_influence(a: float, n: int) -> float:
    """d h_n / d x_0 of the scalar recurrence h_t = a h_(t-1) + x_t: a^n. -> float.

    >>> recurrent_influence(0.9, 100) < 1e-4
    True
    """
    return float(a ** n)



def planted_key_attention(T: int, D: int, beta: float, d: int, rng):
    """The last of T queries looks for one key planted D positions back, among random keys.

    Keys: T random unit vectors in d dimensions; the query is beta sqrt(d) times the
    planted key, so the planted logit is beta and the others are about N(0, beta^2 / d).
    -> weights (T,) of the last query over all T keys (causal, itself included).

    >>> w = planted_key_attention(T=50, D=40, beta=30.0, d=64, rng=np.random.default_rng(0))
    >>> int(w.argmax()), bool(w.max() > 0.99)  # found 40 positions back, in one layer
    (9, True)
    """
    from snippets.generation.attention import scaled_dot_product_attention

    k = rng.normal(size=(T, d))
    k /= np.linalg.norm(k, axis=1, keepdims=True)  # unit keys, (T, d)
    q = beta * np.sqrt(d) * k[T - 1 - D]  # (d,): matches the key at T - 1 - D
    _, w = scaled_dot_product_attention(q[None, :], k, k)
    return w[0]


def max_path_length(kind: str, T: int, w: int = 1) -> int:
    """Vaswani et al.'s Table 1, exactly: layers (or steps) from position 0 to T - 1.

    kind: "attention" (dense), "window" (w keys per layer, r = w in Table 1) or
    "recurrent" (one step per position). -> int.

    >>> [max_path_length(k, 4096, 64) for k in ("attention", "window", "recurrent")]
    [1, 65, 4095]
    """
    if T <= 1:
        return 0
    return {"attention": 1, "window": -(-(T - 1) // max(w - 1, 1)),
            "recurrent": T - 1}[kind]
