"""Recorded output of `tools/bench_attention.py` (Q84), and what it says.

One layer of the Transformer base shape (d = 512, 8 heads of 64, ReLU FFN of width 2048) on
one sequence of n tokens, float64 NumPy on one BLAS thread: CPU seconds (minimum of 3
repeats; the tiled core, a Python loop over blocks, once) and peak bytes allocated above the
inputs (tracemalloc), for the four projections, the attention core with the (H, n, n) score
matrix materialised, the same core tiled with the online softmax, and the FFN.

Follows: Vaswani et al. (2017) for the layer; Dao et al. (2022), Algorithm 1, for the tiled
core (`snippets/serving/flash_attention.py`).
Simplifications: data recorded once on the machine in MACHINE, not re-measured by the tests
(they check the data's shape and what the page reads from it); a CPU, where the costs that
FlashAttention targets on a GPU (HBM traffic) show up only as memory, not as time.
"""

import numpy as np

from snippets.specs import TRANSFORMER_BASE
from snippets.transformer.attention_scaling import attention_flops, score_crossover
from snippets.transformer.ffn import ffn_params

# Recorded by tools/bench_attention.py; CPU from /proc/cpuinfo.
MACHINE = {
    "cpu": "Intel(R) Xeon(R) Processor",
    "cores": 2,
    "threads": 1,
    "numpy": "2.4.6",
    "python": "3.11.7",
    "date": "2026-12-08",
}
COLUMNS = ("n",
           "t_projections", "t_core_naive", "t_core_tiled", "t_ffn",
           "mem_projections", "mem_core_naive", "mem_core_tiled", "mem_ffn")
ROWS = (
    (256, 0.00951, 0.00812, 0.00513, 0.01735, 4195152, 12699568, 2710464, 9437936),
    (512, 0.01505, 0.02474, 0.02126, 0.03144, 8389456, 50497456, 4483008, 18875120),
    (1024, 0.03034, 0.12795, 0.0802, 0.06403, 16778064, 201590704, 6588368, 37749488),
    (2048, 0.06235, 0.54709, 0.30841, 0.12733, 33555280, 805767088, 10798992, 75498224),
    (4096, 0.1226, 2.61121, 1.18586, 0.2571, 67109712, 3222079408, 19220448, 150995696),
)


def table():
    """The recorded rows as one array per column: {name: (len(ROWS),)}.

    >>> table()["n"][:2].astype(int).tolist()
    [256, 512]
    """
    data = np.array(ROWS, dtype=float)  # (rows, columns)
    return {name: data[:, i] for i, name in enumerate(COLUMNS)}


def growth_exponent(n, y):
    """Least-squares slope of log y against log n: 1 for linear growth, 2 for quadratic.

    >>> round(growth_exponent(np.array([1.0, 2, 4]), np.array([3.0, 12, 48])), 6)
    2.0
    """
    return float(np.polyfit(np.log(n), np.log(y), 1)[0])


def layer_flops(n, m=TRANSFORMER_BASE):
    """(projection, score, FFN) FLOPs of the benchmarked layer at n tokens.

    >>> layer_flops(3072)[1] == sum(layer_flops(3072)) / 2  # the 6d crossover
    True
    """
    proj, scores = attention_flops(n, m.d_model, m.n_heads)
    return proj, scores, 2 * n * ffn_params(m.d_model, m.d_ff, gated=False)


def measured_crossover():
    """First recorded n at which the materialised attention core takes more CPU time than
    the projections and the FFN together, and the FLOP prediction 6d for comparison.

    >>> measured_crossover()[1]
    3072.0
    """
    t = table()
    weights = t["t_projections"] + t["t_ffn"]
    over = t["n"][t["t_core_naive"] > weights]
    first = float(over[0]) if over.size else float("nan")
    return first, score_crossover(TRANSFORMER_BASE, gated=False)


def achieved_gflops():
    """{part: GFLOP/s} at the largest recorded n, counting only matrix-product FLOPs.

    >>> sorted(achieved_gflops())
    ['core_naive', 'ffn', 'projections']
    """
    t = table()
    n = t["n"][-1]
    proj, scores, ffn_f = layer_flops(int(n))
    return {"projections": float(proj / t["t_projections"][-1] / 1e9),
            "core_naive": float(scores / t["t_core_naive"][-1] / 1e9),
            "ffn": float(ffn_f / t["t_ffn"][-1] / 1e9)}
