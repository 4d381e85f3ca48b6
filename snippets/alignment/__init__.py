"""Part 7, Adaptation and alignment: the losses and budgets of turning a pretrained model
into a useful one. Supervised fine-tuning data (chat templates, assistant-only loss masks,
packing, mixtures); preference and RL objectives (Bradley-Terry, DPO and its relatives, PPO's
clipped objective, KL estimators, GRPO) and the memory of RLHF; low-rank adaptation (LoRA,
DoRA, QLoRA's memory, many adapters at once); knowledge distillation with soft targets; and a
two-task toy of catastrophic forgetting with EWC and replay.
"""
