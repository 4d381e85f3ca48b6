"""Validation: every question page is checked against the rules of `bookrules.py` before
anything is read; any problem stops the build with ``path:line: message`` lines."""

from __future__ import annotations

import sys
from pathlib import Path

from bookrules import check_book
from sphinx.application import Sphinx

from .common import QUESTIONS_DIR


def validate(app: Sphinx) -> None:
    """Check every page before reading; keep the pages' metadata for the directives.

    A problem is the writer's to fix, not a crash of Sphinx: the build stops with the list of
    problems and exit status 2, without Sphinx's crash report and traceback.
    """
    srcdir = Path(app.srcdir)
    pages, problems = check_book(srcdir / QUESTIONS_DIR, root=srcdir.parent)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        print(f"Book validation failed: {len(problems)} problem(s) in the question pages:\n"
              f"{listing}", file=sys.stderr)
        raise SystemExit(2)
    app.book_pages = {p.qid: p for p in pages}


def setup(app: Sphinx) -> None:
    app.connect("builder-inited", validate)
