"""A sparsely gated mixture-of-experts layer: top-k routing, expert capacity and token
dropping, shared experts, and the total-versus-active parameter count of published models.

Follows: Shazeer et al. (2017) for the sparsely gated layer y = sum_i g_i(x) E_i(x) with a
top-k gate; Lepikhin et al. (2021) and Fedus et al. (2022) for the expert capacity
C = ceil(capacity_factor * k * T / E) and dropped tokens that pass through the residual;
Jiang et al. (2024) for a softmax over the top-k logits (Mixtral); Dai et al. (2024) for
shared experts and fine-grained segmentation (DeepSeekMoE); DeepSeek-AI (2024) for the
DeepSeek-V3 configuration counted by deepseek_v3_params.
Simplifications: float64 NumPy, one device, a loop over experts instead of a grouped GEMM;
capacity slots are filled in token order, first choices before second choices (GShard's
priority); no router noise, no z-loss; the count ignores DeepSeek-V3's MTP module.
"""

import math

import numpy as np

from snippets.transformer.ffn import ffn_params, swiglu_ffn


def expert_capacity(T, n_experts, k=1, capacity_factor=1.25):
    """Slots per expert: ceil(capacity_factor * k * T / E).

    >>> expert_capacity(T=4096, n_experts=8, k=2, capacity_factor=1.25)
    1280
    """
    return math.ceil(capacity_factor * k * T / n_experts)


def top_k_route(logits, k):
    """Top-k experts per token and their gates, a softmax over the k chosen logits.

    logits: (T, E) -> idx (T, k) best first, gates (T, k) summing to 1 per token.

    >>> idx, g = top_k_route(np.array([[0.0, 2.0, 1.0]]), k=2)
    >>> idx.tolist(), float(g.sum().round(6))
    ([[1, 2]], 1.0)
    """
    idx = np.argsort(-logits, axis=-1, kind="stable")[:, :k]  # (T, k)
    top = np.take_along_axis(logits, idx, axis=-1)  # (T, k)
    gates = np.exp(top - top.max(axis=-1, keepdims=True))
    return idx, gates / gates.sum(axis=-1, keepdims=True)


def dispatch(idx, n_experts, capacity):
    """Which (token, choice) assignments fit: keep[t, j] False when idx[t, j] is full.

    idx: (T, k) -> keep: (T, k) bool. Slots go to all first choices, then second choices.

    >>> dispatch(np.array([[0], [0], [1]]), n_experts=2, capacity=1).ravel().tolist()
    [True, False, True]
    """
    T, k = idx.shape
    keep = np.zeros((T, k), dtype=bool)
    used = np.zeros(n_experts, dtype=int)
    for j in range(k):  # priority: every token's j-th choice before any (j+1)-th
        for t in range(T):
            e = idx[t, j]
            if used[e] < capacity:
                keep[t, j] = True
                used[e] += 1
    return keep


def moe_layer(x, W_r, experts, k=2, capacity_factor=None, shared=()):
    """Sparse MoE FFN: y_t = sum_shared E_s(x_t) + sum_{kept j} g_tj E_idx[t,j](x_t).

    x: (T, d), W_r: (d, E) router, experts: E tuples (W_gate, W_up, W_down) of SwiGLU
    weights, shared: always-on experts in the same form -> y (T, d), keep (T, k).
    capacity_factor None means no capacity limit (dropless).

    >>> rng = np.random.default_rng(0)
    >>> shapes = [(4, 8), (4, 8), (8, 4)]
    >>> ex = [tuple(rng.normal(size=s) for s in shapes) for _ in range(3)]
    >>> y, keep = moe_layer(rng.normal(size=(5, 4)), rng.normal(size=(4, 3)), ex, k=2)
    >>> y.shape, bool(keep.all())
    ((5, 4), True)
    """
    T, E = x.shape[0], W_r.shape[1]
    idx, gates = top_k_route(x @ W_r, k)  # (T, k) each
    cap = T * k if capacity_factor is None else expert_capacity(T, E, k, capacity_factor)
    keep = dispatch(idx, E, cap)
    y = np.zeros_like(x, dtype=float)
    for e, (W_gate, W_up, W_down) in enumerate(experts):
        t, j = np.nonzero((idx == e) & keep)  # the tokens this expert processes
        if len(t):
            y[t] += gates[t, j, None] * swiglu_ffn(x[t], W_gate, W_up, W_down)
    for W_gate, W_up, W_down in shared:  # shared experts see every token, ungated
        y += swiglu_ffn(x, W_gate, W_up, W_down)
    # subtle: a dropped assignment adds nothing; the block's residual carries x unchanged.
    return y, keep


def expert_combinations(n_experts, k, m=1):
    """Sets of experts a token can pick after splitting each expert into m smaller ones.

    >>> expert_combinations(16, 2), expert_combinations(16, 2, m=4)
    (120, 4426165368)
    """
    return math.comb(m * n_experts, m * k)


def deepseek_v3_params(c):
    """(total, active) weights of DeepSeek-V3 from its configuration (specs.DEEPSEEK_V3).

    Active counts the shared expert, top_k routed experts, the router and the embeddings.

    >>> from snippets.specs import DEEPSEEK_V3
    >>> [round(n / 1e9, 1) for n in deepseek_v3_params(DEEPSEEK_V3)]
    [671.0, 37.6]
    """
    d, H = c["d_model"], c["n_heads"]
    # Multi-head latent attention: low-rank query and joint KV projections, with norms.
    attn = (d * c["q_rank"] + c["q_rank"] + c["q_rank"] * H * (c["d_nope"] + c["d_rope"])
            + d * (c["kv_rank"] + c["d_rope"]) + c["kv_rank"]
            + c["kv_rank"] * H * (c["d_nope"] + c["d_v"]) + H * c["d_v"] * d)
    expert = ffn_params(d, c["d_expert"])
    router = c["n_routed"] * d + c["n_routed"]  # affinity weights and balancing bias

    def moe(n_routed):
        return (c["n_shared"] + n_routed) * expert + router

    n_moe = c["n_layers"] - c["n_dense_layers"]
    dense = c["n_dense_layers"] * ffn_params(d, c["d_ff_dense"])
    common = c["n_layers"] * (attn + 2 * d) + dense + 2 * c["vocab"] * d + d
    return common + n_moe * moe(c["n_routed"]), common + n_moe * moe(c["top_k"])
