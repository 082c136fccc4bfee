"""The README's first command gives the whole kit (issue 23, items 1-3).

- Its extra covers everything agentkit and the notebooks import, Claude Code's SDK (pinned) included, and
  the JupyterLab it opens.
- Where Claude Code is missing all the same (a bare `pip install claude-agentkit`), the Playground falls
  back to API mode saying what to install, and notebook 04 runs to the end with that message instead of a
  traceback.
- As root (containers, CI) the command serves JupyterLab: it is started here, as written, and asked for
  the notebook it opens.
- CI builds an environment with the command's install part alone and runs every notebook in it
  (`.ci/readme_env.py`, whose parts are checked here; the whole of it runs in `.ci/run`).
"""

from __future__ import annotations

import ast
import contextlib
import http.client
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import tomllib
from importlib import metadata
from pathlib import Path
from types import ModuleType

import pytest
from conftest import require
from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from agentkit._reader.claude_code import CLAUDE_AGENT_SDK_VERSION, CLAUDE_CODE_INSTALL

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def readme_env() -> ModuleType:
    """`.ci/readme_env.py`, the CI step that builds the first command's environment."""
    spec = importlib.util.spec_from_file_location("readme_env", ROOT / ".ci" / "readme_env.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def first_command() -> str:
    return readme_env().first_command((ROOT / "README.md").read_text("utf-8"))


# -- what the first command installs -------------------------------------------------------------------


def imported_modules(sources: list[str]) -> set[str]:
    """Top-level names of the modules these Python sources import (late imports inside functions too)."""
    names = set()
    for source in sources:
        kept = "".join(line for line in source.splitlines(True) if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(kept)):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - {"agentkit", "__future__"}


def notebook_sources() -> list[str]:
    cells = [cell for path in NOTEBOOKS for cell in json.loads(path.read_text("utf-8"))["cells"]]
    return ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "code"]


def installed_closure(requirements: list[str]) -> set[str]:
    """Every distribution these requirements bring, following the installed packages' own requirements
    (extras and environment markers evaluated as pip does)."""
    found: set[str] = set()
    queue = [(Requirement(r), "") for r in requirements]
    while queue:
        requirement, extra = queue.pop()
        if requirement.marker and not requirement.marker.evaluate({**default_environment(), "extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        key = f"{name}[{','.join(sorted(requirement.extras))}]"
        if key in found:
            continue
        found.add(key)
        for line in metadata.requires(name) or []:
            for wanted in ("", *requirement.extras):
                queue.append((Requirement(line), wanted))
    return {key.split("[")[0] for key in found}


def test_the_first_command_installs_what_agentkit_the_readme_and_the_notebooks_use(first_command) -> None:
    """Every third-party module that agentkit (late imports included: Claude Code mode's SDK) and the
    notebooks import, and the JupyterLab the command opens, come with the extras the command names."""
    install = readme_env().install_part(first_command)
    extras = re.fullmatch(r".*pip install -e '\.\[([\w,-]+)\]'", install)
    assert extras, install
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = list(project["dependencies"])
    for extra in extras.group(1).split(","):
        wanted += project["optional-dependencies"][extra]
    assert f"claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION}" in wanted  # pinned: the Claude Code agentkit names
    if importlib.util.find_spec("claude_agent_sdk") is None:  # what it brings is read from its installed copy
        require("claude-code", "claude-agent-sdk is not installed: install the test extra")
    closure = installed_closure(wanted)

    package_sources = [p.read_text("utf-8") for p in (ROOT / "agentkit").rglob("*.py")]
    modules = imported_modules(package_sources) | imported_modules(notebook_sources())
    assert {"claude_agent_sdk", "ipywidgets", "anthropic"} <= modules  # the scan sees late imports
    providers = metadata.packages_distributions()
    missing = {
        m: providers.get(m)
        for m in sorted(modules)
        if not set(map(canonicalize_name, providers.get(m, []))) & closure
    }
    assert missing == {}, f"imported but not installed by {install!r} (module: distributions): {missing}"

    launch = readme_env().launch_part(first_command)
    assert launch[:2] == [".venv/bin/jupyter", "lab"], launch
    (script,) = metadata.entry_points(group="console_scripts", name="jupyter-lab")
    assert script.dist is not None and canonicalize_name(script.dist.name) in closure


# -- where Claude Code is missing all the same -----------------------------------------------------------


@pytest.fixture
def without_claude_code(monkeypatch, tmp_path) -> None:
    """As after `pip install claude-agentkit` alone: no claude_agent_sdk to import, no binary anywhere."""
    from agentkit.live import _claude_code

    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)  # `import claude_agent_sdk` raises ImportError
    monkeypatch.delenv("AGENTKIT_CLAUDE", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "no-claude-here"))
    _claude_code._find.cache_clear()
    yield
    _claude_code._find.cache_clear()


