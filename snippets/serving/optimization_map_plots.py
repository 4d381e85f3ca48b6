"""Figures drawn from `snippets/serving/optimization_map.py`: `plot_scenario`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.serving.optimization_map import scenario


def plot_scenario():
    """Figure: time per output token and $ per million tokens
    for each row of the scenario."""
    import matplotlib.pyplot as plt

    rows = scenario()[::-1]  # first row on top
    y = range(len(rows))
    hatch = ["xx" if "spec" in r.name else ("//" if r.batch == 1 else "") for r in rows]
    fig, (a, b) = plt.subplots(1, 2, figsize=(6.4, 3.6), sharey=True)
    for ax, vals in ((a, [r.tpot * 1e3 for r in rows]), (b, [r.usd_per_m for r in rows])):
        ax.barh(y, vals, color="0.85", edgecolor="k", hatch=hatch)
        for i, v in zip(y, vals):
            ax.text(v * 1.04, i, f"{v:.3g}", va="center", fontsize=7)
        ax.axhline(len(rows) - 3.5, color="k", ls="--", lw=0.8)  # latency rows above
        ax.grid(axis="x", alpha=0.3)
    a.set_yticks(list(y), [r.name for r in rows], fontsize=7)
    a.set_xlim(0, 30)
    a.set_xlabel("time per output token (ms)")
    b.set_xscale("log")
    b.set_xlim(0.03, 100)
    b.set_xticks([0.1, 1, 10, 100], ["0.1", "1", "10", "100"])
    b.set_xlabel("USD per million output tokens")
    fig.tight_layout()
    return fig
