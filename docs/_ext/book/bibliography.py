"""Bibliographies: each page ends with a plain list of its own sources (sphinxcontrib-bibtex),
and the extension's formatting and filtering are made fast enough for 88 pages."""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform


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
    # the filter expression is evaluated exactly as before, except that the book's own
    # filter, "docname in docnames", is answered from that index without walking its syntax
    # tree for every entry of the bibliography file (the cost of every build grew as pages
    # times entries).
    import ast

    from sphinxcontrib.bibtex.domain import _FilterVisitor, logger as bibtex_logger

    page_filter = ast.dump(ast.parse("docname in docnames"))

    def get_filtered_entries(self, bibliography_key):
        bibliography = self.bibliographies[bibliography_key]
        cited_by: dict[str, set] = {}
        for ref in self.citation_refs:
            for target in ref.targets:
                cited_by.setdefault(target.key, set()).add(ref.docname)
        if ast.dump(bibliography.filter_) == page_filter:
            docname = bibliography_key.docname
            for entry in self.get_entries(bibliography.bibfiles):
                key = bibliography.keyprefix + entry.key
                if docname in cited_by.get(key, ()) or entry.key in bibliography.keys:
                    yield key, entry
            return
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


def setup(app: Sphinx) -> None:
    cache_formatted_references()
    app.add_post_transform(LocalBibliography)
