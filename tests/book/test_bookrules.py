"""The page validator: a valid mini-book passes, and each rule rejects its broken fixture
with a message that names the file (and the line where there is one)."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "docs" / "_ext"))
from bookrules import check_book, parse_page, spoken_words  # noqa: E402
from catalog import PARTS, QUESTIONS  # noqa: E402

PART8 = PARTS[8][0]


def page(qid: int, related=(), level=None, tags="[inference, memory]", body=None) -> str:
    level = level or QUESTIONS[qid][0]
    body = body if body is not None else BODY
    return (f"---\nlevel: {level}\ntags: {tags}\nrelated: [{', '.join(map(str, related))}]\n---\n\n"
            f"# Q{qid}. {QUESTIONS[qid][2]}\n\n{body}")


BODY = """## Short answer

A cache of keys and values.

## Full answer

The mechanism, with code:

```python
## Pitfalls  (inside a code fence: not a heading)
```

### A subsection

More text.

## Pitfalls

- **One.** Why.
- **Two.** Why.
- **Three.** Why.

## Follow-ups

:::{dropdown} First?
Answer.
:::

:::{dropdown} Second?
Answer.
:::

:::{dropdown} Third?
Answer.
:::

## References

:::{bibliography}
:filter: docname in docnames
:::
"""


@pytest.fixture
def book(tmp_path):
    """A valid book: every part has an index; Q47 and Q48 in part 8 link each other."""
    questions = tmp_path / "docs" / "questions"
    for num, (slug, title) in PARTS.items():
        (questions / slug).mkdir(parents=True)
        (questions / slug / "index.md").write_text(f"# {title}\n\nIntro.\n")
    (questions / PART8 / "index.md").write_text(
        "# Inference and serving\n\nIntro.\n\n```{toctree}\n:maxdepth: 1\n\nq47-speculative-decoding\nq48-kv-caching\n```\n")
    (questions / PART8 / "q47-speculative-decoding.md").write_text(page(47, related=[48]))
    (questions / PART8 / "q48-kv-caching.md").write_text(page(48, related=[47]))
    return questions


def problems_of(questions):
    _, problems = check_book(questions, root=questions.parent.parent)
    return [str(p) for p in problems]


def edit(path: Path, old: str, new: str, count=1):
    text = path.read_text()
    assert old in text, f"fixture text {old!r} not found"
    path.write_text(text.replace(old, new, count))


def test_valid_book_has_no_problems(book):
    assert problems_of(book) == []
    pages, _ = check_book(book)
    assert {p.qid: p.related for p in pages} == {47: [48], 48: [47]}


def test_heading_inside_code_fence_is_not_a_section(book):
    p = parse_page(book / PART8 / "q48-kv-caching.md")
    assert p.problems == []


def q48(book):
    return book / PART8 / "q48-kv-caching.md"


# One broken fixture per rule: (mutation, expected text of the message).
def _missing_pitfalls(b):
    text = q48(b).read_text()
    start, end = text.index("## Pitfalls\n"), text.index("## Follow-ups")
    q48(b).write_text(text[:start] + text[end:])


CASES = {
    "missing section": (_missing_pitfalls, "q48-kv-caching.md: missing section '## Pitfalls'"),
    "sections out of order": (
        lambda b: edit(q48(b), "## Short answer\n\nA cache of keys and values.\n\n## Full answer",
                       "## Full answer\n\nText.\n\n## Short answer"),
        "q48-kv-caching.md:9: sections out of order"),
    "too few pitfalls": (lambda b: edit(q48(b), "- **Three.** Why.\n", ""),
                         "q48-kv-caching.md:25: '## Pitfalls' has 2 item(s); at least 3 are required"),
    "too few follow-ups": (lambda b: edit(q48(b), ":::{dropdown} Third?\nAnswer.\n:::\n", ""),
                           "'## Follow-ups' has 2 dropdown(s)"),
    "empty section": (lambda b: edit(q48(b), "A cache of keys and values.\n", ""),
                      "q48-kv-caching.md:9: section '## Short answer' is empty"),
    "unexpected section": (lambda b: edit(q48(b), "## References", "## Related questions\n\nQ47.\n\n## References"),
                           "unexpected section '## Related questions' (it is rendered from 'related:')"),
    "bad level": (lambda b: edit(q48(b), "level: senior", "level: expert"),
                  "q48-kv-caching.md:2: level is 'expert'; it must be one of intermediate, senior"),
    "level differs from catalogue": (lambda b: edit(q48(b), "level: senior", "level: intermediate"),
                                     "level is 'intermediate' but Q48 is 'senior' in the catalogue"),
    "unknown tag": (lambda b: edit(q48(b), "tags: [inference, memory]", "tags: [inference, gpus]"),
                    "unknown tag(s) gpus"),
    "title and file name disagree": (lambda b: edit(q48(b), "# Q48.", "# Q49."),
                                     "q48-kv-caching.md:7: title says Q49 but the file name says q48"),
    "title differs from catalogue": (lambda b: edit(q48(b), "in transformers?", "in LLMs?"),
                                     "title must be the catalogue's"),
    "title without ID": (lambda b: edit(q48(b), "# Q48. ", "# "),
                         "must read 'QNN. <question>'"),
    "bad file name": (lambda b: (q48(b).rename(q48(b).with_name("q48_kv.md")),
                                 edit(b / PART8 / "index.md", "q48-kv-caching", "q48_kv")),
                      "q48_kv.md: file name must be 'qNN-slug.md'"),
    "related ID not written": (lambda b: edit(q48(b), "related: [47]", "related: [47, 49]"),
                               "q48-kv-caching.md:2: related Q49 is not written yet"),
    "related ID not a question": (lambda b: edit(q48(b), "related: [47]", "related: [47, 99]"),
                                  "related Q99 is not a question of the book"),
    "related not symmetric": (lambda b: edit(b / PART8 / "q47-speculative-decoding.md", "related: [48]", "related: []"),
                              "q48-kv-caching.md:2: related Q47 does not link back"),
    "related lists itself": (lambda b: edit(q48(b), "related: [47]", "related: [47, 48]"),
                             "related lists the page itself (Q48)"),
    "question in no part": (lambda b: edit(b / PART8 / "index.md", "q48-kv-caching\n", ""),
                            "q48-kv-caching.md: the page is in no part"),
    "question in two parts": (lambda b: (b / PARTS[3][0] / "index.md").write_text(
        "# Inside\n\n```{toctree}\n../08-inference-and-serving/q48-kv-caching\n```\n"),
        "q48-kv-caching.md: the page is listed in 2 toctrees"),
    "question in the wrong part folder": (
        lambda b: (q48(b).rename(b / PARTS[3][0] / q48(b).name),
                   (b / PARTS[3][0] / "index.md").write_text("# Inside\n\n```{toctree}\nq48-kv-caching\n```\n"),
                   edit(b / PART8 / "index.md", "q48-kv-caching\n", "")),
        "Q48 belongs in part 8 (docs/questions/08-inference-and-serving/)"),
    "toctree names no page": (lambda b: edit(b / PART8 / "index.md", "q48-kv-caching\n", "q48-kv-caching\nq49-missing\n"),
                              "08-inference-and-serving/index.md:10: toctree entry 'q49-missing' names no page"),
    "duplicate ID": (lambda b: (q48(b).with_name("q48-kv-cache-again.md").write_text(q48(b).read_text()),
                                edit(b / PART8 / "index.md", "q48-kv-caching\n", "q48-kv-caching\nq48-kv-cache-again\n")),
                     "Q48 is defined twice"),
    "placeholder text": (lambda b: edit(q48(b), "More text.", "TODO: write this."),
                         "q48-kv-caching.md:23: unfinished-page marker 'TODO'"),
    "no front matter": (lambda b: edit(q48(b), "---\nlevel", "level"),
                        "q48-kv-caching.md:1: no front matter"),
    "missing part index": (lambda b: (b / PARTS[5][0] / "index.md").unlink(), "part 5 has no index page"),
    "short answer over 90 words": (
        lambda b: edit(q48(b), "A cache of keys and values.", " ".join(["word"] * 91)),
        "q48-kv-caching.md:9: short answer has 91 words (at most 90)"),
    "no bibliography": (lambda b: edit(q48(b), ":::{bibliography}\n:filter: docname in docnames\n:::\n", "Vaswani et al.\n"),
                        "'## References' must hold a {bibliography} directive"),
}


@pytest.mark.parametrize("rule", sorted(CASES))
def test_each_rule_rejects_its_broken_fixture(book, rule):
    mutate, expected = CASES[rule]
    mutate(book)
    found = problems_of(book)
    assert any(expected in p for p in found), f"expected {expected!r} in {found}"
    # Every message names a file under docs/.
    assert all(p.startswith("docs/") for p in found), found


def test_the_books_own_pages_are_valid():
    root = Path(__file__).resolve().parents[2]
    pages, problems = check_book(root / "docs" / "questions", root=root)
    assert [str(p) for p in problems] == []
    assert pages, "the book has no question pages"


def test_a_short_answer_of_exactly_90_words_passes(book):
    edit(q48(book), "A cache of keys and values.", " ".join(["word"] * 90))
    assert problems_of(book) == []


@pytest.mark.parametrize("text,words", [
    ("", 0),
    ("Keys and values are cached.", 5),
    ("It costs $O(n^2 d)$ FLOPs.", 4),  # a math span is one word, however long
    ("Memory is $$2 L H_{kv} d_h T b$$ bytes.", 4),
    ("Call `kv_cache_bytes(n_layers, T)` once.", 5),  # inline code counts as its words
    ("2,048 tokens at 0.5 bytes, 16-bit or 4× faster; 97.3% hit.", 11),
])
def test_spoken_words_counts_math_as_one_word_and_code_as_its_words(text, words):
    assert spoken_words(text) == words

