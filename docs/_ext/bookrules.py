"""The book's rules for question pages, checked on the Markdown sources.

Pure Python (no Sphinx), so the tests can feed it broken fixtures directly. The Sphinx
extension (`book/validation.py`) runs `check_book` before anything is read and stops the build on
the first report, listing every problem as ``path:line: message``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from catalog import (LEVELS, MAX_SHORT_ANSWER_WORDS, MIN_FOLLOWUPS, MIN_PITFALLS, PARTS, QUESTIONS,
                     SECTIONS, TAGS)

FILE_RE = re.compile(r"^q(\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*\.md$")
TITLE_RE = re.compile(r"^Q(\d+)\.\s+(.+?)\s*$")
FENCE_RE = re.compile(r"^(`{3,}|~{3,})")
# The words that mark an unfinished page (spelled in pieces so that a grep for them finds pages,
# not this rule).
PLACEHOLDERS = ("TO" "DO", "T" "BD", "FIX" "ME", "lorem" " ipsum", "coming" " soon")
PLACEHOLDER_RE = re.compile(r"\b(" + "|".join(PLACEHOLDERS) + r")\b", re.I)
# Words as a listener hears them: a $...$ or $$...$$ math span is one word; inline code counts
# as its words; numbers such as "2,048", "0.5" or "16-bit" are one word each.
MATH_SPAN_RE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$", re.S)
WORD_RE = re.compile(r"[\w'’.,%×-]*\w[\w'’.,%×-]*")


def spoken_words(text: str) -> int:
    """The number of words of `text` said aloud: math spans count as one word.

    >>> spoken_words("Attention costs $O(n^2 d)$ FLOPs, about 2,048 x 4 at `n = 2048`.")
    11
    """
    return len(WORD_RE.findall(MATH_SPAN_RE.sub(" M ", text)))


@dataclass(frozen=True)
class Problem:
    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else f"{self.path}"
        return f"{where}: {self.message}"


@dataclass
class Page:
    """What the rules need to know about one question page."""

    path: Path
    qid: int | None = None
    title: str = ""
    level: str = ""
    tags: list = field(default_factory=list)
    related: list = field(default_factory=list)
    problems: list = field(default_factory=list)


def _visible_lines(text: str):
    """Yield (line number, line) for lines outside backtick/tilde fences (code and directives)."""
    fence = None
    for n, line in enumerate(text.splitlines(), start=1):
        m = FENCE_RE.match(line.lstrip())
        if fence is None:
            if m:
                fence = m.group(1)
                continue
            yield n, line
        elif line.strip().startswith(fence[0] * len(fence)) and line.strip().strip(fence[0]) == "":
            fence = None


def _front_matter(text: str, page: Page) -> tuple[dict, int]:
    """Return the YAML front matter and the number of lines it spans."""
    lines = text.splitlines()
    if not lines or lines[0].strip() != "---":
        page.problems.append(Problem(page.path, 1, "no front matter: the page must start with '---'"))
        return {}, 0
    for end in range(1, len(lines)):
        if lines[end].strip() == "---":
            break
    else:
        page.problems.append(Problem(page.path, 1, "front matter is not closed by '---'"))
        return {}, 0
    try:
        data = yaml.safe_load("\n".join(lines[1:end])) or {}
    except yaml.YAMLError as err:
        page.problems.append(Problem(page.path, 1, f"front matter is not valid YAML: {err}"))
        return {}, end + 1
    if not isinstance(data, dict):
        page.problems.append(Problem(page.path, 1, "front matter must be a mapping"))
        return {}, end + 1
    return data, end + 1


def parse_page(path: Path, display: Path | None = None) -> Page:
    """Check one page on its own; cross-page rules are in `check_book`."""
    shown = display or path
    page = Page(path=shown)
    text = path.read_text(encoding="utf-8")
    meta, skip = _front_matter(text, page)

    m = FILE_RE.match(path.name)
    if not m:
        page.problems.append(Problem(shown, None, "file name must be 'qNN-slug.md' (two-digit ID, lower-case slug)"))
    file_id = int(m.group(1)) if m else None

    # Front matter: level, tags, related.
    page.level = meta.get("level", "")
    if page.level not in LEVELS:
        page.problems.append(Problem(shown, 2, f"level is {page.level!r}; it must be one of {', '.join(LEVELS)}"))
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not tags:
        page.problems.append(Problem(shown, 2, "tags must be a non-empty list"))
        tags = []
    unknown = sorted(str(t) for t in tags if t not in TAGS)
    if unknown:
        page.problems.append(Problem(shown, 2, f"unknown tag(s) {', '.join(unknown)}; add them to TAGS in docs/_ext/catalog.py"))
    page.tags = [str(t) for t in tags]
    related = meta.get("related", [])
    if not isinstance(related, list) or not all(isinstance(r, int) and not isinstance(r, bool) for r in related):
        page.problems.append(Problem(shown, 2, "related must be a list of question IDs (integers)"))
        related = []
    page.related = related

    # Title and sections, outside code fences.
    headings = []  # (line, level, text)
    for n, line in _visible_lines(text):
        if n <= skip:
            continue
        h = re.match(r"^(#{1,6})\s+(.*?)\s*$", line)
        if h:
            headings.append((n, len(h.group(1)), h.group(2)))
        if PLACEHOLDER_RE.search(line):
            page.problems.append(Problem(shown, n, f"unfinished-page marker {PLACEHOLDER_RE.search(line).group(0)!r}: a page is complete or not in the book"))

    titles = [(n, t) for n, lvl, t in headings if lvl == 1]
    if len(titles) != 1:
        page.problems.append(Problem(shown, titles[1][0] if len(titles) > 1 else None,
                                     f"the page must have exactly one '# QNN. ...' title (found {len(titles)})"))
    if titles:
        n, t = titles[0]
        tm = TITLE_RE.match(t)
        if not tm:
            page.problems.append(Problem(shown, n, f"title {t!r} must read 'QNN. <question>'"))
        else:
            page.qid, page.title = int(tm.group(1)), tm.group(2)
            if file_id is not None and page.qid != file_id:
                page.problems.append(Problem(shown, n, f"title says Q{page.qid} but the file name says q{file_id:02d}"))
            expected = QUESTIONS.get(page.qid)
            if expected is None:
                page.problems.append(Problem(shown, n, f"Q{page.qid} is not a question of the book (IDs are 1..{max(QUESTIONS)})"))
            else:
                level, part, title = expected
                if page.title != title:
                    page.problems.append(Problem(shown, n, f"title must be the catalogue's: {title!r}"))
                if page.level in LEVELS and page.level != level:
                    page.problems.append(Problem(shown, 2, f"level is {page.level!r} but Q{page.qid} is {level!r} in the catalogue"))
                if path.parent.name != PARTS[part][0]:
                    page.problems.append(Problem(shown, None, f"Q{page.qid} belongs in part {part} (docs/questions/{PARTS[part][0]}/)"))
    if page.qid is None and file_id is not None:
        page.qid = file_id

    _check_sections(text, headings, page)
    return page


def _check_sections(text: str, headings: list, page: Page) -> None:
    """The five sections, in order, non-empty, with enough pitfalls and follow-ups."""
    lines = text.splitlines()
    h2 = [(n, t) for n, lvl, t in headings if lvl == 2]
    names = [t for _, t in h2]
    for n, t in h2:
        if t not in SECTIONS:
            hint = " (it is rendered from 'related:')" if t.lower() == "related questions" else ""
            page.problems.append(Problem(page.path, n, f"unexpected section '## {t}'{hint}; the sections are {', '.join(SECTIONS)}"))
    for s in SECTIONS:
        if s not in names:
            page.problems.append(Problem(page.path, None, f"missing section '## {s}'"))
        elif names.count(s) > 1:
            page.problems.append(Problem(page.path, h2[[t for _, t in h2].index(s)][0], f"section '## {s}' appears twice"))
    present = [t for t in names if t in SECTIONS]
    expected_order = [s for s in SECTIONS if s in present]
    if present != expected_order and len(set(present)) == len(present):
        page.problems.append(Problem(page.path, h2[0][0] if h2 else None,
                                     f"sections out of order: found {', '.join(present)}; expected {', '.join(expected_order)}"))

    # The body of each section: from its heading to the next level-1/2 heading.
    starts = [(n, t) for n, lvl, t in headings if lvl <= 2]
    bodies = {}
    for i, (n, t) in enumerate(starts):
        end = starts[i + 1][0] - 1 if i + 1 < len(starts) else len(lines)
        bodies[t] = (n, lines[n:end])
    for s in SECTIONS:
        if s in bodies and not any(l.strip() for l in bodies[s][1]):
            page.problems.append(Problem(page.path, bodies[s][0], f"section '## {s}' is empty"))
    if "Short answer" in bodies:
        n, body = bodies["Short answer"]
        words = spoken_words("\n".join(body))
        if words > MAX_SHORT_ANSWER_WORDS:
            page.problems.append(Problem(page.path, n, f"short answer has {words} words (at most {MAX_SHORT_ANSWER_WORDS})"))
    if "Pitfalls" in bodies:
        n, body = bodies["Pitfalls"]
        count = sum(1 for l in body if re.match(r"^[-*] \S", l))
        if count < MIN_PITFALLS:
            page.problems.append(Problem(page.path, n, f"'## Pitfalls' has {count} item(s); at least {MIN_PITFALLS} are required"))
    if "Follow-ups" in bodies:
        n, body = bodies["Follow-ups"]
        count = sum(1 for l in body if re.match(r"^(?::{3,}|`{3,})\{dropdown\}\s*\S", l))
        if count < MIN_FOLLOWUPS:
            page.problems.append(Problem(page.path, n, f"'## Follow-ups' has {count} dropdown(s) with a question; at least {MIN_FOLLOWUPS} are required"))
    if "References" in bodies:
        n, body = bodies["References"]
        if not any(re.match(r"^(?::{3,}|`{3,})\{bibliography\}", l) for l in body):
            page.problems.append(Problem(page.path, n, "'## References' must hold a {bibliography} directive"))


def toctree_entries(index: Path) -> list[tuple[int, str]]:
    """The (line, entry) pairs of every toctree in a part's index page."""
    entries, inside = [], None
    for n, line in enumerate(index.read_text(encoding="utf-8").splitlines(), start=1):
        s = line.strip()
        m = re.match(r"^(`{3,}|:{3,})\{toctree\}", s)
        if inside is None and m:
            inside = m.group(1)
            continue
        if inside is not None:
            if s == inside:
                inside = None
            elif s and not s.startswith(":"):
                entries.append((n, s))
    return entries


