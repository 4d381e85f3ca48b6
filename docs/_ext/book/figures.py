"""Figures drawn at build time: ``{snippet-figure} snippets.part.concept_plots:plot_name``.

The build calls the plotting function and saves SVG (HTML) and PDF (LaTeX) in ``docs/_figures``.
A figure's inputs are its module and the ``snippets`` modules that module imports, directly or
through others (found by reading their ``import`` statements, function bodies included), plus
the packages' ``__init__.py`` files on the way. The page depends on exactly those files, so an
edit to any of them re-reads the page and redraws the figure, and an edit to any other module
leaves the page alone; a figure whose inputs hash to the key stored beside it is not redrawn.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import io
import sys
from functools import lru_cache
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.directives.patches import Figure

from .common import FIGURES_DIR

PACKAGE = "snippets"


def module_file(root: Path, name: str) -> Path | None:
    """The source file of module `name` (``snippets.a.b``) under `root`, if it is one of ours."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = root.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def _package_inits(root: Path, name: str) -> list[Path]:
    """The ``__init__.py`` files that importing `name` runs (``snippets``, ``snippets.a``, ...)."""
    parts = name.split(".")
    inits = [root.joinpath(*parts[:i], "__init__.py") for i in range(1, len(parts))]
    return [p for p in inits if p.is_file()]


def _module_name(root: Path, path: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


@lru_cache(maxsize=None)
def _imports(path: Path, mtime_ns: int) -> tuple[tuple[int, str, tuple[str, ...]], ...]:
    """The import statements of `path`, anywhere in the file (function bodies included), as
    (level, module, names). Cached on the file's modification time: one parse per build."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(0, alias.name, ()) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or "", tuple(a.name for a in node.names)))
    return tuple(found)


def _imported_modules(root: Path, path: Path) -> list[str]:
    """The names of the modules `path` imports, relative imports resolved."""
    here = _module_name(root, path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    names = []
    for level, module, imported in _imports(path, path.stat().st_mtime_ns):
        if level:  # from .x import y: relative to this module's package
            anchor = package[: len(package) - (level - 1)]
            module = ".".join([*anchor, *([module] if module else [])])
        names.append(module)
        names += [f"{module}.{name}" for name in imported]  # `from snippets.part import concept`
    return names


def snippet_inputs(root: Path, module: str) -> list[Path]:
    """The files a figure drawn by `module` depends on: the module, the modules it imports
    within ``snippets`` (transitively), and the package ``__init__`` files on the way. Sorted.
    """
    start = module_file(root, module)
    if start is None:
        raise ValueError(f"{module!r} is not a module of {root / PACKAGE}")
    seen: set[Path] = set()
    pending = [start]
    while pending:
        path = pending.pop()
        if path in seen:
            continue
        seen.add(path)
        pending += _package_inits(root, _module_name(root, path))
        for name in _imported_modules(root, path):
            target = module_file(root, name)
            if target is not None:
                pending.append(target)
    return sorted(seen)


def figure_key(spec: str, inputs: list[Path], root: Path) -> str:
    """A hash of everything that decides the figure's pixels."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"{spec}|{version('matplotlib')}".encode())
    for source in inputs:
        digest.update(str(source.relative_to(root)).encode() + b"\0" + source.read_bytes() + b"\0")
    return digest.hexdigest()


def render_figure(spec: str, outdir: Path, root: Path) -> tuple[str, list[Path]]:
    """Draw `module:function` into outdir as SVG and PDF; return the file stem and the inputs.

    Files are rewritten only when their bytes change, so an unchanged figure is not recopied;
    a figure whose key (see `figure_key`) matches the one stored beside it is not drawn again.
    """
    module_name, _, func_name = spec.replace(":", ".").rpartition(".")
    stem = f"{module_name.split('.')[-1]}-{func_name}"
    inputs = snippet_inputs(root, module_name)
    key = figure_key(spec, inputs, root)
    key_file = outdir / f"{stem}.key"
    if (key_file.exists() and key_file.read_text() == key
            and (outdir / f"{stem}.svg").exists() and (outdir / f"{stem}.pdf").exists()):
        return stem, inputs

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
    key_file.write_text(key)
    return stem, inputs


class SnippetFigure(Figure):
    """``{snippet-figure} snippets.part.concept_plots:plot_function`` plus the usual figure
    options and caption."""

    def run(self):
        env = self.state.document.settings.env
        srcdir = Path(env.srcdir)
        root = srcdir.parent
        if str(root) not in sys.path:
            sys.path.insert(0, str(root))
        try:
            stem, inputs = render_figure(self.arguments[0], srcdir / FIGURES_DIR, root)
        except Exception as err:  # the plotting code's own error, with the page's location
            raise self.error(f"snippet-figure {self.arguments[0]}: {type(err).__name__}: {err}") from err
        for source in inputs:  # re-read this page when one of the figure's inputs changes
            env.note_dependency(str(source))
        docdir = Path(env.doc2path(env.docname)).parent
        self.arguments[0] = str(Path(*[".."] * len(docdir.relative_to(srcdir).parts), FIGURES_DIR, f"{stem}.*"))
        return super().run()


def setup(app: Sphinx) -> None:
    app.add_directive("snippet-figure", SnippetFigure)
