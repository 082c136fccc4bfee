"""agentkit's reading of your agent files, checked against the real Claude Code's.

`verify(paths)` reads the files with `agentkit.load` and runs Claude Code once per folder on a copy of
them (the folder's layout mirrored under a scratch project's `.claude/agents/`, so which of several files
with one name wins is decided as in the original). It then compares, per agent name and per file, what
Claude Code lists (loaded or not, name, description, tools as shown) with what agentkit says, and lists
every disagreement in words. A name Claude Code lists that agentkit cannot tie to a file is attributed by
running Claude Code again on single files.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentkit._oracle.binary import ClaudeCode, find_claude
from agentkit._oracle.probe import ListedAgent, Listing, list_agents
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.agent import Agent, AgentSet
from agentkit._reader.scan import discover, load

FIELDS = ("loaded", "name", "description", "tools", "winner")
MAX_ATTRIBUTION_RUNS = 40  # single-file runs to tie an unexpected listed name to its file


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One point where agentkit's reading and Claude Code's differ."""

    field: str  # one of FIELDS
    message: str  # in words
    path: Path | None = None  # the file concerned, when known
    name: str | None = None  # the agent name concerned
    agentkit: Any = None
    claude_code: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "message": self.message,
            "path": str(self.path) if self.path is not None else None,
            "name": self.name,
            "agentkit": self.agentkit,
            "claude_code": self.claude_code,
        }


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One file: what agentkit says Claude Code does with it, and what Claude Code did."""

    path: Path
    name: str | None  # the name agentkit reads (None when it reads none)
    agentkit: str  # "used", "shadowed" (another file wins its name) or "dropped"
    claude_code: str  # "used", "not used", or "unknown" (a name clash Claude Code's listing cannot settle)
    disagreements: tuple[Disagreement, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.disagreements


@dataclass(frozen=True, slots=True)
class VerifyReport:
    claude: ClaudeCode
    files: tuple[FileCheck, ...]
    disagreements: tuple[Disagreement, ...]  # every one, file-level and name-level
    runs: int  # runs of Claude Code
    seconds: float
    listed: int = 0  # agents Claude Code listed from these files (built-in agents not counted)

    @property
    def ok(self) -> bool:
        return not self.disagreements

    def count(self, field_name: str) -> int:
        return sum(d.field == field_name for d in self.disagreements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "claude_code": {"path": str(self.claude.path), "version": self.claude.version},
            "files": len(self.files),
            "listed": self.listed,
            "runs": self.runs,
            "seconds": round(self.seconds, 3),
            "disagreements": [d.to_dict() for d in self.disagreements],
            "by_field": {f: self.count(f) for f in FIELDS},
        }

    def to_text(self) -> str:
        lines = [f"Claude Code {self.claude.version} at {self.claude.path} (from {self.claude.source})"]
        lines.append(
            f"checked {len(self.files)} files with {self.runs} run(s) of Claude Code in {self.seconds:.1f} s; "
            f"it lists {self.listed} agent(s) from them"
        )
        for d in self.disagreements:
            lines.append(f"  {d.message}")
        if self.disagreements:
            lines.append(f"{len(self.disagreements)} disagreement(s) between agentkit and Claude Code")
        else:
            lines.append("no disagreements: agentkit reads these files as this Claude Code does")
        return "\n".join(lines) + "\n"


# -- agentkit's side ---------------------------------------------------------------------------------
def listed_tools(agent: Agent) -> str:
    """The `(Tools: ...)` text Claude Code shows for this agent, from agentkit's reading of it."""
    return agent.listed_tools


def _listed_of(agent: Agent) -> tuple[str, str, str] | None:
    """(name, description, tools shown) as agentkit expects Claude Code to list this agent."""
    if not agent.loaded or not isinstance(agent.name, str) or not isinstance(agent.description, str):
        return None
    return agent.qualified_name or agent.name, agent.description, listed_tools(agent)


def _winners(agents: Iterable[Agent]) -> dict[str, Agent]:
    """Name -> the file agentkit says Claude Code uses for it."""
    by_name: dict[str, list[Agent]] = {}
    for agent in agents:
        if agent.loaded and isinstance(agent.name, str) and agent.shadowed_by is None:
            by_name.setdefault(agent.qualified_name or agent.name, []).append(agent)
    winners: dict[str, Agent] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            winners[name] = group[0]
        else:
            winners[name] = AgentSet(group)[name]  # agentkit's own choice among same-name files
    return winners


# -- comparing ----------------------------------------------------------------------------------------
@dataclass
class _Scope:
    """Files of one run: agentkit's records and the text to write for Claude Code."""

    agents: list[Agent]
    relative: dict[int, tuple[str, str]] = field(default_factory=dict)  # id(agent) -> (scope, relative path)

    def files(self, scope: str) -> dict[str, bytes]:
        out: dict[str, bytes] = {}
        for agent in self.agents:
            where, rel = self.relative[id(agent)]
            if where == scope:
                out[rel] = _bytes_of(agent)
        return out


