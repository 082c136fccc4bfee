"""The computations behind `agentkit.widgets`, as plain functions that need no browser (and no ipywidgets).

Rows and filters for the Explorer, form values and front matter changes for the Editor, HTML snippets
(tables, diffs, findings, Markdown) for every widget. The widgets only wire these to controls.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentkit.reader import split_tools

if TYPE_CHECKING:
    from agentkit import Agent, Finding

ALL = "(all)"
UNSET = "(not set)"
# Keys the Editor has a dedicated control for; every other key goes to the key/value area.
FORM_KEYS = ("name", "description", "tools", "model", "color", "permissionMode")
SEVERITY_COLORS = {"error": "#c62828", "warning": "#b26a00", "info": "#1565c0"}


# -- paths -----------------------------------------------------------------------------------------


def common_root(paths: Iterable[Path]) -> Path | None:
    """The deepest folder holding every path (None for no paths)."""
    folders = [str(Path(p).parent) for p in paths]
    if not folders:
        return None
    try:
        return Path(os.path.commonpath(folders))
    except ValueError:  # mixed absolute and relative paths, or several drives
        return None


def short_path(path: Path | str, root: Path | None) -> str:
    """`path` relative to `root` with forward slashes: what widgets show and notebooks print."""
    path = Path(path)
    if root is not None:
        try:
            return path.relative_to(root).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def unique_labels(agents: Sequence[Agent], root: Path | None = None) -> dict[str, Agent]:
    """{label: agent}: the agent's name, with its file added when two agents share the name."""
    names = [a.qualified_name or (a.name if isinstance(a.name, str) else a.path.stem) for a in agents]
    return {
        (name if names.count(name) == 1 else f"{name} ({short_path(a.path, root)})"): a
        for name, a in zip(names, agents, strict=True)
    }


# -- Explorer rows ---------------------------------------------------------------------------------


def tools_text(tools: list[str] | None) -> str:
    if tools is None:
        return "(all)"
    return ", ".join(tools) if tools else "(none)"


def status_of(agent: Agent) -> str:
    if not agent.loaded:
        return "dropped"
    return "shadowed" if agent.shadowed_by is not None else "loaded"


@dataclass(frozen=True, slots=True)
class AgentRow:
    """One line of the Explorer's table."""

    index: int  # position in the AgentSet
    file: str  # relative to the set's common folder
    name: str
    status: str  # loaded | shadowed | dropped
    reason: str  # why dropped or shadowed, else ""
    parse: str
    scope: str
    model: str
    tools: str
    description: str
    errors: int
    warnings: int
    infos: int
    search_text: str = field(repr=False, default="")

    @property
    def findings(self) -> int:
        return self.errors + self.warnings + self.infos


def count_findings(items: Iterable[Finding]) -> dict[str, dict[str, int]]:
    """{path: {"error": n, "warning": n, "info": n}}."""
    out: dict[str, dict[str, int]] = {}
    for f in items:
        counts = out.setdefault(f.path, {"error": 0, "warning": 0, "info": 0})
        counts[f.severity] = counts.get(f.severity, 0) + 1
    return out


def agent_rows(
    agents: Sequence[Agent], items: Iterable[Finding] = (), root: Path | None = None
) -> list[AgentRow]:
    counts = count_findings(items)
    if root is None:
        root = common_root(a.path for a in agents)
    rows = []
    for i, a in enumerate(agents):
        c = counts.get(str(a.path), {})
        name = a.qualified_name or (a.name if isinstance(a.name, str) else "")
        description = a.description if isinstance(a.description, str) else ""
        reason = a.reason or (f"shadowed by {short_path(a.shadowed_by, root)}" if a.shadowed_by else "")
        file = short_path(a.path, root)
        rows.append(
            AgentRow(
                index=i,
                file=file,
                name=name,
                status=status_of(a),
                reason=reason,
                parse=a.parse,
                scope=a.scope or "",
                model=a.model if isinstance(a.model, str) else ("" if a.model is None else str(a.model)),
                tools=tools_text(a.tools) if a.loaded else "",
                description=description,
                errors=c.get("error", 0),
                warnings=c.get("warning", 0),
                infos=c.get("info", 0),
                search_text=" ".join((file, name, description, a.prompt[:2000])).lower(),
            )
        )
    return rows


