"""Tests of snippets/alignment/peft_budget.py: every count and budget Q11 states."""

import numpy as np
import pytest

from snippets.alignment.lora import lora_init, lora_params
from snippets.alignment.peft_budget import (NF4_BITS, finetune_state_bytes, projections,
                                            quantizable_params, trainable_params)
from snippets.alignment.peft_budget_plots import plot_finetune_memory
from snippets.specs import H100_SXM, LLAMA2_70B, LLAMA3_8B, LLAMA3_70B
from snippets.transformer.ffn import model_params


def test_nf4_double_quantization_is_4_127_bits():
    # Dettmers et al. (2023), Sec. 3: 32/64 = 0.5 bits of fp32 constants become
    # 8/64 + 32/(64 * 256) = 0.127 bits: a saving of 0.373 bits per weight.
    assert round(NF4_BITS, 3) == 4.127
    assert round(4.5 - NF4_BITS, 3) == 0.373


def test_projections_add_up_to_the_block_weights():
    for m in (LLAMA3_8B, LLAMA2_70B):
        d = m.d_model
        per_layer = (model_params(m) - 2 * m.vocab * d - d) / m.n_layers - 2 * d
        assert sum(a * b for a, b in projections(m).values()) == per_layer


def test_lora_count_equals_the_arrays_lora_init_allocates():
    # Reference: allocate the A, B of every target of one small layer and count.
    from snippets.specs import Model
    m = Model("toy", 2, 16, 40, 4, 2, 50)
    rng = np.random.default_rng(0)
    total = 0
    for d_out, d_in in projections(m).values():
        A, B = lora_init(np.zeros((d_out, d_in)), 4, rng)
        total += A.size + B.size
    assert trainable_params(m, "lora", r=4) == m.n_layers * total


def lora_params_share(m):
    n = model_params(m)
    counts = [trainable_params(m, "lora", r=16),
              trainable_params(m, "lora", r=8, targets=("q", "v")),
              trainable_params(m, "adapter", bottleneck=64),
              trainable_params(m, "prefix", prefix=32),
              trainable_params(m, "prompt", prefix=32)]
    return [round(100 * c / n, 2) if i < 4 else round(100 * c / n, 3)
            for i, c in enumerate(counts)]


def test_q11_trainable_counts():
    n = model_params(LLAMA3_8B)
    lora = trainable_params(LLAMA3_8B, "lora", r=16)
    assert lora == 41_943_040 and round(100 * lora / n, 2) == 0.52
    qv = trainable_params(LLAMA3_8B, "lora", r=8, targets=("q", "v"))
    assert qv == 3_407_872
    assert trainable_params(LLAMA3_8B, "adapter", bottleneck=64) == 33_820_672
    assert trainable_params(LLAMA3_8B, "prefix", prefix=32) == 2_097_152
    assert trainable_params(LLAMA3_8B, "prompt", prefix=32) == 131_072
    # One r = 16 adapter in bf16: 84 MB; a thousand of them outweigh the base model.
    assert round(2 * lora / 1e6) == 84
    assert 1000 * 2 * lora > 2 * n
    assert round(5000 * 2 * lora / 1e9) == 419
    assert n == 8_030_261_248 and lora_params_share(LLAMA3_8B) == [0.52, 0.04, 0.42, 0.03,
                                                                   0.002]
    assert lora_params(4096, 4096, 16) == 131_072
    with pytest.raises(ValueError):
        trainable_params(LLAMA3_8B, "bitfit")


@pytest.mark.parametrize("r", [1, 8, 64])
def test_lora_count_is_linear_in_rank(r):
    assert trainable_params(LLAMA3_70B, "lora", r=r) == r * trainable_params(
        LLAMA3_70B, "lora", r=1)


def test_q11_memory_budgets():
    gb = lambda m, mode, n=0: round(finetune_state_bytes(m, mode, n) / 1e9, 1)  # noqa: E731
    n8 = trainable_params(LLAMA3_8B, "lora", r=16)
    assert [gb(LLAMA3_8B, "full"), gb(LLAMA3_8B, "lora", n8), gb(LLAMA3_8B, "qlora", n8)] \
        == [128.5, 16.7, 6.4]
    assert quantizable_params(LLAMA3_8B) == 6_979_321_856
    # Llama 2 70B: QLoRA's claim (a 65B model on one 48 GB GPU) at a size in specs.
    n70 = trainable_params(LLAMA2_70B, "lora", r=16)
    assert [gb(LLAMA2_70B, "full"), gb(LLAMA2_70B, "lora", n70),
            gb(LLAMA2_70B, "qlora", n70)] == [1103.6, 141.3, 39.7]
    assert 48e9 - finetune_state_bytes(LLAMA2_70B, "qlora", n70) > 8e9
    assert finetune_state_bytes(LLAMA2_70B, "qlora", n70) < H100_SXM.memory
    assert gb(LLAMA3_70B, "qlora", n70) == 42.8
    # Follow-up: what an 80 GB and a 48 GB GPU leave for activations; the bf16 base.
    q70 = finetune_state_bytes(LLAMA3_70B, "qlora", n70)
    assert round((H100_SXM.memory - q70) / 1e9) == 37 and round((48e9 - q70) / 1e9) == 5
    assert gb(LLAMA3_70B, "lora", n70) == 144.4
    assert LLAMA3_70B.vocab == 128_256
    with pytest.raises(ValueError):
        finetune_state_bytes(LLAMA3_8B, "ia3")


def test_budgets_are_ordered_and_qlora_base_sits_between_4_and_16_bits():
    for m in (LLAMA3_8B, LLAMA2_70B, LLAMA3_70B):
        n = model_params(m)
        full, lora, qlora = (finetune_state_bytes(m, mode) for mode in ("full", "lora",
                                                                         "qlora"))
        assert full == 16 * n and lora == 2 * n
        assert n * NF4_BITS / 8 < qlora < lora < full


def test_plot_finetune_memory_draws_two_panels():
    fig = plot_finetune_memory()
    assert len(fig.axes) == 2
