"""`agentkit verify`: agentkit's reading of agent files against the real Claude Code binary's."""

from __future__ import annotations

from pathlib import Path

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json

DEFAULT_FOLDER = Path(".claude") / "agents"


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path), metavar="[PATH]...")
@click.option(
    "--claude",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The Claude Code binary (default: $AGENTKIT_CLAUDE, `claude` on PATH, or the one bundled in claude-agent-sdk).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(("text", "json")),
    default="text",
    show_default=True,
    help="Output format.",
)
def verify(paths: tuple[Path, ...], claude: Path | None, fmt: str) -> int:
    """Prove agentkit's reading of PATH... (default: .claude/agents) against Claude Code itself.

    Runs the Claude Code binary offline, in a scratch folder, against a local stand-in of the API, on
    copies of the agent files, and compares what it loads (names, descriptions, tools as it shows them)
    with agentkit's reading. Prints the binary used and every disagreement. Exit 1 if there is any, or
    no Claude Code binary to run.
    """
    from agentkit import OracleError
    from agentkit import verify as run_verify

    chosen = list(paths)
    if not chosen:
        if not DEFAULT_FOLDER.is_dir():
            raise click.UsageError(f"give agent files or folders (there is no {DEFAULT_FOLDER} here)")
        chosen = [DEFAULT_FOLDER]
    try:
        report = run_verify([str(p) for p in chosen], str(claude) if claude else None)
    except OracleError as exc:
        raise click.ClickException(f"Claude Code did not answer as expected: {exc}") from None
    if fmt == "json":
        echo_json(report.to_dict())
    else:
        click.echo(report.to_text(), nl=False)
    return OK if report.ok else PROBLEMS
