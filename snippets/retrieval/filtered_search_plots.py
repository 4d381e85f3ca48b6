"""Figures drawn from `snippets/retrieval/filtered_search.py`: `plot_postfilter_results`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.retrieval.filtered_search import (expected_postfilter_results,
                                                postfilter_search)


def plot_postfilter_results():
    """Figure: results returned by a post-filtered top-10 against filter selectivity."""
    import matplotlib.pyplot as plt

    k = 10
    s_grid = np.logspace(-3, 0, 60)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20_000, 32))
    queries = rng.normal(size=(50, 32))
    s_sim = [0.002, 0.01, 0.05, 0.2]
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.semilogx(s_grid, [k] * len(s_grid), "k-", label="pre-filter")
    for k_prime, ls, marker in ((10, "--", "o"), (100, "-.", "s"), (1000, ":", "^")):
        ax.semilogx(s_grid, [expected_postfilter_results(k, k_prime, s) for s in s_grid],
                    "k", ls=ls, label=f"post-filter, k' = {k_prime} (expected)")
        sim = [np.mean([len(postfilter_search(x, q, rng.random(len(x)) < s, k, k_prime))
                        for q in queries]) for s in s_sim]
        ax.plot(s_sim, sim, "k" + marker, mfc="white", ls="none")
    ax.plot([], [], "ko", mfc="white", ls="none",
            label="measured (20,000 vectors, 50 queries)")
    ax.set_xlabel("filter selectivity s (fraction of rows that pass, log scale)")
    ax.set_ylabel("results returned of k = 10")
    ax.set_ylim(0, 10.8)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.17), ncol=2)
    return fig