def filter_rows(
    rows: Iterable[AgentRow],
    text: str = "",
    status: str = ALL,
    parse: str = ALL,
    scope: str = ALL,
    model: str = ALL,
) -> list[AgentRow]:
    """Rows matching every filter; `text` matches file, name, description and prompt (all words, any case)."""
    words = text.lower().split()
    out = []
    for r in rows:
        if words and not all(w in r.search_text for w in words):
            continue
        if status != ALL and r.status != status:
            continue
        if parse != ALL and r.parse != parse:
            continue
        if scope != ALL and r.scope != scope:
            continue
        if model != ALL and r.model != model:
            continue
        out.append(r)
    return out


SORT_KEYS = ("file", "name", "status", "parse", "scope", "model", "findings", "errors", "warnings")


def sort_rows(rows: Iterable[AgentRow], key: str = "file", descending: bool = False) -> list[AgentRow]:
    if key not in SORT_KEYS:
        raise ValueError(f"cannot sort by {key!r}; choose one of {', '.join(SORT_KEYS)}")
    # Ties keep file order, so the table never jumps around.
    ordered = sorted(rows, key=lambda r: r.file)
    return sorted(ordered, key=lambda r: getattr(r, key), reverse=descending)


def choices(rows: Iterable[AgentRow], attribute: str) -> list[str]:
    """Filter options for one column: (all), then the values present."""
    return [ALL, *sorted({getattr(r, attribute) for r in rows})]


TABLE_COLUMNS = ("file", "name", "status", "parse", "scope", "model", "tools", "findings")


def rows_text(rows: Sequence[AgentRow]) -> str:
    """The table as fixed-width text (for notebooks and logs)."""
    header = ("file", "name", "status", "parse", "model", "E/W/I")
    lines = [
        (r.file, r.name or "-", r.status, r.parse, r.model or "-", f"{r.errors}/{r.warnings}/{r.infos}")
        for r in rows
    ]
    widths = [
        max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    out += ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip() for line in lines]
    return "\n".join(out)


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell of the Explorer's table (the widget shows it as a flat button: a click selects its row)."""

    text: str
    tooltip: str = ""
    color: str = ""  # text colour; "" keeps the theme's
    bold: bool = False


#: How the Explorer's columns share a row's width (CSS `flex`): short values get a fixed width, so a
#: word like "dropped" never breaks; the long ones share the rest and wrap (at hyphens and commas first).
COLUMN_FLEX = {
    "file": "3 1 0%",
    "name": "3 1 0%",
    "status": "0 0 72px",
    "parse": "0 0 68px",
    "scope": "0 0 64px",
    "model": "0 0 64px",
    "tools": "3 1 0%",
    "findings": "0 0 72px",
}
STATUS_COLORS = {"dropped": SEVERITY_COLORS["error"], "shadowed": SEVERITY_COLORS["warning"]}
#: The narrow columns grow to their longest cell up to this many characters (a longer model id wraps at
#: its hyphens), at 0.75 em a character: wide enough for "w" and for the bold header. In em, not ch: ch is
#: the width of a "0" in the cell's own font, wider in the bold header, whose columns would then not line
#: up with the rows'.
_NARROW_MAX_CHARS = 14
_EM_PER_CHAR = 0.75


def column_flex(rows: Sequence[AgentRow], columns: Sequence[str] = TABLE_COLUMNS) -> dict[str, str]:
    """Each Explorer column's flex: file, name and tools share the width; every other column is as wide as
    its longest cell and its header with a sort arrow, so that no word in it breaks ("shadowe d")."""
    flex = {}
    for column in columns:
        if not COLUMN_FLEX[column].startswith("0 0"):
            flex[column] = COLUMN_FLEX[column]
            continue
        longest = max((len(row_cells(r, (column,))[0].text) for r in rows), default=1)
        chars = max(len(column) + 2, min(longest, _NARROW_MAX_CHARS))
        flex[column] = f"0 0 calc({chars * _EM_PER_CHAR:g}em + 12px)"
    return flex


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def table_columns(rows: Iterable[AgentRow]) -> tuple[str, ...]:
    """The Explorer's columns for these rows: `scope` only when some agent has one (agents loaded from
    a folder have none; `agentkit.discover` sets it)."""
    if any(r.scope for r in rows):
        return TABLE_COLUMNS
    return tuple(c for c in TABLE_COLUMNS if c != "scope")


