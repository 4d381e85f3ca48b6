"""Figure for Q59: the largest expert's share of tokens during a toy training run, with no
balancing, with the Switch auxiliary loss, and with DeepSeek-V3's bias balancing."""

from snippets.training.balancing import simulate_routing


def plot_routing_collapse():
    """Largest expert share per step (8 experts, top-1) for the three methods."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.4))
    labels = {"none": "no balancing", "aux": "Switch auxiliary loss",
              "bias": "auxiliary-loss-free bias"}
    for method, style in [("none", "-"), ("aux", "--"), ("bias", ":")]:
        shares = simulate_routing(method)
        ax.plot(shares.max(axis=1), style, lw=1.8, label=labels[method])
    ax.axhline(1 / 8, color="grey", lw=0.8)
    ax.text(300, 1 / 8 - 0.06, "perfect balance, 1/8", color="grey", fontsize=8, ha="right")
    ax.set_xlabel("training step")
    ax.set_ylabel("largest expert's share of tokens")
    ax.set_ylim(0, 1)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
