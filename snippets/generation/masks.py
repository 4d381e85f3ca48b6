"""The attention masks that define the three transformer families, and masked attention.

A mask M (T_q, T_k) of booleans says which keys each query may attend to (True = allowed);
attention adds -inf to the scores where M is False before the softmax. Encoder-only models
(BERT) use a bidirectional mask, decoder-only models (GPT) a causal one, prefix LMs a mix of
the two, and encoder-decoder models (T5, BART) add cross-attention from decoder to encoder
states.

Follows: the masking patterns of Raffel et al. (2020), figure 3 (fully visible, causal,
causal with prefix) and the self-attention masks of Dong et al. (2019); scaled dot-product
attention of Vaswani et al. (2017).

Simplifications: one sequence, one head; padding only at the end (right padding); masks are
dense (T_q, T_k) arrays rather than fused into a kernel.
"""

from __future__ import annotations

import numpy as np


def key_padding(T: int, valid_len: int | None = None) -> np.ndarray:
    """Which of T key positions hold real tokens: -> (T,) bool,
    True for the first valid_len.

    >>> key_padding(4, valid_len=3)
    array([ True,  True,  True, False])
    """
    valid_len = T if valid_len is None else valid_len
    return np.arange(T) < valid_len


def bidirectional_mask(T: int, valid_len: int | None = None) -> np.ndarray:
    """Encoder self-attention: every query sees every real key: -> (T, T) bool.

    >>> bidirectional_mask(3, valid_len=2).astype(int)
    array([[1, 1, 0],
           [1, 1, 0],
           [1, 1, 0]])
    """
    return np.broadcast_to(key_padding(T, valid_len), (T, T)).copy()


def causal_mask(T: int) -> np.ndarray:
    """Decoder self-attention: query i sees keys j <= i: -> (T, T) bool, lower-triangular.

    >>> causal_mask(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((T, T), dtype=bool))


def prefix_lm_mask(T: int, prefix_len: int) -> np.ndarray:
    """Prefix LM: all queries see the whole prefix; the rest is causal: -> (T, T) bool.

    >>> prefix_lm_mask(4, prefix_len=2).astype(int)
    array([[1, 1, 0, 0],
           [1, 1, 0, 0],
           [1, 1, 1, 0],
           [1, 1, 1, 1]])
    """
    return causal_mask(T) | (np.arange(T) < prefix_len)[None, :]


def cross_attention_mask(T_dec: int, T_enc: int,
                         enc_valid_len: int | None = None) -> np.ndarray:
    """Decoder queries over encoder keys: -> (T_dec, T_enc) bool;
    only encoder padding is hidden.

    >>> cross_attention_mask(2, 4, enc_valid_len=3).astype(int)
    array([[1, 1, 1, 0],
           [1, 1, 1, 0]])
    """
    # subtle: no causality here; the whole source is known before decoding starts.
    return np.broadcast_to(key_padding(T_enc, enc_valid_len), (T_dec, T_enc)).copy()


def masked_attention(q: np.ndarray, k: np.ndarray, v: np.ndarray, mask: np.ndarray):
    """softmax(q k^T / sqrt(d_k) + log M) v: q (T_q, d_k), k (T_k, d_k), v (T_k, d_v), mask
    (T_q, T_k) -> (out (T_q, d_v), weights (T_q, T_k)).
    A query with no allowed key gets zeros.

    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(3, 4))
    >>> out, w = masked_attention(x, x, x, causal_mask(3))
    >>> out.shape, bool(np.allclose(w.sum(axis=1), 1)), float(w[0, 1])
    ((3, 4), True, 0.0)
    """
    scores = q @ k.T / np.sqrt(q.shape[-1])  # (T_q, T_k)
    scores = np.where(mask, scores, -np.inf)
    # subtle: a fully masked row would be exp(-inf - (-inf)) = nan; give it zero weights.
    row_max = np.max(scores, axis=-1, keepdims=True, initial=-np.inf, where=mask)
    row_max = np.where(np.isfinite(row_max), row_max, 0.0)
    e = np.where(mask, np.exp(scores - row_max), 0.0)
    denom = e.sum(axis=-1, keepdims=True)
    w = np.divide(e, denom, out=np.zeros_like(e), where=denom > 0)
    return w @ v, w
