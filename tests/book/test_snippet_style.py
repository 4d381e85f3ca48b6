"""The snippets read well on a page and are laid out like the book: listings fit the text
column, modules say what they follow, public functions carry a runnable example, every module
sits in its part's subpackage, and plotting code lives only in `*_plots.py` modules."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MODULES = sorted(p for p in (ROOT / "snippets").rglob("*.py") if p.name != "__init__.py")
MAX_COLUMNS = 92  # wider listings scroll sideways in the HTML text column
DATA_MODULES = {"rag_corpus.py"}  # a corpus written as data, never shown as a listing


@pytest.mark.parametrize("module", [m for m in MODULES if m.name not in DATA_MODULES],
                         ids=lambda p: p.name)
def test_lines_fit_the_page(module):
    long = [n for n, line in enumerate(module.read_text().splitlines(), 1) if len(line) > MAX_COLUMNS]
    assert long == [], f"{module.name}: lines over {MAX_COLUMNS} characters: {long}"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_module_docstring_names_its_source(module):
    doc = ast.get_docstring(ast.parse(module.read_text())) or ""
    assert doc, f"{module.name} has no module docstring"
    if module.name not in DATA_MODULES and not module.name.endswith("_plots.py"):
        assert "Follows" in doc or "Simplifications" in doc, f"{module.name}: say what it follows"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_public_functions_have_a_docstring(module):
    tree = ast.parse(module.read_text())
    missing = [node.name for node in tree.body
               if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and not node.name.startswith("_")
               and not ast.get_docstring(node)]
    assert missing == [], f"{module.name}: no docstring on {missing}"


PARTS = {"foundations", "generation", "transformer", "tokenization", "retrieval", "training",
         "alignment", "serving", "behaviour"}
SHARED = {"specs.py"}  # quantities several parts use: one value book-wide


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_every_module_sits_in_its_parts_subpackage(module):
    rel = module.relative_to(ROOT / "snippets")
    if rel.parts == (module.name,):
        assert module.name in SHARED, f"{rel}: put it in the subpackage of its part ({sorted(PARTS)})"
    else:
        assert len(rel.parts) == 2 and rel.parts[0] in PARTS, f"{rel}: not a part's subpackage"
        init = module.parent / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text())) if init.exists() else None
        assert doc and "Part " in doc, f"{init.relative_to(ROOT)}: say which part it serves"


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_plotting_code_lives_in_plots_modules(module):
    tree = ast.parse(module.read_text())
    plots = [n.name for n in tree.body if isinstance(n, ast.FunctionDef) and n.name.startswith("plot_")]
    uses_matplotlib = any(
        (isinstance(n, ast.Import) and any(a.name.startswith("matplotlib") for a in n.names))
        or (isinstance(n, ast.ImportFrom) and (n.module or "").startswith("matplotlib"))
        for n in ast.walk(tree))
    if module.name.endswith("_plots.py"):
        top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        assert not any("matplotlib" in ast.unparse(n) for n in top), \
            f"{module.name}: import matplotlib inside the plotting functions"
    else:
        assert plots == [] and not uses_matplotlib, \
            f"{module.name}: move {plots or 'the matplotlib code'} to {module.stem}_plots.py"
