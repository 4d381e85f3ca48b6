"""Tests of snippets/transformer/positions.py and its figure: each encoding against a
hand-written reference, and the properties that page Q34 relies on: RoPE's scores depend only
on m - n, sinusoids shift by a fixed rotation, Shaw's distances clip, ALiBi's slopes are the
paper's; and every number the page states."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.generation.attention import causal_mask, scaled_dot_product_attention
from snippets.specs import LLAMA2_7B_ROPE, LLAMA3_8B_ROPE
from snippets.transformer.positions import (
    alibi_bias,
    alibi_slopes,
    learned_encoding,
    relative_positions,
    relative_scores,
    rope,
    rope_frequencies,
    rope_slow_pairs,
    sinusoidal_encoding,
)
from snippets.transformer.positions_plots import plot_length_extrapolation


@pytest.fixture
def rng():
    return np.random.default_rng(2021_2104)


# -- sinusoidal and learned --------------------------------------------------------------


def test_sinusoidal_matches_the_formula_of_the_paper():
    T, d = 7, 6
    pe = sinusoidal_encoding(T, d)
    for pos in range(T):
        for i in range(d // 2):
            assert pe[pos, 2 * i] == pytest.approx(math.sin(pos / 10_000 ** (2 * i / d)))
            assert pe[pos, 2 * i + 1] == pytest.approx(math.cos(pos / 10_000 ** (2 * i / d)))


def test_sinusoidal_shift_is_a_fixed_rotation_and_dot_depends_on_distance():
    pe = sinusoidal_encoding(300, 16)
    freq = rope_frequencies(16)
    for k in (1, 5, 40):
        # PE(pos + k) = R(k) PE(pos) pair by pair, R(k) independent of pos.
        c, s = np.cos(k * freq), np.sin(k * freq)
        sin_, cos_ = pe[:-k, 0::2], pe[:-k, 1::2]
        assert_allclose(pe[k:, 0::2], sin_ * c + cos_ * s, atol=1e-12)
        assert_allclose(pe[k:, 1::2], cos_ * c - sin_ * s, atol=1e-12)
        dots = np.einsum("td,td->t", pe[:-k], pe[k:])
        assert_allclose(dots, dots[0], atol=1e-10)


def test_learned_table_has_no_row_past_its_length(rng):
    table = rng.standard_normal((8, 4))
    assert_allclose(learned_encoding(table, 8), table)
    assert learned_encoding(table, 0).shape == (0, 4)
    with pytest.raises(ValueError, match="beyond 8"):
        learned_encoding(table, 9)


# -- relative (Shaw) -------------------------------------------------------------------------


def test_relative_positions_clip_and_are_translation_invariant():
    r = relative_positions(6, 6, k_max=2)
    assert r.min() == 0 and r.max() == 4 and np.all(np.diag(r) == 2)
    assert_allclose(r[1:, 1:], r[:-1, :-1])  # depends on j - i only
    assert r[0, 5] == r[0, 3] == 4  # every distance >= k_max shares one embedding


def test_relative_scores_match_a_loop(rng):
    q, k = rng.standard_normal((2, 5, 4))
    a_K = rng.standard_normal((5, 4))  # k_max = 2
    e = relative_scores(q, k, a_K)
    for i in range(5):
        for j in range(5):
            a = a_K[min(max(j - i, -2), 2) + 2]
            assert e[i, j] == pytest.approx(float(q[i] @ (k[j] + a)) / 2.0)


# -- RoPE --------------------------------------------------------------------------------


def rope_complex(x, positions, base=10_000.0):
    """Independent reference: pairs as complex numbers times exp(i m theta)."""
    z = x[:, 0::2] + 1j * x[:, 1::2]
    theta = base ** (-np.arange(0, x.shape[1], 2) / x.shape[1])
    z = z * np.exp(1j * np.outer(positions, theta))
    out = np.empty_like(x)
    out[:, 0::2], out[:, 1::2] = z.real, z.imag
    return out


@pytest.mark.parametrize("base", [10_000.0, 500_000.0])
def test_rope_matches_complex_multiplication(rng, base):
    x = rng.standard_normal((9, 8))
    pos = rng.integers(0, 100_000, size=9)
    assert_allclose(rope(x, pos, base), rope_complex(x, pos, base), atol=1e-9)


def test_rope_score_depends_only_on_the_offset(rng):
    # Page: q at 5 and k at 2 score the same as q at 1005 and k at 1002.
    q, k = rng.standard_normal((2, 1, 64))
    score = lambda m, n: (rope(q, [m]) @ rope(k, [n]).T).item()  # noqa: E731
    assert score(5, 2) == pytest.approx(score(1005, 1002), abs=1e-10)
    for m, n, shift in [(0, 0, 77), (3, 9, 12_345), (4095, 0, 4096)]:
        assert score(m, n) == pytest.approx(score(m + shift, n + shift), abs=1e-9)
    assert score(5, 2) != pytest.approx(score(5, 3))
    assert score(0, 0) == pytest.approx((q @ k.T).item())  # position 0: no rotation


def test_rope_preserves_norms_and_leaves_attention_invariant_to_a_shift(rng):
    x = rng.standard_normal((12, 16))
    pos = np.arange(12)
    assert_allclose(np.linalg.norm(rope(x, pos), axis=1), np.linalg.norm(x, axis=1))
    q, k, v = rng.standard_normal((3, 12, 16))
    out, _ = scaled_dot_product_attention(rope(q, pos), rope(k, pos), v, causal_mask(12))
    out2, _ = scaled_dot_product_attention(rope(q, pos + 500), rope(k, pos + 500), v,
                                           causal_mask(12))
    assert_allclose(out, out2, atol=1e-10)


def test_rotate_half_layout_is_a_permutation_of_the_interleaved_one(rng):
    # Hugging Face's Llama pairs dimension i with i + d/2; permuting q and k maps one to the other.
    d = 8
    x = rng.standard_normal((5, d))
    pos = np.arange(5)
    perm = np.ravel(np.column_stack([np.arange(d // 2), np.arange(d // 2) + d // 2]))
    theta = rope_frequencies(d)
    cos, sin = np.cos(np.outer(pos, theta)), np.sin(np.outer(pos, theta))
    x1, x2 = x[:, : d // 2], x[:, d // 2:]
    half = np.concatenate([x1 * cos - x2 * sin, x2 * cos + x1 * sin], axis=1)
    assert_allclose(half[:, perm], rope(x[:, perm], pos), atol=1e-12)


def test_slow_pairs_for_llama_2_and_llama_3():
    # Page: 18 of 64 pairs for Llama 2 (base 10,000, 4,096 tokens), 29 for Llama 3
    # (base 500,000, 8,192 tokens); the slowest wavelengths are about 54,000 and 2.6 million.
    s2, s3 = LLAMA2_7B_ROPE, LLAMA3_8B_ROPE
    assert rope_slow_pairs(s2.model.head_dim, s2.base, s2.context) == 18
    assert rope_slow_pairs(s3.model.head_dim, s3.base, s3.context) == 29
    assert (2 * math.pi / rope_frequencies(128, s2.base)[-1]) == pytest.approx(54_410, rel=1e-3)
    assert (2 * math.pi / rope_frequencies(128, s3.base)[-1]) == pytest.approx(2.56e6, rel=1e-2)
    # Page (follow-up on Llama 3's base): a larger base slows every pair but the first,
    # whose frequency is b^0 = 1 radian per token for any base.
    th2, th3 = rope_frequencies(128, s2.base), rope_frequencies(128, s3.base)
    assert th2[0] == th3[0] == 1.0 and np.all(th3[1:] < th2[1:])
    # Brute force: a pair is slow when its angle at the last trained position is below 2 pi.
    theta = rope_frequencies(128, s2.base)
    assert np.sum(theta * s2.context < 2 * math.pi) == 18


# -- ALiBi -------------------------------------------------------------------------------


def test_alibi_slopes_of_the_paper():
    assert_allclose(alibi_slopes(8), [2.0 ** -i for i in range(1, 9)])
    assert_allclose(alibi_slopes(16), [2.0 ** (-i / 2) for i in range(1, 17)])
    # 12 heads: the 8 slopes of 8 heads, then 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5 (of 16 heads).
    assert_allclose(alibi_slopes(12), [2.0 ** -i for i in range(1, 9)]
                    + [2.0 ** -0.5, 2.0 ** -1.5, 2.0 ** -2.5, 2.0 ** -3.5])
    assert_allclose(alibi_slopes(1), [2.0 ** -8])


@pytest.mark.parametrize("n", [1, 3, 8, 12, 32, 96])
def test_alibi_slopes_are_distinct_in_zero_one(n):
    s = alibi_slopes(n)
    assert len(s) == n and len(set(s)) == n and np.all((s > 0) & (s < 1))


def test_alibi_bias_reference_and_invariants():
    b = alibi_bias(8, 6)
    m = alibi_slopes(8)
    for h in range(8):
        for i in range(6):
            for j in range(6):
                assert b[h, i, j] == (-m[h] * (i - j) if j <= i else -np.inf)
    assert_allclose(b[:, 1:, 1:], b[:, :-1, :-1])  # depends on i - j only
    # Page: the head with slope 1/2 puts a bias of -10 on a key 20 tokens back,
    # the head with slope 1/256 reaches -10 only at 2,560 tokens.
    assert 10 / m[0] == 20 and 10 / m[-1] == 2560


def test_plot_draws_both_panels():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_length_extrapolation()
    assert len(fig.axes) == 2 and len(fig.axes[1].lines) == 8


def test_llama_31_scaling_bands_of_the_llama_3_pairs():
    # Page: Meta's Llama 3.1 scaling keeps the pairs with wavelength under 2,048 tokens (29),
    # divides the frequency of those above 8,192 (the 29 slow pairs) by 8 and blends the 6
    # in between.
    s = LLAMA3_8B_ROPE
    above_2048 = rope_slow_pairs(s.model.head_dim, s.base, 2048)
    above_8192 = rope_slow_pairs(s.model.head_dim, s.base, 8192)
    assert (64 - above_2048, above_2048 - above_8192, above_8192) == (29, 6, 29)
