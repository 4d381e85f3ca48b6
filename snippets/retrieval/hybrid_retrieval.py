"""Dense dual-encoder retrieval with a toy encoder, and hybrid retrieval by
reciprocal rank fusion.

Follows: Karpukhin et al. (2020), DPR: query and passage encoded independently, relevance is
their inner product, so passages are encoded once, offline; Cormack, Clarke and Buettcher
(2009): RRF(d) = sum over rankings r of 1 / (k + rank_r(d)), k = 60.
Simplifications: the "encoder" is a fixed lexicon of concepts (synonyms share a vector)
instead of a trained transformer, so it generalises over paraphrases but knows no rare token
(codes, model numbers, surnames), which is the failure mode of real dense retrievers it
stands for.
"""

import numpy as np

from snippets.foundations.tfidf import tokenize

# A help-desk collection. Near-duplicates differ only in a code, a model number or a name.
DOCS = [
    "Reset your password when the login page rejects it",                    # 0
    "Printer error E1043 means the driver is outdated",                       # 1
    "Printer error E2210 means the driver is missing",                        # 2
    "Replace the battery of your laptop safely",                              # 3
    "The laptop does not power on after an update",                           # 4
    "Set up two-factor authentication with an authenticator app",             # 5
    "Request a refund for a duplicate charge on your invoice",                # 6
    "Configure the VPN client on a home network",                             # 7
    "Upgrade the firmware of the XR7 router",                                 # 8
    "Upgrade the firmware of the XR9 router",                                 # 9
    "Contact Priya Raman for payroll questions",                              # 10
    "Contact Tomasz Nowak for payroll questions",                             # 11
    "Cancel your subscription to stop future billing",                        # 12
]
QUERIES = {  # id: (text, relevant document, the kind of match it needs)
    "q1": ("E2210 printer error", 2, "lexical"),
    "q2": ("XR9 firmware upgrade", 9, "lexical"),
    "q3": ("Tomasz payroll", 11, "lexical"),
    "q4": ("forgot my passcode, cannot sign in", 0, "semantic"),
    "q5": ("money back for being billed twice", 6, "semantic"),
    "q6": ("notebook will not turn on", 4, "semantic"),
    "q7": ("end my plan so payments stop", 12, "semantic"),
}
# The encoder's vocabulary: word -> concept.
# Words outside it (e2210, xr9, tomasz) are unknown.
CONCEPTS = {w: c for c, words in {
    "password": "password passcode", "login": "login sign", "reset": "reset forgot",
    "printer": "printer", "error": "error", "driver": "driver", "outdated": "outdated",
    "missing": "missing", "battery": "battery", "laptop": "laptop notebook",
    "power": "power turn", "update": "update upgrade", "authentication": "authentication",
    "app": "app", "refund": "refund money", "duplicate": "duplicate twice",
    "charge": "charge billed billing payments", "invoice": "invoice", "vpn": "vpn",
    "network": "network", "firmware": "firmware", "router": "router", "contact": "contact",
    "payroll": "payroll", "cancel": "cancel end stop", "subscription": "subscription plan",
}.items() for w in words.split()}


class ToyEncoder:
    """Maps a text to the normalised mean of its known words' concept vectors (d dims).

    >>> enc = ToyEncoder(d=8, rng=np.random.default_rng(0))
    >>> E = enc.encode(["laptop battery", "notebook battery", "XR9"])
    >>> round(float(E[0] @ E[1]), 4)  # synonyms match
    1.0
    >>> float(np.abs(E[2]).sum())  # unknown: 0
    0.0
    """

    def __init__(self, d=64, rng=None):
        rng = rng if rng is not None else np.random.default_rng(0)
        self.d = d
        names = sorted(set(CONCEPTS.values()))
        vectors = rng.normal(size=(len(names), d)) / np.sqrt(d)  # near-orthogonal concepts
        self.vec = {c: vectors[i] for i, c in enumerate(names)}

    def encode(self, texts):
        """texts: n strings -> (n, d) unit vectors; a text with no known word maps to 0."""
        out = np.zeros((len(texts), self.d))
        for i, text in enumerate(texts):
            known = [self.vec[CONCEPTS[t]] for t in tokenize(text) if t in CONCEPTS]
            if known:
                v = np.mean(known, axis=0)
                out[i] = v / np.linalg.norm(v)
        return out


def dense_search(q, D, k=10):
    """Dual-encoder retrieval: ids of the k passages with the largest inner product q . d_i.

    q: (d,), D: (N, d) passage embeddings computed offline -> list of k ids
    (ties: lower id).

    >>> D = np.array([[0.0, 1.0], [0.9, 0.1], [0.5, 0.5]])
    >>> dense_search(np.array([1.0, 0.0]), D, 2)
    [1, 2]
    """
    s = D @ q
    return [int(i) for i in np.argsort(-s, kind="stable")[:k]]


def reciprocal_rank_fusion(rankings, k=60, top=None):
    """Fuse ranked lists by RRF(d) = sum_r 1 / (k + rank_r(d)), ranks from 1; absent: 0.

    rankings: lists of ids, best first -> fused list of ids (ties: first seen first).

    >>> reciprocal_rank_fusion([["a", "b", "c"], ["b", "c"]])
    ['b', 'c', 'a']
    """
    score = {}
    for ranked in rankings:
        for rank, d in enumerate(ranked, start=1):
            score[d] = score.get(d, 0.0) + 1.0 / (k + rank)
    # subtle: only ranks matter, so BM25's unbounded scores and cosines need no calibration
    fused = sorted(score, key=lambda d: -score[d])
    return fused[:top]


def run_all(k=10, rrf_k=60, seed=0):
    """Rankings of every query by BM25, the dense retriever and their RRF fusion (BM25 list
    first, so it wins RRF ties); `seed` draws the toy encoder's concept vectors.

    -> {"bm25": run, "dense": run, "rrf": run}, each run {qid: ranked doc ids}.
    """
    from snippets.retrieval.bm25 import BM25

    index, enc = BM25(DOCS), ToyEncoder(rng=np.random.default_rng(seed))
    D = enc.encode(DOCS)  # passages are encoded once, at indexing time
    runs = {"bm25": {}, "dense": {}, "rrf": {}}
    for qid, (text, _, _) in QUERIES.items():
        runs["bm25"][qid] = index.search(text, k)
        runs["dense"][qid] = dense_search(enc.encode([text])[0], D, k)
        runs["rrf"][qid] = reciprocal_rank_fusion([runs["bm25"][qid], runs["dense"][qid]],
                                                  k=rrf_k, top=k)
    return runs
