"""The book's Sphinx extension: the one place where the book's rules and generated parts live.

- Validation: before anything is read, every question page is checked against the rules in
  `bookrules.py` (anatomy, ID, level, part, related links); any problem stops the build with
  ``path:line: message`` lines.
- Page furniture: under each question's title a line with its ID, level and part; at the end
  of the page the "Related questions" links, built from the front matter's `related:`.
- ``{question-index}``: the table of every written question in ID order (the "All questions" page).
- ``{snippet-figure} module:function``: a figure drawn at build time by a plotting function in
  `snippets/`, saved as SVG (HTML) and PDF (LaTeX), and redrawn whenever `snippets/` changes.
- ``{book-pdf}``: a link to the whole-book PDF built by ``make pdf``.
- MathJax is copied from a PyPI package into the HTML output, so no page needs a CDN.
"""

from __future__ import annotations

import copy
import hashlib
import importlib
import io
import re
import shutil
import sys
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.directives.patches import Figure
from sphinx.errors import SphinxError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective, SphinxRole

sys.path.insert(0, str(Path(__file__).parent))
from bookrules import check_book  # noqa: E402
from catalog import PARTS, QUESTIONS  # noqa: E402

QUESTIONS_DIR = "questions"
ALL_QUESTIONS = "all-questions"
FIGURES_DIR = "_figures"  # generated, under the source dir so that Sphinx copies it
QUESTION_DOC = re.compile(r"^questions/(\d\d-[a-z0-9-]+)/q(\d\d)-[a-z0-9-]+$")


class BookValidationError(SphinxError):
    category = "Book validation failed"


# -- Validation -------------------------------------------------------------------------


def validate(app: Sphinx) -> None:
    """Check every page before reading; keep the pages' metadata for the directives."""
    srcdir = Path(app.srcdir)
    pages, problems = check_book(srcdir / QUESTIONS_DIR, root=srcdir.parent)
    if problems:
        listing = "\n".join(f"  {p}" for p in problems)
        raise BookValidationError(f"{len(problems)} problem(s) in the question pages:\n{listing}")
    app.book_pages = {p.qid: p for p in pages}


def question_docname(app: Sphinx, qid: int) -> str:
    page = app.book_pages[qid]
    return str(Path(page.path).relative_to("docs").with_suffix("")).replace("\\", "/")


def outdated_index(app, env, added, changed, removed):
    """Re-read the pages that list questions whenever a question page is added, changed or removed."""
    touched = any(QUESTION_DOC.match(d) for d in (*added, *changed, *removed))
    if not touched:
        return []
    return [d for d, flag in getattr(env, "book_lists_questions", {}).items() if flag and d in env.found_docs]


# -- Numbering: figures, tables, listings and equations by question (Figure 48.1) ---------


def restore_global_numbers(app, env):
    """Give Sphinx back its own book-wide numbers before it compares them with the new ones,
    so that only real changes mark a page for rewriting."""
    if hasattr(env, "book_global_fignumbers"):
        env.toc_fignumbers = env.book_global_fignumbers
    return []


def number_per_question(app, env):
    """Number each question's figures, tables, listings and equations 48.1, 48.2, ...

    Sphinx numbers them across the whole book (Figure 17 on the page of Q8), which tells a
    reader nothing. The PDF numbers chapters by question ID, so both read the same.
    """
    env.book_global_fignumbers = copy.deepcopy(env.toc_fignumbers)
    for docname, by_type in env.toc_fignumbers.items():
        m = QUESTION_DOC.match(docname)
        if not m:
            continue
        for numbers in by_type.values():
            for rank, fig_id in enumerate(sorted(numbers, key=numbers.get), start=1):
                numbers[fig_id] = (int(m.group(2)), rank)
    return []


# -- Page furniture: the line under the title, and the related questions -------------------


