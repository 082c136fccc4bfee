"""The `agentkit` command: a thin layer over the library. Exit codes: 0 fine, 1 problems found, 2 usage."""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

# Feature modules that add their own subcommands through `register(subparsers)`.
_FEATURE_CLIS = ("agentkit.cli._lint", "agentkit.cli._overlap", "agentkit.cli._live", "agentkit.cli._verify")


class UsageError(Exception):
    """A mistake in the command line: exit code 2."""


def _paths(values: Sequence[str]) -> list[Path]:
    paths = [Path(v) for v in values]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(missing)}")
    return paths


def _json_default(value: Any) -> Any:
    return str(value)


def cmd_inventory(args: argparse.Namespace) -> int:
    import agentkit

    return _print_inventory(agentkit.load(*_paths(args.paths)), args.format)


def cmd_discover(args: argparse.Namespace) -> int:
    import agentkit

    project = _paths([args.project])[0]
    agents = agentkit.discover(project, home=args.home, managed=args.managed)
    return _print_inventory(agents, args.format)


def _print_inventory(agents: Any, format: str) -> int:
    from agentkit._reader.agent import CORE_COLUMNS

    rows = [a.to_dict() for a in agents]
    if format == "json":
        json.dump(rows, sys.stdout, indent=2, ensure_ascii=False, default=_json_default)
        sys.stdout.write("\n")
    elif format == "csv":
        writer = csv.writer(sys.stdout)
        columns = [*CORE_COLUMNS, "scope", "shadowed_by"]
        writer.writerow(columns)
        for row in rows:
            tools = row["tools"]
            row = {**row, "tools": "" if tools is None else ", ".join(tools)}
            writer.writerow(["" if row[c] is None else row[c] for c in columns])
    else:
        sys.stdout.write(inventory_table(rows))
    return 0


def inventory_table(rows: list[dict[str, Any]]) -> str:
    scoped = any(row["scope"] for row in rows)
    scope_head = f"{'scope':9}" if scoped else ""
    lines = [f"{'':3}{scope_head}{'parse':9}{'name':32}{'model':10}{'tools':>6}  path"]
    for row in rows:
        tools = "all" if row["tools"] is None else str(len(row["tools"]))
        name = str(row["qualified_name"] or row["name"] or "-")[:31]
        model = str(row["model"] or "-")[:9]
        mark = "ok" if row["loaded"] else "XX"
        if row["shadowed_by"]:
            mark = "--"
        scope = f"{row['scope'] or '-':9}" if scoped else ""
        lines.append(f"{mark:3}{scope}{row['parse']:9}{name:32}{model:10}{tools:>6}  {row['path']}")
        if not row["loaded"]:
            lines.append(f"{'':11}dropped: {row['reason']}")
        elif row["shadowed_by"]:
            lines.append(f"{'':11}shadowed: {row['shadowed_by']} defines the same name and wins")
    loaded = sum(r["loaded"] for r in rows)
    fallback = sum(r["parse"] == "fallback" for r in rows)
    lines.append(
        f"{len(rows)} files: {loaded} loaded ({fallback} only through the fallback), {len(rows) - loaded} dropped"
    )
    return "\n".join(lines) + "\n"


def _parse_assignment(text: str) -> tuple[str, Any]:
    if "=" not in text:
        raise UsageError(f"--set takes KEY=VALUE, not {text!r}")
    key, value = text.split("=", 1)
    if not key:
        raise UsageError(f"--set takes KEY=VALUE, not {text!r}")
    return key, value


def _typed(key: str, value: str) -> Any:
    """Command-line values are text; a few keys take other types in Claude Code."""
    if key in ("maxTurns",) and value.isdigit():
        return int(value)
    if key == "background" and value in ("true", "false"):
        return value == "true"
    if key in ("hooks", "mcpServers") and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError as exc:
            raise UsageError(f"{key} must be JSON here: {exc}") from exc
    return value


