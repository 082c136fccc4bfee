"""`agentkit edit` and `agentkit export`: write agents back, changing only what was asked."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json, existing_paths, no_agents, utf8_text, warn


def _assignment(_ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for text in values:
        key, sep, value = text.partition("=")
        if not sep or not key:
            raise click.BadParameter(f"takes KEY=VALUE, not {text!r}")
        changes[key] = _typed(key, utf8_text(value))
    return changes


_NULLS = ("null", "Null", "NULL", "~")


def _typed(key: str, value: str) -> Any:
    """A --set value as the library takes it (`agentkit.edit`): read as YAML, as Claude Code reads it after
    `key: `, when it is plainly a YAML value (a flow list or mapping, a quoted text, null, true or false,
    a number); anything else is the text as typed (`Use when: x` stays that text). null is None: the key
    is removed, as the library does."""
    import agentkit

    plain = value[:1] not in ("[", "{", '"', "'")
    if plain and (not value or any(c.isspace() for c in value)):
        return value
    if "\n" in value or "\r" in value or "---" in value:
        if plain:
            return value
        raise click.BadParameter(f"{key}: a list, mapping or quoted value must be on one line without '---'")
    read = agentkit.loads(f"---\nvalue: {value}\n---\n")
    parsed = read.fields.get("value")
    if read.parse != "strict" or list(read.fields) != ["value"]:
        if plain:
            return value
        raise click.BadParameter(
            f"{key}={value} starts like a YAML list, mapping or quoted text but is not one; to write it as "
            f"text, quote all of it ('{key}=\"...\"')"
        )
    if plain and not (isinstance(parsed, bool | int | float) or (parsed is None and value in _NULLS)):
        return value  # text YAML would read as text anyway (or as something else: a date stays text)
    return parsed


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--set",
    "sets",
    multiple=True,
    metavar="KEY=VALUE",
    callback=_assignment,
    help="Set a key (repeatable). VALUE is read as YAML when it is a list or mapping ([], [Read, Grep], "
    '{...}), quoted ("..."), null, true/false or a number, and is text otherwise. null removes the key, '
    "like --unset.",
)
@click.option("--unset", multiple=True, metavar="KEY", help="Remove a key (repeatable).")
@click.option(
    "--body-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Replace the body with this file's text.",
)
@click.option("--dry-run", is_flag=True, help="Print the unified diff instead of writing.")
@click.option(
    "--force",
    is_flag=True,
    help="Write even if the file changed on disk, or if Claude Code would drop the result.",
)
def edit(
    file: Path,
    sets: dict[str, Any],
    unset: tuple[str, ...],
    body_file: Path | None,
    dry_run: bool,
    force: bool,
) -> int:
    """Change front matter keys of FILE, rewriting only their lines.

    Every other byte (comments, quoting, key order, line endings) stays. New problems the edit would
    cause are reported as lint reports them; an edit after which Claude Code would drop the agent is
    refused unless --force. A FILE that is a symbolic link is written through: the file it leads to is
    named.
    """
    import agentkit

    changes: dict[str, Any] = {**sets, **dict.fromkeys(unset)}
    if body_file is not None:
        if not body_file.is_file():  # a FIFO or a device would block or never end
            raise click.BadParameter(f"{body_file} is not a regular file", param_hint="--body-file")
        changes["body"] = utf8_text(body_file.read_text("utf-8", errors="surrogateescape"))
    if not changes:
        raise click.UsageError("nothing to change: give --set KEY=VALUE, --unset KEY or --body-file")
    agent = agentkit.load(file)[0]
    for key, value in sets.items():
        if value is None:
            warn(f"note: {key}=null removes '{key}', as --unset {key} does")
    edited = agentkit.edit(agent, changes)
    for finding in _new_findings(agent, edited):  # as lint would report them, file and line first
        warn(f"{file}:{finding.line}: {finding.severity} {finding.rule} {finding.message}")
    if dry_run:
        sys.stdout.write(agentkit.diff(edited, agent))
        return OK
    # Refuses, unless --force, an agent Claude Code would drop where the file on disk loads.
    saved = agentkit.save(edited, force=force)
    if saved.disk_path is not None:
        click.echo(f"wrote {saved.disk_path} (through the symbolic link {saved.path})")
    else:
        click.echo(f"wrote {saved.path}")
    if not saved.loaded:
        warn(f"warning: Claude Code would not load it: {saved.reason}")
        return PROBLEMS
    return OK


def _new_findings(before: Any, after: Any) -> list[Any]:
    """Findings of `after` that `before` did not have (by rule and message)."""
    from agentkit import findings

    old = {(f.rule, f.message) for f in findings(before)}
    return [f for f in findings(after) if (f.rule, f.message) not in old and f.severity != "info"]


@click.command()
@existing_paths()
@click.option(
    "--to",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    help="One <name>.md file per loaded agent, in this folder.",
)
@click.option(
    "--agents-json",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="The `claude --agents` JSON ('-' for standard output).",
)
@click.option(
    "--sdk",
    type=click.Path(dir_okay=False, allow_dash=True),
    help="claude-agent-sdk AgentDefinition arguments as JSON ('-' for standard output).",
)
@click.option("--overwrite", is_flag=True, help="Replace files that exist in the --to folder.")
def export(
    paths: tuple[Path, ...], target: Path | None, agents_json: str | None, sdk: str | None, overwrite: bool
) -> int:
    """Export the agents Claude Code loads from PATH... to other shapes.

    Exit 1 when an agent is skipped (each one is reported with the reason).
    """
    import agentkit

    if not target and not agents_json and not sdk:
        raise click.UsageError("say where to export: --to DIR, --agents-json FILE or --sdk FILE")
    if agents_json == "-" and sdk == "-":
        raise click.UsageError(
            "--agents-json - and --sdk - would write two JSON documents to stdout: send one to a file"
        )
    from agentkit.writer import json_skips

    agents = agentkit.load(*paths)
    if not len(agents):
        return no_agents(paths)
    skipped: dict[tuple[Path, str], None] = {}  # each skipped agent said once, whatever the shapes
    if target:
        report = agentkit.export(agents, target, overwrite=overwrite)
        for out in report.written:
            click.echo(f"wrote {out}")
        skipped.update(dict.fromkeys(report.skipped))
    for destination, shape, build in (
        (agents_json, "agents-json", agentkit.agents_json),
        (sdk, "sdk", agentkit.sdk_definitions),
    ):
        if destination == "-":
            echo_json(build(agents))
            skipped.update(dict.fromkeys(json_skips(agents)))
        elif destination:
            report = agentkit.export(agents, destination, shape=shape, overwrite=overwrite)
            click.echo(f"wrote {destination}")
            skipped.update(dict.fromkeys(report.skipped))
    for source, why in skipped:
        warn(f"skipped {source}: {why}")
    status = PROBLEMS if skipped else OK
    return status
