"""Tested code of the book, laid out like the book: one subpackage per part, one module per
concept, included into the pages with ``literalinclude``.

``specs`` holds the quantities several parts share (model configurations, GPU datasheets).
NumPy and the standard library at import time; matplotlib only inside the ``plot_*``
functions of the ``*_plots`` modules, which the book's extension calls to draw figures.
"""
