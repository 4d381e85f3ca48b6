"""Tests of snippets/serving/paged_kv.py: the block allocator's invariants under a random workload,
naive references for the waste measures, and every number the Q16 page states."""

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.serving.batching_sim import StepModel, poisson_workload
from snippets.serving.paged_kv import (
    BlockAllocator, blocks_needed, lifetime_utilisation, max_resident, reserved_slots,
)


@pytest.fixture
def rng():
    return np.random.default_rng(16)


# -- blocks_needed ----------------------------------------------------------------------------

@pytest.mark.parametrize("block_size", [1, 7, 16, 128])
def test_blocks_needed_is_ceiling(block_size):
    n = np.arange(0, 600)
    want = [math.ceil(k / block_size) for k in n]
    np.testing.assert_array_equal(blocks_needed(n, block_size), want)
    # Invariant: the blocks hold the tokens, with less than one block to spare.
    slack = blocks_needed(n, block_size) * block_size - n
    assert (slack >= 0).all() and (slack < block_size).all()


# -- BlockAllocator ---------------------------------------------------------------------------

def check_pool(kv):
    """free + used == total; no block is in two places; tables match lengths."""
    assert kv.num_free + kv.num_used == kv.num_blocks
    owned = [b for t in kv.block_tables.values() for b in t]
    assert sorted(owned + kv.free_blocks) == list(range(kv.num_blocks))
    for seq, table in kv.block_tables.items():
        assert len(table) == blocks_needed(kv.lengths[seq], kv.block_size)
        assert 0 <= len(table) * kv.block_size - kv.lengths[seq] < kv.block_size
    assert kv.waste() < max(len(kv.block_tables), 1) * kv.block_size


