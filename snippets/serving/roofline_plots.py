"""Figures drawn from `snippets/serving/roofline.py`: `plot_roofline`,
`plot_tokens_per_second`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.serving.roofline import (A100_80GB_SXM, BYTES_PER_PARAM, H100_SXM,
                                       attainable_flops, decode_tokens_per_second,
                                       ridge_point)


def plot_roofline():
    """Figure: the A100 and H100 rooflines
    with decode and prefill of an fp16 model marked."""
    import matplotlib.pyplot as plt

    intensity = np.logspace(-0.5, 4, 200)
    points = [("decode, batch 1", 1, "o"), ("decode, batch 64", 64, "s"),
              ("decode, batch 256", 256, "^"), ("prefill, 2,048 tokens", 2048, "D")]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for gpu, ls, fill in ((A100_80GB_SXM, "-", "none"), (H100_SXM, "--", "full")):
        ax.loglog(intensity, attainable_flops(gpu, intensity) / 1e12, "k", ls=ls,
                  label=f"{gpu.name} (ridge {ridge_point(gpu):.0f} FLOP/B)")
        for name, i, marker in points:
            # fp16 weights: decode intensity = batch, prefill intensity = prompt length
            ax.plot(i, attainable_flops(gpu, i) / 1e12, marker, color="C0", ms=7,
                    fillstyle=fill, label=name if fill == "full" else None)
    ax.set_xlabel("arithmetic intensity (FLOP per byte of HBM traffic)")
    ax.set_ylabel("attainable TFLOP/s")
    ax.legend(loc="lower right", fontsize=7)
    ax.grid(alpha=0.3, which="both")
    return fig


def plot_tokens_per_second():
    """Figure: batch-1 decode tokens/s on one H100 against model size,
    by weight precision."""
    import matplotlib.pyplot as plt

    marked = np.array([7e9, 13e9, 70e9])
    sizes = np.union1d(np.logspace(9, np.log10(70e9), 60), marked)
    idx = np.searchsorted(sizes, marked)
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for (prec, b), ls, marker in zip(BYTES_PER_PARAM.items(), ("-", "--", ":"), "osD"):
        tps = np.array([decode_tokens_per_second(n, b, H100_SXM) for n in sizes])
        fits = marked * b <= H100_SXM.memory  # hollow marker: the weights need a second GPU
        ax.loglog(sizes / 1e9, tps, "k", ls=ls, marker=marker, markevery=list(idx[fits]),
                  label=prec)
        ax.plot(marked[~fits] / 1e9, tps[idx[~fits]], "k", marker=marker, ls="",
                fillstyle="none")
    ax.set_xticks([1, 2, 5, 7, 13, 30, 70], labels=["1", "2", "5", "7", "13", "30", "70"])
    ax.set_xlabel("parameters (billions)")
    ax.set_ylabel("tokens/s upper bound (batch 1)")
    ax.legend(title="weights", fontsize=8)
    ax.grid(alpha=0.3, which="both")
    return fig
