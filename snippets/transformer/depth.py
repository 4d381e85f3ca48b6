"""Residual connections and depth: gradient norms across a stack at initialisation for
Pre-LN, Post-LN and DeepNorm, measured with the manual backward pass of block.py.

Follows: Xiong et al. (2020), Theorem 1 (at initialisation the last layer's gradient does not
shrink with depth for Post-LN and shrinks like 1/sqrt(L) for Pre-LN); Wang et al. (2022), for the
DeepNorm constants of a decoder-only model of N layers, alpha = (2N)^(1/4) and
beta = (8N)^(-1/4), beta scaling the initial W_v, W_o and FFN weights.
Simplifications: random token embeddings and targets, one cross-entropy loss through a
random output head; N(0, 1/fan_in) initialisation (Xavier's for the square attention matrices,
not for the d x 4d FFN matrices, where Xiong et al. use Xavier too); no dropout.
"""

import numpy as np

from snippets.transformer.block import block_backward, block_forward, init_block
from snippets.transformer.norms import NORMS, norm_backward

VARIANTS = ("pre", "post", "deepnorm")


def deepnorm_constants(n_layers):
    """DeepNorm's (alpha, beta) for a decoder-only stack of n_layers blocks.

    >>> [round(c, 4) for c in deepnorm_constants(12)]
    [2.2134, 0.3195]
    """
    return (2 * n_layers) ** 0.25, (8 * n_layers) ** -0.25


def init_stack(rng, variant, n_layers, d=32, n_heads=4, norm="layer"):
    """n_layers blocks, N(0, 1/fan_in) weights, of one variant: "pre", "post" or "deepnorm".

    >>> [p["alpha"] for p in init_stack(np.random.default_rng(0), "deepnorm", 2)]
    [1.4142135623730951, 1.4142135623730951]
    """
    alpha, beta = deepnorm_constants(n_layers) if variant == "deepnorm" else (1.0, 1.0)
    blocks = []
    for _ in range(n_layers):
        p = init_block(rng, d, n_heads, norm, post_norm=variant != "pre", std=None,
                       alpha=alpha)
        for w in ("W_v", "W_o", "W_1", "W_2"):
            p[w] = p[w] * beta
        blocks.append(p)
    return blocks


def stream_rms(blocks, x):
    """Root-mean-square of the residual stream before the first block and after each.

    x: (b, s, d) -> (n_layers + 1,).

    >>> rng = np.random.default_rng(0)
    >>> stream_rms(init_stack(rng, "post", 3), rng.normal(size=(1, 4, 32))).round(2)
    array([0.98, 1.  , 1.  , 1.  ])
    """
    rms = [np.sqrt(np.mean(x * x))]
    for p in blocks:
        x = block_forward(p, x)[0]
        rms.append(np.sqrt(np.mean(x * x)))
    return np.array(rms)


def layer_grad_norms(blocks, x, W_out, targets):
    """Loss = mean cross-entropy of Norm_f(stack(x)) W_out; Frobenius norm of the gradient
    of each block's second FFN matrix W_2.

    x: (b, s, d), W_out: (d, V), targets: (b, s) -> (n_layers,), input layer first.
    Pre-LN ends with a final norm; Post-LN and DeepNorm end on a norm already.

    >>> rng = np.random.default_rng(0)
    >>> x, W_out = rng.normal(size=(1, 4, 32)), rng.normal(size=(32, 5))
    >>> layer_grad_norms(init_stack(rng, "pre", 3), x, W_out, np.zeros((1, 4), int)).shape
    (3,)
    """
    saved = []
    for p in blocks:
        x, S = block_forward(p, x)
        saved.append(S)
    pre = not blocks[0]["post_norm"]
    h = NORMS[blocks[0]["norm"]](x, np.ones(x.shape[-1])) if pre else x
    logits = h @ W_out
    # Cross-entropy gradient: softmax minus one-hot, averaged over the b * s positions.
    P = np.exp(logits - logits.max(-1, keepdims=True))
    P /= P.sum(-1, keepdims=True)
    dh = (P - np.eye(W_out.shape[1])[targets]) @ W_out.T / targets.size
    dx = dh
    if pre:
        dx = norm_backward(blocks[0]["norm"], x, np.ones(x.shape[-1]), dh)[0]
    norms = []
    for p, S in zip(blocks[::-1], saved[::-1]):
        dx, G = block_backward(p, S, dx)
        norms.append(np.linalg.norm(G["W_2"]))
    return np.array(norms[::-1])


def grad_norm_profile(variant, n_layers=12, d=32, vocab=64, b=4, s=16, seeds=range(4)):
    """Mean over seeds of layer_grad_norms for a fresh stack. -> (n_layers,).

    >>> grad_norm_profile("post", n_layers=4, seeds=[0]).shape
    (4,)
    """
    out = []
    for seed in seeds:
        rng = np.random.default_rng(seed)
        blocks = init_stack(rng, variant, n_layers, d)
        x = rng.normal(0, 1, (b, s, d))
        W_out = rng.normal(0, np.sqrt(2 / (d + vocab)), (d, vocab))
        out.append(layer_grad_norms(blocks, x, W_out, rng.integers(0, vocab, (b, s))))
    return np.mean(out, axis=0)
