"""Product quantization (PQ) with asymmetric distance computation (ADC).

Follows: Jégou, Douze & Schmid, "Product quantization for nearest neighbor
search", IEEE TPAMI 33(1), 2011. A d-dimensional vector is split into m
sub-vectors of d/m dimensions; each is replaced by the index of its nearest
centroid in a k-means codebook of k* = 2**nbits centroids, so a vector costs
m * nbits bits. The squared distance from an *unquantized* query to a code is
estimated as a sum of m look-ups in a (m, k*) table computed once per query.
Simplifications: Lloyd's k-means with a random initialisation and a fixed
number of iterations; no rotation before the split (OPQ); no SIMD or
4-bit fast-scan tables; squared L2 distance only.
"""

import numpy as np


def sq_dists(x, c):
    """Squared L2 distances between the rows of x and c. x: (n, d), c: (k, d) -> (n, k).

    >>> sq_dists(np.array([[0.0, 0.0]]), np.array([[3.0, 4.0]]))
    array([[25.]])
    """
    # ||x||^2 - 2 x.c + ||c||^2: one matrix product, no (n, k, d) tensor, summed in place
    d2 = x @ (-2.0 * c.T)
    d2 += (x * x).sum(1)[:, None]
    d2 += (c * c).sum(1)[None, :]
    # subtle: rounding can make the expansion slightly negative
    return np.maximum(d2, 0.0, out=d2)


def kmeans(x, k, n_iter=20, seed=0):
    """Lloyd's k-means. x: (n, d) with n >= k -> centroids (k, d), assignment (n,).

    >>> c, a = kmeans(np.array([[0.0], [0.2], [10.0], [10.2]]), 2)
    >>> sorted(np.round(c.ravel(), 2).tolist()), bool(a[0] != a[2])
    ([0.1, 10.1], True)
    """
    x = np.asarray(x, dtype=np.float64)
    rng = np.random.default_rng(seed)
    c = x[rng.choice(len(x), size=k, replace=False)].copy()  # k distinct points as seeds
    for _ in range(n_iter):
        score = x @ (-2.0 * c.T)  # (n, k)
        score += (c * c).sum(1)  # ||c||^2 - 2 x.c: the assignment; ||x||^2 cannot change it
        a = score.argmin(1)
        counts = np.bincount(a, minlength=k)
        sums = np.stack([np.bincount(a, weights=x[:, j], minlength=k)
                         for j in range(x.shape[1])], 1)
        filled = counts > 0  # subtle: an empty cluster keeps its old centroid
        # update step: the mean of each cluster
        c[filled] = sums[filled] / counts[filled, None]
    return c, sq_dists(x, c).argmin(1)


def pq_train(x, m, nbits=8, n_iter=20, seed=0):
    """One k-means codebook per sub-space. x: (n, d), d % m == 0 -> (m, 2**nbits, d // m).

    >>> rng = np.random.default_rng(0)
    >>> pq_train(rng.normal(size=(300, 8)), m=4, nbits=4).shape
    (4, 16, 2)
    """
    n, d = x.shape
    if d % m:
        raise ValueError(f"d = {d} is not divisible by m = {m}")
    xs = x.reshape(n, m, d // m)  # (n, m, d/m)
    return np.stack([kmeans(xs[:, j], 2**nbits, n_iter, seed + j)[0] for j in range(m)])


def pq_encode(x, codebooks):
    """Nearest sub-centroid per sub-vector. x: (n, d) -> codes (n, m) of integers < k*.

    >>> cb = np.array([[[0.0], [1.0]], [[0.0], [5.0]]])  # m = 2, k* = 2, d/m = 1
    >>> pq_encode(np.array([[0.9, 0.2]]), cb)
    array([[1, 0]], dtype=uint8)
    """
    m, ks, ds = codebooks.shape
    xs = x.reshape(len(x), m, ds)  # (n, m, d/m)
    codes = np.empty((len(x), m), dtype=np.uint8 if ks <= 256 else np.uint16)
    for j in range(m):
        codes[:, j] = sq_dists(xs[:, j], codebooks[j]).argmin(1)
    return codes


def pq_decode(codes, codebooks):
    """Reconstruct vectors from codes. codes: (n, m) -> (n, d).

    >>> cb = np.array([[[0.0], [1.0]], [[0.0], [5.0]]])
    >>> pq_decode(np.array([[1, 1]]), cb)
    array([[1., 5.]])
    """
    m = codebooks.shape[0]
    return codebooks[np.arange(m), codes].reshape(len(codes), -1)  # (n, m, d/m) -> (n, d)


def adc_table(q, codebooks):
    """Squared distances from each query sub-vector to each sub-centroid.
    q: (d,) -> (m, k*); a stack of queries q: (w, d) gives one table per query, (w, m, k*).

    >>> cb = np.array([[[0.0], [1.0]], [[0.0], [5.0]]])
    >>> adc_table(np.array([1.0, 1.0]), cb)
    array([[ 1.,  0.],
           [ 1., 16.]])
    """
    m, ks, ds = codebooks.shape
    diff = codebooks - q.reshape(*q.shape[:-1], m, 1, ds)  # (..., m, k*, d/m)
    return np.einsum("...mkd,...mkd->...mk", diff, diff)


def adc_distances(table, codes):
    """ADC estimate of ||q - decode(code)||^2: sum_j table[j, codes[:, j]]. -> (n,).

    >>> adc_distances(np.array([[1.0, 0.0], [1.0, 16.0]]), np.array([[1, 0], [0, 1]]))
    array([ 1., 17.])
    """
    m = table.shape[0]
    return table[np.arange(m), codes].sum(1)  # m look-ups and m - 1 additions per code


def pq_relative_error(x, codebooks):
    """Mean squared reconstruction error over mean squared norm:
    E||x - x_hat||^2 / E||x||^2.

    >>> cb = np.array([[[0.0], [1.0]], [[0.0], [5.0]]])
    >>> float(pq_relative_error(np.array([[1.0, 5.0]]), cb))
    0.0
    """
    err = ((x - pq_decode(pq_encode(x, codebooks), codebooks)) ** 2).sum(1).mean()
    return err / (x * x).sum(1).mean()
