"""Activation (gradient) checkpointing on a deep tanh MLP with hand-written backprop.

The network is n layers h_{i+1} = tanh(h_i W_i) with a squared-error loss on h_n. `grads`
stores every activation; `grads_checkpointed` keeps only the input of every segment of
`segment` layers during the forward pass (and all of the last segment), then recomputes
each earlier segment from its checkpoint just before backpropagating through it. Both
count what they hold: the peak number of stored (B, d) activations and the number of layer
forwards run. `policy_cost` applies the same trade to one transformer layer, and
`offload_break_even` compares moving its activations over PCIe with recomputing them.

Follows: Chen et al. (2016), "Training Deep Nets with Sublinear Memory Cost" (segments of
sqrt(n) layers, one extra forward pass); Korthikanti et al. (2022) for the activation
bytes of a transformer layer, sbh(34 + 5as/h), and selective recomputation.
Simplifications: equal segments, no recursion (Chen et al.'s O(log n) variant), no
dropout (a real implementation must replay its RNG on recomputation), float64, memory
counted in whole activations rather than bytes.
"""

import numpy as np

# PCIe 5.0 x16: 32 GT/s on 16 lanes, about 63 GB/s each way (a host link, not a GPU spec)
PCIE5_X16 = 63e9


def init_mlp(n_layers, d, seed=0):
    """Seeded weights of an n-layer, width-d tanh MLP: a list of n (d, d) arrays.

    >>> [W.shape for W in init_mlp(2, 3)]
    [(3, 3), (3, 3)]
    """
    rng = np.random.default_rng(seed)
    return [rng.normal(0.0, d ** -0.5, size=(d, d)) for _ in range(n_layers)]


def _backward_layer(W, h_in, h_out, g_out):
    """Gradients through h_out = tanh(h_in W): returns (dL/dh_in, dL/dW)."""
    g_pre = g_out * (1.0 - h_out ** 2)  # tanh' from the stored output
    return g_pre @ W.T, h_in.T @ g_pre


def grads(Ws, x, y):
    """Loss and weight gradients with every activation stored (plain backprop).

    Ws: n arrays (d, d); x, y: (B, d). Returns (loss, [dW_i], stats) where stats has
    'peak_stored' (activations held at once, input included) and 'layer_forwards'.

    >>> Ws = init_mlp(4, 3); x = np.ones((2, 3))
    >>> grads(Ws, x, 0 * x)[2]
    {'peak_stored': 5, 'layer_forwards': 4}
    """
    hs = [x]
    for W in Ws:
        hs.append(np.tanh(hs[-1] @ W))
    loss = 0.5 * np.sum((hs[-1] - y) ** 2) / len(x)
    g, dWs = (hs[-1] - y) / len(x), [None] * len(Ws)
    for i in reversed(range(len(Ws))):
        g, dWs[i] = _backward_layer(Ws[i], hs[i], hs[i + 1], g)
    return loss, dWs, dict(peak_stored=len(hs), layer_forwards=len(Ws))


