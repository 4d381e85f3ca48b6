"""Preference losses: the Bradley-Terry reward-model loss, DPO, and DPO's relatives.

A reward model r(x, y) is fitted to pairs (y_w preferred to y_l) by maximising the
Bradley-Terry likelihood P(y_w > y_l) = sigmoid(r(x, y_w) - r(x, y_l)). DPO notices that
the optimum of the KL-regularised RL objective, pi*(y|x) proportional to
pi_ref(y|x) exp(r(x, y) / beta), can be inverted: r(x, y) = beta log pi(y|x)/pi_ref(y|x)
+ beta log Z(x). Substituted into Bradley-Terry, the partition function Z(x) cancels, and
the policy itself is fitted to the preferences with a classification loss.

Follows: Bradley and Terry (1952); Ouyang et al. (2022), Eq. 1, for the reward-model loss;
Rafailov et al. (2023), Eq. 4-7, for DPO; Azar et al. (2024), Eq. 17, for IPO; Meng et al.
(2024), Eq. 6, for SimPO.
Simplifications: inputs are summed (or, for SimPO, mean) log-probabilities of whole
responses, already computed by a model; no batching over prompts with K > 2 responses
(InstructGPT's K-choose-2 comparisons), no label smoothing.
"""

import numpy as np


def log_sigmoid(z):
    """log sigmoid(z), stable for large |z|: (...) -> (...).

    >>> round(float(log_sigmoid(0.0)), 4)
    -0.6931
    """
    z = np.asarray(z, dtype=float)
    # subtle: -log(1 + exp(-z)) overflows for z << 0; logaddexp does not.
    return -np.logaddexp(0.0, -z)


def bradley_terry_loss(r_w, r_l):
    """Mean negative log-likelihood of the preferences: r_w, r_l (B,) -> scalar.

    r_w is the reward of the preferred response, r_l of the rejected one.

    >>> round(float(bradley_terry_loss(np.array([1.0]), np.array([0.0]))), 4)
    0.3133
    """
    return float(-np.mean(log_sigmoid(np.asarray(r_w) - np.asarray(r_l))))


def dpo_implicit_reward(logp, logp_ref, beta):
    """DPO's implicit reward beta log pi(y|x) / pi_ref(y|x), without beta log Z(x): (B,).

    >>> float(dpo_implicit_reward(np.array([-10.0]), np.array([-12.0]), 0.1)[0])
    0.2
    """
    return beta * (np.asarray(logp, dtype=float) - np.asarray(logp_ref, dtype=float))


def dpo_loss(logp_w, logp_l, ref_w, ref_l, beta=0.1):
    """DPO loss and its gradient with respect to the policy log-probabilities.

    logp_w, logp_l: (B,) summed log pi(y|x) of the chosen and rejected responses;
    ref_w, ref_l: (B,) the same under the frozen reference.
    Returns (loss, dloss/dlogp_w, dloss/dlogp_l).

    >>> loss, g_w, g_l = dpo_loss(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1))
    >>> round(loss, 4), round(float(g_w[0]), 4)
    (0.6931, -0.05)
    """
    # Implicit reward margin; log Z(x) is the same for both responses and cancels.
    margin = (dpo_implicit_reward(logp_w, ref_w, beta)
              - dpo_implicit_reward(logp_l, ref_l, beta))
    loss = -np.mean(log_sigmoid(margin))
    # d/dm [-log sigmoid(m)] = -sigmoid(-m): large when the pair is ranked wrongly.
    weight = 1.0 / (1.0 + np.exp(margin))
    b = margin.shape[0]
    return float(loss), -beta * weight / b, beta * weight / b


def ipo_loss(logp_w, logp_l, ref_w, ref_l, tau=0.1):
    """IPO: squared regression of the log-ratio margin onto 1 / (2 tau): (B,) -> scalar.

    >>> ipo_loss(np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1), tau=0.5)
    1.0
    """
    h = (np.asarray(logp_w) - ref_w) - (np.asarray(logp_l) - ref_l)
    return float(np.mean((h - 1.0 / (2.0 * tau)) ** 2))


def simpo_loss(mean_logp_w, mean_logp_l, beta=2.0, gamma=1.0):
    """SimPO: length-normalised log-probabilities, no reference, a margin gamma: scalar.

    >>> round(simpo_loss(np.array([-1.0]), np.array([-1.5]), beta=2.0, gamma=1.0), 4)
    0.6931
    """
    z = beta * (np.asarray(mean_logp_w) - np.asarray(mean_logp_l)) - gamma
    return float(-np.mean(log_sigmoid(z)))
