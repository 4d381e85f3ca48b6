"""Figures drawn from `snippets/training/checkpointing.py`: `plot_segment_tradeoff`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.training.checkpointing import checkpoint_cost


def plot_segment_tradeoff(n=64):
    """Figure: peak stored activations and recomputed layers against segment size."""
    import matplotlib.pyplot as plt

    ks = list(range(1, n + 1))
    peak = [checkpoint_cost(n, k)[0] for k in ks]
    divisors = [k for k in ks if n % k == 0]  # equal segments: a smooth recompute curve
    extra = [checkpoint_cost(n, k)[1] - n for k in divisors]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.plot(ks, peak, "o-", color="black", markersize=3, label="peak stored activations")
    ax.plot(divisors, extra, "s--", color="grey", markersize=4,
            label="layer forwards recomputed (k divides n)")
    ax.axhline(n + 1, color="grey", linestyle=":", linewidth=1)
    ax.text(n * 0.3, n + 3, f"no checkpointing: {n + 1} stored, 0 recomputed",
            color="dimgrey", fontsize=8)
    k0 = int(round(n ** 0.5))
    ax.axvline(k0, color="grey", linewidth=0.6)
    ax.text(k0 + 0.8, 4, f"k = sqrt(n) = {k0}: {checkpoint_cost(n, k0)[0]} stored",
            color="dimgrey", fontsize=8)
    ax.set_xlabel(f"segment size k (layers), n = {n}")
    ax.set_ylabel("activations / layer forwards")
    ax.set_xlim(0, n + 1)
    ax.set_ylim(0, n + 10)
    ax.legend(loc="lower right", fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
