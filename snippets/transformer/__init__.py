"""Part 3, Inside the transformer: the pieces of a small NumPy transformer block that the
pages take apart, among them attention read as a kernel smoother (softmax, linear and
random-feature attention), positional encodings (sinusoidal, learned, relative, rotary,
ALiBi), activation functions and feed-forward layers, residual connections and
normalisation, and the training and inference graphs of the block.
"""
