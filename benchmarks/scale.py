"""100,000 agent files: load, lint and overlap as a user runs them, against reading the bytes.

    python benchmarks/scale.py [--files 100000] [--repeat 3] [--corpora DIR] [--workdir DIR]
                               [--overlap-timeout 600] [--steps read,load,lint,overlap] [--cold]

1. Builds `--files` agent files from the shared corpora, 500 per folder: benchmarks/overlap.py's
   perturbed copies (near-duplicates at every level, a few exact copies), as large collections have.
   With `--workdir`, the files are kept there and reused by the next run.
2. Warms the page cache (with `--cold`: empties it before every run instead, which needs root, as a
   first run after a reboot or a fresh checkout sees the disk), then runs each step as a whole child process (interpreter start, imports, the
   work), best of `--repeat`, with its peak RSS from wait4():
     read     walk the folders and read every *.md file's bytes (os.walk, open, read): the floor;
     keep     the same, keeping every file's bytes in memory, as anything returning the texts must (fresh
              memory costs page faults that `read`, reusing one buffer, never pays): a second reference;
     naive    the least a Python reader with a record per file does: read, decode, cut the block, split
              its `key: value` lines, one small object per file (a third reference: Python's floor for
              this job, with none of Claude Code's rules, validation or name clashes);
     frontmatter  python-frontmatter on every file (a reference: a plain parser, no records);
     load     `agentkit.load(folder)`;
     lint     `agentkit.lint(agentkit.load(folder))`, every rule;
     overlap  `agentkit overlap FOLDER --format json` (the command), once, with a time limit.
Goals (issue 10): load and lint within 2x of read; overlap finishes in under 4 GB, or refuses up front
with a message that says what it would need and what to run instead.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STEPS = ("read", "keep", "naive", "frontmatter", "load", "lint", "overlap")


def default_corpora() -> Path:
    if os.environ.get("AGENTKIT_CORPORA"):
        return Path(os.environ["AGENTKIT_CORPORA"])
    for parent in ROOT.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return ROOT.parent / "shared" / "corpora"


def build(corpora: Path, folder: Path, count: int, seed: int) -> None:
    """The files, once: a marker records how many were built with which seed."""
    marker = folder / ".built"
    if marker.is_file() and marker.read_text() == f"{count} {seed}":
        return
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from overlap import build as build_perturbed  # benchmarks/overlap.py

    build_perturbed(corpora, folder, count, seed)
    marker.write_text(f"{count} {seed}")


# -- the steps, each run in a child process ------------------------------------------------------------


def step_read(folder: str) -> str:
    total = files = 0
    for directory, _subdirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(directory, name), "rb") as f:
                    total += len(f.read())
                files += 1
    return f"{files} files, {total / 2**20:.0f} MiB"


def step_keep(folder: str) -> str:
    kept = []
    for directory, _subdirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".md"):
                with open(os.path.join(directory, name), "rb") as f:
                    kept.append(f.read())
    return f"{len(kept)} files, {sum(map(len, kept)) / 2**20:.0f} MiB kept"


@dataclass(frozen=True, slots=True)
class NaiveRecord:
    path: str
    text: str
    fields: dict[str, str]


def naive_fields(text: str) -> dict[str, str]:
    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    fields = {}
    for line in text[4:end].split("\n"):
        key, colon, value = line.partition(":")
        if colon:
            fields[key.strip()] = value.strip()
    return fields


def step_naive(folder: str) -> str:
    records = []
    for directory, _subdirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".md"):
                path = os.path.join(directory, name)
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8", "replace")
                records.append(NaiveRecord(path, text, naive_fields(text)))
    return f"{len(records)} naive records"


def step_frontmatter(folder: str) -> str:
    import frontmatter

    parsed = failed = 0
    for directory, _subdirs, names in os.walk(folder):
        for name in names:
            if name.endswith(".md"):
                try:
                    frontmatter.load(os.path.join(directory, name))
                    parsed += 1
                except Exception:  # it raises on the files Claude Code reads only through its fallback
                    failed += 1
    return f"{parsed} parsed, {failed} raised"


def step_load(folder: str) -> str:
    import agentkit

    agents = agentkit.load(folder)
    return f"{len(agents)} records, {len(agents.loaded)} loaded"


def step_lint(folder: str) -> str:
    import agentkit

    findings = agentkit.lint(agentkit.load(folder))
    return f"{len(findings)} findings"


def step_overlap(folder: str) -> str:
    from agentkit.cli import main

    with open(os.devnull, "w") as sink:
        sys.stdout = sink
        code = main(["overlap", folder, "--format", "json"])
        sys.stdout = sys.__stdout__
    return f"exit {code}"


def drop_page_cache() -> None:
    """Empty the kernel's page cache (root only), so the next run reads the files from the disk."""
    os.sync()
    try:
        with open("/proc/sys/vm/drop_caches", "w") as control:
            control.write("3\n")
    except OSError as exc:
        sys.exit(f"--cold needs to write /proc/sys/vm/drop_caches (root, Linux): {exc.strerror}")


