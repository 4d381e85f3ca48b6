"""The gradient noise scale B_simple = tr(Sigma) / |G|^2 and the steps/examples trade-off.

On least squares with Gaussian inputs the per-example gradient's mean G and covariance
Sigma have closed forms, so the true noise scale is known. `estimate_noise_scale`
recovers it the way a data-parallel run can, for free: from the squared norm of each
worker's small-batch gradient and of the all-reduced large-batch gradient, using
E|G_B|^2 = |G|^2 + tr(Sigma) / B at two batch sizes. `steps_and_examples` is the
hyperbolic trade-off (S / S_min - 1)(E / E_min - 1) = 1 that the noise scale locates.

Follows: McCandlish et al. (2018), "An Empirical Model of Large-Batch Training" (the
noise scale, the steps/examples trade-off and the two-batch-size estimator of its
appendix, numerator and denominator averaged separately).
Simplifications: plain SGD gradients of a linear model; B_simple (Hessian taken as the
identity) rather than B_noise = tr(H Sigma) / (G^T H G); no running averages over steps.
"""

import numpy as np


def per_example_grads(w, X, y):
    """Gradients of 0.5 (x . w - y)^2 for each example: w (d,), X (N, d), y (N,) -> (N, d).

    >>> per_example_grads(np.ones(2), np.eye(2), np.zeros(2))
    array([[1., 0.],
           [0., 1.]])
    """
    return X * (X @ w - y)[:, None]


def true_noise_scale(delta, sigma):
    """B_simple at w = w* + delta for x ~ N(0, I_d), y = x . w* + N(0, sigma^2) noise.

    G = delta and Sigma = (|delta|^2 + sigma^2) I + delta delta^T (Gaussian fourth
    moments), so tr(Sigma) / |G|^2 = d + 1 + d sigma^2 / |delta|^2.

    >>> true_noise_scale(np.ones(16) / 4, 1.0)  # |delta| = 1, d = 16
    33.0
    """
    d, r2 = len(delta), float(delta @ delta)
    return d + 1 + d * sigma ** 2 / r2


def estimate_noise_scale(g_small_sq, g_big_sq, B_small, B_big):
    """McCandlish et al.'s unbiased two-batch estimate of B_simple.

    g_small_sq, g_big_sq: squared gradient norms measured at batch sizes B_small < B_big,
    one per step (arrays of equal length, or scalars). Returns (B_simple, |G|^2, tr Sigma).

    >>> estimate_noise_scale(1 + 32 / 8, 1 + 32 / 128, 8, 128)  # |G|^2 = 1, tr = 32
    (32.0, 1.0, 32.0)
    """
    s, b = np.mean(g_small_sq), np.mean(g_big_sq)
    G2 = (B_big * b - B_small * s) / (B_big - B_small)
    trace = (s - b) / (1 / B_small - 1 / B_big)
    # subtle: average G2 and trace over steps first, divide last; a mean of per-step
    # ratios is biased, and a single step's G2 can even be negative
    return float(trace / G2), float(G2), float(trace)


def measure_noise_scale(w, w_star, sigma, rng, B_small=8, n_workers=16, steps=2000):
    """Simulate data-parallel steps and estimate B_simple from gradient norms.

    Each step draws n_workers * B_small fresh examples; every worker's mean gradient gives a
    small-batch norm, the all-reduced mean the large-batch norm. Returns as
    `estimate_noise_scale`.
    """
    d = len(w)
    small, big = np.empty(steps), np.empty(steps)
    for t in range(steps):
        X = rng.normal(size=(n_workers * B_small, d))
        y = X @ w_star + sigma * rng.normal(size=len(X))
        g = per_example_grads(w, X, y).reshape(n_workers, B_small, d)
        g_workers = g.mean(axis=1)  # (n_workers, d): each worker's local gradient
        small[t] = np.mean(np.sum(g_workers ** 2, axis=1))
        big[t] = np.sum(g_workers.mean(axis=0) ** 2)  # the all-reduced gradient
    return estimate_noise_scale(small, big, B_small, n_workers * B_small)


def steps_and_examples(B, B_crit, S_min):
    """Steps and examples to reach a fixed loss at batch size B (McCandlish et al.).

    S = S_min (1 + B_crit / B) and E = E_min (1 + B / B_crit), with E_min = S_min B_crit.

    >>> steps_and_examples(1000, 1000, 50)  # at B = B_crit: twice the minimum of each
    (100.0, 100000.0)
    """
    B = np.asarray(B, dtype=float)
    S = S_min * (1 + B_crit / B)
    E = S_min * B_crit * (1 + B / B_crit)
    return (float(S), float(E)) if S.ndim == 0 else (S, E)
