"""Figures for Q34, drawn from snippets/transformer/positions.py and snippets/specs.py.

Why positions past the training length are out of distribution: RoPE's slow pairs never
complete a turn within the training context; ALiBi's linear penalty makes distant keys
negligible, so a longer input changes little of what each head attends to.
"""

import numpy as np

from snippets.specs import LLAMA2_7B_ROPE, LLAMA3_8B_ROPE
from snippets.transformer.positions import alibi_slopes, rope_frequencies


def plot_length_extrapolation():
    """(a) RoPE wavelengths per pair against the training context; (b) ALiBi biases."""
    import matplotlib.pyplot as plt

    fig, (ax_a, ax_b) = plt.subplots(1, 2, figsize=(6.8, 3.0), constrained_layout=True)
    for setting, style in ((LLAMA2_7B_ROPE, "-"), (LLAMA3_8B_ROPE, "--")):
        d = setting.model.head_dim
        wavelength = 2 * np.pi / rope_frequencies(d, setting.base)  # (d/2,)
        line, = ax_a.semilogy(wavelength, style,
                              label=f"{setting.model.name}, base {setting.base:,.0f}")
        ax_a.axhline(setting.context, color=line.get_color(), lw=0.8, ls=":")
        above = setting.context > 5000  # Llama 3's label above its line, Llama 2's below
        ax_a.text(1, setting.context * (1.3 if above else 0.75),
                  f"context {setting.context:,}", fontsize=7, color=line.get_color(),
                  va="bottom" if above else "top")
    ax_a.set_xlabel("rotary pair i (of 64)")
    ax_a.set_ylabel(r"wavelength $2\pi/\theta_i$ (tokens)")
    ax_a.set_title("(a) RoPE: pairs above the line never turn once", fontsize=8.5)
    ax_a.legend(fontsize=6.5, loc="lower right")

    distance = np.arange(0, 2049)
    for h, m in enumerate(alibi_slopes(8)):
        ax_b.plot(distance, -m * distance, lw=1, label=f"m = 1/{round(1 / m)}"
                  if h in (0, 3, 7) else None)
    ax_b.set_ylim(-12, 0.5)
    ax_b.set_xscale("symlog", linthresh=10)
    ax_b.set_xlim(0, 2048)
    ax_b.set_xlabel("distance i - j (tokens)")
    ax_b.set_ylabel("bias added to the logit")
    ax_b.set_title("(b) ALiBi, 8 heads: distant keys fade", fontsize=8.5)
    ax_b.legend(fontsize=6.5, loc="lower left")
    return fig
