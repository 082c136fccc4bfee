"""Time of the same-role verdicts on the 10,000-agent set of `benchmarks/overlap.py`.

    python benchmarks/same_role.py [--agents 10000] [--corpora ../shared/corpora] [--workdir DIR] [--seed 7]

Builds the same perturbed set as `benchmarks/overlap.py` (same seed, same files), then runs, each as a
whole process one after the other (interpreter start, imports, reading the files, the work):

- `datasketch`: benchmarks/overlap.py's MinHash-LSH contender (the time bar);
- `overlap`: `agentkit.load` + `overlap(...).pairs(min_score=0.5, kind=("body", "description",
  "topic"))` with all four score columns: the pairs some content score lists;
- `verdicts`: the same, then `same_role(overlap)`: every pair with P(same job) >= the possible band
  (`pairs`) and the same-role groups (`groups`);
- `verdicts only`: `agentkit.load` + `same_role(agents)`: pairs at the possible band and groups,
  without the overlap scores (copies found by the verdict's own body search).

Prints wall seconds, CPU seconds (user + system, all threads: less disturbed than wall time when other
work shares the machine), peak RSS and the number of rows of each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import overlap as bench  # noqa: E402  (benchmarks/overlap.py: the data set and the datasketch contender)


def run(which: str, folder: str, out: str) -> None:
    if which == "datasketch":
        bench.run_datasketch(folder, out)
        return
    import agentkit
    from agentkit._overlap.overlap import overlap
    from agentkit._overlap.verdict import POSSIBLE, same_role

    agents = agentkit.load(folder)
    rows = 0
    if which in ("overlap", "verdicts"):
        result = overlap(agents, loaded_only=False)
        rows = len(result.pairs(min_score=0.5, kind=("body", "description", "topic")))
        target = result
    else:
        target = list(agents)
    if which in ("verdicts", "verdicts-only"):
        verdicts = same_role(target)
        rows = f"{rows} overlap rows, {len(verdicts.pairs(POSSIBLE))} verdict rows, {len(verdicts.groups())} groups"
    Path(out).write_text(str(rows), encoding="utf-8")


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "_run":
        run(sys.argv[2], sys.argv[3], sys.argv[4])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=10_000)
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if not args.corpora.is_dir():
        raise SystemExit(f"no corpora at {args.corpora}")
    env = {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    with tempfile.TemporaryDirectory(prefix="agentkit-same-role-bench-", dir=args.workdir) as tmp:
        folder = Path(tmp) / "agents"
        bench.build(args.corpora, folder, args.agents, args.seed)
        print(f"{args.agents} agents under {folder}\n")
        print(f"{'':16}{'seconds':>9}{'CPU s':>8}{'peak RSS MB':>13}  rows")
        for which in ("datasketch", "overlap", "verdicts", "verdicts-only"):
            out = Path(tmp) / f"{which}.txt"
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, __file__, "_run", which, str(folder), str(out)], env=env
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
            if os.waitstatus_to_exitcode(status):
                raise SystemExit(f"{which} failed")
            rows = out.read_text(encoding="utf-8") if which != "datasketch" else "-"
            cpu = usage.ru_utime + usage.ru_stime
            print(f"{which:16}{seconds:9.2f}{cpu:8.2f}{usage.ru_maxrss / 1024:13.0f}  {rows}")


if __name__ == "__main__":
    main()
