"""Speculative sampling: a cheap draft model proposes, the target model verifies,
output is exact.

Follows: Leviathan, Kalman and Matias, "Fast Inference from Transformers via Speculative
Decoding" (ICML 2023), Algorithm 1 and Section 3; Chen et al., "Accelerating Large Language
Model Decoding with Speculative Sampling" (2023). Notation as in Leviathan et al.: `p` is
the target distribution, `q` the draft distribution, `gamma` the number of drafted tokens,
`alpha` the expected acceptance rate, `c` the cost of one draft step relative to one target
step.

Simplifications: a model is any function `model(prefix) -> (V,) probabilities` over a small
vocabulary (no logits, temperature or top-k: those only change p and q); the target's
gamma + 1 forward passes are a Python loop here, where a real system runs them as one
batched call; no KV cache, no batching of requests, no tree of drafts.
"""

from itertools import product

import numpy as np


def acceptance_rate(p, q):
    """beta = sum_x min(p(x), q(x)): probability that one drafted token is accepted.

    p, q: (V,) -> float.
    >>> p, q = np.array([0.5, 0.3, 0.15, 0.05]), np.array([0.4, 0.4, 0.1, 0.1])
    >>> round(acceptance_rate(p, q), 4)
    0.85
    """
    return float(np.minimum(p, q).sum())


def residual(p, q):
    """The distribution norm(max(0, p - q)) sampled after a rejection.

    p, q: (V,) -> (V,).
    >>> p = np.array([0.5, 0.3, 0.15, 0.05])
    >>> residual(p, np.array([0.4, 0.4, 0.1, 0.1])).round(4)
    array([0.6667, 0.    , 0.3333, 0.    ])
    """
    r = np.maximum(p - q, 0.0)
    z = r.sum()
    # subtle: z == 0 only when p == q, where a rejection has
    # probability 0; return p so the function is total (no 0 / 0).
    return r / z if z > 0 else np.asarray(p, dtype=float).copy()


def speculative_step(p_model, q_model, prefix, gamma, rng):
    """One target call of Algorithm 1: emit 1 to gamma + 1 tokens.

    prefix: tuple of ints -> list of 1 to gamma + 1 new token ids.
    >>> flat = lambda prefix: np.full(3, 1 / 3)
    >>> rng = np.random.default_rng(0)
    >>> speculative_step(flat, flat, (), 4, rng)  # p == q: all kept
    [1, 0, 0, 0, 1]
    """
    prefix = tuple(prefix)
    drafts, qs = [], []
    # 1. the draft samples gamma tokens autoregressively
    for _ in range(gamma):
        q_i = q_model(prefix + tuple(drafts))
        drafts.append(int(rng.choice(len(q_i), p=q_i)))
        qs.append(q_i)
    # 2. the target scores all gamma + 1 prefixes (one batched pass)
    ps = [p_model(prefix + tuple(drafts[:i])) for i in range(gamma + 1)]
    for i, x in enumerate(drafts):
        # 3. keep x_i with probability min(1, p(x_i) / q(x_i))
        if rng.random() >= ps[i][x] / qs[i][x]:
            # 4. first rejection: resample from the residual and stop
            r = residual(ps[i], qs[i])
            return drafts[:i] + [int(rng.choice(len(r), p=r))]
    # 5. every draft accepted: one bonus token from the target's last p
    p_last = ps[gamma]
    return drafts + [int(rng.choice(len(p_last), p=p_last))]


def step_distribution(p_model, q_model, prefix, gamma, V):
    """Exact distribution of the tokens one speculative step emits,
    by enumerating all drafts.

    prefix: tuple of ints -> dict {emitted token tuple: probability}.
    >>> p = lambda prefix: np.array([0.7, 0.3])
    >>> q = lambda prefix: np.array([0.4, 0.6])
    >>> {k: round(v, 4) for k, v in sorted(step_distribution(p, q, (), 1, 2).items())}
    {(0,): 0.3, (0, 0): 0.28, (0, 1): 0.12, (1, 0): 0.21, (1, 1): 0.09}
    """
    prefix, out = tuple(prefix), {}
    for drafts in product(range(V), repeat=gamma):
        qs = [q_model(prefix + drafts[:i]) for i in range(gamma)]
        ps = [p_model(prefix + drafts[:i]) for i in range(gamma + 1)]
        prob = float(np.prod([qs[i][x] for i, x in enumerate(drafts)]))  # P(drafts)
        for n in range(gamma + 1):  # n = number of accepted drafts
            if n < gamma:
                a = min(1.0, ps[n][drafts[n]] / qs[n][drafts[n]])
                last, p_stop = residual(ps[n], qs[n]), prob * (1.0 - a)
            else:
                last, p_stop = ps[gamma], prob
            for t in range(V):
                if p_stop * last[t] > 0:
                    key = drafts[:n] + (t,)
                    out[key] = out.get(key, 0.0) + float(p_stop * last[t])
            if n < gamma:
                prob *= a  # survive to the next draft
    return out


def expected_tokens_per_call(alpha, gamma):
    """E[tokens per target call] = (1 - alpha^(gamma+1)) / (1 - alpha) (Leviathan Eq. 1).

    >>> round(expected_tokens_per_call(0.8, 4), 4)
    3.3616
    """
    alpha = np.asarray(alpha, dtype=float)
    # subtle: at alpha = 1 the geometric sum is gamma + 1, not 0/0
    safe = np.where(alpha < 1.0, alpha, 0.0)
    out = np.where(alpha < 1.0, (1.0 - safe ** (gamma + 1)) / (1.0 - safe), gamma + 1.0)
    return float(out) if out.ndim == 0 else out


def walltime_speedup(alpha, gamma, c):
    """Expected walltime speed-up of speculative decoding (Theorem 3.8).

    (1 - alpha^(gamma+1)) / ((1 - alpha)(gamma c + 1)), with
    c = time of one draft step / time of one target step.
    >>> round(walltime_speedup(0.8, 4, 0.05), 4)
    2.8013
    """
    return expected_tokens_per_call(alpha, gamma) / (gamma * c + 1.0)


def arithmetic_ops_factor(alpha, gamma, c_hat):
    """Expected increase in total arithmetic:
    (1 - alpha)(gamma c_hat + gamma + 1) / (1 - alpha^(gamma+1)).

    Leviathan et al., Theorem 3.11; c_hat = draft FLOPs per token / target FLOPs per token.
    >>> round(arithmetic_ops_factor(0.8, 5, 0.0), 2)
    1.63
    """
    return (gamma * c_hat + gamma + 1.0) / expected_tokens_per_call(alpha, gamma)


def optimal_gamma(alpha, c, gamma_max=32):
    """The integer draft length in 0..gamma_max with the largest walltime speed-up.

    >>> optimal_gamma(0.8, 0.05)
    8
    """
    gammas = np.arange(gamma_max + 1)
    return int(gammas[np.argmax([walltime_speedup(alpha, g, c) for g in gammas])])
