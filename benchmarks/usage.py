"""`agentkit usage` against ccusage and against reading the bytes, on a large set of generated transcripts;
and the totals per model and day of both, side by side, on the same transcripts.

    python benchmarks/usage.py [--gigabytes 1.2] [--repeat 2] [--ccusage DIR] [--keep]

The set is generated from the shapes the real Claude Code 2.1.332 writes: the binary runs notebook 07's
eight scripted sessions offline against the stand-in (scripts/record_usage_transcripts.py), and its
transcripts, every record of them (attachments, request records and all), are copied again and again
with new session, agent, message and request ids, new projects, spread over 60 days, and token counts
scaled per copy. It goes to benchmarks/_work/usage/ (not committed: it holds Claude Code's prompt texts).

ccusage is the npm package (`npm install ccusage` into a scratch folder; --ccusage names it), run on the
same CLAUDE_CONFIG_DIR with HOME pointing at an empty folder (so it finds no other tool's data), offline,
days in UTC. Its launcher (node) only starts a native binary; the binary is timed directly, and once
through node. Each program is a child process: wall time, CPU time (user + system) and peak RSS come
from wait4. The three take turns (bytes, agentkit, ccusage, bytes, ...), best of --repeat.

The comparison of totals runs on the generated set and on every small set of the repository: notebook
07's transcripts and the hand-made fixtures of tests/usage_fixtures/.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

WORK = ROOT / "benchmarks" / "_work" / "usage"
RESULTS = ROOT / "benchmarks" / "results" / "usage.json"
CCUSAGE_VERSION = "20.0.24"  # 20.0.26 names a native package the registry does not have
KINDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
CCUSAGE_KINDS = ("inputTokens", "outputTokens", "cacheReadTokens", "cacheCreationTokens")
SMALL_SETS = {
    "notebook 07 (real binary)": ROOT / "notebooks" / "recordings" / "07-usage",
    "fixture inline-1.0": ROOT / "tests" / "usage_fixtures" / "inline-1.0",
    "fixture agent-files-2.0": ROOT / "tests" / "usage_fixtures" / "agent-files-2.0",
    "fixture hostile": ROOT / "tests" / "usage_fixtures" / "hostile",
}
_COUNTS = re.compile(
    rb'"(input_tokens|output_tokens|cache_read_input_tokens|cache_creation_input_tokens|ephemeral_5m_input_tokens)":(\d+)'
)


# -- the transcripts ----------------------------------------------------------------------------------
def templates(folder: Path) -> Path:
    """The real binary's transcripts of notebook 07's sessions, every record kept (once, then reused)."""
    config = folder / "template"
    if (config / "projects").is_dir():
        return config
    from record_usage_transcripts import PROJECT_AGENTS, SESSIONS

    from agentkit._oracle.transcripts import record_sessions
    from agentkit._oracle.world import ScratchWorld

    with ScratchWorld() as world:
        for name in PROJECT_AGENTS:
            world.write_agent(f"{name}.md", (ROOT / "agents" / f"{name}.md").read_bytes())
        (world.project / "checkout.py").write_text("def total(cart):\n    return 0\n")
        (world.project / "payments.py").write_text("def charge(card, amount):\n    pass\n")
        record_sessions(world, SESSIONS, prefix="tpl")
        shutil.copytree(world.config_dir / "projects", config / "projects")
        (config / "root.txt").write_text(str(world.root))
    return config


def gateway(folder: Path) -> Path:
    """The real binary's transcripts of two sessions whose answers carry no cache breakdown (5m/1h), as a
    gateway may answer: Claude Code then writes a breakdown of zeros beside the total."""
    config = folder / "gateway"
    if (config / "projects").is_dir():
        return config
    from agentkit._oracle.standin import Reply, TokenUsage, ToolUse
    from agentkit._oracle.transcripts import ScriptedSession, record_sessions
    from agentkit._oracle.world import ScratchWorld

    def usage(i: int, o: int, read: int, write: int) -> TokenUsage:
        return TokenUsage(input=i, output=o, cache_read=read, cache_creation=write, breakdown=False)

    given = {"description": "review", "prompt": "Review app.py [g1]", "subagent_type": "general-purpose"}
    given["run_in_background"] = False  # in print mode an Agent call runs in the background by default
    call = ToolUse("Agent", given, "toolu_g1")
    sessions = [
        ScriptedSession(
            "Review app.py",
            main=(Reply(usage(900, 30, 0, 2500), "", (call,)), Reply(usage(1000, 40, 2500, 0), "Done.")),
            agents={"[g1]": (Reply(usage(600, 90, 0, 1800), "Fine."),)},
        ),
        ScriptedSession("Hello", main=(Reply(usage(800, 10, 2500, 300), "Hi."),)),
    ]
    with ScratchWorld() as world:
        record_sessions(world, sessions, prefix="gw")
        shutil.copytree(world.config_dir / "projects", config / "projects")
    return config


def generate(template: Path, target: Path, gigabytes: float, projects: int = 25, days: int = 60) -> int:
    """Copies of the template sessions until `gigabytes` are written; the number of sessions."""
    root = (template / "root.txt").read_text().strip()
    (folder,) = (template / "projects").iterdir()
    sessions = []
    for main in sorted(folder.glob("*.jsonl")):
        files = {main.name: main.read_bytes()}
        side = folder / main.stem
        for path in sorted(side.rglob("*")) if side.is_dir() else []:
            if path.is_file():
                files[str(path.relative_to(folder))] = path.read_bytes()
        sessions.append((main.stem, files))
    template_day = re.search(rb'"timestamp":"(\d{4}-\d{2}-\d{2})T', sessions[0][1][sessions[0][0] + ".jsonl"])
    assert template_day is not None
    old_day = template_day.group(1)
    first = date(2026, 9, 1)
    written, count = 0, 0
    shutil.rmtree(target, ignore_errors=True)
    while written < gigabytes * 1e9:
        session_id, files = sessions[count % len(sessions)]
        new_session = f"{count:08x}-0000-4000-8000-{count:012x}"
        project = f"/home/dev/project{count % projects:02d}"
        day = (first + timedelta(days=(count * 7) % days)).isoformat().encode()
        factor = 1 + count % 7
        prefix = re.search(r"_tpl(\d+)_", files[session_id + ".jsonl"].decode("utf-8", "replace"))
        swaps = [
            (session_id.encode(), new_session.encode()),
            (root.encode() + b"/project", project.encode()),
            (
                re.sub(rb"[^a-zA-Z0-9]", b"-", root.encode() + b"/project"),
                re.sub(rb"[^a-zA-Z0-9]", b"-", project.encode()),
            ),
            (b'"' + old_day + b"T", b'"' + day + b"T"),
        ]
        if prefix:
            swaps.append((f"_tpl{prefix.group(1)}_".encode(), f"_g{count}_".encode()))
        agent_ids = sorted({a for name in files for a in re.findall(r"agent-(a[0-9a-f]{16})\.", name)})
        renamed = {a: f"b{count:012x}{index:04x}" for index, a in enumerate(agent_ids)}
        swaps += [(a.encode(), b.encode()) for a, b in renamed.items()]
        for name, data in files.items():
            for old, new in swaps:
                data = data.replace(old, new)
            for old_id, new_id in renamed.items():
                name = name.replace(old_id, new_id)
            data = _COUNTS.sub(lambda m, f=factor: b'"%s":%d' % (m.group(1), int(m.group(2)) * f), data)
            path = (
                target
                / "projects"
                / re.sub(r"[^a-zA-Z0-9]", "-", project)
                / name.replace(session_id, new_session)
            )
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            written += len(data)
        count += 1
    return count


def size_of(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


# -- the programs ------------------------------------------------------------------------------------------
def measured(argv: list[str], env: dict[str, str], stdout: Path | None = None) -> dict[str, float]:
    """Run a program; its wall time, CPU time and peak RSS (its own, from wait4)."""
    out = open(stdout, "wb") if stdout else subprocess.DEVNULL  # noqa: SIM115
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
    if stdout:
        out.close()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[:3]} failed ({proc.returncode}): {err[-500:]}")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_rss_mb": usage.ru_maxrss / 1024}


READ_BYTES = """
import os, sys
for folder, _, files in os.walk(sys.argv[1]):
    for name in files:
        with open(os.path.join(folder, name), 'rb') as f:
            while f.read(1 << 20):
                pass