def _bytes_of(agent: Agent) -> bytes:
    try:
        return agent.path.read_bytes()
    except OSError:
        return agent.text.encode("utf-8", "surrogateescape")


def _excerpt(a: str, b: str) -> str:
    """Where two texts first differ, with a little context."""
    index = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    start = max(0, index - 20)
    return (
        f"from character {index}: agentkit {a[start : index + 40]!r}, Claude Code {b[start : index + 40]!r}"
    )


def compare(
    agents: Sequence[Agent],
    winners: Mapping[str, Agent],
    listing: Listing,
    attribute: Any = None,
) -> tuple[list[FileCheck], list[Disagreement]]:
    """Compare agentkit's reading (every file's record, and the file it says wins each name) with what one
    Claude Code run listed. `attribute(candidates, name)` may return the file among candidates that gives
    Claude Code the listed `name` (by running it again); without it, such names stay unattributed."""
    listed = {a.name: a for a in listing.agents}
    disagreements: list[Disagreement] = []
    per_file: dict[int, list[Disagreement]] = {id(a): [] for a in agents}
    used: dict[int, str] = {}  # id(agent) -> "used"/"not used"/"unknown" in Claude Code
    by_name: dict[str, list[Agent]] = {}
    for agent in agents:
        if isinstance(agent.name, str) and agent.name:
            by_name.setdefault(agent.qualified_name or agent.name, []).append(agent)

    def add(agent: Agent | None, d: Disagreement) -> None:
        disagreements.append(d)
        if agent is not None:
            per_file[id(agent)].append(d)

    explained: set[str] = set()
    for name, winner in winners.items():
        expected = _listed_of(winner)
        assert expected is not None
        entry = listed.get(name)
        if entry is None or entry.builtin:
            add(
                winner,
                Disagreement(
                    "loaded",
                    f"{winner.path}: agentkit loads it as {name!r}; Claude Code does not list {name!r}",
                    winner.path,
                    name,
                    True,
                    False,
                ),
            )
            used[id(winner)] = "not used"
            continue
        explained.add(name)
        got = (entry.name, entry.description, entry.tools)
        if got == expected:
            used[id(winner)] = "used"
            for other in by_name.get(name, []):
                if other is not winner:
                    used.setdefault(id(other), "not used" if _listed_of(other) != got else "unknown")
            continue
        # Another file with this name may be the one Claude Code uses.
        rivals = [a for a in by_name.get(name, []) if a is not winner and _listed_of(a) == got]
        if rivals:
            chosen = rivals[-1]
            add(
                winner,
                Disagreement(
                    "winner",
                    f"{name!r}: Claude Code uses {chosen.path}; agentkit says {winner.path} wins",
                    winner.path,
                    name,
                    str(winner.path),
                    str(chosen.path),
                ),
            )
            used[id(winner)] = "not used"
            used[id(chosen)] = "used"
            continue
        used[id(winner)] = "used"
        if entry.description != expected[1]:
            add(
                winner,
                Disagreement(
                    "description",
                    f"{winner.path} ({name!r}): the description differs {_excerpt(expected[1], entry.description)}",
                    winner.path,
                    name,
                    expected[1],
                    entry.description,
                ),
            )
        if entry.tools != expected[2]:
            add(
                winner,
                Disagreement(
                    "tools",
                    f"{winner.path} ({name!r}): tools shown differ: agentkit {expected[2]!r}, "
                    f"Claude Code {entry.tools!r}",
                    winner.path,
                    name,
                    expected[2],
                    entry.tools,
                ),
            )

    # Names Claude Code lists that agentkit does not load from any file.
    for entry in listing.custom:
        if entry.name in explained or entry.name in winners:
            continue
        candidates = [a for a in agents if id(a) not in used]
        source = attribute(candidates, entry) if attribute is not None else None
        if source is None:
            add(
                None,
                Disagreement(
                    "loaded",
                    f"Claude Code lists {entry.name!r}, which agentkit loads from none of these files",
                    None,
                    entry.name,
                    False,
                    True,
                ),
            )
            continue
        used[id(source)] = "used"
        if source.loaded and isinstance(source.name, str) and source.name != entry.name:
            add(
                source,
                Disagreement(
                    "name",
                    f"{source.path}: Claude Code reads its name as {entry.name!r}, agentkit as {source.name!r}",
                    source.path,
                    entry.name,
                    source.name,
                    entry.name,
                ),
            )
        else:
            why = source.reason or ("another file wins its name" if source.loaded else "it is dropped")
            add(
                source,
                Disagreement(
                    "loaded",
                    f"{source.path}: Claude Code loads it as {entry.name!r}; agentkit does not use it ({why})",
                    source.path,
                    entry.name,
                    False,
                    True,
                ),
            )

    checks = []
    for agent in agents:
        if agent.loaded and agent.shadowed_by is None and winners.get(agent.qualified_name or "") is agent:
            mine = "used"
        elif agent.loaded and isinstance(agent.name, str):
            mine = "shadowed"
        else:
            mine = "dropped"
        shown = agent.name if isinstance(agent.name, str) else None
        checks.append(
            FileCheck(agent.path, shown, mine, used.get(id(agent), "not used"), tuple(per_file[id(agent)]))
        )
    return checks, disagreements


