"""Part 7, Adaptation and alignment: the losses and budgets of turning a pretrained model
into a useful one, among them low-rank adaptation (LoRA, DoRA, QLoRA's memory and
multi-adapter serving), knowledge distillation with soft targets, and the fine-tuning and
preference objectives of the part's other pages.
"""
