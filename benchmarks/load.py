"""agentkit.load against python-frontmatter on 5,000 real agent files, in one process, best of N.

    python benchmarks/load.py [--files 5000] [--repeat 5] [--corpora ../shared/corpora]

The three timings take turns (read, python-frontmatter, agentkit, read, ...), so a busy machine slows
them alike and the ratio holds; the best of N runs of each is reported.

python-frontmatter reads each file and parses its YAML with libyaml; agentkit does strictly more
(Claude Code's block regex, YAML 1.2 resolution, the fallback, validation, a record per file).
"""

from __future__ import annotations

import argparse
import gc
import os
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import frontmatter

import agentkit

ROOT = Path(__file__).resolve().parent.parent


CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}


def default_corpora() -> Path:
    """$AGENTKIT_CORPORA, else ../shared/corpora (from a git worktree: ../../shared/corpora)."""
    if os.environ.get("AGENTKIT_CORPORA"):
        return Path(os.environ["AGENTKIT_CORPORA"])
    for parent in ROOT.parents:
        if (parent / "shared" / "corpora").is_dir():
            return parent / "shared" / "corpora"
    return ROOT.parent / "shared" / "corpora"


def build(corpora: Path, target: Path, count: int) -> list[Path]:
    """`count` files cycled from the corpora, in nested folders like real collections."""
    sources = sorted(p for p in corpora.rglob("*.md") if p.name not in ("README.md", "LICENSE.md"))
    paths = []
    for i in range(count):
        src = sources[i % len(sources)]
        out = target / f"set{i // len(sources):02d}" / src.parent.name / f"{i:05d}-{src.name}"
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out)
        paths.append(out)
    return paths


def best_of(fn, repeat: int = 3, clock=time.perf_counter) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def best_of_each(fns: list, repeat: int, clock=time.perf_counter) -> list[float]:
    """Best of `repeat` runs of each function, the functions taking turns."""
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for index, fn in enumerate(fns):
            best[index] = min(best[index], best_of(fn, 1, clock))
    return best


def read_only(paths: list[Path]) -> None:
    for path in paths:
        path.read_bytes()


def with_frontmatter(paths: list[Path]) -> None:
    for path in paths:
        try:
            frontmatter.load(path)
        except Exception:  # it raises on the files Claude Code loads through its fallback
            pass


def peak_memory(fn) -> int:
    gc.collect()
    tracemalloc.start()
    result = fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCKS),
        default="wall",
        help="wall time, or this process's CPU time (steadier on a machine others are using)",
    )
    parser.add_argument("--corpora", type=Path, default=default_corpora())
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp)
        paths = build(args.corpora, target, args.files)
        read_only(paths)  # warm the page cache for everyone alike
        t_read, t_fm, t_ak = best_of_each(
            [lambda: read_only(paths), lambda: with_frontmatter(paths), lambda: agentkit.load(target)],
            args.repeat,
            CLOCKS[args.clock],
        )
        agents = agentkit.load(target)
        assert len(agents) == args.files
        fm_errors = 0
        for path in paths:
            try:
                frontmatter.load(path)
            except Exception:
                fm_errors += 1
        memory = []
        for n in (args.files // 4, args.files // 2, args.files):
            sub = target / f"mem{n}"
            sub.mkdir()
            for p in paths[:n]:
                (sub / f"{p.parent.name}-{p.name}").hardlink_to(p)
            memory.append((n, peak_memory(lambda sub=sub: agentkit.load(sub))))
    print(
        f"files: {args.files}, best of {args.repeat}  (python-frontmatter raised on {fm_errors}; agentkit gave a record for all)"
    )
    print(f"{'':28}{args.clock + ' s':>9}{'ratio':>8}")
    print(f"{'read bytes only':28}{t_read:9.3f}{t_read / t_fm:8.2f}")
    print(f"{'python-frontmatter':28}{t_fm:9.3f}{1:8.2f}")
    print(f"{'agentkit.load':28}{t_ak:9.3f}{t_ak / t_fm:8.2f}")
    print("memory (peak traced by tracemalloc while loading):")
    for n, peak in memory:
        print(f"  {n:6d} files: {peak / 2**20:7.1f} MiB  ({peak / n / 1024:5.1f} KiB per file)")


if __name__ == "__main__":
    main()
