"""Figures for Q24, drawn from snippets/transformer/kernel_attention.py.

The experiment: estimate the softmax attention weights of random queries and keys with m
random features, positive (FAVOR+) or trigonometric, and measure the relative error of the
estimated T x T weight matrix, averaged over independent draws of the projection.
"""

import functools

import numpy as np

from snippets.generation.attention import scaled_dot_product_attention
from snippets.transformer.kernel_attention import (gaussian_projection,
                                                   performer_attention,
                                                   positive_random_features,
                                                   relative_error,
                                                   trig_random_features)

FEATURES = {"positive": positive_random_features, "trig": trig_random_features}


def performer_error(ms, sigma, feature="positive", T=64, d=16, draws=20, seed=0):
    """Mean relative error of random-feature attention weights for each m in ms.

    q, k: (T, d) with N(0, sigma^2) entries, so the logits q . k / sqrt(d) have
    standard deviation sigma^2. -> (len(ms),) errors.

    >>> performer_error([16, 256], sigma=0.5).round(3)
    array([0.479, 0.168])
    """
    return np.array([_mean_error(int(m), sigma, feature, T, d, draws, seed) for m in ms])


@functools.lru_cache(maxsize=None)
def _mean_error(m, sigma, feature, T, d, draws, seed) -> float:
    rng = np.random.default_rng(seed)
    q, k = sigma * rng.standard_normal((2, T, d))
    eye = np.eye(T)  # v = I: the output is the weight matrix itself
    _, exact = scaled_dot_product_attention(q, k, eye)
    errors = [relative_error(performer_attention(
        q, k, eye, gaussian_projection(d, m, np.random.default_rng(seed + 1 + r)),
        features=FEATURES[feature]), exact) for r in range(draws)]
    return float(np.mean(errors))


def plot_performer_error():
    """Log-log error of random-feature attention against the number of features."""
    import matplotlib.pyplot as plt

    ms = np.array([8, 16, 32, 64, 128, 256, 512, 1024, 2048])
    fig, axes = plt.subplots(1, 2, figsize=(6.6, 3.0), sharey=True,
                             constrained_layout=True)
    for ax, sigma in zip(axes, (0.5, 1.0)):
        for feature, style in (("positive", "o-"), ("trig", "s--")):
            ax.loglog(ms, performer_error(ms, sigma, feature), style, ms=3.5,
                      label=f"{feature} features")
        ref = performer_error(ms[:1], sigma)[0] * np.sqrt(ms[0] / ms)
        ax.loglog(ms, ref, ":", color="0.5", label=r"$\propto 1/\sqrt{m}$")
        ax.set_title(f"logit std {sigma**2:g}", fontsize=9)
        ax.set_xlabel("random features m")
        ax.grid(True, which="major", alpha=0.3)
    axes[0].set_ylabel("relative error of the weights")
    axes[0].legend(fontsize=7)
    return fig
