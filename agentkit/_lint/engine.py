"""The lint engine: run the rule catalogue over agents, and write findings as a table, text, JSON or SARIF."""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from json.encoder import encode_basestring
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentkit._errors import UnknownRuleError
from agentkit._lint.rules import RULES, SEVERITIES, Hit, Member, Rule, View
from agentkit._lint.rules.base import member_lines
from agentkit._progress import gc_paused, progress
from agentkit._reader.agent import Agent
from agentkit._reader.claude_code import CLAUDE_CODE_MODEL_VERSION
from agentkit._reader.jsonable import escape_surrogates
from agentkit._version import __version__

if TYPE_CHECKING:
    import pandas as pd

    from agentkit._reader.scan import Survey

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
    checker = FileChecker(rules)
    with gc_paused():
        hits = [checker.hits(View(agent)) for agent in progress(items, desc="lint")]
        return assemble(rules, [Member.of(agent, index) for index, agent in enumerate(items)], hits)


# What `agentkit lint`'s cache keeps of one file (see `file_results`): loaded, the `name` when it is text, the
# length of the description when it is text, the lines of `name` and `description`, the file-level hits.
FileResult = tuple[bool, str | None, int | None, tuple[int, int], list["FileHit"]]


def file_results(survey: Survey, rules: Sequence[Rule]) -> list[tuple[Path, FileResult]]:
    """What lint finds in each file of `survey` (agentkit._reader.scan.Survey: the files `load(*paths)`
    reads, looked up in `agentkit lint`'s cache) by itself: the findings of the file-level `rules`, and what
    the set-level rules and name clashes read of it (`Member`). Files the cache vouches for are not read.
    `set_findings` then gives `findings(load(*paths), rules)`."""
    from agentkit._cache import MISS, file_digest

    checker = FileChecker(rules)

    def summarize(agent: Agent) -> FileResult:
        view = View(agent)
        hits = checker.hits(view)
        name = agent.name if isinstance(agent.name, str) else None
        description = agent.description
        lines = member_lines(view) if agent.loaded else (1, 1)  # set-level rules read only loaded files
        chars = len(description) if isinstance(description, str) else None
        return agent.loaded, name, chars, lines, hits

    return survey.summaries(summarize, miss=MISS, digest=file_digest, desc="lint")


def set_findings(rules: Sequence[Rule], found: list[tuple[Path, FileResult]]) -> list[Finding]:
    """Every finding of the files whose `file_results` are `found`, as `findings` gives them for the set."""
    from agentkit._reader.scan import path_order, winners

    with gc_paused():
        # As load() marks them: a loaded file whose name (under load(), its `name`) another file wins.
        won = winners(
            [result[1] if result[0] and result[1] else None for _, result in found],
            lambda index: (0, path_order(found[index][0])),
        )
        members = [
            Member(
                index,
                path,
                loaded,
                name,
                chars,
                shadowed_by=None if (winner := won[index]) is None else found[winner][0],
                lines=lines,
            )
            for index, (path, (loaded, name, chars, lines, _hits)) in enumerate(found)
        ]
        return assemble(rules, members, [result[4] for _, result in found])


# One finding of a file-level rule as the engine keeps it before it becomes a Finding: line, column, rule ID,
# message, fixable. Plain values, so that `agentkit lint`'s cache can keep them.
FileHit = tuple[int, int | None, str, str, bool]


class FileChecker:
    """Runs the selected file-level rules on one file at a time."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = [r for r in rules if r.scope == "file"]
        # The rules worth running for a file depend only on which keys it has (a rule's `keys`), and few key
        # sets recur across a collection: each is planned once. Most files skip half the catalogue.
        self._plans: dict[tuple[str, ...], list[Rule]] = {}

    def hits(self, view: View) -> list[FileHit]:
        """The file's findings, sorted by line, then rule."""
        fields = view.fields
        present = tuple(fields)
        plan = self._plans.get(present)
        if plan is None:
            plan = [r for r in self.rules if not r.keys or any(k in fields for k in r.keys)]
            if len(self._plans) < _MAX_PLANS:
                self._plans[present] = plan
        out: list[FileHit] = []
        for r in plan:
            for hit in r.check(view):
                out.append((max(1, hit.line), hit.column, r.id, hit.message, _fixable(r, hit)))
        if len(out) > 1:
            out.sort(key=_LINE_AND_RULE)
        return out


def assemble(
    rules: Sequence[Rule], members: list[Member], hits: Sequence[Sequence[FileHit]]
) -> list[Finding]:
    """The findings of a set: each file's `hits` (from `FileChecker`) with those the set-level rules find
    among the `members`, put with their file's and sorted with them (line, then rule; set-level first
    among equals)."""
    extra: dict[int, list[FileHit]] = {}
    for r in rules:
        if r.scope == "set":
            for hit in r.check(members):
                target = hit.agent or members[0]
                extra.setdefault(target.index, []).append(
                    (max(1, hit.line), hit.column, r.id, hit.message, _fixable(r, hit))
                )
    out: list[Finding] = []
    append = out.append
    for member, file_hits in zip(members, hits, strict=True):
        more = extra.get(member.index)
        if more:
            file_hits = sorted([*more, *file_hits], key=_LINE_AND_RULE)
        if not file_hits:
            continue
        path, name = str(member.path), member.name
        for line, column, rule_id, message, fixable in file_hits:
            r = RULES[rule_id]
            append(Finding(path, line, column, rule_id, r.name, r.severity, message, fixable, name))
    return out


_LINE_AND_RULE = itemgetter(0, 2)
_MAX_PLANS = 10_000  # distinct key sets remembered; beyond that (a generated set) plans are not kept


def _fixable(r: Rule, hit: Hit) -> bool:
    return r.fixable if hit.fixable is None else bool(hit.fixable and r.fixable)


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
    out: list[dict[str, Any]] = []
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
    """The findings as a JSON list of objects: the text `json.dumps([asdict(f) for f in items], indent=2,
    ensure_ascii=False)` writes."""
    return to_json_bytes(items).decode("utf-8")


def to_json_bytes(items: Sequence[Finding]) -> bytes:
    """`to_json` as UTF-8, written directly (a tenth of json.dumps's time, for hundreds of thousands of
    findings) and piece by piece: one character outside the BMP would make a single text of it four bytes
    a character."""
    if not items:
        return b"[]\n"
    string = encode_basestring  # a str as JSON, as json.dumps writes it (its C encoder)
    middles: dict[str, str] = {}
    pieces: list[bytes] = []
    append = pieces.append
    last_path: str | None = None
    last_agent: object = pieces  # nothing a finding holds
    path_json = agent_json = ""
    for f in items:
        if f.path != last_path:
            last_path, path_json = f.path, string(f.path)
        if f.agent != last_agent:
            last_agent = f.agent
            agent_json = "null" if f.agent is None else string(f.agent)
        middle = middles.get(f.rule)
        if middle is None:
            middle = middles[f.rule] = (
                f',\n    "rule": {string(f.rule)},\n    "name": {string(f.name)},\n'
                f'    "severity": {string(f.severity)},\n    "message": '
            )
        text = (
            f'  {{\n    "path": {path_json},\n    "line": {int.__repr__(f.line)},\n    "column": '
            f"{'null' if f.column is None else int.__repr__(f.column)}{middle}{string(f.message)},\n"
            f'    "fixable": {"true" if f.fixable else "false"},\n    "agent": {agent_json}\n  }}'
        )
        append(escape_surrogates(text).encode("utf-8"))
    return b"[\n" + b",\n".join(pieces) + b"\n]\n"


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
