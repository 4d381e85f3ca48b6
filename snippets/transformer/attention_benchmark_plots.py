"""Figures drawn from the recording in `snippets/transformer/attention_benchmark.py`:
`plot_attention_benchmark`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.transformer.attention_benchmark import MACHINE, measured_crossover, table


def plot_attention_benchmark():
    """Figure: (a) CPU time and (b) peak memory of each part of one layer against n."""
    import matplotlib.pyplot as plt

    t = table()
    n = t["n"]
    parts = (("core_naive", "attention core, scores materialised", "o-"),
             ("core_tiled", "attention core, tiled (online softmax)", "s--"),
             ("projections", r"projections $W_Q, W_K, W_V, W_O$", "^-"),
             ("ffn", "FFN", "v-"))
    fig, (a, b) = plt.subplots(1, 2, figsize=(8.0, 3.4))
    for key, label, style in parts:
        a.plot(n, t["t_" + key], style, ms=4, label=label)
        b.plot(n, t["mem_" + key] / 2**20, style, ms=4, label=label)
    a.plot(n, t["t_projections"] + t["t_ffn"], ":", color="black", lw=1,
           label="projections + FFN")
    a.axvline(measured_crossover()[1], color="grey", lw=0.8)
    a.text(measured_crossover()[1] * 1.05, 1e-2, "FLOP\ncrossover\n6d", fontsize=7)
    for ax, ylabel in ((a, "CPU seconds (min of 3)"), (b, "peak memory (MiB)")):
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xlabel("sequence length n")
        ax.set_ylabel(ylabel)
    a.set_title("(a) time", fontsize=9)
    b.set_title("(b) memory", fontsize=9)
    a.legend(fontsize=6.5, loc="upper left")
    fig.suptitle(f"{MACHINE['cpu']}, {MACHINE['cores']}-core machine, 1 BLAS thread, "
                 f"NumPy {MACHINE['numpy']}, float64", fontsize=8)
    fig.tight_layout()
    return fig
