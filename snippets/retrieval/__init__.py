"""Part 5, Embeddings, retrieval and RAG: the geometry of word and sentence embeddings
(analogies, polysemy, anisotropy, whitening, contrastive training), BM25 and dense retrieval
and their fusion, approximate nearest-neighbour indexes (product quantization, IVF-PQ,
filtered search, segments), retrieval latency budgets, and an end-to-end RAG pipeline with
its evaluation.
"""
