"""Live runs: agentkit's streaming overhead against the raw SDK, and cache-hit latency.

Run from the repository root: `python benchmarks/live.py [--chunks 2000] [--repeat 7]`.
The fake Messages API runs in a subprocess (so its work does not share this process's GIL) and writes
a whole stream at once, so the client's parsing sets the pace. Goals: streaming through agentkit at most
1.2x the raw SDK per chunk; a cache hit under 20 ms.
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
        [sys.executable, "-m", "agentkit._oracle.standin", "--port", "0"],
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
    return 0


if __name__ == "__main__":
    sys.exit(main())