def row_cells(row: AgentRow, columns: Sequence[str] = TABLE_COLUMNS) -> list[Cell]:
    """The cells of one table row, one per column. Every cell's tooltip holds its full text."""
    counts = [(row.errors, "error"), (row.warnings, "warning"), (row.infos, "info")]
    found = " ".join(f"{n}{severity[0].upper()}" for n, severity in counts if n)
    worst = next((severity for n, severity in counts if n), "")
    status_tip = f"{row.status}: {row.reason}" if row.reason else row.status
    cells = {
        "file": Cell(row.file, row.file),
        "name": Cell(row.name or "–", row.name, bold=bool(row.name)),
        "status": Cell(row.status, status_tip, STATUS_COLORS.get(row.status, "")),
        "parse": Cell(row.parse, row.parse),
        "scope": Cell(row.scope or "–", row.scope),
        "model": Cell(row.model or "–", row.model),
        "tools": Cell(row.tools or "–", row.tools),
        "findings": Cell(
            found or "–",
            ", ".join(plural(n, severity) for n, severity in counts if n) or "no findings",
            SEVERITY_COLORS.get(worst, ""),
        ),
    }
    return [cells[c] for c in columns]


def header_cells(sort_key: str, descending: bool, columns: Sequence[str] = TABLE_COLUMNS) -> list[Cell]:
    """The header row: sortable columns say so in their tooltip; the sorted one carries an arrow."""
    cells = []
    for column in columns:
        arrow = (" ▼" if descending else " ▲") if column == sort_key else ""
        tip = f"sort by {column}" if column in SORT_KEYS else ""
        cells.append(Cell(column + arrow, tip, bold=True))
    return cells


def sort_after_click(column: str, sort_key: str, descending: bool) -> tuple[str, bool] | None:
    """The sort order after a click on a column header: that column ascending, or the other way round
    when it is already the sort column; None for a column that cannot be sorted."""
    if column not in SORT_KEYS:
        return None
    if column == sort_key:
        return column, not descending
    return column, column in ("findings", "errors", "warnings")  # the most findings first


def selection_after(rows: Sequence[AgentRow], current: int | None) -> int | None:
    """Which agent stays selected after the table changed: the same one while it is shown, else the
    first row (None for an empty table)."""
    shown = [r.index for r in rows]
    if current in shown:
        return current
    return shown[0] if shown else None


# -- the detail pane -------------------------------------------------------------------------------


def render_markdown(text: str) -> str:
    """Markdown to HTML with raw HTML escaped (mistune, which Jupyter brings); else preformatted text."""
    try:
        import mistune
    except ImportError:
        return f"<pre style='white-space:pre-wrap'>{html.escape(text)}</pre>"
    return str(mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])(text))


def findings_html(items: Sequence[Finding], empty: str = "no findings") -> str:
    if not items:
        return f"<div style='color:#2e7d32'>✓ {html.escape(empty)}</div>"
    lines = []
    for f in items:
        color = SEVERITY_COLORS.get(f.severity, "#000")
        fix = " <i>(fixable)</i>" if f.fixable else ""
        lines.append(
            f"<li><b>line {f.line}</b> <span style='color:{color}'>{f.severity}</span> "
            f"<code>{f.rule}</code> {html.escape(f.message)}{fix}</li>"
        )
    return f"<ul class='agentkit-findings' style='margin:0;padding-left:18px'>{''.join(lines)}</ul>"


def findings_text(items: Sequence[Finding]) -> str:
    return "\n".join(f"line {f.line}: {f.severity} {f.rule} {f.message}" for f in items) or "no findings"


#: Source text that wraps instead of widening the page: long lines break (anywhere, as a last resort)
#: and keep their indentation.
WRAP = "white-space:pre-wrap;overflow-wrap:anywhere;min-width:0"


def line_html(number: int | str, text_html: str, style: str = "") -> str:
    """One numbered source line: the number in a gutter, the text wrapping beside it (hanging indent)."""
    return (
        f"<div style='display:flex;{style}'>"
        f"<span style='flex:none;width:4ch;padding-right:1.5ch;text-align:right;color:#999;"
        f"user-select:none'>{number}</span><span style='{WRAP};flex:1 1 0'>{text_html or ' '}</span></div>"
    )


def numbered_html(text: str, first_line: int, marked: dict[int, str]) -> str:
    """Source lines with their file line numbers; lines with findings tinted by the worst severity."""
    tint = {"error": "#ffebee", "warning": "#fff8e1", "info": "#e3f2fd"}
    rows = []
    for offset, line in enumerate(text.split("\n")):
        n = first_line + offset
        style = f"background:{tint[marked[n]]};" if n in marked else ""
        rows.append(line_html(n, html.escape(line), style))
    return f"<div style='font-family:monospace;font-size:12px;line-height:1.45'>{''.join(rows)}</div>"


