"""Part 6, Training at scale: the calculators a training engineer does on a whiteboard, as
tested functions, and small simulations of what goes wrong. FLOPs per token and per run
(6N, C = 6ND, the attention term) and model FLOPs utilisation; the training memory budget
(mixed-precision Adam, ZeRO and FSDP, activations, recomputation, offloading); scaling laws;
checkpointing on a NumPy MLP with manual backprop; the gradient noise scale; collectives,
pipeline schedules and a parallel-layout calculator; training stability (clipping, z-loss,
QK-norm, Adam's epsilon, restart-and-skip) and number formats; mixture-of-experts layers and
their load balancing; self-supervised objectives (masked LM, span corruption); pruning and
2:4 sparsity.
"""
