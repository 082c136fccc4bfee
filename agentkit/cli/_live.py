"""`agentkit try`: run agents on a prompt through the Anthropic API, streaming to the terminal.

Exit codes: 0 fine; 1 an API, key or replay error, or a stream cut short; 2 a usage error (bad arguments,
no such agent). Errors are one plain line on stderr. Heavy imports happen inside the handler.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

DEFAULT_FOLDERS = (".claude/agents", "agents")


class _Usage(Exception):
    pass


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "try",
        help="run an agent on a prompt through the Anthropic API (streamed, cached, recorded)",
        description="Run AGENT on PROMPT: the agent's body is the system prompt, PROMPT the user message. "
        "Needs ANTHROPIC_API_KEY unless the run is already recorded in $AGENTKIT_HOME/history.sqlite.",
    )
    p.add_argument("agent", metavar="AGENT", help="an agent file, or an agent's name in --agents DIR")
    p.add_argument("prompt", metavar="PROMPT", help="the user message ('-' reads standard input)")
    p.add_argument("--model", metavar="M", help="model alias or id, overriding the agent's `model`")
    p.add_argument(
        "--compare",
        nargs="+",
        action="extend",
        default=[],
        metavar="AGENT",
        help="also run these agents on the same prompt, and show them after AGENT",
    )
    p.add_argument(
        "--agents", metavar="DIR", help="where agent names are looked up (default: .claude/agents or agents/)"
    )
    p.add_argument("--no-cache", action="store_true", help="always make a request (and record it)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--max-tokens", type=_positive_int, default=None, metavar="N", help="default 4096")
    p.add_argument("--temperature", type=float, default=None, metavar="T")
    p.add_argument("--max-retries", type=int, default=2, metavar="N", help="SDK retries on 429/529/5xx")
    p.set_defaults(func=cmd_try)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _find_agent(spec: str, folder: str | None) -> Any:
    import agentkit

    path = Path(spec)
    if path.is_file():
        return agentkit.load(path)[0]
    if spec.endswith(".md") or "/" in spec or "\\" in spec:
        raise _Usage(f"no such agent file: {spec}")
    if folder is not None:
        if not Path(folder).is_dir():
            raise _Usage(f"--agents {folder}: no such folder")
        root = Path(folder)
    else:
        root = next((Path(f) for f in DEFAULT_FOLDERS if Path(f).is_dir()), None)
        if root is None:
            raise _Usage(f"{spec!r} is not a file, and there is no .claude/agents or agents/ folder here")
    matches = [a for a in agentkit.load(root) if a.name == spec]
    if not matches:
        raise _Usage(f"no agent named {spec!r} in {root}")
    # Prefer the one Claude Code would use: loaded and not shadowed by another file.
    matches.sort(key=lambda a: (not a.loaded, a.shadowed_by is not None))
    return matches[0]


def _stats(r: Any) -> str:
    tokens = f"{r.input_tokens if r.input_tokens is not None else '?'} in / {r.output_tokens or 0} out tokens"
    cost = f"${r.cost_usd:.6f}" if r.cost_usd is not None else "$? (no price for this model)"
    latency = f"{r.latency_s:.2f} s" if r.latency_s is not None else "? s"
    return (
        f"-- {r.agent or r.path} · {r.model} · {tokens} · {cost} · {latency}{' (cached)' if r.cached else ''}"
    )


def cmd_try(args: argparse.Namespace) -> int:
    from agentkit._errors import AgentkitError

    try:
        return _try(args)
    except _Usage as e:
        print(f"agentkit try: {e}", file=sys.stderr)
        return 2
    except (AgentkitError, OSError) as e:
        print(f"agentkit try: {e}", file=sys.stderr)
        return 1


def _try(args: argparse.Namespace) -> int:
    from agentkit import live

    prompt = sys.stdin.read() if args.prompt == "-" else args.prompt
    agents = [_find_agent(spec, args.agents) for spec in [args.agent, *args.compare]]
    for a in agents:
        if not a.loaded:
            print(f"agentkit try: warning: Claude Code would not load {a.path}: {a.reason}", file=sys.stderr)
    options: dict[str, Any] = {
        "model": args.model,
        "max_tokens": args.max_tokens or live.DEFAULT_MAX_TOKENS,
        "temperature": args.temperature,
        "no_cache": args.no_cache,
        "max_retries": args.max_retries,
    }
    text_mode = args.format == "text"
    results = []
    for a in agents:
        if text_mode and len(agents) > 1:
            print(f"== {a.name} ({a.path}) ==", flush=True)
        r = live.run(a, prompt, on_text=_echo if text_mode else None, **options)
        results.append(r)
        if text_mode:
            if r.text and not r.text.endswith("\n"):
                sys.stdout.write("\n")
            sys.stdout.flush()
            print(_stats(r), file=sys.stderr)
        if not r.complete:
            print(f"agentkit try: {a.name or a.path}: cut short: {r.error}", file=sys.stderr)
    if not text_mode:
        rows = [r.to_dict() for r in results]
        json.dump(rows if args.compare else rows[0], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    return 0 if all(r.complete for r in results) else 1


def _echo(chunk: str) -> None:
    sys.stdout.write(chunk)
    sys.stdout.flush()  # show text as it arrives
