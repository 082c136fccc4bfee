"""Claude Code's own main-loop request for a project and a request, captured from the binary.

The pinned Claude Code runs with its working folder *in the user's project*, so Claude Code itself reads
the project's `.claude/` folders, CLAUDE.md files, settings and git state, and with a scratch config folder
holding copies of what it reads from the user's config (`USER_CONFIG_ENTRIES`: agents, CLAUDE.md,
settings, skills, plugins, ... and the project's memory). It talks to agentkit's local stand-in, which
records the first main-loop request; Claude Code is stopped right there. Nothing is written into the project
(git's optional locks are off) and nothing into the user's config: transcripts and state go to the
scratch folder, which is removed. Two things are switched off because they would run the user's own
programs: hooks (`disableAllHooks`) and MCP servers (`--strict-mcp-config`); their tools and the context a
hook adds are therefore missing from the request.

The scratch paths Claude Code wrote into the request are put back to the user's (the config folder, HOME,
the temporary folder), so the request reads as Claude Code would send it from the user's own session.
Captures are cached in `$AGENTKIT_HOME/captures/<Claude Code version>/<digest>.json` (mode 0600), the
digest covering the request, the model, the date and every input Claude Code reads; they hold Claude Code's
prompt texts, so they stay on this machine and are never committed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from agentkit._errors import CaptureError
from agentkit._oracle import ClaudeCode, find_claude
from agentkit._oracle.standin import FakeMessagesAPI, Recorded
from agentkit._oracle.world import folders_env, offline_env, run_process
from agentkit._reader.claude_code import (
    AGENT_TOOL,
    CONFIG_DIR_VARIABLE,
    PROJECT_MEMORY_FILES,
    REQUEST_VARIABLES,
    USER_CONFIG_ENTRIES,
    project_slug,
)
from agentkit.live._prices import home
from agentkit.live._routing.listing import ListedAgent, parse_listing

CAPTURE_FORMAT = 1  # bump when what a cached capture holds changes
DEFAULT_TIMEOUT_S = 60.0
MAX_COPY_BYTES = 64 * 1024 * 1024  # a config or .claude folder larger than this is not copied whole
MAX_FILE_BYTES = (
    4 * 1024 * 1024
)  # nor is a single file larger than this (an agent file over 1 MiB is skipped)
# Never copied from a project's .claude folder: Claude Code does not read them to build the request.
SKIPPED_IN_CLAUDE_FOLDER = ("worktrees", "projects", "todos", "shell-snapshots", "statsig", "ide")
# Flags that keep a capture from running the user's own programs (hooks, MCP servers).
SAFE_FLAGS = ("--strict-mcp-config", "--settings", '{"disableAllHooks": true}')


@dataclass(frozen=True)
class Capture:
    """The main-loop request Claude Code sends for `request` in `project` (the body as sent, paths put
    back to the user's). `listing` is Claude Code's agent listing in it, built-in agents included."""

    request: str
    project: Path
    claude_code: str  # the version that sent it
    body: Mapping[str, Any] = field(repr=False)
    betas: tuple[str, ...]
    anthropic_version: str
    listing: tuple[ListedAgent, ...]
    digest: str
    cached: bool = False
    seconds: float = 0.0  # how long Claude Code took to send it (0 from the cache)
    changes: tuple[str, ...] = ()  # the what-if changes applied, in words

    @property
    def model(self) -> str:
        return str(self.body.get("model"))

    @property
    def tools(self) -> tuple[str, ...]:
        return tuple(str(t.get("name")) for t in self.body.get("tools") or [] if isinstance(t, dict))

    @property
    def can_delegate(self) -> bool:
        """Does the request offer the Agent tool (settings can take it away)?"""
        return AGENT_TOOL in self.tools

    @property
    def agent_names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.listing)

    def summary(self) -> str:
        custom = sum(not a.builtin for a in self.listing)
        builtin = len(self.listing) - custom
        where = "from the cache" if self.cached else f"in {self.seconds:.1f} s"
        return (
            f"Claude Code {self.claude_code} · {self.model} · {len(self.tools)} tools · "
            f"{custom} agents of yours and {builtin} built-in listed · captured {where}"
        )


# -- where Claude Code reads from ------------------------------------------------------------------------
def user_config_dir(config_dir: str | os.PathLike[str] | None = None) -> Path:
    """The user's Claude config folder: `config_dir`, else `$CLAUDE_CONFIG_DIR`, else `~/.claude`."""
    if config_dir is not None:
        return Path(config_dir).expanduser().resolve()
    value = os.environ.get(CONFIG_DIR_VARIABLE)
    return Path(value).expanduser().resolve() if value else Path.home().resolve() / ".claude"


def git_root(folder: Path) -> Path | None:
    """The top of the git work tree holding `folder`, or None outside git (or without git)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            timeout=30,
            env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    return Path(os.fsdecode(done.stdout.strip())).resolve()


def project_folders(project: Path) -> tuple[list[Path], list[Path]]:
    """(folders whose `.claude/` Claude Code reads: the project up to its git root; folders whose
    CLAUDE.md files it reads: the project and every folder above it)."""
    top = git_root(project) or project
    chain = [project, *project.parents]
    claude_folders = [f for f in chain if f == top or top in f.parents]
    if top not in chain:  # a project outside its own repository (a symlink): the project alone
        claude_folders = [project]
    return claude_folders, chain


def _git_state(project: Path) -> bytes:
    """What Claude Code's gitStatus context is made of: branch, status, recent commits."""
    out = b""
    for args in (
        ["status", "--porcelain=v1", "--branch"],
        ["log", "-5", "--format=%H %s"],
        ["rev-parse", "--abbrev-ref", "origin/HEAD"],
    ):
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=project,
                capture_output=True,
                timeout=30,
                env={**os.environ, "GIT_OPTIONAL_LOCKS": "0"},
            )
            out += done.stdout + b"\0" + bytes([done.returncode & 0xFF])
        except (OSError, subprocess.TimeoutExpired):
            out += b"\0-"
    return out


