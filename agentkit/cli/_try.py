"""`agentkit try`: run agents on a prompt, streaming to the terminal."""

from __future__ import annotations

import math
import sys
import warnings
from pathlib import Path
from typing import Any

import click

from agentkit import live
from agentkit.cli._common import OK, PROBLEMS, echo_json, format_option, utf8_text, warn

DEFAULT_FOLDERS = (".claude/agents", "agents")

# What a command-line user without a key can do (the library's message speaks of api_key=).
NO_KEY = (
    "no Anthropic API key: export ANTHROPIC_API_KEY=sk-ant-... first (--mode api and --mode claude-code "
    "both need it), or answer from recorded runs without a key: AGENTKIT_REPLAY=1 agentkit try ... "
    "(AGENTKIT_HOME=notebooks/recordings holds the runs the README shows)"
)


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


def _dollars(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and value > 0):
        raise click.BadParameter(f"must be a positive number of dollars, not {value}")
    return value


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
    "--mode",
    type=click.Choice(live.MODES),
    default=live.API,
    show_default=True,
    help="api: one request, the body as the system prompt, no tools (fast). claude-code: Claude Code runs "
    "the agent as a subagent with its tools, in a scratch folder (needs claude-agent-sdk).",
)
@click.option(
    "--max-tokens",
    type=click.IntRange(1, live.MAX_OUTPUT_TOKENS),
    default=None,
    metavar="N",
    help=f"Default {live.DEFAULT_MAX_TOKENS} (api), Claude Code's own (claude-code).",
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
@click.option(
    "--max-turns",
    type=click.IntRange(1, 1000),
    default=live.DEFAULT_MAX_TURNS,
    show_default=True,
    metavar="N",
    help="claude-code: stop the agent after N model turns.",
)
@click.option(
    "--max-cost",
    type=float,
    default=live.DEFAULT_MAX_COST_USD,
    show_default=True,
    callback=_dollars,
    metavar="USD",
    help="claude-code: stop once the run has cost this much.",
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
    mode: str,
    max_turns: int,
    max_cost: float,
) -> int:
    """Run AGENT (a file, or a name in --agents) on PROMPT ('-' reads standard input).

    --mode api (default): the agent's body is the system prompt, PROMPT the user message, no tools.
    --mode claude-code: Claude Code runs the agent as it runs a subagent, with its tools, in a scratch
    folder. Needs ANTHROPIC_API_KEY unless the run is already recorded in $AGENTKIT_HOME/history.sqlite
    (AGENTKIT_REPLAY=1 answers only from there). The line after each answer says where it came from.
    Exit 1 when a run fails or is cut short.
    """
    text = _prompt_text(prompt)
    agents = [_find_agent(spec, folder) for spec in (agent, *compare)]
    for a in agents:
        if not a.loaded:
            warn(f"agentkit try: warning: Claude Code would not load {a.path}: {a.reason}")
    try:
        live.check_options(prompt=text)
        options = live.RunOptions(
            mode=mode,
            model=model,
            max_tokens=max_tokens,
            temperature=temperature,
            max_retries=max_retries,
            max_turns=max_turns,
            max_cost_usd=max_cost,
            no_cache=no_cache,
        )
    except live.InvalidRunOption as e:
        raise click.UsageError(str(e)) from None
    text_mode = fmt == "text"
    results = []
    for a in agents:
        if text_mode and len(agents) > 1:
            click.echo(f"== {a.name} ({a.path}) ==")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", live.HistoryWarning)
            try:
                r = live.run(a, text, options, on_text=_echo if text_mode else None)
            except live.MissingKeyError:
                raise live.MissingKeyError(NO_KEY) from None
            finally:  # failed runs too: the error follows on its own line
                for w in caught:
                    warn(f"agentkit try: warning: {w.message}")
        results.append(r)
        if text_mode:
            if r.text and not r.text.endswith("\n"):
                sys.stdout.write("\n")
            sys.stdout.flush()
            warn(f"-- {r.agent or r.path} · {r.summary()}")
        if not r.complete:
            warn(f"agentkit try: {a.name or a.path}: cut short: {r.error}")
    if not text_mode:
        rows = [{**r.to_dict(), "source_label": r.source_label} for r in results]
        echo_json(rows if compare else rows[0])
    return OK if all(r.complete for r in results) else PROBLEMS


def _echo(chunk: str) -> None:
    sys.stdout.write(chunk)
    sys.stdout.flush()  # show text as it arrives


def _prompt_text(prompt: str) -> str:
    """PROMPT, or standard input for `-`: text, or a usage error (a prompt that is not UTF-8 can't be sent)."""
    if prompt == "-":
        stream = getattr(sys.stdin, "buffer", None)
        if stream is None:
            raise click.UsageError("PROMPT is '-' but standard input is closed")
        try:
            return stream.read().decode("utf-8")
        except UnicodeDecodeError as exc:
            raise click.UsageError(
                f"the prompt on standard input is not valid UTF-8 (first bad byte at offset {exc.start})"
            ) from None
    return utf8_text(prompt, param_hint="'PROMPT'")
