"""What `agentkit eval` prints and gates on: the text report, JSON, JUnit XML, and the problems list.

Gate by default: a run passes when every case passes. A minimum pass rate (`--min-pass-rate`, or the
suite's `min_pass_rate`) says how much failure is acceptable instead. Samples that could not be judged
(errors) and a stopped run always fail the gate; a suite that cannot run at all is a SuiteError (exit 2).
The functions here take an EvalResults (`results`) and read it; none of them changes it.
"""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from collections import Counter
from typing import Any

from agentkit.evals._compare import plural

MAX_FAILURE_LINES = 30


def _where(results: Any, version: str, axis: str) -> str:
    return version + (f" · {axis}" if len(results.model_axes) > 1 else "")


def problems(
    results: Any, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
) -> list[str]:
    threshold = results.suite.min_pass_rate if min_pass_rate is None else min_pass_rate
    out = []
    for version in results.versions:
        for axis in results.model_axes:
            samples = results.select(version=version, model=axis)
            where = _where(results, version, axis)
            errors = [s for s in samples if s.status == "error"]
            judged = [s for s in samples if s.status != "error"]
            if errors:
                out.append(f"{where}: {plural(len(errors), 'sample')} could not be judged (errors)")
            if not judged:
                continue
            if threshold is None:
                failing = sorted({s.case for s in judged if s.status == "fail"}, key=results.cases.index)
                if failing:
                    shown = ", ".join(failing[:5]) + (
                        f" and {len(failing) - 5} more" if len(failing) > 5 else ""
                    )
                    cases = len({s.case for s in judged})
                    out.append(
                        f"{where}: {len(failing)} of {plural(cases, 'case')} fail ({shown}); "
                        "every case must pass unless a minimum pass rate allows some failure"
                    )
            else:
                rate = next(
                    r["pass_rate"]
                    for _, r in results.summary().iterrows()
                    if r["version"] == version and r["model_axis"] == axis
                )
                if not rate >= threshold:
                    out.append(f"{where}: pass rate {rate:.0%} is below the minimum {threshold:.0%}")
    if results.stopped:
        out.append("the evaluation was stopped before every sample was answered")
    if results.routing is not None:
        minimum = results.routing.suite.min_accuracy if min_routing_accuracy is None else min_routing_accuracy
        if minimum is not None:
            for _, row in results.routing.accuracy().iterrows():
                if not (row["accuracy"] >= minimum):
                    out.append(
                        f"routing {row['set']} · {row['router']}: accuracy {row['accuracy']:.0%} "
                        f"is below the minimum {minimum:.0%}"
                    )
    return out


def records(frame: Any) -> list[dict[str, Any]]:
    """Rows as JSON-friendly dicts: NaN becomes null, numpy scalars plain values."""
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


def to_json(
    results: Any, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
) -> dict[str, Any]:
    found = problems(results, min_pass_rate, min_routing_accuracy)
    versions = records(results.summary())
    for row in versions:  # named metrics as one mapping per version
        row["metrics"] = {k.removeprefix("metric:"): row.pop(k) for k in list(row) if k.startswith("metric:")}
    summary: dict[str, Any] = {
        "run_id": results.run_id,
        "suite": str(results.suite.path) if results.suite.path else None,
        "description": results.suite.description,
        "versions": versions,
        "metrics": results.metric_names(),
        "comparisons": [c.to_dict() for c in results.comparisons()] if len(results.versions) > 1 else [],
        "sources": results.sources,
        "source_note": results.source_note(),
        "min_pass_rate": results.suite.min_pass_rate if min_pass_rate is None else min_pass_rate,
        "stopped": results.stopped,
        "problems": found,
        "ok": not found,
    }
    if results.routing is not None:
        routing = results.routing
        summary["routing"] = {
            "accuracy": records(routing.accuracy()),
            "lost": [
                {"set": s, "router": r, **row}
                for s, _ in routing.suite.sets
                for r in routing.suite.routers
                for row in records(routing.lost(r, s))
            ],
            "requests": records(routing.to_frame()),
        }
    return {"results": [s.to_dict() for s in results.samples], "summary": summary}


