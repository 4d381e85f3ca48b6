"""The residual stream read layer by layer: its exact decomposition into block writes, the
logit lens and a least-squares tuned lens, on a small trained decoder.

Follows: Elhage et al. (2021) for the residual-stream view; nostalgebraist (2020) for the
logit lens (decode every intermediate state with the final norm and unembedding); Belrose
et al. (2023) for the tuned lens (an affine translator per layer before decoding).
Simplifications: the translators are fitted by least squares to the final residual state,
not by minimising the KL divergence to the final logits with SGD; the toy task is a fixed
random permutation of the vocabulary (next token = pi(current token)), learned by the
pre-norm model of inference.py with Adam and the manual backward pass of block.py.
"""

from functools import lru_cache

import numpy as np

from snippets.transformer.block import block_backward, block_forward
from snippets.transformer.inference import init_model
from snippets.transformer.norms import NORMS, norm_backward


def stream(model, tokens):
    """Residual states and block writes. tokens: (b, s) -> (states: L + 1 arrays (b, s, d),
    writes: 2L arrays (b, s, d), each block's attention write then its MLP write).

    >>> states, writes = stream(init_model(np.random.default_rng(0)), np.array([[1, 2]]))
    >>> len(states), len(writes), states[0].shape
    (4, 6, (1, 2, 16))
    """
    x = model["E"][tokens]
    states, writes = [x], []
    for p in model["blocks"]:
        x, S = block_forward(p, x)
        # The two writes, recomputed from the saved tensors with the same matmuls.
        writes += [S["proj_in"] @ p["W_o"], S["fc2_in"] @ p["W_2"]]
        states.append(x)
    return states, writes


def logit_lens(model, states):
    """Decode each state with the final norm and tied unembedding -> (L + 1, b, s, V).

    >>> m = init_model(np.random.default_rng(0))
    >>> logit_lens(m, stream(m, np.array([[1, 2]]))[0]).shape
    (4, 1, 2, 32)
    """
    norm = NORMS[model["norm"]]
    return np.stack([norm(x, model["g_f"]) @ model["E"].T for x in states])


def fit_tuned_lens(states):
    """Per layer, the affine map (A, c) minimising ||x_l A + c - x_L||^2 over all positions.

    states: list of (b, s, d) -> list of (A (d, d), c (d,)).

    >>> x = np.random.default_rng(0).normal(size=(2, 5, 3))
    >>> A, c = fit_tuned_lens([x, 2 * x + 1])[0]  # the last state is 2x + 1
    >>> bool(np.allclose(A, 2 * np.eye(3)) and np.allclose(c, 1))
    True
    """
    target = states[-1].reshape(-1, states[-1].shape[-1])
    out = []
    for x in states:
        X = np.hstack([x.reshape(-1, x.shape[-1]), np.ones((target.shape[0], 1))])
        W = np.linalg.lstsq(X, target, rcond=None)[0]
        out.append((W[:-1], W[-1]))
    return out


def tuned_lens(model, states, translators):
    """Logit lens applied to x_l A_l + c_l -> (L + 1, b, s, V).

    >>> m = init_model(np.random.default_rng(0))
    >>> states = stream(m, np.array([[1, 2, 3]]))[0]
    >>> tuned_lens(m, states, fit_tuned_lens(states)).shape
    (4, 1, 3, 32)
    """
    return logit_lens(model, [x @ A + c for x, (A, c) in zip(states, translators)])


def kl_to_final(logits):
    """Mean KL(final || layer l) in nats per layer. logits: (L + 1, ..., V) -> (L + 1,).

    >>> kl_to_final(np.log(np.array([[0.5, 0.5], [0.9, 0.1]]))).round(4)
    array([0.3681, 0.    ])
    """
    logp = logits - logits.max(-1, keepdims=True)
    logp = logp - np.log(np.exp(logp).sum(-1, keepdims=True))
    p_final = np.exp(logp[-1])
    return np.array([np.mean(np.sum(p_final * (logp[-1] - lp), -1)) for lp in logp])


def lens_report(seed=0, n_eval=64):
    """Train the toy, fit the tuned lens on one batch, evaluate both lenses on another.

    -> dict of per-layer arrays (L + 1,): KL to the final distribution and top-1 rates.
    """
    model, pi = train_permutation_model(seed)
    rng = np.random.default_rng(seed + 1)
    V = model["E"].shape[0]
    translators = fit_tuned_lens(stream(model, rng.integers(0, V, (n_eval, 8)))[0])
    tokens = rng.integers(0, V, (n_eval, 8))
    states = stream(model, tokens)[0]
    out = {}
    for name, logits in [("logit", logit_lens(model, states)),
                         ("tuned", tuned_lens(model, states, translators))]:
        top = logits.argmax(-1)
        out[name + "_kl"] = kl_to_final(logits)
        out[name + "_answer"] = (top == pi[tokens]).mean(axis=(1, 2))
        out[name + "_input"] = (top == tokens).mean(axis=(1, 2))
    return out


@lru_cache(maxsize=4)
def train_permutation_model(seed=0, vocab=64, d=16, n_layers=4, steps=300, lr=1e-2):
    """Train init_model on next token = pi(token) with Adam. -> (model, pi).

    Cached (about a second of training): treat the returned model as read-only.
    """
    rng = np.random.default_rng(seed)
    model, pi = init_model(rng, vocab, d, 4, n_layers, std=0.1), rng.permutation(vocab)
    params = [(model, "E"), (model, "g_f")] + [(p, k) for p in model["blocks"]
                                                for k in p if k[:2] in ("W_", "g_")]
    m = [np.zeros_like(o[k]) for o, k in params]
    v = [np.zeros_like(o[k]) for o, k in params]
    for t in range(1, steps + 1):
        tokens = rng.integers(0, vocab, (16, 8))
        grads = _loss_grads(model, tokens, pi[tokens])
        for i, (o, k) in enumerate(params):
            g = grads[(id(o), k)]
            m[i] = 0.9 * m[i] + 0.1 * g
            v[i] = 0.999 * v[i] + 0.001 * g * g
            m_hat, v_hat = m[i] / (1 - 0.9**t), v[i] / (1 - 0.999**t)
            o[k] = o[k] - lr * m_hat / (np.sqrt(v_hat) + 1e-8)
    return model, pi


def _loss_grads(model, tokens, targets):
    """Gradients of the mean cross-entropy, keyed by (id(owner dict), parameter name)."""
    E, norm = model["E"], NORMS[model["norm"]]
    x, saved = E[tokens], []
    for p in model["blocks"]:
        x, S = block_forward(p, x)
        saved.append(S)
    h = norm(x, model["g_f"])
    P = np.exp(h @ E.T - (h @ E.T).max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    dz = (P - np.eye(E.shape[0])[targets]) / targets.size  # (b, s, V)
    G = {(id(model), "E"): np.einsum("bsv,bsd->vd", dz, h)}  # unembedding half of tied E
    dx, G[(id(model), "g_f")] = norm_backward(model["norm"], x, model["g_f"], dz @ E)
    for p, S in zip(model["blocks"][::-1], saved[::-1]):
        dx, Gp = block_backward(p, S, dx)
        G.update({(id(p), k): g for k, g in Gp.items()})
    np.add.at(G[(id(model), "E")], tokens, dx)  # embedding half
    return G
