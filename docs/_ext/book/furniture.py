"""Page furniture: the line under each question's title (ID, level, part, tags), the "Related
questions" links at the end of the page (from the front matter's `related:`), and figures,
tables, listings and equations numbered by question (Figure 48.1), as the PDF's chapters are."""

from __future__ import annotations

from catalog import PARTS, QUESTIONS
from docutils import nodes
from sphinx.application import Sphinx

from .common import QUESTION_DOC, QUESTIONS_DIR, doc_link, question_docname


def number_figures(app: Sphinx, doctree: nodes.document) -> None:
    """Number this page's figures, tables, listings and equations as it is read: 48.1, 48.2, ...

    Sphinx numbers them across the whole book (Figure 17 on the page of Q8), which tells a
    reader nothing, and to do so unpickles every page of the book after each edit, however
    small. Here a page's numbers depend on that page alone, in document order, prefixed on a
    question page by its ID (the PDF numbers its chapters by question ID, so both read alike).
    """
    env = app.env
    std = env.domains.standard_domain
    m = QUESTION_DOC.match(env.docname)
    prefix = (int(m.group(2)),) if m else ()
    numbers: dict[str, dict[str, tuple[int, ...]]] = {}
    for node in doctree.findall(nodes.Element):
        if not node["ids"]:
            continue
        for domain in env.domains.sorted():
            figtype = domain.get_enumerable_node_type(node)
            if figtype and not (domain is std and not std.get_numfig_title(node)):
                of_type = numbers.setdefault(figtype, {})
                of_type[node["ids"][0]] = (*prefix, len(of_type) + 1)
                break
    env.book_fignumbers = getattr(env, "book_fignumbers", {})
    env.book_fignumbers[env.docname] = numbers


def assign_figure_numbers(self, env) -> list[str]:
    """Replaces Sphinx's book-wide numbering (`TocTreeCollector.assign_figure_numbers`):
    gathers the numbers each page got as it was read; returns the pages whose numbers changed."""
    old = env.toc_fignumbers
    ours = getattr(env, "book_fignumbers", {})
    env.toc_fignumbers = {d: n for d, n in ours.items() if n and d in env.all_docs}
    return [d for d, n in env.toc_fignumbers.items() if n != old.get(d)]


def forget_numbers(app, env, docname):
    getattr(env, "book_fignumbers", {}).pop(docname, None)


def merge_numbers(app, env, docnames, other):
    env.book_fignumbers = getattr(env, "book_fignumbers", {})
    env.book_fignumbers.update({d: n for d, n in getattr(other, "book_fignumbers", {}).items()
                                if d in docnames})


def decorate_question(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    m = QUESTION_DOC.match(docname)
    if not m:
        return
    qid = int(m.group(2))
    level, part, _title = QUESTIONS[qid]
    page = app.book_pages[qid]
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return

    # In the PDF the chapter number is the question's ID (Chapter 48, Figure 48.1).
    doctree.insert(0, nodes.raw("", f"\\setcounter{{chapter}}{{{qid - 1}}}\n", format="latex"))

    # "Q48 · Senior · Part 8: Inference and serving" under the title.
    meta = nodes.paragraph(classes=["question-meta"])
    meta += nodes.strong(f"Q{qid}", f"Q{qid}")
    meta += nodes.Text(f" · {level.capitalize()} · ")
    meta += doc_link(docname, f"{QUESTIONS_DIR}/{PARTS[part][0]}/index", f"Part {part}: {PARTS[part][1]}")
    if page.tags:
        meta += nodes.Text(" · ")
        meta += nodes.emphasis(", ".join(page.tags), ", ".join(page.tags))
    section.insert(1, meta)

    # "Related questions" at the end of the page.
    if page.related:
        related = nodes.section(ids=["related-questions"], names=["related questions"])
        related += nodes.title("Related questions", "Related questions")
        items = nodes.bullet_list(classes=["related-questions"])
        for r in sorted(page.related):
            item = nodes.list_item()
            para = nodes.paragraph()
            para += doc_link(docname, question_docname(app, r), f"Q{r}. {QUESTIONS[r][2]}")
            item += para
            items += item
        related += items
        section += related


def setup(app: Sphinx) -> None:
    from sphinx.environment.collectors.toctree import TocTreeCollector

    TocTreeCollector.assign_figure_numbers = assign_figure_numbers
    app.connect("doctree-read", number_figures)
    app.connect("env-purge-doc", forget_numbers)
    app.connect("env-merge-info", merge_numbers)
    app.connect("doctree-read", decorate_question)
