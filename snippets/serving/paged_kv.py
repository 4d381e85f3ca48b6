"""Paged KV-cache allocation (PagedAttention) vs contiguous max-length reservation.

The KV cache is carved into physical blocks of `block_size` token slots. Each sequence
has a block table: logical block j (tokens j*block_size .. (j+1)*block_size - 1) maps to
some physical block, allocated only when the sequence's last block is full and returned
to the pool when the sequence finishes. The contiguous baseline reserves `max_len` slots
per sequence up front, because the output length is unknown at admission.

Follows: Kwon et al. (2023), vLLM / PagedAttention (SOSP), §4.2 (KV cache manager).

Simplifications: memory counted in token slots (bytes per slot: see Q48); no block
sharing or copy-on-write, no swapping or recomputation; external fragmentation of the
contiguous scheme is not modelled, so its waste here is a lower bound.
"""

import numpy as np


def blocks_needed(n_tokens, block_size):
    """Number of blocks that hold `n_tokens` tokens: ceil(n_tokens / block_size).

    n_tokens: int or (n,) ints -> same shape.

    >>> blocks_needed(np.array([0, 1, 16, 17]), 16).tolist()
    [0, 1, 1, 2]
    """
    return -(-np.asarray(n_tokens) // block_size)  # ceiling division on integers


class BlockAllocator:
    """A pool of `num_blocks` physical KV blocks and one block table per sequence.

    >>> kv = BlockAllocator(num_blocks=4, block_size=16)
    >>> kv.append("a", 17)          # 17 tokens -> 2 blocks, 15 slots unused in the last
    >>> kv.num_used, kv.num_free, kv.waste()
    (2, 2, 15)
    >>> kv.free("a"); kv.num_free
    4
    """

    def __init__(self, num_blocks: int, block_size: int):
        self.num_blocks, self.block_size = num_blocks, block_size
        self.free_blocks = list(range(num_blocks - 1, -1, -1))  # a stack of physical ids
        self.block_tables: dict = {}  # sequence -> [physical block id per logical block]
        self.lengths: dict = {}  # sequence -> tokens stored

    @property
    def num_free(self) -> int:
        return len(self.free_blocks)

    @property
    def num_used(self) -> int:
        return sum(len(t) for t in self.block_tables.values())

    def can_append(self, seq, n: int = 1) -> bool:
        """Whether `n` more tokens of `seq` fit in the free blocks."""
        length, bs = self.lengths.get(seq, 0), self.block_size
        return int(blocks_needed(length + n, bs)
                   - blocks_needed(length, bs)) <= self.num_free

    def append(self, seq, n: int = 1) -> None:
        """Store `n` more tokens of `seq`; take a block when the last is full."""
        # subtle: check first, so a failed append leaves everything untouched.
        if not self.can_append(seq, n):
            raise MemoryError(f"no free KV blocks for {n} tokens of {seq!r}")
        table = self.block_tables.setdefault(seq, [])
        self.lengths[seq] = self.lengths.get(seq, 0) + n
        while len(table) < blocks_needed(self.lengths[seq], self.block_size):
            table.append(self.free_blocks.pop())  # map next logical block

    def free(self, seq) -> None:
        """Return all blocks of a finished (or preempted) sequence."""
        self.free_blocks.extend(reversed(self.block_tables.pop(seq, [])))
        self.lengths.pop(seq, None)

    def waste(self) -> int:
        """Allocated but unfilled slots: only in each sequence's last block."""
        return sum(len(t) * self.block_size - self.lengths[s]
                   for s, t in self.block_tables.items())


def reserved_slots(lengths, block_size=None, max_len=None):
    """Slots each sequence holds: paged (`block_size`) or contiguous (`max_len`).

    lengths: (n,) current sequence lengths; max_len: int or (n,) -> (n,) reserved slots.

    >>> reserved_slots(np.array([5, 40]), block_size=16).tolist()
    [16, 48]
    >>> reserved_slots(np.array([5, 40]), max_len=2048).tolist()
    [2048, 2048]
    """
    lengths = np.asarray(lengths)
    if (block_size is None) == (max_len is None):
        raise ValueError("give exactly one of block_size (paged) or max_len (contiguous)")
    if block_size is not None:
        return blocks_needed(lengths, block_size) * block_size
    if (lengths > max_len).any():
        raise ValueError("a sequence is longer than its reservation")
    return np.broadcast_to(max_len, lengths.shape)


def lifetime_utilisation(prompt, output, block_size=None, max_len=None):
    """Fraction of reserved KV slots that hold a token, averaged over every decode step.

    prompt, output: (n,) lengths. Paged: `block_size`; contiguous: `max_len` (an int, or
    "oracle" to reserve each sequence's exact final length from the start).

    >>> # stored 4 then 5 tokens, reserved 5 both times: (4 + 5) / (5 + 5)
    >>> lifetime_utilisation(np.array([3]), np.array([2]), max_len="oracle")
    0.9
    """
    prompt, output = np.asarray(prompt), np.asarray(output)
    seq = np.repeat(np.arange(prompt.size), output)  # (sum(output),) sequence of each step
    j = np.arange(seq.size) - np.repeat(np.cumsum(output) - output, output) + 1  # 1..output
    stored = prompt[seq] + j  # tokens in the cache after the j-th output token
    if isinstance(max_len, str) and max_len == "oracle":
        max_len = (prompt + output)[seq]
    return float(stored.sum() / reserved_slots(stored, block_size, max_len).sum())


def max_resident(lengths, capacity, **scheme):
    """How many sequences, admitted in order, fit in `capacity` token slots at once.

    >>> max_resident([5, 40, 100], capacity=64, block_size=16)
    2
    """
    fits = np.cumsum(reserved_slots(lengths, **scheme)) <= capacity  # True...True False...
    return int(fits.sum())
