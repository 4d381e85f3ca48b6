"""Incremental builds that do only what an edit needs (``make serve``, a writer's rebuild).

Two pages that Sphinx rewrites after any edit are left alone when nothing they show changed:

- A part's index lists its questions by title. Sphinx rewrites the index whenever one of them
  changes, in case its title changed; but a question's title is fixed by the catalogue (the
  validator rejects any other), so an edited question page rewrites only itself.
- The theme renders each sidebar template once more only to check that it is not empty; the
  book's sidebar navigation (the whole table of contents, the costliest part of a page) is
  never empty, so it is rendered once, as the theme already does for its own navigation.
- With ``-j``, Sphinx reads even one changed page in a worker process, which sends the whole
  environment back pickled: a cost that grows with the book (over a second at 71 pages). A
  build that reads only a few pages reads them in the main process; a full build still reads
  in parallel, and writing is untouched.
- ``search.html`` is drawn from templates only. Sphinx rewrites it at every build; here it is
  rewritten when a page is added or removed (its sidebar lists the pages), when the
  configuration changed, or when a template is newer than the file.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import CONFIG_OK

from .common import QUESTION_DOC


def note_docset(app: Sphinx, env, added, changed, removed):
    app.book_docset_unchanged = not added and not removed and env.config_status == CONFIG_OK
    return []


SERIAL_READ_MAX = 8  # pages; below this a worker process costs more than it saves


def read_few_pages_serially(app: Sphinx, env, docnames) -> None:
    if app.parallel > 1 and len(docnames) <= SERIAL_READ_MAX:
        app.book_parallel, app.parallel = app.parallel, 1


def restore_parallelism(app: Sphinx, env) -> list[str]:
    if getattr(app, "book_parallel", None):
        app.parallel, app.book_parallel = app.book_parallel, None
    return []


def keep_part_indexes(app: Sphinx, builder) -> None:
    """Question pages do not make the toctrees that hold them stale (see the module text).

    The environment is saved before writing starts, so this changes only the current build."""
    env = builder.env
    env.files_to_rebuild = {doc: parents for doc, parents in env.files_to_rebuild.items()
                            if not QUESTION_DOC.match(doc)}


_original_additional_pages = StandaloneHTMLBuilder.gen_additional_pages


def gen_additional_pages(self: StandaloneHTMLBuilder) -> None:
    page = Path(self.outdir) / f"search{self.out_suffix}"
    skip = (self.search and page.exists() and getattr(self.app, "book_docset_unchanged", False)
            and page.stat().st_mtime >= self.templates.newest_template_mtime())
    if not skip:
        return _original_additional_pages(self)
    self.search = False  # only the search page is governed by it here
    try:
        _original_additional_pages(self)
    finally:
        self.search = True


NEVER_EMPTY = ("sbt-sidebar-nav.html",)


def skip_empty_check_of_navigation() -> None:
    try:
        from pydata_sphinx_theme import utils
    except ImportError:  # another theme: nothing to do
        return
    original = utils._update_and_remove_templates
    if getattr(original, "book_patched", False):
        return

    def update_and_remove_templates(*args, templates_skip_empty_check=None, **kwargs):
        skip = [*(templates_skip_empty_check or []), *NEVER_EMPTY]
        return original(*args, templates_skip_empty_check=skip, **kwargs)

    update_and_remove_templates.book_patched = True
    utils._update_and_remove_templates = update_and_remove_templates


def setup(app: Sphinx) -> None:
    skip_empty_check_of_navigation()
    StandaloneHTMLBuilder.gen_additional_pages = gen_additional_pages
    app.connect("env-get-outdated", note_docset)
    app.connect("env-before-read-docs", read_few_pages_serially)
    app.connect("env-updated", restore_parallelism)
    app.connect("write-started", keep_part_indexes)
