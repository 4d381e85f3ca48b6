"""Tests of snippets/transformer/dyck.py: the recognisers and the depth diagnostic of Q44."""

import itertools

import numpy as np
import pytest

from snippets.transformer.dyck import (bounded_stack_generator, depth_diagnostic, depths,
                                       dyck1_by_attention, errors_by_depth, first_error,
                                       is_dyck, sample_dyck)
from snippets.transformer.dyck_plots import plot_errors_by_depth


@pytest.fixture
def rng():
    return np.random.default_rng(0)


def dyck_by_rewriting(s):
    """Independent reference: delete adjacent matched pairs until nothing changes."""
    prev = None
    while prev != s:
        prev = s
        for p in ("()", "[]", "{}", "<>"):
            s = s.replace(p, "")
    return s == ""


@pytest.mark.parametrize("n", range(0, 9))
def test_is_dyck_matches_rewriting_on_every_short_string(n):
    for t in itertools.product("()[]", repeat=n):
        s = "".join(t)
        assert is_dyck(s) == dyck_by_rewriting(s)


@pytest.mark.parametrize("n", range(0, 13))
def test_one_attention_head_recognises_dyck1_exactly(n):
    for t in itertools.product("()", repeat=n):
        s = "".join(t)
        assert dyck1_by_attention(s) == is_dyck(s), s


def test_depths_end_at_zero_and_never_go_negative_on_dyck(rng):
    for _ in range(50):
        s = sample_dyck(int(rng.integers(1, 40)), 3, 5, rng)
        dep = depths(s)
        assert is_dyck(s) and dep[-1] == 0 and dep.min() >= 0 and dep.max() <= 5


def test_first_error_is_where_the_prefix_stops_being_completable(rng):
    for _ in range(300):
        s = "".join(rng.choice(list("()[]"), size=int(rng.integers(1, 10))))
        i = first_error(s)
        if is_dyck(s):
            assert i == -1
        elif i == len(s):  # every closer matched; openers left over
            assert depths(s)[-1] > 0
        else:  # s[:i] is a valid prefix and s[i] a wrong or unmatched closer
            assert first_error(s[:i]) in (-1, i) and first_error(s[: i + 1]) == i


def test_bounded_generator_is_right_up_to_depth_D_and_guesses_after(rng):
    D = 3
    rates = depth_diagnostic(D, k=2, n_prompts=4000, max_open=8, rng=rng)
    assert all(rates[d] == 0.0 for d in range(1, D + 1))
    # Each forgotten opener is a fair coin between two closer types, except that a
    # prompt using one type only has one candidate; so error rates rise towards 1.
    assert 0.3 < rates[D + 1] < 0.6 and rates[8] > 0.9
    assert all(rates[d] < rates[d + 1] for d in range(D, 8))
    # The figures Q44 quotes (seed 0): 47% wrong at depth 4, 96% at depth 8.
    assert rates[4] == pytest.approx(0.47, abs=0.005)
    assert rates[8] == pytest.approx(0.96, abs=0.005)
    # Expected: (1 - 2^(1-d)) (1 - 2^-(d-D)): both types present, one forgotten guess wrong.
    for d in (4, 8):
        assert rates[d] == pytest.approx((1 - 2.0 ** (1 - d)) * (1 - 2.0 ** -(d - D)), abs=0.05)


def test_one_bracket_type_needs_no_memory_of_types(rng):
    # Dyck-1: forgetting which opener came first costs nothing; counting is enough.
    assert all(is_dyck(bounded_stack_generator("(" * n, 2, rng)) for n in range(1, 20))


def test_errors_by_depth_on_a_hand_worked_list():
    assert errors_by_depth(["()", "[]", "(())", "([)]", "((()))"]) == {1: 0.0, 2: 0.5, 3: 0.0}


def test_plot_errors_by_depth_returns_a_figure():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig = plot_errors_by_depth()
    assert len(fig.axes) == 1 and len(fig.axes[0].lines) == 3
    plt.close(fig)
