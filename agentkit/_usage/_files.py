"""Where Claude Code's transcripts are: the config folder, its project folders, each session's files.

    $CLAUDE_CONFIG_DIR/projects/<project slug>/<session>.jsonl                   the main thread
    $CLAUDE_CONFIG_DIR/projects/<project slug>/<session>/subagents/agent-<id>.jsonl  each agent run (2.1.x),
        beside it agent-<id>.meta.json; an agent an agent spawned may sit deeper, so the folder is walked
    $CLAUDE_CONFIG_DIR/projects/<project slug>/agent-<id>.jsonl                   an agent run (2.0.x): its
        records name the session in `sessionId`
Older sessions hold their agents' records inline (`isSidechain: true`); the reader sorts them out.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from agentkit._errors import UsageError
from agentkit._reader.claude_code import CONFIG_DIR_VARIABLE, SLUG_LIMIT, TRANSCRIPTS_FOLDER, project_slug

FIRST_LINE_LIMIT = 1 << 20  # bytes read to find the session of a 2.0.x agent file


@dataclass(frozen=True, slots=True)
class SessionFiles:
    project: str  # the project folder's name (Claude Code's slug of the working directory)
    session: str  # the session id
    main: Path | None  # <session>.jsonl; None when only agent files of the session are left
    agents: tuple[Path, ...]  # the session's agent transcripts, in a stable order


def config_folder(config_dir: str | os.PathLike[str] | None = None) -> Path:
    """`config_dir`, else $CLAUDE_CONFIG_DIR, else ~/.claude; a UsageError when it holds no transcripts."""
    if config_dir is None:
        config_dir = os.environ.get(CONFIG_DIR_VARIABLE) or Path.home() / ".claude"
    folder = Path(config_dir).expanduser()
    if not folder.is_dir():
        raise UsageError(f"{folder} is not a folder (Claude Code's config folder holds projects/)")
    if not (folder / TRANSCRIPTS_FOLDER).is_dir():
        raise UsageError(
            f"{folder} holds no Claude Code transcripts (there is no {TRANSCRIPTS_FOLDER}/ folder)"
        )
    return folder


def project_folders(config: Path, project: str | os.PathLike[str] | None = None) -> list[Path]:
    """The project folders under `config/projects`, or the one(s) of `project` (a working directory)."""
    root = config / TRANSCRIPTS_FOLDER
    try:
        folders = sorted(p for p in root.iterdir() if p.is_dir())
    except OSError as exc:
        raise UsageError(f"cannot list {root}: {exc.strerror or exc}") from None
    if project is None:
        return folders
    return [f for f in folders if holds(f.name, project)]


def holds(folder_name: str, project: str | os.PathLike[str]) -> bool:
    """Is `folder_name` (under projects/) the folder of the sessions run in `project`?"""
    given = Path(project).expanduser()
    slugs = {project_slug(str(p)) for p in (given.absolute(), given.resolve())}
    if folder_name in slugs:
        return True
    # A slug longer than SLUG_LIMIT is cut there and given "-<hash>" by the binary: the cut part must match.
    return any(len(s) > SLUG_LIMIT and folder_name.startswith(s[:SLUG_LIMIT] + "-") for s in slugs)


def sessions(folder: Path) -> Iterator[SessionFiles]:
    """The sessions of one project folder, oldest main file first (so that a session copied from another,
    as a fork is, counts the copied answers where they were first written)."""
    mains: dict[str, Path] = {}
    loose: dict[str, list[Path]] = {}  # session id -> 2.0.x agent files beside the session files
    dirs: set[str] = set()
    try:
        entries = list(os.scandir(folder))
    except OSError as exc:
        raise UsageError(f"cannot list {folder}: {exc.strerror or exc}") from None
    for entry in entries:
        name = entry.name
        if entry.is_dir():
            dirs.add(name)
        elif name.endswith(".jsonl") and name.startswith("agent-"):
            loose.setdefault(_session_of(Path(entry.path)) or "", []).append(Path(entry.path))
        elif name.endswith(".jsonl"):
            mains[name[: -len(".jsonl")]] = Path(entry.path)
    ids = set(mains) | {d for d in dirs if _has_agents(folder / d)} | {s for s in loose if s}
    for session in sorted(ids, key=lambda s: (_mtime(mains.get(s)), s)):
        agents = sorted(_agent_files(folder / session)) + sorted(loose.get(session, []))
        yield SessionFiles(folder.name, session, mains.get(session), tuple(agents))
    if loose.get(""):  # agent files whose session cannot be told: still counted, as a session of their own
        yield SessionFiles(folder.name, "(unknown session)", None, tuple(sorted(loose[""])))


def _mtime(path: Path | None) -> float:
    try:
        return path.stat().st_mtime if path is not None else float("inf")
    except OSError:
        return float("inf")


def _has_agents(session_dir: Path) -> bool:
    return any(True for _ in _agent_files(session_dir))


def _agent_files(session_dir: Path) -> Iterator[Path]:
    subagents = session_dir / "subagents"
    if subagents.is_dir():
        yield from (p for p in subagents.rglob("agent-*.jsonl") if p.is_file())


def _session_of(path: Path) -> str | None:
    """The `sessionId` of a 2.0.x agent file's first record."""
    try:
        if not path.is_file():
            return None
        with open(path, "rb") as handle:
            first = handle.readline(FIRST_LINE_LIMIT)
        value = json.loads(first).get("sessionId")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) and value else None
