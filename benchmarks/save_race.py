"""Another program appends to an agent file while agentkit saves it over and over: are its writes lost?

    python benchmarks/save_race.py [--saves 300] [--interval-ms 10] [--repeat 3] [--mode exchange|rename]

A child process appends a numbered line to the file every `--interval-ms` (open, append, close, as a
shell's `>>` does) while this process loads the file, edits its model and saves it `--saves` times; a
save refused as a conflict (the file changed since it was loaded) is retried after loading again, as a
user would. At the end every line the child wrote must be in the file; the ones that are not were lost
(overwritten by a save). `--mode rename` makes agentkit skip Linux's name exchange and use what it uses
elsewhere (the file's identity checked just before a plain rename), to compare the two on one machine.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import agentkit

GOOD = "---\nname: racer\ndescription: Races. Use when racing.\nmodel: sonnet\n---\nBody.\n"

WRITER = textwrap.dedent(
    """
    import sys, time
    path, interval, stop = sys.argv[1], float(sys.argv[2]), sys.argv[3]
    import os
    count = 0
    while not os.path.exists(stop):
        with open(path, "a") as handle:
            handle.write(f"appended line {count}\\n")
        count += 1
        time.sleep(interval)
    print(count)
    """
)


def race(folder: Path, saves: int, interval: float) -> tuple[int, int, int, float]:
    """(lines written, lines lost, conflicts, seconds) for one run."""
    path, stop = folder / "racer.md", folder / "stop"
    path.write_text(GOOD)
    child = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), str(interval), str(stop)], stdout=subprocess.PIPE, text=True
    )
    conflicts = 0
    started = time.perf_counter()
    try:
        time.sleep(0.05)  # the writer is running
        for index in range(saves):
            while True:
                agent = agentkit.load(path)[0]
                edited = agentkit.edit(agent, model="opus" if index % 2 else "sonnet")
                try:
                    agentkit.save(edited)
                    break
                except agentkit.ConflictError:
                    conflicts += 1
    finally:
        stop.write_text("")
        out, _ = child.communicate(timeout=60)
    seconds = time.perf_counter() - started
    written = int(out.strip())
    text = path.read_text()
    lost = sum(f"appended line {n}\n" not in text for n in range(written))
    return written, lost, conflicts, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--saves", type=int, default=300)
    parser.add_argument("--interval-ms", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--mode", choices=("exchange", "rename"), default="exchange")
    args = parser.parse_args(argv)
    if args.mode == "rename":
        from agentkit._edit import atomic

        atomic._renameat2 = lambda: None  # type: ignore[assignment]
    totals = [0, 0]
    for run in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            written, lost, conflicts, seconds = race(Path(tmp), args.saves, args.interval_ms / 1000)
        totals[0] += written
        totals[1] += lost
        print(
            f"run {run + 1} ({args.mode}): {args.saves} saves in {seconds:.1f} s, {conflicts} conflicts "
            f"retried; the other program wrote {written} lines, {lost} lost"
        )
    print(f"total ({args.mode}): {totals[1]} of {totals[0]} lines lost")
    return 0


if __name__ == "__main__":
    sys.exit(main())