def to_junit(results: Any) -> str:
    root = ET.Element("testsuites", name=f"agentkit eval {results.suite.path or ''}".strip())
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for version in results.versions:
        for axis in results.model_axes:
            samples = results.select(version=version, model=axis)
            counts = {
                "tests": len(samples),
                "failures": sum(s.status == "fail" for s in samples),
                "errors": sum(s.status == "error" for s in samples),
            }
            attributes = {
                "name": _where(results, version, axis),
                "time": f"{sum(s.latency_s or 0 for s in samples):.3f}",
                **{k: str(v) for k, v in counts.items()},
            }
            suite = ET.SubElement(root, "testsuite", attributes)
            for key, value in counts.items():
                totals[key] += value
            for s in samples:
                sample = f" [sample {s.sample + 1}]" if results.suite.repeat > 1 else ""
                case = ET.SubElement(
                    suite,
                    "testcase",
                    classname=version,
                    name=f"{s.case}{sample}",
                    time=f"{s.latency_s or 0:.3f}",
                )
                if s.description:
                    ET.SubElement(
                        ET.SubElement(case, "properties"), "property", name="description", value=s.description
                    )
                if s.status != "pass":
                    tag = "failure" if s.status == "fail" else "error"
                    element = ET.SubElement(case, tag, message=s.reason[:500])
                    element.text = s.reason + "\n\nanswer:\n" + s.answer
                if s.source != "anthropic":
                    ET.SubElement(case, "system-out").text = f"answer from: {s.source}"
    if results.routing is not None:
        for label, _ in results.routing.suite.sets:
            for router in results.routing.suite.routers:
                rows = [r for r in results.routing.rows if r.set == label and r.router == router]
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


def failure_lines(results: Any) -> list[str]:
    """One line per case x version (x model) that did not pass every sample, with the sample counts and
    each distinct reason once."""
    lines = []
    several = len(results.model_axes) > 1
    for case in results.cases:
        for version in results.versions:
            for axis in results.model_axes:
                samples = results.select(case=case, version=version, model=axis)
                bad = [s for s in samples if s.status != "pass"]
                if not bad:
                    continue
                statuses = Counter(s.status for s in bad)
                counts = ", ".join(
                    f"{n} {status}" for status, n in sorted(statuses.items(), key=lambda x: x[0] != "fail")
                )
                of = (
                    f" ({counts} of {plural(len(samples), 'sample')})"
                    if results.suite.repeat > 1
                    else f" ({counts})"
                )
                reasons = list(dict.fromkeys(s.reason for s in bad))
                shown = reasons[0] + (
                    f" (and {plural(len(reasons) - 1, 'other reason')})" if len(reasons) > 1 else ""
                )
                description = results.description_of(case)
                name = case + (f" [{description}]" if description else "")
                lines.append(f"  {name} x {version}{f' · {axis}' if several else ''}{of}: {shown}")
    return lines


def report(
    results: Any, min_pass_rate: float | None = None, min_routing_accuracy: float | None = None
) -> str:
    lines = []
    if results.suite.description:
        lines.append(results.suite.description)
    note = results.source_note()
    if note:
        lines.append(f"NOTE: {note}")
    if results.samples:
        table = results.summary()
        shown = table.assign(
            pass_rate=[f"{p:.0%}" if p == p else "-" for p in table["pass_rate"]],
            ci95=[
                f"{lo:.0%}-{hi:.0%}" if lo == lo else "-"
                for lo, hi in zip(table["ci_low"], table["ci_high"], strict=True)
            ],
            cost_usd=[f"{c:.4f}" if c == c else "?" for c in table["cost_usd"]],
        )
        columns = ["version", "model", "passed", "failed", "errors", "pass_rate", "ci95", "flaky", "cost_usd"]
        metric_columns = [c for c in table.columns if c.startswith("metric:")]
        for column in metric_columns:
            shown[column] = [f"{v:.2f}" if v == v else "-" for v in table[column]]
        lines += ["", shown[columns + metric_columns].to_string(index=False), "", "Cases (passed/samples):"]
        lines.append(results.matrix_text())
        failed = failure_lines(results)
        if failed:
            lines += ["", "Not passing:"]
            lines += failed[:MAX_FAILURE_LINES]
            if len(failed) > MAX_FAILURE_LINES:
                lines.append(f"  ... and {len(failed) - MAX_FAILURE_LINES} more (--format json has them all)")
        if len(results.versions) > 1:
            lines += ["", "Compared with " + results.versions[0] + ":"]
            lines += [f"  {c.sentence}" for c in results.comparisons()]
    if results.routing is not None:
        lines += ["", "Routing:", results.routing.text()]
    found = problems(results, min_pass_rate, min_routing_accuracy)
    lines.append("")
    if results.run_id:
        lines.append(
            f"Run {results.run_id} (agentkit eval runs lists runs; agentkit eval diff RUN_A RUN_B compares two)"
        )
    lines += [f"FAILED: {p}" for p in found] or ["OK"]
    return "\n".join(lines).strip("\n") + "\n"


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, default=str)
