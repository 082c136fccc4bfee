"""What if the agents or CLAUDE.md were different? The request Claude Code would send, without touching a file.

The user's files are never written. Claude Code runs twice more, in a scratch *mirror* of the project (the
CLAUDE.md files of the project and every folder above it, the `.claude/` folders from the project up to its
git root, an empty git repository): once as it is, once with the changes written into the mirror (and
into the scratch copy of the user's config, for user-level agents). What Claude Code changed between those
two requests (the agent listing, the CLAUDE.md context) is then applied to the request captured in the
real project, a three-way merge of JSON values and, inside a text, of lines. So the result keeps everything
only the real project gives (its git status, CLAUDE.md imports) and carries Claude Code's own rendering
of the change. A change that lands on a part where the mirror and the real project differ cannot be
merged exactly and raises CaptureError.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from agentkit._errors import CaptureError
from agentkit._reader.agent import Agent
from agentkit._reader.claude_code import AGENT_SUFFIX
from agentkit.live._routing.capture import (
    SKIPPED_IN_CLAUDE_FOLDER,
    Capture,
    _copy,
    from_data,
    project_folders,
)


class Keep:
    """The default of `claude_md`: leave the project's CLAUDE.md as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
AgentsChange = str | os.PathLike[str] | Agent | Iterable[Agent] | None


# -- the mirror --------------------------------------------------------------------------------------
def mirror_path(scratch: Path, real: Path) -> Path:
    return scratch / "mirror" / real.relative_to(real.anchor)


def build_mirror(project: Path, scratch: Path) -> Path:
    """Copy what Claude Code reads from the project into scratch/mirror/<absolute path>; return the mirror
    of the project folder."""
    claude_folders, chain = project_folders(project)
    budget = [64 * 1024 * 1024]
    home_config = Path.home().resolve() / ".claude"
    for folder in chain:
        for name in ("CLAUDE.md", "CLAUDE.local.md"):
            if (folder / name).is_file():
                _copy(folder / name, mirror_path(scratch, folder / name), budget)
    for folder in claude_folders:
        source = folder / ".claude"
        if source.is_dir() and source.resolve() != home_config:
            for child in sorted(source.iterdir()):
                if child.name not in SKIPPED_IN_CLAUDE_FOLDER:
                    _copy(child, mirror_path(scratch, child), budget)
    top = claude_folders[-1]
    mirrored_top = mirror_path(scratch, top)
    mirrored_top.mkdir(parents=True, exist_ok=True)
    if (top / ".git").exists():
        subprocess.run(["git", "init", "-q", str(mirrored_top)], capture_output=True, timeout=30)
        # Every file ignored: the mirror's git status is the same whatever a change writes into it.
        exclude = mirrored_top / ".git" / "info" / "exclude"
        exclude.parent.mkdir(parents=True, exist_ok=True)
        exclude.write_text("*\n")
    mirrored = mirror_path(scratch, project)
    mirrored.mkdir(parents=True, exist_ok=True)
    return mirrored


def _agents_folders(project: Path) -> list[Path]:
    claude_folders, _ = project_folders(project)
    return [f / ".claude" / "agents" for f in claude_folders]


def _inside(path: Path, folder: Path) -> bool:
    return folder == path or folder in path.parents


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_symlink() or target.exists():
        target.unlink()  # never write through: the mirror holds copies, but be sure
    target.write_bytes(data)


