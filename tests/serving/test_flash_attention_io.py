"""Tests of snippets/serving/flash_attention_io.py: closed-form HBM counts against a simulated loop."""

import math

import pytest

from snippets.serving.flash_attention_io import (A100_SRAM_ELEMS, asymptotic_saving,
                                         flash_block_sizes, hbm_accesses_flash,
                                         hbm_accesses_standard, io_table,
                                         score_matrix_bytes, sram_footprint)
from snippets.serving.flash_attention_io_plots import plot_hbm_traffic


def simulate_flash(N, d, M):
    """Reference: walk Algorithm 1's loops and add up every block moved (ragged last blocks)."""
    B_c = math.ceil(M / (4 * d))
    B_r = min(B_c, d)
    reads, writes = 0, N * d + 2 * N  # line 2
    for j in range(0, N, B_c):
        bc = min(B_c, N - j)
        reads += 2 * bc * d  # line 6: K_j, V_j
        for i in range(0, N, B_r):
            br = min(B_r, N - i)
            reads += br * d + br * d + br + br  # line 8: Q_i, O_i, l_i, m_i
            writes += br * d + br + br  # lines 12-13: O_i, l_i, m_i
    return reads, writes


def simulate_standard(N, d):
    """Reference: the sizes of the tensors each line of Algorithm 0 loads and stores."""
    Q = K = V = O = N * d
    S = P = N * N
    return (Q + K) + S + (P + V), S + P + O


@pytest.mark.parametrize("N", [1, 7, 100, 1000])
@pytest.mark.parametrize("d", [16, 64, 128])
@pytest.mark.parametrize("M", [4_000, 20_000, A100_SRAM_ELEMS])
def test_closed_forms_equal_the_simulated_loops(N, d, M):
    assert hbm_accesses_flash(N, d, M) == simulate_flash(N, d, M)
    assert hbm_accesses_standard(N, d) == simulate_standard(N, d)


@pytest.mark.parametrize("d", [64, 128])
def test_closed_form_equals_the_simulated_loop_for_the_page_configuration(d):
    assert hbm_accesses_flash(4096, d, A100_SRAM_ELEMS) == simulate_flash(4096, d, A100_SRAM_ELEMS)


def test_block_sizes_of_algorithm_1():
    assert A100_SRAM_ELEMS == 98_304
    assert flash_block_sizes(64, A100_SRAM_ELEMS) == (64, 384)
    assert flash_block_sizes(128, A100_SRAM_ELEMS) == (128, 192)
    assert flash_block_sizes(64, 1000) == (4, 4)  # ceil(1000 / 256) = 4; B_r = min(4, 64)


def test_numbers_on_the_page_n4096_d64():
    assert hbm_accesses_standard(4096, 64) == (34_340_864, 33_816_576)
    assert sum(hbm_accesses_standard(4096, 64)) == 68_157_440
    assert hbm_accesses_flash(4096, 64, A100_SRAM_ELEMS) == (6_381_568, 3_244_032)
    assert sum(hbm_accesses_flash(4096, 64, A100_SRAM_ELEMS)) == 9_625_600
    assert round(68_157_440 / 9_625_600, 1) == 7.1


def test_table_on_the_page():
    rows = io_table()
    assert [(N, s, f) for N, s, f, _ in rows] == [
        (1024, 4_456_448, 800_768), (4096, 68_157_440, 9_625_600), (16384, 1_077_936_128, 141_262_848)]
    assert [round(r, 1) for *_, r in rows] == [5.6, 7.1, 7.6]
    rows128 = io_table(d=128)
    assert [round(r, 1) for *_, r in rows128] == [1.7, 1.9, 2.0]
    assert sum(hbm_accesses_flash(4096, 128, A100_SRAM_ELEMS)) == 36_544_512


