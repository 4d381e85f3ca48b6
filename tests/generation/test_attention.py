"""Tests of snippets/generation/attention.py and snippets/generation/attention_plots.py: a naive loop and a per-head
loop as references, the invariants of softmax attention, the masks, and every number that the
page Q8 (attention mechanism) states."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.attention import (
    additive_scores,
    causal_mask,
    masked_softmax,
    merge_heads,
    multi_head_attention,
    padding_mask,
    scaled_dot_product_attention,
    split_heads,
)
from snippets.generation.attention_plots import example_weights, plot_attention_masks


@pytest.fixture
def rng():
    return np.random.default_rng(1409_0473)


def naive_attention(q, k, v, mask=None):
    """Scaled dot-product attention for one sequence, in plain Python loops and math.exp."""
    T_q, d_k = q.shape
    T_k, d_v = v.shape
    out = [[0.0] * d_v for _ in range(T_q)]
    weights = [[0.0] * T_k for _ in range(T_q)]
    for i in range(T_q):
        visible = [j for j in range(T_k) if mask is None or mask[i][j]]
        if not visible:
            continue  # fully masked row: zero weights, zero output
        scores = {j: sum(q[i][c] * k[j][c] for c in range(d_k)) / math.sqrt(d_k) for j in visible}
        top = max(scores.values())
        z = sum(math.exp(s - top) for s in scores.values())
        for j in visible:
            weights[i][j] = math.exp(scores[j] - top) / z
            for c in range(d_v):
                out[i][c] += weights[i][j] * v[j][c]
    return np.array(out).reshape(T_q, d_v), np.array(weights).reshape(T_q, T_k)


def random_mask(rng, T_q, T_k):
    return rng.random((T_q, T_k)) < 0.6


# -- reference: the naive loop -----------------------------------------------------------------


@pytest.mark.parametrize("T_q, T_k, d_k, d_v", [(1, 1, 1, 1), (3, 5, 4, 2), (7, 7, 8, 8), (4, 0, 3, 2), (0, 3, 3, 2)])
@pytest.mark.parametrize("masking", ["none", "causal", "random"])
def test_matches_naive_loop(rng, T_q, T_k, d_k, d_v, masking):
    q, k, v = rng.standard_normal((T_q, d_k)), rng.standard_normal((T_k, d_k)), rng.standard_normal((T_k, d_v))
    mask = {"none": None, "causal": causal_mask(T_q, T_k), "random": random_mask(rng, T_q, T_k)}[masking]
    out, w = scaled_dot_product_attention(q, k, v, mask)
    ref_out, ref_w = naive_attention(q, k, v, mask)
    assert out.shape == (T_q, d_v) and w.shape == (T_q, T_k)
    assert_allclose(w, ref_w, atol=1e-12, rtol=0)
    assert_allclose(out, ref_out, atol=1e-12, rtol=0)


def test_batched_leading_axes_match_per_item(rng):
    q, k, v = rng.standard_normal((2, 3, 5, 4)), rng.standard_normal((2, 3, 6, 4)), rng.standard_normal((2, 3, 6, 2))
    mask = padding_mask([4, 6], T=6)[:, None]  # (B, 1, 1, T_k)
    out, w = scaled_dot_product_attention(q, k, v, mask)
    for b in range(2):
        for h in range(3):
            ref_out, ref_w = naive_attention(q[b, h], k[b, h], v[b, h], np.broadcast_to(mask[b, 0], (5, 6)))
            assert_allclose(w[b, h], ref_w, atol=1e-12, rtol=0)
            assert_allclose(out[b, h], ref_out, atol=1e-12, rtol=0)


def test_worked_example_from_the_page():
    # Page: q = k = v = x, d_k = 4, causal mask. Row 1 sees scores (0, 4): weights 0.018, 0.982.
    x = np.array([[1.0, 0, 1, 0], [0, 2, 0, 2], [1, 1, 1, 1]])
    out, w = scaled_dot_product_attention(x, x, x, mask=causal_mask(3))
    assert_allclose(x @ x.T / 2, [[1, 0, 1], [0, 4, 2], [1, 2, 2]])
    assert w.round(3).tolist() == [[1.0, 0.0, 0.0], [0.018, 0.982, 0.0], [0.155, 0.422, 0.422]]
    assert_allclose(w[1, 0], 1 / (1 + math.exp(4)), rtol=1e-12)
    assert out.round(2).tolist()[1] == [0.02, 1.96, 0.02, 1.96]


# -- invariants ------------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_rows_sum_to_one_and_masked_weights_are_exactly_zero(rng, dtype):
    T = 9
    q, k, v = (rng.standard_normal((T, 16)).astype(dtype) for _ in range(3))
    mask = random_mask(rng, T, T) & causal_mask(T)
    mask[0] = False  # one fully masked row
    _, w = scaled_dot_product_attention(q, k, v, mask)
    assert w.dtype == dtype
    assert np.all(w[~mask] == 0.0)  # exactly zero, not merely small
    live = mask.any(axis=1)
    assert_allclose(w[live].sum(axis=1), 1.0, atol=10 * np.finfo(dtype).eps)


def test_invariant_to_adding_a_constant_to_each_row_of_scores(rng):
    scores = rng.standard_normal((5, 7)) * 3
    mask = random_mask(rng, 5, 7)
    shift = rng.uniform(-50, 50, size=(5, 1))
    assert_allclose(masked_softmax(scores + shift, mask), masked_softmax(scores, mask), atol=1e-12, rtol=0)
    # Page: hence a shared offset b on every key changes nothing: q.(k_j + b) = q.k_j + q.b.
    q, k, v = rng.standard_normal((5, 4)), rng.standard_normal((7, 4)), rng.standard_normal((7, 3))
    b = rng.standard_normal(4) * 10
    for m in (None, mask):
        out_shifted, _ = scaled_dot_product_attention(q, k + b, v, m)
        assert_allclose(out_shifted, scaled_dot_product_attention(q, k, v, m)[0], atol=1e-9, rtol=0)


def test_large_scores_do_not_overflow():
    w = masked_softmax(np.array([[1000.0, 999.0, -1000.0]]))
    assert np.all(np.isfinite(w))
    assert_allclose(w, [[1 / (1 + math.exp(-1)), math.exp(-1) / (1 + math.exp(-1)), 0.0]], atol=1e-12)


def test_masked_keys_do_not_leak(rng):
    # Changing a masked-out key or value changes nothing in the output.
    q, k, v = rng.standard_normal((4, 8)), rng.standard_normal((6, 8)), rng.standard_normal((6, 3))
    mask = padding_mask([4], T=6)[0]  # keys 4 and 5 are padding
    out, _ = scaled_dot_product_attention(q, k, v, mask)
    k2, v2 = k.copy(), v.copy()
    k2[4:], v2[4:] = 1e6, -1e6
    assert_allclose(scaled_dot_product_attention(q, k2, v2, mask)[0], out, atol=1e-12, rtol=0)


def test_self_attention_without_positions_is_permutation_equivariant(rng):
    # Page pitfall: without positional information, permuting the tokens permutes the outputs.
    d, h = 8, 2
    x = rng.standard_normal((1, 5, d))
    Ws = [rng.standard_normal((d, d)) for _ in range(4)]
    perm = rng.permutation(5)
    out, _ = multi_head_attention(x, x, *Ws, n_heads=h)
    out_perm, _ = multi_head_attention(x[:, perm], x[:, perm], *Ws, n_heads=h)
    assert_allclose(out_perm, out[:, perm], atol=1e-12, rtol=0)


def test_causal_mask_breaks_permutation_equivariance(rng):
    # Page pitfall: the causal mask is the exception; permuting the tokens no longer just permutes
    # the outputs.
    d, h, T = 8, 2, 5
    x = rng.standard_normal((1, T, d))
    Ws = [rng.standard_normal((d, d)) for _ in range(4)]
    perm = np.array([4, 0, 3, 1, 2])
    out, _ = multi_head_attention(x, x, *Ws, n_heads=h, mask=causal_mask(T))
    out_perm, _ = multi_head_attention(x[:, perm], x[:, perm], *Ws, n_heads=h, mask=causal_mask(T))
    assert not np.allclose(out_perm, out[:, perm], atol=1e-6)


# -- masks and the fully masked row ------------------------------------------------------------


def test_causal_mask():
    assert causal_mask(3).astype(int).tolist() == [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    # With 2 cached keys, the 2 new queries sit at positions 2 and 3 of 4.
    assert causal_mask(2, 4).astype(int).tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]]
    assert causal_mask(1, 5).all()  # one new token sees the whole cache
    assert_allclose(causal_mask(4, 4), np.tril(np.ones((4, 4))))


def test_padding_mask():
    assert padding_mask([2, 3], T=3).astype(int).tolist() == [[[1, 1, 0]], [[1, 1, 1]]]
    assert padding_mask([2, 3], T=3, left=True).astype(int).tolist() == [[[0, 1, 1]], [[1, 1, 1]]]
    assert padding_mask([0], T=2).sum() == 0


def test_fully_masked_row_gives_zero_weights_and_zero_output(rng):
    q, k, v = rng.standard_normal((3, 4)), rng.standard_normal((3, 4)), rng.standard_normal((3, 2))
    mask = np.ones((3, 3), dtype=bool)
    mask[1] = False
    with np.errstate(all="raise"):  # no NaN, no 0/0 along the way
        out, w = scaled_dot_product_attention(q, k, v, mask)
    assert np.all(w[1] == 0.0) and np.all(out[1] == 0.0)
    assert_allclose(w[[0, 2]].sum(axis=1), 1.0, atol=1e-12)


def test_a_nan_in_a_masked_value_still_poisons_every_output(rng):
    # Page follow-up: why a fully masked row must give 0, not NaN. In the next layer the pad
    # position is a masked key with weight exactly 0, but 0 * NaN = NaN, so every output turns NaN.
    q, k, v = rng.standard_normal((4, 8)), rng.standard_normal((6, 8)), rng.standard_normal((6, 3))
    mask = padding_mask([4], T=6, left=True)[0]  # keys 0 and 1 are padding
    v_nan = v.copy()
    v_nan[0] = np.nan  # the NaN output of a fully masked pad row, one layer down
    out, w = scaled_dot_product_attention(q, k, v_nan, mask)
    assert np.all(w[:, 0] == 0.0) and np.all(np.isnan(out))
    v_zero = v.copy()
    v_zero[0] = 0.0  # the zero output the snippet's convention gives instead
    assert_allclose(scaled_dot_product_attention(q, k, v_zero, mask)[0],
                    scaled_dot_product_attention(q, k, v, mask)[0], atol=1e-12, rtol=0)


def test_left_padding_with_a_causal_mask_makes_fully_masked_rows():
    # Page: left padding by 2 plus the causal mask leaves the two pad queries nothing to see.
    mask = padding_mask([4], T=6, left=True)[0] & causal_mask(6)
    assert mask.any(axis=1).tolist() == [False, False, True, True, True, True]


def test_finite_mask_value_averages_the_padding_on_a_fully_masked_row():
    # Page pitfall: a finite mask value turns a fully masked row into a softmax over the masked
    # (padding) keys. With the dtype's minimum, every score rounds to it: 1/4 each here, not 0.
    scores = np.array([[0.3, -1.2, 2.0, 0.1]], dtype=np.float32)
    w = masked_softmax(scores + np.finfo(np.float32).min)
    assert w.tolist() == [[0.25, 0.25, 0.25, 0.25]]
    assert masked_softmax(scores, np.zeros((1, 4), dtype=bool)).tolist() == [[0.0, 0.0, 0.0, 0.0]]
    # With -1e9 in float64 the scores survive the shift: a score-weighted average of padding.
    w64 = masked_softmax(scores.astype(np.float64) - 1e9)
    assert_allclose(w64, masked_softmax(scores.astype(np.float64)), rtol=1e-6)
    assert not np.allclose(w64, 0.25)
    # Page: and -1e9 is not even finite in float16 (largest value 65,504): it becomes -inf.
    with np.errstate(over="ignore"):
        assert np.float16(-1e9) == -np.inf and np.finfo(np.float16).max == 65504


# -- additive (Bahdanau) scores ----------------------------------------------------------------


def test_additive_scores_against_a_loop(rng):
    d_s, d_h, d_a, T = 3, 5, 4, 6
    s, h = rng.standard_normal(d_s), rng.standard_normal((T, d_h))
    W_a, U_a, v_a = rng.standard_normal((d_a, d_s)), rng.standard_normal((d_a, d_h)), rng.standard_normal(d_a)
    expected = [sum(v_a[a] * math.tanh(sum(W_a[a, c] * s[c] for c in range(d_s))
                                        + sum(U_a[a, c] * h[j, c] for c in range(d_h)))
                    for a in range(d_a)) for j in range(T)]
    e = additive_scores(s, h, W_a, U_a, v_a)
    assert_allclose(e, expected, atol=1e-12, rtol=0)
    # Invariant: |e_j| <= ||v_a||_1 because tanh is bounded by 1, whatever the states' scale.
    assert np.all(np.abs(additive_scores(1e3 * s, 1e3 * h, W_a, U_a, v_a)) <= np.abs(v_a).sum() + 1e-12)


# -- multi-head attention ----------------------------------------------------------------------


@pytest.mark.parametrize("B, T_q, T_k, d_model, h", [(1, 1, 1, 4, 1), (2, 5, 5, 12, 3), (3, 4, 7, 16, 4)])
def test_multi_head_matches_a_per_head_loop(rng, B, T_q, T_k, d_model, h):
    x_q, x_kv = rng.standard_normal((B, T_q, d_model)), rng.standard_normal((B, T_k, d_model))
    W_q, W_k, W_v, W_o = (rng.standard_normal((d_model, d_model)) for _ in range(4))
    mask = padding_mask(rng.integers(1, T_k + 1, size=B), T=T_k) & causal_mask(T_q, T_k)  # (B, T_q, T_k)
    out, w = multi_head_attention(x_q, x_kv, W_q, W_k, W_v, W_o, n_heads=h, mask=mask)
    assert out.shape == (B, T_q, d_model) and w.shape == (B, h, T_q, T_k)
    d_h = d_model // h
    for b in range(B):
        heads = []
        for i in range(h):
            cols = slice(i * d_h, (i + 1) * d_h)  # head i owns these columns of W_q, W_k, W_v
            o, wi = naive_attention(x_q[b] @ W_q[:, cols], x_kv[b] @ W_k[:, cols], x_kv[b] @ W_v[:, cols], mask[b])
            assert_allclose(w[b, i], wi, atol=1e-10, rtol=0)
            heads.append(o)
        assert_allclose(out[b], np.concatenate(heads, axis=1) @ W_o, atol=1e-9, rtol=0)


def test_one_head_is_plain_attention(rng):
    x = rng.standard_normal((2, 5, 6))
    W_q, W_k, W_v = (rng.standard_normal((6, 6)) for _ in range(3))
    out, _ = multi_head_attention(x, x, W_q, W_k, W_v, np.eye(6), n_heads=1)
    assert_allclose(out, scaled_dot_product_attention(x @ W_q, x @ W_k, x @ W_v)[0], atol=1e-12, rtol=0)


def test_split_and_merge_heads(rng):
    x = rng.standard_normal((2, 3, 12))
    heads = split_heads(x, 4)
    assert heads.shape == (2, 4, 3, 3)
    assert_allclose(heads[1, 2, 0], x[1, 0, 6:9], atol=0, rtol=0)  # head 2 owns columns 6..8
    assert_allclose(merge_heads(heads), x, atol=0, rtol=0)
    with pytest.raises(ValueError):
        split_heads(x, 5)


# -- the figure --------------------------------------------------------------------------------


def test_example_weights_behind_the_figure():
    panels = example_weights()
    for name, (w, mask) in panels.items():
        assert w.shape == mask.shape == (6, 6)
        assert np.all(w[~mask] == 0.0)
        live = mask.any(axis=1)
        assert_allclose(w[live].sum(axis=1), 1.0, atol=1e-12)
    assert panels["encoder"][1].any(axis=1).all()  # every query row sees the 4 real keys
    assert panels["decoder"][1].any(axis=1).tolist() == [False, False, True, True, True, True]


def test_plot_attention_masks():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    fig = plot_attention_masks()
    try:
        assert isinstance(fig, Figure)
        for ax in fig.axes[:2]:
            assert ax.get_xlabel() == "key position j" and ax.get_ylabel() == "query position i"
    finally:
        plt.close(fig)
