"""Figures drawn from `snippets/training/pipeline.py`: `plot_pipeline_schedule`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.training.pipeline import bubble_fraction, simulate


def plot_pipeline_schedule(p=4, m=8):
    """Figure: GPipe and 1F1B timelines, p stages, m micro-batches, t_b = 2 t_f."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 1, figsize=(7.0, 3.8), sharex=True)
    for ax, kind, title in zip(axes, ("gpipe", "1f1b"), ("GPipe", "1F1B")):
        makespan, ops, peak = simulate(p, m, kind)
        for s, op, j, start, end in ops:
            shade = "0.85" if op == "F" else "0.45"
            ax.broken_barh([(start, end - start)], (p - 1 - s + 0.1, 0.8),
                           facecolors=shade, edgecolors="black", linewidth=0.5)
            ax.text((start + end) / 2, p - 1 - s + 0.5, str(j), ha="center", va="center",
                    fontsize=6, color="black" if op == "F" else "white")
        ax.set_yticks([p - 1 - s + 0.5 for s in range(p)])
        ax.set_yticklabels([f"GPU {s}" for s in range(p)], fontsize=7)
        ax.set_xlim(0, makespan)
        ax.set_title(f"{title}: bubble {bubble_fraction(p, m):.0%} of the step, "
                     f"up to {peak} micro-batches' activations held", fontsize=8)
    axes[-1].set_xlabel("time (forward of one micro-batch on one stage = 1; "
                        "light = forward, dark = backward)", fontsize=8)
    fig.tight_layout()
    return fig
