"""Tested code of the book: one module per concept, included into the pages.

NumPy and the standard library at import time; matplotlib only inside `plot_*` functions,
which the book's extension calls at build time to draw figures.
"""
