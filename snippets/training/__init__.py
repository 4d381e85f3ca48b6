"""Part 6, Training at scale: the memory, compute and statistics of training large models,
among them activation (gradient) checkpointing on a small MLP with manual backprop and its
transformer-scale recomputation policies, and the gradient noise scale with its critical
batch size.
"""
