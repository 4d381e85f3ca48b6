"""Part 8, Inference and serving: the KV cache and its size, rooflines and the model-size vs
latency trade-off, quantization (outliers, weight-only methods), FlashAttention's tiling and
its memory traffic, speculative decoding, continuous batching and paged KV memory, serving
capacity and cost, and the map of inference optimizations that composes them.
"""
