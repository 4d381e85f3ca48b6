"""An IVF-PQ index: an inverted file over a k-means coarse quantizer, with
product-quantized residuals ranked by asymmetric distance computation.

Follows: the IVFADC scheme of Jégou, Douze & Schmid (IEEE TPAMI 2011), which
Faiss implements as IndexIVFPQ (Johnson, Douze & Jégou, IEEE Trans. Big Data
2021; Douze et al., 2024). k' = nlist coarse centroids partition the database;
each vector is stored in the list of its nearest centroid as the PQ code of
its residual x - c; a query visits the w = nprobe lists with the nearest
centroids and ranks their codes by ADC on the query residual q - c.
Simplifications: one Python loop per query and per list (no batching, no
precomputed distance terms); codes kept in NumPy arrays; no re-ranking with
the full vectors; m = None stores raw residuals instead (IVF-Flat).
"""

import numpy as np

from snippets.retrieval.product_quantization import (adc_distances, adc_table, kmeans,
                                                     pq_encode, pq_train, sq_dists)


def clustered_data(n, nq, d, n_clusters, spread, seed):
    """Database and queries from one Gaussian mixture. -> x (n, d), q (nq, d), float32.

    >>> x, q = clustered_data(5, 2, 3, n_clusters=2, spread=0.1, seed=0)
    >>> x.shape, q.shape
    ((5, 3), (2, 3))
    """
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(n_clusters, d))
    labels = rng.integers(n_clusters, size=n + nq)
    v = (centres[labels] + spread * rng.normal(size=(n + nq, d))).astype(np.float32)
    return v[:n], v[n:]  # queries are fresh draws, not database points


def exact_search(x, q, k):
    """Brute-force k nearest neighbours by squared L2. x: (n, d), q: (nq, d) -> ids (nq, k).

    >>> exact_search(np.array([[0.0], [5.0], [1.0]]), np.array([[0.9]]), 2)
    array([[2, 0]])
    """
    return np.argsort(sq_dists(q, x), axis=1, kind="stable")[:, :k]


def knn_recall(found, truth):
    """k-recall@k: mean fraction of the true k neighbours among the k returned.
    (nq, k) -> float.

    >>> knn_recall(np.array([[1, 2, 9]]), np.array([[1, 2, 3]]))
    0.6666666666666666
    """
    k = truth.shape[1]
    return float(np.mean([len(set(f) & set(t)) / k for f, t in zip(found, truth)]))


def smallest_k(d, k):
    """np.argsort(d, kind="stable")[:k] without sorting all n values. (n,) -> (min(k, n),).

    >>> smallest_k(np.array([3.0, 1.0, 2.0, 1.0]), 3).tolist()
    [1, 3, 2]
    """
    if len(d) > k > 0:
        kth = np.partition(d, k - 1)[k - 1]  # the k-th smallest value, in O(n)
        # subtle: keeps every tie at the boundary, in position order
        sel = np.flatnonzero(d <= kth)
        return sel[np.argsort(d[sel], kind="stable")[:k]]
    return np.argsort(d, kind="stable")[:k]


