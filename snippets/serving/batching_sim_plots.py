"""Figures drawn from `snippets/serving/batching_sim.py`: `plot_latency_vs_rate`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.serving.batching_sim import RATES, latency_vs_rate


def plot_latency_vs_rate():
    """Figure: p50 and p99 TTFT and end-to-end latency vs arrival rate, both policies."""
    import matplotlib.pyplot as plt

    rates = list(RATES)
    res = latency_vs_rate(rates)
    fig, axes = plt.subplots(1, 2, figsize=(6.4, 3.6), sharey=True)
    for ax, metric, title in zip(axes, ("ttft", "e2e"),
                                 ("time to first token", "end-to-end")):
        for policy, marker, ls in (("static", "s", "--"), ("continuous", "o", "-")):
            for q, fill in (("p50", "none"), ("p99", "full")):
                y = [s[f"{metric}_{q}"] for s in res[policy]]
                ax.plot(rates, y, marker=marker, linestyle=ls, fillstyle=fill,
                        label=f"{policy} {q}")
        ax.set_yscale("log")
        ticks = [0.03, 0.1, 0.3, 1, 3, 10, 30]
        ax.set_yticks(ticks, [f"{v:g}" for v in ticks])
        ax.set_xticks(rates)
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel("arrival rate (requests/s)")
        ax.grid(True, alpha=0.3)
    axes[0].set_ylabel("latency (s)")
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=4,
               fontsize="small")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    return fig
