"""Incremental decoding with a key/value cache in a tiny NumPy decoder-only transformer.

A pre-norm decoder with sinusoidal positions, causal self-attention with `n_kv_heads`
key/value heads shared by groups of query heads (MHA when n_kv_heads = n_heads, GQA in
between, MQA when n_kv_heads = 1), a ReLU MLP and tied input/output embeddings. `forward`
takes the cache of the tokens seen so far and returns it extended, so full recomputation and
cached decoding are the same code path with a different split of the input. Memory and FLOP
arithmetic: kv_cache_size.py.

Follows: Vaswani et al. (2017) for the decoder; Shazeer (2019) for multi-query attention;
Ainslie et al. (2023) for grouped-query attention.
Simplifications: no learned norm gains, no biases, no RoPE, greedy decoding, float64.
"""

import numpy as np


def init_params(seed=0, vocab=61, d_model=32, n_heads=4, n_kv_heads=2, n_layers=2):
    """Seeded random weights for the tiny decoder.

    >>> p = init_params(n_heads=4, n_kv_heads=2)
    >>> p["layers"][0]["W_k"].shape  # (d_model, n_kv_heads * d_head)
    (32, 16)
    """
    assert d_model % n_heads == 0 and n_heads % n_kv_heads == 0
    rng = np.random.default_rng(seed)
    d_h = d_model // n_heads

    def w(n_in, n_out):
        return rng.normal(0.0, n_in ** -0.5, size=(n_in, n_out))

    layers = [dict(W_q=w(d_model, n_heads * d_h), W_k=w(d_model, n_kv_heads * d_h),
                   W_v=w(d_model, n_kv_heads * d_h), W_o=w(n_heads * d_h, d_model),
                   W_1=w(d_model, 4 * d_model), W_2=w(4 * d_model, d_model))
              for _ in range(n_layers)]
    return dict(E=rng.normal(0.0, 1.0, size=(vocab, d_model)), layers=layers,
                n_heads=n_heads, n_kv_heads=n_kv_heads)


def empty_cache(params):
    """One (K, V) pair per layer, each (n_kv_heads, 0, d_head): nothing seen yet."""
    d_h = params["E"].shape[1] // params["n_heads"]
    shape = (params["n_kv_heads"], 0, d_h)
    return [(np.zeros(shape), np.zeros(shape)) for _ in params["layers"]]


def _norm(x):
    mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + 1e-5)


def _positions(start, t, d):
    """Sinusoidal encodings of absolute positions start .. start + t - 1: (t, d)."""
    pos = np.arange(start, start + t)[:, None]
    freq = 10000.0 ** (-np.arange(0, d, 2) / d)
    pe = np.zeros((t, d))
    pe[:, 0::2], pe[:, 1::2] = np.sin(pos * freq), np.cos(pos * freq)
    return pe


def _attention(x, layer, K_past, V_past, n_heads):
    """Causal attention of t new positions over the cache: (t, d) -> (t, d).

    Also returns the extended (K, V), each (H_kv, t_past + t, d_h).
    """
    t, H_kv, t_past = x.shape[0], K_past.shape[0], K_past.shape[1]
    d_h, group = layer["W_q"].shape[1] // n_heads, n_heads // H_kv
    q = (x @ layer["W_q"]).reshape(t, n_heads, d_h).transpose(1, 0, 2)
    k = (x @ layer["W_k"]).reshape(t, H_kv, d_h).transpose(1, 0, 2)
    v = (x @ layer["W_v"]).reshape(t, H_kv, d_h).transpose(1, 0, 2)
    # q: (H, t, d_h); k, v: (H_kv, t, d_h)
    # Append the new keys and values: this is the whole cache update.
    K = np.concatenate([K_past, k], axis=1)  # (H_kv, t_past + t, d_h)
    V = np.concatenate([V_past, v], axis=1)
    # GQA/MQA: each group of n_heads / H_kv query heads reads one K, V head.
    K_rep, V_rep = np.repeat(K, group, axis=0), np.repeat(V, group, axis=0)
    scores = q @ K_rep.transpose(0, 2, 1) / np.sqrt(d_h)  # (H, t, t_past+t)
    # subtle: new query i sits at absolute position t_past + i, not i.
    past_and_new = np.arange(t_past + t)[None, :]
    future = past_and_new > (t_past + np.arange(t))[:, None]
    scores = np.where(future, -np.inf, scores)
    weights = np.exp(scores - scores.max(-1, keepdims=True))
    weights /= weights.sum(-1, keepdims=True)
    out = (weights @ V_rep).transpose(1, 0, 2).reshape(t, n_heads * d_h)
    return out @ layer["W_o"], (K, V)


def forward(params, tokens, cache):
    """Logits for `tokens` placed after the cached prefix, and the extended cache.

    tokens: (t,) ints; cache: list of (K, V), each (n_kv_heads, t_past, d_head)
    -> logits (t, vocab), new cache with t_past + t positions.

    >>> p = init_params()
    >>> logits, cache = forward(p, np.array([3, 1, 4]), empty_cache(p))
    >>> logits.shape, cache[0][0].shape
    ((3, 61), (2, 3, 8))
    """
    t_past = cache[0][0].shape[1]
    x = params["E"][tokens] + _positions(t_past, len(tokens), params["E"].shape[1])
    new_cache = []
    for layer, (K_past, V_past) in zip(params["layers"], cache):
        a, kv = _attention(_norm(x), layer, K_past, V_past, params["n_heads"])
        x = x + a
        x = x + np.maximum(_norm(x) @ layer["W_1"], 0.0) @ layer["W_2"]
        new_cache.append(kv)
    return _norm(x) @ params["E"].T, new_cache


def generate(params, prompt, n_new, use_cache=True):
    """Greedy decoding: tokens (len(prompt) + n_new,), logits (n_new, V).

    With use_cache the prompt is run once (prefill) and each step feeds one
    token; without it every step recomputes the whole sequence. The prompt
    must not be empty.

    >>> p = init_params()
    >>> a, _ = generate(p, [5, 9], 4, use_cache=True)
    >>> b, _ = generate(p, [5, 9], 4, use_cache=False)
    >>> bool((a == b).all()), len(a)
    (True, 6)
    """
    tokens, steps = np.asarray(prompt, dtype=int), []
    logits, cache = forward(params, tokens, empty_cache(params))  # prefill
    for _ in range(n_new):
        steps.append(logits[-1])
        tokens = np.append(tokens, int(np.argmax(logits[-1])))
        if use_cache:  # feed one new position
            logits, cache = forward(params, tokens[-1:], cache)
        else:  # run everything again
            logits, _ = forward(params, tokens, empty_cache(params))
    return tokens, np.array(steps).reshape(n_new, params["E"].shape[0])
