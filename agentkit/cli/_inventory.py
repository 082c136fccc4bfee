"""`agentkit inventory` and `agentkit discover`: one row per agent file, as Claude Code reads it.

`inventory` keeps each file's part of its output in agentkit's cache (agentkit/_cache.py), so that a second
run over unchanged files reads none of them. Which file wins a name depends on the others, so that part of
each row (`shadowed_by`, the state, the line under a shadowed file) is settled at every run.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from agentkit.cli import leave_for_exit
from agentkit.cli._common import (
    OK,
    PROBLEMS,
    existing_paths,
    format_option,
    no_agents,
    no_cache_option,
    open_cache,
    save_cache,
    write_out,
)

# What the output needs of one file, apart from which file wins its name: loaded, parse, the name Claude
# Code uses, and the file's part of the output in the chosen format (see `_PARTS`).
Summary = tuple[bool, str, str | None, Any]


@click.command()
@existing_paths()
@format_option("table", "json", "csv")
@no_cache_option()
def inventory(paths: tuple[Path, ...], fmt: str, no_cache: bool) -> int:
    """One row per agent file under PATH...: loaded, shadowed (another file wins its name) or dropped,
    and why; parse, name, model, tools.

    Exit 1 when Claude Code drops a file or no agent file is found.
    """
    from agentkit.cli import stream_is_utf8
    from agentkit.reader import MISS, Survey, file_digest

    ascii_only = not stream_is_utf8(sys.stdout)
    cache = open_cache("inventory", paths, {"format": fmt, "ascii": ascii_only}, enabled=not no_cache)
    survey = Survey(paths, cache)
    if not len(survey):
        save_cache("inventory", cache)
        return no_agents(paths)
    report = cache.recall(survey.listing, fmt)  # no file changed since the last run: its output
    if report is MISS:
        survey.confirm(file_digest)  # files touched, but their bytes are the same?
        report = cache.recall(survey.listing, fmt)
    if report is MISS:
        found = survey.summaries(
            lambda agent: summarize(agent, _PARTS[fmt], ascii_only), miss=MISS, digest=file_digest
        )
        leave_for_exit(found)
        report = _report(found, fmt, ascii_only)
        cache.remember(survey.listing, fmt, report)
    out, code = report
    write_out(out)
    save_cache("inventory", cache)
    leave_for_exit(cache, survey, report)
    return int(code)


def _report(found: list[tuple[Path, Summary]], fmt: str, ascii_only: bool) -> tuple[str | bytes, int]:
    """The output for the files `found` (each with its summary), and the exit code."""
    from agentkit.reader import path_order, winners

    won = winners(
        [summary[2] if summary[0] else None for _, summary in found],
        lambda index: (0, path_order(found[index][0])),
    )
    shadowed_by = [None if w is None else str(found[w][0]) for w in won]
    out = render_rows([summary for _, summary in found], shadowed_by, fmt, ascii_only)
    return out, PROBLEMS if not all(summary[0] for _, summary in found) else OK


@click.command()
@click.argument("project", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    help="Home folder whose .claude/ holds user agents and plugins.",
)
@click.option(
    "--managed",
    type=click.Path(file_okay=False, path_type=Path),
    help="The managed agents folder (default: the platform's).",
)
@format_option("table", "json", "csv")
def discover(project: Path, home: Path | None, managed: Path | None, fmt: str) -> int:
    """Every agent Claude Code would see from PROJECT (default: here), by scope, and which file wins
    each name. Lists every folder searched, in precedence order, found or not.

    Exit 1 when Claude Code drops a file.
    """
    import agentkit
    from agentkit.reader import agent_folders

    folders = agent_folders(project, home, managed=managed)
    agents = agentkit.discover(project, home=home, managed=managed)
    rows = [a.to_dict() for a in agents]
    if fmt == "table":
        sys.stdout.write(folders_table(folders, rows))
        if rows:
            sys.stdout.write("\n")
    if rows or fmt != "table":
        _print_rows(rows, fmt)
    return PROBLEMS if agents.dropped else OK


def _print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    from agentkit.cli import stream_is_utf8

    ascii_only = not stream_is_utf8(sys.stdout)
    scoped = any(row["scope"] for row in rows)
    parts = _PARTS[fmt]
    summaries = [_summary(row, parts, ascii_only, scoped) for row in rows]
    write_out(render_rows(summaries, [row["shadowed_by"] for row in rows], fmt, ascii_only, scoped=scoped))


def folders_table(folders: list[Any], rows: list[dict[str, Any]]) -> str:
    """The folders Claude Code searches, lowest precedence first, with how many agent files each holds."""
    counts: dict[str, int] = {}
    for row in rows:
        for folder in folders:
            if str(row["path"]).startswith(str(folder.path) + "/"):
                counts[str(folder.path)] = counts.get(str(folder.path), 0) + 1
                break
    lines = ["Folders Claude Code searches, lowest precedence first (later ones win a name):"]
    for folder in folders:
        label = f"{folder.scope} ({folder.plugin})" if folder.plugin else folder.scope
        if folder.path.is_dir():
            count = counts.get(str(folder.path), 0)
            found = f"{count} agent file{'' if count == 1 else 's'}"
        else:
            found = "not found"
        lines.append(f"  {label:10} {folder.path}  [{found}]")
    if not rows:
        lines.append("No agent files in any of them.")
    return "\n".join(lines) + "\n"


# -- each file's part of the output -------------------------------------------------------------------


def summarize(agent: Any, parts: Callable[..., Any], ascii_only: bool) -> Summary:
    """What the output needs of `agent` (read by load(): no scope), whichever file wins its name."""
    return _summary(agent.to_dict(), parts, ascii_only, False)


def _summary(row: dict[str, Any], parts: Callable[..., Any], ascii_only: bool, scoped: bool) -> Summary:
    return (bool(row["loaded"]), row["parse"], row["qualified_name"], parts(row, ascii_only, scoped))


_SHADOWED_BY = '\n    "shadowed_by": null'  # the row's own key: keys nested in values are indented deeper


def _json_parts(row: dict[str, Any], ascii_only: bool, _scoped: bool) -> tuple[bytes, bytes]:
    """The row as an item of the JSON list (what `json.dumps(rows, indent=2)` writes for it), cut where the
    value of `shadowed_by` goes, as UTF-8 (see `write_out`)."""
    from agentkit.reader import pretty_json

    text = pretty_json({**row, "shadowed_by": None}, ensure_ascii=ascii_only)
    # JSON text holds no newline inside a string, so indenting every line makes it an item of the list.
    head, tail = ("  " + text.replace("\n", "\n  ")).split(_SHADOWED_BY, 1)
    return (head + _SHADOWED_BY[: -len("null")]).encode("utf-8"), tail.encode("utf-8")


def _csv_parts(row: dict[str, Any], _ascii_only: bool, _scoped: bool) -> str:
    """The row's CSV line up to the last column (`shadowed_by`), without it."""
    tools = row["tools"]
    row = {**row, "tools": "" if tools is None else ", ".join(tools), "shadowed_by": None}
    return _csv_line(["" if row[c] is None else row[c] for c in CSV_COLUMNS])[: -len(",")]


