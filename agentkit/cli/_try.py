"""`agentkit try`: run agents on a prompt, streaming to the terminal."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli._common import OK, PROBLEMS, echo_json, format_option, warn

DEFAULT_FOLDERS = (".claude/agents", "agents")


def _find_agent(spec: str, folder: Path | None) -> Any:
    import agentkit

    path = Path(spec)
    if path.is_file():
        return agentkit.load(path)[0]
    if spec.endswith(".md") or "/" in spec or "\\" in spec:
        raise click.BadParameter(f"no such agent file: {spec}", param_hint="AGENT")
    root = folder or next((Path(f) for f in DEFAULT_FOLDERS if Path(f).is_dir()), None)
    if root is None:
        raise click.BadParameter(
            f"{spec!r} is not a file, and there is no .claude/agents or agents/ folder here (use --agents DIR)",
            param_hint="AGENT",
        )
    try:
        return agentkit.load(root)[spec]  # the file Claude Code uses for this name
    except KeyError:
        raise click.BadParameter(f"no agent named {spec!r} in {root}", param_hint="AGENT") from None


def _finite(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):
        raise click.BadParameter(f"must be a number between 0 and 1, not {value}")
    return value


def _stats(r: Any) -> str:
    tokens = f"{r.input_tokens if r.input_tokens is not None else '?'} in / {r.output_tokens or 0} out tokens"
    cost = f"${r.cost_usd:.6f}" if r.cost_usd is not None else "$? (no price for this model)"
    latency = f"{r.latency_s:.2f} s" if r.latency_s is not None else "? s"
    return (
        f"-- {r.agent or r.path} · {r.model} · {tokens} · {cost} · {latency}{' (cached)' if r.cached else ''}"
    )


@click.command("try")
@click.argument("agent")
@click.argument("prompt")
@click.option("--model", metavar="M", help="Model alias or id, overriding the agent's `model`.")
@click.option(
    "--compare", multiple=True, metavar="AGENT", help="Also run this agent on the same prompt (repeatable)."
)
@click.option(
    "--agents",
    "folder",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Where agent names are looked up (default: .claude/agents or agents/).",
)
@click.option("--no-cache", is_flag=True, help="Always make a request (and record it).")
@format_option("text", "json")
@click.option(
    "--max-tokens", type=click.IntRange(1, 1_000_000), default=None, metavar="N", help="Default 4096."
)
@click.option(
    "--temperature",
    type=float,
    default=None,
    callback=_finite,
    metavar="T",
    help="0 to 1; only sent when given.",
)
@click.option(
    "--max-retries",
    type=click.IntRange(0, 20),
    default=2,
    show_default=True,
    metavar="N",
    help="Retries on 429/529/5xx.",
)
def try_(
    agent: str,
    prompt: str,
    model: str | None,
    compare: tuple[str, ...],
    folder: Path | None,
    no_cache: bool,
    fmt: str,
    max_tokens: int | None,
    temperature: float | None,
    max_retries: int,
) -> int:
    """Run AGENT (a file, or a name in --agents) on PROMPT ('-' reads standard input).

    The agent's body is the system prompt, PROMPT the user message. Needs ANTHROPIC_API_KEY unless the
    run is already recorded in $AGENTKIT_HOME/history.sqlite. Exit 1 when a run fails or is cut short.
    """
    from agentkit import live

    text = sys.stdin.read() if prompt == "-" else prompt
    agents = [_find_agent(spec, folder) for spec in (agent, *compare)]
    for a in agents:
        if not a.loaded:
            warn(f"agentkit try: warning: Claude Code would not load {a.path}: {a.reason}")
    options: dict[str, Any] = {
        "model": model,
        "max_tokens": max_tokens or live.DEFAULT_MAX_TOKENS,
        "temperature": temperature,
        "no_cache": no_cache,
        "max_retries": max_retries,
    }
    text_mode = fmt == "text"
    results = []
    for a in agents:
        if text_mode and len(agents) > 1:
            click.echo(f"== {a.name} ({a.path}) ==")
        r = live.run(a, text, on_text=_echo if text_mode else None, **options)
        results.append(r)
        if text_mode:
            if r.text and not r.text.endswith("\n"):
                sys.stdout.write("\n")
            sys.stdout.flush()
            warn(_stats(r))
        if not r.complete:
            warn(f"agentkit try: {a.name or a.path}: cut short: {r.error}")
    if not text_mode:
        rows = [r.to_dict() for r in results]
        echo_json(rows if compare else rows[0])
    return OK if all(r.complete for r in results) else PROBLEMS


def _echo(chunk: str) -> None:
    sys.stdout.write(chunk)
    sys.stdout.flush()  # show text as it arrives
