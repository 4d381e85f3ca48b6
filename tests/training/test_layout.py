"""Tests of snippets/training/layout.py on Llama 3 405B's published 4D layouts.

Grattafiori et al. (2024), Table 4: 16M-token batches; at 8K context TP 8, CP 1, PP 16 and
DP 64 (8,192 GPUs, 32 sequences per DP rank) or DP 128 (16,384 GPUs, 16 per rank); at 128K
context TP 8, CP 16, PP 16, DP 8 (16 per rank).
"""

import pytest
from numpy.testing import assert_allclose

from snippets.specs import H100_SXM, LLAMA3_8B, LLAMA3_405B
from snippets.training.layout import Layout, plan, propose_layout
from snippets.transformer.ffn import model_params

BATCH = 2048 * 8192  # 16M tokens
PUBLISHED = [(Layout(8, 1, 16, 64), 8192, 32), (Layout(8, 1, 16, 128), 8192, 16),
             (Layout(8, 16, 16, 8), 131072, 16)]


@pytest.mark.parametrize("lay, seq, per_dp", PUBLISHED)
def test_published_batch_per_dp_rank_and_fit(lay, seq, per_dp):
    p = plan(LLAMA3_405B, lay, seq, BATCH, H100_SXM, recompute="full")
    assert p["micro_batches"] == per_dp
    assert p["memory"] < H100_SXM.memory


def test_hand_worked_traffic_of_the_16k_layout():
    p = plan(LLAMA3_405B, Layout(8, 1, 16, 128), 8192, BATCH, H100_SXM, recompute="full")
    n = model_params(LLAMA3_405B)
    act = 2 * 8192 * 16384  # bytes of one sequence's hidden states
    assert_allclose(p["bytes"]["tp"], 8 * 7 / 8 * act * 126 / 16 * 16)
    assert_allclose(p["bytes"]["pp"], 2 * act / 8 * 16)
    assert_allclose(p["bytes"]["dp"], 2 * 127 / 128 * 2 * n / 128)
    assert p["bytes"]["cp"] == 0.0
    got = {k: round(v / 1e9, 2) for k, v in p["bytes"].items()}
    assert got == {"tp": 236.76, "cp": 0.0, "pp": 1.07, "dp": 12.58}
    assert round(p["seconds"]["tp"], 2) == 0.53 and round(p["seconds"]["dp"], 2) == 0.25
    assert round(p["compute"], 2) == 2.73 and round(p["bubble"], 3) == 0.484
    assert round(p["memory"] / 1e9, 1) == 17.2
    # Saving activations (selective recomputation) would not fit in 80 GB.
    sel = plan(LLAMA3_405B, Layout(8, 1, 16, 128), 8192, BATCH, H100_SXM)
    assert round(sel["memory"] / 1e9, 1) == 84.9


@pytest.mark.parametrize("pp", [1, 2, 4, 8, 16, 32])
def test_tp_traffic_per_gpu_does_not_depend_on_pp(pp):
    # L / p layers times m = B / dp micro-batches is constant when p x dp is.
    a = plan(LLAMA3_405B, Layout(8, 1, pp, 2048 // pp), 8192, BATCH, H100_SXM)
    b = plan(LLAMA3_405B, Layout(8, 1, 1, 2048), 8192, BATCH, H100_SXM)
    assert_allclose(a["bytes"]["tp"], b["bytes"]["tp"])
    assert_allclose(a["bytes"]["dp"] * pp, b["bytes"]["dp"], rtol=2e-2)  # up to (d-1)/d


def test_proposals_for_llama3_405b():
    full = dict(recompute="full")
    at_8k = propose_layout(LLAMA3_405B, 16384, 8192, BATCH, H100_SXM, **full)
    at_128k = propose_layout(LLAMA3_405B, 16384, 131072, BATCH, H100_SXM, **full)
    assert (at_8k.tp, at_8k.cp) == (8, 1) and (at_128k.tp, at_128k.cp) == (8, 16)
    assert at_8k == Layout(8, 1, 4, 512) and at_128k == Layout(8, 16, 4, 32)
    # The published layout's estimated step is within 10% of the proposal's.
    mine = plan(LLAMA3_405B, at_8k, 8192, BATCH, H100_SXM, **full)["step"]
    meta = plan(LLAMA3_405B, Layout(8, 1, 16, 128), 8192, BATCH, H100_SXM, **full)["step"]
    assert round(mine, 2) == 5.31 and round(meta, 2) == 5.84 and meta / mine < 1.1
    # Saving activations forces context parallelism even at 8K.
    assert propose_layout(LLAMA3_405B, 16384, 8192, BATCH, H100_SXM).cp == 2


def test_small_model_is_pure_data_parallel_and_batch_caps_dp():
    assert propose_layout(LLAMA3_8B, 64, 8192, 512 * 8192, H100_SXM) == Layout(1, 1, 1, 64)
    # 2,048 sequences on 16,384 GPUs: DP <= 2048 / p forces TP x CP >= 8.
    lay = propose_layout(LLAMA3_8B, 16384, 8192, BATCH, H100_SXM)
    assert lay.tp * lay.cp >= 8 and lay.n_gpus == 16384
