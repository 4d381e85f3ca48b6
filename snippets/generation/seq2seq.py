"""A GRU encoder-decoder without attention:
teacher forcing, free-running decoding, bottleneck.

The encoder reads x_1..x_S into hidden states and keeps only the last one, c = h_S. The
decoder starts from c and models p(y_t | y_<t, c) = softmax(W_o s_t + b_o), where s_t is its
own GRU state after reading y_{t-1}. Training feeds the gold y_{t-1} (teacher forcing);
inference feeds the model's own previous output (free running, here greedy).

Follows: the encoder-decoder of Sutskever et al. (2014) (decoder initialised from the final
encoder state) with the gated recurrent unit of Cho et al. (2014), equations 5-8.

Simplifications: one layer, one sentence at a time (no batching or padding), seeded random
weights (no training), no attention (that is the point), token ids BOS = 0 and EOS = 1.
"""

from __future__ import annotations

import numpy as np

BOS, EOS = 0, 1


def _sigmoid(a):
    return 1.0 / (1.0 + np.exp(-a))


def init_params(rng: np.random.Generator, V_src: int, V_tgt: int, d_e: int = 8,
                d_h: int = 16, scale: float = 1.0) -> dict:
    """Seeded random weights: embeddings, two GRUs ('enc', 'dec') with entries of standard
    deviation scale / sqrt(fan_in), and the output layer.

    >>> p = init_params(np.random.default_rng(0), V_src=12, V_tgt=8)
    >>> p["E_src"].shape, p["enc_U"].shape, p["W_o"].shape
    ((12, 8), (16, 16), (8, 16))
    """
    def gru(prefix):
        return {f"{prefix}_{name}": rng.normal(0, scale / np.sqrt(fan_in), shape)
                for name, shape, fan_in in [
                    ("W_z", (d_h, d_e), d_e), ("U_z", (d_h, d_h), d_h),
                    ("W_r", (d_h, d_e), d_e), ("U_r", (d_h, d_h), d_h),
                    ("W", (d_h, d_e), d_e), ("U", (d_h, d_h), d_h)]}
    return {"E_src": rng.normal(0, 1, (V_src, d_e)),
            "E_tgt": rng.normal(0, 1, (V_tgt, d_e)),
            **gru("enc"), **gru("dec"),
            "W_o": rng.normal(0, 1 / np.sqrt(d_h), (V_tgt, d_h)), "b_o": np.zeros(V_tgt)}


def gru_step(p: dict, prefix: str, x: np.ndarray, h: np.ndarray) -> np.ndarray:
    """One GRU update (Cho et al., 2014): x (d_e,), h (d_h,) -> h' (d_h,).

    >>> p = init_params(np.random.default_rng(0), 5, 5)
    >>> gru_step(p, "enc", p["E_src"][2], np.zeros(16)).shape
    (16,)
    """
    g = lambda name: p[f"{prefix}_{name}"]  # noqa: E731
    z = _sigmoid(g("W_z") @ x + g("U_z") @ h)  # update gate
    r = _sigmoid(g("W_r") @ x + g("U_r") @ h)  # reset gate
    h_tilde = np.tanh(g("W") @ x + g("U") @ (r * h))  # candidate state
    return z * h + (1.0 - z) * h_tilde  # z near 1 keeps the old state


def encode(p: dict, src) -> tuple[np.ndarray, np.ndarray]:
    """Run the encoder: src (S,) ids -> all states H (S, d_h)
    and the context c = h_S (d_h,).

    >>> p = init_params(np.random.default_rng(0), 5, 5)
    >>> H, c = encode(p, [2, 3, 4])
    >>> H.shape, c.shape
    ((3, 16), (16,))
    """
    h = np.zeros(p["enc_U"].shape[0])
    H = np.zeros((len(src), h.size))
    for t, x in enumerate(src):
        h = gru_step(p, "enc", p["E_src"][x], h)
        H[t] = h
    # subtle: the decoder below never sees H, only c; an empty source gives c = 0.
    return H, h


def decode_teacher_forced(p: dict, c: np.ndarray, y) -> np.ndarray:
    """Logits for every target position given the gold prefix: y (T,) -> (T, V_tgt).

    Row t scores y_t after reading BOS, y_1..y_{t-1}:
    all T rows come from one pass over gold.

    >>> p = init_params(np.random.default_rng(0), 12, 8)
    >>> decode_teacher_forced(p, encode(p, [2, 3])[1], [4, 5, EOS]).shape
    (3, 8)
    """
    s, logits = c, np.zeros((len(y), p["b_o"].size))
    inputs = [BOS] + list(y[:-1])  # shift right: the gold previous token is the input
    for t, prev in enumerate(inputs):
        s = gru_step(p, "dec", p["E_tgt"][prev], s)
        logits[t] = p["W_o"] @ s + p["b_o"]
    return logits


def decode_greedy(p: dict, c: np.ndarray,
                  max_len: int = 20) -> tuple[list[int], np.ndarray]:
    """Free running: feed back argmax tokens until EOS -> (tokens incl. EOS, logits (T, V)).

    >>> p = init_params(np.random.default_rng(3), 12, 8)
    >>> decode_greedy(p, encode(p, [3, 4, 5, 6])[1])[0]
    [5, 7, 3, 5, 5, 5, 1]
    """
    s, prev, tokens, rows = c, BOS, [], []
    for _ in range(max_len):
        s = gru_step(p, "dec", p["E_tgt"][prev], s)
        rows.append(p["W_o"] @ s + p["b_o"])
        prev = int(np.argmax(rows[-1]))  # the model's own output becomes the next input
        tokens.append(prev)
        if prev == EOS:
            break
    return tokens, np.array(rows).reshape(len(rows), p["b_o"].size)


def sequence_nll(logits: np.ndarray, y) -> float:
    """Teacher-forced training loss: -sum_t log softmax(logits_t)[y_t];
    (T, V), (T,) -> float.

    >>> round(sequence_nll(np.zeros((2, 4)), [1, 3]), 4)  # uniform over 4: 2 * log 4
    2.7726
    """
    m = logits.max(axis=1, keepdims=True)
    log_z = m[:, 0] + np.log(np.exp(logits - m).sum(axis=1))
    return float(np.sum(log_z - logits[np.arange(len(y)), y]))


def first_token_influence(p: dict, S: int, rng: np.random.Generator,
                          trials: int = 20) -> float:
    """Mean ||c(x) - c(x')|| when only the first of S source tokens is changed.

    >>> p = init_params(np.random.default_rng(0), 12, 8)
    >>> first_token_influence(p, 1, np.random.default_rng(1)) > first_token_influence(
    ...     p, 30, np.random.default_rng(1))
    True
    """
    V = p["E_src"].shape[0]
    diffs = []
    for _ in range(trials):
        src = rng.integers(2, V, size=S)
        alt = src.copy()
        alt[0] = 2 + (src[0] - 2 + rng.integers(1, V - 2)) % (V - 2)  # a different token
        diffs.append(np.linalg.norm(encode(p, src)[1] - encode(p, alt)[1]))
    return float(np.mean(diffs))
