"""A decoder block's training graph: a forward pass that records what backpropagation must
keep, and the manual backward pass that uses exactly those tensors.

Follows: the GPT-2/Megatron pre-norm block (Radford et al., 2019; Shoeybi et al., 2019):
x + Attn(Norm(x)), then x + MLP(Norm(x)) with a 4d GELU MLP and dropout on the attention
weights and on both residual branches; the saved-activation inventory of Korthikanti et al.
(2022), Sec. 4.1, which gives s*b*h*(34 + 5*a*s/h) bytes per layer in 16-bit precision.
Post-LN (Vaswani et al., 2017) is post_norm=True; DeepNorm (Wang et al., 2022) is Post-LN
with the residual scaled by alpha, x <- Norm(alpha * x + F(x)).
Simplifications: no biases; GELU in its tanh form; float64 arithmetic, with bytes counted
as if activations were 16-bit and dropout masks 1 byte, as in the paper.
"""

import math

import numpy as np

from snippets.generation.attention import causal_mask, masked_softmax, merge_heads
from snippets.generation.attention import split_heads
from snippets.transformer.norms import NORMS, norm_backward

C = math.sqrt(2.0 / math.pi)


def gelu(u):
    """Tanh-form GELU and its derivative. u: any shape -> (gelu(u), gelu'(u)).

    >>> [a.round(4) for a in gelu(np.array([-1.0, 0.0, 1.0]))]
    [array([-0.1588,  0.    ,  0.8412]), array([-0.083,  0.5  ,  1.083])]
    """
    t = np.tanh(C * (u + 0.044715 * u**3))
    dt = (1 - t * t) * C * (1 + 3 * 0.044715 * u * u)
    return 0.5 * u * (1 + t), 0.5 * (1 + t) + 0.5 * u * dt


def init_block(rng, d, n_heads, norm="layer", post_norm=False, std=0.02, alpha=1.0):
    """Weights N(0, std^2), or N(0, 1/fan_in) if std is None; unit gains; MLP d->4d->d.

    >>> init_block(np.random.default_rng(0), d=8, n_heads=2)["W_1"].shape
    (8, 32)
    """
    W = {n: rng.normal(0, std or np.sqrt(1 / shape[0]), shape) for n, shape in
         [("W_q", (d, d)), ("W_k", (d, d)), ("W_v", (d, d)), ("W_o", (d, d)),
          ("W_1", (d, 4 * d)), ("W_2", (4 * d, d))]}
    return dict(W, g_1=np.ones(d), g_2=np.ones(d), n_heads=n_heads, norm=norm,
                post_norm=post_norm, alpha=alpha)


def _dropout(x, p_drop, train, rng):
    """Inverted dropout: keep with probability 1 - p, scale by 1/(1 - p); eval: identity."""
    if not train or p_drop == 0:
        return x, None
    keep = rng.random(x.shape) >= p_drop  # bool: 1 byte per element
    return x * keep / (1 - p_drop), keep


def block_forward(p, x, train=False, p_drop=0.0, rng=None):
    """One block on a batch. x: (b, s, h) -> (y (b, s, h), saved: dict of tensors).

    `saved` holds what the backward pass reads, named as in Korthikanti et al.

    >>> p = init_block(np.random.default_rng(0), d=8, n_heads=2)
    >>> y, saved = block_forward(p, np.ones((1, 3, 8)))
    >>> y.shape, saved["probs"].shape  # probs: (b, heads, s, s)
    ((1, 3, 8), (1, 2, 3, 3))
    """
    norm, H, s = NORMS[p["norm"]], p["n_heads"], x.shape[1]
    S = {}
    # Attention sublayer: Pre-LN normalises its input, Post-LN its residual sum.
    S["ln1_in"] = x
    h = x if p["post_norm"] else norm(x, p["g_1"])
    S["qkv_in"] = h
    q, k, v = (split_heads(h @ p[w], H) for w in ("W_q", "W_k", "W_v"))  # (b, H, s, d_h)
    S["q"], S["k"], S["v"] = q, k, v
    P = masked_softmax(q @ k.swapaxes(-1, -2) / math.sqrt(q.shape[-1]), causal_mask(s))
    S["probs"] = P  # (b, H, s, s): the 5*a*s^2*b term starts here
    Pd, S["attn_drop_mask"] = _dropout(P, p_drop, train, rng)
    S["probs_dropped"] = Pd
    S["proj_in"] = merge_heads(Pd @ v)  # (b, s, h)
    a, S["attn_resid_mask"] = _dropout(S["proj_in"] @ p["W_o"], p_drop, train, rng)
    x1 = p["alpha"] * x + a
    if p["post_norm"]:
        S["ln1_in"], x1 = x1, norm(x1, p["g_1"])
    # MLP sublayer.
    S["ln2_in"] = x1
    h2 = x1 if p["post_norm"] else norm(x1, p["g_2"])
    S["fc1_in"] = h2
    S["gelu_in"] = h2 @ p["W_1"]  # (b, s, 4h)
    S["fc2_in"], _ = gelu(S["gelu_in"])
    m, S["mlp_resid_mask"] = _dropout(S["fc2_in"] @ p["W_2"], p_drop, train, rng)
    y = p["alpha"] * x1 + m
    if p["post_norm"]:
        S["ln2_in"], y = y, norm(y, p["g_2"])
    S["scale"] = 1.0 / (1 - p_drop) if train else 1.0
    return y, S