"""


def ccusage_binary(folder: Path) -> tuple[Path, Path]:
    """(node launcher, native binary) of ccusage installed in `folder`; npm installs it there if needed."""
    launcher = folder / "node_modules" / "ccusage" / "src" / "cli.js"
    native = folder / "node_modules" / "@ccusage" / "ccusage-linux-x64" / "bin" / "ccusage"
    if not native.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", f"ccusage@{CCUSAGE_VERSION}"],
            cwd=folder,
            check=True,
        )
    return launcher, native


def ccusage_env(config: Path, home: Path) -> dict[str, str]:
    return {"PATH": os.environ["PATH"], "HOME": str(home), "CLAUDE_CONFIG_DIR": str(config), "NO_COLOR": "1"}


CCUSAGE_ARGS = ["claude", "daily", "--json", "--offline", "--timezone", "UTC"]


# -- totals side by side ----------------------------------------------------------------------------------
def agentkit_days(config: Path) -> tuple[dict[tuple[str, str], dict[str, float]], dict]:
    done = subprocess.run(
        [sys.executable, "-m", "agentkit", "usage", str(config), "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "AGENTKIT_PROGRESS": "0"},
    )
    data = json.loads(done.stdout)
    return {(r["day"], r["model"]): r for r in data["days"]}, data


def ccusage_days(native: Path, config: Path, home: Path) -> dict[tuple[str, str], dict[str, float]]:
    done = subprocess.run(
        [str(native), *CCUSAGE_ARGS], capture_output=True, text=True, env=ccusage_env(config, home)
    )
    data = json.loads(done.stdout or "{}")
    out = {}
    for day in data.get("daily", []):
        for row in day.get("modelBreakdowns", []):
            mapped = {k: row.get(c, 0) for k, c in zip(KINDS, CCUSAGE_KINDS, strict=True)}
            out[(day["date"], row["modelName"])] = {
                **mapped,
                "cost_usd": row.get("cost"),
                "missing_pricing": row.get("missingPricing", False),
            }
    return out


def compare(ours: dict, theirs: dict) -> dict:
    """Token kinds and cost per (day, model): equal rows, and the rows that differ with both values."""
    keys = sorted(set(ours) | set(theirs))
    differ = []
    for key in keys:
        a, b = ours.get(key), theirs.get(key)
        if a is None or b is None:
            differ.append(
                {"day": key[0], "model": key[1], "agentkit": a is not None, "ccusage": b is not None}
            )
            continue
        tokens = {k: (a[k], b[k]) for k in KINDS if a[k] != b[k]}
        if tokens:
            differ.append({"day": key[0], "model": key[1], **{k: list(v) for k, v in tokens.items()}})
    totals = {
        "agentkit": {k: sum(r[k] for r in ours.values()) for k in KINDS},
        "ccusage": {k: sum(r[k] for r in theirs.values()) for k in KINDS},
    }
    cost_a = [r["cost_usd"] for r in ours.values()]
    totals["agentkit"]["cost_usd"] = None if any(c is None for c in cost_a) else round(sum(cost_a), 6)
    totals["ccusage"]["cost_usd"] = round(sum(r["cost_usd"] or 0 for r in theirs.values()), 6)
    unpriced = sorted({k[1] for k, r in theirs.items() if r.get("missing_pricing")})
    return {
        "rows": len(keys),
        "token_rows_that_differ": differ,
        "totals": totals,
        "ccusage_unpriced": unpriced,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--gigabytes", type=float, default=1.2)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument(
        "--ccusage", type=Path, default=WORK / "ccusage", help="folder with ccusage installed"
    )
    parser.add_argument("--keep", action="store_true", help="keep the generated set for the next run")
    args = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    home = WORK / "empty-home"
    home.mkdir(exist_ok=True)
    launcher, native = ccusage_binary(args.ccusage)
    version = subprocess.run([str(native), "--version"], capture_output=True, text=True).stdout.strip()
    config = WORK / "generated"
    if not (args.keep and (config / "projects").is_dir()):
        started = time.perf_counter()
        sessions = generate(templates(WORK), config, args.gigabytes)
        print(f"generated {sessions} sessions in {time.perf_counter() - started:.0f} s")
    files, size = size_of(config)
    print(
        f"{files} files, {size / 1e9:.2f} GB in {config.relative_to(ROOT)}; {version}; load {os.getloadavg()[0]:.1f}"
    )

    env = {**os.environ, "AGENTKIT_PROGRESS": "0"}
    contenders = {
        "read the bytes (Python)": ([sys.executable, "-c", READ_BYTES, str(config)], env),
        "agentkit usage --format json": (
            [sys.executable, "-m", "agentkit", "usage", str(config), "--format", "json"],
            env,
        ),
        f"ccusage {CCUSAGE_VERSION} (native binary)": (
            [str(native), *CCUSAGE_ARGS],
            ccusage_env(config, home),
        ),
    }
    measured(contenders["read the bytes (Python)"][0], env)  # warm the page cache for everyone alike
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.repeat):
        for name, (argv, run_env) in contenders.items():
            got = measured(argv, run_env)
            best[name] = {k: min(v, best.get(name, got)[k]) for k, v in got.items()}
    through_node = measured(["node", str(launcher), *CCUSAGE_ARGS], ccusage_env(config, home))
    agentkit_s = best["agentkit usage --format json"]["wall_s"]
    print(f"\nbest of {args.repeat}, taking turns      wall s   cpu s  peak RSS MB  agentkit / it")
    for name, got in best.items():
        print(
            f"{name:34}{got['wall_s']:8.1f}{got['cpu_s']:8.1f}{got['peak_rss_mb']:12.0f}{agentkit_s / got['wall_s']:14.2f}"
        )
    print(f"{'ccusage through its node launcher':34}{through_node['wall_s']:8.1f}   (once)")

    comparisons = {}
    small = {**SMALL_SETS, "gateway, no cache breakdown (real binary)": gateway(WORK)}
    for name, folder in {"generated": config, **small}.items():
        if name == "fixture hostile":  # its cut last line reads as truncated only when the file is old
            folder = _aged_copy(folder, WORK / "hostile")
        ours, data = agentkit_days(folder)
        comparisons[name] = compare(ours, ccusage_days(native, folder, home))
        comparisons[name]["agentkit_problems"] = [f"{p['kind']} x{p['count']}" for p in data["problems"]]
        comparisons[name]["agentkit_read"] = {k: data["read"][k] for k in ("duplicates", "replays", "copies")}
    print("\ntotals per model and day, agentkit vs ccusage (token kinds; costs below):")
    for name, result in comparisons.items():
        a, b = result["totals"]["agentkit"], result["totals"]["ccusage"]
        same = (
            "equal"
            if not result["token_rows_that_differ"]
            else f"{len(result['token_rows_that_differ'])} differ"
        )
        print(
            f"  {name:28} {result['rows']:4} day x model rows, tokens {same}; cost agentkit {a['cost_usd']}, ccusage {b['cost_usd']} (no price in ccusage: {', '.join(result['ccusage_unpriced']) or '-'})"
        )
        for row in result["token_rows_that_differ"][:5]:
            print(f"      {row}")
        if result["agentkit_problems"]:
            print(f"      agentkit reported: {'; '.join(result['agentkit_problems'])}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "set": {"files": files, "bytes": size, "load_average": os.getloadavg()[0]},
                "ccusage": version,
                "best_of": args.repeat,
                "timings": best,
                "ccusage_through_node": through_node,
                "comparisons": comparisons,
            },
            indent=1,
        )
        + "\n"
    )
    print(f"\nwritten {RESULTS.relative_to(ROOT)}")
    if not args.keep:
        shutil.rmtree(config, ignore_errors=True)
    return 0


def _aged_copy(folder: Path, target: Path) -> Path:
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(folder, target)
    stamp = time.time() - 7200
    for index, path in enumerate(sorted(target.rglob("*.jsonl"))):
        os.utime(path, (stamp + index, stamp + index))
    return target


if __name__ == "__main__":
    raise SystemExit(main())
