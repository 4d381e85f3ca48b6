"""Figures drawn from `snippets/alignment/distillation.py`: `plot_soft_targets`.

Plotting code only, kept apart from the code the page includes; matplotlib is imported
inside each function, and the build calls them to draw the page's figures.
"""

import numpy as np

from snippets.alignment.distillation import kd_grad, softmax_T

# A teacher's next-token logits after "The pet she adopted was a": the example of Q76.
TOKENS = ("cat", "dog", "rabbit", "car")
TEACHER_LOGITS = np.array([[10.0, 5.0, 2.0, 1.0]])
STUDENT_LOGITS = np.array([[4.0, 6.0, 1.0, 3.0]])


def plot_soft_targets():
    """Figure: softened teacher distributions, and the KD gradient's size against T."""
    import matplotlib.pyplot as plt

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(7.6, 3.2))
    x = np.arange(len(TOKENS))
    for i, (T, hatch) in enumerate(((1, ""), (2, "//"), (5, ".."))):
        p = softmax_T(TEACHER_LOGITS, T)[0]
        a1.bar(x + (i - 1) * 0.27, p, 0.27, color="white", edgecolor="black", hatch=hatch,
               label=f"T = {T}")
    a1.set_xticks(x, TOKENS)
    a1.set_ylabel("teacher probability")
    a1.set_title("softened targets", fontsize=9)
    a1.legend(fontsize=8, frameon=False)
    Ts = np.array([1, 1.5, 2, 3, 4, 6, 8, 12, 16, 20])
    with_t2 = [np.linalg.norm(kd_grad(STUDENT_LOGITS, TEACHER_LOGITS, T)) for T in Ts]
    without = [g / T**2 for g, T in zip(with_t2, Ts)]
    a2.loglog(Ts, with_t2, "o-", color="black", markersize=4, label="with $T^2$")
    a2.loglog(Ts, without, "s--", color="black", markersize=4, label="without $T^2$")
    a2.set_xlabel("temperature T")
    a2.set_ylabel("gradient norm w.r.t. student logits")
    a2.set_title("the $T^2$ factor keeps the gradient's scale", fontsize=9)
    a2.legend(fontsize=8, frameon=False)
    fig.tight_layout()
    return fig
