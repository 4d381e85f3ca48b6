# Sphinx configuration of the book. One banner per section; the book's own rules live in
# docs/_ext/book/ (one module per concern: validation, furniture, bibliography, figures, generated
# pages, PDF, assets, incremental-build speed) and docs/_ext/bookrules.py (the page rules).

import sys
from pathlib import Path

HERE = Path(__file__).parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "_ext"))  # the book's extension
sys.path.insert(0, str(ROOT))  # `snippets`, for figures drawn at build time

# -- Project ---------------------------------------------------------------------------------

project = "NLP and LLM Interview Questions"
subtitle = "An open book for experienced practitioners"
author = "The book's authors"
copyright = "2026, the book's authors"
release = "2026.11"  # edition: year and month
book_pdf_name = "nlp-llm-interview-questions.pdf"

# -- General -------------------------------------------------------------------------------

extensions = [
    "myst_parser",
    "sphinx.ext.mathjax",
    "sphinx_copybutton",
    "sphinx_design",
    "sphinxcontrib.bibtex",
    "book",
]
exclude_patterns = ["_build", "_figures", "Thumbs.db", ".DS_Store"]
templates_path = ["_templates"]
numfig = True  # numbered figures, tables and code listings
numfig_format = {"figure": "Figure %s", "table": "Table %s", "code-block": "Listing %s"}
# The HTML numbers per question (book/furniture.py); in the PDF, whose top level is the part,
# depth 2 makes LaTeX restart the numbers in each chapter, so both read "Figure 48.1".
numfig_secnum_depth = 2
math_numfig = True  # numbered equations
math_eqref_format = "({number})"
nitpicky = True  # every cross-reference must resolve
# Every question page has its own bibliography (":filter: docname in docnames"), so a paper
# cited by two pages is listed on both, and labels repeat across pages. sphinxcontrib-bibtex
# resolves each citation to the list on its own page (tests/book/test_book_build.py checks it), so
# these two warnings describe the intended layout, not an error.
suppress_warnings = ["bibtex.duplicate_citation", "bibtex.duplicate_label"]
pygments_style = "sphinx"

# -- MyST Markdown ---------------------------------------------------------------------------

myst_enable_extensions = [
    "amsmath",  # \begin{align} ... \end{align} blocks
    "attrs_inline",
    "colon_fence",  # ::: fences for directives (dropdowns, figures)
    "deflist",
    "dollarmath",  # $...$ and $$...$$ (label)
    "smartquotes",
]
myst_dmath_double_inline = True
myst_heading_anchors = 3  # [text](#heading-slug) links within a page
myst_footnote_transition = False

# -- HTML ------------------------------------------------------------------------------------

html_theme = "sphinx_book_theme"
html_title = project
html_static_path = ["_static"]
html_css_files = ["book.css"]
html_search_scorer = str(HERE / "_ext" / "search_scorer.js")  # rank pages whose title matches the query first
html_use_index = False  # the book has no index entries; genindex.html would be an empty page
html_copy_source = True  # the download button offers the page's Markdown source
html_show_sourcelink = True
html_last_updated_fmt = None
html_theme_options = {
    "home_page_in_toc": True,
    "show_navbar_depth": 1,
    "use_download_button": True,  # this page's source, print to PDF, and the whole-book PDF
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "navbar_persistent": [],  # one search box (the sidebar's), not a second in a header bar
}
# The repository and source buttons need the public address of the book's repository; set
# BOOK_REPOSITORY_URL (e.g. in CI or a release build) to turn them on.
import os  # noqa: E402

_repo = os.environ.get("BOOK_REPOSITORY_URL")
if _repo:
    html_theme_options |= {
        "repository_url": _repo,
        "repository_branch": os.environ.get("BOOK_REPOSITORY_BRANCH", "main"),
        "path_to_docs": "docs",
        "use_repository_button": True,
        "use_source_button": True,
        "use_issues_button": True,
    }
html_sidebars = {"**": ["navbar-logo.html", "search-button-field.html", "sbt-sidebar-nav.html", "book-pdf.html"]}

# -- Math (offline) ----------------------------------------------------------------------------
# MathJax 3 is copied from the sphinx-mathjax-offline package into _static/mathjax by the
# book extension; no page loads it from a CDN.
mathjax_path = "mathjax/tex-chtml.js"
mathjax3_config = {"tex": {"tags": "ams"}}

# -- Copy button -------------------------------------------------------------------------------
# Copy only what runs: strip ">>> ", "... " and "$ " prompts; in a block with prompts, drop
# the output lines.
copybutton_prompt_text = r">>> |\.\.\. |\$ "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_remove_prompts = True
copybutton_exclude = ".linenos, .gp, .go"

# -- Bibliography ------------------------------------------------------------------------------

bibtex_bibfiles = ["references.bib"]
bibtex_default_style = "plain"
bibtex_reference_style = "author_year"
bibtex_tooltips = False  # citations link to the page's list; no hover copy of each entry (halves pybtex time)

# -- LaTeX / PDF -------------------------------------------------------------------------------

latex_engine = "xelatex"
latex_toplevel_sectioning = "part"  # parts are LaTeX parts, each question a chapter
latex_documents = [
    # toctree_only: the landing page's own text (download links, study paths) stays on the web
    ("index", book_pdf_name.replace(".pdf", ".tex"), project, author, "manual", True),
]
latex_appendices = ["all-questions"]  # the table of questions by ID closes the PDF
latex_show_urls = "no"  # links stay clickable in the PDF; no footnote per arXiv link
latex_elements = {
    "papersize": "a4paper",
    "extraclassoptions": "openany,oneside",  # a book read on screen: no blank pages before chapters
    "pointsize": "10pt",
    "fontpkg": r"""
\setmainfont{TeX Gyre Pagella}
\setsansfont{TeX Gyre Heros}
\setmonofont{FreeMono}
""",
    "sphinxsetup": "verbatimwrapslines=true, verbatimforcewraps=true, verbatimmaxoverfull=0",
    "preamble": r"""
\usepackage{amsmath,amssymb}
\setcounter{tocdepth}{0}  % the table of contents lists parts and questions
% Running footers: long question titles wrap in a box instead of running into the page number.
\makeatletter
\fancypagestyle{normal}{%
  \fancyhf{}%
  \fancyfoot[RO]{{\py@HeaderFamily\thepage}}%
  \fancyfoot[LO]{{\py@HeaderFamily\parbox[b]{0.85\textwidth}{\raggedright\nouppercase{\rightmark}}}}%
  \fancyhead[RO]{{\py@HeaderFamily \@title\sphinxheadercomma\py@release}}%
  \if@twoside
    \fancyfoot[LE]{{\py@HeaderFamily\thepage}}%
    \fancyfoot[RE]{{\py@HeaderFamily\parbox[b]{0.85\textwidth}{\raggedleft\nouppercase{\leftmark}}}}%
    \fancyhead[LE]{{\py@HeaderFamily \@title\sphinxheadercomma\py@release}}%
  \fi
  \renewcommand{\headrulewidth}{0.4pt}%
  \renewcommand{\footrulewidth}{0.4pt}%
}
\makeatother
% The appendix ("All questions") is a chapter, not a part.
\makeatletter
\g@addto@macro\appendix{\let\part\chapter}
\makeatother
""",
    "printindex": "",
    "releasename": "Edition",
}
latex_use_xindy = False
latex_domain_indices = False