def run_child(step: str, folder: Path, timeout: float | None) -> tuple[float, float, str, str]:
    """Wall seconds, peak RSS (MB), the step's one-line result, and the last line of its stderr."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env["AGENTKIT_PROGRESS"] = "0"
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, str(Path(__file__).resolve()), f"_{step}", str(folder)],
            stdout=out,
            stderr=err,
            env=env,
        )
        deadline = started + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                return time.perf_counter() - started, usage.ru_maxrss / 1024, "killed", f"over {timeout:.0f}s"
            time.sleep(0.05)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = out.read().strip().splitlines()[-1:] or [f"exit {process.returncode}"]
        complaint = err.read().strip().splitlines()[-1:] or [""]
    return seconds, usage.ru_maxrss / 1024, result[0], complaint[0]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1].lstrip("_") in STEPS:
        print(globals()[f"step_{sys.argv[1].lstrip('_')}"](sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    parser.add_argument("--workdir", type=Path, help="build (and keep) the files here")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--overlap-timeout", type=float, default=600)
    parser.add_argument("--steps", default=",".join(STEPS))
    parser.add_argument("--cold", action="store_true", help="empty the page cache before every run (root)")
    args = parser.parse_args()
    steps = [s for s in args.steps.split(",") if s]

    with tempfile.TemporaryDirectory(prefix="agentkit-scale-") as tmp:
        folder = (args.workdir or Path(tmp)) / f"agents-{args.files}"
        began = time.perf_counter()
        build(args.corpora, folder, args.files, args.seed)
        print(f"{args.files:,} files under {folder} (ready in {time.perf_counter() - began:.0f}s)")
        if args.cold:
            drop_page_cache()  # fails early when it cannot
        else:
            step_read(str(folder))  # warm the page cache for every step alike

        rows = {}
        for step in steps:
            repeat = 1 if step == "overlap" else args.repeat
            runs = []
            for _ in range(repeat):
                if args.cold:
                    drop_page_cache()
                runs.append(run_child(step, folder, args.overlap_timeout))
            best = min(runs, key=lambda r: r[0])
            rows[step] = (best[0], max(r[1] for r in runs), best[2], best[3])

    references = [(f"x {name}", rows[name][0]) for name in ("read", "keep", "naive") if name in rows]
    print(f"\n{'step':12}{'seconds':>9}" + "".join(f"{title:>9}" for title, _ in references), end="")
    print(f"{'peak RSS MB':>13}  result")
    for step, (seconds, rss, result, complaint) in rows.items():
        ratios = "".join(f"{seconds / reference:9.2f}" for _, reference in references)
        note = f"  ({complaint})" if complaint and result != "exit 0" else ""
        print(f"{step:12}{seconds:9.2f}{ratios}{rss:13.0f}  {result}{note}")
    cache = "page cache emptied before every run" if args.cold else "warm page cache"
    print(f"(whole processes, best of {args.repeat}; overlap once; {cache})")


if __name__ == "__main__":
    main()
