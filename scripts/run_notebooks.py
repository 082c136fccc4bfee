"""Re-execute the notebooks in place, keeping their outputs and dropping widget state.

    python scripts/run_notebooks.py                  # every notebooks/*.ipynb
    python scripts/run_notebooks.py notebooks/03-edit-and-export.ipynb
    python scripts/run_notebooks.py --record         # re-record the runs 04 and 05 replay
    python scripts/run_notebooks.py --record notebooks/05-evaluate.ipynb   # only 05's

Each notebook runs with nbclient in its own folder (so `../agents` is the bundled sample set), as
`pytest --nbval` runs it. Afterwards `metadata.widgets` (widget state, noisy in diffs and useless to nbval)
and any widget state inside output metadata are removed, and the widget model ids (which point at that
state) are numbered, so re-running an unchanged notebook changes nothing.

Live runs: without ANTHROPIC_API_KEY, 04 answers from `notebooks/recordings/` and 05 from
`notebooks/recordings/05-evaluate/` (replay mode). `--record` empties a notebook's recordings and runs it
against the API to fill them (with 04, also the README's `agentkit try` examples): the real API when
ANTHROPIC_API_KEY is set, else the local stand-in Messages API of the test suite (its answers are
deterministic, so pytest, which also runs 04 against the stand-in, sees the same text; 05 replays its
recordings under pytest too). Every result recorded from the stand-in says "stand-in API — not Claude's
answer". A `stand-in-answers.yaml` in a notebook's recordings folder scripts the stand-in's answers for
that notebook (05 has one, so that its evaluation shows what a mixed result looks like).
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
# The notebooks that run agents live, and where each keeps its recorded runs (its AGENTKIT_HOME).
RECORDED = {
    "04-try-prompts.ipynb": RECORDINGS,
    "05-evaluate.ipynb": RECORDINGS / "05-evaluate",
    "06-route.ipynb": RECORDINGS / "06-route",
}
TIMEOUT_S = 600
# A notebook's recordings folder may hold scripted answers for the stand-in (see agentkit._oracle.standin,
# "Scripted answers"): recorded against the stand-in, that notebook then shows them, labelled as its.
STAND_IN_ANSWERS = "stand-in-answers.yaml"


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


def record(names: list[str]) -> None:
    """Fill each notebook's recordings by running it against the real API (with a key) or the fake one."""
    for name in names:
        home = RECORDED[name]
        home.mkdir(parents=True, exist_ok=True)
        for stored in ("history.sqlite", "history.sqlite-journal", "evals.sqlite", "evals.sqlite-journal"):
            (home / stored).unlink(missing_ok=True)
        # AGENTKIT_REPLAY=0: the notebook must run for real now, not replay what is being re-recorded.
        env = {"AGENTKIT_HOME": str(home), "AGENTKIT_REPLAY": "0"}
        readme = name == "04-try-prompts.ipynb"  # the README's `agentkit try` examples replay from 04's home
        if os.environ.get("ANTHROPIC_API_KEY"):
            print(f"recording {name} against the Anthropic API")
            execute(NOTEBOOKS / name, env)
            if readme:
                record_readme(env)
            continue
        sys.path.insert(0, str(ROOT))
        from agentkit._oracle.standin import FAKE_KEY, FakeMessagesAPI

        with FakeMessagesAPI() as api:
            print(f"recording {name} against the fake Messages API at {api.base_url}")
            scripted = home / STAND_IN_ANSWERS
            if scripted.is_file():  # a demo that shows a mixed result: the stand-in's answers, scripted
                from agentkit._oracle.standin import load_answers

                api.answer_with(load_answers(str(scripted)))
                print(f"  with the scripted stand-in answers of {scripted.relative_to(ROOT)}")
            env = {**env, "ANTHROPIC_BASE_URL": api.base_url, "ANTHROPIC_API_KEY": FAKE_KEY}
            execute(NOTEBOOKS / name, env)
            if readme:
                record_readme(env)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.ipynb")
    parser.add_argument(
        "--record",
        action="store_true",
        help=f"re-record the runs of {', '.join(RECORDED)} (those given) first",
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.ipynb"))
    if args.record:
        record([p.name for p in paths if p.name in RECORDED])
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
