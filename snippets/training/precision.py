"""What changes at scale: the ranges of the low-precision formats and where they overflow,
bfloat16 rounding, outlier feature dimensions, and muP's width scaling of Adam's step.

Follows: IEEE 754 for fp32 and fp16; Kalamkar et al. (2019) for bfloat16; Micikevicius et
al. (2022) for the FP8 formats E4M3 and E5M2; Dettmers et al. (2022, LLM.int8()) for the
outlier criterion (magnitude at least 6 in at least 6% of the sequence); Yang et al.
(2022, Tensor Programs V) for muP's 1/width learning rate of Adam on hidden matrices.
Simplifications: format limits from bit counts only (no rounding modes beyond
round-to-nearest-even for bfloat16); outliers judged in one layer, not across 25% of
layers; the muP step is one sign-like Adam update of a single hidden matrix.
"""

import numpy as np

from snippets.specs import FORMATS


def format_limits(name: str) -> dict:
    """Largest finite, smallest normal, smallest subnormal value and machine epsilon.

    name: a key of snippets.specs.FORMATS -> dict of floats.

    >>> format_limits("fp16")["max"], format_limits("fp8_e4m3")["max"]
    (65504.0, 448.0)
    """
    e, m, has_inf = FORMATS[name]
    bias = 2 ** (e - 1) - 1
    if has_inf:  # IEEE: the all-ones exponent is reserved for inf and NaN
        top, frac = 2**e - 2 - bias, 2.0 - 2.0**-m
    else:  # subtle: E4M3 uses its top exponent too, minus one NaN mantissa
        top, frac = 2**e - 1 - bias, 2.0 - 2.0 ** -(m - 1)
    return {"max": frac * 2.0**top, "min_normal": 2.0 ** (1 - bias),
            "min_subnormal": 2.0 ** (1 - bias - m), "eps": 2.0**-m}


def to_bf16(x):
    """Round float32 values to the nearest bfloat16 (ties to even), returned as float32.

    x: array -> float32 array of the same shape; bfloat16 is the top 16 bits of float32.

    >>> to_bf16(np.array([1.00390625, 1.01171875, 70000.0], dtype=np.float32)).tolist()
    [1.0, 1.015625, 70144.0]
    """
    b = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    lsb = (b >> 16) & 1  # the last kept bit decides ties
    b = ((b + 0x7FFF + lsb) >> 16) << 16
    return b.astype(np.uint32).view(np.float32)


def rms_in(x, dtype):
    """sqrt(mean(x^2)) with every step in dtype, as a norm layer would compute it.

    x: (d,) -> float. In float16 a single entry above 256 squares past 65,504 and the
    result is inf, however harmless the vector's RMS.

    >>> x = np.array([300.0, 1.0])
    >>> rms_in(x, np.float16), round(rms_in(x, np.float32), 2)
    (inf, 212.13)
    """
    x = np.asarray(x).astype(dtype)
    with np.errstate(over="ignore"):
        sq = x * x  # the overflow happens here, before the mean
        return float(np.sqrt(np.mean(sq, dtype=dtype)))


def outlier_dims(h, threshold: float = 6.0, min_frac: float = 0.06):
    """Feature dimensions where |h| >= threshold in at least min_frac of the tokens.

    h: (T, d) hidden states of one layer -> sorted list of dimension indices.

    >>> h = np.zeros((10, 4)); h[:, 2] = 8.0; h[0, 1] = 9.0
    >>> outlier_dims(h, min_frac=0.2)
    [2]
    """
    frac = (np.abs(h) >= threshold).mean(axis=0)  # (d,) share of tokens
    return [int(j) for j in np.flatnonzero(frac >= min_frac)]


def mup_adam_lr(base_lr: float, base_width: int, width: int) -> float:
    """muP learning rate of Adam for a hidden (width x width) matrix: base_lr * base/width.

    >>> mup_adam_lr(1e-2, 256, 4096)
    0.000625
    """
    return base_lr * base_width / width


def hidden_change_rms(x, g, lr: float) -> float:
    """RMS change of h = W x after one sign-like Adam step on W, dW = -lr sign(g x^T).

    x: (n,) layer input, g: (m,) gradient at the output -> float. Every entry of the
    step has size lr and lines up with x, so the change is lr * sum|x|: it grows
    linearly with the width n unless lr shrinks as 1/n.

    >>> hidden_change_rms(np.ones(4), np.ones(3), 0.1)
    0.4
    """
    dW = -lr * np.sign(np.outer(g, x))  # (m, n), Adam's update when |g_t| >> eps
    return float(np.sqrt(np.mean((dW @ x) ** 2)))
