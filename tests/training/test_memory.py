"""Tests of snippets/training/memory.py: ZeRO's per-GPU budgets and activation memory."""

import pytest
from numpy.testing import assert_allclose

from snippets.specs import GPT3_175B, H100_SXM, LLAMA3_8B, LLAMA3_70B
from snippets.training.memory import activation_bytes, fits, model_state_bytes
from snippets.transformer.ffn import model_params

GiB = 2**30


def test_zero_paper_example():
    # Rajbhandari et al. (2020), Figure 1: 7.5B parameters, N_d = 64, K = 12.
    got = [model_state_bytes(7.5e9, 64, stage) / 1e9 for stage in range(4)]
    assert [round(x, 1) for x in got] == [120.0, 31.4, 16.6, 1.9]


@pytest.mark.parametrize("n_gpus", [1, 8, 64, 1024])
def test_stages_shrink_and_stage3_is_a_perfect_shard(n_gpus):
    b = [model_state_bytes(70e9, n_gpus, stage) for stage in range(4)]
    assert all(x >= y for x, y in zip(b, b[1:]))
    assert_allclose(b[3] * n_gpus, b[0])
    if n_gpus == 1:
        assert b == [b[0]] * 4


def test_llama3_budgets():
    n8, n70 = model_params(LLAMA3_8B), model_params(LLAMA3_70B)
    assert round(model_state_bytes(n8) / 1e9, 1) == 128.5
    assert not fits(model_state_bytes(n8), H100_SXM)
    assert round(model_state_bytes(n8, optimizer="adam-8bit") / 1e9, 1) == 80.3
    assert round(model_state_bytes(n8, optimizer="offload") / 1e9, 1) == 32.1
    # Q21: a one-buffer optimiser (momentum SGD, Muon) is 12 bytes per parameter.
    assert model_state_bytes(1, optimizer="sgd-momentum") == 12
    # ZeRO-Offload also moves the gradients: 2 bytes per parameter stay on the GPU.
    assert model_state_bytes(n8, optimizer="offload", grad_bytes=0) == 2 * n8
    assert round(model_state_bytes(n8, 8, 3) / 1e9, 1) == 16.1
    assert [round(model_state_bytes(n70, 64, s) / 1e9, 1) for s in range(4)] == [
        1128.9, 295.4, 156.5, 17.6]


def naive_gpt_layer_activations(s, b, h, a):
    """Korthikanti et al. (2022), Sec. 4.1, tensor by tensor, 16-bit values, 1-byte masks."""
    attention = [2 * s * b * h,          # input of the Q, K, V projection
                 2 * 2 * s * b * h,      # Q and K, for the QK^T gradient
                 2 * a * s * s * b,      # softmax output
                 a * s * s * b,          # dropout mask on the scores
                 2 * a * s * s * b,      # dropped-out scores, input of the PV product
                 2 * s * b * h,          # V
                 2 * s * b * h,          # input of the output projection
                 s * b * h]              # dropout mask after attention
    mlp = [2 * s * b * h, 2 * 4 * s * b * h, 2 * 4 * s * b * h, s * b * h]
    norms = [2 * s * b * h, 2 * s * b * h]
    return sum(attention + mlp + norms)


def test_activations_match_tensor_by_tensor_count():
    m = GPT3_175B
    want = m.n_layers * naive_gpt_layer_activations(2048, 1, m.d_model, m.n_heads)
    assert activation_bytes(m, 2048, 1) == want


def test_gpt3_activation_figures():
    m = GPT3_175B
    assert activation_bytes(m, 2048, 1) / GiB == 256.5
    assert activation_bytes(m, 2048, 1, "selective") / GiB == 76.5
    assert activation_bytes(m, 2048, 1, "full") / GiB == 4.5
    assert activation_bytes(m, 2048, 1, tp=8) / GiB == pytest.approx(32.06, abs=0.005)
    assert activation_bytes(m, 2048, 1, "selective", tp=8) / GiB == pytest.approx(9.56,
                                                                                  abs=0.005)


@pytest.mark.parametrize("recompute", ["none", "selective", "full"])
def test_activations_linear_in_batch_and_sharded_by_tp(recompute):
    m = LLAMA3_70B
    one = activation_bytes(m, 4096, 1, recompute)
    assert activation_bytes(m, 4096, 4, recompute) == 4 * one
    assert activation_bytes(m, 4096, 1, recompute, tp=8) == one / 8
    assert activation_bytes(m, 4096, 1, "full") <= one


def test_llama_activations_at_8k():
    assert activation_bytes(LLAMA3_8B, 8192, 1) / GiB == 354.0
    assert activation_bytes(LLAMA3_70B, 8192, 1, "full", tp=8) / GiB == 1.25


def test_worked_figures_of_the_page():
    import math

    from snippets.specs import LLAMA3_405B
    n8, n70, n405 = (model_params(m) for m in (LLAMA3_8B, LLAMA3_70B, LLAMA3_405B))
    assert round(model_state_bytes(n405) / 1e12, 2) == 6.49
    assert math.ceil(model_state_bytes(n405) / H100_SXM.memory) == 82
    assert model_state_bytes(7e9) / 1e9 == 112.0
    # Full fine-tune of Llama 3 70B under ZeRO-3.
    assert round(model_state_bytes(n70, 16, 3) / 1e9, 1) == 70.6
    assert round(model_state_bytes(n70, 32, 3) / 1e9, 1) == 35.3
    # Llama 3 8B at 8k on 8 GPUs: ZeRO-3 states plus full-recomputation inputs.
    full = activation_bytes(LLAMA3_8B, 8192, 1, "full")
    assert full / GiB == 2.0
    assert round((model_state_bytes(n8, 8, 3) + full) / 1e9) == 18
    # The score term against the 34 for GPT-3 at 2,048 tokens.
    assert 5 * GPT3_175B.n_heads * 2048 / GPT3_175B.d_model == 80
