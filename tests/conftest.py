"""Shared test set-up: figures drawn by a test are closed after it, so the suite never holds
dozens of open matplotlib figures (the tests of plotting functions return them unclosed)."""

import sys

import pytest


@pytest.fixture(autouse=True)
def close_figures():
    yield
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close("all")