def _doc_link(fromdoc: str, target: str, text: str) -> addnodes.pending_xref:
    ref = addnodes.pending_xref("", refdomain="std", reftype="doc", reftarget="/" + target,
                                refexplicit=True, refwarn=True, refdoc=fromdoc)
    ref += nodes.inline(text, text)
    return ref


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
    meta += _doc_link(docname, f"{QUESTIONS_DIR}/{PARTS[part][0]}/index", f"Part {part}: {PARTS[part][1]}")
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
            para += _doc_link(docname, question_docname(app, r), f"Q{r}. {QUESTIONS[r][2]}")
            item += para
            items += item
        related += items
        section += related


# -- Bibliographies: a plain list of sources at the end of each page -------------------------


class LocalBibliography(SphinxPostTransform):
    """Turn each page's bibliography into a bullet list, in HTML and in the PDF.

    The pages cite author-year ("Dao et al. (2022)"), so numeric labels would only add noise;
    and in LaTeX, citation nodes would be gathered into one list at the end of the book,
    leaving every chapter's References section empty. List items keep the citation ids, so
    every ``{cite}`` still links to its entry on the same page.
    """

    default_priority = 6  # after sphinxcontrib-bibtex builds the citations (5), before links resolve (10)

    def run(self, **kwargs):
        for container in list(self.document.findall(nodes.container)):
            entries = [c for c in container.children if isinstance(c, nodes.citation)]
            if not entries or len(entries) != len(container.children):
                continue
            items = nodes.bullet_list(classes=["bibliography"])
            for citation in entries:
                item = nodes.list_item(ids=citation["ids"])
                item += [child for child in citation.children if not isinstance(child, nodes.label)]
                # BibTeX's "and others" (author lists of hundreds) reads "et al.", not "and others".
                for text in list(item.findall(nodes.Text)):
                    if "and others" in text:
                        text.parent.replace(text, nodes.Text(text.replace(", and others", ", et al.").replace(" and others", " et al.")))
                items += item
            container.replace_self(items)


def _entry_signature(entry) -> tuple:
    persons = tuple((role, tuple(str(p) for p in people)) for role, people in sorted(entry.persons.items()))
    return entry.type, tuple(sorted((k, str(v)) for k, v in entry.fields.items())), persons


def cache_formatted_references() -> None:
    """Keep sphinxcontrib-bibtex's formatted entries between builds.

    The extension re-formats every page's bibliography with pybtex on every build, even when
    nothing changed: with dozens of pages that is seconds on each one-page edit. The result
    depends only on the style and on the entries a bibliography lists, so it is cached in the
    environment under that signature and reused while the signature is unchanged.
    """
    from sphinxcontrib.bibtex.domain import BibtexDomain

    original = BibtexDomain.get_formatted_entries
    if getattr(original, "book_cached", False):
        return

    def get_formatted_entries(self, bibliography_key, docnames, tooltips, tooltips_style):
        bibliography = self.bibliographies[bibliography_key]
        entries = self.get_sorted_entries(bibliography_key, docnames)
        signature = (bibliography.style, bibliography.labelprefix, tooltips, tooltips_style,
                     tuple((key, _entry_signature(entry)) for key, entry in entries))
        cache = self.data.setdefault("book_formatted_entries", {})
        hit = cache.get(bibliography_key)
        if hit is None or hit[0] != signature:
            hit = cache[bibliography_key] = (signature, list(original(self, bibliography_key, docnames, tooltips, tooltips_style)))
        return iter(hit[1])

    get_formatted_entries.book_cached = True
    BibtexDomain.get_formatted_entries = get_formatted_entries

    # subtle: the extension finds the pages citing each entry by scanning every citation of
    # the book, for every entry of every bibliography: O(bibliographies x entries x
    # citations), tens of seconds at 88 pages. Index the citations once per call instead;
    # the filter expression is evaluated exactly as before.
    from sphinxcontrib.bibtex.domain import _FilterVisitor, logger as bibtex_logger

    def get_filtered_entries(self, bibliography_key):
        bibliography = self.bibliographies[bibliography_key]
        cited_by: dict[str, set] = {}
        for ref in self.citation_refs:
            for target in ref.targets:
                cited_by.setdefault(target.key, set()).add(ref.docname)
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            visitor = _FilterVisitor(entry=entry, docname=bibliography_key.docname,
                                     cited_docnames=cited_by.get(key, set()))
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                bibtex_logger.warning(f"syntax error in :filter: expression; {err}",
                                      location=(bibliography_key.docname, bibliography.line),
                                      type="bibtex", subtype="filter_syntax_error")
                success = bool(cited_by.get(key))
            if success or entry.key in bibliography.keys:
                yield key, entry

    BibtexDomain.get_filtered_entries = get_filtered_entries


