"""Training-stability tools: global-norm gradient clipping, the z-loss on the output
softmax, QK-norm attention logits, Adam's update size against its epsilon, and loss-spike
detection with PaLM's restart-and-skip plan.

Follows: Pascanu, Mikolov and Bengio (2013) for clipping by the global gradient norm;
Chowdhery et al. (2022, PaLM) for the z-loss 1e-4 log^2 Z and for restarting about 100
steps before a spike and skipping 200-500 batches; Dehghani et al. (2023) for normalising
queries and keys; Wortsman et al. (2024) for Adam's update shrinking once the gradient
RMS reaches epsilon.
Simplifications: one flat list of arrays stands for a model's gradients; Adam at its
steady state (second moment equal to the squared gradient, no bias correction); spikes
judged against a trailing median, not a fitted trend.
"""

import numpy as np

from snippets.transformer.collapse import qk_norm


def clip_by_global_norm(grads, max_norm: float):
    """Scale every gradient by min(1, max_norm / ||g||), ||g|| over all tensors together.

    grads: list of arrays -> (clipped list, norm before clipping). Direction is kept:
    only the length of the concatenated gradient changes.

    >>> g, n = clip_by_global_norm([np.array([3.0]), np.array([4.0])], 1.0)
    >>> n, g[0].item(), g[1].item()
    (5.0, 0.6000000000000001, 0.8)
    """
    norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads)))
    # subtle: clipping each tensor on its own would bend the direction of the update
    scale = 1.0 if norm <= max_norm else max_norm / norm
    return [g * scale for g in grads], norm


def log_partition(logits):
    """log Z = logsumexp of the logits, computed stably. logits: (N, V) -> (N,)."""
    m = logits.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(logits - m).sum(axis=-1, keepdims=True)))[:, 0]


def cross_entropy_with_z_loss(logits, targets, z_coef: float = 1e-4):
    """Mean cross-entropy plus z_coef * mean(log^2 Z), and its gradient in the logits.

    logits: (N, V), targets: (N,) ints -> (loss, dlogits (N, V)). The z term pulls
    log Z to 0, so the softmax is self-normalised and the logits cannot drift upwards.

    >>> loss, d = cross_entropy_with_z_loss(np.zeros((1, 4)), np.array([0]), 0.0)
    >>> round(loss, 4), d.round(2).tolist()  # log 4, softmax minus one-hot
    (1.3863, [[-0.75, 0.25, 0.25, 0.25]])
    """
    N = logits.shape[0]
    log_z = log_partition(logits)  # (N,)
    p = np.exp(logits - log_z[:, None])  # softmax, (N, V)
    ce = log_z - logits[np.arange(N), targets]
    loss = float(np.mean(ce + z_coef * log_z**2))
    # d(log Z)/d logits = p, so the z term adds 2 z_coef log Z p to each row
    onehot = np.zeros_like(p)
    onehot[np.arange(N), targets] = 1.0
    dlogits = (p - onehot + 2 * z_coef * log_z[:, None] * p) / N
    return loss, dlogits


def attention_logits(q, k, normalise: bool, gain: float = 1.0):
    """q k^T / sqrt(d), optionally after QK-norm with a scalar gain on q and k.

    q: (T_q, d), k: (T_k, d) -> (T_q, T_k). With QK-norm every |logit| <= gain^2 sqrt(d)
    whatever the size of q and k.

    >>> q, k = np.array([[30.0, 40.0]]), np.array([[3.0, 4.0]])
    >>> round(float(attention_logits(q, k, True)[0, 0]), 4)  # sqrt(2), not 250 / sqrt(2)
    1.4142
    """
    if normalise:
        q, k = gain * qk_norm(q), gain * qk_norm(k)
    return q @ k.T / np.sqrt(q.shape[-1])


def adam_update_rms(grad_rms, eps: float):
    """RMS of Adam's per-step update (before the learning rate) at its steady state.

    With m = g and v = g^2 the update is g / (|g| + eps): about 1 while |g| >> eps, and
    |g| / eps once the gradient falls below eps, so the layer stops learning.
    grad_rms: float or array -> same shape.

    >>> adam_update_rms(np.array([1e-3, 1e-8, 1e-10]), 1e-8).round(3).tolist()
    [1.0, 0.5, 0.01]
    """
    g = np.asarray(grad_rms, dtype=float)
    return g / (g + eps)


def find_spikes(losses, window: int = 50, factor: float = 1.2):
    """Steps whose loss exceeds factor times the median of the previous window steps.

    losses: (S,) -> list of step indices (steps before a full window are never flagged).

    >>> find_spikes([2.0] * 10 + [3.0] + [2.0] * 5, window=5)
    [10]
    """
    losses = np.asarray(losses, dtype=float)
    return [t for t in range(window, len(losses))
            if losses[t] > factor * np.median(losses[t - window:t])]


def restart_and_skip(spike_step: int, ckpt_every: int, rewind: int = 100,
                     skip: int = 300):
    """PaLM's recipe: resume from the last checkpoint at least rewind steps before the
    spike, and skip the data batches from there until skip batches past that point.

    -> (resume step, first batch used again). Batches [resume, resume + skip) are never
    seen; the model state and the data order are what change, not the hyperparameters.

    >>> restart_and_skip(10_250, ckpt_every=50)
    (10150, 10450)
    """
    resume = ((spike_step - rewind) // ckpt_every) * ckpt_every
    return resume, resume + skip
