"""Weight-only post-training quantization with calibration data: GPTQ, AWQ.

Follows: Frantar et al. (2023), Algorithm 1: quantize the columns of W in a
fixed order and spread each column's rounding error over the columns not yet
quantized, through the upper Cholesky factor of the inverse Hessian
H = 2 X^T X (with 1% dampening); Lin et al. (2024), Eqs. 4-5: per-input-channel
scales s = s_X^alpha, alpha found by grid search on [0, 1].
Simplifications: GPTQ without lazy batch updates (same result, slower) and
without act-order, on a symmetric grid (the reference code defaults to
asymmetric min-max); AWQ on a symmetric grid (the reference uses zero-point
INT4), without its weight-clipping search, with the loss measured on this
layer's output (the reference measures the block the scaled layers feed) and a
grid of n_grid + 1 points that includes alpha = 1 (the reference tries
0, 0.05, ..., 0.95).
Shapes: W is (d_out, d_in), calibration X is (n, d_in), y = X W^T.
"""

import numpy as np

from snippets.serving.quantization import fake_quantize, quantize


def layer_error(W, W_hat, X):
    """Relative output error: ||X W^T - X W_hat^T|| / ||X W^T||.

    W, W_hat: (d_out, d_in), X: (n, d_in) -> float
    """
    Y = X @ W.T
    return float(np.linalg.norm(Y - X @ W_hat.T) / np.linalg.norm(Y))


def gptq(W, X, bits=4, group_size=None, damp=0.01):
    """GPTQ: round one input column at a time, compensate with the rest.

    W: (d_out, d_in), X: (n, d_in) -> W_hat: (d_out, d_in) on a symmetric
    grid, one scale per row (group_size=None) or per row and column group.
    >>> W, X = np.array([[0.3, -0.2, 0.1]]), np.eye(3)  # H diagonal
    >>> gptq(W, X, bits=3).round(6).tolist()  # nothing to pass on: RTN
    [[0.3, -0.2, 0.1]]
    """
    W = np.array(W, dtype=np.float64)  # a copy: updated in place below
    d_out, d_in = W.shape
    g = d_in if group_size is None else group_size
    qmax = 2 ** (bits - 1) - 1
    H = 2 * X.T @ X  # (d_in, d_in) Hessian of the layer's squared error
    H += damp * np.mean(np.diag(H)) * np.eye(d_in)  # keeps H invertible
    U = np.linalg.cholesky(np.linalg.inv(H)).T  # upper, H^-1 = U^T U
    W_hat = np.zeros_like(W)
    for i in range(d_in):
        if i % g == 0:
            # scales of the next group, from the weights as updated so far
            block = min(g, d_in - i)
            _, scale, _ = quantize(W[:, i:i + g], bits, block=block)
        q = np.clip(np.rint(W[:, i] / scale), -qmax, qmax)
        W_hat[:, i] = q * scale
        err = (W[:, i] - W_hat[:, i]) / U[i, i]  # (d_out,) scaled error
        W[:, i + 1:] -= np.outer(err, U[i, i + 1:])  # onto later columns
    return W_hat


def awq(W, X, bits=4, group_size=128, n_grid=20):
    """AWQ: scale input channel j by mean|X_j|^alpha, then round; search alpha.

    W: (d_out, d_in), X: (n, d_in) -> (W_eff: (d_out, d_in), alpha), where
    W_eff = Q(W diag(s)) diag(s)^-1 is what the layer applies to X.
    """
    s_X = np.abs(X).mean(axis=0)  # (d_in,) mean activation magnitude
    best = (np.inf, None, None)
    for alpha in np.linspace(0.0, 1.0, n_grid + 1):
        s = s_X**alpha
        s = s / np.sqrt(s.max() * s.min())  # centre the scales around 1
        # subtle: diag(s)^-1 is folded into the previous op; only W diag(s)
        # is rounded
        W_eff = fake_quantize(W * s, bits, True, "group", group_size) / s
        err = layer_error(W, W_eff, X)
        if err < best[0]:
            best = (err, W_eff, float(alpha))
    return best[1], best[2]


def correlated_inputs(rng, n=2048, d_in=256, rank=64, noise=0.1,
                      n_salient=4, salient_scale=10.0):
    """Calibration inputs: low-rank correlated features, a few large channels.

    -> X: (n, d_in)
    >>> correlated_inputs(np.random.default_rng(0), 8, 16, rank=4).shape
    (8, 16)
    """
    B = rng.standard_normal((rank, d_in)) / np.sqrt(rank)
    X = rng.standard_normal((n, rank)) @ B
    X += noise * rng.standard_normal((n, d_in))
    salient = rng.choice(d_in, n_salient, replace=False)
    X[:, salient] *= salient_scale
    return X
