"""Results: one row per case x version x model x sample, a summary per version, paired comparisons.

A sample is "pass", "fail" or "error" (see `_sample`). Pass rates count passes among passes and fails;
errors are reported beside them, never counted as either. Intervals treat cases as the unit. The text
report, JSON and JUnit outputs are in `_report`.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import agentkit.evals._report as _report
from agentkit.evals._compare import Comparison, compare_values, plural
from agentkit.evals._sample import FRAME_COLUMNS, OWN_MODEL, SampleResult
from agentkit.evals._stats import wilson_over_cases
from agentkit.live._routing.evaluation import RoutingResults

if TYPE_CHECKING:
    import pandas as pd

    from agentkit.evals._suite import Suite

STAND_IN_NOTE = (
    "Answers came from the stand-in Messages API (a local test server whose answers echo the request or "
    "are scripted), not from Claude."
)


@dataclass(frozen=True)
class EvalResults:
    """Everything one evaluation produced. `to_frame()`, `summary()`, `compare(a, b)`, `matrix()`."""

    suite: Suite
    samples: tuple[SampleResult, ...]
    routing: RoutingResults | None = None
    stopped: bool = False  # the run was stopped before every sample was answered
    notes: tuple[str, ...] = field(default=())
    run_id: str | None = None  # its id in the run history (`agentkit eval runs`)

    # -- shape ------------------------------------------------------------------------------------
    @property
    def versions(self) -> list[str]:
        return [v.label for v in self.suite.agents]

    @property
    def model_axes(self) -> list[str]:
        return [m or OWN_MODEL for m in self.suite.models]

    @property
    def cases(self) -> list[str]:
        return [c.id for c in self.suite.cases]

    def description_of(self, case: str) -> str:
        return next((c.description for c in self.suite.cases if c.id == case), "")

    @property
    def sources(self) -> list[str]:
        """Where the answers came from (stand-in answers are labelled as such wherever they are shown)."""
        found = [s.source for s in self.samples]
        found += [c.grade.source for s in self.samples for c in s.checks if c.grade is not None]
        if self.routing is not None:
            found += [r.source for r in self.routing.rows if r.router == "claude-code"]
        return sorted(set(found))

    @property
    def from_stand_in(self) -> bool:
        return "stand-in" in self.sources

    def source_note(self) -> str:
        """One line saying where answers came from when that is not only Claude through the Anthropic API."""
        others = [s for s in self.sources if s != "anthropic"]
        if not others:
            return ""
        if others == ["stand-in"]:
            return STAND_IN_NOTE
        return f"Answers came from: {', '.join(self.sources)}."

    def select(
        self, *, case: str | None = None, version: str | None = None, model: str | None = None
    ) -> list[SampleResult]:
        return [
            s
            for s in self.samples
            if (case is None or s.case == case)
            and (version is None or s.version == version)
            and (model is None or s.model_axis == model)
        ]

    # -- tables -----------------------------------------------------------------------------------
    def to_frame(self) -> pd.DataFrame:
        """One row per case x version x model x sample."""
        import pandas as pd

        return pd.DataFrame([s.to_dict() for s in self.samples], columns=FRAME_COLUMNS)

    def summary(self) -> pd.DataFrame:
        """Per version and model: pass rate with its 95% interval over cases (each case counts once, at
        its pass rate over its samples), cases that pass every sample, flaky cases, score, cost, and a
        column per named metric (`metric:<name>`, the mean score of the checks that count towards it)."""
        import pandas as pd

        rows = [self._summary_row(v, m) for v in self.versions for m in self.model_axes]
        metrics = self.metric_names()
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS + [f"metric:{m}" for m in metrics])

    def metric_names(self) -> list[str]:
        return sorted({c.metric for s in self.samples for c in s.checks if c.metric})

    def _summary_row(self, version: str, axis: str) -> dict[str, Any]:
        samples = self.select(version=version, model=axis)
        judged = [s for s in samples if s.status != "error"]
        passed = sum(s.passed for s in judged)
        by_case: dict[str, list[bool]] = {}
        for s in judged:
            by_case.setdefault(s.case, []).append(s.passed)
        rates = [sum(v) / len(v) for v in by_case.values()]
        low, high = wilson_over_cases(rates)
        scores = [s.score for s in judged if s.score is not None]
        latencies = [s.latency_s for s in samples if s.latency_s is not None]
        row = {
            "version": version,
            "model_axis": axis,
            "model": ", ".join(sorted({s.model for s in samples})),
            "cases": len({s.case for s in samples}),
            "samples": len(samples),
            "passed": passed,
            "failed": len(judged) - passed,
            "errors": len(samples) - len(judged),
            "pass_rate": math.fsum(sorted(rates)) / len(rates) if rates else math.nan,
            "ci_low": low,
            "ci_high": high,
            "cases_all_pass": sum(all(v) for v in by_case.values()),
            "flaky": sum(any(v) and not all(v) for v in by_case.values()),
            "mean_score": sum(scores) / len(scores) if scores else math.nan,
            "cost_usd": _total(s.cost_usd for s in judged),
            "grader_cost_usd": _total(s.grader_cost_usd for s in judged),
            "mean_latency_s": sum(latencies) / len(latencies) if latencies else math.nan,
            "source": ", ".join(sorted({s.source for s in samples})),
        }
        for name in self.metric_names():
            values = [c.score for s in judged for c in s.checks if c.metric == name]
            row[f"metric:{name}"] = sum(values) / len(values) if values else math.nan
        return row

    def matrix(self, model: str | None = None) -> pd.DataFrame:
        """Cases (rows) x versions (columns): "passed/samples" in each cell, "!" marking errors."""
        import pandas as pd

        columns = self._columns(model)
        data = {label: [self.cell_text(case, v, m) for case in self.cases] for label, v, m in columns}
        return pd.DataFrame(data, index=pd.Index(self.cases, name="case"))

    def _columns(self, model: str | None) -> list[tuple[str, str, str]]:
        axes = [model] if model is not None else self.model_axes
        several = len(axes) > 1
        return [(f"{v} · {m}" if several else v, v, m) for v in self.versions for m in axes]

    def cell_text(self, case: str, version: str, model: str | None = None) -> str:
        samples = self.select(case=case, version=version, model=model or self.model_axes[0])
        if not samples:
            return "-"
        errors = sum(s.status == "error" for s in samples)
        text = f"{sum(s.passed for s in samples)}/{len(samples)}"
        return text + (f" ({errors}!)" if errors else "")

    def matrix_text(self, model: str | None = None) -> str:
        return self.matrix(model).to_string()

    def detail(self, case: str, version: str, model: str | None = None) -> str:
        """Every sample of one cell: status, each check and why it failed, the answer (source labelled)."""
        axis = model or self.model_axes[0]
        samples = self.select(case=case, version=version, model=axis)
        if not samples:
            return f"{case} x {version}: not run"
        passed = sum(s.passed for s in samples)
        lines = [
            f"{case} x {version} ({samples[0].model}): {passed} of {plural(len(samples), 'sample')} pass"
        ]
        if samples[0].description:
            lines.append(f"description: {samples[0].description}")
        lines.append(f"prompt: {samples[0].prompt}")
        for s in samples:
            score = "" if s.score is None else f" (score {s.score:.2f})"
            lines.append(f"-- sample {s.sample + 1}: {s.status.upper()}{score}")
            if s.status == "error":
                lines.append(f"   error: {s.error}")
            for c in s.checks:
                mark = "!" if c.error is not None else "✓" if c.passed else "✗"
                lines.append(f"   {mark} {c.assertion}: {c.reason}")
            for number, turn in enumerate(s.conversation[:-1], start=1):  # a conversation's earlier turns
                lines.append(f"   turn {number}: user: {turn['user']}")
                lines.extend(f"     {line}" for line in (turn["answer"] or "(empty)").splitlines())
            if s.conversation:
                lines.append(f"   turn {len(s.conversation)}: user: {s.conversation[-1]['user']}")
            if s.tool_calls or (s.turns or 0) > 1:  # a Claude Code run that used tools
                names = ", ".join(str(t.get("name")) for t in s.tool_calls) or "none"
                lines.append(f"   tool calls: {names} ({plural(s.turns or 0, 'turn')})")
            label = (
                "answer"
                if s.source == "anthropic"
                else f"answer (from the {s.source}, not Claude)"
                if s.source == "stand-in"
                else f"answer (from {s.source})"
            )
            lines.append(f"   {label}:")
            lines.extend(f"     {line}" for line in (s.answer or "(empty)").splitlines())
        return "\n".join(lines)

    def failures(self) -> pd.DataFrame:
        """The samples that did not pass, with why."""
        frame = self.to_frame()
        columns = ["case", "description", "version", "model", "sample", "status", "reason"]
        return frame[frame["status"] != "pass"][columns]

    # -- comparing --------------------------------------------------------------------------------
    def compare(self, a: str, b: str, *, model: str | None = None, metric: str = "pass") -> Comparison:
        """Version `a` against version `b` on the same cases (and model); see `_compare`."""
        for label in (a, b):
            if label not in self.versions:
                raise KeyError(f"no version {label!r}; versions: {', '.join(self.versions)}")
        if metric not in ("pass", "score"):
            raise ValueError(f"metric must be 'pass' or 'score', not {metric!r}")
        axis = model or self.model_axes[0]
        pairs, excluded = [], 0
        for case in self.cases:
            sa = self.select(case=case, version=a, model=axis)
            sb = self.select(case=case, version=b, model=axis)
            if not sa or not sb or any(s.status == "error" for s in sa + sb):
                excluded += 1
                continue
            pairs.append((_mean(sa, metric), _mean(sb, metric)))
        return compare_values(a, b, axis, metric, pairs, self.suite.repeat, excluded)

    def comparisons(self, baseline: str | None = None, *, metric: str = "pass") -> list[Comparison]:
        """Every other version against `baseline` (default: the first), for every model."""
        base = baseline or self.versions[0]
        return [
            self.compare(base, v, model=m, metric=metric)
            for m in self.model_axes
            for v in self.versions
            if v != base
        ]

    # -- gates and output -------------------------------------------------------------------------
    def problems(
        self, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
    ) -> list[str]:
        """What fails a CI job: a case that fails (or, with a minimum pass rate, a version under it),
        samples that could not be judged, a stopped run, routing under its accuracy."""
        return _report.problems(self, min_pass_rate, min_routing_accuracy)

    def to_json(
        self, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
    ) -> dict[str, Any]:
        """{"results": [one object per row], "summary": {...}}: what `agentkit eval --format json` prints."""
        return _report.to_json(self, min_pass_rate, min_routing_accuracy)

    def to_junit(self) -> str:
        """JUnit XML: a testsuite per version and model, a testcase per case and sample."""
        return _report.to_junit(self)

    def report(self, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None) -> str:
        """The text `agentkit eval` prints: summary, failures (one line per case), comparisons, routing."""
        return _report.report(self, min_pass_rate, min_routing_accuracy)

    def _repr_html_(self) -> str:
        note = self.source_note()
        banner = f"<p style='color:#a15c00'><b>{html.escape(note)}</b></p>" if note else ""
        return banner + self.summary().to_html(index=False, float_format=lambda x: f"{x:.3g}")

    def __repr__(self) -> str:
        return (
            f"<EvalResults {len(self.versions)} versions x {len(self.model_axes)} model(s) x {len(self.cases)} cases: "
            f"{sum(s.passed for s in self.samples)}/{len(self.samples)} samples pass"
            + (f"; routing {len(self.routing.rows)} decisions" if self.routing else "")
            + (f"; run {self.run_id}" if self.run_id else "")
            + ">"
        )


SUMMARY_COLUMNS = [
    "version",
    "model_axis",
    "model",
    "cases",
    "samples",
    "passed",
    "failed",
    "errors",
    "pass_rate",
    "ci_low",
    "ci_high",
    "cases_all_pass",
    "flaky",
    "mean_score",
    "cost_usd",
    "grader_cost_usd",
    "mean_latency_s",
    "source",
]


def _mean(samples: Sequence[SampleResult], metric: str) -> float:
    if metric == "pass":
        return sum(s.passed for s in samples) / len(samples)
    return sum(s.score or 0.0 for s in samples) / len(samples)


def _total(values: Iterable[float | None]) -> float:
    values = list(values)
    if any(v is None for v in values):
        return math.nan
    return float(sum(v for v in values if v is not None))
