"""Generated pages: ``{question-index}``, the table of every written question in ID order (the
"All questions" page), re-read whenever what it shows of the question pages changes."""

from __future__ import annotations

from catalog import PARTS, QUESTIONS
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from .common import QUESTIONS_DIR, doc_link, question_docname


def catalogue_signature(app) -> tuple:
    """What the question table shows of the written pages: ID, file, level and tags."""
    return tuple(sorted((p.qid, str(p.path), p.level, tuple(p.tags)) for p in app.book_pages.values()))


def outdated_index(app, env, added, changed, removed):
    """Re-read the pages that list questions when a question is added, removed, moved or
    re-tagged; an edit to a page's text leaves the table (and its page) alone."""
    signature = catalogue_signature(app)
    if signature == getattr(env, "book_index_signature", None):
        return []
    env.book_index_signature = signature
    return [d for d, flag in getattr(env, "book_lists_questions", {}).items() if flag and d in env.found_docs]


class QuestionIndex(SphinxDirective):
    """A table of every written question: ID, question (linked), level, part, tags."""

    has_content = False

    def run(self):
        if not hasattr(self.env, "book_lists_questions"):
            self.env.book_lists_questions = {}
        self.env.book_lists_questions[self.env.docname] = True
        pages = self.env.app.book_pages
        table = nodes.table(classes=["question-index", "colwidths-given"])  # the PDF keeps these widths
        group = nodes.tgroup(cols=5)
        table += group
        for width in (5, 44, 14, 19, 18):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body

        def row(cells, parent):
            r = nodes.row()
            for cell in cells:
                entry = nodes.entry()
                entry += cell if isinstance(cell, nodes.paragraph) else nodes.paragraph("", "", cell)
                r += entry
            parent += r

        row([nodes.Text(h) for h in ("ID", "Question", "Level", "Part", "Tags")], head)
        for qid in sorted(pages):
            level, part, title = QUESTIONS[qid]
            link = nodes.paragraph()
            link += doc_link(self.env.docname, question_docname(self.env.app, qid), title)
            part_link = nodes.paragraph()
            part_link += doc_link(self.env.docname, f"{QUESTIONS_DIR}/{PARTS[part][0]}/index", f"{part}. {PARTS[part][1]}")
            row([nodes.Text(f"Q{qid}"), link, nodes.Text(level.capitalize()), part_link,
                 nodes.Text(", ".join(pages[qid].tags))], body)
        summary = nodes.paragraph(text=f"{len(pages)} of the book's {len(QUESTIONS)} questions are written.")
        return [summary, table]


def forget_doc(app, env, docname):
    getattr(env, "book_lists_questions", {}).pop(docname, None)


def merge_info(app, env, docnames, other):
    env.book_lists_questions = {**getattr(env, "book_lists_questions", {}),
                                **getattr(other, "book_lists_questions", {})}


def setup(app: Sphinx) -> None:
    app.connect("env-get-outdated", outdated_index)
    app.connect("env-purge-doc", forget_doc)
    app.connect("env-merge-info", merge_info)
    app.add_directive("question-index", QuestionIndex)
