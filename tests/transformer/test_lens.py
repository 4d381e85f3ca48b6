"""Tests of snippets/transformer/lens.py: the residual stream is exactly the embedding plus
every block's write, and the lenses behave as Q25 states on the trained toy."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from snippets.transformer.inference import forward_parallel, init_model
from snippets.transformer.lens import (_loss_grads, fit_tuned_lens, kl_to_final, lens_report,
                                       logit_lens, stream, train_permutation_model)


@pytest.fixture(scope="module")
def trained():
    return train_permutation_model()


@pytest.fixture(scope="module")
def report():
    return lens_report()


def test_output_state_is_embedding_plus_every_write_exactly():
    rng = np.random.default_rng(25)
    model = init_model(rng, std=0.3)
    states, writes = stream(model, rng.integers(0, 32, (3, 6)))
    total = states[0]
    for i, w in enumerate(writes):
        total = total + w
        if i % 2:  # after each block's MLP write: the state the block returned
            assert_array_equal(total, states[(i + 1) // 2])
    assert len(writes) == 2 * len(model["blocks"])


def test_last_logit_lens_layer_is_the_model_output():
    rng = np.random.default_rng(25)
    model = init_model(rng, std=0.3)
    tokens = rng.integers(0, 32, (2, 5))
    lens = logit_lens(model, stream(model, tokens)[0])
    assert_allclose(lens[-1], forward_parallel(model, tokens)[0], rtol=1e-13)
    assert_allclose(kl_to_final(lens)[-1], 0.0, atol=1e-12)


def test_kl_matches_a_direct_computation():
    rng = np.random.default_rng(3)
    z = rng.normal(size=(2, 7))
    p, q = np.exp(z[1]) / np.exp(z[1]).sum(), np.exp(z[0]) / np.exp(z[0]).sum()
    assert_allclose(kl_to_final(z[:, None, :])[0], np.sum(p * np.log(p / q)), rtol=1e-12)


def test_tuned_lens_is_exact_least_squares_and_identity_at_the_top():
    rng = np.random.default_rng(4)
    states = [rng.normal(size=(5, 6, 4)) for _ in range(3)]
    (A0, c0), _, (A2, c2) = fit_tuned_lens(states)
    X, Y = states[0].reshape(-1, 4), states[2].reshape(-1, 4)
    residual = X @ A0 + c0 - Y
    assert_allclose(X.T @ residual, 0, atol=1e-10)  # normal equations
    assert_allclose(residual.sum(0), 0, atol=1e-10)
    assert_allclose(A2, np.eye(4), atol=1e-10)
    assert_allclose(c2, 0, atol=1e-10)


def test_training_gradients_match_finite_differences():
    rng = np.random.default_rng(6)
    model = init_model(rng, vocab=7, d=8, n_heads=2, n_layers=2, std=0.3)
    tokens, targets = rng.integers(0, 7, (2, 3)), rng.integers(0, 7, (2, 3))

    def loss():
        z = forward_parallel(model, tokens)[0]
        z = z - z.max(-1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
        return -np.take_along_axis(logp, targets[..., None], -1).mean()

    G = _loss_grads(model, tokens, targets)
    for owner, name in [(model, "E"), (model, "g_f"), (model["blocks"][0], "W_q")]:
        w = owner[name]
        for i in list(np.ndindex(w.shape))[:12]:
            old = w[i]
            w[i] = old + 1e-6
            up = loss()
            w[i] = old - 1e-6
            down = loss()
            w[i] = old
            assert G[(id(owner), name)][i] == pytest.approx((up - down) / 2e-6, abs=1e-7)


def test_toy_learns_the_permutation(trained):
    model, pi = trained
    tokens = np.random.default_rng(9).integers(0, 64, (16, 8))
    assert np.mean(forward_parallel(model, tokens)[0].argmax(-1) == pi[tokens]) == 1.0


def test_logit_lens_reads_the_input_first_and_the_answer_last(report):
    assert report["logit_input"][0] == 1.0  # tied embeddings: layer 0 decodes x itself
    assert report["logit_answer"][0] == 0.0
    assert report["logit_answer"][-1] == 1.0
    assert np.all(np.diff(report["logit_answer"]) > 0)
    assert np.all(np.diff(report["logit_kl"]) < 0)


def test_tuned_lens_is_closer_to_the_output_at_every_layer(report):
    assert np.all(report["tuned_kl"][:-1] < report["logit_kl"][:-1])
    assert np.all(report["tuned_answer"] >= report["logit_answer"])


def test_values_quoted_on_the_page(report):
    assert np.round(report["logit_answer"], 2).tolist() == [0.0, 0.19, 0.68, 0.98, 1.0]
    assert np.round(report["tuned_answer"], 2).tolist()[:3] == [0.69, 0.92, 0.99]
    assert np.round(report["logit_kl"], 1).tolist()[:3] == [13.9, 4.2, 1.0]
    assert np.round(report["tuned_kl"], 2).tolist()[:3] == [1.22, 0.28, 0.06]