def _table_parts(row: dict[str, Any], _ascii_only: bool, scoped: bool) -> tuple[str, str | None]:
    """The row's table line after the state column, and the line saying why Claude Code drops the file."""
    tools = "all" if row["tools"] is None else str(len(row["tools"]))
    name = str(row["qualified_name"] or row["name"] or "-")[:31]
    model = str(row["model"] or "-")[:9]
    scope = f"{row['scope'] or '-':9}" if scoped else ""
    line = f"{scope}{row['parse']:9}{name:32}{model:10}{tools:>6}  {row['path']}"
    return line, None if row["loaded"] else f"{'':10}dropped: {row['reason']}"


_PARTS: dict[str, Callable[[dict[str, Any], bool, bool], Any]] = {
    "json": _json_parts,
    "csv": _csv_parts,
    "table": _table_parts,
}
CSV_COLUMNS = (
    "path",
    "loaded",
    "reason",
    "parse",
    "name",
    "description",
    "tools",
    "model",
    "color",
    "scope",
    "shadowed_by",
)


def _csv_line(values: list[Any]) -> str:
    """One CSV line as csv.writer writes it (QUOTE_MINIMAL, `\\r\\n`), without the line end."""
    _CSV_BUFFER.seek(0)
    _CSV_BUFFER.truncate()
    _CSV_WRITER.writerow(values)
    return _CSV_BUFFER.getvalue()[: -len("\r\n")]