def grads_checkpointed(Ws, x, y, segment):
    """The same loss and gradients, storing only segment inputs and recomputing the rest.

    Ws: n arrays (d, d); x, y: (B, d); segment: layers per segment, 1 <= segment <= n.
    Returns (loss, [dW_i], stats) as `grads` does.

    >>> Ws = init_mlp(16, 3); x = np.ones((2, 3))
    >>> grads_checkpointed(Ws, x, 0 * x, segment=4)[2]
    {'peak_stored': 8, 'layer_forwards': 28}
    """
    n = len(Ws)
    starts = list(range(0, n, segment))  # first layer of each segment
    stored, peak, forwards = {}, 0, 0

    def run(lo, hi, h):
        # forward through layers lo..hi-1 from h = h_lo, keeping every output
        nonlocal peak, forwards
        for i in range(lo, hi):
            h = np.tanh(h @ Ws[i])
            stored[i + 1] = h
            forwards += 1
            peak = max(peak, len(stored))
        return h

    # forward: keep each segment's input, drop its insides; keep all of the last segment
    h = x
    for lo in starts[:-1]:
        stored[lo] = h
        for i in range(lo, lo + segment):
            h = np.tanh(h @ Ws[i])
            forwards += 1
        peak = max(peak, len(stored) + 1)  # the working activation
    stored[starts[-1]] = h
    run(starts[-1], n, h)
    loss = 0.5 * np.sum((stored[n] - y) ** 2) / len(x)

    # backward: segment by segment, last first, recomputing each from its checkpoint
    g, dWs = (stored[n] - y) / len(x), [None] * n
    for lo in reversed(starts):
        hi = min(lo + segment, n)
        if hi not in stored:
            # subtle: the same ops in the same order, so recomputed values are bit-identical
            run(lo, hi, stored[lo])
        for i in reversed(range(lo, hi)):
            g, dWs[i] = _backward_layer(Ws[i], stored[i], stored[i + 1], g)
            del stored[i + 1]  # no longer needed once layer i is done
        del stored[lo]
    return loss, dWs, dict(peak_stored=peak, layer_forwards=forwards)


def checkpoint_cost(n, segment):
    """Closed form of `grads_checkpointed`'s counts for n layers: (peak_stored, forwards).

    m = ceil(n / k) checkpoints; the last segment has n - (m - 1) k layers, kept from the
    forward pass; every other segment is recomputed once.

    >>> checkpoint_cost(64, 8)  # 16 stored instead of 65, 120 layer forwards instead of 64
    (16, 120)
    """
    k = segment
    m = -(-n // k)
    k_last = n - (m - 1) * k
    peak = max(m + k_last, m - 1 + k) if m > 1 else n + 1
    return peak, n + (m - 1) * k


def best_segment(n):
    """The segment size with the smallest peak (on ties, the one recomputing least).

    >>> best_segment(64), checkpoint_cost(64, best_segment(64))  # peak 2 sqrt(64) = 16
    (11, (16, 119))
    """
    return min(range(1, n + 1), key=lambda k: checkpoint_cost(n, k))


def policy_cost(model, seq_len):
    """Activation memory and recompute FLOPs of one transformer layer under three policies.

    Memory in bytes per token (divide sbh(34 + 5as/h) by sb; 16-bit activations, no tensor
    parallelism) and recompute as a fraction of the layer's training FLOPs (forward +
    backward = 3 forwards): 'none' stores all; 'selective' recomputes only the attention
    scores, softmax and dropout (the 5as/h term); 'full' stores the layer input (2h bytes)
    and recomputes the whole forward.

    >>> from snippets.specs import GPT3_175B
    >>> mem, _ = policy_cost(GPT3_175B, 2048); mem["none"] / mem["selective"]
    3.3529411764705883
    """
    h, a, s = model.d_model, model.n_heads, seq_len
    mem = dict(none=h * (34 + 5 * a * s / h), selective=34 * h, full=2 * h)
    # forward FLOPs per token: 24 h^2 in the matmuls (QKV, output, 4h MLP) and 4 s h in
    # QK^T and scores @ V; the backward costs twice the forward
    fwd = 24 * h ** 2 + 4 * s * h
    flops = dict(none=0.0, selective=4 * s * h / (3 * fwd), full=fwd / (3 * fwd))
    return mem, flops


def offload_break_even(model, seq_len, gpu, link=PCIE5_X16):
    """Forward FLOPs per stored byte under 'none' and 'full', and the GPU's FLOPs per
    link byte: offloading hides behind compute only when the first exceeds the second.

    >>> from snippets.specs import GPT3_175B, H100_SXM
    >>> r = offload_break_even(GPT3_175B, 2048, H100_SXM); r["full"] > r["gpu"] > r["none"]
    True
    """
    mem, _ = policy_cost(model, seq_len)
    h, s = model.d_model, seq_len
    fwd = 24 * h ** 2 + 4 * s * h
    return dict(none=fwd / mem["none"], full=fwd / mem["full"], gpu=gpu.peak_flops / link)