def test_without_claude_code_the_playground_stays_in_api_mode_and_says_what_to_install(
    without_claude_code, fake_api
) -> None:
    import agentkit
    from agentkit.widgets import Playground

    agents = agentkit.load(ROOT / "agents")
    playground = Playground(agents, "Say hello.", selected=["code-reviewer"], mode="claude-code")
    assert playground.mode.value == "api"
    assert CLAUDE_CODE_INSTALL in playground.status.value

    playground.status.value = ""
    playground.mode.value = "claude-code"  # a click on the toggle
    assert playground.mode.value == "api"
    assert playground.status.value.startswith("Staying in API mode.")
    assert CLAUDE_CODE_INSTALL in playground.status.value
    assert "pip install claude-agent-sdk " not in playground.status.value  # never unpinned

    playground.run(wait=True)
    assert playground.status.value == "done: 1 complete"
    assert playground.results[0].mode == "api"


def test_notebook_04_without_claude_code_runs_to_the_end_with_a_message(tmp_path) -> None:
    """Run All of notebook 04, as a newcomer without a key and without Claude Code would: no cell raises,
    and where Claude Code mode would run, the notebook prints what is missing and the pinned command."""
    import nbformat
    from nbclient import NotebookClient

    for folder in ("notebooks", "agents"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    hidden = tmp_path / "hidden"  # a claude_agent_sdk that cannot be imported shadows the installed one
    (hidden / "claude_agent_sdk").mkdir(parents=True)
    (hidden / "claude_agent_sdk" / "__init__.py").write_text(
        "raise ImportError('claude_agent_sdk is hidden')\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "AGENTKIT_"))}
    env["PYTHONPATH"] = str(hidden)
    path = tmp_path / "notebooks" / "04-try-prompts.ipynb"
    nb = nbformat.read(path, as_version=4)
    saved = dict(os.environ)
    os.environ.clear()
    os.environ.update(env)  # the kernel inherits it
    try:
        NotebookClient(
            nb,
            timeout=120,
            kernel_name="python3",
            allow_errors=True,
            resources={"metadata": {"path": str(path.parent)}},
        ).execute()
    finally:
        os.environ.clear()
        os.environ.update(saved)
    assert readme_env().notebook_problems(nb) == []
    printed = "".join(o.get("text", "") for cell in nb.cells for o in cell.get("outputs", []))
    assert (
        f"Staying in API mode. Claude Code mode needs Claude Code, which is not installed here; install it with {CLAUDE_CODE_INSTALL}"
        in printed
    )
    assert "done: 2 complete" in printed  # the API runs before it still ran


# -- as root ------------------------------------------------------------------------------------------


def test_the_first_command_serves_jupyterlab_as_root_too(first_command, tmp_path) -> None:
    """The command's last part, as written (plus --no-browser and a port and token for this harness), run
    from the repository with no Jupyter configuration of the machine's: it serves the notebook it opens.
    CI runs as root, where JupyterLab refuses to start unless allowed; for other users this passes
    either way."""
    import browser

    words = readme_env().launch_part(first_command)
    jupyter = Path(sys.executable).parent / "jupyter"
    port, token = browser.free_port(), "first-command-test"
    command = [
        str(jupyter),
        *words[1:],
        "--no-browser",
        f"--port={port}",
        f"--IdentityProvider.token={token}",
    ]
    command.append("--ServerApp.port_retries=0")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JUPYTER", "JPY_"))}
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),  # nothing from ~/.jupyter (an allow_root of its own)
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
    )
    log = tmp_path / "lab.log"
    with open(log, "wb") as out:
        lab = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        served = None
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and lab.poll() is None and served is None:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request(
                    "GET", "/lab/tree/notebooks/01-explore.ipynb", headers={"Authorization": f"token {token}"}
                )
                response = conn.getresponse()
                served = (response.status, response.read().decode("utf-8", "replace"))
            time.sleep(0.3)
        assert served is not None, (
            f"{' '.join(words)} did not serve (exit {lab.poll()}):\n{log.read_text()[-1500:]}"
        )
        status, page = served
        assert status == 200 and "JupyterLab" in page, (status, page[:300])
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(lab.pid, signal.SIGTERM)
        try:
            lab.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(lab.pid, signal.SIGKILL)
            lab.wait()