def apply_agents(
    change: AgentsChange, project: Path, scratch: Path, config: Path, config_copy: Path
) -> list[str]:
    """Write the agents' changes into the mirror (or the config copy); return them in words.

    A folder replaces the project's own `.claude/agents`; agents (an Agent, a list, an AgentSet) replace the
    files they were read from when those are the project's or the user's agent files, and are added to the
    project's `.claude/agents` otherwise."""
    if change is None:
        return []
    if isinstance(change, str | os.PathLike):
        source = Path(change).expanduser()
        if source.is_dir():
            target = mirror_path(scratch, project / ".claude" / "agents")
            shutil.rmtree(target, ignore_errors=True)
            files = sorted(p for p in source.rglob(f"*{AGENT_SUFFIX}") if p.is_file())
            for file in files:
                _write(target / file.relative_to(source), file.read_bytes())
            return [f"the project's agents replaced by the {len(files)} files of {source}"]
        if source.is_file():
            from agentkit._reader.scan import load

            change = load(source)
        else:
            raise CaptureError(f"{source}: no such file or folder of agents")
    agents = [change] if isinstance(change, Agent) else list(change)
    words = []
    folders = _agents_folders(project)
    user_agents = config / "agents"
    named = _named_files([*folders, user_agents])
    for agent in agents:
        if not isinstance(agent, Agent):
            raise TypeError(f"agents= takes a folder, an Agent or agents, not {type(agent).__name__}")
        path = (
            agent.path.expanduser().resolve()
            if agent.path.is_absolute() or agent.path.exists()
            else agent.path
        )
        data = agent.render().encode("utf-8", "surrogateescape")
        home = next((f for f in folders if _inside(path, f)), None)
        if home is None and not _inside(path, user_agents) and agent.name in named:
            path = named[agent.name]  # a file from elsewhere replaces the project's file of its name
            home = next((f for f in folders if _inside(path, f)), None)
            if home is None:
                _write(config_copy / path.relative_to(config), data)
                words.append(f"{path} (user agent): replaced by {agent.path}")
                continue
            _write(mirror_path(scratch, path), data)
            words.append(f"{_shown(path, project)}: replaced by {agent.path}")
            continue
        if home is not None:
            _write(mirror_path(scratch, path), data)
            words.append(f"{_shown(path, project)}: this version (not written to the file)")
        elif _inside(path, user_agents):
            _write(config_copy / path.relative_to(config), data)
            words.append(f"{path} (user agent): this version (not written to the file)")
        else:
            _write(mirror_path(scratch, project / ".claude" / "agents" / path.name), data)
            words.append(f".claude/agents/{path.name}: added from {path}")
    return words


def _shown(path: Path, project: Path) -> str:
    return str(path.relative_to(project)) if _inside(path, project) else str(path)


def _named_files(folders: list[Path]) -> dict[str, Path]:
    """name -> the file Claude Code uses for it, over these agent folders (later folders lose)."""
    from agentkit._reader.scan import load

    named: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for agent in load(folder):
                if agent.loaded and agent.shadowed_by is None and isinstance(agent.name, str):
                    named.setdefault(agent.name, agent.path.resolve())
    return named


def apply_claude_md(text: str | None, project: Path, scratch: Path) -> list[str]:
    target = mirror_path(scratch, project / "CLAUDE.md")
    if text is None:
        if target.exists():
            target.unlink()
            return ["CLAUDE.md: removed"]
        return ["CLAUDE.md: none (there was none)"]
    if not isinstance(text, str):
        raise TypeError(f"claude_md= takes text or None, not {type(text).__name__}")
    _write(target, text.encode("utf-8", "surrogateescape"))
    return [f"CLAUDE.md: replaced ({len(text):,} characters)"]


def change_digest(change: AgentsChange, claude_md: str | None | Keep) -> dict[str, Any]:
    """What the changes are, for the capture cache (the texts, not the objects)."""
    digest = hashlib.sha256()
    if isinstance(change, str | os.PathLike):
        source = Path(change).expanduser()
        files = sorted(source.rglob(f"*{AGENT_SUFFIX}")) if source.is_dir() else [source]
        for file in files:
            if file.is_file():
                digest.update(f"\0{file}\0".encode() + file.read_bytes())
    elif change is not None:
        for agent in [change] if isinstance(change, Agent) else list(change):
            if isinstance(agent, Agent):
                digest.update(f"\0{agent.path}\0{agent.render()}".encode("utf-8", "surrogateescape"))
    md = None if claude_md is None else ("keep" if isinstance(claude_md, Keep) else claude_md)
    return {"agents": digest.hexdigest(), "claude_md": md}


# -- the merge -----------------------------------------------------------------------------------------
_MISSING = object()
# Values that differ between any two runs (ids): always the real project's.
_OWN = ("metadata",)


class MergeConflict(Exception):
    pass


