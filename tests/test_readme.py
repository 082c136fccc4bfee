"""The README's examples run as tests (like python-frontmatter's), and the CLI reference never drifts."""

from __future__ import annotations

import doctest
import re
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


def test_generated_docs_are_current() -> None:
    """docs/cli.md (from --help) and docs/rules.md (from the rule catalogue) never drift."""
    check = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_docs.py"), "--check"], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr


def test_ci_runs_the_readme_test_command() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    marker = readme.index("<!-- test-command -->")
    command = readme[marker:].split("\n")[2]
    assert "pytest" in command and "--nbval" in command
    assert "test-command" in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_test_the_readme_names_exists() -> None:
    """The README backs its promises with named tests: a renamed or deleted test must not leave a claim
    pointing at nothing."""
    readme = (ROOT / "README.md").read_text("utf-8")
    named = set(re.findall(r"`(test_\w+)`", readme))
    defined = set()
    for module in (ROOT / "tests").glob("test_*.py"):
        defined |= set(re.findall(r"^(?:async )?def (test_\w+)", module.read_text("utf-8"), re.M))
    assert len(named) >= 6
    assert named <= defined, sorted(named - defined)
