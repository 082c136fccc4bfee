"""`agentkit route`: will Claude Code hand this request to an agent? Its own request, sampled."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from agentkit import live
from agentkit.cli._common import OK, PROBLEMS, echo_json, format_option, utf8_text, warn

NO_KEY = (
    "no Anthropic API key: export ANTHROPIC_API_KEY=sk-ant-... first (the request Claude Code builds is "
    "captured offline, but its samples are answered by the API), or answer from recorded samples without a "
    "key: AGENTKIT_REPLAY=1 agentkit route ..."
)


def _share(_ctx: click.Context, _param: click.Parameter, value: float) -> float:
    if not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise click.BadParameter(f"must be a number between 0 and 1, not {value}")
    return value


@click.command("route")
@click.argument("request")
@click.option(
    "--project",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The folder Claude Code runs in: its .claude/agents, CLAUDE.md, settings and git state count.",
)
@click.option(
    "--samples", type=click.IntRange(1, live.MAX_ROUTE_SAMPLES), default=10, show_default=True, metavar="N"
)
@click.option("--model", metavar="M", help="Passed to Claude Code as --model (default: its own choice).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True, metavar="N")
@click.option(
    "--max-tokens",
    type=click.IntRange(1, 128_000),
    default=live.DEFAULT_ROUTE_MAX_TOKENS,
    show_default=True,
    metavar="N",
    help="Lowers Claude Code's own limit: the first action needs little.",
)
@click.option(
    "--agents",
    "agents_path",
    type=click.Path(exists=True, path_type=Path),
    help="What if: a folder that replaces the project's agents, or an agent file that replaces the project's "
    "file of its name (or is added). Shown beside the project as it is.",
)
@click.option(
    "--claude-md",
    "claude_md_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="What if: this file's text is the project's CLAUDE.md. Shown beside the project as it is.",
)
@click.option("--no-claude-md", is_flag=True, help="What if the project had no CLAUDE.md.")
@click.option(
    "--config-dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Your Claude config folder (default: $CLAUDE_CONFIG_DIR, else ~/.claude); it is copied, never written.",
)
@click.option(
    "--claude", "claude_path", type=click.Path(path_type=Path), help="The Claude Code binary to use."
)
@click.option(
    "--expect", metavar="LABEL", help="Exit 1 unless LABEL (an agent, or '(self)') gets --min-share."
)
@click.option("--min-share", type=float, default=0.5, show_default=True, callback=_share, metavar="X")
@click.option("--no-cache", is_flag=True, help="Capture again and ask every sample again (and record them).")
@format_option("text", "json")
def route(
    request: str,
    project: Path,
    samples: int,
    model: str | None,
    concurrency: int,
    max_tokens: int,
    agents_path: Path | None,
    claude_md_path: Path | None,
    no_claude_md: bool,
    config_dir: Path | None,
    claude_path: Path | None,
    expect: str | None,
    min_share: float,
    no_cache: bool,
    fmt: str,
) -> int:
    """Ask Claude Code's main loop N times what it does first with REQUEST typed in --project.

    The pinned Claude Code builds its own request offline (its system prompt, its tools, the built-in agents,
    your agents, skills and CLAUDE.md); agentkit sends that request N times and counts what each answer does
    first: an Agent call names an agent; anything else is (self), the main agent doing the work. Needs
    ANTHROPIC_API_KEY unless the samples are recorded (AGENTKIT_REPLAY=1 answers only from recordings).
    Exit 1 when a sample failed, or --expect is not met.
    """
    text = utf8_text(request, param_hint="'REQUEST'")
    if claude_md_path is not None and no_claude_md:
        raise click.UsageError("--claude-md and --no-claude-md say opposite things: give one")
    claude_md: Any = live.KEEP
    if claude_md_path is not None:
        try:
            claude_md = claude_md_path.read_text("utf-8")
        except UnicodeDecodeError:
            raise click.BadParameter(
                f"{claude_md_path} is not UTF-8 text", param_hint="--claude-md"
            ) from None
    elif no_claude_md:
        claude_md = None
    what_if = agents_path is not None or claude_md is not live.KEEP
    options: dict[str, Any] = {
        "samples": samples,
        "model": model,
        "concurrency": concurrency,
        "max_tokens": max_tokens,
        "config_dir": config_dir,
        "claude": claude_path,
        "cache": not no_cache,
    }
    before = _route(text, project, options) if what_if else None
    after = _route(text, project, {**options, "agents": agents_path, "claude_md": claude_md})
    if fmt == "json":
        data = after.to_dict()
        if before is not None:
            data["before"] = before.to_dict()
        echo_json(data)
    elif before is not None:
        click.echo(live.side_by_side(before, after))
    else:
        click.echo(after.summary())
    failed = after.errors + (before.errors if before is not None else 0)
    if failed:
        warn(f"agentkit route: {failed} sample(s) failed: {_first_error(after, before)}")
    if expect is not None:
        share = after.shares().get(expect, 0.0)
        if share < min_share:
            warn(
                f"agentkit route: {expect} got {share:.0%} of the answers, less than --min-share {min_share:.0%}"
            )
            return PROBLEMS
    return PROBLEMS if failed else OK


def _route(text: str, project: Path, options: dict[str, Any]) -> live.Route:
    shown = sys.stderr.isatty()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", live.HistoryWarning)
        try:
            return live.route(
                text,
                project,
                on_sample=(lambda s: warn(f"  sample {s.index + 1}: {s.label}")) if shown else None,
                **options,
            )
        except live.MissingKeyError:
            raise live.MissingKeyError(NO_KEY) from None
        finally:
            for w in caught:
                warn(f"agentkit route: warning: {w.message}")


def _first_error(*routes: live.Route | None) -> str:
    for r in routes:
        for s in r.samples if r is not None else ():
            if s.error:
                return s.error
    return ""
