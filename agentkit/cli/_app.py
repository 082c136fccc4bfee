"""The click group. Subcommands live in their own modules and are imported on first use."""

from __future__ import annotations

import importlib
import select
import sys
from typing import Any

import click

# name -> (module, function, one-line help). The help is here so `agentkit --help` imports nothing else.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "inventory": ("agentkit.cli._inventory", "inventory", "One row per agent file: loaded or not and why."),
    "discover": (
        "agentkit.cli._inventory",
        "discover",
        "What Claude Code sees from a project: every folder, who wins a name.",
    ),
    "lint": ("agentkit.cli._lint", "lint", "Say what Claude Code will drop or misread, and fix it."),
    "edit": ("agentkit.cli._edit", "edit", "Change front matter keys, rewriting only their lines."),
    "export": (
        "agentkit.cli._edit",
        "export",
        "Export agents to a folder, `claude --agents` JSON or SDK definitions.",
    ),
    "overlap": (
        "agentkit.cli._overlap",
        "overlap",
        "Which agents are the same role, copy each other or compete for requests.",
    ),
    "try": (
        "agentkit.cli._try",
        "try_",
        "Run agents on a prompt (the Anthropic API, or Claude Code itself).",
    ),
    "route": (
        "agentkit.cli._route",
        "route",
        "Will Claude Code hand a request to your agent? Its own request, sampled.",
    ),
    "verify": (
        "agentkit.cli._verify",
        "verify",
        "Prove agentkit's reading of your files against Claude Code itself.",
    ),
    "eval": (
        "agentkit.cli._eval",
        "eval_",
        "Run an evaluation suite: pass rates, paired comparisons, routing; gate CI on them.",
    ),
    "usage": (
        "agentkit.cli._usage",
        "usage",
        "How agents are really used: invocations, tokens and cost from Claude Code's transcripts.",
    ),
}


class StdoutGone(Exception):
    """The reader of standard output went away (`| head -1`). Not an OSError, so that click, which ends
    such a pipe with exit 1 and no word, lets it through to `main`: a reader that stops early is not a
    failure."""


class PipeBroken(Exception):
    """Another pipe broke (to a child process): an error with a message, not an early reader."""


class LazyGroup(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BrokenPipeError as exc:
            if stdout_reader_gone():
                raise StdoutGone() from exc
            raise PipeBroken(f"a pipe broke ({exc.strerror or exc})") from exc

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_text) for name, (_, _, help_text) in COMMANDS.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _version() -> str:
    from agentkit import CLAUDE_CODE_MODEL_VERSION, __version__

    return f"agentkit {__version__} (reads agents as Claude Code {CLAUDE_CODE_MODEL_VERSION} does)"


def _print_version(ctx: click.Context, _param: Any, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(_version())
        ctx.exit(0)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Show the version and exit.",
)
def cli() -> None:
    """See, fix, compare and try Claude Code subagent files, read exactly as Claude Code reads them.

    Exit codes: 0 done and nothing wrong found; 1 problems found, or an error with a plain message;
    2 a usage error (a bad option, a path that does not exist).
    """


def stdout_reader_gone() -> bool:
    """Has the reader of standard output closed its end? (poll reports an error on a pipe without one.)
    When it cannot be told (no poll, not a file), assume so, as the broken pipe most likely was stdout's."""
    try:
        poller = select.poll()
        poller.register(sys.stdout.fileno(), select.POLLOUT)
        events = poller.poll(0)
    except (AttributeError, OSError, ValueError):
        return True
    return any(event & (select.POLLERR | select.POLLHUP) for _, event in events)
