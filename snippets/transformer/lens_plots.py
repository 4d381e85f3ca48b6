"""Figures for Q25: what the logit lens and the tuned lens read at each layer of the toy."""

import numpy as np

from snippets.transformer.lens import lens_report


def plot_lenses():
    """Left: KL(final || lens) per layer; right: how often each lens's top token is the
    answer pi(x) or the input token x."""
    import matplotlib.pyplot as plt

    r = lens_report()
    layers = np.arange(len(r["logit_kl"]))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.4))
    for name, style in (("logit", "o-"), ("tuned", "s--")):
        ax1.plot(layers, r[name + "_kl"] + 1e-4, style, label=f"{name} lens")
        ax2.plot(layers, r[name + "_answer"], style, label=f"{name} lens: answer π(x)")
    ax2.plot(layers, r["logit_input"], "o:", color="gray", label="logit lens: input x")
    ax1.set(xlabel="residual state (0 = embedding, 4 = output)",
            ylabel="KL to final distribution (nats)", yscale="log", xticks=layers)
    ax2.set(xlabel="residual state (0 = embedding, 4 = output)", ylabel="top-1 rate",
            xticks=layers, ylim=(-0.03, 1.03))
    ax1.legend(fontsize=8)
    ax2.legend(fontsize=8)
    fig.tight_layout()
    return fig