def _files(folder: Path) -> Iterator[Path]:
    """Regular files under `folder` (symlinks followed, loops and unreadable folders skipped), sorted."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, names in os.walk(folder, followlinks=True):
        try:
            st = os.stat(root)
        except OSError:
            dirs[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            dirs[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirs[:] = sorted(d for d in dirs if d not in SKIPPED_IN_CLAUDE_FOLDER)
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file():
                yield path


def _hash_tree(digest: Any, label: str, path: Path) -> None:
    """Add a file, or every file under a folder, to `digest` (name, size, content)."""
    if path.is_file():
        targets = [path]
    elif path.is_dir():
        targets = list(_files(path))
    else:
        return
    for file in targets:
        digest.update(f"\0{label}\0{file.relative_to(path) if file != path else ''}\0".encode())
        try:
            if file.stat().st_size > MAX_FILE_BYTES:
                st = file.stat()
                digest.update(f"large:{st.st_size}:{st.st_mtime_ns}".encode())
            else:
                digest.update(file.read_bytes())
        except OSError as e:
            digest.update(f"unreadable:{e.errno}".encode())


# -- the scratch config ------------------------------------------------------------------------------------
def _copy(source: Path, target: Path, budget: list[int]) -> None:
    """Copy a file or folder (symlinks followed, big files and folders left out) within `budget` bytes."""
    if source.is_file():
        size = source.stat().st_size
        if size <= MAX_FILE_BYTES and size <= budget[0]:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
            budget[0] -= size
        return
    if source.is_dir():
        for file in _files(source):
            _copy(file, target / file.relative_to(source), budget)


def _memory_folder(config: Path, project: Path) -> Path:
    return config / "projects" / project_slug(str(project)) / "memory"


def copy_user_config(config: Path, scratch: Path, project: Path) -> None:
    """Copy what Claude Code reads from the user's config into `scratch`: the entries, and the project's
    memory."""
    scratch.mkdir(parents=True, exist_ok=True)
    budget = [MAX_COPY_BYTES]
    for entry in USER_CONFIG_ENTRIES:
        _copy(config / entry, scratch / entry, budget)
    _copy(_memory_folder(config, project), _memory_folder(scratch, project), budget)


def copy_memory(config: Path, scratch: Path, project: Path, working: Path) -> None:
    """The project's memory, also under the slug of another working folder (a mirror of the project)."""
    _copy(_memory_folder(config, project), _memory_folder(scratch, working), [MAX_COPY_BYTES])


# -- running Claude Code -------------------------------------------------------------------------------
def _is_main_loop(rec: Recorded) -> bool:
    """The main loop's request: a Messages request with tools that is not a subagent's (side requests,
    such as titles, carry no tools)."""
    return (
        rec.is_messages and not rec.is_subagent and isinstance(rec.body, dict) and bool(rec.body.get("tools"))
    )


def _request_env() -> dict[str, str]:
    return {k: os.environ[k] for k in REQUEST_VARIABLES if os.environ.get(k)}


