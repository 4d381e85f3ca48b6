"""LayerNorm and RMSNorm over the feature axis, forward and backward.

Follows: Ba, Kiros and Hinton (2016) for LayerNorm; Zhang and Sennrich (2019) for RMSNorm,
which drops the mean subtraction and the bias.
Simplifications: the learned gain is kept, LayerNorm's bias is left out (most current
models drop it); eps inside the square root as in PyTorch.

Both normalise each position on its own, so neither has a train/eval difference (unlike
BatchNorm, whose batch statistics are replaced by running averages at evaluation).
"""

import numpy as np

EPS = 1e-5


def layer_norm(x, g, eps=EPS) -> np.ndarray:
    """g * (x - mean) / sqrt(var + eps), last axis. x: (..., d), g: (d,) -> (..., d).

    >>> layer_norm(np.array([1.0, 2.0, 3.0]), np.ones(3), eps=0).round(4)
    array([-1.2247,  0.    ,  1.2247])
    """
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + eps)


def rms_norm(x, g, eps=EPS) -> np.ndarray:
    """g * x / sqrt(mean(x^2) + eps), last axis. x: (..., d), g: (d,) -> (..., d).

    >>> rms_norm(np.array([3.0, -4.0]), np.ones(2), eps=0).round(4)  # rms = 3.5355
    array([ 0.8485, -1.1314])
    """
    return g * x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)


def norm_backward(kind, x, g, dy, eps=EPS):
    """Gradients of layer_norm or rms_norm from the saved input x alone.

    kind: "layer" or "rms"; x, dy: (..., d), g: (d,) -> (dx (..., d), dg (d,)).
    The statistics are recomputed from x, which is why only x needs to be saved.

    >>> x = np.array([[1.0, 2.0, 4.0]])
    >>> norm_backward("rms", x, np.ones(3), np.zeros((1, 3)))[0]
    array([[0., 0., 0.]])
    """
    d = x.shape[-1]
    if kind == "layer":
        x = x - x.mean(axis=-1, keepdims=True)
    r = 1.0 / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps)
    xhat = x * r
    dg = np.sum(dy * xhat, axis=tuple(range(dy.ndim - 1)))
    dxhat = dy * g
    # Gradient of xhat = x * r(x): remove the component along xhat (the scale).
    dx = r * (dxhat - xhat * np.sum(dxhat * xhat, axis=-1, keepdims=True) / d)
    if kind == "layer":
        # subtle: the mean subtraction also removes the mean of the gradient.
        dx = dx - dx.mean(axis=-1, keepdims=True)
    return dx, dg


NORMS = {"layer": layer_norm, "rms": rms_norm}
