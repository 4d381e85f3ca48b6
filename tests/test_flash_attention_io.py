"""Tests of snippets/flash_attention_io.py: closed-form HBM counts against a simulated loop."""

import math

import pytest

from snippets.flash_attention_io import (
    A100_SRAM_ELEMS, flash_block_sizes, hbm_accesses_flash, hbm_accesses_standard, io_table,
    plot_hbm_traffic, score_matrix_bytes,
)


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


@pytest.mark.parametrize("d,limit", [(64, 8.0), (128, 2.0)])
def test_saving_tends_to_m_over_3_d_squared(d, limit):
    # Large N: standard ~ 4 N^2, flash ~ T_c * 3 N d ~ 12 N^2 d^2 / M, ratio -> M / (3 d^2).
    assert A100_SRAM_ELEMS / (3 * d * d) == limit
    N = 2 ** 22
    ratio = sum(hbm_accesses_standard(N, d)) / sum(hbm_accesses_flash(N, d, A100_SRAM_ELEMS))
    assert abs(ratio - limit) / limit < 0.03


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
