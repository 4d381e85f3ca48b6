"""The structural probe: a linear map under which squared distance is tree distance.

Given word vectors h_1..h_n of a sentence and its dependency tree, the probe learns B
(k x d) so that ||B (h_i - h_j)||^2 approximates d_T(i, j), the number of edges between
words i and j in the tree. The tree is read back with a minimum spanning tree of the
predicted distances and scored by UUAS (undirected unlabelled attachment score).

Follows: Hewitt and Manning (2019), "A Structural Probe for Finding Syntax in Word
Representations", Sec. 2 (distance probe, L1 loss normalised by the squared sentence
length, MST decoding, UUAS).
Simplifications: full-batch gradient descent instead of Adam; trees given as head arrays
(head[i] = parent of word i, -1 for the root); no punctuation handling.
"""

import numpy as np


def tree_distances(head) -> np.ndarray:
    """Path lengths between all pairs of words of a tree. head: (n,) -> (n, n) int.

    >>> tree_distances([1, -1, 1, 2])  # 0 <- 1 -> 2 -> 3
    array([[0, 1, 2, 3],
           [1, 0, 1, 2],
           [2, 1, 0, 1],
           [3, 2, 1, 0]])
    """
    n = len(head)
    adj = [[] for _ in range(n)]
    for i, h in enumerate(head):
        if h >= 0:
            adj[i].append(h)
            adj[h].append(i)
    D = np.full((n, n), -1, dtype=int)
    for s in range(n):  # one breadth-first search per word
        D[s, s], frontier = 0, [s]
        while frontier:
            nxt = []
            for u in frontier:
                for w in adj[u]:
                    if D[s, w] < 0:
                        D[s, w] = D[s, u] + 1
                        nxt.append(w)
            frontier = nxt
    return D


def tree_embedding(head) -> np.ndarray:
    """Vectors whose squared distances are exactly the tree distances. -> (n, n).

    Word i is the sum of one orthonormal vector per edge on its path to the root, so
    ||x_i - x_j||^2 counts the edges on one path but not the other: d_T(i, j).

    >>> x = tree_embedding([1, -1, 1])
    >>> ((x[0] - x[2]) ** 2).sum()
    np.float64(2.0)
    """
    n = len(head)
    X = np.zeros((n, n))
    for i in range(n):
        j = i
        while head[j] >= 0:  # walk to the root, adding edge (j -> head[j]) as e_j
            X[i, j] = 1.0
            j = head[j]
    return X


def probe_distances(H, B) -> np.ndarray:
    """Squared probe distances ||B (h_i - h_j)||^2. H: (n, d), B: (k, d) -> (n, n).

    >>> probe_distances(np.eye(2), np.eye(2))
    array([[0., 2.],
           [2., 0.]])
    """
    Z = H @ B.T  # (n, k)
    sq = np.sum(Z**2, axis=1)
    return np.maximum(sq[:, None] + sq[None, :] - 2 * Z @ Z.T, 0.0)


def fit_structural_probe(Hs, heads, k: int, rng, steps: int = 300, lr: float = 0.03):
    """Fit B (k, d) by gradient descent on Hewitt and Manning's L1 loss.

    Hs: list of (n_s, d) sentence matrices, heads: list of head arrays
    -> (B, final mean loss). Loss per sentence: sum |d_T - d_B| / n_s^2.

    >>> H = tree_embedding([1, -1, 1])
    >>> B, loss = fit_structural_probe([H], [[1, -1, 1]], 3, np.random.default_rng(0))
    >>> bool(loss < 0.05)
    True
    """
    d = Hs[0].shape[1]
    B = rng.normal(scale=1 / np.sqrt(d), size=(k, d))
    targets = [tree_distances(h) for h in heads]
    for _ in range(steps):
        grad, loss = np.zeros_like(B), 0.0
        for H, DT in zip(Hs, targets):
            n = len(H)
            diff = H[:, None, :] - H[None, :, :]  # (n, n, d)
            Zd = diff @ B.T  # (n, n, k)
            err = np.sum(Zd**2, axis=-1) - DT  # (n, n)
            loss += np.abs(err).sum() / n**2
            # d|err|/dB = sign(err) * 2 (B diff) diff^T, summed over pairs
            grad += 2 * np.einsum("ij,ijk,ijd->kd", np.sign(err), Zd, diff) / n**2
        B -= lr * grad / len(Hs)
    return B, loss / len(Hs)


def mst_edges(D) -> set:
    """Edges of a minimum spanning tree of the complete graph with weights D (Prim).

    D: (n, n) -> set of frozenset({i, j}).

    >>> sorted(tuple(sorted(e)) for e in mst_edges(tree_distances([1, -1, 1])))
    [(0, 1), (1, 2)]
    """
    n = len(D)
    in_tree, edges = {0}, set()
    while len(in_tree) < n:
        i, j = min(((i, j) for i in in_tree for j in range(n) if j not in in_tree),
                   key=lambda e: D[e])
        edges.add(frozenset((i, j)))
        in_tree.add(j)
    return edges


def uuas(D_pred, head) -> float:
    """Fraction of gold undirected edges found by the MST of predicted distances.

    >>> uuas(tree_distances([1, -1, 1]), [1, -1, 1])
    1.0
    """
    gold = {frozenset((i, h)) for i, h in enumerate(head) if h >= 0}
    return len(mst_edges(D_pred) & gold) / max(len(gold), 1)
