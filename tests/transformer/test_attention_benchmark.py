"""The recorded benchmark of Q84: the data is complete and describes its machine, its memory
columns agree with the arrays the benchmarked code allocates, and every number the page reads
from it is asserted here (the times are recorded, never re-measured)."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.specs import TRANSFORMER_BASE as M
from snippets.transformer.attention_benchmark import (COLUMNS, MACHINE, ROWS,
                                                      achieved_gflops, growth_exponent,
                                                      layer_flops, measured_crossover, table)
from snippets.transformer.attention_scaling import attention_memory


def test_the_data_is_complete_and_names_its_machine():
    assert {"cpu", "cores", "threads", "numpy", "date"} <= set(MACHINE)
    assert MACHINE["cores"] == 2 and MACHINE["threads"] == 1
    assert all(len(row) == len(COLUMNS) for row in ROWS)
    n = table()["n"]
    assert np.all(np.diff(n) > 0) and n[0] == 256 and n[-1] == 4096


def test_memory_columns_match_the_arrays_the_code_allocates():
    t = table()
    n = t["n"].astype(int)
    bytes_ = 8  # float64
    # Projections: four (n, d) outputs.
    assert_allclose(t["mem_projections"], 4 * n * M.d_model * bytes_, rtol=0.01)
    # Naive core: three (H, n, n) arrays alive at once (scores, exponentials, weights).
    quad = np.array([attention_memory(k, M.d_model, M.n_heads)[1] for k in n])
    assert_allclose(t["mem_core_naive"], 3 * quad * bytes_, rtol=0.05)
    # FFN: the (n, d_ff) pre-activations and activations, and the (n, d) output.
    assert_allclose(t["mem_ffn"], (2 * n * M.d_ff + n * M.d_model) * bytes_, rtol=0.01)


def test_growth_exponent_reference_and_invariant():
    n = np.array([1.0, 2.0, 4.0, 8.0])
    assert growth_exponent(n, 5 * n) == pytest.approx(1.0)
    assert growth_exponent(n, 5 * n ** 2) == pytest.approx(2.0)
    assert growth_exponent(n, 7 * n ** 1.5) == pytest.approx(growth_exponent(n, n ** 1.5))


def test_numbers_the_page_reads_from_the_recording():
    t = table()
    e = {k: round(growth_exponent(t["n"], t[k]), 1) for k in COLUMNS[1:]}
    assert (e["mem_core_naive"], e["mem_core_tiled"]) == (2.0, 0.7)
    assert (e["mem_projections"], e["mem_ffn"]) == (1.0, 1.0)
    assert (e["t_core_naive"], e["t_core_tiled"]) == (2.1, 2.0)
    assert (e["t_projections"], e["t_ffn"]) == (0.9, 1.0)
    # At 4,096 tokens: 3.0 GiB against 18.3 MiB, 168 times less.
    naive, tiled = t["mem_core_naive"][-1], t["mem_core_tiled"][-1]
    assert (round(naive / 2**30, 1), round(tiled / 2**20, 1)) == (3.0, 18.3)
    assert round(naive / tiled) == 168
    # Time: the core is 6.9 times projections + FFN at 4,096, where FLOPs predict 1.33.
    ratio = t["t_core_naive"] / (t["t_projections"] + t["t_ffn"])
    assert round(ratio[-1], 1) == 6.9
    proj, scores, ffn_f = layer_flops(4096)
    assert round(scores / (proj + ffn_f), 2) == 1.33
    assert measured_crossover() == (1024.0, 3072.0)
    assert ratio[1] < 1 < ratio[2]  # crossed between 512 and 1,024 tokens
    # Achieved rates at 4,096: the matrix products near 70 GFLOP/s, the core 13.
    g = {k: round(v) for k, v in achieved_gflops().items()}
    assert g == {"projections": 70, "core_naive": 13, "ffn": 67}
    # The tiled core took 0.45 of the naive core's time at 4,096 tokens.
    assert round(t["t_core_tiled"][-1] / t["t_core_naive"][-1], 2) == 0.45


def test_layer_flops_reference():
    proj, scores, ffn_f = layer_flops(1)
    d, d_ff = M.d_model, M.d_ff
    assert (proj, scores, ffn_f) == (8 * d * d, 4 * d, 4 * d * d_ff)
    # QK^T is half the score FLOPs: 2 d_h = 128 FLOPs per element of each head's n x n array.
    n = 4096
    qk = layer_flops(n)[1] / 2
    assert qk / (M.n_heads * n * n) == 2 * M.head_dim == 128


def test_the_pages_table_is_the_recording_rounded():
    t = table()
    page = [  # n, core ms, tiled ms, projections + FFN ms, core MiB, tiled MiB
        (256, 8.1, 5.1, 26.9, 12.1, 2.6),
        (512, 24.7, 21.3, 46.5, 48.2, 4.3),
        (1024, 128, 80.2, 94.4, 192, 6.3),
        (2048, 547, 308, 190, 768, 10.3),
        (4096, 2611, 1186, 380, 3073, 18.3),
    ]
    for i, (n, core, tiled, weights, mem, mem_tiled) in enumerate(page):
        got = (t["n"][i], 1e3 * t["t_core_naive"][i], 1e3 * t["t_core_tiled"][i],
               1e3 * (t["t_projections"][i] + t["t_ffn"][i]),
               t["mem_core_naive"][i] / 2**20, t["mem_core_tiled"][i] / 2**20)
        for shown, value in zip((n, core, tiled, weights, mem, mem_tiled), got):
            digits = 1 if shown < 100 else 0  # three significant figures, as printed
            assert round(value, digits) == shown, (n, shown, value)
