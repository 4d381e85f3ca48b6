"""Tests of snippets/alignment/rl.py: PPO clipping, KL penalty and estimators, GRPO and
memory."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from snippets.alignment.rl import (RLHF_MODELS, grpo_advantages, kl_estimators,
                                   kl_penalised_rewards, ppo_clip_objective,
                                   rlhf_memory_bytes)
from snippets.serving.capacity import param_count
from snippets.specs import LLAMA3_8B


def naive_ppo(logp, logp_old, adv, eps):
    total = 0.0
    for lp, lo, a in zip(logp, logp_old, adv):
        rho = np.exp(lp - lo)
        total += min(rho * a, max(min(rho, 1 + eps), 1 - eps) * a)
    return total / len(adv)


def test_ppo_matches_a_loop_and_finite_differences():
    rng = np.random.default_rng(0)
    logp_old = -3 + rng.standard_normal(64)
    logp = logp_old + 0.3 * rng.standard_normal(64)
    adv = rng.standard_normal(64)
    obj, grad = ppo_clip_objective(logp, logp_old, adv)
    assert_allclose(obj, naive_ppo(logp, logp_old, adv, 0.2), rtol=1e-12)
    h = 1e-7
    for i in range(64):
        e = np.zeros(64)
        e[i] = h
        num = (ppo_clip_objective(logp + e, logp_old, adv)[0]
               - ppo_clip_objective(logp - e, logp_old, adv)[0]) / (2 * h)
        assert_allclose(grad[i], num, rtol=1e-5, atol=1e-9)


@pytest.mark.parametrize("rho, adv, clipped", [
    (1.5, 1.0, True),    # good action already made 50% likelier: no further push
    (1.5, -1.0, False),  # bad action made likelier: still pushed back down
    (0.5, -1.0, True),   # bad action already made rarer: no further push
    (0.5, 1.0, False),   # good action made rarer: still pushed back up
    (1.1, 1.0, False),   # inside the trust region: ordinary policy gradient
])
def test_ppo_clipping_is_one_sided(rho, adv, clipped):
    obj, grad = ppo_clip_objective(np.log([rho]), np.zeros(1), np.array([adv]), eps=0.2)
    assert (grad[0] == 0.0) == clipped
    if not clipped:
        assert_allclose(grad[0], rho * adv)
    # The objective never exceeds the unclipped surrogate: a pessimistic bound.
    assert obj <= rho * adv + 1e-12


def test_ppo_on_policy_is_the_mean_advantage():
    adv = np.array([0.5, -1.0, 2.0])
    obj, grad = ppo_clip_objective(np.zeros(3), np.zeros(3), adv)
    assert_allclose(obj, adv.mean())
    assert_allclose(grad, adv / 3)


def test_kl_penalised_rewards_sum_and_reference_policy():
    rng = np.random.default_rng(1)
    logp, logp_ref = -rng.random(10), -rng.random(10)
    r = kl_penalised_rewards(2.0, logp, logp_ref, beta=0.1)
    assert_allclose(r.sum(), 2.0 - 0.1 * np.sum(logp - logp_ref), rtol=1e-12)
    # A policy equal to the reference pays nothing: only the final score remains.
    assert_allclose(kl_penalised_rewards(2.0, logp, logp, 0.1), np.r_[np.zeros(9), 2.0])


@pytest.fixture
def two_policies():
    # A 50-token vocabulary: a reference and a policy tilted away from it, KL = 0.184 nats.
    rng = np.random.default_rng(0)
    ref = rng.dirichlet(np.ones(50))
    pol = ref * np.exp(0.6 * rng.standard_normal(50))
    return pol / pol.sum(), ref


def test_kl_estimator_bias_exact_and_by_sampling(two_policies):
    pol, ref = two_policies
    kl = np.sum(pol * np.log(pol / ref))
    assert_allclose(kl, 0.184, atol=5e-4)
    # Exact expectations under the policy: k1 and k3 are unbiased, k2 overshoots by 2.5%.
    e1, e2, e3 = (np.sum(pol * k) for k in kl_estimators(np.log(pol), np.log(ref)))
    assert_allclose([e1, e3], kl, rtol=1e-10)
    assert_allclose(e2 / kl, 1.025, atol=1e-3)
    # The same seen by sampling 100,000 tokens, within four standard errors.
    x = np.random.default_rng(1).choice(50, size=100_000, p=pol)
    k1, k2, k3 = kl_estimators(np.log(pol[x]), np.log(ref[x]))
    for k, e in ((k1, e1), (k2, e2), (k3, e3)):
        assert abs(k.mean() - e) < 4 * k.std() / np.sqrt(x.size)
    # k1 is negative on some tokens, k3 never; k3 has about a third of k1's spread here.
    assert (k1 < 0).any() and (k3 >= 0).all()
    assert_allclose(k1.std() / k3.std(), 2.9, atol=0.1)


def test_kl_estimators_vanish_at_the_reference():
    lp = np.log(np.array([0.1, 0.2, 0.7]))
    for k in kl_estimators(lp, lp):
        assert_allclose(k, 0.0, atol=1e-15)


def test_grpo_hand_worked_and_invariants():
    # Two of four responses correct: advantages +1 and -1 (std 0.5, mean 0.5).
    a = grpo_advantages(np.array([[1.0, 0, 0, 1]]))
    assert_allclose(a, [[1, -1, -1, 1]], atol=1e-5)
    rng = np.random.default_rng(2)
    r = rng.random((5, 8))
    a = grpo_advantages(r)
    assert_allclose(a.mean(axis=1), 0, atol=1e-12)
    assert_allclose(a.std(axis=1), 1, atol=1e-4)
    # Invariant to a positive affine change of the reward, per group.
    assert_allclose(grpo_advantages(3 * r + 7), a, atol=1e-5)
    # Dr. GRPO only centres.
    assert_allclose(grpo_advantages(r, scale=False), r - r.mean(axis=1, keepdims=True))


def test_grpo_all_equal_group_gives_no_signal():
    a = grpo_advantages(np.array([[1.0, 1, 1, 1], [0, 0, 0, 0], [0, 1, 0, 0]]))
    assert_allclose(a[:2], 0.0)
    assert np.abs(a[2]).max() > 0
    # One correct answer out of four: +1.73 for it, -0.58 for the others.
    assert_allclose(a[2], [-0.577, 1.732, -0.577, -0.577], atol=1e-3)


def test_grpo_sample_std_variant():
    # With the sample standard deviation (ddof = 1, TRL's choice) the same groups give
    # +1.5 / -0.5 and +-0.87: the advantages are those of ddof = 0 times sqrt((G-1)/G).
    r = np.array([[0.0, 1, 0, 0], [1, 0, 0, 1]])
    a1 = grpo_advantages(r, ddof=1)
    assert_allclose(a1, [[-0.5, 1.5, -0.5, -0.5], [0.866, -0.866, -0.866, 0.866]],
                    atol=1e-3)
    assert_allclose(a1, grpo_advantages(r) * np.sqrt(3 / 4), atol=1e-5)
    assert_allclose(a1.std(axis=1, ddof=1), 1, atol=1e-4)


def test_rlhf_memory_of_llama3_8b():
    n = param_count(LLAMA3_8B)
    gb = {m: sum(rlhf_memory_bytes(n, m).values()) / 1e9 for m in RLHF_MODELS}
    assert_allclose([gb["sft"], gb["dpo"], gb["grpo"], gb["ppo"]],
                    [128.5, 144.5, 160.6, 289.1], atol=0.05)
    # PPO keeps 2.25x the model states of SFT; fully sharded over 8 GPUs: 64 GB each.
    assert_allclose(gb["ppo"] / gb["sft"], 2.25)
    sharded = sum(rlhf_memory_bytes(n, "ppo", n_gpus=8, zero_stage=3).values()) / 1e9
    assert_allclose(sharded, 64.2, atol=0.05)


def test_plot_ppo_clip_draws_two_panels():
    import matplotlib
    matplotlib.use("Agg")
    from snippets.alignment.rl_plots import plot_ppo_clip
    fig = plot_ppo_clip()
    assert len(fig.axes) == 2


def test_dropping_the_value_model_saves_44_percent():
    n = param_count(LLAMA3_8B)
    ppo, grpo = (sum(rlhf_memory_bytes(n, m).values()) for m in ("ppo", "grpo"))
    assert_allclose(1 - grpo / ppo, 0.444, atol=5e-4)


def _softmax(theta):
    e = np.exp(theta - theta.max())
    return e / e.sum()


def test_kl_estimators_as_losses_have_other_gradients():
    # Policy q = softmax(theta), reference p. The exact expected gradient of each estimator,
    # taken with the samples held fixed (as autodiff does), under x ~ q.
    rng = np.random.default_rng(3)
    theta, p = rng.standard_normal(6), rng.dirichlet(np.ones(6))
    q = _softmax(theta)
    jac = np.eye(6) - q  # row x: d log q(x) / d theta for a softmax

    def expected_grad(k):
        h = 1e-6
        g = np.zeros(6)
        for j in range(6):
            e = np.zeros(6)
            e[j] = h
            kp = k(np.log(_softmax(theta + e)), np.log(p))
            km = k(np.log(_softmax(theta - e)), np.log(p))
            g[j] = q @ ((kp - km) / (2 * h))
        return g

    def k1(lq, lp):
        return kl_estimators(lq, lp)[0]

    def k3(lq, lp):
        return kl_estimators(lq, lp)[2]

    reverse_kl = q * (np.log(q / p) - np.sum(q * np.log(q / p)))  # d KL(q||p) / d theta
    forward_kl = -(p @ jac)  # d KL(p||q) / d theta = q - p
    # k1 as a loss has zero expected gradient; k3 gives the forward KL's, not the reverse's.
    assert_allclose(expected_grad(k1), 0.0, atol=1e-8)
    assert_allclose(expected_grad(k3), forward_kl, atol=1e-8)
    assert_allclose(forward_kl, q - p, atol=1e-12)
    assert not np.allclose(expected_grad(k3), reverse_kl, atol=1e-3)
