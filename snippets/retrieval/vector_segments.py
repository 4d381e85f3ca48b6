"""A mutable vector collection: a sealed segment, a growing segment and tombstones.

Follows: the segment design of vector databases such as Milvus (Wang et al.,
SIGMOD 2021): writes land in a small growing segment that is searched by brute
force and is visible at once; a delete writes a tombstone that every search
masks; compaction rebuilds the sealed segment from the live rows. FreshDiskANN
(Singh et al., 2021) applies the same split of a mutable in-memory index, a
delete list and a periodic merge to a billion-point graph index.
Simplifications: the sealed "index" is an exact matrix, so compaction changes
cost but never results; one writer, no write-ahead log, no versions or
time-travel; ids are integers.
"""

import numpy as np


class Collection:
    """Upserts, deletes and top-k inner-product search over sealed + growing rows.

    >>> c = Collection(dim=2)
    >>> c.upsert([1, 2], np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> c.delete([1])
    >>> c.search(np.array([1.0, 0.0]), k=2).tolist()
    [2]
    """

    def __init__(self, dim):
        self.dim = dim
        self.sealed_ids = np.zeros(0, dtype=int)
        self.sealed = np.zeros((0, dim))
        self.growing_ids, self.growing = [], []
        self.tombstones = set()

    def upsert(self, ids, vectors):
        """Write rows; an id that already exists is tombstoned first,
        so only the new row is live."""
        live_now = set(self.live_ids())
        for i, v in zip(ids, np.asarray(vectors, dtype=float)):
            if i in live_now:
                self._tombstone_rows(i)
            # visible to the next search, before any index rebuild
            self.growing_ids.append(i)
            self.growing.append(v)

    def delete(self, ids):
        """Tombstone every row with these ids; their data stays until compaction."""
        for i in ids:
            self._tombstone_rows(i)

    def _rows(self):
        ids = np.concatenate([self.sealed_ids, np.array(self.growing_ids, dtype=int)])
        vecs = np.vstack([self.sealed] + [np.atleast_2d(v) for v in self.growing])
        return ids, vecs  # (rows,), (rows, dim)

    def _tombstone_rows(self, i):
        rows, _ = self._rows()
        self.tombstones |= {(i, r) for r in np.flatnonzero(rows == i)}  # (id, row position)

    def _live_mask(self):
        ids, _ = self._rows()
        dead = np.zeros(len(ids), dtype=bool)
        dead[[r for _, r in self.tombstones]] = True
        return ~dead

    def live_ids(self):
        """Ids of the rows that a search can return."""
        ids, _ = self._rows()
        return ids[self._live_mask()]

    def tombstone_fraction(self):
        """Share of stored rows that are dead: the trigger for compaction."""
        n = len(self._rows()[0])
        return len(self.tombstones) / n if n else 0.0

    def search(self, q, k, k_prime=None):
        """Top-k live ids by inner product. Tombstones are masked before ranking
        (a pre-filter), or, if k_prime is given, dropped from the top k_prime afterwards
        (a post-filter)."""
        ids, vecs = self._rows()
        scores, live = vecs @ q, self._live_mask()
        if k_prime is None:
            scores = np.where(live, scores, -np.inf)
            order = np.argsort(-scores, kind="stable")[:min(k, int(live.sum()))]
        else:
            cand = np.argsort(-scores, kind="stable")[:k_prime]
            # subtle: deletes shrink the result like a filter does
            order = cand[live[cand]][:k]
        return ids[order]

    def compact(self):
        """Rebuild the sealed segment from the live rows;
        drop tombstones and the growing segment."""
        ids, vecs = self._rows()
        live = self._live_mask()
        self.sealed_ids, self.sealed = ids[live], vecs[live]
        self.growing_ids, self.growing, self.tombstones = [], [], set()