def _worst(items: Iterable[Finding]) -> dict[int, str]:
    rank = {"error": 0, "warning": 1, "info": 2}
    out: dict[int, str] = {}
    for f in items:
        if f.line not in out or rank[f.severity] < rank[out[f.line]]:
            out[f.line] = f.severity
    return out


def detail_html(agent: Agent, items: Sequence[Finding], root: Path | None = None) -> str:
    """Front matter (numbered, problem lines tinted), findings, then the body rendered as Markdown."""
    esc = html.escape
    parts = [f"<h3 style='margin:4px 0;overflow-wrap:anywhere'>{esc(short_path(agent.path, root))}</h3>"]
    if not agent.loaded:
        parts.append(
            "<div class='agentkit-dropped' style='border:2px solid #c62828;background:#ffebee;padding:6px;"
            f"margin:4px 0'><b>Claude Code does not load this file:</b> {esc(agent.reason or '')}</div>"
        )
    elif agent.shadowed_by is not None:
        parts.append(
            f"<div style='border:2px solid #b26a00;padding:6px'><b>Shadowed</b> by "
            f"{esc(short_path(agent.shadowed_by, root))}</div>"
        )
    if agent.problems:
        parts.append(f"<div style='color:#c62828'>{esc('; '.join(agent.problems))}</div>")
    meta = [
        ("name", agent.qualified_name or agent.name),
        ("parse", agent.parse),
        ("scope", agent.scope),
        ("model", agent.model),
        ("tools", tools_text(agent.tools) if agent.loaded else None),
    ]
    parts.append(
        "<div>" + " · ".join(f"<b>{k}</b>: {esc(str(v))}" for k, v in meta if v is not None) + "</div>"
    )
    parts.append("<h4 style='margin:6px 0 2px'>Findings</h4>" + findings_html(items))
    marked = _worst(items)
    if agent.block_text is not None:
        parts.append("<h4 style='margin:6px 0 2px'>Front matter</h4>")
        parts.append(numbered_html(agent.block_text.rstrip("\n"), agent.block_start_line or 2, marked))
    if isinstance(agent.description, str) and agent.description:
        parts.append(
            "<h4 style='margin:6px 0 2px'>Description (as Claude Code reads it)</h4>"
            f"<div style='{WRAP}'>{esc(agent.description)}</div>"
        )
    parts.append(f"<h4 style='margin:6px 0 2px'>Prompt (body, from line {agent.body_start_line})</h4>")
    parts.append(
        "<div class='agentkit-body' style='border-left:3px solid #ddd;padding-left:8px;overflow-wrap:anywhere'>"
        f"{render_markdown(agent.prompt)}</div>"
    )
    return "".join(parts)


def detail_text(agent: Agent, items: Sequence[Finding], root: Path | None = None) -> str:
    """The detail pane as plain text (for notebooks)."""
    lines = [
        f"file: {short_path(agent.path, root)}",
        f"name: {agent.qualified_name or agent.name}",
        f"status: {status_of(agent)}",
    ]
    if not agent.loaded:
        lines.append(f"reason: {agent.reason}")
    lines.append(f"parse: {agent.parse}")
    if agent.loaded:
        lines += [f"model: {agent.model}", f"tools: {tools_text(agent.tools)}"]
    lines += [f"body starts at line {agent.body_start_line}", "findings:"]
    lines += ["  " + line for line in findings_text(items).split("\n")]
    return "\n".join(lines)


# -- diffs -----------------------------------------------------------------------------------------


def diff_html(diff: str, empty: str = "no changes") -> str:
    """A unified diff, coloured."""
    if not diff:
        return f"<i>{html.escape(empty)}</i>"
    colors = {"+": "#e6ffed", "-": "#ffeef0", "@": "#f1f8ff"}
    rows = []
    for line in diff.splitlines():
        head = line[:1] if not line.startswith(("+++", "---")) else ""
        style = f"background:{colors[head]};" if head in colors else "color:#666;"
        rows.append(f"<div style='{style}{WRAP}'>{html.escape(line) or '&nbsp;'}</div>")
    return (
        "<div class='agentkit-diff' style='font-family:monospace;font-size:12px;line-height:1.45'>"
        f"{''.join(rows)}</div>"
    )


