"""The RL side of RLHF: PPO's clipped objective, the per-token KL penalty and its
estimators, GRPO's group-normalised advantage, and the memory of the models each keeps.

PPO maximises E[min(rho A, clip(rho, 1 - eps, 1 + eps) A)], rho = pi / pi_old, so one batch
of samples can be reused for a few gradient steps without the policy moving far. RLHF adds
a penalty beta log(pi / pi_ref) to every sampled token's reward so that the policy stays
near the supervised model the reward model was trained on. GRPO drops the learned value
function and uses the reward of each response relative to the others sampled for the same
prompt as its advantage.

Follows: Schulman et al. (2017), Eq. 7, for the clipped objective; Ziegler et al. (2019)
and Ouyang et al. (2022), Eq. 2, for the per-token KL penalty; Schulman (2020) for the KL
estimators k1, k2, k3; Shao et al. (2024), Sec. 4.1, for GRPO's advantage and its k3
penalty; Liu et al. (2025) for Dr. GRPO's unscaled advantage.
Simplifications: sequences are flat arrays of per-token log-probabilities; no value
function or GAE, no entropy bonus, no value clipping; the group standard deviation has
ddof = 0 by default (implementations differ).
"""

import numpy as np

from snippets.specs import BYTES
from snippets.training.memory import model_state_bytes


def ppo_clip_objective(logp, logp_old, adv, eps=0.2):
    """PPO's clipped surrogate, to maximise, and its gradient: (N,) -> (scalar, (N,)).

    >>> obj, g = ppo_clip_objective(np.log([1.5]), np.zeros(1), np.ones(1))
    >>> round(obj, 4), float(g[0])
    (1.2, 0.0)
    """
    rho = np.exp(np.asarray(logp) - logp_old)  # importance ratio pi / pi_old
    unclipped = rho * adv
    clipped = np.clip(rho, 1.0 - eps, 1.0 + eps) * adv
    obj = np.minimum(unclipped, clipped)
    # subtle: the gradient is rho * A where the unclipped term is the minimum, else 0;
    # clipping only stops moves that would improve the objective further.
    active = unclipped <= clipped
    grad = np.where(active, unclipped, 0.0) / rho.shape[0]
    return float(obj.mean()), grad


def kl_penalised_rewards(score, logp, logp_ref, beta=0.05):
    """Per-token rewards of one response: -beta log(pi/pi_ref) at every token, plus the
    reward model's score on the last: score scalar, logp, logp_ref (T,) -> (T,).

    >>> kl_penalised_rewards(1.0, np.array([-1.0, -2.0]), np.array([-1.5, -3.0]), 0.5)
    array([-0.25,  0.5 ])
    """
    rewards = -beta * (np.asarray(logp, dtype=float) - logp_ref)
    rewards[-1] += score  # the score arrives once, at the end of the sequence
    return rewards


def kl_estimators(logp, logp_ref):
    """Per-sample estimators of KL(pi || pi_ref), tokens sampled from pi: (N,) -> 3 x (N,).

    With log r = log pi_ref - log pi: k1 = -log r (unbiased, can be negative),
    k2 = (log r)^2 / 2 (biased, low variance), k3 = (r - 1) - log r (unbiased, >= 0).

    >>> k1, k2, k3 = kl_estimators(np.log([0.5]), np.log([0.25]))
    >>> round(float(k1[0]), 4), round(float(k3[0]), 4)
    (0.6931, 0.1931)
    """
    log_r = np.asarray(logp_ref, dtype=float) - logp
    k1 = -log_r
    k2 = 0.5 * log_r ** 2
    # subtle: expm1 keeps r - 1 accurate when the policy is close to the reference.
    k3 = np.expm1(log_r) - log_r
    return k1, k2, k3


def grpo_advantages(rewards, scale=True, eps=1e-6, ddof=0):
    """Group-normalised advantages: rewards (n_prompts, G) of G responses per prompt ->
    (n_prompts, G). scale=False is Dr. GRPO (mean-centred, not divided by the std);
    ddof=1 uses the sample standard deviation, as TRL does.

    >>> grpo_advantages(np.array([[1.0, 0.0, 0.0, 1.0]])).round(3)
    array([[ 1., -1., -1.,  1.]])
    """
    r = np.asarray(rewards, dtype=float)
    adv = r - r.mean(axis=-1, keepdims=True)  # baseline: the group's mean reward
    if scale:
        # subtle: a group whose rewards are all equal gives zero advantage, hence no signal.
        adv = adv / (r.std(axis=-1, ddof=ddof, keepdims=True) + eps)
    return adv


# Which models each method keeps on the GPUs, and whether each is trained.
RLHF_MODELS = {
    "sft": {"policy": True},
    "ppo": {"policy": True, "value": True, "reference": False, "reward": False},
    "grpo": {"policy": True, "reference": False, "reward": False},
    "dpo": {"policy": True, "reference": False},
}


def rlhf_memory_bytes(n_params, method="ppo", n_gpus=1, zero_stage=0):
    """Bytes per GPU of each model a method keeps, all of n_params parameters: dict.

    Trained models carry bf16 weights and gradients and fp32 Adam state (16 bytes per
    parameter, sharded by ZeRO); frozen ones only bf16 weights (replicated).

    >>> {k: v / 1e9 for k, v in rlhf_memory_bytes(1e9, "dpo").items()}
    {'policy': 16.0, 'reference': 2.0}
    """
    return {name: (model_state_bytes(n_params, n_gpus, zero_stage) if trained
                   else BYTES["bf16"] * n_params)
            for name, trained in RLHF_MODELS[method].items()}