# -- The "All questions" table -----------------------------------------------------------


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
            link += _doc_link(self.env.docname, question_docname(self.env.app, qid), title)
            part_link = nodes.paragraph()
            part_link += _doc_link(self.env.docname, f"{QUESTIONS_DIR}/{PARTS[part][0]}/index", f"{part}. {PARTS[part][1]}")
            row([nodes.Text(f"Q{qid}"), link, nodes.Text(level.capitalize()), part_link,
                 nodes.Text(", ".join(pages[qid].tags))], body)
        summary = nodes.paragraph(text=f"{len(pages)} of the book's {len(QUESTIONS)} questions are written.")
        return [summary, table]


def forget_doc(app, env, docname):
    getattr(env, "book_lists_questions", {}).pop(docname, None)


def merge_info(app, env, docnames, other):
    env.book_lists_questions = {**getattr(env, "book_lists_questions", {}),
                                **getattr(other, "book_lists_questions", {})}


# -- Figures drawn at build time by snippets/ ----------------------------------------------


def _snippet_sources(root: Path) -> list[Path]:
    return sorted((root / "snippets").rglob("*.py"))


def render_figure(spec: str, outdir: Path, root: Path) -> str:
    """Draw `module:function` (or `module.function`) into outdir as SVG and PDF; return the stem.

    Files are rewritten only when their bytes change, so an unchanged figure is not recopied.
    A figure whose inputs (every snippet source, the spec, matplotlib's version) hash to the
    key stored beside it is not drawn again: one-page edits and rebuilds skip the plotting.
    """
    module_name, _, func_name = spec.replace(":", ".").rpartition(".")
    stem = f"{module_name.split('.')[-1]}-{func_name}"
    from importlib.metadata import version

    digest = hashlib.sha256(f"{spec}|{version('matplotlib')}".encode())
    for source in _snippet_sources(root):
        digest.update(source.name.encode() + b"\0" + source.read_bytes())
    key_file = outdir / f"{stem}.key"
    if (key_file.exists() and key_file.read_text() == digest.hexdigest()
            and (outdir / f"{stem}.svg").exists() and (outdir / f"{stem}.pdf").exists()):
        return stem

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    try:
        module = importlib.import_module(module_name)
        func = getattr(module, func_name)
    except (ImportError, AttributeError) as err:
        raise ValueError(f"cannot import plotting function {spec!r}: {err}") from err
    with matplotlib.rc_context({"svg.hashsalt": "book", "svg.fonttype": "path"}):
        fig = func()
        outdir.mkdir(parents=True, exist_ok=True)
        for ext, meta in (("svg", {"Date": None}), ("pdf", {"CreationDate": None})):
            buf = io.BytesIO()
            fig.savefig(buf, format=ext, metadata=meta, bbox_inches="tight")
            target = outdir / f"{stem}.{ext}"
            if not target.exists() or target.read_bytes() != buf.getvalue():
                target.write_bytes(buf.getvalue())
        plt.close(fig)
    key_file.write_text(digest.hexdigest())
    return stem


