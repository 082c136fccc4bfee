"""Finding a Claude Code binary to use as the oracle, and asking it its version.

Where it looks, first hit wins: an explicit path; the environment variable `AGENTKIT_CLAUDE`; `claude` on
PATH; the binary bundled in the `claude-agent-sdk` Python package (`CLAUDE_CODE_INSTALL`: the pinned
release, which bundles the Claude Code version agentkit is proved against). Nothing here runs Claude Code beyond `claude --version`, and that in a scratch
HOME with an environment built from scratch.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from agentkit._errors import ClaudeCodeNotFound
from agentkit._reader.claude_code import CLAUDE_CODE_INSTALL

ENV_VARIABLE = "AGENTKIT_CLAUDE"
_INSTALL_HINT = (
    f"install one with {CLAUDE_CODE_INSTALL}, put `claude` on PATH, "
    f"set {ENV_VARIABLE}=/path/to/claude, or pass --claude PATH"
)
_VERSION = re.compile(r"(\d+\.\d+\.\d+\S*)")


@dataclass(frozen=True, slots=True)
class ClaudeCode:
    """A Claude Code binary: where it is, its version, and how it was found."""

    path: Path
    version: str  # e.g. "2.1.332"
    source: str  # "explicit", "AGENTKIT_CLAUDE", "PATH" or "claude-agent-sdk"

    def __str__(self) -> str:
        return f"Claude Code {self.version} ({self.path}, from {self.source})"


def find_claude(claude: str | os.PathLike[str] | ClaudeCode | None = None) -> ClaudeCode:
    """The Claude Code binary to use. Raises ClaudeCodeNotFound, saying how to get one."""
    if isinstance(claude, ClaudeCode):
        return claude
    if claude is not None:
        return _checked(Path(claude), "explicit", "the path given")
    if os.environ.get(ENV_VARIABLE):
        return _checked(Path(os.environ[ENV_VARIABLE]), ENV_VARIABLE, f"${ENV_VARIABLE}")
    on_path = shutil.which("claude")
    if on_path:
        return _checked(Path(on_path), "PATH", "`claude` on PATH")
    bundled = bundled_claude()
    if bundled is not None:
        return _checked(bundled, "claude-agent-sdk", "the binary bundled in claude-agent-sdk")
    raise ClaudeCodeNotFound(f"no Claude Code binary found: {_INSTALL_HINT}")


def bundled_claude() -> Path | None:
    """The binary inside the installed claude-agent-sdk package, if there is one."""
    try:
        spec = importlib.util.find_spec("claude_agent_sdk")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        for name in ("claude.exe", "claude") if sys.platform == "win32" else ("claude",):
            candidate = Path(folder) / "_bundled" / name
            if candidate.is_file():
                return candidate
    return None


def _checked(path: Path, source: str, what: str) -> ClaudeCode:
    path = path.expanduser()
    if path.is_dir():
        path = path / "claude"
    if not path.is_file():
        raise ClaudeCodeNotFound(
            f"{what} is not a Claude Code binary: {path} does not exist; {_INSTALL_HINT}"
        )
    if not os.access(path, os.X_OK):
        raise ClaudeCodeNotFound(f"{what} is not executable: {path}; {_INSTALL_HINT}")
    resolved = path.resolve()
    stat = resolved.stat()
    return ClaudeCode(path, _version(str(resolved), stat.st_size, stat.st_mtime_ns), source)


@lru_cache(maxsize=8)
def _version(path: str, size: int, mtime_ns: int) -> str:
    """`claude --version` ("2.1.332 (Claude Code)" -> "2.1.332"), run in a scratch HOME."""
    with tempfile.TemporaryDirectory(prefix="agentkit-claude-version-") as home:
        env = {"PATH": os.environ.get("PATH", os.defpath), "HOME": home, "CLAUDE_CONFIG_DIR": home}
        env.update(DISABLE_AUTOUPDATER="1", CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1", CI="1")
        try:
            done = subprocess.run(
                [path, "--version"], env=env, cwd=home, capture_output=True, text=True, timeout=60
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ClaudeCodeNotFound(f"{path} does not run as Claude Code ({exc}); {_INSTALL_HINT}") from exc
    match = _VERSION.search(done.stdout)
    if done.returncode != 0 or match is None or "Claude Code" not in done.stdout:
        said = (done.stdout + done.stderr).strip()[:200]
        raise ClaudeCodeNotFound(
            f"{path} does not answer --version as Claude Code does ({said!r}); {_INSTALL_HINT}"
        )
    return match.group(1)
