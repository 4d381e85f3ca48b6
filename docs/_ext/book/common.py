"""What every module of the extension needs: where question pages live, how to link them."""

from __future__ import annotations

import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

QUESTIONS_DIR = "questions"
ALL_QUESTIONS = "all-questions"
FIGURES_DIR = "_figures"  # generated, under the source dir so that Sphinx copies it
QUESTION_DOC = re.compile(r"^questions/(\d\d-[a-z0-9-]+)/q(\d\d)-[a-z0-9-]+$")


def question_docname(app: Sphinx, qid: int) -> str:
    page = app.book_pages[qid]
    return str(Path(page.path).relative_to("docs").with_suffix("")).replace("\\", "/")


def doc_link(fromdoc: str, target: str, text: str) -> addnodes.pending_xref:
    """A link to another page of the book, resolved (and checked) by Sphinx."""
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + target,
                                refexplicit=True, refwarn=True, refdoc=fromdoc)
    ref += nodes.inline(text, text)
    return ref
