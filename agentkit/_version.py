"""The package version, from the installed distribution's metadata (one place; nothing hard-coded).

A source tree that was never installed has no metadata: its pyproject.toml says the version then, marked
`+source` (PEP 440 local version), and "0+unknown" when there is none either."""

import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

DISTRIBUTION = "claude-agentkit"  # [project] name in pyproject.toml
PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"  # a source tree's


def source_version(pyproject: Path = PYPROJECT) -> str:
    """The version a source tree's pyproject.toml names, or "0+unknown"."""
    try:
        project = tomllib.loads(pyproject.read_text("utf-8")).get("project", {})
    except (OSError, ValueError):
        return "0+unknown"
    if project.get("name") != DISTRIBUTION or not isinstance(project.get("version"), str):
        return "0+unknown"
    return f"{project['version']}+source"


try:
    __version__ = version(DISTRIBUTION)
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = source_version()
