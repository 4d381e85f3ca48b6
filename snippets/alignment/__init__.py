"""Part 7, Adaptation and alignment: the losses and budgets of post-training. Preference
losses (Bradley-Terry reward models, DPO and its relatives), the RL objectives of RLHF
(PPO's clipped surrogate, the per-token KL penalty and its estimators, GRPO's
group-normalised advantage) and the memory of the models they keep, alongside instruction
tuning, parameter-efficient fine-tuning, distillation and forgetting.
"""
