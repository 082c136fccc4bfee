"""Live runs: agentkit's streaming overhead against the raw SDK, cache-hit latency, Claude Code mode.

Run from the repository root: `python benchmarks/live.py [--chunks 2000] [--repeat 7] [--claude-code 5]`.
The fake Messages API (the stand-in) runs in a subprocess (so its work does not share this process's GIL)
and writes a whole stream at once, so the client's parsing sets the pace. Goals: streaming through agentkit
at most 1.2x the raw SDK per chunk; a cache hit under 20 ms.

Then the two modes side by side on one sample agent and prompt: a Claude Code run's wall time against the
stand-in (the real binary, its startup and its tool loop; the stand-in answers at once, so this is Claude
Code's own overhead), and what each mode sends, read from the requests the stand-in recorded (an in-process
stand-in). Sizes are characters and the stand-in's word counts, not Claude's tokens: counting real tokens
needs a key.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

AGENT = """---
name: bench
description: A benchmark agent.
model: sonnet
---
You are a benchmark agent. Reply as told.
"""


def start_server() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", "from agentkit._oracle.standin import main; main()", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip().split("=", 1)[1]
    proc.stdout.readline()  # the key line
    return proc, base_url


def best_of(repeat: int, fn: Callable[[], object]) -> float:
    fn()  # warm up: connections, imports, first-use caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--hits", type=int, default=200)
    parser.add_argument(
        "--claude-code", type=int, default=5, metavar="N", help="Claude Code runs to time (0: skip)"
    )
    args = parser.parse_args(argv)

    proc, base_url = start_server()
    try:
        from agentkit._oracle.standin import FAKE_KEY

        os.environ.update(ANTHROPIC_BASE_URL=base_url, ANTHROPIC_API_KEY=FAKE_KEY)
        os.environ["AGENTKIT_HOME"] = tempfile.mkdtemp(prefix="agentkit-bench-")
        os.environ.pop("AGENTKIT_REPLAY", None)

        import anthropic

        import agentkit
        from agentkit import live

        agent = agentkit.loads(AGENT, path="bench.md")
        model = live.resolve_model(agent.model)
        prompt = f"stream [[chunks:{args.chunks}]]"
        request = {
            "model": model,
            "max_tokens": args.chunks + 10,
            "system": agent.prompt,
            "messages": [{"role": "user", "content": prompt}],
        }
        client = anthropic.Anthropic()

        def raw_events() -> None:
            parts = []
            for event in client.messages.create(**request, stream=True):
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    parts.append(event.delta.text)
            assert len(parts) == args.chunks

        def raw_text_stream() -> None:
            with client.messages.stream(**request) as s:
                parts = list(s.text_stream)
            assert len(parts) == args.chunks

        def kit() -> None:
            parts: list[str] = []
            r = live.run(agent, prompt, max_tokens=args.chunks + 10, no_cache=True, on_text=parts.append)
            assert r.complete and len(parts) == args.chunks

        t_events = best_of(args.repeat, raw_events)
        t_text = best_of(args.repeat, raw_text_stream)
        t_kit = best_of(args.repeat, kit)

        live.run(agent, "cache me")  # recorded once; every later call is a hit
        hits = []
        for _ in range(args.hits):
            t0 = time.perf_counter()
            r = live.run(agent, "cache me")
            hits.append(time.perf_counter() - t0)
            assert r.cached

        timed: dict[str, list[float]] = {"api": [], "claude-code": []}
        if args.claude_code:
            sample = agentkit.load(ROOT / "agents" / "code-reviewer.md")[0]
            for mode, runs in timed.items():
                live.run(sample, "warm up", mode=mode, no_cache=True)  # imports, first binary start
                for i in range(args.claude_code):
                    t0 = time.perf_counter()
                    r = live.run(sample, f"Review this change, please ({i})", mode=mode, no_cache=True)
                    runs.append(time.perf_counter() - t0)
                    assert r.complete and r.source == "stand-in", r.error
    finally:
        proc.terminate()
        proc.wait()

    per = 1e6 / args.chunks
    print(f"streaming {args.chunks} chunks, best of {args.repeat} (fake API in a subprocess)")
    print(f"{'':34}{'total ms':>10}{'us/chunk':>10}{'ratio':>8}")
    for label, t in (
        ("raw SDK, create(stream=True)", t_events),
        ("raw SDK, messages.stream()", t_text),
        ("agentkit live.run (+ history)", t_kit),
    ):
        print(f"{label:34}{t * 1e3:10.1f}{t * per:10.1f}{t / t_events:8.2f}")
    print(f"agentkit vs raw create(stream=True): {t_kit / t_events:.2f}x (goal <= 1.2x)")
    print(f"agentkit vs raw messages.stream():   {t_kit / t_text:.2f}x")
    print(
        f"cache hit, {args.hits} calls: median {statistics.median(hits) * 1e3:.2f} ms, "
        f"p95 {sorted(hits)[int(len(hits) * 0.95)] * 1e3:.2f} ms, best {min(hits) * 1e3:.2f} ms (goal < 20 ms)"
    )
    if timed["claude-code"]:
        for mode, runs in timed.items():
            print(
                f"{mode} mode, one run of code-reviewer against the stand-in, {len(runs)} runs: "
                f"median {statistics.median(runs) * 1e3:.0f} ms, best {min(runs) * 1e3:.0f} ms"
            )
        compare_modes()
    return 0


PROMPT = (
    "Review this change: `def total(xs): return sum(xs) / len(xs)` replaces `def total(xs): return sum(xs)`."
)


def _size(value: object) -> int:
    import json

    return len(value) if isinstance(value, str) else len(json.dumps(value, ensure_ascii=False))


def compare_modes() -> None:
    """What each mode sends for one agent and prompt, from the stand-in's recorded requests."""
    import agentkit
    from agentkit import live
    from tests.fake_messages_api import FakeMessagesAPI, count_tokens

    sample = agentkit.load(ROOT / "agents" / "code-reviewer.md")[0]
    rows = []
    with FakeMessagesAPI() as api:
        os.environ["ANTHROPIC_BASE_URL"] = api.base_url
        for mode in ("api", "claude-code"):
            api.reset()
            r = live.run(sample, PROMPT, mode=mode, no_cache=True)
            assert r.complete, r.error
            sent = [q for q in api.requests if q.is_messages]
            agent_request = next(q for q in sent if mode == "api" or q.is_subagent).body
            system = agent_request.get("system") or ""
            others = sum(_size(q.body) for q in sent if q.body is not agent_request)
            rows.append(
                (
                    mode,
                    len(sent),
                    others,
                    _size(system),
                    len(agent_request.get("tools") or []),
                    _size(agent_request.get("tools") or []),
                    _size(agent_request["messages"]),
                    _size(agent_request),
                    count_tokens(agent_request),
                    r.input_tokens,
                )
            )
    print("\nwhat one run of code-reviewer sends (the agent's first request; stand-in words, not tokens)")
    header = (
        "mode",
        "requests",
        "other chars",
        "system chars",
        "tools",
        "tool chars",
        "message chars",
        "body chars",
        "words",
    )
    print("".join(f"{h:>14}" for h in header))
    for row in rows:
        print("".join(f"{v:>14}" for v in row[:-1]))


if __name__ == "__main__":
    sys.exit(main())
