"""Figures drawn from `snippets/retrieval/rag_budget.py`: `plot_budget`, `plot_fanout_p99`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.retrieval.rag_latency import fanout_quantile
from snippets.retrieval.rag_latency import hedged_fanout_quantile
from snippets.retrieval.rag_latency import lognormal_quantile
from snippets.retrieval.rag_budget import ASSUMED, CONFIGS, budget


def plot_budget():
    """Figure: stacked milliseconds per stage for three designs of the same request."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    hatches = {"embed query": "", "ANN search (p99)": "//", "re-rank": "xx",
               "prefill (TTFT)": ".."}
    names = list(CONFIGS)
    for row, name in enumerate(names):
        left = 0.0
        for stage, ms in budget(**CONFIGS[name]).items():
            ax.barh(row, ms, left=left, color="white", edgecolor="black",
                    hatch=hatches[stage], label=stage)
            left += ms
        ax.text(left + 3, row, f"{left:.0f} ms", va="center", fontsize=8)
    handles = dict(zip(*reversed(ax.get_legend_handles_labels())))  # one handle per stage
    ax.legend([handles[s] for s in hatches], list(hatches), fontsize=8, loc="lower right")
    ax.set_yticks(range(len(names)), names)
    ax.invert_yaxis()
    ax.set_xlabel("milliseconds to the first token (ANN stage at p99, 100 shards)")
    ax.set_xlim(0, 340)
    return fig


def plot_fanout_p99():
    """Figure: request p99 against the number of shards,
    analytic curves and seeded simulation."""
    import matplotlib.pyplot as plt
    import numpy as np

    from snippets.retrieval.rag_latency import simulate_fanout

    med, sig = ASSUMED["shard_median_ms"], ASSUMED["shard_sigma"]
    h = lognormal_quantile(0.95, med, sig)
    S_line = np.unique(np.logspace(0, 3, 40).round().astype(int))
    S_sim = [1, 10, 100, 1000]
    rng = np.random.default_rng(0)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.semilogx(S_line, [fanout_quantile(0.99, S, med, sig) for S in S_line], "k-",
                label="request p99, analytic $F^{-1}(0.99^{1/S})$")
    ax.semilogx(S_line, [hedged_fanout_quantile(0.99, S, h, med, sig) for S in S_line],
                "k--", label=f"hedged at the shard p95 ({h:.1f} ms), analytic")
    sims = [np.quantile(simulate_fanout(S, 5_000, med, sig, rng), 0.99) for S in S_sim]
    sims_h = [np.quantile(simulate_fanout(S, 5_000, med, sig, rng, h=h), 0.99)
              for S in S_sim]
    ax.plot(S_sim, sims, "ko", mfc="white", label="simulation (5,000 requests)")
    ax.plot(S_sim, sims_h, "ks", mfc="white", label="simulation, hedged")
    ax.axhline(lognormal_quantile(0.99, med, sig), color="gray", ls=":",
               label="one shard's p99")
    ax.set_xlabel("shards per request S (log scale)")
    ax.set_ylabel("request latency p99 (ms)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return fig