class SnippetFigure(Figure):
    """``{snippet-figure} snippets.module:plot_function`` plus the usual figure options and caption."""

    def run(self):
        env = self.state.document.settings.env
        srcdir = Path(env.srcdir)
        root = srcdir.parent
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        try:
            stem = render_figure(self.arguments[0], srcdir / FIGURES_DIR, root)
        except Exception as err:  # the plotting code's own error, with the page's location
            raise self.error(f"snippet-figure {self.arguments[0]}: {type(err).__name__}: {err}") from err
        # Redraw when any snippet changes (a plot may use helpers from other modules).
        for source in _snippet_sources(root):
            env.note_dependency(str(source))
        docdir = Path(env.doc2path(env.docname)).parent
        self.arguments[0] = str(Path(*[".."] * len(docdir.relative_to(srcdir).parts), FIGURES_DIR, f"{stem}.*"))
        return super().run()


# -- The whole-book PDF ------------------------------------------------------------------


def pdf_path(app: Sphinx) -> Path:
    return Path(app.srcdir).parent / "build" / "pdf" / app.config.book_pdf_name  # where make pdf puts it


class BookPdf(SphinxRole):
    """``{book-pdf}`Download the book``: a link to the PDF if ``make pdf`` has built it."""

    def run(self):
        text = self.text or "the whole book as a PDF"
        if self.env.app.builder.format != "html":
            return [nodes.Text(text)], []
        # Re-read this page when the PDF appears or is rebuilt (a missing file always re-reads).
        self.env.note_dependency(str(pdf_path(self.env.app)))
        if not pdf_path(self.env.app).exists():
            # Built without TeX: say how to get the PDF instead of linking to nothing.
            note = nodes.inline(classes=["book-pdf-missing"])
            note += nodes.Text(f"{text} (not part of this build: run ")
            note += nodes.literal("make pdf", "make pdf")
            note += nodes.Text(", which needs TeX Live; see the README)")
            return [note], []
        uri = Path(*[".."] * (self.env.docname.count("/"))) / self.env.app.config.book_pdf_name
        return [nodes.reference(text, text, refuri=str(uri), classes=["book-pdf"])], []


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


# -- MathJax, served from the book itself --------------------------------------------------

MATHJAX_PARTS = ("tex-chtml.js", "input/tex/extensions", "output/chtml/fonts/woff-v2", "ui", "a11y")


def mathjax_source() -> Path:
    try:
        dist = metadata.distribution("sphinx-mathjax-offline")
    except metadata.PackageNotFoundError as err:
        raise SphinxError("the package sphinx-mathjax-offline (MathJax's files) is not installed; "
                          "run 'make html', which installs the book's dependencies") from err
    return Path(dist.locate_file("sphinx-mathjax-offline/static/mathjax"))


def copy_mathjax(app, exc):
    if exc is not None or app.builder.format != "html":
        return
    src, dst = mathjax_source(), Path(app.outdir) / "_static" / "mathjax"
    for part in MATHJAX_PARTS:
        files = [src / part] if (src / part).is_file() else sorted((src / part).rglob("*"))
        for f in files:
            if f.is_file():
                target = dst / f.relative_to(src)
                if not target.exists() or target.stat().st_size != f.stat().st_size:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(f, target)


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


def setup(app: Sphinx):
    cache_formatted_references()
    app.add_config_value("book_pdf_name", "book.pdf", "env")
    app.connect("builder-inited", validate)
    app.connect("env-get-outdated", outdated_index)
    app.connect("env-get-updated", restore_global_numbers, priority=100)  # before Sphinx numbers (500)
    app.connect("env-get-updated", number_per_question, priority=900)  # after it
    app.connect("env-purge-doc", forget_doc)
    app.connect("env-merge-info", merge_info)
    app.connect("doctree-read", decorate_question)
    app.connect("doctree-read", latex_moves_index, priority=400)  # before the toctree collector
    app.connect("html-page-context", add_pdf_url, priority=100)  # before the theme's sidebar (500)
    app.connect("html-page-context", add_pdf_button, priority=900)  # after its buttons (501)
    app.connect("build-finished", copy_pdf)
    app.connect("build-finished", copy_mathjax)
    app.add_post_transform(LocalBibliography)
    app.add_directive("question-index", QuestionIndex)
    app.add_directive("snippet-figure", SnippetFigure)
    app.add_role("book-pdf", BookPdf())
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True,
            "env_version": 2}
