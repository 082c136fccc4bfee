"""The agent versions a suite compares: files, folders, and either of them at a git revision.

    agents/code-reviewer.md             the file as it is on disk
    agents/                             every agent Claude Code would load from the folder
    agents/code-reviewer.md@HEAD~1      the file as it was one commit ago (`git show`)
    agents/@v1.2                        the folder as it was at tag v1.2

A spec is first taken as a path; only when no such path exists is the part after the last `@` read as a
git revision, so a file name with an `@` in it still works.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from agentkit._errors import SuiteError
from agentkit._reader.agent import Agent
from agentkit._reader.scan import load, loads


@dataclass(frozen=True)
class Version:
    """One agent version under evaluation."""

    label: str  # how tables and comparisons name it: the agent's name, `name@revision` for old versions
    agent: Agent
    origin: str  # the spec it came from ("agents/x.md", "agents/x.md@HEAD~1"), or "(in memory)"
    revision: str | None = None  # the git revision as written in the spec
    commit: str | None = None  # the commit that revision resolved to (abbreviated)


def agent_label(agent: Agent) -> str:
    return agent.name if isinstance(agent.name, str) and agent.name else agent.path.stem


def versions_from_spec(spec: str, base: Path, label: str | None = None) -> list[Version]:
    """The versions one spec names, read relative to `base` (the suite file's folder)."""
    path = Path(os.path.normpath(base / spec))  # "evals/../agents/x.md" reads as "agents/x.md"
    if path.exists():
        return _on_disk(spec, path, label)
    if "@" in spec:
        where, revision = spec.rsplit("@", 1)
        if revision:
            return _at_revision(spec, Path(os.path.normpath(base / (where or "."))), revision, label)
    raise SuiteError(f"{spec}: no such file or folder (relative to {base})")


def _on_disk(spec: str, path: Path, label: str | None) -> list[Version]:
    if path.is_dir():
        agents = [a for a in load(path) if a.loaded and isinstance(a.name, str)]
        if not agents:
            raise SuiteError(f"{spec}: no agent Claude Code would load in this folder")
        return [Version(_label(a, label, None, len(agents)), a, spec) for a in agents]
    agent = load(path)[0]
    _check_loaded(spec, agent)
    return [Version(label or agent_label(agent), agent, spec)]


def _label(agent: Agent, label: str | None, revision: str | None, count: int) -> str:
    name = agent_label(agent) + (f"@{revision}" if revision else "")
    if label is None:
        return name
    return label if count == 1 else f"{label}/{name}"  # a folder given a label: prefix each agent


def _check_loaded(spec: str, agent: Agent) -> None:
    if not agent.loaded:
        raise SuiteError(f"{spec}: Claude Code would not load this agent: {agent.reason}")


# -- git --------------------------------------------------------------------------------------------


class _GitFailed(Exception):
    pass


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=60)
    except FileNotFoundError:
        raise SuiteError("git is not installed: agent specs with @revision need it") from None
    if done.returncode != 0:
        raise _GitFailed(done.stderr.decode("utf-8", "replace").strip())
    return done.stdout


def _existing_parent(path: Path) -> Path:
    """The nearest folder that exists (the file may have been deleted since that revision)."""
    for candidate in (path, *path.parents):
        if candidate.is_dir():
            return candidate
    return Path.cwd()


def _at_revision(spec: str, path: Path, revision: str, label: str | None) -> list[Version]:
    cwd = _existing_parent(path.parent if not path.is_dir() else path)
    try:
        top = Path(_git(["rev-parse", "--show-toplevel"], cwd).decode().strip())
    except _GitFailed:
        raise SuiteError(
            f"{spec}: {cwd} is not inside a git repository, so @{revision} cannot be read"
        ) from None
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"], top).decode().strip()
    except _GitFailed:
        raise SuiteError(f"{spec}: unknown git revision {revision!r} in {top}") from None
    short = commit[:12]
    relative = Path(os.path.relpath(Path(os.path.realpath(cwd)) / path.relative_to(cwd), top)).as_posix()
    relative = "" if relative == "." else relative
    try:
        kind = _git(["cat-file", "-t", f"{commit}:{relative}"], top).decode().strip()
    except _GitFailed:
        raise SuiteError(f"{spec}: {relative or '.'} does not exist at {revision} ({short})") from None

    def read(name: str) -> Agent:
        data = _git(["show", f"{commit}:{name}"], top)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise SuiteError(f"{spec}: {name} at {revision} is not UTF-8 text") from None
        return loads(text, path=top / name)

    if kind == "blob":
        agent = read(relative)
        _check_loaded(spec, agent)
        return [Version(_label(agent, label, revision, 1), agent, spec, revision, short)]
    names = _git(["ls-tree", "-r", "--name-only", commit, "--", relative or "."], top).decode().splitlines()
    agents = [a for a in (read(n) for n in sorted(names) if n.endswith(".md")) if a.loaded]
    agents = [a for a in agents if isinstance(a.name, str)]
    if not agents:
        raise SuiteError(f"{spec}: no agent Claude Code would load in {relative or '.'} at {revision}")
    return [Version(_label(a, label, revision, len(agents)), a, spec, revision, short) for a in agents]
