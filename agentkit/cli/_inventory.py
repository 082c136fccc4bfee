"""`agentkit inventory` and `agentkit discover`: one row per agent file, as Claude Code reads it."""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json, existing_paths, format_option, no_agents


@click.command()
@existing_paths()
@format_option("table", "json", "csv")
def inventory(paths: tuple[Path, ...], fmt: str) -> int:
    """One row per agent file under PATH...: loaded or not (and why), parse, name, model, tools.

    Exit 1 when Claude Code drops a file or no agent file is found.
    """
    import agentkit

    agents = agentkit.load(*paths)
    if not len(agents):
        return no_agents(paths)
    _print_rows([a.to_dict() for a in agents], fmt)
    return PROBLEMS if agents.dropped else OK


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
    from agentkit._reader.scan import agent_folders

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


def _print_rows(rows: list[dict[str, Any]], fmt: str) -> None:
    from agentkit._reader.agent import CORE_COLUMNS

    if fmt == "json":
        echo_json(rows)
    elif fmt == "csv":
        writer = csv.writer(sys.stdout)
        columns = [*CORE_COLUMNS, "scope", "shadowed_by"]
        writer.writerow(columns)
        for row in rows:
            tools = row["tools"]
            row = {**row, "tools": "" if tools is None else ", ".join(tools)}
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
    else:
        sys.stdout.write(inventory_table(rows))


def inventory_table(rows: list[dict[str, Any]]) -> str:
    """One line per file (what Claude Code does with it: loaded, shadowed or dropped), a second line saying
    why for the files it does not use, and a summary."""
    scoped = any(row["scope"] for row in rows)
    scope_head = f"{'scope':9}" if scoped else ""
    lines = [f"{'state':10}{scope_head}{'parse':9}{'name':32}{'model':10}{'tools':>6}  path"]
    for row in rows:
        tools = "all" if row["tools"] is None else str(len(row["tools"]))
        name = str(row["qualified_name"] or row["name"] or "-")[:31]
        model = str(row["model"] or "-")[:9]
        state = "shadowed" if row["shadowed_by"] else "loaded" if row["loaded"] else "dropped"
        scope = f"{row['scope'] or '-':9}" if scoped else ""
        lines.append(f"{state:10}{scope}{row['parse']:9}{name:32}{model:10}{tools:>6}  {row['path']}")
        if not row["loaded"]:
            lines.append(f"{'':10}dropped: {row['reason']}")
        elif row["shadowed_by"]:
            lines.append(f"{'':10}shadowed by {row['shadowed_by']}: it defines the same name and wins")
    lines.append(summary(rows))
    return "\n".join(lines) + "\n"


def summary(rows: list[dict[str, Any]]) -> str:
    """`229 files: 229 loaded, 0 dropped; of the loaded, 5 shadowed (...) and 3 only through the fallback`."""
    loaded = sum(bool(r["loaded"]) for r in rows)
    shadowed = sum(bool(r["loaded"] and r["shadowed_by"]) for r in rows)
    fallback = sum(r["parse"] == "fallback" for r in rows)
    text = f"{len(rows)} file{'' if len(rows) == 1 else 's'}: {loaded} loaded, {len(rows) - loaded} dropped"
    notes = []
    if shadowed:
        notes.append(f"{shadowed} shadowed (never used: a file of the same name wins, named below)")
    if fallback:
        notes.append(f"{fallback} only through the fallback")
    if notes:
        text += "; of the loaded, " + " and ".join(notes)
    return text
