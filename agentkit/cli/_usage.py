"""`agentkit usage`: how agents were really used, from Claude Code's transcripts."""

from __future__ import annotations

from pathlib import Path

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json, format_option, utf8_text


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    from agentkit import UsageError
    from agentkit.transcripts import day_of

    try:
        return day_of(value, f"--{param.name}")
    except UsageError as exc:
        raise click.BadParameter(str(exc)) from None


@click.command()
@click.argument(
    "config_dir",
    required=False,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    metavar="[CONFIG_DIR]",
)
@click.option(
    "--project",
    type=click.Path(path_type=Path),
    help="Keep this project's sessions (the folder Claude Code ran in) and list its agents never used.",
)
@click.option("--since", callback=_day, metavar="DATE", help="First day kept (YYYY-MM-DD, UTC).")
@click.option("--until", callback=_day, metavar="DATE", help="Last day kept (YYYY-MM-DD, UTC).")
@format_option("text", "json")
@click.option(
    "--export-routing",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.yaml",
    help="Also write the requests as routing cases, labelled with the agent Claude Code picked or (self).",
)
def usage(
    config_dir: Path | None,
    project: Path | None,
    since: str | None,
    until: str | None,
    fmt: str,
    export_routing: Path | None,
) -> int:
    """Invocations, tokens and cost per agent (custom and built-in), the main thread apart, from the
    transcripts Claude Code wrote in CONFIG_DIR (default: $CLAUDE_CONFIG_DIR, else ~/.claude).

    Tokens are counted once per API answer; costs are list prices from agentkit's dated table, prompt
    caching included (a model without a price has no cost, and is named). Lines that cannot be read are
    counted and listed. Nothing leaves the machine.

    Exit 1 when a line could not be read (the totals miss what it held) or there are no transcripts.
    """
    import agentkit

    if project is not None:
        utf8_text(str(project), "--project")
    result = agentkit.usage(config_dir, project, since, until)
    if fmt == "json":
        echo_json(result.to_dict())
    else:
        click.echo(result.to_text(), nl=False)
    if export_routing is not None:
        written = result.export_routing(export_routing)
        count = len(result.requests)
        click.echo(f"agentkit usage: wrote the routing cases of {count} request(s) to {written}", err=True)
    if result.lossy:
        click.echo(f"agentkit usage: {result.lossy} line(s) could not be read; see problems", err=True)
        return PROBLEMS
    return OK
