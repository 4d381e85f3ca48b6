"""The bibliography: one entry per source, every entry cited, every citation resolvable."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIB = (ROOT / "docs" / "references.bib").read_text(encoding="utf-8")
ENTRIES = re.findall(r"^@(\w+)\{([^,\s]+),(.*?)^\}", BIB, re.M | re.S)
PAGES = [p for p in (ROOT / "docs").rglob("*.md") if "_build" not in p.parts]
CITED = {key.strip() for p in PAGES
         for keys in re.findall(r"\{cite(?::[pt])?\}`([^`]+)`", p.read_text(encoding="utf-8"))
         for key in keys.split(",")}


def field(body: str, name: str) -> str:
    m = re.search(rf"^\s*{name}\s*=\s*[{{\"](.*?)[}}\"]\s*,?\s*$", body, re.M | re.I)
    return m.group(1) if m else ""


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def test_keys_are_unique():
    keys = [k for _, k, _ in ENTRIES]
    assert len(keys) == len(set(keys)), sorted(k for k in keys if keys.count(k) > 1)


def test_no_source_has_two_entries():
    seen = {}
    for _, key, body in ENTRIES:
        for ident in (norm(field(body, "title")), field(body, "eprint") or field(body, "doi")):
            if ident and len(ident) > 8:
                assert ident not in seen, f"{key} and {seen[ident]} are the same source"
                seen[ident] = key


def test_every_entry_has_authors_title_and_year():
    for _, key, body in ENTRIES:
        assert field(body, "title"), key
        assert field(body, "year") or "n.d." in body or field(body, "urldate") or "howpublished" in body, key
        assert field(body, "author") or field(body, "editor"), key


def test_every_cited_key_exists_and_every_entry_is_cited():
    keys = {k for _, k, _ in ENTRIES}
    assert CITED - keys == set()
    assert keys - CITED == set(), "entries no page cites"
