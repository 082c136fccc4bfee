"""`agentkit verify [PATH...] [--claude PATH] [--format text|json]`: agentkit's reading against Claude Code's.

Exit codes: 0 no disagreement, 1 at least one (or no Claude Code binary to run, said in one line), 2 a usage
error. The logic is `verify_command`, a plain function, so another command-line front end can call it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEFAULT_FOLDER = Path(".claude") / "agents"


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check agentkit's reading of agent files against the real Claude Code binary",
        description="Run Claude Code (offline, in a scratch folder, against a local stand-in of the API) on "
        "copies of the agent files and compare what it loads (names, descriptions, tools as it shows "
        "them) with agentkit's reading. Prints every disagreement.",
    )
    p.add_argument(
        "paths",
        nargs="*",
        metavar="PATH",
        help=f"agent files or folders (default: {DEFAULT_FOLDER.as_posix()} if it exists)",
    )
    p.add_argument(
        "--claude",
        metavar="PATH",
        help="the Claude Code binary (default: $AGENTKIT_CLAUDE, `claude` on PATH, or the one bundled in "
        "claude-agent-sdk)",
    )
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    return verify_command(args.paths, args.claude, args.format)


def verify_command(paths: Sequence[str], claude: str | None, fmt: str = "text") -> int:
    """Print the binary used and every disagreement; 0 if none, 1 if any or no binary, 2 on a usage error."""
    from agentkit._errors import ClaudeCodeNotFound
    from agentkit._oracle.probe import OracleError
    from agentkit._oracle.verify import verify

    chosen = list(paths)
    if not chosen:
        if not DEFAULT_FOLDER.is_dir():
            print(
                f"agentkit verify: give agent files or folders (there is no {DEFAULT_FOLDER} here)",
                file=sys.stderr,
            )
            return 2
        chosen = [str(DEFAULT_FOLDER)]
    missing = [p for p in chosen if not Path(p).exists()]
    if missing:
        print(f"agentkit verify: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2
    try:
        report = verify(chosen, claude)
    except ClaudeCodeNotFound as exc:
        print(f"agentkit verify: {exc}", file=sys.stderr)
        return 1
    except OracleError as exc:
        print(f"agentkit verify: Claude Code did not answer as expected: {exc}", file=sys.stderr)
        return 1
    if fmt == "json":
        sys.stdout.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(report.to_text())
    return 0 if report.ok else 1
