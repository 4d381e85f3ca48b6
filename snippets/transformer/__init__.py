"""Part 3, Inside the transformer: a small, readable NumPy decoder block taken apart by the
part's pages: its training graph (saved activations and a manual backward pass) and its
inference path (KV cache only), normalisation layers, residual depth scaling (Pre-LN vs
Post-LN, DeepNet), the residual stream and the logit and tuned lenses, activation functions
and feed-forward variants, and positional encodings.
"""
