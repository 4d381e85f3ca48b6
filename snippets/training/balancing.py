"""Load balancing for mixture-of-experts routers: the Switch auxiliary loss, DeepSeek-V3's
auxiliary-loss-free bias, and a toy simulation of routing collapse.

Follows: Fedus et al. (2022), Eq. 4-6, for the loss alpha * E * sum_i f_i P_i (f_i the
fraction of assignments to expert i, P_i its mean router probability), minimal (= alpha)
at uniform routing; Wang et al. (2024) and DeepSeek-AI (2024), Sec. 2.1.2, for a per-expert
bias added to the scores for top-k selection only, moved by gamma toward balance each step.
Simplifications: the simulation is a caricature of the rich-get-richer loop (Shazeer et
al., 2017): an expert's quality is a moving average of the load it received, and the router
is trained through the chosen gate (top-1, softmax); "bias" selects on sigmoid scores.
"""

import numpy as np


def switch_balance_loss(probs, idx, alpha=1.0):
    """alpha * E * sum_i f_i P_i. probs: (T, E) router softmax, idx: (T, k) chosen experts.

    f_i counts the T*k assignments (Switch's top-1 loss for k = 1).

    >>> switch_balance_loss(np.full((4, 2), 0.5), np.array([[0], [1], [0], [1]]))
    1.0
    """
    E = probs.shape[1]
    f = np.bincount(idx.ravel(), minlength=E) / idx.size  # share of assignments
    P = probs.mean(axis=0)  # mean router probability per expert
    return float(alpha * E * np.sum(f * P))


def max_violation(load):
    """MaxVio of Wang et al. (2024): (max_i load_i - mean load) / mean load; 0 is balanced.

    >>> max_violation(np.array([4, 4, 4, 4])), max_violation(np.array([16, 0, 0, 0]))
    (0.0, 3.0)
    """
    mean = load.mean()
    return float((load.max() - mean) / mean)


def bias_update(b, load, gamma):
    """DeepSeek-V3's bias step: b_i - gamma if expert i is overloaded, + gamma if under.

    b, load: (E,) -> (E,). load is the token count of each expert in the last step.

    >>> bias_update(np.zeros(3), np.array([5, 1, 3]), gamma=0.1).tolist()
    [-0.1, 0.1, 0.0]
    """
    return b + gamma * np.sign(load.mean() - load)


def biased_top_k(scores, b, k):
    """Select top-k by scores + b; gate with the unbiased scores, normalised over the k.

    scores: (T, E) affinities in (0, 1) (sigmoid in DeepSeek-V3) -> idx, gates (T, k).

    >>> idx, g = biased_top_k(np.array([[0.9, 0.5, 0.1]]), np.array([-1.0, 0, 0]), k=1)
    >>> idx.tolist(), g.tolist()
    ([[1]], [[1.0]])
    """
    idx = np.argsort(-(scores + b), axis=-1, kind="stable")[:, :k]  # bias picks
    s = np.take_along_axis(scores, idx, axis=-1)  # ...but the gate ignores it
    return idx, s / s.sum(axis=-1, keepdims=True)


def simulate_routing(method="none", steps=300, T=512, E=8, d=16, lr=2.0, alpha=1.0,
                     gamma=0.003, seed=0):
    """Top-1 routing over training; returns the share of tokens each expert gets per step.

    method: "none", "aux" (Switch loss) or "bias" (auxiliary-loss-free) -> (steps, E).

    >>> simulate_routing("none", steps=3).shape
    (3, 8)
    """
    rng = np.random.default_rng(seed)
    mu = rng.normal(size=d) / np.sqrt(d)  # hidden states share a mean direction
    W = 0.01 * rng.normal(size=(d, E))  # router
    quality = np.ones(E)  # an expert improves with the tokens it trains on
    b = np.zeros(E)
    shares = np.zeros((steps, E))
    for step in range(steps):
        x = mu + rng.normal(size=(T, d))  # (T, d)
        logits = x @ W  # (T, E)
        p = np.exp(logits - logits.max(axis=1, keepdims=True))
        p /= p.sum(axis=1, keepdims=True)
        s = 1 / (1 + np.exp(-logits))  # sigmoid affinities, DeepSeek-V3's scores
        idx = np.argmax(s + b, axis=1) if method == "bias" else np.argmax(logits, axis=1)
        load = np.bincount(idx, minlength=E)
        shares[step] = load / T
        # Router ascends the gated quality p_t,i q_i of the chosen expert i (as in Switch,
        # the gradient reaches the router only through the selected gate).
        qi = quality[idx][:, None]  # (T, 1)
        G = -qi * p * p[np.arange(T), idx][:, None]  # (T, E)
        G[np.arange(T), idx] += (qi * p[np.arange(T), idx][:, None]).ravel()
        if method == "aux":  # descend alpha * E * sum f_i P_i, f held constant
            f = shares[step]
            G -= alpha * E * p * (f - (p @ f)[:, None])
        W += lr * x.T @ G / T
        if method == "bias":
            b = bias_update(b, load, gamma)
        quality = 0.9 * quality + 0.1 * E * shares[step]  # rich get richer
    return shares
