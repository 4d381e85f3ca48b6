"""Assets served by the book itself: MathJax 3 is copied from a PyPI package into the HTML
output, so no page needs a CDN (the book requests nothing from another host)."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import SphinxError

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


def setup(app: Sphinx) -> None:
    app.connect("build-finished", copy_mathjax)
