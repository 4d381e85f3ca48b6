"""The book's Sphinx extension: the one place where the book's rules and generated parts live.

One module per concern; each has a ``setup`` that connects its part:

- `validation`: every question page is checked against `bookrules.py` before anything is
  read; a problem stops the build with ``path:line: message``.
- `furniture`: the line under each title, the "Related questions" links, numbering by
  question (Figure 48.1).
- `bibliography`: each page's own list of sources, and a faster sphinxcontrib-bibtex.
- `figures`: ``{snippet-figure}``, figures drawn from ``snippets/`` at build time, redrawn
  when (and only when) the modules they depend on change.
- `generated`: ``{question-index}``, the "All questions" table.
- `pdf`: ``{book-pdf}``, the PDF in the sidebar and download menu, the LaTeX appendix.
- `assets`: MathJax served by the book itself.
- `speed`: incremental builds that rewrite only the pages an edit changes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from sphinx.application import Sphinx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # bookrules.py and catalog.py

from . import (assets, bibliography, figures, furniture, generated, pdf, speed,  # noqa: E402
               validation)

MODULES = (validation, furniture, bibliography, figures, generated, pdf, assets, speed)


def setup(app: Sphinx):
    for module in MODULES:
        module.setup(app)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 3}
