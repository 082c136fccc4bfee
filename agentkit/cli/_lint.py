"""`agentkit lint PATH... [--format text|json|sarif] [--fix] [--dry-run] [--select IDS] [--ignore IDS]`.

Exit codes: 0 no error-level finding, 1 at least one, 2 a usage error (unknown rule, missing path).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from agentkit._errors import AgentkitError
from agentkit._reader.agent import Agent


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "lint",
        help="say what Claude Code will drop or misread, and fix it",
        description="Report what Claude Code does with each agent file (dropped, misread, ...); "
        "--fix repairs "
        "what can be repaired by rewriting only the offending lines.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="agent files or folders (searched recursively)")
    p.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    p.add_argument("--fix", action="store_true", help="repair fixable findings in place (atomic writes)")
    p.add_argument("--dry-run", action="store_true", help="with --fix: print the diff instead of writing")
    p.add_argument(
        "--select", metavar="IDS", help="only these rules: IDs, ID prefixes or names, comma-separated"
    )
    p.add_argument("--ignore", metavar="IDS", help="skip these rules (same forms as --select)")
    p.set_defaults(func=handle)


def _use_color(stream: TextIO) -> bool:
    return hasattr(stream, "isatty") and stream.isatty() and "NO_COLOR" not in os.environ


def _usage(message: str) -> int:
    print(f"agentkit lint: {message}", file=sys.stderr)
    return 2


def handle(args: argparse.Namespace) -> int:
    import agentkit
    from agentkit._lint.engine import (
        UnknownRuleError,
        findings,
        resolve_rules,
        summary_line,
        to_json,
        to_sarif,
        to_text,
    )
    from agentkit._lint.fixes import fix_agent

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        return _usage(f"no such file or folder: {', '.join(missing)}")
    if args.dry_run and not args.fix:
        args.fix = True  # --dry-run alone means "show me what --fix would do"
    try:
        rules = resolve_rules(args.select, args.ignore)
    except UnknownRuleError as exc:
        return _usage(str(exc))

    agents: list[Agent] = list(agentkit.load(*args.paths))
    problems = 0
    if args.fix:
        diff_out = sys.stdout if args.format == "text" else sys.stderr
        for index, agent in enumerate(agents):
            try:
                result = fix_agent(agent, args.select, args.ignore)
            except AgentkitError as exc:
                print(f"{agent.path}: not fixed: {exc}", file=sys.stderr)
                problems += 1
                continue
            for failure in result.failed:
                print(f"{agent.path}: {failure}", file=sys.stderr)
            if not result.changed:
                continue
            if args.dry_run:
                diff_out.write(result.agent.diff())
                agents[index] = result.agent  # report what would remain after the fix
                continue
            try:
                agents[index] = result.agent.save()
            except (AgentkitError, OSError) as exc:
                print(f"{agent.path}: not saved: {exc}", file=sys.stderr)
                problems += 1
                continue
            print(f"{agent.path}: fixed {', '.join(result.fixed)}", file=sys.stderr)

    items = findings(agents, args.select, args.ignore)
    if args.format == "json":
        sys.stdout.write(to_json(items))
    elif args.format == "sarif":
        sys.stdout.write(json.dumps(to_sarif(items, rules), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(to_text(items, len(agents), color=_use_color(sys.stdout)))
    if args.format != "text":
        print(summary_line(items, len(agents)), file=sys.stderr)
    return 1 if problems or any(f.severity == "error" for f in items) else 0
