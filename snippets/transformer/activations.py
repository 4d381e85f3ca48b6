"""Activation functions of transformer feed-forward layers, and their derivatives.

ReLU, GELU (exact, and the tanh approximation that GPT-2's code and Gemma use), SiLU
(Swish with beta = 1), the sigmoid, and the gated linear unit family: GLU, ReGLU, GeGLU,
SwiGLU and the bilinear (no activation) variant.

Follows: Nair and Hinton (2010) for ReLU; Hendrycks and Gimpel (2016) for GELU and its tanh
approximation; Elfwing et al. (2018) and Ramachandran et al. (2017) for SiLU/Swish;
Dauphin et al. (2017) for the GLU; Shazeer (2020) for the GLU variants in the FFN.
Simplifications: float64 NumPy on the CPU; the exact GELU evaluates erf with math.erf
element by element (NumPy has no erf), which is slow but exact to double precision;
no biases in the gated units, as in Shazeer (2020) and the Llama family.
"""

import math

import numpy as np

_erf = np.vectorize(math.erf, otypes=[float])
SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)
GELU_TANH_C = 0.044715  # the cubic coefficient of Hendrycks and Gimpel's approximation


def relu(x):
    """max(0, x), elementwise. x: any shape -> same shape.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    return np.maximum(x, 0.0)


def relu_grad(x):
    """d relu / dx: 1 for x > 0, else 0 (the subgradient 0 is taken at x = 0).

    >>> relu_grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    return (np.asarray(x) > 0).astype(float)


def sigmoid(x):
    """1 / (1 + exp(-x)), computed without overflow for large |x|.

    >>> float(sigmoid(np.array(0.0)))
    0.5
    """
    x = np.asarray(x, dtype=float)
    # subtle: exp(-x) overflows for x << 0; use exp(x) / (1 + exp(x)) there.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def gelu(x):
    """GELU(x) = x * Phi(x), Phi the standard normal CDF: the exact form.

    >>> round(float(gelu(np.array(1.0))), 6)
    0.841345
    """
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    """The tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).

    >>> round(float(gelu_tanh(np.array(1.0))), 6)
    0.841192
    """
    x = np.asarray(x, dtype=float)
    return 0.5 * x * (1.0 + np.tanh(SQRT_2_OVER_PI * (x + GELU_TANH_C * x ** 3)))


def gelu_grad(x):
    """d GELU / dx = Phi(x) + x phi(x), phi the standard normal density.

    >>> float(gelu_grad(np.array(0.0)))
    0.5
    """
    x = np.asarray(x, dtype=float)
    Phi = 0.5 * (1.0 + _erf(x / math.sqrt(2.0)))
    phi = np.exp(-0.5 * x ** 2) / math.sqrt(2.0 * math.pi)
    return Phi + x * phi


def silu(x, beta=1.0):
    """Swish_beta(x) = x * sigmoid(beta x); beta = 1 is SiLU.

    >>> float(silu(np.array(0.0)))
    0.0
    """
    x = np.asarray(x, dtype=float)
    return x * sigmoid(beta * x)


def silu_grad(x, beta=1.0):
    """d Swish_beta / dx = s + beta x s (1 - s), with s = sigmoid(beta x).

    >>> float(silu_grad(np.array(0.0)))
    0.5
    """
    x = np.asarray(x, dtype=float)
    s = sigmoid(beta * x)
    return s + beta * x * s * (1.0 - s)


# The activation applied to the gate branch of each GLU variant (Shazeer, 2020, Table 1).
GATES = {
    "glu": sigmoid,
    "bilinear": lambda z: z,
    "reglu": relu,
    "geglu": gelu,
    "swiglu": silu,
}


def gated_unit(x, W, V, variant="swiglu"):
    """GLU family: act(x W) * (x V), elementwise product of a gate and a linear branch.

    x: (..., d), W, V: (d, d_ff) -> (..., d_ff).

    >>> x = np.array([[2.0, 3.0]])
    >>> gated_unit(x, np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]), "bilinear")
    array([[6.]])
    """
    # Gate branch: decides, per hidden unit, how much of the linear branch passes.
    gate = GATES[variant](x @ W)  # (..., d_ff)
    return gate * (x @ V)  # (..., d_ff)
