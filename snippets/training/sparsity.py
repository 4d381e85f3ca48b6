"""Weight sparsity for LLMs: magnitude pruning, N:M masks and Wanda scores.

A pruning mask is a boolean array of the weight's shape, True where the weight is kept.
``magnitude_mask`` keeps the largest |W| in the whole matrix; ``wanda_scores`` weights
|W| by the norm of the input feature it multiplies; ``nm_mask`` keeps the n best of every m
consecutive input weights (2:4 for sparse tensor cores); ``nm_storage_fraction`` is the
compressed size of an N:M matrix relative to dense.

Follows: Han et al. (2015) for magnitude pruning; Sun et al. (2024), Wanda, Section 3
(score |W_ij| * ||X_j||_2, compared within each output row); Mishra et al. (2021) for the
2:4 format (two values and two 2-bit indices per group of four).

Simplifications: one linear layer y = x W^T with W of shape (d_out, d_in); no weight
update after pruning (that is what SparseGPT adds); no calibration over many layers.
"""

import numpy as np


def magnitude_mask(w, sparsity):
    """Keep the largest-|w| entries of the whole matrix, pruning a ``sparsity`` fraction.

    w: (d_out, d_in) -> mask (d_out, d_in) bool.

    >>> magnitude_mask(np.array([[1.0, -3.0], [0.5, 2.0]]), 0.5).tolist()
    [[False, True], [False, True]]
    """
    n_prune = int(round(sparsity * w.size))
    # rank all entries by magnitude; the n_prune smallest are removed
    order = np.argsort(np.abs(w), axis=None, kind="stable")
    mask = np.ones(w.size, dtype=bool)
    mask[order[:n_prune]] = False
    return mask.reshape(w.shape)


def wanda_scores(w, x):
    """Wanda importance |W_ij| * ||X_j||_2 from calibration activations.

    w: (d_out, d_in), x: (n_tokens, d_in) -> scores (d_out, d_in).

    >>> wanda_scores(np.array([[1.0, 1.0]]), np.array([[3.0, 0.0], [4.0, 1.0]])).tolist()
    [[5.0, 1.0]]
    """
    # one norm per input feature, over all calibration tokens
    feature_norm = np.linalg.norm(x, axis=0)  # (d_in,)
    return np.abs(w) * feature_norm[None, :]


def row_mask(scores, sparsity):
    """Prune the same fraction from every output row (Wanda's comparison group).

    scores: (d_out, d_in) -> mask (d_out, d_in) bool.

    >>> row_mask(np.array([[1.0, 4.0, 2.0, 3.0]]), 0.5).tolist()
    [[False, True, False, True]]
    """
    n_prune = int(round(sparsity * scores.shape[1]))
    order = np.argsort(scores, axis=1, kind="stable")
    mask = np.ones(scores.shape, dtype=bool)
    np.put_along_axis(mask, order[:, :n_prune], False, axis=1)
    return mask


def nm_mask(scores, n=2, m=4):
    """Keep the n highest scores in every group of m consecutive inputs of each row.

    scores: (d_out, d_in) with d_in % m == 0 -> mask (d_out, d_in) bool.

    >>> nm_mask(np.array([[0.1, 0.9, 0.5, 0.2, 4.0, 3.0, 2.0, 1.0]])).astype(int).tolist()
    [[0, 1, 1, 0, 1, 1, 0, 0]]
    """
    d_out, d_in = scores.shape
    if d_in % m:
        raise ValueError(f"d_in={d_in} is not a multiple of m={m}")
    groups = scores.reshape(d_out, d_in // m, m)  # (d_out, groups, m)
    # rank within each group; the m - n lowest are pruned
    order = np.argsort(groups, axis=-1, kind="stable")
    mask = np.ones(groups.shape, dtype=bool)
    np.put_along_axis(mask, order[..., : m - n], False, axis=-1)
    return mask.reshape(d_out, d_in)


def is_nm_sparse(mask, n=2, m=4):
    """True if every group of m consecutive inputs keeps at most n weights.

    >>> is_nm_sparse(np.array([[True, True, False, False]]))
    True
    """
    d_out, d_in = mask.shape
    if d_in % m:
        return False
    return bool(np.all(mask.reshape(d_out, d_in // m, m).sum(axis=-1) <= n))


def nm_storage_fraction(bits, n=2, m=4):
    """Compressed size of an N:M matrix over dense: n values plus an index per value.

    >>> nm_storage_fraction(16)
    0.5625
    """
    index_bits = int(np.ceil(np.log2(m)))  # 2 bits locate a value within a group of 4
    return n * (bits + index_bits) / (m * bits)


def output_error(w, mask, x):
    """Relative Frobenius error of the layer output after pruning.

    w: (d_out, d_in), mask: (d_out, d_in), x: (n_tokens, d_in) -> scalar.
    """
    y = x @ w.T
    return np.linalg.norm(y - x @ (w * mask).T) / np.linalg.norm(y)


def compare_criteria(seed=0, d_out=128, d_in=256, n_tokens=512, n_outliers=8, scale=20.0):
    """Output error of four 50 % masks on a random layer whose inputs have outlier features.

    ``n_outliers`` input features are ``scale`` times larger than the rest, as in LLM
    activations. Returns {criterion: relative output error}.
    """
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(d_out, d_in))
    feature_scale = np.ones(d_in)
    feature_scale[rng.choice(d_in, n_outliers, replace=False)] = scale
    x = rng.normal(size=(n_tokens, d_in)) * feature_scale  # (n_tokens, d_in)
    s = wanda_scores(w, x)
    masks = {
        "magnitude 50%": magnitude_mask(w, 0.5),
        "Wanda 50%": row_mask(s, 0.5),
        "magnitude 2:4": nm_mask(np.abs(w)),
        "Wanda 2:4": nm_mask(s),
    }
    return {name: float(output_error(w, mask, x)) for name, mask in masks.items()}
