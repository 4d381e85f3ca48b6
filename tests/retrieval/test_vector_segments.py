"""Tests of snippets/retrieval/vector_segments.py: freshness, deletes, upserts and compaction (Q78)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from snippets.retrieval.vector_segments import Collection


@pytest.fixture
def filled():
    rng = np.random.default_rng(0)
    c = Collection(dim=16)
    c.upsert(range(500), rng.normal(size=(500, 16)))
    c.compact()  # everything sealed
    return c, rng


def brute_force(c, q, k):
    ids, vecs = c._rows()
    live = c._live_mask()
    order = sorted(np.flatnonzero(live), key=lambda r: (-(vecs[r] @ q), r))[:k]
    return ids[order]


def test_a_fresh_write_is_searchable_before_any_rebuild(filled):
    c, rng = filled
    v = rng.normal(size=16) * 10
    c.upsert([999], v[None])
    assert c.search(v, 1).tolist() == [999]
    assert len(c.sealed_ids) == 500  # it lives in the growing segment


def test_deleted_ids_never_come_back(filled):
    c, rng = filled
    c.delete(range(0, 500, 2))
    for q in rng.normal(size=(20, 16)):
        got = c.search(q, 10)
        assert len(got) == 10 and all(i % 2 == 1 for i in got)
        assert_array_equal(got, brute_force(c, q, 10))


def test_upsert_replaces_the_old_vector(filled):
    c, rng = filled
    old = c.sealed[c.sealed_ids == 7][0]
    c.upsert([7], (-old)[None])  # the new vector points the other way
    assert 7 not in c.search(old, 50).tolist()
    assert c.search(-old, 1).tolist() == [7]
    assert sorted(c.live_ids().tolist()) == list(range(500))


def test_compaction_changes_storage_not_results(filled):
    c, rng = filled
    c.delete(range(100))
    c.upsert([1000, 1001], rng.normal(size=(2, 16)))
    queries = rng.normal(size=(10, 16))
    before = [c.search(q, 10) for q in queries]
    assert c.tombstone_fraction() == pytest.approx(100 / 502)
    c.compact()
    assert c.tombstone_fraction() == 0.0 and len(c.sealed_ids) == 402 and c.growing_ids == []
    for q, b in zip(queries, before):
        assert_array_equal(c.search(q, 10), b)


def test_post_filtering_deletes_loses_results_like_a_filter(filled):
    c, rng = filled
    c.delete(range(0, 500, 2))  # half the rows are dead
    sizes = [len(c.search(q, 10, k_prime=10)) for q in rng.normal(size=(200, 16))]
    assert np.mean(sizes) == pytest.approx(5.0, abs=0.5)
    assert round(float(np.mean(sizes)), 1) == 5.2  # the value Q78 quotes
    from snippets.retrieval.filtered_search import expected_postfilter_results

    assert expected_postfilter_results(10, 10, 0.5) == pytest.approx(5.0)  # the binomial mean
    assert all(len(c.search(q, 10)) == 10 for q in rng.normal(size=(20, 16)))


def test_empty_and_all_deleted():
    c = Collection(dim=3)
    assert c.search(np.ones(3), 5).tolist() == [] and c.tombstone_fraction() == 0.0
    c.upsert([1, 2], np.eye(3)[:2])
    c.delete([1, 2, 3])  # 3 never existed: a no-op
    assert c.search(np.ones(3), 5).tolist() == []
    assert c.tombstone_fraction() == 1.0