@pytest.mark.parametrize("d,limit,rounded", [(64, 4 * 384 / 196, 7.84), (128, 4 * 192 / 388, 1.98)])
def test_saving_tends_to_4_b_c_over_3d_plus_4(d, limit, rounded):
    # Large N: standard ~ 4 N^2; flash ~ (N / B_c) * (3 N d + 4 N), so the ratio -> 4 B_c / (3d + 4).
    assert asymptotic_saving(d, A100_SRAM_ELEMS) == limit
    assert round(limit, 2) == rounded
    assert round(limit, 1) == {64: 7.8, 128: 2.0}[d]  # the figure caption
    N = 2 ** 22
    ratio = sum(hbm_accesses_standard(N, d)) / sum(hbm_accesses_flash(N, d, A100_SRAM_ELEMS))
    assert ratio < limit and abs(ratio - limit) / limit < 2e-4


@pytest.mark.parametrize("d", [64, 128])
def test_saving_is_about_m_over_3_d_squared(d):
    # The page's rule of thumb: 4 B_c / (3d + 4) = (M / 3d^2) / (1 + 4 / 3d) when 4d divides M.
    assert A100_SRAM_ELEMS / (3 * d * d) == {64: 8.0, 128: 2.0}[d]
    assert asymptotic_saving(d, A100_SRAM_ELEMS) * (1 + 4 / (3 * d)) == pytest.approx(
        A100_SRAM_ELEMS / (3 * d * d), rel=1e-12)


def test_sram_footprint_by_listing_the_blocks():
    # Reference: the shapes Algorithm 1 holds on chip, (rows, cols) per block.
    for d, expected in ((64, 81_920), (128, 106_496)):
        B_r, B_c = flash_block_sizes(d, A100_SRAM_ELEMS)
        shapes = [(B_c, d), (B_c, d), (B_r, d), (B_r, d), (B_r, B_c)]  # K_j, V_j, Q_i, O_i, S_ij
        assert sram_footprint(d, A100_SRAM_ELEMS) == sum(r * c for r, c in shapes) == expected
    # The page's claim: fits at d = 64, does not at d = 128 with this M.
    assert sram_footprint(64, A100_SRAM_ELEMS) < A100_SRAM_ELEMS < sram_footprint(128, A100_SRAM_ELEMS)
    assert sram_footprint(64, A100_SRAM_ELEMS) / A100_SRAM_ELEMS == 5 / 6


@pytest.mark.parametrize("M", [4_000, 20_000, A100_SRAM_ELEMS, 2 ** 20])
def test_k_v_blocks_take_about_half_of_m(M):
    # Invariant of B_c = ceil(M / 4d): K_j and V_j together take M / 2 up to one row each.
    for d in (16, 64, 128):
        B_r, B_c = flash_block_sizes(d, M)
        assert M / 2 <= 2 * B_c * d < M / 2 + 2 * d
        assert B_r * B_c <= d * B_c


def test_flash_scales_as_n2_d2_over_m_and_standard_as_n2():
    # Theorem 2: doubling N quadruples both at large N; doubling M halves flash's traffic.
    s1, s2 = sum(hbm_accesses_standard(2 ** 14, 64)), sum(hbm_accesses_standard(2 ** 15, 64))
    f1, f2 = (sum(hbm_accesses_flash(N, 64, 2 ** 16)) for N in (2 ** 14, 2 ** 15))
    assert 3.9 < s2 / s1 < 4.1 and 3.9 < f2 / f1 < 4.1
    g = sum(hbm_accesses_flash(2 ** 14, 64, 2 ** 17))
    assert 1.9 < f1 / g < 2.1


def test_score_matrix_bytes():
    assert score_matrix_bytes(4096) == 32 * 2 ** 20
    assert score_matrix_bytes(16384) == 512 * 2 ** 20
    assert score_matrix_bytes(4096, n_heads=32) == 2 ** 30


def test_plot_has_three_labelled_lines():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plot_hbm_traffic()
    ax = fig.axes[0]
    assert len(ax.get_legend().get_texts()) == 3
    assert ax.get_xlabel() and ax.get_ylabel()
    plt.close(fig)
