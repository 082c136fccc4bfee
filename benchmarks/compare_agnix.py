"""agnix vs agentkit on the shared corpora: what each reports per file, next to what Claude Code does.

    python benchmarks/compare_agnix.py [--corpora ../shared/corpora] [--out FILE.csv]

(default output: benchmarks/results/agnix-vs-agentkit.csv)

agnix (PyPI `agnix`, a Rust binary) recognises agent files only directly inside `.claude/agents/`, so each
file is copied flat into a temporary `.claude/agents/` (its relative path joined with `__`), and agnix runs
with `--format json --target claude-code`. agentkit lints the original files. Claude Code's own reading
comes from `claude-code-2.1.330.expected.json`.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import agentkit  # noqa: E402
from agentkit._lint.engine import findings  # noqa: E402


def agnix_version() -> str:
    return subprocess.run(["agnix", "--version"], capture_output=True, text=True, check=True).stdout.strip()


def run_agnix(files: dict[str, Path]) -> dict[str, list[dict]]:
    """agnix diagnostics for each file, keyed like `files` (key -> source path), all in one agents folder."""
    by_key: dict[str, list[dict]] = defaultdict(list)
    with tempfile.TemporaryDirectory() as tmp:
        agents_dir = Path(tmp) / ".claude" / "agents"
        agents_dir.mkdir(parents=True)
        flat: dict[str, str] = {}
        for key, source in files.items():
            name = key.replace("/", "__")
            shutil.copyfile(source, agents_dir / name)
            flat[f".claude/agents/{name}"] = key
        proc = subprocess.run(
            ["agnix", "--format", "json", "--target", "claude-code", "--max-files", "0", "."],
            cwd=tmp,
            capture_output=True,
            text=True,
        )
        for diag in json.loads(proc.stdout)["diagnostics"]:
            key = flat.get(diag.get("file", ""))
            if key is not None:
                by_key[key].append(diag)
    return by_key


def fixtures_table() -> pd.DataFrame:
    """Each agentkit rule's bad fixtures (tests/lint_fixtures/<ID>/bad*.md): does agnix report anything?"""
    rows = []
    for folder in sorted((ROOT / "tests" / "lint_fixtures").iterdir()):
        for bad in sorted(folder.glob("bad*.md")):
            if "oversize" in bad.name:
                continue  # padded past 1 MiB only inside the tests
            diags = run_agnix({bad.name: bad})[bad.name]
            ak = {f.rule for f in findings(agentkit.load(bad))}
            rows.append(
                {
                    "rule": folder.name,
                    "fixture": f"{folder.name}/{bad.name}",
                    "agentkit_reports_rule": folder.name in ak,
                    "agnix_rules": " ".join(sorted({d["rule"] for d in diags})),
                    "agnix_errors": sum(d["level"] == "error" for d in diags),
                    "agnix_messages": " | ".join(d["message"][:100] for d in diags),
                }
            )
    return pd.DataFrame(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=ROOT.parent / "shared" / "corpora")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "agnix-vs-agentkit.csv")
    args = parser.parse_args()
    if shutil.which("agnix") is None:
        print("agnix is not installed (pip install agnix)", file=sys.stderr)
        return 2
    expected = json.loads((args.corpora / "claude-code-2.1.330.expected.json").read_text("utf-8"))
    files = sorted(expected)
    # One run per collection: each is one agents folder, as a user would install it (set-level rules such
    # as duplicate names then compare like with like).
    agnix_diags: dict[str, list[dict]] = {}
    ak_by_file: dict[str, list] = defaultdict(list)
    for collection in sorted({rel.split("/", 1)[0] for rel in files}):
        members = [rel for rel in files if rel.startswith(collection + "/")]
        agnix_diags.update(run_agnix({rel: args.corpora / rel for rel in members}))
        for finding in findings(agentkit.load(*(args.corpora / rel for rel in members))):
            ak_by_file[str(Path(finding.path).relative_to(args.corpora))].append(finding)

    rows = []
    for rel in files:
        cc = expected[rel]
        ag = agnix_diags.get(rel, [])
        ak = ak_by_file.get(rel, [])
        rows.append(
            {
                "file": rel,
                "collection": rel.split("/", 1)[0],
                "claude_code_loaded": cc["loaded"],
                "claude_code_parse": cc.get("parse", ""),
                "agnix_errors": sum(d["level"] == "error" for d in ag),
                "agnix_warnings": sum(d["level"] == "warning" for d in ag),
                "agnix_infos": sum(d["level"] == "info" for d in ag),
                "agnix_rules": " ".join(sorted({d["rule"] for d in ag})),
                "agentkit_errors": sum(f.severity == "error" for f in ak),
                "agentkit_warnings": sum(f.severity == "warning" for f in ak),
                "agentkit_infos": sum(f.severity == "info" for f in ak),
                "agentkit_rules": " ".join(sorted({f.rule for f in ak})),
            }
        )
    table = pd.DataFrame(rows)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(args.out, index=False)

    loaded = table["claude_code_loaded"]
    fallback = table["claude_code_parse"] == "fallback"
    agnix_err = table["agnix_errors"] > 0
    ak_err = table["agentkit_errors"] > 0
    agnix_any = table[["agnix_errors", "agnix_warnings", "agnix_infos"]].sum(axis=1) > 0
    ak_any = table[["agentkit_errors", "agentkit_warnings", "agentkit_infos"]].sum(axis=1) > 0
    ak301 = table["agentkit_rules"].str.contains("AK301")

    def n(mask: pd.Series) -> int:
        return int(mask.sum())

    print(
        f"{len(table)} files; {agnix_version()}; agentkit models Claude Code {agentkit.CLAUDE_CODE_MODEL_VERSION}"
    )
    print(f"Claude Code loads {n(loaded)}, drops {n(~loaded)}; {n(fallback)} load only through the fallback")
    print(f"files with an error: agnix {n(agnix_err)}, agentkit {n(ak_err)}")
    print(f"  ...that Claude Code loads: agnix {n(agnix_err & loaded)}, agentkit {n(ak_err & loaded)}")
    print(f"  ...that Claude Code drops: agnix {n(agnix_err & ~loaded)}, agentkit {n(ak_err & ~loaded)}")
    print(
        f"fallback-only files: agnix errors on {n(agnix_err & fallback)}, agentkit AK301 on {n(ak301 & fallback)}"
    )
    print(f"files with any finding: agnix {n(agnix_any)}, agentkit {n(ak_any)}")
    agnix_rules = Counter(r for cell in table["agnix_rules"] for r in cell.split())
    ak_rules = Counter(r for cell in table["agentkit_rules"] for r in cell.split())
    print("agnix rules (files):", ", ".join(f"{r} {n}" for r, n in agnix_rules.most_common()))
    print("agentkit rules (files):", ", ".join(f"{r} {n}" for r, n in ak_rules.most_common()))
    fixtures = fixtures_table()
    fixtures.to_csv(args.out.with_name("agnix-on-lint-fixtures.csv"), index=False)
    silent = fixtures[fixtures["agnix_rules"] == ""]
    print(
        f"agentkit's bad fixtures: {len(fixtures)}; agnix reports nothing on {len(silent)} of them "
        f"({', '.join(sorted(set(silent['rule'])))})"
    )
    print(f"wrote {args.out} and {args.out.with_name('agnix-on-lint-fixtures.csv')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
