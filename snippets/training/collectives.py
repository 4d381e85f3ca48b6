"""Ring collectives over simulated workers: reduce-scatter, all-gather and all-reduce.

N workers sit on a ring, each holding a vector split into N chunks. Reduce-scatter takes
N - 1 steps: in each one every worker sends one chunk to its right-hand neighbour, which
adds it to its own copy; afterwards worker i holds the full sum of chunk i + 1 (mod N).
All-gather takes N - 1 more steps to circulate the summed chunks. Every worker sends
2 (N - 1) chunks of size S / N, so the bytes each one sends, 2 (N - 1) / N * S, barely grow
with N: the reason the ring (and its tree and hierarchical variants in NCCL) replaced the
parameter server.

Follows: Patarasuk and Yuan (2009) for the bandwidth-optimal ring all-reduce; Rajbhandari
et al. (2020), Sec. 7, for all-reduce = reduce-scatter + all-gather, the identity ZeRO uses.
Simplifications: a synchronous ring with all workers stepping together; message latency
(the alpha term of the alpha-beta model) ignored, so the cost is bytes sent per worker.
"""

import numpy as np


def reduce_scatter(xs):
    """Ring reduce-scatter of N equal-length vectors; also the elements each worker sent.

    xs: list of N arrays (S,) -> (list of N dicts {chunk index: summed chunk}, sent (N,))

    >>> out, sent = reduce_scatter([np.arange(4.0), np.ones(4)])
    >>> out[0], sent.tolist()
    ({1: array([3., 4.])}, [2, 2])
    """
    n = len(xs)
    chunks = [np.array_split(np.asarray(x, dtype=float), n) for x in xs]  # n x n chunks
    sent = np.zeros(n, dtype=int)
    for step in range(n - 1):
        # Worker i sends chunk (i - step) mod n to worker i + 1, which accumulates it.
        msgs = [(i, (i - step) % n, chunks[i][(i - step) % n].copy()) for i in range(n)]
        for i, c, payload in msgs:
            chunks[(i + 1) % n][c] = chunks[(i + 1) % n][c] + payload
            sent[i] += payload.size
    # subtle: after n - 1 steps worker i owns the complete sum of chunk (i + 1) mod n.
    return [{(i + 1) % n: chunks[i][(i + 1) % n]} for i in range(n)], sent


def all_gather(owned, sizes):
    """Ring all-gather: worker i starts with chunk (i + r) mod N, ends with all N chunks.

    owned: list of N dicts {chunk index: array}; sizes: the N chunk lengths
    -> (list of N arrays (sum(sizes),), sent (N,))

    >>> full, sent = all_gather([{1: np.ones(2)}, {0: np.zeros(2)}], [2, 2])
    >>> full[0].tolist(), sent.tolist()
    ([0.0, 0.0, 1.0, 1.0], [2, 2])
    """
    n = len(owned)
    have = [dict(d) for d in owned]
    sent = np.zeros(n, dtype=int)
    for step in range(n - 1):
        # Each worker forwards to its neighbour the chunk it received most recently.
        msgs = []
        for i in range(n):
            c = (next(iter(owned[i])) - step) % n
            msgs.append((i, c, have[i][c]))
        for i, c, payload in msgs:
            have[(i + 1) % n][c] = payload
            sent[i] += payload.size
    full = [np.concatenate([have[i][c] for c in range(n)]) for i in range(n)]
    assert all(f.size == sum(sizes) for f in full)
    return full, sent


def ring_all_reduce(xs):
    """All-reduce as reduce-scatter then all-gather: every worker ends with sum(xs).

    xs: list of N arrays (S,) -> (list of N arrays (S,), elements sent per worker (N,))

    >>> out, sent = ring_all_reduce([np.ones(6) * k for k in range(3)])
    >>> out[2].tolist(), sent.tolist()  # 2 (N - 1) / N * S = 8 elements each
    ([3.0, 3.0, 3.0, 3.0, 3.0, 3.0], [8, 8, 8])
    """
    n = len(xs)
    sizes = [c.size for c in np.array_split(np.asarray(xs[0]), n)]
    owned, sent_rs = reduce_scatter(xs)
    full, sent_ag = all_gather(owned, sizes)
    return full, sent_rs + sent_ag


def all_reduce_bytes(size_bytes, n):
    """Bytes each worker sends in a ring all-reduce of a size_bytes buffer: 2 (n-1)/n S.

    >>> all_reduce_bytes(1e9, 1024) / 1e9
    1.998046875
    """
    return 2.0 * (n - 1) / n * size_bytes


def all_gather_bytes(size_bytes, n):
    """Bytes each worker sends in a ring all-gather (or reduce-scatter) of S: (n-1)/n S.

    >>> all_gather_bytes(8.0, 4)
    6.0
    """
    return (n - 1) / n * size_bytes
