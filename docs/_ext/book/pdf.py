"""The whole-book PDF: ``{book-pdf}`` links it from the web book (or says how to build it), the
sidebar and the download menu offer it, ``make html`` copies it into the site; in the LaTeX
build the "All questions" table moves to an appendix."""

from __future__ import annotations

import shutil
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from .common import ALL_QUESTIONS


def pdf_path(app: Sphinx) -> Path:
    return Path(app.srcdir).parent / "build" / "pdf" / app.config.book_pdf_name  # where make pdf puts it


class BookPdf(SphinxRole):
    """``{book-pdf}`Download the book``: a link to the PDF if ``make pdf`` has built it."""

    def run(self):
        text = self.text or "the whole book as a PDF"
        if self.env.app.builder.format != "html":
            return [nodes.Text(text)], []
        # Re-read this page when the PDF appears or disappears (see `outdated_pdf_links`).
        exists = pdf_path(self.env.app).exists()
        self.env.book_pdf_links = getattr(self.env, "book_pdf_links", {})
        self.env.book_pdf_links[self.env.docname] = exists
        if not exists:
            # Built without TeX: say how to get the PDF instead of linking to nothing.
            note = nodes.inline(classes=["book-pdf-missing"])
            note += nodes.Text(f"{text} (not part of this build: run ")
            note += nodes.literal("make pdf", "make pdf")
            note += nodes.Text(", which needs TeX Live; see the README)")
            return [note], []
        uri = Path(*[".."] * (self.env.docname.count("/"))) / self.env.app.config.book_pdf_name
        return [nodes.reference(text, text, refuri=str(uri), classes=["book-pdf"])], []


def outdated_pdf_links(app, env, added, changed, removed):
    """The pages whose PDF link was made while the PDF existed and it is gone now, or the
    other way round (a note on a missing file would re-read them at every build)."""
    exists = pdf_path(app).exists()
    return [d for d, had in getattr(env, "book_pdf_links", {}).items()
            if had != exists and d in env.found_docs]


def forget_pdf_links(app, env, docname):
    getattr(env, "book_pdf_links", {}).pop(docname, None)


def merge_pdf_links(app, env, docnames, other):
    env.book_pdf_links = {**getattr(env, "book_pdf_links", {}),
                          **{d: v for d, v in getattr(other, "book_pdf_links", {}).items()
                             if d in docnames}}


def add_pdf_url(app, pagename, templatename, context, doctree):
    """The PDF's address for the sidebar template (set before the theme renders its sidebar)."""
    if pdf_path(app).exists():
        context["book_pdf_url"] = context["pathto"](app.config.book_pdf_name, 1)


def add_pdf_button(app, pagename, templatename, context, doctree):
    """Add the book PDF to the theme's download menu (after the theme has built the menu)."""
    url = context.get("book_pdf_url")
    if not url:
        return
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].insert(0, {
                "type": "link", "url": url, "text": "Book (PDF)", "icon": "fas fa-book",
                "tooltip": "Download the whole book as a PDF", "label": "download-book-pdf-button",
            })


def copy_pdf(app, exc):
    if exc is None and app.builder.format == "html" and pdf_path(app).exists():
        shutil.copy2(pdf_path(app), Path(app.outdir) / app.config.book_pdf_name)


def latex_moves_index(app: Sphinx, doctree: nodes.document) -> None:
    """In the PDF the "All questions" table is an appendix, not a part before Part 1."""
    if app.builder.name != "latex":
        return
    if app.env.docname == ALL_QUESTIONS:
        app.env.metadata[ALL_QUESTIONS]["orphan"] = True  # included as an appendix instead
    elif app.env.docname == app.config.root_doc:
        for toctree in list(doctree.findall(addnodes.toctree)):
            toctree.attributes.pop("caption", None)  # else the first caption titles the PDF's contents
            toctree["entries"] = [(t, ref) for t, ref in toctree["entries"] if ref != ALL_QUESTIONS]
            toctree["includefiles"] = [f for f in toctree["includefiles"] if f != ALL_QUESTIONS]


def setup(app: Sphinx) -> None:
    app.add_config_value("book_pdf_name", "book.pdf", "env")
    app.connect("env-get-outdated", outdated_pdf_links)
    app.connect("env-purge-doc", forget_pdf_links)
    app.connect("env-merge-info", merge_pdf_links)
    app.connect("doctree-read", latex_moves_index, priority=400)  # before the toctree collector
    app.connect("html-page-context", add_pdf_url, priority=100)  # before the theme's sidebar (500)
    app.connect("html-page-context", add_pdf_button, priority=900)  # after its buttons (501)
    app.connect("build-finished", copy_pdf)
    app.add_role("book-pdf", BookPdf())
