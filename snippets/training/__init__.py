"""Part 6, Training at scale: the calculators a training engineer does on a whiteboard, as
tested functions. FLOPs per token and per run (2N forward, 6N training, the attention term,
C = 6ND) and model FLOPs utilisation; the training memory budget (weights, gradients and
optimiser state in mixed precision, ZeRO and FSDP sharding, activations with and without
recomputation, offloading and 8-bit optimiser states); compute-optimal scaling laws (the
Chinchilla loss, its optimum under C = 6ND, fitting it, inference-aware sizing, repeated
data); training stability (global-norm clipping, z-loss, QK-norm logits, Adam's update
against its epsilon, loss spikes and restart-and-skip) and the number formats and
parametrization that matter only at scale (fp16, bf16 and FP8 ranges, outlier features,
muP). Later pages of the part (distributed training, checkpointing) import them.
"""
