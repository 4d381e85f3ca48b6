"""Merge driver for docs/references.bib: the union of both sides' entries, by key.

Writers append entries at the end of the file on their branches; a line-based merge of two
such appends can lose or interleave lines. This merges whole entries instead: every entry of
ours in its order (as theirs has it where only theirs changed it since the base), then each
entry of theirs whose key ours lacks. An entry both sides changed, or both added differently,
keeps ours, and the merge prints its key for a look.

Set up once per clone (the .gitattributes line names it):
    git config merge.bibunion.driver "python3 tools/bibmerge.py %O %A %B"
"""

import re
import sys
from pathlib import Path

ENTRY = re.compile(r"^@\w+\{([^,\s]+),", re.M)


def entries(text: str) -> list[tuple[str, str]]:
    """(key, text) for every entry: from its @ line to the next entry's @ line."""
    starts = [m.start() for m in ENTRY.finditer(text)]
    out = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(text)
        chunk = text[start:end].strip() + "\n"
        out.append((ENTRY.match(chunk).group(1), chunk))
    return out


def main(base: str, ours: str, theirs: str) -> int:
    head = Path(ours).read_text(encoding="utf-8")
    preamble = head[: m.start()] if (m := ENTRY.search(head)) else head
    mine = entries(head)
    base_entries = dict(entries(Path(base).read_text(encoding="utf-8")))
    their_entries = entries(Path(theirs).read_text(encoding="utf-8"))
    theirs_by_key = dict(their_entries)
    merged = []
    for key, text in mine:
        other = theirs_by_key.get(key, text)
        if other != text:
            if text == base_entries.get(key):  # only theirs changed it
                text = other
            elif other != base_entries.get(key):
                print(f"bibmerge: {key} differs on both sides; kept ours", file=sys.stderr)
        merged.append(text)
    have = {k for k, _ in mine}
    for key, text in their_entries:
        if key not in have:
            merged.append(text)
            have.add(key)
    Path(ours).write_text(preamble + "\n".join(merged), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
