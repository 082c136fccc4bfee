"""The package type-checks: `mypy agentkit` with the project's configuration ([tool.mypy] in pyproject.toml:
a base for the whole package, strict for the reader and the editor) reports no error.

It runs here, in the suite, so that the README's test command (which CI runs) checks types too.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from conftest import require

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_reports_no_error_in_the_package():
    if importlib.util.find_spec("claude_agent_sdk") is None:  # Claude Code mode is checked against its types
        require("claude-code", "claude-agent-sdk is not installed: install the test extra")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "agentkit"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"mypy agentkit failed:\n{done.stdout}{done.stderr}"
    assert "Success: no issues found" in done.stdout
