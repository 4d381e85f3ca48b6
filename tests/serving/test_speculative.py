"""Tests of snippets/serving/speculative.py: speculative sampling reproduces the target exactly."""

from collections import Counter
from itertools import product

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.spatial.distance import cityblock

from snippets.serving.roofline import H100_SXM, critical_batch, decode_step_time
from snippets.serving.speculative import (acceptance_rate, arithmetic_ops_factor,
                                  expected_tokens_per_call, optimal_gamma, residual,
                                  speculative_step, step_distribution, walltime_speedup)
from snippets.serving.speculative_plots import plot_speedup

P_TOY = np.array([0.5, 0.3, 0.15, 0.05])
Q_TOY = np.array([0.4, 0.4, 0.1, 0.1])


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


def constant(dist):
    """A context-free model: the same distribution after every prefix."""
    return lambda prefix: dist


def bigram(table):
    """A context-dependent model: the next-token distribution depends on the last token."""
    return lambda prefix: table[prefix[-1] if prefix else 0]


def random_pair(rng, V, kind):
    """A (p, q) pair: random, identical, disjoint support, or one-hot (greedy decoding)."""
    if kind == "random":
        return rng.dirichlet(np.ones(V)), rng.dirichlet(np.ones(V))
    if kind == "equal":
        p = rng.dirichlet(np.ones(V))
        return p, p.copy()
    if kind == "disjoint":
        p, q = np.zeros(V), np.zeros(V)
        p[: V // 2], q[V // 2:] = 1 / (V // 2), 1 / (V - V // 2)
        return p, q
    p, q = np.eye(V)[0], np.eye(V)[V - 1]  # one-hot: target and draft argmax disagree
    return p, q


# -- acceptance_rate and residual ----------------------------------------------------------


def test_acceptance_rate_toy_example():
    assert acceptance_rate(P_TOY, Q_TOY) == pytest.approx(0.85, abs=1e-12)


@pytest.mark.parametrize("V", [2, 5, 50])
@pytest.mark.parametrize("kind", ["random", "equal", "disjoint", "onehot"])
def test_acceptance_rate_is_one_minus_total_variation(rng, V, kind):
    # Leviathan et al., Lemma 3.3 and Theorem 3.5: beta = 1 - D_LK(p, q), D_LK = (1/2) sum |p - q|
    p, q = random_pair(rng, V, kind)
    beta = acceptance_rate(p, q)
    assert_allclose(beta, 1 - 0.5 * cityblock(p, q), atol=1e-12)
    assert_allclose(beta, acceptance_rate(q, p), atol=1e-15)  # symmetric
    expected = {"equal": 1.0, "disjoint": 0.0, "onehot": 0.0}.get(kind)
    if expected is not None:
        assert beta == pytest.approx(expected, abs=1e-12)


def test_residual_toy_example():
    assert_allclose(residual(P_TOY, Q_TOY), [2 / 3, 0, 1 / 3, 0], atol=1e-12)


@pytest.mark.parametrize("V", [2, 5, 50])
@pytest.mark.parametrize("kind", ["random", "equal", "disjoint", "onehot"])
def test_residual_is_a_distribution_supported_where_p_exceeds_q(rng, V, kind):
    p, q = random_pair(rng, V, kind)
    r = residual(p, q)
    assert_allclose(r.sum(), 1.0, atol=1e-12)
    assert (r >= 0).all()
    if kind == "equal":
        assert_allclose(r, p, atol=0)  # the total fallback
    else:
        assert (r[q >= p] == 0).all()


@pytest.mark.parametrize("V", [2, 5, 50])
@pytest.mark.parametrize("kind", ["random", "equal", "disjoint", "onehot"])
def test_one_token_output_is_exactly_p(rng, V, kind):
    # P(out = x) = q(x) min(1, p(x)/q(x)) + (1 - beta) residual(x) = p(x)
    p, q = random_pair(rng, V, kind)
    with np.errstate(divide="ignore", invalid="ignore"):
        accept = np.where(q > 0, q * np.minimum(1.0, p / q), 0.0)
    out = accept + (1 - acceptance_rate(p, q)) * residual(p, q)
    assert_allclose(out, p, atol=1e-12)


def test_toy_example_stated_on_the_page():
    # token 1 is over-proposed (q = 0.4 > p = 0.3): kept with probability 0.3 / 0.4
    assert round(1 - P_TOY[1] / Q_TOY[1], 2) == 0.25
    out = Q_TOY * np.minimum(1, P_TOY / Q_TOY) + (1 - 0.85) * residual(P_TOY, Q_TOY)
    assert_allclose(out, P_TOY, atol=1e-12)
    # The wrong fix: after a rejection, resample from p instead of the residual.
    wrong = Q_TOY * np.minimum(1, P_TOY / Q_TOY) + (1 - 0.85) * P_TOY
    assert round(wrong[1], 3) == 0.345
    # The other wrong rule: accept only if the draft equals an independent target sample.
    assert round(float(P_TOY @ Q_TOY), 2) == 0.34
    assert_allclose(wrong.sum(), 1.0)


def test_greedy_verification_keeps_the_target_argmax():
    # Temperature 0: p and q are one-hot, so a draft survives only if the argmaxes agree and a
    # rejection resamples the target's argmax.
    p, q = np.eye(4)[2], np.eye(4)[1]
    assert acceptance_rate(p, q) == 0.0
    assert_allclose(residual(p, q), p)
    assert acceptance_rate(p, p) == 1.0


# -- one step: exact enumeration, and the sampler against it --------------------------------


def k_token_distribution(p_model, q_model, prefix, gamma, V, K):
    """Distribution of the first K tokens produced by repeated speculative steps (exact)."""
    out = {}
    for emitted, prob in step_distribution(p_model, q_model, prefix, gamma, V).items():
        if len(emitted) >= K:
            key = emitted[:K]
            out[key] = out.get(key, 0.0) + prob
        else:
            rest = k_token_distribution(p_model, q_model, prefix + emitted, gamma, V,
                                        K - len(emitted))
            for tail, p_tail in rest.items():
                out[emitted + tail] = out.get(emitted + tail, 0.0) + prob * p_tail
    return out


def target_joint(p_model, prefix, V, K):
    """The naive reference: sample K tokens from the target alone (chain rule)."""
    return {seq: float(np.prod([p_model(prefix + seq[:i])[t] for i, t in enumerate(seq)]))
            for seq in product(range(V), repeat=K)}


@pytest.mark.parametrize("V", [2, 3])
@pytest.mark.parametrize("gamma", [0, 1, 2, 3])
@pytest.mark.parametrize("K", [1, 2, 3])
def test_speculative_decoding_reproduces_the_target_exactly(rng, V, gamma, K):
    p_model = bigram(rng.dirichlet(np.ones(V), size=V))
    q_model = bigram(rng.dirichlet(np.ones(V), size=V))
    got = k_token_distribution(p_model, q_model, (), gamma, V, K)
    want = target_joint(p_model, (), V, K)
    assert set(got) <= set(want)
    assert_allclose([got.get(s, 0.0) for s in want], list(want.values()), atol=1e-12)


@pytest.mark.parametrize("gamma", [0, 1, 2, 4])
def test_step_distribution_is_a_distribution_over_1_to_gamma_plus_1_tokens(rng, gamma):
    V = 3
    dist = step_distribution(bigram(rng.dirichlet(np.ones(V), size=V)),
                             bigram(rng.dirichlet(np.ones(V), size=V)), (1,), gamma, V)
    assert_allclose(sum(dist.values()), 1.0, atol=1e-12)
    assert all(1 <= len(k) <= gamma + 1 for k in dist)
    assert all(v > 0 for v in dist.values())


def test_step_distribution_with_gamma_zero_is_plain_sampling():
    dist = step_distribution(constant(P_TOY), constant(Q_TOY), (), 0, 4)
    assert_allclose([dist[(t,)] for t in range(4)], P_TOY, atol=1e-15)


def test_sampler_matches_exact_step_distribution(rng):
    # N = 20,000 seeded steps; every outcome frequency within 0.015 of its exact probability
    # (at most about 4 standard errors, sqrt(0.25 / 20000) = 0.0035).
    V, gamma, n = 3, 2, 20_000
    p_model = bigram(rng.dirichlet(np.ones(V), size=V))
    q_model = bigram(rng.dirichlet(np.ones(V), size=V))
    exact = step_distribution(p_model, q_model, (0,), gamma, V)
    counts = Counter(tuple(speculative_step(p_model, q_model, (0,), gamma, rng)) for _ in range(n))
    assert set(counts) <= set(exact)
    assert max(abs(counts[k] / n - v) for k, v in exact.items()) < 0.015
    first = np.bincount([k[0] for k in counts.elements()], minlength=V) / n
    assert_allclose(first, p_model((0,)), atol=0.015)


@pytest.mark.parametrize("gamma", [1, 3, 5])
def test_tokens_per_call_matches_formula_in_simulation(rng, gamma):
    # Context-free p and q make every beta equal to alpha, the i.i.d. case of Eq. (1).
    # 20,000 steps: the standard error of the mean is below 0.015; tolerance 0.05.
    p, q = rng.dirichlet(np.ones(6)), rng.dirichlet(np.ones(6))
    alpha = acceptance_rate(p, q)
    lengths = [len(speculative_step(constant(p), constant(q), (), gamma, rng))
               for _ in range(20_000)]
    assert abs(np.mean(lengths) - expected_tokens_per_call(alpha, gamma)) < 0.05


def test_sampler_accepts_everything_when_draft_equals_target(rng):
    lengths = {len(speculative_step(constant(P_TOY), constant(P_TOY), (), 4, rng))
               for _ in range(200)}
    assert lengths == {5}


# -- the speed-up model ---------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.0, 0.3, 0.8, 0.99, 1.0])
@pytest.mark.parametrize("gamma", [0, 1, 4, 10])
def test_expected_tokens_is_the_capped_geometric_mean(alpha, gamma):
    naive = sum(alpha**k for k in range(gamma + 1))
    assert_allclose(expected_tokens_per_call(alpha, gamma), naive, rtol=1e-12)


def test_expected_tokens_is_vectorised():
    alpha = np.array([0.0, 0.5, 1.0])
    assert_allclose(expected_tokens_per_call(alpha, 2), [1.0, 1.75, 3.0])


# Leviathan et al., Table 1 (c = c_hat = 0): alpha, gamma, operations, speed.
TABLE_1 = [(0.6, 2, 1.53, 1.96), (0.7, 3, 1.58, 2.53), (0.8, 2, 1.23, 2.44),
           (0.8, 5, 1.63, 3.69), (0.9, 2, 1.11, 2.71), (0.9, 10, 1.60, 6.86)]


@pytest.mark.parametrize("alpha, gamma, ops, speed", TABLE_1)
def test_reproduces_leviathan_table_1(alpha, gamma, ops, speed):
    assert round(walltime_speedup(alpha, gamma, 0.0), 2) == speed
    assert round(arithmetic_ops_factor(alpha, gamma, 0.0), 2) == ops


# Leviathan et al., Table 4 (T5-XXL target, gamma = 7): draft, temperature, alpha, c, expected.
TABLE_4_STATED = [("T5-small", 0, 0.75, 0.02, 3.2), ("T5-small", 1, 0.62, 0.02, 2.3),
                  ("T5-large", 0, 0.82, 0.11, 2.5)]


@pytest.mark.parametrize("draft, temp, alpha, c, expected", TABLE_4_STATED)
def test_reproduces_leviathan_table_4_predictions(draft, temp, alpha, c, expected):
    # The "Exp" column of their Table 4 is Theorem 3.8 at the measured alpha and profiled c.
    assert round(walltime_speedup(alpha, 7, c), 1) == expected


def test_bigram_draft_speedup():
    # Section 3.6: a bigram draft with alpha = 0.2, c = 0, gamma = 3 gives 1.25x.
    assert round(walltime_speedup(0.2, 3, 0.0), 2) == 1.25


@pytest.mark.parametrize("alpha", [0.02, 0.05, 0.3, 0.8])
@pytest.mark.parametrize("c", [0.0, 0.05, 0.25])
def test_corollary_3_9_one_draft_token(alpha, c):
    # gamma = 1 gives (1 + alpha) / (1 + c), an improvement exactly when alpha > c
    s = walltime_speedup(alpha, 1, c)
    assert_allclose(s, (1 + alpha) / (1 + c), rtol=1e-12)
    assert (s > 1) == (alpha > c)


@pytest.mark.parametrize("alpha, c", [(0.8, 0.05), (0.6, 0.0), (0.9, 0.2), (0.04, 0.05)])
def test_optimal_gamma_is_the_brute_force_argmax(alpha, c):
    g = optimal_gamma(alpha, c, gamma_max=32)
    best = max(range(33), key=lambda k: walltime_speedup(alpha, k, c))
    assert g == best
    assert walltime_speedup(alpha, g, c) >= 1.0  # gamma = 0 (plain decoding) is always allowed


def test_no_draft_is_best_when_alpha_below_c():
    assert optimal_gamma(0.04, 0.05) == 0


def test_numbers_stated_on_the_page():
    assert round(expected_tokens_per_call(0.8, 4), 2) == 3.36
    assert round(walltime_speedup(0.8, 4, 0.05), 2) == 2.80
    assert optimal_gamma(0.8, 0.05) == 8
    assert round(walltime_speedup(0.8, 8, 0.05), 2) == 3.09
    assert round(1 / (1 - 0.8), 2) == 5.0  # the gamma -> infinity, c = 0 ceiling
    assert round(walltime_speedup(0.3, 4, 0.1), 2) == 1.02
    assert round(walltime_speedup(0.3, 4, 0.25), 2) == 0.71
    assert optimal_gamma(0.3, 0.1) == 1
    assert round(walltime_speedup(0.3, 1, 0.1), 2) == 1.18


def test_figure_caption_numbers():
    from scipy.optimize import brentq

    assert round(brentq(lambda a: walltime_speedup(a, 4, 0.25) - 1, 0.01, 0.99), 2) == 0.52
    cross = brentq(lambda a: walltime_speedup(a, 8, 0.05) - walltime_speedup(a, 4, 0.05), 0.05, 0.95)
    assert round(cross, 2) == 0.71


def test_roofline_numbers_stated_on_the_page():
    # A 7B draft on one H100 against a 70B fp16 target on two H100s: c = 0.2.
    c = decode_step_time(7e9, 2.0, H100_SXM) / decode_step_time(70e9, 2.0, H100_SXM, n_gpus=2)
    assert round(c, 2) == 0.20
    assert round(walltime_speedup(0.8, 4, c), 2) == 1.87
    assert optimal_gamma(0.8, c) == 4
    # Verifying gamma + 1 = 5 tokens per sequence against a plain one-token step, 70B on 2 H100s.
    plain = {b: decode_step_time(70e9, 2.0, H100_SXM, batch=b, n_gpus=2) for b in (1, 64, 256)}
    verify = {b: decode_step_time(70e9, 2.0, H100_SXM, batch=5 * b, n_gpus=2) for b in plain}
    assert round(plain[1] * 1e3, 1) == 20.9
    assert 64 < round(critical_batch(H100_SXM, 2.0)) == 295 < 5 * 64  # the compute-bound batch
    assert verify[1] == plain[1]
    assert round(verify[64] / plain[64], 2) == 1.08
    assert round(verify[256] / plain[256], 2) == 4.34
    assert expected_tokens_per_call(0.8, 4) < verify[256] / plain[256]  # a net slowdown


def test_plot_speedup_draws_labelled_lines():
    import matplotlib

    matplotlib.use("Agg")
    fig = plot_speedup()
    ax = fig.axes[0]
    assert ax.get_xlabel() and ax.get_ylabel()
    assert len(ax.get_legend().get_texts()) == 5
