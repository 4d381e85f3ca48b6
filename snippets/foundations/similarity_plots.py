"""Figures drawn from `snippets/foundations/similarity.py`: `plot_anisotropy`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.foundations.similarity import anisotropic_sample, pairwise_cosines


def plot_anisotropy():
    """Histograms of pairwise cosines: isotropic, offset, offset centred."""
    import matplotlib.pyplot as plt

    n, d = 400, 768
    iso = pairwise_cosines(anisotropic_sample(n, d, offset=0.0, seed=1))
    X = anisotropic_sample(n, d, offset=2.0, seed=1)
    curves = [("shared offset (anisotropic)", pairwise_cosines(X), "--"),
              ("same, mean subtracted",
               pairwise_cosines(X - X.mean(axis=0)), ":")]
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    bins = np.linspace(-0.2, 1.0, 121)
    ax.hist(iso, bins=bins, density=True, histtype="stepfilled",
            color="0.8", label=f"isotropic Gaussian: mean {iso.mean():.2f}")
    for label, cosines, style in curves:
        ax.hist(cosines, bins=bins, density=True, histtype="step",
                linestyle=style, linewidth=1.8, color="black",
                label=f"{label}: mean {cosines.mean():.2f}")
    ax.set_xlabel("cosine similarity between two different vectors")
    ax.set_ylabel("density")
    ax.set_title(f"{n} random vectors in d = {d} dimensions")
    ax.legend(frameon=False, fontsize=8, loc="upper center")
    fig.tight_layout()
    return fig