# -- the Editor's form -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FormValues:
    """What the Editor's controls hold."""

    name: str
    description: str
    inherit_tools: bool  # True: no `tools` key (the agent inherits every tool)
    tools: tuple[str, ...]  # chosen built-in tools
    extra_tools: str  # other entries (MCP tools, patterns, unknown names), as Claude Code splits them
    model: str  # UNSET removes the key
    color: str
    permission_mode: str
    other: str  # `key: value` lines for every other key


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else json.dumps(value))


def split_tool_entries(tools: list[str] | None, builtin: Sequence[str]) -> tuple[tuple[str, ...], str]:
    """(built-in tools, the other entries as text) for the form."""
    known = set(builtin)
    entries = tools or []
    chosen = tuple(t for t in entries if t in known)
    extra = ", ".join(t for t in entries if t not in known)
    return chosen, extra


def form_values(agent: Agent, builtin: Sequence[str]) -> FormValues:
    fields = agent.fields
    chosen, extra = split_tool_entries(agent.tools, builtin)
    return FormValues(
        name=_text(agent.name),
        description=_text(agent.description),
        inherit_tools=agent.tools is None,
        tools=chosen,
        extra_tools=extra,
        model=_text(fields.get("model")) if "model" in fields else UNSET,
        color=_text(fields.get("color")) if "color" in fields else UNSET,
        permission_mode=_text(fields.get("permissionMode")) if "permissionMode" in fields else UNSET,
        other=other_text({k: v for k, v in fields.items() if k not in FORM_KEYS}),
    )


def other_text(fields: dict[str, Any]) -> str:
    """The other-keys box: one `key: value` line per key, written as agentkit.edit writes them."""
    import agentkit

    return "\n".join(agentkit.yaml_line(key, value) for key, value in fields.items())


