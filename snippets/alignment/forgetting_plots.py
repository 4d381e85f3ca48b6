"""Figures drawn from `snippets/alignment/forgetting.py`: `plot_forgetting_curves`,
`plot_learning_forgetting_frontier`.

Plotting code only, kept apart from the code the pages include; matplotlib is imported
inside each function, and the build calls them to draw the pages' figures.
"""

import numpy as np

from snippets.alignment.forgetting import (learning_and_forgetting, make_two_tasks, mse,
                                           sequential)

SEED = 30


def plot_forgetting_curves():
    """Figure: task-A loss while training on B, for naive, replay and EWC."""
    import matplotlib.pyplot as plt

    tasks = make_two_tasks(np.random.default_rng(SEED))
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    styles = (("naive", "sequential (naive)", "-"),
              ("replay", "replay, 3 stored A examples", "--"),
              ("ewc", "EWC, diagonal Fisher, λ = 10", ":"))
    for method, label, style in styles:
        _, path_B, _ = sequential(tasks, np.random.default_rng(1), method)
        loss_A = [mse(w, tasks["X_A"], tasks["y_A"]) for w in path_B]
        ax.plot(loss_A, style, color="black", label=label)
    ax.set_xlabel("gradient steps on task B (after 400 on task A)")
    ax.set_ylabel("task-A loss (half MSE)")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def plot_learning_forgetting_frontier():
    """Figure: task-B loss reached vs task-A forgetting, stopping B's training early."""
    import matplotlib.pyplot as plt

    tasks = make_two_tasks(np.random.default_rng(SEED))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    budgets = (5, 10, 20, 40, 80, 160, 400)
    for method, label, style in (("naive", "naive", "o-"), ("replay", "replay (3)", "s--"),
                                 ("ewc", "EWC (λ = 10)", "^:")):
        _, path_B, _ = sequential(tasks, np.random.default_rng(1), method)
        loss_B, forgot = learning_and_forgetting(path_B, tasks)
        ax.plot(loss_B, forgot, style[1:], color="black", linewidth=1, label=label,
                marker=style[0], markevery=list(budgets), markersize=4)
    ax.set_xscale("log")
    ax.set_xlabel("task-B loss (left = learned more); markers at 5, 10, ..., 400 steps")
    ax.set_ylabel("forgetting: rise in task-A loss")
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig
