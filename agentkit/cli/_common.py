"""What several commands share: path arguments, output formats, JSON output, the exit codes."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli import OK, PROBLEMS, USAGE

__all__ = ["OK", "PROBLEMS", "USAGE", "echo_json", "existing_paths", "format_option", "warn"]


def existing_paths(required: bool = True) -> Any:
    """PATH... arguments that must exist (a missing one is a usage error, exit 2)."""
    return click.argument(
        "paths",
        nargs=-1,
        required=required,
        type=click.Path(exists=True, path_type=Path),
        metavar="PATH...",
    )


def format_option(*choices: str) -> Any:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default=choices[0],
        show_default=True,
        help="Output format.",
    )


def echo_json(value: Any, *, compact: bool = False) -> None:
    """JSON on standard output; values JSON cannot hold become text. `compact` (one line, no indent) is
    several times faster to write for large outputs."""
    from agentkit.cli import stream_is_utf8
    from agentkit.reader import json_text

    # \u escapes where the stream cannot hold the characters: still the same JSON.
    ascii_only = not stream_is_utf8(sys.stdout)
    sys.stdout.write(json_text(value, indent=None if compact else 2, ensure_ascii=ascii_only) + "\n")


def echo_json_records(head: dict[str, Any], key: str, frame: Any) -> None:
    """`head` as a JSON object with one more key, `key`, holding the rows of a DataFrame as objects, written
    a few thousand rows at a time by pandas' C encoder: hundreds of thousands of rows stay fast and never
    sit in memory as one text."""
    from agentkit.cli import stream_is_utf8
    from agentkit.reader import json_text

    ascii_only = not stream_is_utf8(sys.stdout)
    opening = json_text({**head, key: []}, indent=None, ensure_ascii=ascii_only)
    write = sys.stdout.write
    write(opening[: -len("[]}")] + "[")
    for first in range(0, len(frame), 5000):
        chunk = frame.iloc[first : first + 5000]
        try:
            rows = chunk.to_json(orient="records", force_ascii=ascii_only, double_precision=15)
        except UnicodeEncodeError:  # a lone surrogate (a file name that is not UTF-8): pandas cannot
            rows = json_text(chunk.to_dict(orient="records"), indent=None, ensure_ascii=ascii_only)
        # pandas escapes every "/" as "\/" (valid JSON, but paths read badly): every "\/" is such an escape.
        write(("," if first else "") + "\n" + rows[1:-1].replace("\\/", "/"))
    write("\n]}\n")


def utf8_text(value: str, param_hint: str | None = None) -> str:
    """A command-line value as text, or a usage error: bytes that are not UTF-8 reach Python as lone
    surrogates, which can be neither written to a file nor sent."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise click.BadParameter(f"{value!r} is not valid UTF-8 text", param_hint=param_hint) from None
    return value


def write_out(text: str | bytes) -> None:
    """Standard output: text, or bytes that are UTF-8 text (large outputs are built as bytes: one text of
    hundreds of megabytes takes four bytes a character as soon as one character is outside the BMP)."""
    if isinstance(text, str):
        sys.stdout.write(text)
        return
    from agentkit.cli import stream_is_utf8

    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None or not stream_is_utf8(sys.stdout) or os.linesep != "\n":
        sys.stdout.write(text.decode("utf-8"))  # the stream encodes (escapes) or translates newlines
        return
    sys.stdout.flush()
    buffer.write(text)
    buffer.flush()


def warn(message: str) -> None:
    click.echo(message, err=True)


def no_cache_option() -> Any:
    return click.option(
        "--no-cache",
        is_flag=True,
        help="Read every file again and leave agentkit's cache alone (it keeps each file's results, so a "
        "second run over unchanged files reads none of them).",
    )


def open_cache(command: str, paths: tuple[Path, ...], options: dict[str, Any], enabled: bool) -> Any:
    """agentkit's cache (agentkit/_cache.py) for `command` run on `paths` with `options`: a cache that is
    off when not `enabled`. What cannot be read of it is said on stderr, and the run goes on without it."""
    from agentkit.reader import FileCache

    if not enabled:
        return FileCache.off()
    from agentkit import CLAUDE_CODE_MODEL_VERSION, __version__

    key = {
        **options,
        "paths": [str(path) for path in paths],
        "agentkit": __version__,
        "claude_code": CLAUDE_CODE_MODEL_VERSION,
    }
    cache = FileCache.open(command, key)
    _say(command, cache)
    return cache


def save_cache(command: str, cache: Any) -> None:
    cache.save()
    _say(command, cache)


def _say(command: str, cache: Any) -> None:
    for message in cache.warnings:
        warn(f"agentkit {command}: {message}")
    cache.warnings.clear()


def no_agents(paths: tuple[Path, ...]) -> int:
    """An empty selection is a problem worth an exit code, not silence."""
    warn(f"no agent files (*.md) found in {', '.join(str(p) for p in paths)}")
    return PROBLEMS