def _user_git_config() -> dict[str, str]:
    """Keep the user's own git configuration (excludes, default branch) while HOME is a scratch folder."""
    for candidate in (Path.home() / ".gitconfig", Path.home() / ".config" / "git" / "config"):
        if candidate.is_file():
            return {"GIT_CONFIG_GLOBAL": str(candidate)}
    return {}


def run_capture(
    binary: ClaudeCode,
    request: str,
    cwd: Path,
    config: Path,
    scratch: Path,
    *,
    model: str | None,
    timeout: float,
) -> tuple[Recorded, float]:
    """Run Claude Code once in `cwd` with `config` as its config folder, stop it at its first main-loop
    request, and return that request and the seconds it took. Raises CaptureError with Claude Code's own
    words when it sends none."""
    home_dir, tmp = scratch / "home", scratch / "tmp"
    for folder in (home_dir, tmp):
        folder.mkdir(parents=True, exist_ok=True)
    args = [str(binary.path), "-p", *SAFE_FLAGS]
    if model:
        args += ["--model", model]
    dead = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    dead.bind(("127.0.0.1", 0))
    try:
        with FakeMessagesAPI() as api:
            extra = {**_request_env(), **_user_git_config(), "GIT_OPTIONAL_LOCKS": "0"}
            env = offline_env(
                folders_env(home_dir, config, tmp),
                api.base_url,
                f"http://127.0.0.1:{dead.getsockname()[1]}",
                extra,
            )

            def arrived() -> bool:
                return any(_is_main_loop(r) for r in list(api.requests))

            run = run_process(
                args,
                cwd=cwd,
                env=env,
                out_dir=tmp,
                timeout=timeout,
                until=arrived,
                stdin=request.encode("utf-8"),
            )
            main = [r for r in list(api.requests) if _is_main_loop(r)]
    finally:
        dead.close()
    if not main:
        if run.timed_out:
            raise CaptureError(
                f"Claude Code {binary.version} sent no request within {timeout:.0f} s (it was stopped)"
            )
        said = " ".join((run.stderr.strip() or run.stdout.strip()).split())[-400:]
        raise CaptureError(
            f"Claude Code {binary.version} sent no request (exit code {run.returncode})"
            + (f": {said}" if said else "")
        )
    return main[0], run.seconds


def put_back(value: Any, replacements: list[tuple[str, str]]) -> Any:
    """`value` (JSON) with every scratch path replaced by the user's, longest first."""
    if isinstance(value, str):
        for old, new in replacements:
            if old in value:
                value = value.replace(old, new)
        return value
    if isinstance(value, list):
        return [put_back(v, replacements) for v in value]
    if isinstance(value, dict):
        return {k: put_back(v, replacements) for k, v in value.items()}
    return value


def path_replacements(pairs: list[tuple[Path, Path]]) -> list[tuple[str, str]]:
    """Scratch -> real, as paths and as the slugs Claude Code makes of them, longest first."""
    out: list[tuple[str, str]] = []
    for scratch, real in pairs:
        out.append((str(scratch), str(real)))
        out.append((project_slug(str(scratch)), project_slug(str(real))))
    return sorted(set(out), key=lambda pair: -len(pair[0]))


# -- the cache ---------------------------------------------------------------------------------------------
def input_digest(
    binary: ClaudeCode,
    request: str,
    project: Path,
    config: Path,
    model: str | None,
    extra: Mapping[str, Any] | None = None,
) -> str:
    """sha256 of everything the request depends on: Claude Code's version, the request, the model, today's
    date (Claude Code writes it in), the variables passed through, the user's config entries, the project's
    CLAUDE.md files and .claude folders, and its git state."""
    digest = hashlib.sha256()
    head = {
        "format": CAPTURE_FORMAT,
        "claude_code": binary.version,
        "request": request,
        "project": str(project),
        "config": str(config),
        "model": model,
        "date": dt.date.today().isoformat(),
        "env": _request_env(),
        "extra": dict(extra or {}),
    }
    digest.update(json.dumps(head, sort_keys=True, default=str).encode())
    for entry in USER_CONFIG_ENTRIES:
        _hash_tree(digest, f"config/{entry}", config / entry)
    _hash_tree(digest, "memory", _memory_folder(config, project))
    claude_folders, chain = project_folders(project)
    for folder in chain:
        for name in PROJECT_MEMORY_FILES:
            _hash_tree(digest, f"{folder}/{name}", folder / name)
    for folder in claude_folders:
        if folder / ".claude" != config:
            _hash_tree(digest, f"{folder}/.claude", folder / ".claude")
    digest.update(_git_state(project))
    return digest.hexdigest()


def captures_folder(version: str) -> Path:
    return home() / "captures" / version


