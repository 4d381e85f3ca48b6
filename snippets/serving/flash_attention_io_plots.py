"""Figures drawn from `snippets/serving/flash_attention_io.py`: `plot_hbm_traffic`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.serving.flash_attention_io import (A100_SRAM_ELEMS, hbm_accesses_flash,
                                         hbm_accesses_standard)


def plot_hbm_traffic():
    """Figure: HBM elements moved vs N, standard vs FlashAttention, d = 64 and 128."""
    import matplotlib.pyplot as plt

    Ns = [2 ** p for p in range(8, 16)]  # 256 .. 32768
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    series = (("standard, d = 64", lambda N: hbm_accesses_standard(N, 64), "o-"),
              ("FlashAttention, d = 128",
               lambda N: hbm_accesses_flash(N, 128, A100_SRAM_ELEMS), "s--"),
              ("FlashAttention, d = 64",
               lambda N: hbm_accesses_flash(N, 64, A100_SRAM_ELEMS), "^:"))
    for label, count, style in series:
        ax.plot(Ns, [sum(count(N)) for N in Ns], style, color="black", label=label,
                markersize=5)
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel("sequence length N (tokens)")
    ax.set_ylabel("HBM reads + writes (elements)")
    ax.set_title("Forward pass, one head, M = 98,304 elements of SRAM", fontsize=9)
    ax.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
