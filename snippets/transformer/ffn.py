"""Position-wise feed-forward layers: the two-matrix FFN, the SwiGLU FFN, their widths and
parameter counts, and the FFN read as a key-value memory.

Follows: Vaswani et al. (2017), Sec. 3.3, for FFN(x) = act(x W1 + b1) W2 + b2 with
d_ff = 4d; Shazeer (2020) for the gated FFN, three matrices of width 2/3 of 4d; Meta's
Llama reference code for rounding that width (multiple_of, ffn_dim_multiplier); Geva et al.
(2021) for reading the columns of W1 as keys and the rows of W2 as values; Jiang et al.
(2024) for the Mixtral mixture-of-experts layer (8 SwiGLU experts, top-2).
Simplifications: float64 NumPy; parameter counts include weights and norm gains only (no
biases, as in Llama); an MoE layer is counted, not run (routing lives in Q81).
"""

import numpy as np

from snippets.transformer.activations import gated_unit, gelu


def ffn(x, W1, W2, b1=None, b2=None, act=gelu):
    """The transformer FFN: act(x W1 + b1) W2 + b2, applied to each position alone.

    x: (..., d), W1: (d, d_ff), W2: (d_ff, d) -> (..., d).

    >>> x = np.ones((3, 2))
    >>> ffn(x, np.eye(2), np.eye(2), act=lambda z: z).shape
    (3, 2)
    """
    h = x @ W1 + (0.0 if b1 is None else b1)  # (..., d_ff) pre-activations
    return act(h) @ W2 + (0.0 if b2 is None else b2)  # (..., d)


def swiglu_ffn(x, W_gate, W_up, W_down, variant="swiglu"):
    """Gated FFN (Shazeer, 2020): (act(x W_gate) * (x W_up)) W_down, no biases.

    x: (..., d), W_gate, W_up: (d, d_ff), W_down: (d_ff, d) -> (..., d).

    >>> d, d_ff = 4, 8
    >>> W = np.zeros((d, d_ff))
    >>> swiglu_ffn(np.ones((2, d)), W, W, W.T).tolist()
    [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """
    return gated_unit(x, W_gate, W_up, variant) @ W_down


def swiglu_width(d, multiple_of=256, ffn_dim_multiplier=None):
    """Hidden width of a Llama SwiGLU FFN: 2/3 of 4d, scaled, rounded up to multiple_of.

    >>> swiglu_width(4096)  # Llama 2 7B
    11008
    """
    hidden = int(2 * (4 * d) / 3)  # three matrices of 2/3 * 4d = two of 4d
    if ffn_dim_multiplier is not None:
        hidden = int(ffn_dim_multiplier * hidden)
    # Round up to a multiple that tiles well on GPU matrix units.
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


def ffn_params(d, d_ff, gated=True):
    """Weights of one FFN: 3 d d_ff if gated (gate, up, down), else 2 d d_ff.

    >>> ffn_params(768, 3072, gated=False) == ffn_params(768, 2048, gated=True)
    True
    """
    return (3 if gated else 2) * d * d_ff


def attention_params(d, n_heads, n_kv_heads, head_dim):
    """Weights of one attention layer: W_Q, W_O (H heads) and W_K, W_V (H_kv heads).

    >>> attention_params(4096, 32, 32, 128) == 4 * 4096 ** 2
    True
    """
    return 2 * d * head_dim * (n_heads + n_kv_heads)


def block_params(m, n_experts=1):
    """(attention, FFN, norms) weights of one decoder block of a specs.Model.

    n_experts > 1 counts an MoE layer: n_experts SwiGLU FFNs plus a (d, n_experts) router.

    >>> from snippets.specs import LLAMA2_7B
    >>> block_params(LLAMA2_7B)
    (67108864, 135266304, 8192)
    """
    attn = attention_params(m.d_model, m.n_heads, m.n_kv_heads, m.head_dim)
    ffn_w = n_experts * ffn_params(m.d_model, m.d_ff)
    if n_experts > 1:
        ffn_w += m.d_model * n_experts  # router
    return attn, ffn_w, 2 * m.d_model  # two RMSNorm gains


def ffn_share(m, n_experts=1, top_k=None):
    """Fraction of a block's weights in the FFN; with top_k, of the weights a token uses.

    >>> from snippets.specs import LLAMA2_7B
    >>> round(ffn_share(LLAMA2_7B), 3)
    0.668
    """
    attn, ffn_w, norms = block_params(m, n_experts)
    if top_k is not None:  # active: the router plus top_k experts
        ffn_w = top_k * ffn_params(m.d_model, m.d_ff) + m.d_model * n_experts
    return ffn_w / (attn + ffn_w + norms)


def model_params(m, n_experts=1, top_k=None):
    """Total weights of a Llama-style decoder (untied embeddings); with top_k, active ones.

    >>> from snippets.specs import LLAMA2_7B
    >>> model_params(LLAMA2_7B)
    6738415616
    """
    attn, ffn_w, norms = block_params(m, n_experts)
    if top_k is not None:
        ffn_w = top_k * ffn_params(m.d_model, m.d_ff) + m.d_model * n_experts
    return m.n_layers * (attn + ffn_w + norms) + m.d_model + 2 * m.vocab * m.d_model


def attention_overtakes_ffn(m):
    """Context length n at which a token's attention-score FLOPs equal its FFN FLOPs.

    Per layer and token: QK^T and PV cost 4 n H d_h; the SwiGLU FFN 6 d d_ff.

    >>> from snippets.specs import LLAMA3_8B
    >>> attention_overtakes_ffn(LLAMA3_8B)
    21504.0
    """
    return 6 * m.d_model * m.d_ff / (4 * m.n_heads * m.head_dim)


def memory_ffn(keys, values, threshold):
    """A ReLU FFN built as a key-value memory: unit i fires when x . key_i > threshold.

    keys: (n, d) patterns, values: (n, d) what each unit writes
    -> W1 (d, n), b1 (n,), W2 (n, d).

    >>> W1, b1, W2 = memory_ffn(np.eye(2), np.array([[0.0, 5.0], [7.0, 0.0]]), 0.5)
    >>> from snippets.transformer.activations import relu
    >>> ffn(np.array([1.0, 0.0]), W1, W2, b1, act=relu).tolist()
    [0.0, 2.5]
    """
    # Keys are the rows of W1^T; the bias sets how strong a match must be to fire.
    W1 = np.asarray(keys, dtype=float).T  # (d, n)
    b1 = -threshold * np.ones(W1.shape[1])  # (n,)
    # Values are the rows of W2, each scaled by its unit's coefficient m_i when it fires.
    return W1, b1, np.asarray(values, dtype=float)


def memory_coefficients(x, W1, act=gelu):
    """Memory coefficients m = act(x K^T) of Geva et al. (2021), keys K = W1^T.

    x: (..., d), W1: (d, d_ff) -> (..., d_ff). The FFN output is m @ W2 = sum_i m_i v_i,
    a weighted sum of the value vectors v_i (the rows of W2).

    >>> memory_coefficients(np.array([1.0, 0.0]), np.eye(2), act=lambda z: z).tolist()
    [1.0, 0.0]
    """
    return act(x @ W1)  # one coefficient per key: how strongly x matches it


def top_memories(x, W1, k=1, act=gelu):
    """Indices of the k keys x activates most, strongest first. x: (d,) -> (k,).

    >>> top_memories(np.array([0.0, 2.0]), np.eye(2)).tolist()
    [1]
    """
    m = memory_coefficients(x, W1, act)
    return np.argsort(-m, kind="stable")[:k]
