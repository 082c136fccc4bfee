"""agentkit's reader against the pinned Claude Code binary, file by file (issue 9).

Two sources: about 2,000 generated files covering every reading rule (tests/oracle_cases.py, seeded), and
the 650 real agent files of ../shared/corpora. Each folder is one run of Claude Code (agentkit._oracle.verify
mirrors its layout into a scratch project, so same-name precedence holds; the scope folder also fills the
scratch HOME's agents folder). Claude Code's listing (which agents load, their names, descriptions and tools
as shown) must agree with agentkit's reading on every file. Counts and runtime are printed at the end of
the pytest run.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from agentkit._oracle.verify import VerifyReport, verify, verify_scopes
from tests.oracle_cases import SEED, Folder, generate

pytestmark = pytest.mark.timeout(900)

# Rule families where agentkit is known to disagree with the binary: none. A family listed here is still run
# and its disagreements counted in the summary, but they do not fail the test.
KNOWN_DRIFT: frozenset[str] = frozenset()


def _check(folder: Folder, root: Path, claude) -> VerifyReport:
    if folder.scoped:
        project = {c.path: c.data for c in folder.cases if c.scope == "project"}
        user = {c.path: c.data for c in folder.cases if c.scope == "user"}
        return verify_scopes(project, user, claude)
    base = root / folder.name
    for case in folder.cases:
        target = base / case.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.data)
    return verify(base, claude)


def _rule_of(folder: Folder, path: Path | None) -> str:
    if path is None:
        return "unattributed"
    text = path.as_posix()
    for case in folder.cases:
        if text.endswith("/" + case.path):
            return case.rule
    return "unattributed"


def test_generated_files(claude_code, tmp_path, oracle_summary):
    started = time.monotonic()
    folders = generate(SEED)
    files = sum(len(f.cases) for f in folders)
    assert files >= 2000
    drift: Counter[str] = Counter()
    fields: Counter[str] = Counter()
    messages: list[str] = []
    runs = 0
    for folder in folders:
        report = _check(folder, tmp_path, claude_code)
        runs += report.runs
        for d in report.disagreements:
            rule = _rule_of(folder, d.path)
            drift[rule] += 1
            fields[d.field] += 1
            if rule not in KNOWN_DRIFT:
                messages.append(f"[{folder.name}/{rule}] {d.message}")
    seconds = time.monotonic() - started
    oracle_summary.append(
        f"generated (seed {SEED}): {files} files in {len(folders)} folders, {runs} Claude Code runs, "
        f"{sum(drift.values())} disagreements{' ' + str(dict(fields)) if fields else ''}, {seconds:.0f} s"
    )
    assert not messages, "\n".join(messages[:200])


def test_corpora(claude_code, corpora, oracle_summary):
    started = time.monotonic()
    collections = sorted(p for p in corpora.iterdir() if p.is_dir())
    report = verify(collections, claude_code)
    seconds = time.monotonic() - started
    per = Counter(next(p for p in collections if c.path.is_relative_to(p)).name for c in report.files)
    oracle_summary.append(
        f"corpora: {len(report.files)} files ({', '.join(f'{k} {v}' for k, v in sorted(per.items()))}), "
        f"{report.runs} runs, {len(report.disagreements)} disagreements, {seconds:.0f} s"
    )
    assert len(report.files) == 650
    assert report.ok, report.to_text()
