"""Compute-optimal scaling: the parametric loss L(N, D), its optimum under C = 6ND, fitting
it back from runs, inference-aware sizing and repeated data.

Follows: Hoffmann et al. (2022), Sec. 3.3 and Appendix D.2, for L(N, D) = E + A/N^alpha +
B/D^beta, its fitted constants and the closed-form optimum under C = 6ND; Besiroglu et al.
(2024) for a refit of the same data; Sardana et al. (2024) for minimising training plus
inference FLOPs at a fixed loss; Muennighoff et al. (2023) for the effective data of
repeated epochs.
Simplifications: the fit minimises squared error in log loss over a grid of exponents with
(E, A, B) solved by least squares for each (variable projection), not the paper's Huber loss
with L-BFGS from many starts; inference costs 2N per token; no excess-parameter decay term.
"""

import numpy as np

# Hoffmann et al. (2022), Approach 3 (Sec. 3.3, Appendix D.2), as rounded in the paper:
# loss in nats per token, N in parameters, D in tokens.
CHINCHILLA = dict(E=1.69, A=406.4, B=410.7, alpha=0.34, beta=0.28)
# Besiroglu et al. (2024): refit of the same runs, their points read from the figure.
BESIROGLU = dict(E=1.82, A=482.01, B=2085.43, alpha=0.3478, beta=0.3658)


def loss(N, D, fit=CHINCHILLA):
    """Predicted loss of N parameters trained on D tokens: E + A / N^alpha + B / D^beta.

    >>> round(loss(70e9, 1.4e12), 3)  # Chinchilla itself
    1.937
    """
    return fit["E"] + fit["A"] / N ** fit["alpha"] + fit["B"] / D ** fit["beta"]


def compute_optimal(C, fit=CHINCHILLA):
    """(N_opt, D_opt) minimising loss(N, D) subject to 6 N D = C.

    Setting dL/dN = 0 with D = C / (6N) gives N_opt = G (C/6)^(beta/(alpha+beta)),
    G = (alpha A / (beta B))^(1/(alpha+beta)), and D_opt = (C/6) / N_opt.

    >>> N, D = compute_optimal(5.76e23)
    >>> round(N / 1e9), round(D / N)  # billions of parameters, tokens per parameter
    (32, 93)
    """
    a, b = fit["alpha"], fit["beta"]
    G = (a * fit["A"] / (b * fit["B"])) ** (1.0 / (a + b))
    N = G * (C / 6.0) ** (b / (a + b))
    return N, C / (6.0 * N)


def iso_flop_loss(C, N, fit=CHINCHILLA):
    """Loss along an iso-FLOP curve: every N in the array trained on D = C / (6N) tokens.

    N: (n,) -> (n,).

    >>> l = iso_flop_loss(1e21, np.array([1e8, 1e9, 1e10]))
    >>> bool(l[1] < l[0] and l[1] < l[2])
    True
    """
    return loss(N, C / (6.0 * N), fit)


def fit_loss(N, D, L, alphas=np.linspace(0.1, 0.7, 121), betas=np.linspace(0.1, 0.7, 121)):
    """Fit (E, A, B, alpha, beta) to runs: N, D, L (n,) -> dict like CHINCHILLA.

    For fixed exponents the law is linear in (E, A, B); solve it by least squares for each
    pair on the grid, keep the best in log-loss error, then refine on a grid 20 times finer.

    >>> N = np.array([1e8, 1e9, 1e10, 1e8, 1e9, 1e10])
    >>> D = np.array([1e10, 1e10, 1e10, 1e11, 1e11, 1e12])
    >>> f = fit_loss(N, D, loss(N, D))
    >>> round(f["alpha"], 3), round(f["beta"], 3)
    (0.34, 0.28)
    """
    logL = np.log(L)
    for _ in range(2):
        best = None
        for a in alphas:
            # Design matrix for every beta at once: columns 1, N^-a, D^-b.
            X = np.stack(np.broadcast_arrays(np.ones((len(betas), len(N))),
                                             N ** -a, D[None, :] ** -betas[:, None]), -1)
            coef = np.stack([np.linalg.lstsq(x, L, rcond=None)[0] for x in X])  # (nb, 3)
            pred = np.einsum("bnk,bk->bn", X, coef)
            # subtle: a bad (a, b) can give a non-positive prediction; rank it last.
            err = np.where((pred > 0).all(1), ((np.log(np.abs(pred)) - logL) ** 2).sum(1),
                           np.inf)
            i = int(np.argmin(err))
            if best is None or err[i] < best[0]:
                best = (err[i], a, betas[i], coef[i])
        _, a, b, (E, A, B) = best
        step_a, step_b = alphas[1] - alphas[0], betas[1] - betas[0]
        alphas = np.linspace(a - step_a, a + step_a, 41)
        betas = np.linspace(b - step_b, b + step_b, 41)
    return dict(E=float(E), A=float(A), B=float(B), alpha=float(a), beta=float(b))


def lifetime_optimal(target_loss, inference_tokens, fit=CHINCHILLA):
    """(N, D) reaching target_loss at the least training + inference FLOPs, 6ND + 2N T_inf.

    >>> N, D = lifetime_optimal(2.0, 0.0)
    >>> N0, D0 = compute_optimal(6 * N * D)
    >>> round(N / N0, 3)
    1.0
    """
    # Smallest N that reaches the target with infinite data; search a log grid above it.
    N_min = (fit["A"] / (target_loss - fit["E"])) ** (1.0 / fit["alpha"])
    lo, hi = np.log(N_min) + 1e-9, np.log(N_min) + 12.0
    for _ in range(4):  # zoom in around the best point
        N = np.exp(np.linspace(lo, hi, 2001))
        rest = target_loss - fit["E"] - fit["A"] / N ** fit["alpha"]
        D = (fit["B"] / rest) ** (1.0 / fit["beta"])  # tokens needed to reach the target
        i = int(np.argmin(6.0 * N * D + 2.0 * N * inference_tokens))
        step = (hi - lo) / 2000
        lo, hi = np.log(N[i]) - 2 * step, np.log(N[i]) + 2 * step
    return float(N[i]), float(D[i])


def effective_tokens(unique_tokens, epochs, r_star=15.4):
    """Effective data of `epochs` passes over unique_tokens (Muennighoff et al., 2023).

    D' = U + U R* (1 - exp(-R / R*)), with R = epochs - 1 repetitions.

    >>> float(effective_tokens(1e12, 1) / 1e12)
    1.0
    """
    R = epochs - 1.0
    return unique_tokens * (1.0 + r_star * (1.0 - np.exp(-R / r_star)))
