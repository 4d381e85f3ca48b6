"""The snippets read well on a page: listings fit the text column, modules say what they
follow, and public functions carry a runnable example."""

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
