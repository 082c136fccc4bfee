"""Results: one row per case x version x model x sample, a summary per version, paired comparisons.

A sample's status is "pass" (every assertion held), "fail" (one did not), or "error" (no answer to judge:
the API failed, the stream was cut short, the grader could not be reached). Pass rates count passes
among passes and fails; errors are reported beside them, never counted as either.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from agentkit.evals._checks import Check
from agentkit.evals._routing import RoutingResults
from agentkit.evals._stats import ALPHA, mcnemar_exact, paired_bootstrap, smallest_p, wilson

if TYPE_CHECKING:
    import pandas as pd

    from agentkit.evals._suite import Suite

OWN_MODEL = "(own)"  # the model axis value when each agent runs on its own `model`


@dataclass(frozen=True)
class SampleResult:
    """One answer of one agent version to one case, and how it fared."""

    case: str
    prompt: str
    version: str
    agent: str | None
    path: str | None
    model_axis: str  # the model as the suite names it ("sonnet"), or "(own)" for each agent's own
    model: str  # the model id that answered
    sample: int  # 0-based
    status: str  # "pass", "fail" or "error"
    score: float | None  # weighted mean of the checks' scores; None on error
    answer: str
    checks: tuple[Check, ...]
    error: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None  # the answer's cost
    grader_cost_usd: float | None  # what grading it cost (llm-rubric)
    latency_s: float | None
    cached: bool
    source: str  # "anthropic", "stand-in", or another endpoint's host
    run_id: str | None

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def reason(self) -> str:
        """Why it did not pass: the failed checks in words, or the error."""
        if self.status == "error":
            return self.error or "error"
        return "; ".join(f"{c.assertion}: {c.reason}" for c in self.checks if not c.passed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "prompt": self.prompt,
            "version": self.version,
            "agent": self.agent,
            "path": self.path,
            "model_axis": self.model_axis,
            "model": self.model,
            "sample": self.sample,
            "status": self.status,
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "answer": self.answer,
            "checks": [c.to_dict() for c in self.checks],
            "error": self.error,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "grader_cost_usd": self.grader_cost_usd,
            "latency_s": self.latency_s,
            "cached": self.cached,
            "source": self.source,
            "run_id": self.run_id,
        }


FRAME_COLUMNS = [
    "case",
    "version",
    "model",
    "sample",
    "status",
    "pass",
    "score",
    "reason",
    "answer",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "grader_cost_usd",
    "latency_s",
    "cached",
    "source",
    "model_axis",
    "agent",
    "path",
    "prompt",
    "error",
    "run_id",
]


def _fmt_p(p: float) -> str:
    return f"{p:.2g}" if p >= 0.001 else "<0.001"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass(frozen=True)
class Comparison:
    """Two versions on the same cases: which is better, and is the difference more than noise?"""

    a: str
    b: str
    model_axis: str
    metric: str  # "pass" (pass/fail per case) or "score"
    cases: int  # cases both versions answered without error
    samples: int  # samples per case
    a_mean: float  # A's mean per-case pass rate (or score)
    b_mean: float
    a_better: int  # cases where A did better
    b_better: int
    method: str  # "exact McNemar" or "paired permutation"
    p_value: float
    low: float  # 95% interval of the difference b - a (paired bootstrap over cases)
    high: float
    excluded: int = 0  # cases left out because one side had an error

    @property
    def difference(self) -> float:
        return self.b_mean - self.a_mean

    @property
    def significant(self) -> bool:
        return self.p_value < ALPHA

    @property
    def better(self) -> str | None:
        """The version that did better by more than noise, else None."""
        if not self.significant:
            return None
        return self.b if self.difference > 0 else self.a

    @property
    def sentence(self) -> str:
        a, b = self.a, self.b
        noise = "more than noise" if self.significant else "not more than noise"
        excluded = f" ({_plural(self.excluded, 'case')} with errors left out)" if self.excluded else ""
        if self.cases == 0:
            return f"{a} and {b} answered no case both without errors: nothing to compare{excluded}."
        if self.method == "exact McNemar":
            a_k, b_k = round(self.a_mean * self.cases), round(self.b_mean * self.cases)
            discordant = self.a_better + self.b_better
            if discordant == 0:
                return f"{a} and {b} pass the same {a_k} of {_plural(self.cases, 'case')}: nothing tells them apart{excluded}."
            detail = f"{self.b_better} only {b} passes, {self.a_better} only {a}"
            if a_k == b_k:
                head = f"{a} and {b} each pass {a_k} of {self.cases} cases, but not the same ones ({detail})"
                return f"{head}: no difference (exact McNemar p={_fmt_p(self.p_value)}){excluded}."
            lead, trail, lead_k, trail_k = (b, a, b_k, a_k) if b_k > a_k else (a, b, a_k, b_k)
            text = (
                f"{lead} passes {_plural(lead_k - trail_k, 'more case')} than {trail} ({lead_k} vs {trail_k} of "
                f"{self.cases}); with {_plural(discordant, 'discordant case')} ({detail}) this is {noise} "
                f"(exact McNemar p={_fmt_p(self.p_value)}){excluded}."
            )
            if not self.significant and smallest_p(discordant) >= ALPHA:
                text += f" With {_plural(discordant, 'discordant case')} no difference can reach p < {ALPHA:g}: add cases."
            return text
        what = "pass rate" if self.metric == "pass" else "mean score"
        unit = (lambda x: f"{x * 100:+.0f} points") if self.metric == "pass" else (lambda x: f"{x:+.2f}")
        shown = (lambda x: f"{x:.0%}") if self.metric == "pass" else (lambda x: f"{x:.2f}")
        over = f"{_plural(self.cases, 'case')} x {_plural(self.samples, 'sample')}"
        if self.difference == 0 and self.a_better == self.b_better == 0:
            return (
                f"{a} and {b} have the same {what} ({shown(self.a_mean)}) on every one of {over}{excluded}."
            )
        if abs(self.difference) < 1e-12:
            return (
                f"{a} and {b} have the same {what} ({shown(self.a_mean)}, {over}) but not on the same cases "
                f"({a} better on {self.a_better}, {b} on {self.b_better}): no difference "
                f"(paired permutation test over cases, p={_fmt_p(self.p_value)}){excluded}."
            )
        lead, trail = (b, a) if self.difference > 0 else (a, b)
        lead_mean, trail_mean = max(self.a_mean, self.b_mean), min(self.a_mean, self.b_mean)
        return (
            f"{lead}'s {what} is {unit(abs(self.difference)).lstrip('+')} higher than {trail}'s "
            f"({shown(lead_mean)} vs {shown(trail_mean)}, {over}; {lead} better on {max(self.a_better, self.b_better)}"
            f" cases, {trail} on {min(self.a_better, self.b_better)}); the 95% interval of {b} - {a} is "
            f"[{unit(self.low)}, {unit(self.high)}], so this is {noise} "
            f"(paired permutation test over cases, p={_fmt_p(self.p_value)}){excluded}."
        )

    def __str__(self) -> str:
        return self.sentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "model_axis": self.model_axis,
            "metric": self.metric,
            "cases": self.cases,
            "samples": self.samples,
            "a_mean": self.a_mean,
            "b_mean": self.b_mean,
            "difference": self.difference,
            "a_better": self.a_better,
            "b_better": self.b_better,
            "method": self.method,
            "p_value": self.p_value,
            "ci_low": self.low,
            "ci_high": self.high,
            "significant": self.significant,
            "excluded": self.excluded,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class EvalResults:
    """Everything one evaluation produced. `to_frame()`, `summary()`, `compare(a, b)`, `matrix()`."""

    suite: Suite
    samples: tuple[SampleResult, ...]
    routing: RoutingResults | None = None
    stopped: bool = False  # the run was stopped before every sample was answered
    notes: tuple[str, ...] = field(default=())

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

    @property
    def sources(self) -> list[str]:
        """Where the answers came from (stand-in answers are labelled as such wherever they are shown)."""
        found = [s.source for s in self.samples]
        found += [c.grade.source for s in self.samples for c in s.checks if c.grade is not None]
        if self.routing is not None:
            found += [r.source for r in self.routing.rows if r.router == "live"]
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
            return (
                "Answers came from the stand-in Messages API (a local test server that echoes the request), "
                "not from Claude."
            )
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

        rows = [s.to_dict() for s in self.samples]
        return pd.DataFrame(rows, columns=FRAME_COLUMNS)

    def summary(self) -> pd.DataFrame:
        """Per version and model: pass rate with its 95% Wilson interval, flaky cases, score, cost.

        The interval treats every sample as independent; with repeat > 1 the samples of one case are
        not, so read it as optimistic and look at `cases_all_pass` and `flaky` too.
        """
        import pandas as pd

        rows = []
        for version in self.versions:
            for axis in self.model_axes:
                rows.append(self._summary_row(version, axis))
        return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)

    def _summary_row(self, version: str, axis: str) -> dict[str, Any]:
        samples = self.select(version=version, model=axis)
        judged = [s for s in samples if s.status != "error"]
        passed = sum(s.passed for s in judged)
        low, high = wilson(passed, len(judged))
        by_case: dict[str, list[bool]] = {}
        for s in judged:
            by_case.setdefault(s.case, []).append(s.passed)
        scores = [s.score for s in judged if s.score is not None]
        latencies = [s.latency_s for s in samples if s.latency_s is not None]
        return {
            "version": version,
            "model_axis": axis,
            "model": ", ".join(sorted({s.model for s in samples})),
            "cases": len({s.case for s in samples}),
            "samples": len(samples),
            "passed": passed,
            "failed": len(judged) - passed,
            "errors": len(samples) - len(judged),
            "pass_rate": passed / len(judged) if judged else math.nan,
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
        prompt = samples[0].prompt
        passed = sum(s.passed for s in samples)
        lines = [
            f"{case} x {version} ({samples[0].model}): {passed} of {_plural(len(samples), 'sample')} pass",
            f"prompt: {prompt}",
        ]
        for s in samples:
            score = "" if s.score is None else f" (score {s.score:.2f})"
            lines.append(f"-- sample {s.sample + 1}: {s.status.upper()}{score}")
            if s.status == "error":
                lines.append(f"   error: {s.error}")
            for c in s.checks:
                lines.append(f"   {'✓' if c.passed else '✗'} {c.assertion}: {c.reason}")
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
        return frame[frame["status"] != "pass"][["case", "version", "model", "sample", "status", "reason"]]

    # -- comparing --------------------------------------------------------------------------------
    def compare(self, a: str, b: str, *, model: str | None = None, metric: str = "pass") -> Comparison:
        """Version `a` against version `b` on the same cases (and model).

        With one sample per case and metric "pass", the exact McNemar test on the cases only one of them
        passes. Otherwise (repeat > 1, or metric "score") each case gives a pass rate or mean score per
        version: a paired permutation test over cases and a paired bootstrap interval of the difference.
        """
        for label in (a, b):
            if label not in self.versions:
                raise KeyError(f"no version {label!r}; versions: {', '.join(self.versions)}")
        if metric not in ("pass", "score"):
            raise ValueError(f"metric must be 'pass' or 'score', not {metric!r}")
        axis = model or self.model_axes[0]
        a_values, b_values, excluded = [], [], 0
        for case in self.cases:
            sa = self.select(case=case, version=a, model=axis)
            sb = self.select(case=case, version=b, model=axis)
            if not sa or not sb or any(s.status == "error" for s in sa + sb):
                excluded += 1
                continue
            a_values.append(_mean(sa, metric))
            b_values.append(_mean(sb, metric))
        n = len(a_values)
        samples = self.suite.repeat
        a_better = sum(x > y for x, y in zip(a_values, b_values, strict=True))
        b_better = sum(y > x for x, y in zip(a_values, b_values, strict=True))
        boot = paired_bootstrap(a_values, b_values)
        binary = metric == "pass" and samples == 1
        p = mcnemar_exact(a_better, b_better) if binary else boot.p_value
        return Comparison(
            a,
            b,
            axis,
            metric,
            n,
            samples,
            sum(a_values) / n if n else math.nan,
            sum(b_values) / n if n else math.nan,
            a_better,
            b_better,
            "exact McNemar" if binary else "paired permutation",
            p,
            boot.low,
            boot.high,
            excluded,
        )

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
        """What should fail a CI job: a version under the pass rate, errors, routing under its accuracy."""
        threshold = self.suite.min_pass_rate if min_pass_rate is None else min_pass_rate
        out = []
        for _, row in self.summary().iterrows():
            where = f"{row['version']}" + (f" · {row['model_axis']}" if len(self.model_axes) > 1 else "")
            if row["errors"]:
                out.append(f"{where}: {_plural(int(row['errors']), 'sample')} could not be judged (errors)")
            if threshold is not None and not (row["pass_rate"] >= threshold):
                out.append(f"{where}: pass rate {row['pass_rate']:.0%} is below the minimum {threshold:.0%}")
        if self.stopped:
            out.append("the evaluation was stopped before every sample was answered")
        if self.routing is not None:
            minimum = (
                self.routing.suite.min_accuracy if min_routing_accuracy is None else min_routing_accuracy
            )
            if minimum is not None:
                for _, row in self.routing.accuracy().iterrows():
                    if not (row["accuracy"] >= minimum):
                        out.append(
                            f"routing {row['set']} · {row['router']}: accuracy {row['accuracy']:.0%} "
                            f"is below the minimum {minimum:.0%}"
                        )
        return out

    def to_json(
        self, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
    ) -> dict[str, Any]:
        """{"results": [one object per row], "summary": {...}}: what `agentkit eval --format json` prints."""
        problems = self.problems(min_pass_rate, min_routing_accuracy)
        summary: dict[str, Any] = {
            "suite": str(self.suite.path) if self.suite.path else None,
            "versions": _records(self.summary()),
            "comparisons": [c.to_dict() for c in self.comparisons()] if len(self.versions) > 1 else [],
            "sources": self.sources,
            "source_note": self.source_note(),
            "min_pass_rate": self.suite.min_pass_rate if min_pass_rate is None else min_pass_rate,
            "problems": problems,
            "ok": not problems,
        }
        if self.routing is not None:
            summary["routing"] = {
                "accuracy": _records(self.routing.accuracy()),
                "lost": [
                    {"set": s, "router": r, **row}
                    for s, _ in self.routing.suite.sets
                    for r in self.routing.suite.routers
                    for row in _records(self.routing.lost(r, s))
                ],
                "requests": _records(self.routing.to_frame()),
            }
        return {"results": [s.to_dict() for s in self.samples], "summary": summary}

    def to_junit(self) -> str:
        """JUnit XML: a testsuite per version and model, a testcase per case and sample."""
        import xml.etree.ElementTree as ET

        root = ET.Element("testsuites", name=f"agentkit eval {self.suite.path or ''}".strip())
        totals = {"tests": 0, "failures": 0, "errors": 0}
        for version in self.versions:
            for axis in self.model_axes:
                samples = self.select(version=version, model=axis)
                name = version if len(self.model_axes) == 1 else f"{version} · {axis}"
                counts = {
                    "tests": len(samples),
                    "failures": sum(s.status == "fail" for s in samples),
                    "errors": sum(s.status == "error" for s in samples),
                }
                suite = ET.SubElement(
                    root,
                    "testsuite",
                    name=name,
                    time=f"{sum(s.latency_s or 0 for s in samples):.3f}",
                    **{k: str(v) for k, v in counts.items()},
                )
                for key, value in counts.items():
                    totals[key] += value
                for s in samples:
                    sample = f" [sample {s.sample + 1}]" if self.suite.repeat > 1 else ""
                    case = ET.SubElement(
                        suite,
                        "testcase",
                        classname=version,
                        name=f"{s.case}{sample}",
                        time=f"{s.latency_s or 0:.3f}",
                    )
                    if s.status != "pass":
                        tag = "failure" if s.status == "fail" else "error"
                        element = ET.SubElement(case, tag, message=s.reason[:500])
                        element.text = s.reason + "\n\nanswer:\n" + s.answer
                    if s.source != "anthropic":
                        ET.SubElement(case, "system-out").text = f"answer from: {s.source}"
        if self.routing is not None:
            for label, _ in self.routing.suite.sets:
                for router in self.routing.suite.routers:
                    rows = [r for r in self.routing.rows if r.set == label and r.router == router]
                    wrong = sum(not r.correct for r in rows)
                    suite = ET.SubElement(
                        root, "testsuite", name=f"routing · {label} · {router}", tests=str(len(rows)),
                        failures=str(wrong), errors="0",
                    )  # fmt: skip
                    totals["tests"] += len(rows)
                    totals["failures"] += wrong
                    for r in rows:
                        case = ET.SubElement(suite, "testcase", classname=f"routing.{router}", name=r.request)
                        if not r.correct:
                            message = f"expected {r.expected}, {router} router picked {r.picked}"
                            ET.SubElement(case, "failure", message=message).text = r.answer
        for key, value in totals.items():
            root.set(key, str(value))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"

    def report(self, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None) -> str:
        """The text `agentkit eval` prints: summary, failures, comparisons, routing, verdict."""
        lines = []
        if self.suite.description:
            lines.append(self.suite.description)
        note = self.source_note()
        if note:
            lines.append(f"NOTE: {note}")
        if self.samples:
            table = self.summary()
            shown = table.assign(
                pass_rate=[f"{p:.0%}" if p == p else "-" for p in table["pass_rate"]],
                ci95=[
                    f"{lo:.0%}-{hi:.0%}" if lo == lo else "-"
                    for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
                ],
                cost_usd=[f"{c:.4f}" if c == c else "?" for c in table["cost_usd"]],
            )
            columns = [
                "version",
                "model",
                "passed",
                "failed",
                "errors",
                "pass_rate",
                "ci95",
                "flaky",
                "cost_usd",
            ]
            lines += [
                "",
                shown[columns].to_string(index=False),
                "",
                "Cases (passed/samples):",
                self.matrix_text(),
            ]
            failed = [s for s in self.samples if s.status != "pass"]
            if failed:
                lines += ["", "Not passing:"]
                for s in failed[:30]:
                    sample = f" sample {s.sample + 1}" if self.suite.repeat > 1 else ""
                    lines.append(f"  {s.case} x {s.version}{sample}: {s.status}: {s.reason}")
                if len(failed) > 30:
                    lines.append(f"  ... and {len(failed) - 30} more (--format json has them all)")
            if len(self.versions) > 1:
                lines += ["", "Compared with " + self.versions[0] + ":"]
                lines += [f"  {c.sentence}" for c in self.comparisons()]
        if self.routing is not None:
            lines += ["", "Routing:", self.routing.text()]
        problems = self.problems(min_pass_rate, min_routing_accuracy)
        lines += [""] + ([f"FAILED: {p}" for p in problems] or ["OK"])
        return "\n".join(lines).strip("\n") + "\n"

    def _repr_html_(self) -> str:
        note = self.source_note()
        banner = f"<p style='color:#a15c00'><b>{html.escape(note)}</b></p>" if note else ""
        return banner + self.summary().to_html(index=False, float_format=lambda x: f"{x:.3g}")

    def __repr__(self) -> str:
        return (
            f"<EvalResults {len(self.versions)} versions x {len(self.model_axes)} model(s) x {len(self.cases)} cases: "
            f"{sum(s.passed for s in self.samples)}/{len(self.samples)} samples pass"
            + (f"; routing {len(self.routing.rows)} decisions" if self.routing else "")
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


def _records(frame: Any) -> list[dict[str, Any]]:
    """Rows as JSON-friendly dicts: NaN becomes null."""
    out = []
    for row in frame.to_dict(orient="records"):
        out.append(
            {k: (None if isinstance(v, float) and math.isnan(v) else _plain(v)) for k, v in row.items()}
        )
    return out


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
