"""Part 3, Inside the transformer: a small, readable NumPy transformer taken apart piece by
piece (activation functions and feed-forward layers, attention and its kernel view,
positional encodings, normalisation, residual blocks and the residual stream), with manual
backward passes where a page needs gradients; later parts may import it.
"""