def saved_bytes(saved, act_bytes=2):
    """Bytes the backward pass keeps: act_bytes per value, 1 per dropout-mask element.

    A tensor saved under two names (probs_dropped is probs without dropout) counts once.

    >>> saved_bytes({"x": np.zeros((2, 3)), "mask": np.ones(4, bool), "scale": 1.0})
    16
    """
    arrays = {id(t): t for t in saved.values() if isinstance(t, np.ndarray)}.values()
    return sum(t.size * (1 if t.dtype == bool else act_bytes) for t in arrays)


def korthikanti_bytes(s, b, h, a):
    """Activation memory per layer, no parallelism or recomputation: s*b*h*(34 + 5*a*s/h).

    >>> korthikanti_bytes(s=2048, b=1, h=4096, a=32) / 2**20  # MiB per layer
    912.0
    """
    return s * b * h * 34 + 5 * a * s * s * b


def _drop_back(d, mask, scale):
    return d if mask is None else d * mask * scale


def block_backward(p, S, dy):
    """Backpropagate dL/dy through the block using only `saved`.

    dy: (b, s, h) -> (dx (b, s, h), grads: dict name -> array shaped like the parameter).

    >>> p = init_block(np.random.default_rng(0), d=8, n_heads=2)
    >>> y, saved = block_forward(p, np.ones((1, 3, 8)))
    >>> dx, grads = block_backward(p, saved, np.ones_like(y))
    >>> dx.shape, grads["W_q"].shape
    ((1, 3, 8), (8, 8))
    """
    kind, H, G = p["norm"], p["n_heads"], {}
    if p["post_norm"]:
        dy, G["g_2"] = norm_backward(kind, S["ln2_in"], p["g_2"], dy)
    # MLP: y = x1 + drop(gelu(h2 W_1) W_2), h2 = Norm(x1) (Pre-LN) or x1 (Post-LN).
    dm = _drop_back(dy, S["mlp_resid_mask"], S["scale"])
    G["W_2"] = np.einsum("bsf,bsh->fh", S["fc2_in"], dm)
    du = (dm @ p["W_2"].T) * gelu(S["gelu_in"])[1]
    G["W_1"] = np.einsum("bsh,bsf->hf", S["fc1_in"], du)
    dh2 = du @ p["W_1"].T
    if p["post_norm"]:
        dx1 = p["alpha"] * dy + dh2
        dx1, G["g_1"] = norm_backward(kind, S["ln1_in"], p["g_1"], dx1)
    else:
        dnorm, G["g_2"] = norm_backward(kind, S["ln2_in"], p["g_2"], dh2)
        dx1 = p["alpha"] * dy + dnorm
    # Attention: x1 = x + drop(merge(drop(P) v) W_o).
    da = _drop_back(dx1, S["attn_resid_mask"], S["scale"])
    G["W_o"] = np.einsum("bsh,bse->he", S["proj_in"], da)
    do = split_heads(da @ p["W_o"].T, H)  # (b, H, s, d_h)
    dv = S["probs_dropped"].swapaxes(-1, -2) @ do
    dP = _drop_back(do @ S["v"].swapaxes(-1, -2), S["attn_drop_mask"], S["scale"])
    # Softmax backward: dZ = P * (dP - rowsum(dP * P)); masked entries have P = 0.
    P = S["probs"]
    dZ = P * (dP - np.sum(dP * P, axis=-1, keepdims=True)) / math.sqrt(S["q"].shape[-1])
    dq, dk = dZ @ S["k"], dZ.swapaxes(-1, -2) @ S["q"]
    dh = 0
    for w, dt in (("W_q", dq), ("W_k", dk), ("W_v", dv)):
        dt = merge_heads(dt)  # (b, s, h)
        G[w] = np.einsum("bsh,bse->he", S["qkv_in"], dt)
        dh = dh + dt @ p[w].T
    if p["post_norm"]:
        return p["alpha"] * dx1 + dh, G
    dnorm, G["g_1"] = norm_backward(kind, S["ln1_in"], p["g_1"], dh)
    return p["alpha"] * dx1 + dnorm, G