def check_book(questions_dir: Path, root: Path | None = None) -> tuple[list[Page], list[Problem]]:
    """Check every question page and the parts that hold them.

    Returns the pages and the problems; paths are shown relative to `root`.
    """
    root = root or questions_dir.parent.parent
    show = lambda p: p.relative_to(root) if p.is_relative_to(root) else p  # noqa: E731
    problems: list[Problem] = []
    pages: list[Page] = []
    for path in sorted(questions_dir.rglob("*.md")):
        if path.name == "index.md":
            continue
        if not path.name.startswith("q"):
            problems.append(Problem(show(path), None, "only question pages 'qNN-slug.md' and a part's index.md live under docs/questions/"))
            continue
        page = parse_page(path, show(path))
        problems.extend(page.problems)
        pages.append(page)

    # No ID twice.
    by_id: dict[int, list[Page]] = {}
    for p in pages:
        if p.qid is not None:
            by_id.setdefault(p.qid, []).append(p)
    for qid, same in sorted(by_id.items()):
        if len(same) > 1:
            others = ", ".join(str(p.path) for p in same[1:])
            problems.append(Problem(same[0].path, None, f"Q{qid} is defined twice (also in {others})"))

    # related: every ID exists as a page, is not the page itself, and links back.
    for p in pages:
        for r in p.related:
            if r == p.qid:
                problems.append(Problem(p.path, 2, f"related lists the page itself (Q{r})"))
            elif r not in by_id:
                why = "is not written yet" if r in QUESTIONS else "is not a question of the book"
                problems.append(Problem(p.path, 2, f"related Q{r} {why}; list only pages in the book"))
            elif p.qid not in by_id[r][0].related:
                problems.append(Problem(p.path, 2, f"related Q{r} does not link back: add {p.qid} to 'related' in {by_id[r][0].path}"))

    # Every part has an index; every question sits in exactly one part's toctree.
    listed: dict[Path, list[tuple[Path, int]]] = {}
    for num, (slug, _title) in PARTS.items():
        index = questions_dir / slug / "index.md"
        if not index.exists():
            problems.append(Problem(show(index), None, f"part {num} has no index page"))
            continue
        for n, entry in toctree_entries(index):
            target = (index.parent / entry).with_suffix(".md") if not entry.endswith(".md") else index.parent / entry
            if not target.exists():
                problems.append(Problem(show(index), n, f"toctree entry {entry!r} names no page"))
                continue
            listed.setdefault(target.resolve(), []).append((show(index), n))
    for p in pages:
        where = listed.get((root / p.path).resolve(), [])
        if len(where) == 0:
            problems.append(Problem(p.path, None, "the page is in no part: list it in its part's index.md toctree"))
        elif len(where) > 1:
            problems.append(Problem(p.path, None, f"the page is listed in {len(where)} toctrees ({', '.join(f'{i}:{n}' for i, n in where)}); a question sits in exactly one part"))
        elif where[0][0].parent != p.path.parent:
            problems.append(Problem(p.path, None, f"the page is listed in {where[0][0]} but lives in another part's folder"))
    return pages, problems