# -- running ------------------------------------------------------------------------------------------
def _groups(paths: Sequence[str | os.PathLike[str]]) -> list[tuple[Path, list[Path] | None]]:
    """(folder, None) for each folder; (parent folder, [files]) for files given directly, by parent."""
    groups: list[tuple[Path, list[Path] | None]] = []
    loose: dict[Path, list[Path]] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            groups.append((path, None))
        else:
            loose.setdefault(path.parent, []).append(path)
    groups.extend((parent, files) for parent, files in loose.items())
    return groups


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


class _Attributor:
    """Ties a name Claude Code lists to one of several files, by running Claude Code on each alone."""

    def __init__(self, world: ScratchWorld, scope: _Scope, limit: int) -> None:
        self.world, self.scope, self.limit = world, scope, limit
        self.runs = 0
        self._seen: dict[int, set[str]] = {}

    def __call__(self, candidates: list[Agent], entry: ListedAgent) -> Agent | None:
        # Most likely first: files whose own text holds the listed name.
        ordered = sorted(candidates, key=lambda a: entry.name not in a.text)
        for agent in ordered:
            names = self._names(agent)
            if names is not None and entry.name in names:
                return agent
        return None

    def _names(self, agent: Agent) -> set[str] | None:
        if id(agent) in self._seen:
            return self._seen[id(agent)]
        if self.runs >= self.limit:
            return None
        where, rel = self.scope.relative[id(agent)]
        files = {rel: _bytes_of(agent)}
        listing = list_agents(
            files if where == "project" else None, files if where == "user" else None, world=self.world
        )
        self.runs += 1
        self._seen[id(agent)] = {a.name for a in listing.custom}
        return self._seen[id(agent)]


def verify(
    paths: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    *,
    timeout: float = 120.0,
    max_attribution_runs: int = MAX_ATTRIBUTION_RUNS,
) -> VerifyReport:
    """Check agentkit's reading of these agent files or folders against the Claude Code binary's.

    Raises ClaudeCodeNotFound when there is no binary to run.
    """

    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    binary = find_claude(claude)
    started = time.monotonic()
    checks: list[FileCheck] = []
    disagreements: list[Disagreement] = []
    runs = listed = 0
    with ScratchWorld(binary) as world:
        for root, files in _groups(paths):
            agents = list(load(root) if files is None else load(*files))
            scope = _Scope(agents, {id(a): ("project", _relative(a.path, root)) for a in agents})
            listing = list_agents(scope.files("project"), world=world, timeout=timeout)
            attributor = _Attributor(world, scope, max_attribution_runs)
            group_checks, group_disagreements = compare(agents, _winners(agents), listing, attributor)
            runs += 1 + attributor.runs
            listed += len(listing.custom)
            checks.extend(group_checks)
            disagreements.extend(group_disagreements)
    return VerifyReport(binary, tuple(checks), tuple(disagreements), runs, time.monotonic() - started, listed)


def verify_scopes(
    project: Mapping[str, bytes | str],
    user: Mapping[str, bytes | str] | None = None,
    claude: str | os.PathLike[str] | ClaudeCode | None = None,
    *,
    timeout: float = 120.0,
    max_attribution_runs: int = MAX_ATTRIBUTION_RUNS,
) -> VerifyReport:
    """Like verify, for agents in a project's and a user's agents folder at once: `agentkit.discover` (which
    resolves names across scopes) against one Claude Code run with the same two folders."""

    binary = find_claude(claude)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="agentkit-verify-") as tmp, ScratchWorld(binary) as world:
        base = Path(tmp)
        project_dir, home = base / "project", base / "home"
        (project_dir / ".git").mkdir(parents=True)
        roots = {"project": project_dir / ".claude" / "agents", "user": home / ".claude" / "agents"}
        for where, files in (("project", project), ("user", user or {})):
            for rel, data in files.items():
                target = roots[where] / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        agents = list(discover(project_dir, home=home, managed=base / "managed", plugins=[]))
        relative = {}
        for agent in agents:
            where = "user" if agent.scope == "user" else "project"
            relative[id(agent)] = (where, _relative(agent.path, roots[where]))
        scope = _Scope(agents, relative)
        listing = list_agents(scope.files("project"), scope.files("user"), world=world, timeout=timeout)
        attributor = _Attributor(world, scope, max_attribution_runs)
        checks, disagreements = compare(agents, _winners(agents), listing, attributor)
        runs = 1 + attributor.runs
    return VerifyReport(
        binary, tuple(checks), tuple(disagreements), runs, time.monotonic() - started, len(listing.custom)
    )
