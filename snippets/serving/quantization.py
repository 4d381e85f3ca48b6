"""Uniform integer quantization: symmetric or zero-point, three granularities.

Follows: the affine scheme r = S (q - Z) of Jacob et al. (2018); its absmax
(symmetric) case as in LLM.int8() (Dettmers et al., 2022); per-group scales as
in GPTQ (Frantar et al., 2023) and AWQ (Lin et al., 2024).
Simplifications: round-to-nearest (half to even, as `np.rint`), no clipping
search; scales kept in float64 (kernels store fp16 scales and pack two INT4
codes per byte).
"""

import numpy as np


def block_size(shape, granularity, group_size=128):
    """Number of consecutive elements that share one scale.

    W: (d_out, d_in), row-major: a row is an output channel, a group is
    `group_size` consecutive input weights of one row.
    >>> [block_size((4, 256), g, 64) for g in ("tensor", "channel", "group")]
    [1024, 256, 64]
    """
    if granularity == "tensor":
        return int(np.prod(shape))
    if granularity == "channel":
        return shape[-1]
    if granularity == "group":
        if shape[-1] % group_size:
            raise ValueError(f"d_in={shape[-1]} is not a multiple of "
                             f"group_size={group_size}")
        return group_size
    raise ValueError(f"unknown granularity {granularity!r}")


def quantize(x, bits=8, symmetric=True, block=None):
    """Quantize x to `bits`-bit codes, one (scale, zero) per block.

    x: any shape, x.size % block == 0 -> q: int64 like x,
    scale: (n_blocks,), zero: (n_blocks,)
    >>> q, s, z = quantize(np.array([-2.8, -1.1, 0.0, 0.5, 1.3]), bits=4)
    >>> q.tolist(), s.round(6).tolist(), z.tolist()
    ([-7, -3, 0, 1, 3], [0.4], [0])
    """
    x = np.asarray(x, dtype=np.float64)
    if x.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(x.shape, dtype=np.int64), np.zeros(0), empty
    block = x.size if block is None else block
    xb = x.reshape(-1, block)  # (n_blocks, block)
    if symmetric:
        # absmax: [-max|x|, max|x|] -> [-(2^(b-1)-1), 2^(b-1)-1], z = 0
        qmin, qmax = -(2 ** (bits - 1) - 1), 2 ** (bits - 1) - 1
        scale = np.abs(xb).max(axis=1) / qmax
        zero = np.zeros(len(xb), dtype=np.int64)
    else:
        # zero-point: [lo, hi] -> [0, 2^b - 1]; the range contains 0
        qmin, qmax = 0, 2**bits - 1
        lo = np.minimum(xb.min(axis=1), 0.0)
        hi = np.maximum(xb.max(axis=1), 0.0)
        scale = (hi - lo) / qmax
    # subtle: an all-zero block has scale 0; any positive scale codes it
    scale = np.where(scale > 0, scale, 1.0)
    if not symmetric:
        zero = np.rint(-lo / scale).astype(np.int64)  # real 0 -> code z
    q = np.rint(xb / scale[:, None]) + zero[:, None]
    q = np.clip(q, qmin, qmax).astype(np.int64)
    return q.reshape(x.shape), scale, zero


def dequantize(q, scale, zero):
    """Map codes back to reals, x_hat = scale * (q - zero), block by block.

    q: any shape, scale and zero: (n_blocks,) -> x_hat: like q, float64
    >>> s, z = np.array([0.2]), np.array([5])
    >>> dequantize(np.array([0, 5, 15]), s, z).round(6).tolist()
    [-1.0, 0.0, 2.0]
    """
    q = np.asarray(q)
    if q.size == 0:
        return np.zeros(q.shape)
    qb = q.reshape(len(scale), -1)  # (n_blocks, block)
    return (scale[:, None] * (qb - zero[:, None])).reshape(q.shape)


def fake_quantize(x, bits=8, symmetric=True, granularity="tensor",
                  group_size=128):
    """Round trip x -> codes -> reals (what the matmul effectively sees).

    x: (..., d_in) -> x_hat: same shape
    >>> x = np.array([[0.0, 0.45, 1.25, 3.0]])
    >>> fake_quantize(x, bits=4, symmetric=False).round(6).tolist()
    [[0.0, 0.4, 1.2, 3.0]]
    """
    x = np.asarray(x, dtype=np.float64)
    block = block_size(x.shape, granularity, group_size)
    return dequantize(*quantize(x, bits, symmetric, block))


def relative_error(x, x_hat):
    """Frobenius-norm error relative to x: ||x - x_hat|| / ||x||.

    >>> relative_error(np.array([3.0, 4.0]), np.array([3.0, 3.0]))
    0.2
    """
    return float(np.linalg.norm(np.asarray(x) - x_hat) / np.linalg.norm(x))


def bits_per_weight(bits, group_size=None, scale_bits=16, zero_bits=0):
    """Storage per weight, including the per-group scale and zero-point.

    >>> bits_per_weight(4, group_size=128)
    4.125
    """
    if group_size is None:
        return float(bits)
    return bits + (scale_bits + zero_bits) / group_size


def weight_gb(n_params, bits):
    """Weight memory in GB (10^9 bytes) for n_params weights of `bits` bits.

    >>> weight_gb(70e9, 16)
    140.0
    """
    return n_params * bits / 8 / 1e9


def error_vs_bits(W, bit_widths=(2, 3, 4, 5, 6, 8), group_size=128):
    """Relative round-trip error of symmetric quantization, per granularity.

    W: (d_out, d_in) -> {granularity: [error for each bit width]}
    """
    return {g: [relative_error(W, fake_quantize(W, b, True, g, group_size))
                for b in bit_widths]
            for g in ("tensor", "channel", "group")}