def merge3(base: Any, old: Any, new: Any, where: str = "") -> Any:
    """`base` with the change from `old` to `new` applied (JSON values; lines inside texts)."""
    if old == new:
        return base
    if base == old:
        return new
    if isinstance(base, dict) and isinstance(old, dict) and isinstance(new, dict):
        out = {}
        for key in list(dict.fromkeys([*base, *new])):
            if key in _OWN and not where:
                out[key] = base[key]
                continue
            value = merge3(
                base.get(key, _MISSING), old.get(key, _MISSING), new.get(key, _MISSING), f"{where}.{key}"
            )
            if value is not _MISSING:
                out[key] = value
        return out
    if isinstance(base, list) and isinstance(old, list) and isinstance(new, list):
        return _merge_lists(base, old, new, where)
    if isinstance(base, str) and isinstance(old, str) and isinstance(new, str):
        return _merge_text(base, old, new, where)
    raise MergeConflict(where or "the request")


def _merge_lists(base: list[Any], old: list[Any], new: list[Any], where: str) -> list[Any]:
    if len(base) != len(old):
        raise MergeConflict(where)
    keys = [json.dumps(v, sort_keys=True) for v in old], [json.dumps(v, sort_keys=True) for v in new]
    out: list[Any] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, *keys, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(base[i1:i2])
        elif tag == "replace" and i2 - i1 == j2 - j1:
            out.extend(
                merge3(base[i], old[i], new[j], f"{where}[{i}]")
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        else:  # inserted or removed elements (a CLAUDE.md block that appears): Claude Code's own
            if tag != "insert" and base[i1:i2] != old[i1:i2]:
                raise MergeConflict(where)
            out.extend(new[j1:j2])
    return out


def _merge_text(base: str, old: str, new: str, where: str) -> str:
    """Apply the line changes from `old` to `new` to `base`; every changed stretch of `old` must be
    unchanged in `base` (and located there without doubt)."""
    b, o, n = base.splitlines(keepends=True), old.splitlines(keepends=True), new.splitlines(keepends=True)
    to_base: dict[int, int] = {}
    for i, j, size in difflib.SequenceMatcher(None, o, b, autojunk=False).get_matching_blocks():
        for k in range(size):
            to_base[i + k] = j + k
    out: list[str] = []
    at = 0  # next line of base to copy
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, o, n, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        # The stretch o[i1:i2] must sit unchanged in base, at known places.
        if i1 < i2:
            if not all(i in to_base for i in range(i1, i2)) or to_base[i2 - 1] - to_base[i1] != i2 - i1 - 1:
                raise MergeConflict(where)
            start, stop = to_base[i1], to_base[i2 - 1] + 1
        else:  # an insertion before o[i1]: after the base line that o[i1 - 1] maps to
            if i1 == 0:
                start = 0
            elif i1 - 1 in to_base:
                start = to_base[i1 - 1] + 1
            else:
                raise MergeConflict(where)
            stop = start
        if start < at:
            raise MergeConflict(where)
        out.extend(b[at:start])
        out.extend(n[j1:j2])
        at = stop
    out.extend(b[at:])
    return "".join(out)


def merged_capture(base: Capture, old: Capture, new: Capture, changes: tuple[str, ...]) -> Capture:
    """The request of `base` with what changed from `old` to `new`."""
    try:
        body = merge3(dict(base.body), dict(old.body), dict(new.body))
    except MergeConflict as e:
        raise CaptureError(
            f"cannot apply {', '.join(changes) or 'the change'} exactly: it changes a part of Claude Code's "
            f"request ({e}) that differs between the project and its mirror"
        ) from None
    digest = hashlib.sha256(f"{base.digest}\0{new.digest}".encode()).hexdigest()
    data = {
        "request": base.request,
        "project": str(base.project),
        "claude_code": base.claude_code,
        "body": body,
        "betas": list(new.betas),
        "anthropic_version": new.anthropic_version,
        "seconds": base.seconds + old.seconds + new.seconds,
    }
    made = from_data(data, digest=digest, cached=base.cached and old.cached and new.cached, changes=changes)
    return made
