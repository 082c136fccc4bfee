"""`agentkit lint`: what Claude Code will drop or misread in each file, and the fixes."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

import click

from agentkit.cli._common import OK, PROBLEMS, existing_paths, format_option, no_agents, warn


def _use_color(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def _rules(ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    from agentkit._lint.engine import UnknownRuleError, resolve_rules

    try:
        resolve_rules(value)
    except UnknownRuleError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


@click.command()
@existing_paths()
@format_option("text", "json", "sarif")
@click.option(
    "--fix",
    is_flag=True,
    help="Repair fixable findings in place (atomic writes), keeping Claude Code's reading.",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix: also apply fixes that change what Claude Code reads (AK402, AK406).",
)
@click.option("--dry-run", is_flag=True, help="Print the diff --fix would make instead of writing.")
@click.option(
    "--select",
    metavar="IDS",
    callback=_rules,
    help="Only these rules: IDs, ID prefixes or names, comma-separated.",
)
@click.option("--ignore", metavar="IDS", callback=_rules, help="Skip these rules (same forms as --select).")
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    fix: bool,
    unsafe_fixes: bool,
    dry_run: bool,
    select: str | None,
    ignore: str | None,
) -> int:
    """Report what Claude Code does with each agent file under PATH... (dropped, misread, ...).

    --fix repairs what can be repaired by rewriting only the offending lines. Exit 1 when an
    error-level finding remains, or no agent file is found.
    """
    import agentkit
    from agentkit._errors import AgentkitError
    from agentkit._lint.engine import findings, resolve_rules, summary_line, to_json, to_sarif, to_text
    from agentkit._reader.jsonable import escape_surrogates

    agents: list[Any] = list(agentkit.load(*paths))
    if not agents:
        return no_agents(paths)
    problems = 0
    if fix or dry_run:  # --dry-run alone means "show me what --fix would do"
        diff_out = sys.stdout if fmt == "text" else sys.stderr
        for index, agent in enumerate(agents):
            result = agentkit.fix(agent, select, ignore, unsafe=unsafe_fixes)
            for failure in result.failed:
                warn(f"{agent.path}: {failure}")
            if result.skipped_unsafe:
                warn(
                    f"{agent.path}: {', '.join(result.skipped_unsafe)} have unsafe fixes (they change what "
                    "Claude Code reads); add --unsafe-fixes to apply them"
                )
            if not result.changed:
                continue
            if dry_run:
                diff_out.write(agentkit.diff(result.agent))
                agents[index] = result.agent  # report what would remain after the fix
                continue
            try:
                agents[index] = agentkit.save(result.agent)
            except (AgentkitError, OSError) as exc:
                warn(f"{agent.path}: not saved: {exc}")
                problems += 1
                continue
            through = agents[index].disk_path  # a symbolic link is written through: say where
            warn(
                f"{agent.path}: fixed {', '.join(result.fixed)}" + (f" (wrote {through})" if through else "")
            )

    items = findings(agents, select, ignore)
    if fmt == "json":
        sys.stdout.write(to_json(items))
    elif fmt == "sarif":
        sarif = json.dumps(to_sarif(items, resolve_rules(select, ignore)), indent=2, ensure_ascii=False)
        sys.stdout.write(escape_surrogates(sarif) + "\n")
    else:
        sys.stdout.write(to_text(items, len(agents), color=_use_color(sys.stdout)))
    if fmt != "text":
        warn(summary_line(items, len(agents)))
    return PROBLEMS if problems or any(f.severity == "error" for f in items) else OK
