"""Figures drawn from `snippets/foundations/crf.py`: `plot_viterbi_trellis`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.foundations.crf import LABELS, example, viterbi, viterbi_tables


def plot_viterbi_trellis():
    """The Viterbi trellis of the worked example:
    best prefix scores and the decoded path."""
    import matplotlib.pyplot as plt

    tokens, E, A, start, end = example()
    delta, back = viterbi_tables(E, A, start)
    path, _ = viterbi(E, A, start, end)
    T, K = E.shape
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    for t in range(1, T):  # back-pointer of every reachable node
        for j in range(K):
            if delta[t, j] > -100:
                ax.plot([t - 1, t], [back[t, j], j], color="0.6", linestyle="--",
                        linewidth=0.8)
    ax.plot(range(T), path, color="black", linewidth=2.5, marker="o", markersize=9,
            label="Viterbi path (score 7.2)")
    greedy = E.argmax(axis=1)
    ax.plot(range(T), greedy, color="black", linestyle=":", marker="s", markersize=5,
            fillstyle="none", label="per-token argmax (invalid O -> I-LOC)")
    for t in range(T):
        for j in range(K):
            ax.plot(t, j, marker=".", color="0.4")
            text = f"{delta[t, j]:.1f}" if delta[t, j] > -100 else "x"
            ax.annotate(text, (t, j), xytext=(8, 6), textcoords="offset points", fontsize=8,
                        bbox=dict(facecolor="white", edgecolor="none", pad=0.3))
    ax.set_xticks(range(T), tokens)
    ax.set_yticks(range(K), LABELS)
    ax.set_ylim(K - 0.5, -0.7)
    ax.set_xlim(-0.3, T - 0.4)
    ax.set_xlabel("token (numbers: best score of a path ending in that tag, delta[t, j])")
    ax.set_ylabel("tag")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, fontsize=8,
              frameon=False)
    fig.tight_layout()
    return fig