@pytest.mark.parametrize("block_size", [1, 4, 16])
def test_allocator_random_workload(rng, block_size):
    """Sequences arrive with a prompt, decode token by token, finish and free their blocks."""
    kv = BlockAllocator(num_blocks=256 // block_size, block_size=block_size)  # 256 slots
    target, rejected, completed = {}, 0, 0
    for step in range(1500):
        if rng.random() < 0.2:  # a new sequence with its prompt
            seq, prompt = f"s{step}", int(rng.integers(1, 40))
            if kv.can_append(seq, prompt):
                kv.append(seq, prompt)
                target[seq] = prompt + int(rng.integers(1, 60))
            else:
                rejected += 1
        for seq in list(kv.block_tables):  # one decode token each
            if kv.lengths[seq] >= target[seq]:
                kv.free(seq)  # completion returns every block
                completed += 1
                assert seq not in kv.block_tables and seq not in kv.lengths
            elif kv.can_append(seq):
                kv.append(seq)
            else:
                kv.free(seq)  # out of blocks: preempt (vLLM would swap or recompute it)
        check_pool(kv)
    for seq in list(kv.block_tables):
        kv.free(seq)
    check_pool(kv)
    assert kv.num_free == kv.num_blocks
    assert completed > 50 and rejected > 0  # blocks cycle through a pool under pressure


def test_allocator_hand_worked():
    kv = BlockAllocator(num_blocks=3, block_size=4)
    kv.append("a", 4)  # fills block 0 exactly: no waste
    assert kv.block_tables["a"] == [0] and kv.waste() == 0
    kv.append("b", 1)
    kv.append("a", 1)  # a's second block is taken only now
    assert kv.block_tables == {"a": [0, 2], "b": [1]} and kv.waste() == 3 + 3
    assert not kv.can_append("b", 4) and kv.can_append("b", 3)


def test_allocator_out_of_memory_leaves_state_unchanged():
    kv = BlockAllocator(num_blocks=2, block_size=16)
    kv.append("a", 20)
    before = (dict(kv.lengths), {k: list(v) for k, v in kv.block_tables.items()}, list(kv.free_blocks))
    with pytest.raises(MemoryError):
        kv.append("b", 17)
    assert (kv.lengths, kv.block_tables, kv.free_blocks) == before
    kv.free("a")
    kv.append("b", 32)
    assert kv.num_free == 0 and kv.waste() == 0


def test_free_unknown_sequence_is_a_no_op():
    kv = BlockAllocator(num_blocks=2, block_size=8)
    kv.free("never-seen")
    assert kv.num_free == 2


# -- reserved_slots, lifetime_utilisation, max_resident ----------------------------------------

def naive_lifetime_utilisation(prompt, output, reserve):
    """Loop over every sequence and every decode step."""
    stored = held = 0
    for p, o in zip(prompt, output):
        for j in range(1, o + 1):
            stored += p + j
            held += reserve(p + j, p + o)
    return stored / held


@pytest.mark.parametrize("n", [1, 5, 40])
def test_lifetime_utilisation_against_naive_loop(rng, n):
    prompt, output = rng.integers(1, 100, n), rng.integers(1, 50, n)
    cases = {
        "paged": (dict(block_size=16), lambda cur, fin: math.ceil(cur / 16) * 16),
        "max": (dict(max_len=200), lambda cur, fin: 200),
        "oracle": (dict(max_len="oracle"), lambda cur, fin: fin),
    }
    for scheme, reserve in cases.values():
        assert_allclose(lifetime_utilisation(prompt, output, **scheme),
                        naive_lifetime_utilisation(prompt, output, reserve), rtol=1e-12)


def test_utilisation_ordering_and_limits(rng):
    prompt, output = rng.integers(1, 500, 100), rng.integers(1, 500, 100)
    paged = lifetime_utilisation(prompt, output, block_size=16)
    oracle = lifetime_utilisation(prompt, output, max_len="oracle")
    worst = lifetime_utilisation(prompt, output, max_len=1000)
    assert 0 < worst < oracle < paged <= 1
    assert lifetime_utilisation(prompt, output, block_size=1) == 1.0


def test_reserved_slots_errors():
    with pytest.raises(ValueError, match="exactly one"):
        reserved_slots([1, 2])
    with pytest.raises(ValueError, match="exactly one"):
        reserved_slots([1, 2], block_size=16, max_len=2048)
    with pytest.raises(ValueError, match="longer"):
        reserved_slots([3000], max_len=2048)


@pytest.mark.parametrize("capacity", [0, 15, 16, 100, 10_000])
def test_max_resident_against_naive_loop(rng, capacity):
    lengths = rng.integers(1, 60, 30)
    for scheme in (dict(block_size=16), dict(max_len=64)):
        count, used = 0, 0
        for r in reserved_slots(lengths, **scheme):
            if used + r > capacity:
                break
            count, used = count + 1, used + r
        assert max_resident(lengths, capacity, **scheme) == count
    assert max_resident([], 10, block_size=16) == 0


# -- the numbers on the page ------------------------------------------------------------------

def test_numbers_on_the_page():
    """The Q16 workload (seed 0): prompt 16-512, output 8-256 tokens; 16-token blocks."""
    _, p, o = poisson_workload(300, 6.0, seed=0)
    L = p + o
    assert round(100 * lifetime_utilisation(p, o, block_size=16), 1) == 97.9
    assert round(100 * lifetime_utilisation(p, o, max_len=2048), 1) == 17.3
    assert round(100 * lifetime_utilisation(p, o, max_len="oracle"), 1) == 81.0
    assert max_resident(L, 32_768, max_len=2048) == 16
    assert max_resident(L, 32_768, block_size=16) == 81
    # With the step model of batching_sim: 81 sequences (5x as many) step in 18.1 ms, 56 %
    # longer than 16 sequences' 11.6 ms, so the paged batch decodes 3.2x the tokens per second.
    step = StepModel()
    assert round(step(81, 0) * 1e3, 1) == 18.1 and round(step(16, 0) * 1e3, 1) == 11.6
    assert round(81 / 16) == 5 and round(100 * (step(81, 0) / step(16, 0) - 1)) == 56
    assert round((81 / step(81, 0)) / (16 / step(16, 0)), 1) == 3.2
    # Paged waste at the final length: 7.5 slots per sequence on average, under one block each.
    waste = reserved_slots(L, block_size=16) - L
    assert round(waste.mean(), 1) == 7.5 and waste.max() < 16