class IVFPQ:
    """IVF with nlist lists; residuals stored as m-byte PQ codes (nbits = 8),
    or raw if m is None.

    >>> x, q = clustered_data(2000, 3, 16, n_clusters=20, spread=0.3, seed=0)
    >>> index = IVFPQ(nlist=16).train(x).add(x)  # IVF-Flat: exact once every list is probed
    >>> ids, scanned = index.search(q, k=5, nprobe=16)
    >>> bool((ids == exact_search(x, q, 5)).all()), scanned.tolist()
    (True, [2000, 2000, 2000])
    """

    def __init__(self, nlist, m=None, nbits=8, seed=0):
        self.nlist, self.m, self.nbits, self.seed = nlist, m, nbits, seed

    def train(self, x, n_train=3000):
        """Learn the coarse centroids (k') and, on the residuals, the PQ codebooks."""
        x = np.asarray(x, dtype=np.float64)
        sample = x[np.random.default_rng(self.seed).permutation(len(x))[:n_train]]
        self.centroids, assign = kmeans(sample, self.nlist, seed=self.seed)
        if self.m is not None:
            # PQ encodes what the coarse step missed
            residuals = sample - self.centroids[assign]
            self.codebooks = pq_train(residuals, self.m, self.nbits, n_iter=10,
                                      seed=self.seed)
        return self

    def add(self, x):
        """Store every vector in the list of its nearest centroid,
        as the code of its residual."""
        x = np.asarray(x, dtype=np.float64)
        assign = sq_dists(x, self.centroids).argmin(1)
        residuals = x - self.centroids[assign]
        payload = residuals if self.m is None else pq_encode(residuals, self.codebooks)
        self.lists = [(np.flatnonzero(assign == c), payload[assign == c])
                      for c in range(self.nlist)]
        return self

    def search(self, q, k, nprobe):
        """Top-k ids per query (-1 where fewer than k were scanned)
        and vectors scanned per query."""
        q = np.atleast_2d(np.asarray(q, dtype=np.float64))
        ids = np.full((len(q), k), -1)
        scanned = np.zeros(len(q), dtype=int)
        # w nearest lists
        probes = np.argsort(sq_dists(q, self.centroids), axis=1)[:, :nprobe]
        for i, qi in enumerate(q):
            r = qi - self.centroids[probes[i]]  # (w, d): query residual per probed list
            tables = None if self.m is None else adc_table(r, self.codebooks)  # (w, m, k*)
            cand_ids, cand_d = [], []
            for j, c in enumerate(probes[i]):
                list_ids, payload = self.lists[c]
                if self.m is None:
                    d = ((payload - r[j]) ** 2).sum(1)
                else:
                    d = adc_distances(tables[j], payload)
                cand_ids.append(list_ids)
                cand_d.append(d)
            cand_ids, cand_d = np.concatenate(cand_ids), np.concatenate(cand_d)
            top = smallest_k(cand_d, k)
            ids[i, :len(top)] = cand_ids[top]
            scanned[i] = len(cand_ids)
        return ids, scanned


def rerank_exact(x, q, shortlist, k):
    """Re-rank a shortlist by exact distances to the full vectors.
    shortlist: (nq, R) -> (nq, k).

    >>> x, q = np.array([[0.0], [5.0], [1.0]]), np.array([[0.9]])
    >>> rerank_exact(x, q, np.array([[1, 0, 2]]), 2)
    array([[2, 0]])
    """
    out = np.full((len(q), k), -1)
    for i, cand in enumerate(shortlist):
        cand = cand[cand >= 0]  # subtle: -1 pads a short list
        d = sq_dists(q[i:i + 1].astype(np.float64), x[cand].astype(np.float64))[0]
        top = cand[np.argsort(d, kind="stable")[:k]]
        out[i, :len(top)] = top
    return out


def recall_curve(index, x, q, k, nprobes, refine=None, truth=None):
    """k-recall@k and mean fraction of the database scanned per nprobe; refine=R re-ranks R
    codes; truth: the exact top-k ids (nq, k), computed by exact_search if not given.

    >>> x, q = clustered_data(1000, 20, 8, n_clusters=10, spread=0.5, seed=0)
    >>> recall_curve(IVFPQ(nlist=8).train(x).add(x), x, q, 10, [8])
    ([1.0], [1.0])
    """
    truth = exact_search(x, q, k) if truth is None else truth
    recalls, fractions = [], []
    for w in nprobes:
        ids, scanned = index.search(q, refine or k, w)
        if refine:
            ids = rerank_exact(x, q, ids, k)
        recalls.append(knn_recall(ids, truth))
        fractions.append(float(scanned.mean()) / len(x))
    return recalls, fractions
