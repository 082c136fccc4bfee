"""100,000 agent files: load, lint and overlap as a user runs them, against reading the bytes.

    python benchmarks/scale.py [--files 100000] [--repeat 3] [--corpora DIR] [--workdir DIR]
                               [--overlap-timeout 600] [--steps read,load,lint,...] [--cold] [--json FILE]

1. Builds `--files` agent files from the shared corpora, 500 per folder: benchmarks/overlap.py's
   perturbed copies (near-duplicates at every level, a few exact copies), as large collections have.
   With `--workdir`, the files are kept there and reused by the next run.
2. Warms the page cache (with `--cold`: empties it before every run instead, which needs root, as a
   first run after a reboot or a fresh checkout sees the disk), then runs each step as a whole child process
   (interpreter start, imports, the work, the exit), the steps taking turns, best of `--repeat`, with its
   wall and CPU (user + system) seconds and peak RSS from wait4():
     read     walk the folders and read every *.md file's bytes (os.walk, open, read): the floor;
     keep     the same, keeping every file's bytes in memory, as anything returning the texts must (fresh
              memory costs page faults that `read`, reusing one buffer, never pays): a second reference;
     naive    the least a Python reader with a record per file does: read, decode, cut the block, split
              its `key: value` lines, one small object per file (a third reference: Python's floor for
              this job, with none of Claude Code's rules, validation or name clashes);
     frontmatter  python-frontmatter on every file (a reference: a plain parser, no records);
     load     `agentkit.load(folder)`;
     lint     `agentkit.lint(agentkit.load(folder))`, every rule;
     inventory-json, lint-json  the commands `agentkit inventory FOLDER --format json` and `agentkit lint
              FOLDER --format json` (`python -m agentkit`, standard output to /dev/null), three ways each:
              `-nocache` with --no-cache (every file read and parsed, as before the cache), `-cold` with an
              empty cache (the first run, which also fills it), `-warm` from the cache a run before filled
              (a second run over unchanged files);
     overlap  `agentkit overlap FOLDER --format json` (the command), once, with a time limit.
With `--json FILE` the table is also written there (with the load average before and after, and the command),
as benchmarks/results/scale-100000.json keeps it.
Goals: load and lint within 2x of read (issue 10); the whole inventory and lint commands within 2x of read
(issue 23, on a second run); overlap finishes in under 4 GB, or refuses up front with a message that says
what it would need and what to run instead.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = {  # step -> (the command's arguments after the folder, how its cache starts)
    f"{command}-json-{cache}": (command, cache)
    for command in ("inventory", "lint")
    for cache in ("nocache", "cold", "warm")
}
STEPS = ("read", "keep", "naive", "frontmatter", "load", "lint", *COMMANDS, "overlap")


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


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss: float  # peak resident memory, MB
    result: str  # the step's one-line result (or its exit)
    complaint: str  # the last line of its stderr


def command_line(step: str, folder: Path) -> list[str]:
    """The child process of a step: this script running the step, or `python -m agentkit` itself."""
    if step in COMMANDS:
        command, cache = COMMANDS[step]
        return [sys.executable, "-m", "agentkit", command, str(folder), "--format", "json"] + (
            ["--no-cache"] if cache == "nocache" else []
        )
    return [sys.executable, str(Path(__file__).resolve()), f"_{step}", str(folder)]


def run_child(step: str, folder: Path, timeout: float | None, home: Path) -> Run:
    """Run one step as a child process, with AGENTKIT_HOME (where the commands keep their cache) at `home`."""
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    env["AGENTKIT_PROGRESS"] = "0"
    env["AGENTKIT_HOME"] = str(home)
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        # A command's output goes to /dev/null (hundreds of megabytes); a step's one line to `out`.
        stdout = subprocess.DEVNULL if step in COMMANDS else out
        # From this checkout: `python -m agentkit` imports from the working folder first.
        process = subprocess.Popen(command_line(step, folder), stdout=stdout, stderr=err, env=env, cwd=ROOT)
        deadline = started + timeout if timeout else None
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if deadline and time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                cpu = usage.ru_utime + usage.ru_stime
                return Run(
                    time.perf_counter() - started,
                    cpu,
                    usage.ru_maxrss / 1024,
                    "killed",
                    f"over {timeout:.0f}s",
                )
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        result = out.read().strip().splitlines()[-1:] or [f"exit {process.returncode}"]
        complaint = err.read().strip().splitlines()[-1:] or [""]
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, result[0], complaint[0])


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
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="which time picks the best run and makes the ratios (cpu: user + system, steadier on a busy machine)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    steps = [s for s in args.steps.split(",") if s]
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="agentkit-scale-") as tmp:
        folder = (args.workdir or Path(tmp)) / f"agents-{args.files}"
        began = time.perf_counter()
        build(args.corpora, folder, args.files, args.seed)
        print(f"{args.files:,} files under {folder} (ready in {time.perf_counter() - began:.0f}s)")
        if args.cold:
            drop_page_cache()  # fails early when it cannot
        else:
            step_read(str(folder))  # warm the page cache for every step alike
        homes = Path(tmp) / "homes"
        for step in steps:  # a warm step's cache is filled once, before the timed runs
            if step.endswith("-warm"):
                run_child(step, folder, None, homes / step)

        runs: dict[str, list[Run]] = {step: [] for step in steps}
        for turn in range(args.repeat):  # the steps take turns, so that a busy spell hits them alike
            for step in steps:
                if step == "overlap" and turn:
                    continue
                home = homes / step
                if step.endswith("-cold"):
                    shutil.rmtree(home, ignore_errors=True)  # an empty cache for every run
                if args.cold:
                    drop_page_cache()
                runs[step].append(run_child(step, folder, args.overlap_timeout, home))
        rows = {step: min(done, key=lambda r: getattr(r, args.clock)) for step, done in runs.items() if done}
        for step, done in runs.items():
            if done:
                rows[step].rss = max(r.rss for r in done)

    references = [name for name in ("read", "keep", "naive") if name in rows]
    print(f"\n{'step':20}{'wall s':>8}{'cpu s':>8}" + "".join(f"{'x ' + r:>9}" for r in references), end="")
    print(f"{'peak RSS MB':>13}  result")
    for step, best in rows.items():
        ratios = "".join(
            f"{getattr(best, args.clock) / getattr(rows[r], args.clock):9.2f}" for r in references
        )
        note = f"  ({best.complaint})" if best.complaint and best.result != "exit 0" else ""
        print(f"{step:20}{best.wall:8.2f}{best.cpu:8.2f}{ratios}{best.rss:13.0f}  {best.result}{note}")
    cache = "page cache emptied before every run" if args.cold else "warm page cache"
    print(
        f"(whole processes taking turns, best of {args.repeat} by {args.clock} time, ratios of {args.clock} "
        f"time; overlap once; {cache})"
    )
    load_after = os.getloadavg()
    print(f"load average (1, 5, 15 min): before {load_before}, after {load_after}, on {os.cpu_count()} CPUs")
    if args.json:
        table = {
            step: {
                "wall_s": round(best.wall, 3),
                "cpu_s": round(best.cpu, 3),
                **{
                    f"x_{r}": round(getattr(best, args.clock) / getattr(rows[r], args.clock), 3)
                    for r in references
                },
                "peak_rss_mb": round(best.rss),
                "result": best.result,
            }
            for step, best in rows.items()
        }
        record = {
            "command": "python benchmarks/scale.py " + " ".join(sys.argv[1:]),
            "files": args.files,
            "best_of": args.repeat,
            "clock": args.clock,
            "page_cache": cache,
            "cpus": os.cpu_count(),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "steps": table,
        }
        args.json.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