_CSV_BUFFER = io.StringIO()
_CSV_WRITER = csv.writer(_CSV_BUFFER)


# -- the whole output -----------------------------------------------------------------------------------


def render_rows(
    summaries: list[Summary],
    shadowed_by: list[str | None],
    fmt: str,
    ascii_only: bool,
    *,
    scoped: bool = False,
) -> str | bytes:
    """Every file's row in `fmt`, each with the file that wins its name (None when it is its own); JSON as
    UTF-8 (see `write_out`)."""
    if fmt == "json":
        from agentkit.reader import json_text

        if not summaries:
            return "[]\n"
        winners: dict[str, bytes] = {}
        pieces = []
        for summary, winner in zip(summaries, shadowed_by, strict=True):
            head, tail = summary[3]
            if winner is None:
                value = b"null"
            elif winner in winners:
                value = winners[winner]
            else:
                value = winners[winner] = json_text(winner, ensure_ascii=ascii_only).encode("utf-8")
            pieces.append(head + value + tail)
        return b"[\n" + b",\n".join(pieces) + b"\n]\n"
    if fmt == "csv":
        fields: dict[str, str] = {}
        lines = [",".join(CSV_COLUMNS)]
        for summary, winner in zip(summaries, shadowed_by, strict=True):
            if winner is None:
                cell = ""
            elif winner in fields:
                cell = fields[winner]
            else:
                cell = fields[winner] = _csv_line([winner])
            lines.append(f"{summary[3]},{cell}")
        return "\r\n".join(lines) + "\r\n"
    scope_head = f"{'scope':9}" if scoped else ""
    lines = [f"{'state':10}{scope_head}{'parse':9}{'name':32}{'model':10}{'tools':>6}  path"]
    for (loaded, _parse, _name, (line, why)), winner in zip(summaries, shadowed_by, strict=True):
        state = "shadowed" if winner else "loaded" if loaded else "dropped"
        lines.append(f"{state:10}{line}")
        if why is not None:
            lines.append(why)
        elif winner:
            lines.append(f"{'':10}shadowed by {winner}: it defines the same name and wins")
    files = [(s[0], s[1], bool(s[0] and w)) for s, w in zip(summaries, shadowed_by, strict=True)]
    lines.append(summary_line(files))
    return "\n".join(lines) + "\n"


def summary_line(files: list[tuple[bool, str, bool]]) -> str:
    """`229 files: 229 loaded, 0 dropped; of the loaded, 5 shadowed (...) and 3 only through the fallback`,
    from each file's (loaded, parse, shadowed)."""
    loaded = sum(1 for f in files if f[0])
    shadowed = sum(1 for f in files if f[2])
    fallback = sum(1 for f in files if f[1] == "fallback")
    text = (
        f"{len(files)} file{'' if len(files) == 1 else 's'}: {loaded} loaded, {len(files) - loaded} dropped"
    )
    notes = []
    if shadowed:
        notes.append(f"{shadowed} shadowed (never used: a file of the same name wins, named below)")
    if fallback:
        notes.append(f"{fallback} only through the fallback")
    if notes:
        text += "; of the loaded, " + " and ".join(notes)
    return text
