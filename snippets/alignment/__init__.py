"""Part 7, Adaptation and alignment: the code of turning a pretrained model into a useful
and safe one, among it the two-task forgetting toy (sequential training, EWC with a diagonal
Fisher, replay) and its measures of forgetting; the other pages of the part add their losses
(instruction tuning, reward models, PPO, DPO, distillation) and parameter-efficient layers.
"""
