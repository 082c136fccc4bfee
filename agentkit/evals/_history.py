"""The run history: every evaluation stored with an id, listed, and compared run to run.

    evals.runs()                      # newest first: id, when, suite, samples, passed, failed, errors
    evals.load_run("3f9a2c1e")        # an EvalResults-like record of a stored run (a unique id prefix will do)
    print(evals.diff("3f9a2c1e", "b7d0e4a1"))   # per case: regressed, fixed, stayed

Runs live in `$AGENTKIT_HOME/evals.sqlite` (`_store`), each with the JSON of every sample. A diff
matches the two runs' samples by version, model and case: a case regressed when its pass rate went down
(3/3 -> 2/3), was fixed when it went up, and stayed otherwise; cases with errors on either side are
listed apart, since there is no verdict to compare. Case ids read `version:case` when either run has
several versions (and `model/version:case` with several models).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import agentkit.evals._store as _store
from agentkit._errors import EvalError
from agentkit.evals._sample import SampleResult

if TYPE_CHECKING:
    import pandas as pd

RUN_COLUMNS = [
    "run_id",
    "created",
    "suite",
    "description",
    "status",
    "samples",
    "passed",
    "failed",
    "errors",
    "sources",
]


def record(results: Any) -> str:
    """Store a finished (or stopped) run; its id."""
    run_id = uuid.uuid4().hex[:10]
    samples = results.samples
    summary = {
        "versions": results.versions,
        "model_axes": results.model_axes,
        "cases": results.cases,
        "repeat": results.suite.repeat,
        "descriptions": {c.id: c.description for c in results.suite.cases if c.description},
    }
    db = _store.connect()
    assert db is not None
    try:
        db.execute("BEGIN")
        db.execute(
            f"INSERT INTO runs ({', '.join(RUN_COLUMNS)}, summary) VALUES ({', '.join('?' * (len(RUN_COLUMNS) + 1))})",
            (
                run_id,
                datetime.now(UTC).isoformat(timespec="seconds"),
                str(results.suite.path) if results.suite.path else None,
                results.suite.description,
                "stopped" if results.stopped else "done",
                len(samples),
                sum(s.status == "pass" for s in samples),
                sum(s.status == "fail" for s in samples),
                sum(s.status == "error" for s in samples),
                ", ".join(results.sources),
                json.dumps(summary),
            ),
        )
        db.executemany(
            "INSERT INTO run_samples (run_id, position, sample) VALUES (?, ?, ?)",
            [(run_id, i, json.dumps(s.to_dict(), default=str)) for i, s in enumerate(samples)],
        )
        db.execute("COMMIT")
    except BaseException as e:
        db.execute("ROLLBACK")
        if isinstance(e, sqlite3.Error):
            raise _store.problem(_store.path(), e) from None
        raise
    finally:
        db.close()
    return run_id


def runs(limit: int | None = None) -> pd.DataFrame:
    """Every stored run, newest first."""
    import pandas as pd

    query = f"SELECT {', '.join(RUN_COLUMNS)} FROM runs ORDER BY created DESC, rowid DESC"
    if limit is not None:
        query += f" LIMIT {int(limit)}"
    return pd.DataFrame(_store.execute(query, create=False), columns=RUN_COLUMNS)


@dataclass(frozen=True)
class StoredRun:
    """A run as the history keeps it: its header and every sample."""

    run_id: str
    created: str
    suite: str | None
    description: str
    status: str
    samples: tuple[SampleResult, ...]
    versions: list[str] = field(default_factory=list)
    model_axes: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)
    descriptions: dict[str, str] = field(default_factory=dict)

    @property
    def sources(self) -> list[str]:
        return sorted({s.source for s in self.samples})

    def cell(self, case: str, version: str, model: str | None = None) -> list[SampleResult]:
        return [
            s
            for s in self.samples
            if s.case == case and s.version == version and (model is None or s.model_axis == model)
        ]


def resolve(run: str) -> str:
    """A run id from an id or a unique prefix of one."""
    if not isinstance(run, str) or not run.strip():
        raise EvalError("a run id is needed (agentkit eval runs lists them)")
    found = [
        r[0]
        for r in _store.execute(
            "SELECT run_id FROM runs WHERE run_id LIKE ?", (run.strip() + "%",), create=False
        )
    ]
    if not found:
        raise EvalError(f"no stored run {run!r} (agentkit eval runs lists them)")
    if len(found) > 1:
        raise EvalError(
            f"{run!r} is the start of {len(found)} run ids: give more of it ({', '.join(found[:4])})"
        )
    return found[0]


def load_run(run: str) -> StoredRun:
    run_id = resolve(run)
    header = _store.execute(
        "SELECT run_id, created, suite, description, status, summary FROM runs WHERE run_id = ?", (run_id,)
    )[0]
    rows = _store.execute("SELECT sample FROM run_samples WHERE run_id = ? ORDER BY position", (run_id,))
    summary = json.loads(header[5])
    return StoredRun(
        header[0],
        header[1],
        header[2],
        header[3] or "",
        header[4],
        tuple(SampleResult.from_dict(json.loads(r[0])) for r in rows),
        summary.get("versions", []),
        summary.get("model_axes", []),
        summary.get("cases", []),
        summary.get("descriptions", {}),
    )


@dataclass(frozen=True)
class CaseChange:
    """One case (of one version and model) in both runs."""

    id: str  # `case`, `version:case`, or `model/version:case`
    before: str  # "2/3", "3/3 (1!)"...
    after: str
    change: str  # "regressed", "fixed", "stayed", "error", "only before", "only after"


@dataclass(frozen=True)
class RunDiff:
    """Run `a` against run `b`, case by case."""

    a: str  # run ids ("" for results that were not stored)
    b: str
    changes: tuple[CaseChange, ...]
    names: tuple[str, str] = ("", "")  # how the text calls the two runs (default: "run <id>")

    def _name(self, which: int) -> str:
        return self.names[which] or f"run {(self.a, self.b)[which]}"

    def _ids(self, change: str) -> list[str]:
        return [c.id for c in self.changes if c.change == change]

    @property
    def regressed(self) -> list[str]:
        return self._ids("regressed")

    @property
    def fixed(self) -> list[str]:
        return self._ids("fixed")

    @property
    def stayed(self) -> list[str]:
        return self._ids("stayed")

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "regressed": self.regressed,
            "fixed": self.fixed,
            "stayed": self.stayed,
            "errors": self._ids("error"),
            "only_in_a": self._ids("only before"),
            "only_in_b": self._ids("only after"),
            "cases": [c.__dict__ for c in self.changes],
        }

    def text(self) -> str:
        head = (
            f"{self._name(0)} -> {self._name(1)}: {len(self.regressed)} regressed, {len(self.fixed)} fixed, "
            f"{len(self.stayed)} stayed"
        )
        others = [c for c in self.changes if c.change in ("error", "only before", "only after")]
        if others:
            head += f", {len(others)} not comparable"
        lines = [head]
        for title, change in (("Regressed", "regressed"), ("Fixed", "fixed"), ("Errors", "error"),
                              ("Only in " + self._name(0), "only before"),
                              ("Only in " + self._name(1), "only after")):  # fmt: skip
            rows = [c for c in self.changes if c.change == change]
            if rows:
                lines.append(f"{title}:")
                lines += [f"  {c.id}: {c.before} -> {c.after}" for c in rows]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.text()


def _tally(samples: Iterable[SampleResult]) -> tuple[int, int, int]:
    samples = list(samples)
    return sum(s.passed for s in samples), len(samples), sum(s.status == "error" for s in samples)


def _shown(passed: int, total: int, errors: int) -> str:
    return f"{passed}/{total}" + (f" ({errors}!)" if errors else "")


def diff(a: Any, b: Any, *, names: tuple[str, str] | None = None) -> RunDiff:
    """Per case, what changed from run `a` to run `b`: each a run id (or a unique start of one), a
    stored run, or EvalResults in hand. `names` says how the text calls them (default: their run ids)."""
    first = load_run(a) if isinstance(a, str) else a
    second = load_run(b) if isinstance(b, str) else b
    keys: dict[tuple[str, str, str], None] = {}
    for run in (first, second):
        for s in run.samples:
            keys.setdefault((s.model_axis, s.version, s.case), None)
    several_versions = len({v for _, v, _ in keys}) > 1
    several_models = len({m for m, _, _ in keys}) > 1
    changes = []
    for model, version, case in keys:
        name = (f"{model}/" if several_models else "") + (f"{version}:" if several_versions else "") + case
        before = [s for s in first.samples if (s.model_axis, s.version, s.case) == (model, version, case)]
        after = [s for s in second.samples if (s.model_axis, s.version, s.case) == (model, version, case)]
        if not before or not after:
            counted = _shown(*_tally(before or after))
            changes.append(CaseChange(name, counted if before else "-", counted if after else "-",
                                      "only before" if before else "only after"))  # fmt: skip
            continue
        (pa, ta, ea), (pb, tb, eb) = _tally(before), _tally(after)
        if ea or eb:
            change = "error"
        else:
            rate_a, rate_b = pa / ta, pb / tb
            change = "regressed" if rate_b < rate_a else "fixed" if rate_b > rate_a else "stayed"
        changes.append(CaseChange(name, _shown(pa, ta, ea), _shown(pb, tb, eb), change))
    shown = names or (
        f"run {first.run_id}" if first.run_id else "before",
        f"run {second.run_id}" if second.run_id else "after",
    )
    return RunDiff(first.run_id or "", second.run_id or "", tuple(changes), shown)
