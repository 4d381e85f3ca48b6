"""Part 7, Adaptation and alignment: the data side of supervised fine-tuning (chat
templates, assistant-only loss masks, sequence packing with attention that stays inside
each example, dataset mixtures), and the losses and layers that adapt a pretrained model
afterwards (preference and reinforcement-learning objectives, parameter-efficient layers,
distillation, and the toys that measure forgetting).
"""
