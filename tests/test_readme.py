"""The README's examples run as tests (like python-frontmatter's), and the CLI reference never drifts."""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_readme_examples(monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    result = doctest.testfile(
        str(ROOT / "README.md"),
        module_relative=False,
        optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
    )
    assert result.attempted > 5
    assert result.failed == 0


def test_package_docstring_example() -> None:
    import agentkit

    assert doctest.testmod(agentkit).failed == 0


def test_cli_reference_is_generated_from_help() -> None:
    generated = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py")],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "100"},
    ).stdout
    assert (ROOT / "docs" / "cli.md").read_text("utf-8") == generated, (
        "run: python scripts/gen_cli_docs.py > docs/cli.md"
    )


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    marker = readme.index("<!-- test-command -->")
    command = readme[marker:].split("\n")[2]
    assert "pytest" in command and "--nbval" in command
    assert "test-command" in (ROOT / ".ci" / "run").read_text("utf-8")
