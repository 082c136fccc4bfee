"""Re-execute the notebooks in place, keeping their outputs and dropping widget state.

    python scripts/run_notebooks.py                  # every notebooks/*.ipynb
    python scripts/run_notebooks.py notebooks/03-edit-and-export.ipynb
    python scripts/run_notebooks.py --record         # re-record the runs 04-try-prompts.ipynb replays

Each notebook runs with nbclient in its own folder (so `../agents` is the bundled sample set), as
`pytest --nbval` runs it. Afterwards `metadata.widgets` (widget state, noisy in diffs and useless to nbval)
and any widget state inside output metadata are removed, and the widget model ids (which point at that
state) are numbered, so re-running an unchanged notebook changes nothing.

Live runs: without ANTHROPIC_API_KEY, 04 answers from `notebooks/recordings/` (replay mode). `--record`
empties that folder's history and runs 04, then the README's `agentkit try` examples, against the API to
fill it: the real API when ANTHROPIC_API_KEY is set, else the local stand-in Messages API of the test suite
(its answers are deterministic, so pytest, which also runs 04 against the stand-in, sees the same text;
every result recorded from it says "stand-in API — not Claude's answer").
"""

from __future__ import annotations

import argparse
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
RECORDINGS = NOTEBOOKS / "recordings"
RECORDED = "04-try-prompts.ipynb"
TIMEOUT_S = 600


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def strip_widget_state(nb: object) -> None:
    """Drop widget state; number the (now dangling) widget model ids so re-running changes no byte."""
    nb.metadata.pop("widgets", None)  # type: ignore[attr-defined]
    count = 0
    for cell in nb.cells:  # type: ignore[attr-defined]
        cell.get("metadata", {}).pop("execution", None)  # timestamps
        for output in cell.get("outputs", []):
            metadata = output.get("metadata")
            if isinstance(metadata, dict):
                for key in [k for k in metadata if "widget" in k]:
                    del metadata[key]
            view = output.get("data", {}).get(WIDGET_VIEW)
            if isinstance(view, dict) and "model_id" in view:
                count += 1
                view["model_id"] = f"{count:032x}"


def execute(path: Path, env: dict[str, str] | None = None) -> float:
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.update(env or {})
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    started = time.perf_counter()
    try:
        client = NotebookClient(
            nb,
            timeout=TIMEOUT_S,
            kernel_name="python3",
            record_timing=False,
            resources={"metadata": {"path": str(path.parent)}},
        )
        client.execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    strip_widget_state(nb)
    nbformat.write(nb, path)
    return time.perf_counter() - started


def readme_try_commands(readme: Path = ROOT / "README.md") -> list[tuple[dict[str, str], list[str]]]:
    """The `agentkit try` examples of the README's "Try agents live" section: (variables, arguments)."""
    section = readme.read_text(encoding="utf-8").split("## Try agents live", 1)[1].split("\n## ", 1)[0]
    commands = []
    blocks = section.split("```bash\n")[1:]
    for line in (line for block in blocks for line in block.split("```", 1)[0].splitlines()):
        words = shlex.split(line, comments=True) if "agentkit try" in line else []
        variables = {}
        while words and "=" in words[0]:
            name, _, value = words.pop(0).partition("=")
            variables[name] = value
        if words[:2] == ["agentkit", "try"]:
            commands.append((variables, words[2:]))
    return commands


def record_readme(env: dict[str, str]) -> None:
    """Run the README's `agentkit try` examples once, so that they replay without a key."""
    for variables, args in readme_try_commands():
        run_env = {**os.environ, **env, **{k: v for k, v in variables.items() if k != "AGENTKIT_REPLAY"}}
        done = subprocess.run(
            [sys.executable, "-m", "agentkit", "try", *args],
            cwd=ROOT,
            env=run_env,
            capture_output=True,
            text=True,
        )
        print(f"  agentkit try {shlex.join(args)[:70]}: exit {done.returncode}")
        if done.returncode != 0:
            raise SystemExit(f"recording a README example failed: {done.stderr.strip()}")


def record() -> None:
    """Fill notebooks/recordings/ by running 04 and the README's examples against the real API (with a
    key) or the stand-in."""
    RECORDINGS.mkdir(exist_ok=True)
    for name in ("history.sqlite", "history.sqlite-journal"):
        (RECORDINGS / name).unlink(missing_ok=True)
    env = {"AGENTKIT_HOME": str(RECORDINGS), "AGENTKIT_REPLAY": ""}
    if os.environ.get("ANTHROPIC_API_KEY"):
        print("recording against the Anthropic API")
        execute(NOTEBOOKS / RECORDED, env)
        record_readme(env)
        return
    sys.path.insert(0, str(ROOT))
    from agentkit._oracle.standin import FAKE_KEY, FakeMessagesAPI

    with FakeMessagesAPI() as api:
        print(f"recording against the stand-in Messages API at {api.base_url}")
        env.update(ANTHROPIC_BASE_URL=api.base_url, ANTHROPIC_API_KEY=FAKE_KEY)
        execute(NOTEBOOKS / RECORDED, env)
        record_readme(env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument("--record", action="store_true", help=f"re-record the runs of {RECORDED} first")
    args = parser.parse_args(argv)
    if args.record:
        record()
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    # Replay the recordings, as a reader without a key would (and as the committed outputs show).
    env = {k: v for k, v in os.environ.items() if k.startswith("ANTHROPIC_")}
    for key in env:
        os.environ.pop(key)
    try:
        for path in paths:
            seconds = execute(path)
            print(f"{path.relative_to(ROOT)}: {seconds:.1f} s")
    finally:
        os.environ.update(env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
