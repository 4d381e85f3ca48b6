"""The recall/work trade-off of IVF and IVF-PQ, measured on synthetic clustered vectors.

Follows: the evaluation protocol of Jégou, Douze & Schmid (TPAMI 2011): recall
of the exact k nearest neighbours as the number of visited lists w (nprobe)
grows, with and without PQ compression, and with the PQ shortlist re-ranked by
exact distances (as Faiss's IndexRefineFlat and DiskANN's SSD re-ranking do).
Simplifications: 10,000 vectors of 32 dimensions from a 100-component Gaussian
mixture, not real embeddings; "vectors scanned" stands in for latency.
"""

from functools import lru_cache

from snippets.retrieval.ivfpq import IVFPQ, clustered_data, exact_search, recall_curve

DEMO = dict(n=10_000, nq=100, d=32, n_clusters=100, spread=1.0, seed=1)
NLIST, M, K, REFINE = 64, 8, 10, 50
NPROBES = (1, 2, 4, 8, 16, 64)


@lru_cache(maxsize=1)
def demo_curves():
    """10-recall@10 and fraction scanned per nprobe for IVF-Flat, IVF-PQ and
    IVF-PQ + re-rank.

    Returns {name: (recalls, fractions)}; computed once per process.
    """
    x, q = clustered_data(**DEMO)
    truth = exact_search(x, q, K)  # one exact search serves the three curves
    flat = IVFPQ(NLIST).train(x).add(x)
    pq = IVFPQ(NLIST, m=M).train(x).add(x)
    return {
        "IVF-Flat (128 B/vector)": recall_curve(flat, x, q, K, NPROBES, truth=truth),
        f"IVF-PQ, m = {M} (8 B/vector)": recall_curve(pq, x, q, K, NPROBES, truth=truth),
        f"IVF-PQ + exact re-rank of {REFINE}": recall_curve(pq, x, q, K, NPROBES,
                                                           refine=REFINE, truth=truth),
    }


def plot_recall_vs_scanned():
    """Figure: 10-recall@10 against the percentage of the database scanned,
    one point per nprobe."""
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    styles = (("o", "-"), ("s", "--"), ("^", ":"))
    for (name, (recalls, fractions)), (marker, ls) in zip(demo_curves().items(), styles):
        ax.semilogx([100 * f for f in fractions], recalls, marker=marker, ls=ls, color="k",
                    label=name)
    recalls, fractions = next(iter(demo_curves().values()))  # label the IVF-Flat points
    for w, f, r in zip(NPROBES, fractions, recalls):
        ax.annotate(f"nprobe={w}", (100 * f, r), textcoords="offset points",
                    xytext=(4, -12), fontsize=7)
    ax.set_xlabel("vectors scanned per query (% of the database, log scale)")
    ax.set_ylabel("10-recall@10 vs exact search")
    ax.set_ylim(0.5, 1.02)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    return fig
