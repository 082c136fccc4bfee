"""Other shapes an agent can take: a folder of files, `claude --agents` JSON, claude-agent-sdk kwargs."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentkit._edit.atomic import atomic_write
from agentkit._edit.write import must_not_exist
from agentkit._errors import ConflictError, ExportError
from agentkit._reader.agent import Agent, claude_code_reading, require_agent
from agentkit._reader.claude_code import AGENTS_JSON_KEYS, SDK_DEFINITION_KEYS
from agentkit._reader.frozen import FrozenList
from agentkit._reader.jsonable import json_text

_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _definition(agent: Agent, keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": agent.description, "prompt": agent.prompt}
    if agent.tools is not None:
        out["tools"] = agent.tools
    for key in keys:
        if key in agent.fields and agent.fields[key] is not None:
            out[key] = claude_code_reading(agent, key)  # the keys Claude Code splits, as their entries
    return out


def agents_json(agents: Iterable[Agent]) -> dict[str, dict[str, Any]]:
    """`{"<name>": {"description", "prompt", "tools": [...], ...}}` for every loaded, unshadowed agent."""
    return {agent.name: _definition(agent, AGENTS_JSON_KEYS) for agent in _exportable(agents)}


def sdk_definitions(agents: Iterable[Agent]) -> dict[str, dict[str, Any]]:
    """`{name: kwargs}` such that `AgentDefinition(**kwargs)` builds the agent in claude-agent-sdk."""
    return {agent.name: _definition(agent, SDK_DEFINITION_KEYS) for agent in _exportable(agents)}


def safe_file_name(name: Any, target: Path) -> Path:
    """`<name>.md` inside `target`, or ExportError if the name could write anywhere else or is too long
    for a file name (Claude Code allows 256 characters; most file systems 255 bytes)."""
    if not isinstance(name, str) or not _SAFE_FILE_NAME.fullmatch(name) or ".." in name:
        raise ExportError(f"agent name {name!r} is not a safe file name; it could write outside {target}")
    limit = _name_max(target)
    if len(f"{name}.md".encode()) > limit:
        raise ExportError(
            f"the name is too long for a file name ({len(name)} characters + '.md'; "
            f"the file system allows {limit} bytes); --agents-json and --sdk can still export it"
        )
    path = (target / f"{name}.md").resolve()
    if path.parent != target.resolve():
        raise ExportError(f"agent name {name!r} would write outside {target}")
    return path


@dataclass(frozen=True, slots=True)
class ExportReport:
    """What `agentkit.export` wrote and skipped. Read-only, its lists included."""

    written: list[Path]
    skipped: list[tuple[Path, str]]  # (source file, why)

    def __post_init__(self) -> None:
        object.__setattr__(self, "written", FrozenList(self.written))
        object.__setattr__(self, "skipped", FrozenList(self.skipped))


SHAPES = ("folder", "agents-json", "sdk")


def export(
    agents: Iterable[Agent], target: str | Path, *, shape: str = "folder", overwrite: bool = False
) -> ExportReport:
    """Write the agents Claude Code loads to `target`, in one of three shapes:

    - "folder": one `<name>.md` file per agent, its text unchanged;
    - "agents-json": the JSON file `claude --agents` takes;
    - "sdk": JSON of claude-agent-sdk `AgentDefinition` arguments, by name.

    Files are written atomically; an existing file is replaced only with `overwrite=True`. Agents that
    are not exported (not loaded, shadowed, an unsafe name) are listed in `skipped` with the reason.
    """
    agents = list(agents)
    problem = _path_problem(target)
    if problem:
        raise ExportError(f"cannot export to {str(target)!r}: {problem}")
    if shape == "folder":
        return _export_folder(agents, Path(target), overwrite=overwrite)
    if shape not in SHAPES:
        raise ExportError(f"unknown export shape {shape!r}: use one of {', '.join(SHAPES)}")
    target = Path(target)
    if target.is_dir():
        raise ExportError(f"{target} is a folder; {shape} export writes one JSON file")
    if target.exists() and not overwrite:
        raise ExportError(f"{target} exists; pass overwrite=True (--overwrite) to replace it")
    value = agents_json(agents) if shape == "agents-json" else sdk_definitions(agents)
    check = None if overwrite else (lambda current: must_not_exist(current, target))
    atomic_write(target, (json_text(value) + "\n").encode("utf-8"), check=check)
    return ExportReport([target], json_skips(agents))


def json_skips(agents: Iterable[Agent]) -> list[tuple[Path, str]]:
    """The agents a JSON export leaves out, each with the reason."""
    agents = list(agents)
    winners = {a.name: a for a in _exportable(agents)}  # later names win, as in the JSON
    return [(a.path, _why_not(a, winners)) for a in agents if winners.get(a.name) is not a]


def _path_problem(target: str | Path) -> str | None:
    """Why no file system could hold `target` (a NUL byte, text that is not UTF-8), or None."""
    text = str(target)
    if not text:
        return "the path is empty"
    if "\x00" in text:
        return "the path holds a NUL byte"
    try:
        os.fsencode(text)
    except UnicodeError:
        return "the path holds characters that cannot be a file name here (a lone surrogate)"
    return None


def _exportable(agents: Iterable[Agent]) -> list[Agent]:
    agents = list(agents)
    for agent in agents:
        require_agent(agent, "export")
    return [a for a in agents if a.loaded and a.shadowed_by is None and isinstance(a.name, str)]


def _why_not(agent: Agent, winners: dict[Any, Agent]) -> str:
    if not agent.loaded:
        return f"Claude Code does not load it: {agent.reason}"
    if agent.shadowed_by is not None:
        return f"{agent.shadowed_by} defines the same name and wins"
    if agent.name in winners:
        return f"{winners[agent.name].path} defines the same name and wins"
    return "it has no name"


def _name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # not a POSIX system, or the folder is not there yet
        return 255


def _export_folder(agents: list[Agent], target: Path, *, overwrite: bool) -> ExportReport:
    """One file per loaded agent, named after the agent, with its text unchanged."""
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} is a file; a folder export needs a folder (or use shape='agents-json')")
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    taken: dict[Path, Path] = {}
    winners = {a.name: a for a in _exportable(agents)}  # the file Claude Code uses for each name
    for agent in agents:
        if winners.get(agent.name) is not agent:
            skipped.append((agent.path, _why_not(agent, winners)))
            continue
        try:
            out = safe_file_name(agent.name, target)
        except ExportError as exc:
            skipped.append((agent.path, str(exc)))
            continue
        if out in taken:
            skipped.append((agent.path, f"the name {agent.name!r} was already exported from {taken[out]}"))
            continue
        if out.exists() and not overwrite:
            skipped.append((agent.path, f"{out} exists (use overwrite)"))
            continue
        check = None if overwrite else (lambda current, out=out: must_not_exist(current, out))
        try:
            atomic_write(out, agent.render().encode("utf-8"), check=check)
        except ConflictError:
            skipped.append((agent.path, f"{out} exists (use overwrite)"))
            continue
        except OSError as exc:  # a full disk, a read-only folder: say so for this agent, go on
            skipped.append((agent.path, f"not written: {exc.strerror or exc}"))
            continue
        taken[out] = agent.path
        written.append(out)
    return ExportReport(written, skipped)
