"""Figures drawn from `snippets/transformer/attention_scaling.py`: `plot_softmax_entropy`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.transformer.attention_scaling import (gaussian_entropy_limit, sampled_entropy,
                                                    target_weight)


def plot_softmax_entropy():
    """Figure: (a) softmax entropy against n for scaled and unscaled logits; (b) the weight
    of one relevant key against n, plain and with log-n-scaled logits."""
    import matplotlib.pyplot as plt

    rng = np.random.default_rng(0)
    ns = 2 ** np.arange(4, 15)
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.2))
    a.plot(ns, np.log(ns), "k:", label="log n (uniform)")
    for sigma, style, name in ((1.0, "o-", r"scaled, $\sigma = 1$"),
                               (2.0, "s-", r"$\sigma = 2$"),
                               (np.sqrt(128), "^-", r"unscaled, $d_k = 128$")):
        a.plot(ns, [sampled_entropy(n, sigma, rng, trials=16) for n in ns], style,
               ms=3, label=name)
    a.plot(ns, gaussian_entropy_limit(ns, 1.0), "--", color="grey", lw=1,
           label=r"log n $- \sigma^2/2$")
    a.set_xscale("log", base=2)
    a.set_xlabel("keys n")
    a.set_ylabel("softmax entropy (nats)")
    a.set_title("(a) entropy grows like log n", fontsize=9)
    a.legend(fontsize=7)
    big = 2 ** np.arange(4, 21)
    b.plot(big, target_weight(big, 3.0), "o-", ms=3, label="plain, margin 3")
    b.plot(big, target_weight(big, 3.0, log_scale=0.5), "s-", ms=3,
           label=r"$\times\, 0.5 \log n$, margin 3")
    b.plot(big, target_weight(big, 1.0, log_scale=0.5), "^-", ms=3,
           label=r"$\times\, 0.5 \log n$, margin 1")
    b.set_xscale("log", base=2)
    b.set_ylim(-0.02, 1.02)
    b.set_xlabel("keys n")
    b.set_ylabel("weight of the one relevant key")
    b.set_title("(b) a fixed margin fades; log-n scaling keeps it", fontsize=9)
    b.legend(fontsize=7)
    fig.tight_layout()
    return fig
