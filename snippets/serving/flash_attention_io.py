"""HBM reads and writes of standard attention and of FlashAttention, counted from the
algorithms.

The counts follow the paper's IO analysis (Dao et al., 2022, Theorem 2): standard attention
(Algorithm 0) moves Theta(N d + N^2) elements between HBM and SRAM, FlashAttention
(Algorithm 1) Theta(N^2 d^2 / M) for an SRAM of M elements. Here every line of the two
algorithms is counted exactly, in elements, for one head and one sequence.

Follows: Dao et al. (2022), Algorithms 0 and 1, block sizes B_c = ceil(M / 4d),
B_r = min(B_c, d).
Simplifications: the forward pass only; no causal block skipping; each matmul reads its
inputs once (ideal tiling inside Algorithm 0); the L2 cache is ignored, as in the paper;
M is taken as the paper's 192 KB per SM read as fp16 elements, an upper bound (the A100
can configure at most 164 KB of it as shared memory, NVIDIA Ampere Tuning Guide).
"""

import math

A100_SRAM_ELEMS = 192 * 1024 // 2  # the paper's 192 KB of SRAM per SM, as fp16 elements


def hbm_accesses_standard(N, d):
    """(reads, writes) of Algorithm 0: S = QK^T, P = softmax(S), O = PV.

    >>> hbm_accesses_standard(4096, 64)
    (34340864, 33816576)
    """
    reads = 2 * N * d  # line 1: Q and K
    writes = N * N  # line 1: S
    reads, writes = reads + N * N, writes + N * N  # line 2: read S, write P
    reads += N * N + N * d  # line 3: read P and V
    writes += N * d  # line 3: write O
    return reads, writes


def flash_block_sizes(d, M):
    """(B_r, B_c) of Algorithm 1: B_c = ceil(M / 4d), B_r = min(B_c, d).

    >>> flash_block_sizes(64, A100_SRAM_ELEMS)
    (64, 384)
    """
    B_c = math.ceil(M / (4 * d))
    return min(B_c, d), B_c


def hbm_accesses_flash(N, d, M):
    """(reads, writes) of Algorithm 1 with SRAM of M elements.

    >>> hbm_accesses_flash(4096, 64, A100_SRAM_ELEMS)
    (6381568, 3244032)
    """
    _, B_c = flash_block_sizes(d, M)
    T_c = math.ceil(N / B_c)
    writes = N * d + 2 * N  # line 2: O = 0, l = 0, m = -inf written to HBM
    reads = 2 * N * d  # line 6: every K_j and V_j loaded exactly once
    # Lines 8, 12, 13: in each of the T_c outer steps every Q_i, O_i, l_i,
    # m_i is read and O_i, l_i, m_i written back: all of Q, O, l and m.
    reads += T_c * (2 * N * d + 2 * N)
    writes += T_c * (N * d + 2 * N)
    return reads, writes


def sram_footprint(d, M):
    """Elements of K_j, V_j, Q_i, O_i and S_ij held on chip with Algorithm 1's blocks.

    >>> sram_footprint(64, A100_SRAM_ELEMS)  # 83% of M
    81920
    """
    B_r, B_c = flash_block_sizes(d, M)
    # subtle: the paper sizes blocks only up to constants (B_c d, B_r d and
    # B_r B_c are O(M)), so this can exceed M: 106,496 of 98,304 at d = 128.
    return 2 * B_c * d + 2 * B_r * d + B_r * B_c


def asymptotic_saving(d, M):
    """Limit of standard / FlashAttention HBM traffic as N grows: 4 B_c / (3d + 4).

    Standard moves ~4 N^2; Algorithm 1 makes N / B_c passes of 3Nd + 4N
    (Q, O read, O written; l, m read and written). About M / 3d^2 for large d.

    >>> round(asymptotic_saving(64, A100_SRAM_ELEMS), 2)
    7.84
    """
    _, B_c = flash_block_sizes(d, M)
    return 4 * B_c / (3 * d + 4)


def score_matrix_bytes(N, n_heads=1, batch=1, bytes_per_elem=2):
    """Bytes of the N x N score matrix S that standard attention writes (P: as much).

    >>> score_matrix_bytes(4096) / 2 ** 20  # one head, fp16, MiB
    32.0
    """
    return N * N * n_heads * batch * bytes_per_elem


def io_table(Ns=(1024, 4096, 16384), d=64, M=A100_SRAM_ELEMS):
    """Rows (N, standard total, flash total, ratio) in elements, for the page's table."""
    rows = []
    for N in Ns:
        std, fl = sum(hbm_accesses_standard(N, d)), sum(hbm_accesses_flash(N, d, M))
        rows.append((N, std, fl, std / fl))
    return rows
