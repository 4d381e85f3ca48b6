"""Part 2, Sequence models and generation: n-gram language models and BLEU,
sequence-to-sequence RNNs and their bottleneck, attention (Bahdanau to scaled dot-product)
and its masks, decoding strategies (greedy, beam, top-k, top-p, temperature), encoder-only
vs decoder-only vs encoder-decoder cost, and how contextual embeddings change across layers.
"""
