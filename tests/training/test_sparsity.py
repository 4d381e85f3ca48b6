import numpy as np
import pytest

from snippets.serving.quantization import bits_per_weight
from snippets.training.sparsity import (
    compare_criteria,
    is_nm_sparse,
    magnitude_mask,
    nm_mask,
    nm_storage_fraction,
    output_error,
    row_mask,
    wanda_scores,
)


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def test_magnitude_mask_matches_threshold(rng):
    w = rng.normal(size=(16, 32))
    mask = magnitude_mask(w, 0.75)
    # reference: a threshold at the 75th percentile of |w| (no ties in continuous data)
    threshold = np.sort(np.abs(w), axis=None)[int(0.75 * w.size) - 1]
    np.testing.assert_array_equal(mask, np.abs(w) > threshold)


@pytest.mark.parametrize("sparsity", [0.0, 0.3, 0.5, 0.9])
def test_magnitude_mask_sparsity_and_order(rng, sparsity):
    w = rng.normal(size=(8, 40))
    mask = magnitude_mask(w, sparsity)
    assert (~mask).sum() == round(sparsity * w.size)
    if 0 < sparsity:
        assert np.abs(w[mask]).min() >= np.abs(w[~mask]).max()


def test_wanda_scores_reference(rng):
    w, x = rng.normal(size=(4, 6)), rng.normal(size=(10, 6))
    # reference: a loop over entries with the feature norm written out
    ref = np.array([[abs(w[i, j]) * np.sqrt(np.sum(x[:, j] ** 2)) for j in range(6)]
                    for i in range(4)])
    np.testing.assert_allclose(wanda_scores(w, x), ref, rtol=1e-12)


def test_wanda_equals_magnitude_when_features_have_equal_norm(rng):
    w = rng.normal(size=(8, 16))
    x = np.eye(16)  # every input feature has norm 1
    wanda, magnitude = row_mask(wanda_scores(w, x), 0.5), row_mask(np.abs(w), 0.5)
    np.testing.assert_array_equal(wanda, magnitude)


def test_row_mask_prunes_each_row_equally(rng):
    mask = row_mask(rng.normal(size=(12, 20)), 0.4)
    np.testing.assert_array_equal(mask.sum(axis=1), np.full(12, 12))


def test_nm_mask_reference_loop(rng):
    s = rng.normal(size=(6, 16))
    ref = np.zeros_like(s, dtype=bool)
    for i in range(6):
        for g in range(0, 16, 4):
            keep = np.argsort(s[i, g:g + 4])[-2:]
            ref[i, g + keep] = True
    np.testing.assert_array_equal(nm_mask(s), ref)


@pytest.mark.parametrize("n,m", [(2, 4), (1, 4), (4, 8)])
def test_nm_mask_is_valid(rng, n, m):
    mask = nm_mask(rng.normal(size=(5, 32)), n, m)
    assert is_nm_sparse(mask, n, m)
    assert mask.mean() == n / m


def test_is_nm_sparse_rejects_invalid():
    assert not is_nm_sparse(np.array([[True, True, True, False]]))
    assert not is_nm_sparse(np.ones((2, 6), dtype=bool))  # 6 is not a multiple of 4
    assert is_nm_sparse(np.zeros((2, 8), dtype=bool))  # fewer than n is allowed


def test_nm_mask_rejects_ragged_rows():
    with pytest.raises(ValueError):
        nm_mask(np.ones((2, 6)))


def test_nm_storage_fraction():
    assert nm_storage_fraction(16) == 0.5625  # BF16/FP16: 36 of 64 bits per group
    assert nm_storage_fraction(8) == 0.625  # INT8/FP8
    assert nm_storage_fraction(16, 4, 4) > 1  # a dense matrix gains nothing


def test_nm_against_int4_numbers_on_page():
    # 2:4 BF16 is 9 bits per weight; decode ceiling 1/0.5625 = 1.78x; INT4 with group
    # scales (and zero points) 4.125 to 4.25 bits, roughly half of 9
    assert 16 * nm_storage_fraction(16) == 9.0
    assert round(1 / nm_storage_fraction(16), 2) == 1.78
    assert bits_per_weight(4, group_size=128) == 4.125
    assert bits_per_weight(4, group_size=128, zero_bits=16) == 4.25
    assert 0.45 < bits_per_weight(4, group_size=128, zero_bits=16) / 9.0 < 0.5


def test_output_error_zero_without_pruning(rng):
    w, x = rng.normal(size=(4, 8)), rng.normal(size=(5, 8))
    assert output_error(w, np.ones_like(w, dtype=bool), x) == 0.0
    assert output_error(w, np.zeros_like(w, dtype=bool), x) == pytest.approx(1.0)


def test_compare_criteria_numbers_on_page():
    e = compare_criteria()
    assert round(e["magnitude 50%"], 2) == 0.26
    assert round(e["Wanda 50%"], 2) == 0.07
    assert round(e["magnitude 2:4"], 2) == 0.34
    assert round(e["Wanda 2:4"], 2) == 0.10
    # pitfall: magnitude pruning leaves 3.6 times Wanda's output error at 50 %
    assert round(e["magnitude 50%"] / e["Wanda 50%"], 1) == 3.6


def test_compare_criteria_no_outliers_no_advantage():
    e = compare_criteria(scale=1.0)
    assert abs(e["Wanda 50%"] - e["magnitude 50%"]) < 0.02


def test_wanda_is_obs_saliency_with_diagonal_hessian(rng):
    # Wanda's score squared is OBS saliency w^2 / [H^-1]_jj with H = X^T X kept diagonal
    w, x = rng.normal(size=(3, 5)), rng.normal(size=(40, 5))
    h_inv = np.linalg.inv(np.diag(np.diag(x.T @ x)))
    obs = w**2 / np.diag(h_inv)[None, :]
    np.testing.assert_allclose(wanda_scores(w, x) ** 2, obs, rtol=1e-12)


def test_wanda_squared_is_output_change_of_removing_one_weight(rng):
    # reference: zero W_ij alone and measure the squared change of output i over all tokens
    w, x = rng.normal(size=(3, 5)), rng.normal(size=(40, 5))
    s = wanda_scores(w, x)
    for i in range(3):
        for j in range(5):
            w_pruned = w.copy()
            w_pruned[i, j] = 0.0
            change = np.sum((x @ w[i] - x @ w_pruned[i]) ** 2)
            assert change == pytest.approx(s[i, j] ** 2, rel=1e-12)
