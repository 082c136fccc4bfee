"""Evaluations: what `agentkit.evals` costs to import and to run, against inspect-ai and deepeval.

Run from the repository root: `python benchmarks/evals.py [--repeat 7]`. To compare with the evaluation
frameworks, install each into its own scratch venv first (never into the project's):

    python3 -m venv /tmp/evalweigh-inspect && /tmp/evalweigh-inspect/bin/pip install inspect-ai
    python3 -m venv /tmp/evalweigh-deepeval && /tmp/evalweigh-deepeval/bin/pip install deepeval
    python3 -m venv /tmp/evalweigh-empty
    python benchmarks/evals.py --venv inspect_ai=/tmp/evalweigh-inspect --venv deepeval=/tmp/evalweigh-deepeval \
        --empty /tmp/evalweigh-empty

Measured: import time (a fresh interpreter each time, best of --repeat), whether jsonschema is imported
with agentkit.evals (it should be imported only when a json check with a schema runs), what one user
check costs in its own process against a built-in check in process, and for the frameworks the
install weight (site-packages on disk and distributions, minus an empty venv's, and how many of those
distributions agentkit's own environment does not already have). Then a suite of 3 versions x 6 cases x
3 samples with an llm-rubric per case against the stand-in Messages API (in a subprocess): the first run
(every answer and grade requested) and the rerun (every answer from the per-sample cache).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def import_time(python: str, module: str, repeat: int, env: dict[str, str] | None = None) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for _ in range(repeat):
        out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return min(times)


def site_packages(venv: Path) -> Path:
    return next(venv.glob("lib/python*/site-packages"))


def disk_mb(path: Path) -> float:
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return total / 1e6


def distributions(python: str) -> set[str]:
    out = subprocess.run([python, "-m", "pip", "list", "--format", "json"], capture_output=True, text=True)
    return {d["name"].lower().replace("_", "-") for d in json.loads(out.stdout or "[]")}


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "agentkit._oracle.standin", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip().split("=", 1)[1]
    proc.stdout.readline()
    return proc, base_url


def run_suite() -> tuple[float, float, int]:
    """Seconds for the first run and the cached rerun of a 54-sample suite, and the samples."""
    from agentkit import evals

    suite = evals.load_suite(ROOT / "evals" / "reviewers.yaml")
    t0 = time.perf_counter()
    first = evals.run(suite, progress=False)
    t1 = time.perf_counter()
    evals.run(suite, progress=False)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, len(first.samples)


def jsonschema_on_import() -> tuple[bool, float]:
    """Does `import agentkit.evals` import jsonschema, and what does jsonschema cost on its own?"""
    code = "import sys, agentkit.evals; print('jsonschema' in sys.modules)"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    imported = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env).stdout
    return imported.strip() == "True", import_time(sys.executable, "jsonschema", 3, env)


def check_cost(n: int = 200) -> tuple[float, float]:
    """Seconds per check: a python check (run in its own forked process, with a time limit) and a
    built-in `contains` (in process)."""
    from agentkit import evals
    from agentkit.evals._checks import check

    answer = evals.Answer("The function raises ZeroDivisionError on an empty list.")
    timings = []
    for assertion in (
        evals.Assertion("python", lambda text: "Zero" in text),
        evals.Assertion("contains", "Zero"),
    ):
        t0 = time.perf_counter()
        for _ in range(n):
            check(assertion, answer)
        timings.append((time.perf_counter() - t0) / n)
    return timings[0], timings[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--venv", action="append", default=[], metavar="MODULE=VENV")
    parser.add_argument("--empty", type=Path, help="an empty venv, the baseline for install weight")
    args = parser.parse_args(argv)

    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    base = import_time(sys.executable, "agentkit", args.repeat, env)
    with_evals = import_time(sys.executable, "agentkit.evals", args.repeat, env)
    print(f"import agentkit          {base * 1000:7.0f} ms")
    print(f"import agentkit.evals   {with_evals * 1000:7.0f} ms  (+{(with_evals - base) * 1000:.0f} ms)")
    imported, schema_s = jsonschema_on_import()
    print(
        f"import agentkit.evals imports jsonschema: {imported} (import jsonschema alone: {schema_s * 1000:.0f} ms)"
    )
    isolated, inline = check_cost()
    print(
        f"a python check (forked, time-limited) {isolated * 1000:.2f} ms; a contains check {inline * 1000:.3f} ms"
    )

    ours = distributions(sys.executable)
    empty_mb = disk_mb(site_packages(args.empty)) if args.empty else 0.0
    empty_dists = distributions(str(args.empty / "bin" / "python")) if args.empty else set()
    for spec in args.venv:
        module, venv = spec.split("=", 1)
        python = str(Path(venv) / "bin" / "python")
        seconds = import_time(
            python, module, args.repeat, {**os.environ, "DEEPEVAL_TELEMETRY_OPT_OUT": "YES"}
        )
        dists = distributions(python) - empty_dists
        print(
            f"import {module:<17}{seconds * 1000:7.0f} ms; installs {len(dists)} distributions, "
            f"{disk_mb(site_packages(Path(venv))) - empty_mb:.0f} MB; {len(dists - ours)} of them not in "
            "agentkit's environment"
        )

    server, base_url = start_server()
    try:
        os.environ.update(
            ANTHROPIC_BASE_URL=base_url,
            ANTHROPIC_API_KEY="sk-ant-test-not-a-real-key",
            AGENTKIT_HOME=tempfile.mkdtemp(prefix="agentkit-bench-"),
            AGENTKIT_PROGRESS="0",
        )
        first, rerun, samples = run_suite()
    finally:
        server.terminate()
    print(
        f"suite of {samples} samples + grades (stand-in API): first run {first:.2f} s, "
        f"rerun from the per-sample cache {rerun * 1000:.0f} ms ({rerun / samples * 1000:.1f} ms a sample)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
