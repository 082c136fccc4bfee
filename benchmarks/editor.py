"""The Editor's work per keystroke on a 64 KB agent: apply the form, lint, diff preview (goal: < 10 ms).

    python benchmarks/editor.py [--size 65536] [--keys 300] [--set]

Types a description one character at a time into `Editor.description` (setting `.value` runs the
observer synchronously, exactly what a keystroke from the browser triggers in the kernel: `Agent.edit`,
lint of the edited agent, the unified diff against the file on disk, and the HTML of both) and reports
the median and 95th percentile per keystroke. `--set` edits inside the 13 sample agents plus the big
one (the picker and Export then cover the set; lint still runs on the edited agent only).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import agentkit
from agentkit.widgets import Editor

ROOT = Path(__file__).resolve().parent.parent
DESCRIPTION = (
    "Reviews pull requests for the billing service: correctness, error handling, migrations and tests. "
    "Use when a branch is ready for review or before a release."
)


def big_agent(folder: Path, size: int) -> Path:
    """A realistic agent: clean front matter, then a Markdown body of checklists padded to `size` bytes."""
    head = (
        "---\nname: big-reviewer\ndescription: Reviews code. Use when a change is ready for review.\n"
        "tools: Read, Grep, Glob, Bash\nmodel: sonnet\ncolor: blue\n---\n\n"
    )
    section = (
        "## Step {n}: check the change\n\n"
        "- Read the diff and the surrounding code before judging it.\n"
        "- Look for off-by-one errors, missing error handling and unclosed resources.\n"
        "- Check that new behaviour has tests, and that the tests would fail without the change.\n\n"
    )
    body, n = [], 0
    while len(head) + sum(map(len, body)) < size:
        n += 1
        body.append(section.format(n=n))
    path = folder / "big-reviewer.md"
    path.write_text((head + "".join(body))[:size], encoding="utf-8")
    return path


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=64 * 1024, help="file size in bytes (default 64 KiB)")
    parser.add_argument("--keys", type=int, default=len(DESCRIPTION), help="keystrokes to time")
    parser.add_argument("--set", action="store_true", help="edit inside the sample set (13 more agents)")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="agentkit-bench-editor-"))
    try:
        path = big_agent(folder, args.size)
        if args.set:
            shutil.copytree(ROOT / "agents", folder / "agents")
        agents = agentkit.load(folder)
        editor = Editor(agents["big-reviewer"], agents=agents)
        text = (DESCRIPTION * (args.keys // len(DESCRIPTION) + 1))[: args.keys]
        editor.description.value = ""  # warm up (imports, the first lint) outside the timing
        times: list[float] = []
        for i in range(1, len(text) + 1):
            started = time.perf_counter()
            editor.description.value = text[:i]
            times.append((time.perf_counter() - started) * 1000)
        assert editor.edited is not None and editor.diff, "the last keystroke should leave a pending change"
        print(
            f"file: {path.stat().st_size:,} bytes, {len(agents)} agents in the set, {len(times)} keystrokes"
        )
        print(
            f"per keystroke (edit + lint + diff preview): median {statistics.median(times):.2f} ms, "
            f"p95 {percentile(times, 0.95):.2f} ms, max {max(times):.2f} ms  (goal: < 10 ms)"
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