def _other_lines(text: str) -> list[tuple[int, str, Any]]:
    """(line number, key, value) for each `key: value` line of the other-keys box. Each line is read as
    YAML, so keys may be quoted (`'': v`) and values may be anything YAML reads (`x: ---` is the text
    `---`); keys become text as Claude Code makes them (`null: v` is the key "null").
    ValueError names the bad line."""
    from agentkit.reader import js_string, load_yaml12

    out: list[tuple[int, str, Any]] = []
    for number, line in enumerate(text.split("\n"), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if ":" not in line:
            raise ValueError(f"other keys, line {number}: write 'key: value'")
        try:
            pair = load_yaml12(line.strip())
        except Exception as exc:
            problem = str(exc).strip().split("\n")[0]
            raise ValueError(f"other keys, line {number}: not a YAML value ({problem})") from None
        if not isinstance(pair, dict) or len(pair) != 1:
            raise ValueError(f"other keys, line {number}: write 'key: value'")
        ((key, value),) = pair.items()
        if not isinstance(key, str):
            if isinstance(key, list | dict):
                raise ValueError(f"other keys, line {number}: write 'key: value'")
            key = js_string(key)
        if key in FORM_KEYS:
            raise ValueError(f"other keys, line {number}: '{key}' has its own field above")
        out.append((number, key, value))
    return out


def parse_other(text: str) -> dict[str, Any]:
    """`key: value` lines (YAML) to a dict; ValueError names the bad line."""
    return {key: value for _number, key, value in _other_lines(text)}


def merge_tools(original: list[str] | None, chosen: Sequence[str], extra: str) -> list[str]:
    """The `tools` list the form describes: entries already there keep their order, new ones follow."""
    wanted = [*chosen, *(split_tools(extra) or [])]
    kept = [t for t in (original or []) if t in wanted]
    return kept + [t for t in dict.fromkeys(wanted) if t not in kept]


def form_changes(agent: Agent, values: FormValues) -> dict[str, Any]:
    """The front matter changes (key -> new value, None removes) that turn `agent` into what the form says.

    Only keys whose reading differs are included, so an untouched form changes nothing.
    Raises ValueError for a malformed key/value line.
    """
    changes: dict[str, Any] = {}
    fields = agent.fields
    if values.name != _text(agent.name) or ("name" not in fields and values.name):
        changes["name"] = values.name
    if values.description != _text(agent.description) or ("description" not in fields and values.description):
        changes["description"] = values.description
    if values.inherit_tools:
        if agent.tools is not None:
            changes["tools"] = None
    else:
        tools = merge_tools(agent.tools, values.tools, values.extra_tools)
        if agent.tools is None or sorted(tools) != sorted(agent.tools):
            changes["tools"] = tools
    for key, value in (
        ("model", values.model),
        ("color", values.color),
        ("permissionMode", values.permission_mode),
    ):
        if value == UNSET:
            if key in fields:
                changes[key] = None
        elif key not in fields or value != _text(fields[key]):
            changes[key] = value
    import agentkit

    lines = _other_lines(values.other)
    other = {key: value for _number, key, value in lines}
    before = {k: v for k, v in fields.items() if k not in FORM_KEYS}
    for key, value in other.items():
        # The same line written for both means the same value (`1` is not `true`, NaN is NaN).
        if key in before and agentkit.yaml_line(key, before[key]) == agentkit.yaml_line(key, value):
            continue
        changes[key] = agentkit.NULL if value is None else value  # `key:` is null; None would remove it
    for key in before:
        if key not in other:
            changes[key] = None
    return changes


def dropdown_options(known: Sequence[str], current: str) -> list[str]:
    """UNSET, the known values, and the current value when it is not one of them (so nothing is lost)."""
    options = [UNSET, *known]
    if current not in options:
        options.append(current)
    return options


# -- overlap ---------------------------------------------------------------------------------------


SHARED_PASSAGE = "#fff3b0"  # a line of a passage both bodies contain
SHARED_PHRASE = "#ffd54f"  # words both descriptions contain in the same order
SHARED_WORD = "#fff3b0"  # a word both descriptions contain


def _columns_html(columns: Sequence[tuple[str, str]], note: str = "") -> str:
    """Columns (title, inner HTML) side by side; each takes an equal share of the width, and they stack
    when the cell is too narrow for two readable columns. A long column scrolls inside itself."""
    cells = "".join(
        "<div class='agentkit-column' style='flex:1 1 340px;min-width:0;max-height:640px;overflow-y:auto;"
        "border:1px solid #ddd;padding:4px 6px'>"
        f"<div style='font-weight:600;overflow-wrap:anywhere;margin-bottom:2px'>{html.escape(title)}</div>"
        f"{inner}</div>"
        for title, inner in columns
    )
    legend = f"<div style='color:#666;font-size:12px;margin-bottom:4px'>{note}</div>" if note else ""
    return (
        f"{legend}<div class='agentkit-side-by-side' style='display:flex;flex-wrap:wrap;gap:8px 12px'>"
        f"{cells}</div>"
    )


def side_by_side_html(
    a_text: str,
    b_text: str,
    ranges_a: Sequence[tuple[int, int]],
    ranges_b: Sequence[tuple[int, int]],
    title_a: str,
    title_b: str,
) -> str:
    """Two files next to each other with their shared passages (1-based inclusive line ranges) highlighted."""

    def column(text: str, ranges: Sequence[tuple[int, int]]) -> str:
        shared = {n for start, end in ranges for n in range(start, end + 1)}
        rows = [
            line_html(n, html.escape(line), f"background:{SHARED_PASSAGE};" if n in shared else "")
            for n, line in enumerate(text.split("\n"), 1)
        ]
        return f"<div style='font-family:monospace;font-size:11px;line-height:1.45'>{''.join(rows)}</div>"

    note = (
        f"<span style='background:{SHARED_PASSAGE}'>highlighted</span>: lines of passages both files "
        "contain (runs of five or more words)"
    )
    return _columns_html([(title_a, column(a_text, ranges_a)), (title_b, column(b_text, ranges_b))], note)


@dataclass(frozen=True, slots=True)
class SharedTerms:
    """What two descriptions have in common, in the words the description score counts.

    `phrases`: runs of two or more counted words that both descriptions contain in that order (stop
    words in between do not break a run, punctuation that ends a clause does), as written in the first
    description. `words`: every counted
    word both contain, lower case, in order of first appearance in the first. `spans_a`, `spans_b`:
    (start, end, kind) character ranges to highlight, kind "phrase" or "word".
    """

    phrases: tuple[str, ...]
    words: tuple[str, ...]
    spans_a: tuple[tuple[int, int, str], ...]
    spans_b: tuple[tuple[int, int, str], ...]


def description_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) for each word of a description that the description score counts."""
    from agentkit.scores import description_words as counted

    return counted(text)


# Punctuation that ends a clause: a run of shared words that crosses it is two phrases, not one.
_CLAUSE_BREAK = re.compile(r"[.,;:!?()\[\]{}<>\"]|\\n")


def _shared_spans(
    text: str,
    tokens: list[tuple[int, int, str]],
    other_words: set[str],
    other_pairs: set[tuple[str, str]],
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int]]]:
    """Spans to highlight in one description, and the (first, last) token index of each shared phrase."""
    linked = [
        (x[2], y[2]) in other_pairs and not _CLAUSE_BREAK.search(text, x[1], y[0])
        for x, y in zip(tokens, tokens[1:], strict=False)
    ]  # linked[i]: tokens i and i + 1 belong to one shared phrase
    runs: list[tuple[int, int]] = []
    first = None
    for i, link in enumerate([*linked, False]):
        if link and first is None:
            first = i
        elif not link and first is not None:
            runs.append((first, i))
            first = None
    in_run = {k for first, last in runs for k in range(first, last + 1)}
    spans = [(tokens[first][0], tokens[last][1], "phrase") for first, last in runs]
    spans += [(t[0], t[1], "word") for k, t in enumerate(tokens) if k not in in_run and t[2] in other_words]
    return sorted(spans), runs


def shared_terms(a: str, b: str) -> SharedTerms:
    """The phrases and words two descriptions share (see `SharedTerms`)."""
    tokens_a, tokens_b = description_words(a), description_words(b)
    words_a, words_b = {t[2] for t in tokens_a}, {t[2] for t in tokens_b}

    def pairs(text: str, tokens: list[tuple[int, int, str]]) -> set[tuple[str, str]]:
        """Neighbouring words within a clause."""
        return {
            (x[2], y[2])
            for x, y in zip(tokens, tokens[1:], strict=False)
            if not _CLAUSE_BREAK.search(text, x[1], y[0])
        }

    spans_a, runs_a = _shared_spans(a, tokens_a, words_b, pairs(b, tokens_b))
    spans_b, _ = _shared_spans(b, tokens_b, words_a, pairs(a, tokens_a))
    phrases = dict.fromkeys(
        " ".join(a[tokens_a[first][0] : tokens_a[last][1]].split()) for first, last in runs_a
    )
    words = dict.fromkeys(t[2] for t in tokens_a if t[2] in words_b)
    return SharedTerms(tuple(phrases), tuple(words), tuple(spans_a), tuple(spans_b))


def highlighted_html(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
    """`text` escaped, with each (start, end, kind) span marked: "phrase" strongly, "word" lightly."""
    colors = {"phrase": SHARED_PHRASE, "word": SHARED_WORD}
    out, at = [], 0
    for start, end, kind in spans:
        out.append(html.escape(text[at:start]))
        out.append(
            f"<mark class='agentkit-shared-{kind}' style='background:{colors[kind]};color:inherit;"
            f"padding:0'>{html.escape(text[start:end])}</mark>"
        )
        at = end
    out.append(html.escape(text[at:]))
    return "".join(out)


def descriptions_html(a: str, b: str, terms: SharedTerms, title_a: str, title_b: str) -> str:
    """Two descriptions side by side, the phrases and words they share highlighted."""

    def column(text: str, spans: Sequence[tuple[int, int, str]]) -> str:
        body = highlighted_html(text, spans) if text else "<i>no description</i>"
        return f"<div style='{WRAP};font-size:13px;line-height:1.5'>{body}</div>"

    note = (
        f"In both descriptions: <mark style='background:{SHARED_PHRASE};padding:0'>phrases</mark> "
        f"(two or more words in the same order) and <mark style='background:{SHARED_WORD};padding:0'>"
        "words</mark>; stop words and generic agent words (agent, use, expert, ...) do not count, as in "
        "the description score"
    )
    return _columns_html([(title_a, column(a, terms.spans_a)), (title_b, column(b, terms.spans_b))], note)


def groups_html(groups: Sequence[Any]) -> str:
    """Near-duplicate groups (objects with labels, min_score, max_score) as a list."""
    if not groups:
        return "<i>no group at this threshold</i>"
    items = [
        f"<li>{html.escape(', '.join(g.labels))} <span style='color:#666'>"
        f"(scores {g.min_score:.2f}-{g.max_score:.2f})</span></li>"
        for g in groups
    ]
    return f"<ul style='margin:0'>{''.join(items)}</ul>"


def guidance_html(guides: Sequence[Any]) -> str:
    """Merge guidance for same-role groups: which version to keep and what the others add, per group."""
    parts = []
    for guide in guides:
        lines = "".join(f"<li>{html.escape(line)}</li>" for line in guide.summary().splitlines())
        names = ", ".join(guide.members["label"])
        parts.append(f"<div><b>{html.escape(names)}</b><ul style='margin:2px 0 6px'>{lines}</ul></div>")
    return "".join(parts)


def figure_png(figure: Any, dpi: int = 90) -> bytes:
    """A matplotlib figure as PNG bytes (works with any backend, in or out of a kernel)."""
    import io

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


#: A timestamp as pandas or the history writes it: a date, then a time of day.
_TIMESTAMP = re.compile(r"(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d:?\d\d)?)")


def column_kind(values: Sequence[Any]) -> str:
    """How a table column is laid out (see the stylesheet in `_base`): "number" and "time" never break,
    "path" breaks after a slash, "prose" wraps at spaces (a long word too, as a last resort), "text" (names,
    labels) wraps at spaces and hyphens only."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    if not present:
        return "text"
    if all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return "number"
    if all(hasattr(v, "isoformat") or (isinstance(v, str) and _TIMESTAMP.fullmatch(v)) for v in present):
        return "time"
    texts = [str(v) for v in present]
    if all("/" in t and " " not in t for t in texts):
        return "path"
    if sum(map(len, texts)) / len(texts) > 24 and any(" " in t for t in texts):
        return "prose"
    return "text"


