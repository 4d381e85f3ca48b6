"""Figures for Q61: output error of pruning criteria on a layer with outlier features."""

from snippets.training.sparsity import compare_criteria


def plot_pruning_error():
    """Bar chart of the relative output error of magnitude and Wanda masks, 50 % and 2:4."""
    import matplotlib.pyplot as plt

    errors = compare_criteria()
    fig, ax = plt.subplots(figsize=(6.4, 3.2))
    names = list(errors)
    colours = ["tab:grey", "tab:blue", "tab:grey", "tab:blue"]
    bars = ax.bar(names, [errors[k] for k in names], color=colours)
    ax.bar_label(bars, fmt="%.2f")
    ax.set_ylabel("relative output error")
    title = "Half the weights of one layer pruned; 8 of 256 inputs 20x larger"
    ax.set_title(title, fontsize=10)
    ax.set_ylim(0, 0.4)
    fig.tight_layout()
    return fig