# -- CI: every notebook in the first command's environment --------------------------------------------


def test_ci_builds_the_first_commands_environment_and_runs_every_notebook_in_it(first_command) -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert "python3 .ci/readme_env.py" in ci
    assert ci.index("readme_env.py") < ci.index('bash -c "$test_command"')
    module = readme_env()
    assert (
        module.install_part(first_command)
        == "python3 -m venv .venv && .venv/bin/pip install -e '.[notebooks]'"
    )
    notebooks = module.notebooks_in(ROOT)
    assert notebooks == NOTEBOOKS and len(notebooks) >= 5  # a glob, not a list: a new notebook is run too


def test_ci_notebook_run_fails_on_any_error_and_names_it(tmp_path) -> None:
    import nbformat

    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = {
        "01-fine": ["print('fine')"],
        "06-new": ["x = 1", "raise ValueError('broken on purpose')", "print('after the error: still run')"],
        "07-thread": [
            "import sys\nprint('Traceback (most recent call last):\\nKeyError: 1', file=sys.stderr)"
        ],
    }
    for name, sources in cells.items():
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
        nbformat.write(nb, folder / f"{name}.ipynb")
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / ".ci" / "readme_env.py"),
            "--execute",
            *map(str, readme_env().notebooks_in(tmp_path)),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert any(
        line.startswith("  notebooks/01-fine.ipynb: 1 cells") and line.endswith("no error") for line in lines
    )
    assert "    cell 2: ValueError: broken on purpose" in lines
    assert "    cell 1: a traceback on stderr: KeyError: 1" in lines


def test_the_conda_environment_has_what_the_first_command_installs() -> None:
    """environment.yml (the conda way in) lists every dependency and every `notebooks` and `test`
    requirement of pyproject.toml, at the same pins."""
    import yaml

    listed = yaml.safe_load((ROOT / "environment.yml").read_text("utf-8"))["dependencies"]
    specs = [s for s in listed if isinstance(s, str)] + [
        s for d in listed if isinstance(d, dict) for s in d["pip"]
    ]
    conda_names = {"matplotlib-base": "matplotlib"}
    have = {}
    for spec in specs:
        requirement = Requirement(
            spec.replace("=", "==", 1) if re.fullmatch(r"[\w.-]+=[\d.]+", spec) else spec
        )
        have[canonicalize_name(conda_names.get(requirement.name, requirement.name))] = requirement.specifier
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["notebooks"]]
    wanted += project["optional-dependencies"]["test"]
    for requirement in map(Requirement, wanted):
        name = canonicalize_name(requirement.name)
        assert name in have, f"environment.yml lacks {requirement}"
        if "==" in str(requirement.specifier):
            assert have[name] == requirement.specifier, (name, have[name])
