"""Benchmark for Q84: time and peak memory of one transformer layer's parts against n.

Usage: ``.venv/bin/python tools/bench_attention.py`` (under 2 minutes on 2 idle cores).

The layer is the Transformer base shape from ``snippets/specs.py`` (d = 512, 8 heads of 64,
a ReLU FFN of width 2048), one sequence of n tokens, float64 NumPy on one BLAS thread. For
each n it takes the CPU time, the minimum of a few repeats, of:

- the four projections x W_Q, x W_K, x W_V and the output's W_O;
- the attention core, softmax(q k^T / sqrt(d_k)) v over all heads at once, with the
  (H, n, n) score matrix materialised (``snippets.generation.attention``);
- the same core tiled with the online softmax, one head at a time, never forming an n x n
  matrix (``snippets.serving.flash_attention``, blocks of 256; timed once);
- the FFN (``snippets.transformer.ffn``);

and measures each part's peak memory above its inputs with ``tracemalloc`` (NumPy reports
its allocations to it). It prints the rows and the machine as Python literals, to be pasted
into ``snippets/transformer/attention_benchmark.py``. A measurement, not a test: CI does not
run it, and nothing asserts a time.
"""

from __future__ import annotations

import os

# One BLAS thread, timed in CPU seconds: on a shared machine, wall-clock time measures the
# neighbours; CPU time of a single thread measures the code. Set before NumPy loads BLAS.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import platform
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from snippets.generation.attention import scaled_dot_product_attention  # noqa: E402
from snippets.serving.flash_attention import flash_attention  # noqa: E402
from snippets.specs import TRANSFORMER_BASE as M  # noqa: E402
from snippets.transformer.activations import relu  # noqa: E402
from snippets.transformer.ffn import ffn  # noqa: E402

NS = (256, 512, 1024, 2048, 4096)
REPEATS = 3
BLOCK = 256


def parts(n, rng):
    d, H, d_h = M.d_model, M.n_heads, M.head_dim
    x = rng.standard_normal((n, d))
    W = [rng.standard_normal((d, d)) / np.sqrt(d) for _ in range(4)]
    W1 = rng.standard_normal((d, M.d_ff)) / np.sqrt(d)
    W2 = rng.standard_normal((M.d_ff, d)) / np.sqrt(M.d_ff)
    q, k, v = (rng.standard_normal((H, n, d_h)) for _ in range(3))

    def projections():
        return [x @ W[0], x @ W[1], x @ W[2], x @ W[3]]

    def core_naive():
        return scaled_dot_product_attention(q, k, v)[0]

    def core_tiled():
        return [flash_attention(q[h], k[h], v[h], BLOCK, BLOCK)[0] for h in range(H)]

    def feed_forward():
        return ffn(x, W1, W2, act=relu)

    return {"projections": projections, "core_naive": core_naive,
            "core_tiled": core_tiled, "ffn": feed_forward}


def best_time(f, repeats):
    times = []
    for _ in range(repeats):
        t0 = time.process_time()
        f()
        times.append(time.process_time() - t0)
    return min(times)


def peak_bytes(f):
    tracemalloc.start()
    tracemalloc.reset_peak()
    f()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def cpu_model():
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def main():
    rng = np.random.default_rng(0)
    rows = []
    t_start = time.perf_counter()
    for n in NS:
        fs = parts(n, rng)
        # The tiled core is a Python loop over blocks: time it once, not REPEATS times.
        t = {name: best_time(f, 1 if name == "core_tiled" else REPEATS)
             for name, f in fs.items()}
        mem = {name: peak_bytes(f) for name, f in fs.items()}
        rows.append((n, *(round(t[k], 5) for k in fs), *(mem[k] for k in fs)))
        print(f"# n = {n}: {time.perf_counter() - t_start:.1f} s so far", file=sys.stderr)
    machine = {"cpu": cpu_model(), "cores": os.cpu_count(), "threads": 1,
               "numpy": np.__version__,
               "python": platform.python_version(), "date": time.strftime("%Y-%m-%d")}
    print("MACHINE =", machine)
    print("COLUMNS =", ("n", *(f"t_{k}" for k in fs), *(f"mem_{k}" for k in fs)))
    print("ROWS = (")
    for row in rows:
        print(f"    {row},")
    print(")")


if __name__ == "__main__":
    main()