def _load_cached(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None  # absent, or half-written by a process that died: capture again
    return data if isinstance(data, dict) and data.get("format") == CAPTURE_FORMAT else None


def _store(path: Path, data: dict[str, Any]) -> None:
    """Write atomically with mode 0600 (it holds Claude Code's prompt texts and the user's CLAUDE.md)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".capture-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump(data, out)
            os.chmod(temporary, 0o600)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a cache that cannot be written only costs the next capture its time


# -- capturing -----------------------------------------------------------------------------------------------
# (scratch folder, scratch config) -> (the working folder to run in, the changes made there, in words)
Prepare = Callable[[Path, Path], tuple[Path, list[str]]]


def capture_with(
    request: str,
    project: Path,
    *,
    config_dir: str | os.PathLike[str] | None,
    model: str | None,
    claude: str | os.PathLike[str] | ClaudeCode | None,
    timeout: float,
    cache: bool,
    prepare: Prepare | None = None,
    extra_digest: Mapping[str, Any] | None = None,
    changes: tuple[str, ...] = (),
) -> Capture:
    """Capture in `project` itself, or in what `prepare` builds in the scratch folder (a mirror of the
    project with changes); the request is put back to read as if sent from `project`."""
    if not isinstance(request, str) or not request.strip():
        raise CaptureError("the request is empty: give the words a user would type to Claude Code")
    binary = find_claude(claude)
    config = user_config_dir(config_dir)
    digest = input_digest(binary, request, project, config, model, extra_digest)
    path = captures_folder(binary.version) / f"{digest}.json"
    data = _load_cached(path) if cache else None
    cached = data is not None
    if data is None:
        scratch = Path(tempfile.mkdtemp(prefix="agentkit-capture-"))
        try:
            config_copy = scratch / "home" / ".claude"
            copy_user_config(config, config_copy, project)
            cwd, words = prepare(scratch, config_copy) if prepare else (project, list(changes))
            if cwd != project:  # the project's memory under the mirror's slug too
                copy_memory(config, config_copy, project, cwd)
            rec, seconds = run_capture(
                binary, request, cwd, config_copy, scratch, model=model, timeout=timeout
            )
            pairs = [
                (config_copy, config),
                (scratch / "home", Path.home()),
                (scratch / "tmp", Path(tempfile.gettempdir())),
            ]
            if cwd != project:
                pairs.insert(0, (cwd, project))
            body = put_back(rec.body, path_replacements(pairs))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        data = {
            "format": CAPTURE_FORMAT,
            "request": request,
            "project": str(project),
            "claude_code": binary.version,
            "body": body,
            "betas": [b.strip() for b in rec.headers.get("anthropic-beta", "").split(",") if b.strip()],
            "anthropic_version": rec.headers.get("anthropic-version", "2023-06-01"),
            "seconds": seconds,
            "changes": words,
        }
        _check_request(data["body"], request)
        if cache:
            _store(path, data)
    return from_data(data, digest=digest, cached=cached, changes=tuple(data.get("changes") or changes))


def from_data(data: Mapping[str, Any], *, digest: str, cached: bool, changes: tuple[str, ...]) -> Capture:
    body = data["body"]
    return Capture(
        request=data["request"],
        project=Path(data["project"]),
        claude_code=data["claude_code"],
        body=body,
        betas=tuple(data["betas"]),
        anthropic_version=data["anthropic_version"],
        listing=tuple(parse_listing(body)),
        digest=digest,
        cached=cached,
        seconds=0.0 if cached else float(data.get("seconds") or 0.0),
        changes=changes,
    )


def _check_request(body: Any, request: str) -> None:
    """The user's words must be in the request's first user message, or it is not the request asked for."""
    messages = body.get("messages") if isinstance(body, dict) else None
    first = next((m for m in messages or [] if isinstance(m, dict) and m.get("role") == "user"), None)
    content = first.get("content") if first else None
    texts = (
        [content]
        if isinstance(content, str)
        else [b.get("text") for b in content or [] if isinstance(b, dict) and isinstance(b.get("text"), str)]
    )
    if not any(isinstance(t, str) and request.strip() in t for t in texts):
        raise CaptureError("Claude Code's first request does not carry the request's words: not captured")


def project_folder(project: str | os.PathLike[str] | None) -> Path:
    folder = Path(project if project is not None else ".").expanduser()
    if not folder.exists():
        raise CaptureError(f"{folder}: no such folder")
    if not folder.is_dir():
        raise CaptureError(f"{folder} is not a folder: give the project folder Claude Code would run in")
    return folder.resolve()
