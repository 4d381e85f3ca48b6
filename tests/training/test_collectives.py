"""Tests of snippets/training/collectives.py: ring collectives over simulated workers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.training.collectives import (all_gather, all_gather_bytes, all_reduce_bytes,
                                           reduce_scatter, ring_all_reduce)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


@pytest.mark.parametrize("n", [1, 2, 3, 4, 8])
@pytest.mark.parametrize("size", [1, 7, 64])
def test_all_reduce_equals_the_sum(rng, n, size):
    xs = [rng.normal(size=size) for _ in range(n)]
    out, _ = ring_all_reduce(xs)
    for o in out:  # every worker ends with the same full sum
        assert_allclose(o, np.sum(xs, axis=0), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("n", [1, 2, 4, 8, 16])
def test_all_reduce_sends_2_n_minus_1_over_n(rng, n):
    size = 16 * 5
    _, sent = ring_all_reduce([rng.normal(size=size) for _ in range(n)])
    assert (sent == 2 * (n - 1) * size // n).all()
    assert_allclose(sent, all_reduce_bytes(size, n))


def test_volume_barely_grows_with_workers():
    # 2 (N - 1) / N < 2 for any N: 1.0 at N = 2, 1.998 at N = 1024.
    assert all_reduce_bytes(1.0, 2) == 1.0
    assert round(all_reduce_bytes(1.0, 1024), 3) == 1.998
    assert all(all_reduce_bytes(1.0, n) < 2 for n in range(1, 5000, 97))


def test_reduce_scatter_then_all_gather(rng):
    n, size = 4, 12
    xs = [rng.normal(size=size) for _ in range(n)]
    owned, sent = reduce_scatter(xs)
    total = np.array_split(np.sum(xs, axis=0), n)
    for i, d in enumerate(owned):  # worker i owns the sum of chunk i + 1
        (c, v), = d.items()
        assert c == (i + 1) % n
        assert_allclose(v, total[c])
    assert (sent == (n - 1) * size // n).all()
    assert_allclose(sent, all_gather_bytes(size, n))
    full, sent_ag = all_gather(owned, [size // n] * n)
    assert (sent_ag == sent).all()
    for f in full:
        assert_allclose(f, np.sum(xs, axis=0))
