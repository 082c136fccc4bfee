#!/usr/bin/env python3
"""CI: what a newcomer gets from the README's first command alone.

    python3 .ci/readme_env.py          # from anywhere; .ci/run runs it before the test command

1. Copies the project (committed files and untracked ones that are not ignored, so a notebook being added
   counts; never a .venv) into a scratch folder.
2. Runs there exactly the install part of the README's first command: the line after
   `<!-- notebooks-command -->`, up to `&& .venv/bin/jupyter lab`.
3. With that environment's Python, and without an API key (the notebooks then replay their recordings, as
   a newcomer's do), executes every notebooks/*.ipynb from its own folder, as Run All does, and fails on
   any error output or traceback.
4. Runs `agentkit verify agents` and the README's `agentkit try` examples there (Claude Code mode too).

Exit 0 when all of that works; 1 saying what failed; 2 when the README has no such command.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- notebooks-command -->"
LAUNCH = ".venv/bin/jupyter lab"
CELL_TIMEOUT_S = 600
# What a newcomer's shell does not have: our keys and endpoints, CI's settings, another Python's paths.
DROPPED_PREFIXES = ("ANTHROPIC_", "AGENTKIT_", "CLAUDE_", "PYTHON", "VIRTUAL_ENV", "JUPYTER_", "PIP_REQUIRE")


def first_command(readme: str) -> str:
    """The README's first command: the line after the marker and the ```bash fence."""
    if MARKER not in readme:
        raise ValueError(f"README.md has no {MARKER} marker before its first command")
    lines = readme.split(MARKER, 1)[1].lstrip("\n").splitlines()
    if len(lines) < 2 or not lines[0].startswith("```"):
        raise ValueError(f"README.md: no ```bash block right after {MARKER}")
    return lines[1].strip()


def install_part(command: str) -> str:
    """The command up to the `&& .venv/bin/jupyter lab ...` that opens the notebooks."""
    parts = command.split(" && ")
    launch = [i for i, part in enumerate(parts) if part.startswith(LAUNCH)]
    if not launch or launch[0] == 0:
        raise ValueError(f"the first command does not end in `&& {LAUNCH} ...`: {command}")
    install = " && ".join(parts[: launch[0]])
    if "pip install" not in install:
        raise ValueError(f"the first command installs nothing: {command}")
    return install


def launch_part(command: str) -> list[str]:
    """The words of the part that opens the notebooks (`.venv/bin/jupyter lab NOTEBOOK ...`)."""
    part = next(p for p in command.split(" && ") if p.startswith(LAUNCH))
    return shlex.split(part)


def try_examples(readme: str) -> str:
    """The bash block of the README's "Try agents live" section that runs `agentkit try`."""
    section = readme.split("## Try agents live", 1)[1].split("\n## ", 1)[0]
    blocks = [block.split("```", 1)[0] for block in section.split("```bash\n")[1:]]
    return next(block for block in blocks if "agentkit try" in block)


def newcomer_env(venv: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(DROPPED_PREFIXES)}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', os.defpath)}"
    return env


def copy_project(root: Path, target: Path) -> int:
    """Copy what a clone holds (plus untracked files that are not ignored) to `target`; the file count."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8", "surrogateescape")
    count = 0
    for name in filter(None, listed.split("\0")):
        source = root / name
        if not source.exists() and not source.is_symlink():  # deleted in this work tree
            continue
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target / name, follow_symlinks=False)
        count += 1
    return count


def notebooks_in(project: Path) -> list[Path]:
    """Every notebook of the project: notebooks/*.ipynb, whatever their names."""
    return sorted((project / "notebooks").glob("*.ipynb"))


def notebook_problems(nb: Any) -> list[str]:
    """Error outputs and tracebacks printed to stderr, one line each (cell numbers from 1)."""
    problems = []
    for number, cell in enumerate(nb.cells, 1):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {number}: {output.get('ename')}: {output.get('evalue')}")
            elif output.get("name") == "stderr" and "Traceback (most recent call last)" in output.get(
                "text", ""
            ):
                last = output["text"].strip().splitlines()[-1]
                problems.append(f"cell {number}: a traceback on stderr: {last}")
    return problems


def execute_notebooks(paths: list[Path]) -> int:
    """Run in the README's environment: execute each notebook from its folder; 1 if any has a problem."""
    import nbformat
    from nbclient import NotebookClient

    failed = 0
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        started = time.monotonic()
        client = NotebookClient(
            nb,
            timeout=CELL_TIMEOUT_S,
            kernel_name="python3",
            allow_errors=True,  # run every cell, report every error
            resources={"metadata": {"path": str(path.parent)}},
        )
        try:
            client.execute()
            problems = notebook_problems(nb)
        except Exception as exc:  # a kernel that died, a cell that timed out
            problems = [
                f"{type(exc).__name__}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}"
            ]
        seconds = time.monotonic() - started
        print(f"  {path.parent.name}/{path.name}: {len(nb.cells)} cells, {seconds:.1f} s, ", end="")
        print("no error" if not problems else f"{len(problems)} problem(s):", flush=True)
        for problem in problems:
            print(f"    {problem}")
        failed += bool(problems)
    return 1 if failed else 0


def run(step: str, command: list[str] | str, cwd: Path, env: dict[str, str], log: Path | None = None) -> None:
    """Run one step (a string runs in bash); its output goes to `log` when given, shown if it fails."""
    started = time.monotonic()
    shown = command if isinstance(command, str) else shlex.join(command)
    print(f"+ {shown}" + (f"  (output in {log})" if log else ""), flush=True)
    out = open(log, "w") if log else None  # noqa: SIM115 - closed below
    try:
        done = subprocess.run(
            ["bash", "-c", command] if isinstance(command, str) else command,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT if out else None,
        )
    finally:
        if out:
            out.close()
    if done.returncode != 0:
        if log:
            print("".join(log.read_text(errors="replace").splitlines(keepends=True)[-30:]))
        raise SystemExit(f"readme environment: {step} failed (exit {done.returncode})")
    print(f"  {step}: {time.monotonic() - started:.0f} s", flush=True)


def main() -> int:
    if sys.argv[1:2] == ["--execute"]:
        return execute_notebooks([Path(p) for p in sys.argv[2:]])
    readme = (ROOT / "README.md").read_text("utf-8")
    try:
        install = install_part(first_command(readme))
        examples = try_examples(readme)
    except (ValueError, IndexError, StopIteration) as exc:
        print(f"readme environment: {exc or 'the README has no agentkit try examples'}", file=sys.stderr)
        return 2
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="agentkit-readme-env-") as scratch:
        work = Path(scratch) / "agentkit"
        print(f"readme environment: {copy_project(ROOT, work)} files copied to {work}")
        env = newcomer_env(work / ".venv")
        run("the first command's install part", install, work, env, log=Path(scratch) / "install.log")
        notebooks = notebooks_in(work)
        if not notebooks:
            raise SystemExit("readme environment: no notebooks/*.ipynb")
        python = str(work / ".venv" / "bin" / "python")
        run(f"{len(notebooks)} notebooks", [python, __file__, "--execute", *map(str, notebooks)], work, env)
        run(
            "agentkit verify agents",
            [str(work / ".venv" / "bin" / "agentkit"), "verify", "agents"],
            work,
            env,
        )
        examples_log = Path(scratch) / "try.log"
        run("the README's agentkit try examples", f"set -euo pipefail\n{examples}", work, env, examples_log)
    print(f"readme environment: everything ran, {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
