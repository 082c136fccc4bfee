"""Try a Claude Code release against agentkit: what changed, and does agentkit still read files as it does?

    python scripts/claude_code_upgrade.py                      # the newest claude-agent-sdk on PyPI
    python scripts/claude_code_upgrade.py --sdk-version 0.2.190
    python scripts/claude_code_upgrade.py --claude /path/to/claude   # a binary you already have

It installs the given claude-agent-sdk (which bundles one Claude Code release) into a scratch virtual
environment with pip, then, all offline against agentkit's stand-in Messages API:
1. asks both the pinned binary (the one the tests use now) and the candidate for the facts agentkit models:
   version, built-in agents, the main session's tools, what each known tool name, alias and removed name
   gives a subagent, what each alias resolves to in the main session;
2. runs the differential and facts test suites with AGENTKIT_CLAUDE pointing at the candidate;
3. prints what changed and, when everything passes, the one-line change that moves agentkit to it (the pin
   in pyproject.toml's extras claude-code, notebooks and test, and CLAUDE_CODE_MODEL_VERSION /
   CLAUDE_AGENT_SDK_VERSION in agentkit/_reader/claude_code.py).
Exit code: 0 when the test suites pass against the candidate, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from agentkit._oracle.binary import ClaudeCode, bundled_claude, find_claude  # noqa: E402
from agentkit._oracle.probe import (  # noqa: E402
    SubagentRequest,
    builtin_agents,
    session_tools,
    subagent_requests,
)
from agentkit._oracle.world import ScratchWorld  # noqa: E402
from agentkit._reader.claude_code import (  # noqa: E402
    BUILTIN_TOOLS,
    CLAUDE_AGENT_SDK_VERSION,
    CLAUDE_CODE_MODEL_VERSION,
    REMOVED_TOOLS,
    TOOL_ALIASES,
)

MCP_SERVER = ROOT / "tests" / "oracle_mcp_server.py"
MCP_ARGS = (
    "--mcp-config",
    json.dumps({"mcpServers": {"probe": {"command": sys.executable, "args": [str(MCP_SERVER)]}}}),
    "--strict-mcp-config",
)
EXTRAS = "(claude-code, notebooks, test)"  # the extras of pyproject.toml that pin claude-agent-sdk
SUITES = ("tests/test_claude_code_facts.py", "tests/test_differential.py")
# The tests of the pin itself: they fail for any other release until the pin moves, so they are left out.
PIN_TESTS = "not test_the_binary_is_the_version_agentkit_names and not test_the_pins_agree"


def install(version: str | None, where: Path) -> tuple[Path, str]:
    """pip-install claude-agent-sdk (newest, or `version`) into a new virtual environment; its binary."""
    subprocess.run([sys.executable, "-m", "venv", str(where)], check=True)
    python = where / ("Scripts" if os.name == "nt" else "bin") / "python"
    spec = f"claude-agent-sdk=={version}" if version else "claude-agent-sdk"
    print(f"installing {spec} into {where} ...", flush=True)
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", spec],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # pip's own output only when it failed (it warns a lot on some machines)
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"pip could not install {spec}")
    found = subprocess.run(
        [
            str(python),
            "-c",
            "import claude_agent_sdk, importlib.metadata as m, pathlib; "
            "print(m.version('claude-agent-sdk')); "
            "print(pathlib.Path(claude_agent_sdk.__file__).parent / '_bundled' / 'claude')",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split("\n")
    print(f"installed claude-agent-sdk {found[0]}")
    return Path(found[1].strip()), found[0].strip()


def _outcome(result: object) -> str:
    if isinstance(result, SubagentRequest):
        return "granted " + ",".join(result.tools)
    match = re.search(r"(unrecognized|not available to subagents) \[", str(result))
    return match.group(1) if match else "refused"


def facts(claude: ClaudeCode) -> dict[str, object]:
    """What this binary shows about the facts agentkit models (a handful of offline runs)."""
    names = sorted(set(BUILTIN_TOOLS) | set(TOOL_ALIASES) | set(TOOL_ALIASES.values()) | set(REMOVED_TOOLS))
    names.append("BashOutput")
    files = {f"{n}.md": f"---\nname: only-{n}\ndescription: Probe.\ntools: {n}\n---\nProbe.\n" for n in names}
    spawned = subagent_requests(
        files, [f"only-{n}" for n in names], claude=claude, args=MCP_ARGS, timeout=120
    )
    with ScratchWorld(claude) as world:
        main_tools = session_tools(("--tools", "default", *MCP_ARGS), world=world)
        aliases = {
            alias: sorted(
                t for t in session_tools(("--tools", alias, *MCP_ARGS), world=world) if "__" not in t
            )
            for alias in sorted(TOOL_ALIASES)
        }
    return {
        "version": claude.version,
        "builtin agents": sorted(f"{n} (Tools: {t})" for n, _, t in builtin_agents(claude)),
        "main session tools": sorted(t for t in main_tools if "__" not in t),
        "subagent gets": {n: _outcome(spawned[f"only-{n}"]) for n in names},
        "alias in main session": aliases,
    }


def compare(old: dict[str, object], new: dict[str, object]) -> list[str]:
    lines = []
    for key in new:
        before, after = old.get(key), new[key]
        if before == after:
            continue
        if isinstance(after, list) and isinstance(before, list):
            added, removed = sorted(set(after) - set(before)), sorted(set(before) - set(after))
            lines.append(f"{key}: +{added} -{removed}")
        elif isinstance(after, dict) and isinstance(before, dict):
            for name in sorted(set(before) | set(after)):
                if before.get(name) != after.get(name):
                    lines.append(f"{key} [{name}]: {before.get(name)!r} -> {after.get(name)!r}")
        else:
            lines.append(f"{key}: {before!r} -> {after!r}")
    return lines


def run_suites(claude: ClaudeCode) -> tuple[int, str]:
    env = {**os.environ, "AGENTKIT_CLAUDE": str(claude.path), "AGENTKIT_REQUIRE": "claude-code"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", PIN_TESTS, *SUITES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return done.returncode, done.stdout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sdk-version", help="the claude-agent-sdk release to try (default: the newest)")
    parser.add_argument("--claude", help="try this Claude Code binary instead of installing one")
    parser.add_argument("--keep", action="store_true", help="keep the scratch virtual environment")
    args = parser.parse_args(argv)
    started = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="agentkit-upgrade-"))
    try:
        sdk_version = None
        if args.claude:
            candidate = find_claude(args.claude)
        else:
            binary, sdk_version = install(args.sdk_version, scratch / "venv")
            candidate = find_claude(binary)
        pinned_path = bundled_claude()
        pinned = find_claude(pinned_path) if pinned_path else None
        print(f"pinned:    {pinned or 'none installed'} (agentkit names {CLAUDE_CODE_MODEL_VERSION})")
        print(f"candidate: {candidate}")
        print("collecting facts (a few offline runs of each binary) ...", flush=True)
        new = facts(candidate)
        old = facts(pinned) if pinned else {"version": CLAUDE_CODE_MODEL_VERSION}
        changes = compare(old, new)
        print(f"\n== what changed ({len(changes)})")
        for line in changes or ["nothing agentkit models"]:
            print(f"  {line}")
        print("\n== agentkit against the candidate", flush=True)
        status, output = run_suites(candidate)
        summary = [line for line in output.splitlines() if re.match(r"(generated|corpora)[ :(]", line)]
        tail = [line for line in output.splitlines() if re.search(r"\d+ (passed|failed)", line)]
        for line in summary + tail[-1:]:
            print(f"  {line}")
        failures = [line for line in output.splitlines() if line.startswith("FAILED")]
        for line in failures[:40]:
            print(f"  {line}")
        print(f"\n({time.monotonic() - started:.0f} s)")
        if status == 0:
            print("\nagentkit agrees with the candidate. To move to it, change:")
            if sdk_version:
                print(
                    f"  pyproject.toml extras {EXTRAS}: claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION} -> =={sdk_version}"
                )
            else:
                print(
                    f"  pyproject.toml extras {EXTRAS}: the claude-agent-sdk release that bundles this binary"
                )
            print(f"  agentkit/_reader/claude_code.py: CLAUDE_CODE_MODEL_VERSION = {new['version']!r}")
            print("  (and CLAUDE_AGENT_SDK_VERSION to the same release), plus any fact listed above")
        else:
            print("\nagentkit disagrees with the candidate: fix the reader or the facts above first.")
        return 0 if status == 0 else 1
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            import shutil

            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
