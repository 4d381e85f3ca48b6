"""No code block on a page is untested: code comes from snippets/ by literalinclude (tested by
the snippet tests), an interactive `>>>` session on a page runs here as a doctest, and the only
other code allowed is a one-line shell command."""

import doctest
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = sorted((ROOT / "docs").rglob("*.md"))
PAGES = [p for p in PAGES if "_build" not in p.parts]
FENCE = re.compile(r"^(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)\n(?P<body>.*?)^(?P=fence)\s*$", re.M | re.S)
SHELL = {"sh", "bash", "console", "shell"}


def code_blocks(path: Path):
    text = path.read_text(encoding="utf-8")
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        yield line, m.group("info").strip(), m.group("body")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT / "docs")))
def test_every_code_block_is_tested(page):
    for line, info, body in code_blocks(page):
        where = f"{page.relative_to(ROOT)}:{line}"
        if info.startswith("{"):  # a directive: literalinclude, toctree, ...
            continue
        lang = info.split()[0] if info else ""
        if ">>> " in body:
            continue  # run by test_interactive_sessions_run
        if lang in SHELL and len(body.strip().splitlines()) == 1:
            continue
        pytest.fail(f"{where}: a ```{lang} block typed into the page; include it from snippets/ "
                    "with literalinclude, or make it a >>> session (run as a doctest)")


SESSIONS = [(p, line, body) for p in PAGES for line, info, body in code_blocks(p)
            if not info.startswith("{") and ">>> " in body]


@pytest.mark.parametrize("page,line,body", SESSIONS,
                         ids=[f"{p.name}:{line}" for p, line, _ in SESSIONS])
def test_interactive_sessions_run(page, line, body):
    test = doctest.DocTestParser().get_doctest(body, {}, f"{page.name}", str(page), line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=lambda s: None)
    assert result.failed == 0, f"{page.relative_to(ROOT)}:{line}: the >>> session does not run as shown"
    assert result.attempted > 0


def test_pages_have_sessions_to_check():
    assert SESSIONS, "no page has a >>> session"