def cell_html(value: Any, kind: str) -> str:
    """One table cell's content, escaped: a timestamp as two unbreakable parts (its date, its time), a
    path with a break opportunity after each slash, a number as written (no exponent)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "number" and isinstance(value, float):
        import numpy as np

        return np.format_float_positional(value, trim="-")
    if kind == "time":
        text = value.isoformat(sep=" ", timespec="seconds") if hasattr(value, "isoformat") else str(value)
        match = _TIMESTAMP.match(text)
        if match:
            parts = (match.group(1), text[match.end(1) + 1 :])
            return " ".join(f"<span class='agentkit-nowrap'>{html.escape(p)}</span>" for p in parts)
    if kind == "path":
        return "/<wbr>".join(html.escape(part) for part in str(value).split("/"))
    return html.escape(str(value))


def frame_html(frame: Any, max_rows: int = 50) -> str:
    """A DataFrame as a compact HTML table (or a note when it is empty), laid out to be read: no word
    breaks inside (headers read `input tokens` and wrap at spaces only; numbers and timestamps never
    break; see `column_kind`). The stylesheet lets a table too wide for its cell scroll sideways inside
    itself rather than break words."""
    if frame is None or len(frame) == 0:
        return "<i>nothing yet</i>"
    shown = frame.head(max_rows)
    columns = [shown[c].tolist() for c in shown.columns]
    kinds = [column_kind(values) for values in columns]
    head = "".join(
        f"<th class='agentkit-{kind}'>{html.escape(str(name).replace('_', ' '))}</th>"
        for name, kind in zip(shown.columns, kinds, strict=True)
    )
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td class='agentkit-{kind}'>{cell_html(values[i], kind)}</td>"
            for values, kind in zip(columns, kinds, strict=True)
        )
        + "</tr>"
        for i in range(len(shown))
    )
    return f"<table class='agentkit-table'><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


# -- running: what the Playground and the Evaluator say --------------------------------------------


def error_text(exc: BaseException) -> str:
    """An exception as a widget shows it: agentkit's own errors by their message (it says what is wrong
    and what to do); anything else with its type, so that a bug is not mistaken for a verdict."""
    from agentkit import AgentkitError

    message = str(exc).strip()
    if isinstance(exc, AgentkitError) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def claude_code_missing(mode: str) -> str | None:
    """Why `mode` cannot run here, or None: Claude Code mode without a Claude Code binary (a bare install
    of agentkit) says what is missing and the pinned command that installs it."""
    from agentkit import live

    if mode != live.CLAUDE_CODE:
        return None
    try:
        live.claude_code_version()
    except live.LiveError as exc:
        return f"Staying in API mode. {error_text(exc)}"
    return None


def run_counts(results: Sequence[Any]) -> str:
    """The Playground's summary of a run: "2 complete, 1 stopped, 1 failed". A result is a RunResult,
    the error text of a run that failed (str), or None for a run that never finished."""
    done = [r for r in results if r is not None and not isinstance(r, str)]
    failed = len(results) - len(done)
    stopped = sum(not r.complete for r in done)
    parts = (
        [f"{len(done) - stopped} complete"]
        + ([f"{stopped} stopped"] if stopped else [])
        + ([f"{failed} failed"] if failed else [])
    )
    return ", ".join(parts)
