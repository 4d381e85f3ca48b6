"""Build benchmark for writers: how long the HTML book takes to build, fresh and incremental.

Usage: ``make bench`` (or ``.venv/bin/python tools/bench.py [--runs N]``).

Every run happens in a scratch copy of the tracked files (``git ls-files``), so the writer's
tree, build outputs and figure cache are never touched. Each scenario is run N times (3 by
default) and the median is printed:

- fresh full build: no doctrees, no HTML, no figure cache (every figure is drawn);
- cached full build: no doctrees and no HTML, but the figures drawn before are reused;
- no-op build: nothing changed since the last build;
- one-page edit: one question page changed (a comment line appended);
- one-snippet edit: one snippet module that one page includes and draws a figure from
  changed (a comment line appended), so its page is re-read and its figure redrawn.

The build command is the one ``make html`` runs for the HTML (without the PDF). This is a
measurement, not a test: CI does not run it, and nothing asserts a time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = "docs/questions/08-inference-and-serving/q48-kv-caching.md"
# The module behind one page's listings and figure (Q10, decoding strategies); the first
# path that exists is used, so the benchmark also runs on the layout before the subpackages.
SNIPPETS = ("snippets/generation/decoding.py", "snippets/decoding.py")


def scratch_copy(dst: Path) -> None:
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True,
                           check=True).stdout.decode().split("\0")
    for name in filter(None, files):
        src = ROOT / name
        if src.is_file():
            target = dst / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def build(tree: Path) -> float:
    cmd = [sys.executable, "-m", "sphinx", "-b", "html", "-W", "-n", "--keep-going", "-q",
           "-j", "auto", "-d", str(tree / "build" / "doctrees"), "docs", str(tree / "build" / "html")]
    start = time.perf_counter()
    run = subprocess.run(cmd, cwd=tree, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if run.returncode != 0:
        sys.exit(f"bench: the build failed in {tree}:\n{run.stderr[-3000:]}")
    return elapsed


def append(path: Path, line: str) -> None:
    with path.open("a", encoding="utf-8") as f:
        f.write(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (median shown)")
    args = parser.parse_args()
    snippet = next((s for s in SNIPPETS if (ROOT / s).exists()), None)
    if snippet is None or not (ROOT / PAGE).exists():
        sys.exit(f"bench: cannot find {PAGE} or any of {SNIPPETS}")

    times: dict[str, list[float]] = {k: [] for k in
                                     ("fresh", "cached", "noop", "page", "snippet")}
    with tempfile.TemporaryDirectory(prefix="book-bench-") as tmp:
        tree = Path(tmp)
        scratch_copy(tree)
        for run in range(args.runs):
            for out in (tree / "build", tree / "docs" / "_figures"):
                shutil.rmtree(out, ignore_errors=True)
            times["fresh"].append(build(tree))
            shutil.rmtree(tree / "build")
            times["cached"].append(build(tree))
            times["noop"].append(build(tree))
            append(tree / PAGE, f"\n% bench edit {run}\n")
            times["page"].append(build(tree))
            append(tree / snippet, f"# bench edit {run}\n")
            times["snippet"].append(build(tree))
        pages = len(list((tree / "docs" / "questions").glob("*/q[0-9][0-9]-*.md")))

    labels = {
        "fresh": "fresh full build (figures drawn)",
        "cached": "full build, figures cached",
        "noop": "no-op build",
        "page": f"one-page edit ({Path(PAGE).name})",
        "snippet": f"one-snippet edit ({snippet})",
    }
    width = max(map(len, labels.values()))
    print(f"HTML build times, median of {args.runs} runs; {os.cpu_count()} cores; "
          f"{pages} question pages")
    print(f"| {'scenario'.ljust(width)} | median s | runs (s) |")
    print(f"|{'-' * (width + 2)}|---------:|----------|")
    for key, label in labels.items():
        runs = ", ".join(f"{t:.1f}" for t in times[key])
        print(f"| {label.ljust(width)} | {statistics.median(times[key]):8.2f} | {runs} |")


if __name__ == "__main__":
    main()
