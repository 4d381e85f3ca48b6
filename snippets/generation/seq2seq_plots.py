"""Figures drawn from `snippets/generation/seq2seq.py`: `plot_bottleneck`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.generation.seq2seq import first_token_influence, init_params


def plot_bottleneck():
    """Figure: how much the context vector c still depends on the first source token."""
    import matplotlib.pyplot as plt

    lengths = [1, 2, 4, 8, 12, 16, 24, 32, 48]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for scale, marker, ls in [(0.5, "o", "-"), (1.0, "s", "--"), (2.0, "^", "-."),
                              (4.0, "D", ":")]:
        p = init_params(np.random.default_rng(0), 12, 8, scale=scale)
        vals = [first_token_influence(p, S, np.random.default_rng(100)) for S in lengths]
        ax.semilogy(lengths, vals, marker=marker, linestyle=ls,
                    label=f"c = h_S, weight scale {scale}")
    # With attention the decoder can read h_1 itself, whose dependence on x_1 never decays.
    p = init_params(np.random.default_rng(0), 12, 8, scale=1.0)
    ax.axhline(first_token_influence(p, 1, np.random.default_rng(100)), color="black",
               linewidth=1, label="h_1 (readable with attention), scale 1.0")
    ax.set_xlabel("source length S (tokens)")
    ax.set_ylabel("mean change of the vector")
    ax.set_title("Changing source token 1: what still reaches the decoder")
    ax.legend(fontsize=7, loc="lower left")
    fig.tight_layout()
    return fig
