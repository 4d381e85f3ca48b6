"""Figures drawn from `snippets/transformer/dyck.py`: `plot_errors_by_depth`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.transformer.dyck import depth_diagnostic


def plot_errors_by_depth():
    """Figure: error rate against nesting depth for generators that remember D openers."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.0, 3.0))
    for D, style in ((2, "o:"), (3, "s-"), (5, "^--")):
        rates = depth_diagnostic(D, k=2, n_prompts=4000, max_open=8,
                                 rng=np.random.default_rng(0))
        depths = sorted(rates)
        ax.plot(depths, [rates[d] for d in depths], style, color="black", label=f"D = {D}")
    ax.set_xlabel("maximum nesting depth of the string")
    ax.set_ylabel("fraction not well nested")
    ax.set_ylim(-0.03, 1.03)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