def cmd_edit(args: argparse.Namespace) -> int:
    import agentkit

    path = _paths([args.file])[0]
    agent = agentkit.load(path)[0]
    changes: dict[str, Any] = {}
    for item in args.set or []:
        key, value = _parse_assignment(item)
        changes[key] = _typed(key, value)
    for key in args.unset or []:
        changes[key] = None
    if args.body_file:
        changes["body"] = Path(args.body_file).read_text("utf-8")
    if not changes:
        raise UsageError("nothing to change: give --set KEY=VALUE, --unset KEY or --body-file")
    edited = agent.edit(changes)
    if args.dry_run:
        sys.stdout.write(edited.diff(agent))
        return 0
    saved = edited.save(force=args.force)
    print(f"wrote {saved.path}")
    if not saved.loaded:
        print(f"warning: Claude Code would not load it: {saved.reason}", file=sys.stderr)
        return 1
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    import agentkit
    from agentkit._edit.export import export_folder
    from agentkit._edit.write import atomic_write

    if not args.to and not args.agents_json and not args.sdk:
        raise UsageError("say where to export: --to DIR, --agents-json FILE or --sdk FILE")
    agents = agentkit.load(*_paths(args.paths))
    status = 0
    if args.to:
        report = export_folder(agents, args.to, overwrite=args.overwrite)
        for out in report.written:
            print(f"wrote {out}")
        for source, why in report.skipped:
            print(f"skipped {source}: {why}", file=sys.stderr)
        status = 1 if report.skipped else 0
    for target, shape in ((args.agents_json, agents.to_agents_json), (args.sdk, agents.to_sdk)):
        if target:
            text = json.dumps(shape(), indent=2, ensure_ascii=False) + "\n"
            if target == "-":
                sys.stdout.write(text)
            else:
                atomic_write(Path(target), text.encode("utf-8"))
                print(f"wrote {target}")
    return status


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agentkit",
        description="Read, lint, compare, edit and try Claude Code subagent files as Claude Code reads them.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("inventory", help="one row per agent file: loaded or not and why, name, tools, model")
    p.add_argument("paths", nargs="+", metavar="PATH", help="agent files or folders (searched recursively)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=cmd_inventory)

    p = sub.add_parser(
        "discover",
        help="every agent Claude Code would see from a project, by scope, and which file wins each name",
    )
    p.add_argument(
        "project", nargs="?", default=".", metavar="PROJECT", help="the working folder (default: .)"
    )
    p.add_argument(
        "--home", metavar="DIR", help="the home folder whose .claude/ holds user agents and plugins"
    )
    p.add_argument("--managed", metavar="DIR", help="the managed agents folder (default: the platform's)")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=cmd_discover)

    p = sub.add_parser("edit", help="change front matter keys, rewriting only their lines")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="set a key (repeatable)")
    p.add_argument("--unset", action="append", metavar="KEY", help="remove a key (repeatable)")
    p.add_argument("--body-file", metavar="FILE", help="replace the body with this file's text")
    p.add_argument("--dry-run", action="store_true", help="print a unified diff instead of writing")
    p.add_argument("--force", action="store_true", help="write even if the file changed on disk")
    p.set_defaults(func=cmd_edit)

    p = sub.add_parser("export", help="export agents to a folder, `claude --agents` JSON or SDK kwargs")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--to", metavar="DIR", help="one <name>.md file per loaded agent")
    p.add_argument("--agents-json", metavar="FILE", help="the `claude --agents` JSON ('-' for stdout)")
    p.add_argument("--sdk", metavar="FILE", help="claude-agent-sdk AgentDefinition kwargs as JSON")
    p.add_argument("--overwrite", action="store_true", help="replace files that exist in DIR")
    p.set_defaults(func=cmd_export)

    for module in _FEATURE_CLIS:
        importlib.import_module(module).register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from agentkit._errors import AgentkitError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed the usage message
        return int(exc.code or 0)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"agentkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except AgentkitError as exc:
        print(f"agentkit {args.command}: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
