"""Other shapes an agent can take: a folder of files, `claude --agents` JSON, claude-agent-sdk kwargs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agentkit._edit.write import atomic_write
from agentkit._errors import ExportError
from agentkit._reader.agent import Agent
from agentkit._reader.frontmatter import split_tools

# `claude --agents` keys, in the order the spec lists them, and where each comes from.
_JSON_KEYS = (
    "disallowedTools",
    "model",
    "effort",
    "permissionMode",
    "mcpServers",
    "hooks",
    "maxTurns",
    "skills",
    "initialPrompt",
    "memory",
    "background",
    "isolation",
)
_SDK_KEYS = (
    "disallowedTools",
    "model",
    "skills",
    "memory",
    "mcpServers",
    "initialPrompt",
    "maxTurns",
    "background",
    "effort",
    "permissionMode",
)
_LIST_KEYS = {"disallowedTools", "skills"}
_SAFE_FILE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def _definition(agent: Agent, keys: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {"description": agent.description, "prompt": agent.prompt}
    if agent.tools is not None:
        out["tools"] = agent.tools
    for key in keys:
        if key in agent.fields and agent.fields[key] is not None:
            value = agent.fields[key]
            if key in _LIST_KEYS:
                value = split_tools(value)
            out[key] = value
    return out


def agents_json(agents: Iterable[Agent]) -> dict[str, dict[str, Any]]:
    """`{"<name>": {"description", "prompt", "tools": [...], ...}}` for every loaded, unshadowed agent."""
    return {
        agent.name: _definition(agent, _JSON_KEYS)
        for agent in agents
        if agent.loaded and agent.shadowed_by is None and isinstance(agent.name, str)
    }


def sdk_kwargs(agents: Iterable[Agent]) -> dict[str, dict[str, Any]]:
    """`{name: kwargs}` such that `AgentDefinition(**kwargs)` builds the agent in claude-agent-sdk."""
    return {
        agent.name: _definition(agent, _SDK_KEYS)
        for agent in agents
        if agent.loaded and agent.shadowed_by is None and isinstance(agent.name, str)
    }


def safe_file_name(name: Any, target: Path) -> Path:
    """`<name>.md` inside `target`, or ExportError if the name could write anywhere else."""
    if not isinstance(name, str) or not _SAFE_FILE_NAME.fullmatch(name) or ".." in name:
        raise ExportError(f"agent name {name!r} is not a safe file name; it could write outside {target}")
    path = (target / f"{name}.md").resolve()
    if path.parent != target.resolve():
        raise ExportError(f"agent name {name!r} would write outside {target}")
    return path


@dataclass(frozen=True, slots=True)
class ExportReport:
    written: list[Path]
    skipped: list[tuple[Path, str]]  # (source file, why)


def export_folder(agents: Iterable[Agent], target: str | Path, *, overwrite: bool = False) -> ExportReport:
    """One file per loaded agent, named after the agent, with its text unchanged."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    taken: dict[Path, Path] = {}
    for agent in agents:
        if not agent.loaded:
            skipped.append((agent.path, f"Claude Code does not load it: {agent.reason}"))
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
        atomic_write(out, agent.render().encode("utf-8"))
        taken[out] = agent.path
        written.append(out)
    return ExportReport(written, skipped)
