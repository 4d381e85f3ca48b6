"""Figures drawn from `snippets/alignment/peft_budget.py`: `plot_finetune_memory`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

from snippets.alignment.peft_budget import finetune_state_bytes, trainable_params
from snippets.specs import H100_SXM, LLAMA2_70B, LLAMA3_8B


def plot_finetune_memory():
    """Figure: model-state memory of full fine-tuning, LoRA and QLoRA, two model sizes."""
    import matplotlib.pyplot as plt

    modes = ("full", "lora", "qlora")
    labels = ("full FT, Adam", "LoRA r=16, bf16 base", "QLoRA r=16, NF4 base")
    fig, axes = plt.subplots(1, 2, figsize=(7.6, 3.2))
    for ax, m in zip(axes, (LLAMA3_8B, LLAMA2_70B)):
        n_lora = trainable_params(m, "lora", r=16)
        gb = [finetune_state_bytes(m, mode, 0 if mode == "full" else n_lora) / 1e9
              for mode in modes]
        bars = ax.barh(labels, gb, color="white", edgecolor="black")
        for b, v in zip(bars, gb):
            ax.text(b.get_width(), b.get_y() + b.get_height() / 2, f" {v:,.1f} GB",
                    va="center", fontsize=8)
        ax.axvline(H100_SXM.memory / 1e9, color="grey", linestyle="--", linewidth=1)
        ax.set_xscale("log")
        ax.set_xlim(1, 5000)
        ax.set_title(m.name, fontsize=9)
        ax.invert_yaxis()
    axes[1].set_yticks([])
    fig.supxlabel("model states (GB, log scale); dashed line: one 80 GB GPU", fontsize=9)
    fig.tight_layout()
    return fig
