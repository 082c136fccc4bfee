"""The lint engine: run the rule catalogue over agents, and write findings as a table, text, JSON or SARIF."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentkit._errors import UnknownRuleError
from agentkit._lint.rules import RULES, SEVERITIES, Rule, View
from agentkit._progress import gc_paused, progress
from agentkit._reader.agent import Agent
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit._reader.jsonable import escape_surrogates
from agentkit._version import __version__

if TYPE_CHECKING:
    import pandas as pd

# The package's home (SARIF informationUri). The rule documentation travels inside the SARIF file as
# `help.text` (the same text as docs/rules.md), since there is no published documentation site to link to.
PROJECT_URL = "https://pypi.org/project/claude-agentkit/"
COLUMNS = ["path", "line", "column", "rule", "name", "severity", "message", "fixable", "agent"]


@dataclass(frozen=True, slots=True)
class Finding:
    path: str
    line: int
    column: int | None
    rule: str  # the rule ID, e.g. AK301
    name: str  # the rule's short name, e.g. fallback-only-yaml
    severity: str  # error | warning | info
    message: str
    fixable: bool
    agent: str | None  # the agent's name, when it has one


def _tokens(spec: str | Iterable[str] | None) -> list[str]:
    if spec is None:
        return []
    items = [spec] if isinstance(spec, str) else list(spec)
    return [t.strip() for item in items for t in item.split(",") if t.strip()]


def _match(token: str) -> list[Rule]:
    """A rule ID (AK301), an ID prefix (AK3), a rule name or a name prefix (invalid-)."""
    upper = token.upper()
    found = [r for r in RULES.values() if r.id.startswith(upper)] if upper.startswith("AK") else []
    if not found:
        found = [r for r in RULES.values() if r.name == token.lower()] or [
            r for r in RULES.values() if r.name.startswith(token.lower())
        ]
    return found


def resolve_rules(
    select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
) -> list[Rule]:
    """The rules to run. Raises UnknownRuleError for a token that names no rule."""
    chosen: dict[str, Rule] = {}
    select_tokens, ignore_tokens = _tokens(select), _tokens(ignore)
    for token in select_tokens + ignore_tokens:
        if not _match(token):
            raise UnknownRuleError(f"unknown rule {token!r} (see docs/rules.md; IDs look like AK301)")
    if select_tokens:
        for token in select_tokens:
            chosen.update((r.id, r) for r in _match(token))
    else:
        chosen = dict(RULES)
    for token in ignore_tokens:
        for r in _match(token):
            chosen.pop(r.id, None)
    return [r for r in RULES.values() if r.id in chosen]


def _as_list(agents: Iterable[Agent] | Agent) -> list[Agent]:
    if isinstance(agents, Agent):
        return [agents]
    if isinstance(agents, str | bytes | Path):  # a path: lint() takes records
        raise TypeError(f"lint() takes agents, not a path: agentkit.lint(agentkit.load({str(agents)!r}))")
    items = list(agents)
    for item in items:
        if not isinstance(item, Agent):
            raise TypeError(f"lint() takes agents (from agentkit.load), not {type(item).__name__}")
    return items


def findings(
    agents: Iterable[Agent] | Agent,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> list[Finding]:
    """Every finding, in file order, then line, then rule."""
    rules = resolve_rules(select, ignore)
    items = _as_list(agents)
    order = {id(a): i for i, a in enumerate(items)}
    out: list[Finding] = []
    file_rules = [r for r in rules if r.scope == "file"]
    # The rules worth running for a file depend only on which keys it has (a rule's `keys`), and few key
    # sets recur across a collection: each is planned once. Most files skip half the catalogue.
    plans: dict[tuple[str, ...], list[Rule]] = {}
    with gc_paused():
        # Set rules first, their findings put with their file's: each file's findings are then sorted
        # alone (line, then rule), which is the order a sort of all of them would give, at less cost.
        by_file: dict[int, list[tuple[int, str, Finding]]] = {}
        for r in rules:
            if r.scope == "set":
                for hit in r.check(items):
                    target = hit.agent or items[0]
                    found = _finding(r, target, hit)
                    by_file.setdefault(order.get(id(target), 0), []).append((found.line, r.id, found))
        for position, agent in enumerate(progress(items, desc="lint")):
            hits = by_file.get(position) or []
            view = View(agent)
            fields = view.fields
            present = tuple(fields)
            plan = plans.get(present)
            if plan is None:
                plan = [r for r in file_rules if not r.keys or any(k in fields for k in r.keys)]
                if len(plans) < _MAX_PLANS:
                    plans[present] = plan
            for r in plan:
                for hit in r.check(view):
                    found = _finding(r, agent, hit)
                    hits.append((found.line, r.id, found))
            if len(hits) > 1:
                hits.sort(key=_LINE_AND_RULE)
            out.extend(entry[2] for entry in hits)
    return out


_LINE_AND_RULE = itemgetter(0, 1)
_MAX_PLANS = 10_000  # distinct key sets remembered; beyond that (a generated set) plans are not kept


def _finding(r: Rule, agent: Agent, hit: Any) -> Finding:
    name = agent.name if isinstance(agent.name, str) else None
    fixable = r.fixable if hit.fixable is None else bool(hit.fixable and r.fixable)
    return Finding(
        str(agent.path), max(1, hit.line), hit.column, r.id, r.name, r.severity, hit.message, fixable, name
    )


def lint(
    agents: Iterable[Agent] | Agent,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
) -> pd.DataFrame:
    """Findings as a DataFrame: path, line, column, rule, name (the rule's), severity, message, fixable,
    agent.

    `select`/`ignore` take rule IDs, ID prefixes (`AK1`) or rule names, as a list or comma-separated.
    """
    import pandas as pd

    # Plain tuples: asdict() deep-copies every field, a third of lint()'s time on large sets.
    row = attrgetter(*COLUMNS)
    items = findings(agents, select, ignore)
    with gc_paused():
        frame = pd.DataFrame([row(f) for f in items], columns=COLUMNS)
        frame["line"] = frame["line"].astype("int64")
        frame["column"] = frame["column"].astype("Int64")
        frame["fixable"] = frame["fixable"].astype(bool)
    return frame


# -- output formats ---------------------------------------------------------------------------------


def counts(items: Sequence[Finding]) -> dict[str, int]:
    return {s: sum(f.severity == s for f in items) for s in SEVERITIES}


def summary_line(items: Sequence[Finding], files: int) -> str:
    c = counts(items)

    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    return ", ".join(count(c[k], k) for k in ("error", "warning", "info")) + f" in {count(files, 'file')}"


_COLORS = {"error": "\033[31m", "warning": "\033[33m", "info": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def to_text(items: Sequence[Finding], files: int, *, color: bool = False) -> str:
    """Findings grouped by file, then a summary line."""

    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if color else text

    out: list[str] = []
    current = None
    for f in items:
        if f.path != current:
            if current is not None:
                out.append("")
            out.append(paint(f.path, _BOLD))
            current = f.path
        where = f"{f.line}:{f.column}" if f.column else f"{f.line}"
        kind = fix_kind(f)
        fix = paint(f" [{_FIX_MARK[kind]}]", _DIM) if kind else ""
        out.append(
            f"  {where:>7}  {paint(f'{f.severity:<7}', _COLORS[f.severity])}  {f.rule}  {f.message}"
            f"  {paint(f'({f.name})', _DIM)}{fix}"
        )
    if out:
        out.append("")
    out.append(summary_line(items, files))
    fixes = fixes_line(items)
    if fixes:
        out.append(fixes)
    return "\n".join(out) + "\n"


# How a finding is marked: `--fix` applies the safe fixes; the unsafe ones (they change what Claude Code
# reads) only with `--unsafe-fixes` as well, so they are not called "fixable" (ruff marks them apart too).
_FIX_MARK = {"safe": "fixable", "unsafe": "unsafe fix"}


def fix_kind(f: Finding) -> str | None:
    """How `f` can be repaired: "safe" (by `--fix`), "unsafe" (only with `--unsafe-fixes`), or None."""
    if not f.fixable:
        return None
    rule = RULES.get(f.rule)
    return "unsafe" if rule is not None and rule.fix is not None and rule.fix.unsafe else "safe"


def fixes_line(items: Sequence[Finding]) -> str | None:
    """What `--fix` would repair, and what more `--unsafe-fixes` would; None when nothing is fixable."""
    kinds = [fix_kind(f) for f in items]
    safe, unsafe = kinds.count("safe"), kinds.count("unsafe")
    if not safe and not unsafe:
        return None
    parts = [f"{safe} fixable with --fix"] if safe else []
    if unsafe:
        parts.append(
            f"{unsafe} {'more ' if safe else ''}with --fix --unsafe-fixes (they change what Claude Code reads)"
        )
    return "; ".join(parts)


def statistics(items: Sequence[Finding]) -> list[dict[str, Any]]:
    """One entry per rule found (ruff's and flake8's `--statistics`): rule, name, severity, count, how many
    of them can be fixed (`fixable`) and how (`fix`: "safe", "unsafe" or None); most frequent first."""
    counted: dict[str, list[int]] = {}
    for f in items:
        entry = counted.setdefault(f.rule, [0, 0])
        entry[0] += 1
        entry[1] += f.fixable
    out = []
    for rule_id, (count, fixable) in counted.items():
        rule = RULES[rule_id]
        kind = None if rule.fix is None else "unsafe" if rule.fix.unsafe else "safe"
        out.append(
            {
                "rule": rule_id,
                "name": rule.name,
                "severity": rule.severity,
                "count": count,
                "fixable": fixable,
                "fix": kind if fixable else None,
            }
        )
    out.sort(key=lambda entry: (-entry["count"], entry["rule"]))
    return out


def statistics_text(stats: Sequence[dict[str, Any]]) -> str:
    """The statistics as aligned columns: count, rule, name, severity, and the fix when there is one."""
    if not stats:
        return ""
    count_width = max(len(f"{s['count']:,}") for s in stats)
    name_width = max(len(s["name"]) for s in stats)
    lines = []
    for s in stats:
        fix = ""
        if s["fix"]:
            partly = f", {s['fixable']:,} of {s['count']:,}" if s["fixable"] < s["count"] else ""
            fix = f"[{_FIX_MARK[s['fix']]}{partly}]"
        line = (
            f"{s['count']:>{count_width},}  {s['rule']}  {s['name']:<{name_width}}  {s['severity']:<7}  {fix}"
        )
        lines.append(line.rstrip())
    return "\n".join(lines) + "\n"


def to_json(items: Sequence[Finding]) -> str:
    return escape_surrogates(json.dumps([asdict(f) for f in items], indent=2, ensure_ascii=False)) + "\n"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def _relative_uri(path: str, base: Path) -> str:
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(base).as_posix()
    except ValueError:
        return Path(os.path.relpath(absolute, base)).as_posix()


def to_sarif(
    items: Sequence[Finding], rules: Sequence[Rule] | None = None, base: Path | None = None
) -> dict[str, Any]:
    """SARIF 2.1.0 as GitHub code scanning accepts it; URIs relative to `base` (default: the working
    folder)."""
    base = Path(os.path.abspath(base or Path.cwd()))
    rules = list(rules if rules is not None else RULES.values())
    index = {r.id: i for i, r in enumerate(rules)}
    driver = {
        "name": "agentkit",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": PROJECT_URL,
        "rules": [
            {
                "id": r.id,
                "name": r.name,
                "shortDescription": {"text": r.summary},
                "fullDescription": {"text": r.doc},
                "help": {"text": r.doc},
                "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
                "properties": {"category": r.category, "fixable": r.fixable},
            }
            for r in rules
        ],
    }
    results = []
    for f in items:
        region: dict[str, int] = {"startLine": max(1, f.line)}
        if f.column:
            region["startColumn"] = f.column
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _relative_uri(f.path, base), "uriBaseId": "%SRCROOT%"},
                        "region": region,
                    }
                }
            ],
        }
        if f.rule in index:
            result["ruleIndex"] = index[f.rule]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": {"%SRCROOT%": {"uri": base.as_uri() + "/"}},
                "results": results,
                "properties": {"claudeCodeVersion": CLAUDE_CODE_MODEL_VERSION},
            }
        ],
    }
