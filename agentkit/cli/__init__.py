"""The `agentkit` command: a thin click layer over the library (as sqlite-utils and llm do it).

Exit codes, the same for every command (README, "The command line"):
  0  done, nothing wrong found;
  1  problems found (an error finding, a dropped file, a disagreement, a run cut short, a failed
     threshold), or an error with a one-line message (unreadable file, API error);
  2  a usage error: a bad option or value, a path that does not exist.
Subcommands are imported only when run, so `agentkit --help` stays fast.
"""

from __future__ import annotations

import codecs
import os
import sys
from collections.abc import Sequence

OK, PROBLEMS, USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return its exit code. Run as the program (no `argv`: the `agentkit` command,
    `python -m agentkit`), a command that left its work to the exit (`leave_for_exit`) ends the process
    here, once its output is flushed."""
    global _left_for_exit
    if argv is not None:
        return _main(argv)
    _left_for_exit = []
    code = _main(argv)
    if _left_for_exit:
        _exit_now(code)
    _left_for_exit = None
    return code


# Objects a command built that need not be freed one by one: the process ends without it (os._exit) and the
# operating system takes the memory back at once. Hundreds of thousands of small objects take a tenth of a
# second or more to free; the interpreter's own exit would also collect them. Only when run as the program.
_left_for_exit: list[object] | None = None


def leave_for_exit(*objects: object) -> None:
    """Keep `objects` alive until the program ends, to end it without freeing them (see `main`). A command
    calls this when it has nothing left to do but exit: nothing it registered to run at exit would run."""
    if _left_for_exit is not None:
        _left_for_exit.extend(objects)


def _exit_now(code: int) -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (OSError, ValueError):  # the reader went away at the very end: nothing left to tell it
            pass
    os._exit(code)


def _main(argv: Sequence[str] | None) -> int:
    import click

    from agentkit import AgentkitError
    from agentkit.cli._app import PipeBroken, StdoutGone, cli

    args = list(sys.argv[1:] if argv is None else argv)
    if sys.stdout is None:  # started with stdout closed (`>&-`): nowhere to write the answer
        if sys.stderr is not None:
            print(f"agentkit {_command(args)}: standard output is closed", file=sys.stderr)
        return PROBLEMS
    _tolerate_narrow_terminals()
    try:
        result = cli.main(args=args, prog_name="agentkit", standalone_mode=False)
    except click.exceptions.Exit as exc:  # --help, --version
        return int(exc.exit_code)
    except click.ClickException as exc:  # usage errors: bad options, missing paths
        exc.show()
        return USAGE if isinstance(exc, click.UsageError) else exc.exit_code
    except click.exceptions.Abort:
        print("interrupted", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except (BrokenPipeError, StdoutGone):
        _silence_stdout()
        return OK
    except (AgentkitError, OSError, PipeBroken) as exc:
        print(f"agentkit {_command(args)}: {_one_line(exc)}", file=sys.stderr)
        return PROBLEMS
    except Exception as exc:  # a bug: still one line, the traceback only on request
        if os.environ.get("AGENTKIT_DEBUG"):
            raise
        print(
            f"agentkit {_command(args)}: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(set AGENTKIT_DEBUG=1 for the traceback, and please report it)",
            file=sys.stderr,
        )
        return PROBLEMS
    return int(result or OK)


def _command(args: list[str]) -> str:
    return next((a for a in args if not a.startswith("-")), "").strip() or "command"


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    if isinstance(exc, OSError) and exc.strerror:
        text = f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    return " ".join(text.split("\n"))


def _tolerate_narrow_terminals() -> None:
    # An agent's text may hold any character; a stream that cannot encode one (PYTHONIOENCODING=ascii,
    # a Latin-1 console) gets an escape instead of an exception half way through the output. A UTF-8
    # stream still meets lone surrogates: a file name that is not UTF-8 (Python spells its bytes as
    # U+DC80-U+DCFF) is written back as those bytes, as `ls` shows it; an escaped surrogate in front
    # matter ("\udfff") is written as that escape.
    for stream in (sys.stdout, sys.stderr):
        if stream is None or not hasattr(stream, "reconfigure"):
            continue
        errors = _SURROGATES if stream_is_utf8(stream) else "backslashreplace"
        try:
            stream.reconfigure(errors=errors)
        except (OSError, ValueError):
            pass


_SURROGATES = "agentkit.surrogates"


def _write_surrogates(error: UnicodeError) -> tuple[bytes | str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start : error.end]
    if all("\udc80" <= char <= "\udcff" for char in bad):
        return bytes(ord(char) - 0xDC00 for char in bad), error.end
    return "".join(f"\\u{ord(char):04x}" for char in bad), error.end  # UTF-8 refuses only surrogates


codecs.register_error(_SURROGATES, _write_surrogates)


def stream_is_utf8(stream: object) -> bool:
    encoding = getattr(stream, "encoding", None) or ""
    return encoding.lower().replace("_", "-") in ("utf-8", "utf8")


def _silence_stdout() -> None:
    # Python would report the broken pipe again when it flushes stdout at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
