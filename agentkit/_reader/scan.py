"""Finding agent files the way Claude Code does, reading them, and resolving name clashes by scope."""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from agentkit._progress import gc_paused, progress
from agentkit._reader.agent import Agent, AgentSet, agent_from_text, unreadable_agent
from agentkit._reader.claude_code import MAX_FILE_BYTES, managed_agents_dir

T = TypeVar("T")


def loads(text: str, path: str | Path = "<string>", *, plugin: str | None = None) -> Agent:
    """One agent from its text, as Claude Code would read a file holding exactly this text."""
    if not isinstance(text, str):  # a misuse, not a bad file: say so rather than make a record of it
        hint = (
            " (decode it, or read the file with agentkit.load)" if isinstance(text, bytes | bytearray) else ""
        )
        raise TypeError(f"loads() takes the file's text as str, not {type(text).__name__}{hint}")
    path = Path(path)
    scope = "plugin" if plugin else None
    try:
        return agent_from_text(text, path, scope=scope, plugin=plugin)
    except Exception as exc:  # a bug in agentkit: still a record, never an exception (README)
        return unreadable_agent(path, _internal_error(exc), scope=scope, plugin=plugin)


def load(*paths: str | os.PathLike[str]) -> AgentSet:
    """Every `*.md` file under the given folders (and every file given directly), one record each.

    Folders are searched recursively as Claude Code searches them: hidden files included, symlinks
    followed, a file reached twice counted once. Nothing raises for a bad file: it gets a reason.
    The files are taken as one agents folder: when several define the same name, the one whose path sorts
    last (UTF-16 order, as Claude Code sorts them) wins and the others get `shadowed_by` set to it.
    """
    agents: list[Agent] = []
    with gc_paused():
        listed = files(*paths)  # listing first (fast) gives the progress bar its total
        for path_text, path, problem, real, fd in progress(
            _opened_ahead(listed), total=len(listed), desc="reading"
        ):
            agents.append(_read(path_text, problem, path=path, fd=fd, real=real))
        return AgentSet(resolve_shadowing(agents, lambda agent: 0, fresh=True))


def files(*paths: str | os.PathLike[str]) -> list[Entry]:
    """The files `load(*paths)` reads, in its order (an Entry each: the path as text and as a Path, the reason
    it is not a regular file to read or None, and where a symbolic link leads or None). A file reached
    twice is listed once."""
    return [(text, _path(parent, name), problem, real) for text, parent, name, problem, real in _files(paths)]


# One file of a listing: the path as text and as a Path, why it cannot be read (None for a regular file), and
# where it really is when a symbolic link leads there (None when the path is the file itself).
Entry = tuple[str, Path, str | None, str | None]


# A file as listed: its path as text (what is opened), the folder's Path and the file's name in it (the
# file's own Path and None for a file named directly), why it is not a regular file to read (or None), and
# where a symbolic link leads (or None).
# The file's Path is built only when needed (`_path`): a cached run over unchanged files needs none.
_Listed = tuple[str, Path, str | None, str | None, str | None]


def _files(paths: tuple[str | os.PathLike[str], ...]) -> list[_Listed]:
    listed: list[_Listed] = []
    seen: set[tuple[int, int]] = set()
    for root in paths or (".",):
        root = Path(root)
        if root.is_dir():
            listed.extend(_walk(root, seen))
        else:
            identity = _identity(root)
            if identity in seen:  # the same file again (`ag ag/a.md`, `a.md ./a.md`): one record
                continue
            if identity is not None:
                seen.add(identity)
            real = os.path.realpath(root)
            listed.append(
                (str(root), root, None, file_problem(root), real if real != os.path.abspath(root) else None)
            )
    return listed


def _path(parent: Path, name: str | None) -> Path:
    return parent if name is None else _child(parent, name)


class FileCache(Protocol):
    """What `Survey` asks of a cache (agentkit._cache.FileCache)."""

    @property
    def active(self) -> bool: ...
    def check(self, path: str, info: os.stat_result) -> bool: ...
    def value(self, path: str) -> Any: ...
    def known(self, path: str) -> bool: ...
    def confirm(self, path: str, info: os.stat_result, digest: bytes) -> bool: ...
    def verify(self, path: str, info: os.stat_result, digest: bytes) -> Any: ...
    def store(self, path: str, info: os.stat_result, digest: bytes, value: Any) -> None: ...


class Survey:
    """The files `load(*paths)` reads, in its order, each looked up in `cache` by its path and `os.stat`:
    `listing` (the paths as opened) is known, and which files the cache vouches for, before any file is
    read. `summaries` then gives what is needed of each file."""

    def __init__(self, paths: tuple[str | os.PathLike[str], ...], cache: FileCache) -> None:
        self.cache = cache
        self._listed = _files(paths)
        self.listing = [entry[0] for entry in self._listed]
        self._stats: list[os.stat_result | None] = [None] * len(self._listed)
        self._vouched = [False] * len(self._listed)
        if cache.active:
            for index, (path_text, _parent, _name, problem, _real) in enumerate(self._listed):
                if problem is None:
                    try:
                        info = os.stat(path_text)
                    except OSError:
                        continue
                    self._stats[index] = info
                    self._vouched[index] = cache.check(path_text, info)

    def __len__(self) -> int:
        return len(self._listed)

    def confirm(self, digest: Callable[[bytes], bytes]) -> None:
        """Read the files the cache has an entry for but could not vouch for by their identity (touched,
        checked out again, or changed just before the run that stored them started), and let the digest of
        their bytes vouch for them: nothing is parsed, and no stored result decoded. Files without an entry (a
        first run) are not read here."""
        cache, listed = self.cache, self._listed
        todo = [
            index
            for index, vouched in enumerate(self._vouched)
            if not vouched and self._stats[index] is not None and cache.known(listed[index][0])
        ]
        unread = [(listed[i][0], _path(listed[i][1], listed[i][2]), listed[i][3], listed[i][4]) for i in todo]
        for index, (path_text, path, problem, _real, fd) in zip(todo, _opened_ahead(unread), strict=True):
            data = _bytes_or_record(path_text, problem, path, fd)
            info = self._stats[index]
            if (
                not isinstance(data, Agent)
                and info is not None
                and cache.confirm(path_text, info, digest(data))
            ):
                self._vouched[index] = True

    def summaries(
        self,
        summarize: Callable[[Agent], T],
        *,
        miss: object,
        digest: Callable[[bytes], bytes],
        desc: str = "reading",
    ) -> list[tuple[Path, T]]:
        """`summarize(record)` for every file, with its Path: the cache's result for a file it vouches for;
        for the others, the file is read (opened ahead, as `load` does), and the digest of its bytes decides
        whether the stored result still holds, else `summarize` is called and its result stored. The records
        are `load()`'s before name clashes are resolved (`shadowed_by` is None): what `summarize` returns
        must depend on the file alone. A file that is not a regular file, or cannot be read, is summarized
        every time and never stored."""
        cache, listed = self.cache, self._listed
        out: list[Any] = [miss] * len(listed)
        todo: list[int] = []
        with gc_paused():
            for index, vouched in enumerate(self._vouched):
                if vouched:
                    out[index] = cache.value(listed[index][0])
                if out[index] is miss:
                    todo.append(index)
            unread = [
                (listed[i][0], _path(listed[i][1], listed[i][2]), listed[i][3], listed[i][4]) for i in todo
            ]
            opened = progress(_opened_ahead(unread), total=len(unread), desc=desc)
            for index, (path_text, path, problem, real, fd) in zip(todo, opened, strict=True):
                info = self._stats[index]
                data = _bytes_or_record(path_text, problem, path, fd)
                if isinstance(data, Agent):
                    out[index] = summarize(data)
                    continue
                hashed = digest(data) if info is not None else b""
                if info is not None:
                    value = cache.verify(path_text, info, hashed)
                    if value is not miss:
                        out[index] = value
                        continue
                try:
                    agent = _record(data, path, None, None, real)
                except Exception as exc:  # a bug in agentkit: still a record, and the other files still load
                    agent = unreadable_agent(path, _internal_error(exc))
                value = summarize(agent)
                if info is not None:
                    cache.store(path_text, info, hashed, value)
                out[index] = value
            return [(_path(entry[1], entry[2]), value) for entry, value in zip(listed, out, strict=True)]


def _identity(path: Path) -> tuple[int, int] | None:
    """The file behind `path` (links followed), as the folder walk keys it; None when it cannot be told."""
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino)


def path_order(path: Path) -> str:
    """The key Claude Code sorts agent files by: the path's UTF-16 code units (JavaScript's default sort),
    so a character outside the BMP sorts before U+E000-U+FFFF, unlike Python's code-point order. As text
    whose code points are those units (each such character spelled as its two surrogates): most paths
    are their own key."""
    text = str(path)
    if text.isascii() or not _OUTSIDE_BMP.search(text):
        return text
    return _OUTSIDE_BMP.sub(_surrogates, text)


_OUTSIDE_BMP = re.compile("[\U00010000-\U0010ffff]")


def _surrogates(match: re.Match[str]) -> str:
    code = ord(match.group()) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


# Why a path that is not a regular file is not read. Opening a FIFO blocks until a writer comes, and
# reading a device may never end: only regular files are opened.
_NOT_REGULAR = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
    stat.S_IFDIR: "a folder",
}
NOT_REGULAR_SUFFIX = ", not a regular file; agentkit reads only regular files"
LOOP = "it is a symbolic link loop"
DANGLING = "the file does not exist (or is a broken link)"


def file_problem(path: str | Path) -> str | None:
    """Why `path` is not a regular file agentkit can open, or None when it is one (links followed)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return _os_problem(exc)
    if stat.S_ISREG(mode):
        return None
    kind = _NOT_REGULAR.get(stat.S_IFMT(mode), "not a regular file")
    if kind == "a folder":
        return "it is a folder, not a file"
    return f"it is {kind}{NOT_REGULAR_SUFFIX}"


def _os_problem(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return LOOP
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return DANGLING
    return f"the file cannot be read ({exc.strerror or exc})"


def _walk(root: Path, seen_files: set[tuple[int, int]]) -> Iterator[_Listed]:
    """Every `*.md` file under `root` (see `_Listed`).

    Depth-first, sorted, following symlinks but never entering a directory twice (no loops). The kind of
    an entry comes with the directory listing (d_type), so a regular file costs no extra system call, and
    where a file really is is resolved only below a symbolic link (once per folder).
    """
    seen_dirs: set[tuple[int, int]] = set()
    root_text = str(root)
    real_root = os.path.realpath(root_text)
    linked_root = real_root != os.path.abspath(root_text)
    stack: list[tuple[str, Path, str | None]] = [(root_text, root, real_root if linked_root else None)]
    while stack:
        directory, directory_path, real_directory = stack.pop()
        try:
            info = os.stat(directory)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=_entry_name)
        except OSError as exc:
            if directory != root_text:  # the root itself was checked by the caller
                yield (
                    directory,
                    directory_path,
                    None,
                    f"this folder cannot be read ({exc.strerror}); agent files in it are missed",
                    None,
                )
            continue
        subdirs: list[tuple[str, Path, str | None]] = []
        device = info.st_dev
        for entry in entries:
            name = entry.name
            problem: str | None = None
            real: str | None = None
            if entry.is_file(follow_symlinks=False):  # the common case, no system call (d_type)
                if not name.endswith(".md"):
                    continue
                key = (device, entry.inode())
                if real_directory is not None:
                    real = os.path.join(real_directory, name)
            else:
                try:
                    is_dir = entry.is_dir()  # follows symlinks
                except OSError:
                    is_dir = False
                if is_dir:
                    if entry.is_symlink():
                        real_sub: str | None = os.path.realpath(entry.path)
                    else:
                        real_sub = None if real_directory is None else os.path.join(real_directory, name)
                    subdirs.append((entry.path, _child(directory_path, name), real_sub))
                    continue
                if not name.endswith(".md"):
                    continue
                try:
                    if entry.is_symlink():
                        st = entry.stat()
                        key = (st.st_dev, st.st_ino)
                        real = os.path.realpath(entry.path)
                        if not stat.S_ISREG(st.st_mode):
                            problem = file_problem(entry.path)
                    else:  # a FIFO, a socket, a device
                        key = (device, entry.inode())
                        problem = file_problem(entry.path)
                except OSError as exc:  # a dangling link or a loop: still reported, once
                    key = (-1, hash(entry.path))
                    problem = _os_problem(exc)
            if key in seen_files:
                continue
            seen_files.add(key)
            yield entry.path, directory_path, name, problem, real
        stack.extend(reversed(subdirs))


def _fast_child(directory: Path, name: str) -> Path:
    child: Path = directory._make_child_relpath(name)  # type: ignore[attr-defined]
    if _CACHES_TEXT:  # Python 3.11 leaves the text to be built on first use: name-clash sorting uses it
        parent = str(directory)  # built once per folder, then cached
        child._str = (  # type: ignore[attr-defined]  # pathlib's own cache of the text
            name if parent == "." else parent + name if parent.endswith(os.sep) else parent + os.sep + name
        )
    return child


def _slow_child(directory: Path, name: str) -> Path:
    return directory / name


# `directory / name` parses the whole path again (3 µs, a tenth of load()'s time per file). pathlib's own
# iterdir() builds children with _make_child_relpath, which skips that; where it is missing, use `/`.
_child = _fast_child if hasattr(Path, "_make_child_relpath") else _slow_child
_CACHES_TEXT = "_str" in getattr(Path, "__slots__", ()) or any(
    "_str" in getattr(klass, "__slots__", ()) for klass in Path.__mro__
)


def _entry_name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _opened_ahead(
    files: list[Entry], ahead: int = 32
) -> Iterator[tuple[str, Path, str | None, str | None, int | None]]:
    """Each file with a descriptor opened `ahead` places before its turn, the kernel asked to start reading
    it (POSIX_FADV_WILLNEED): on a cold cache the disk works while the files before it are parsed (a first
    load of 100,000 files: 13.7 s to 8.2 s); on a warm one it costs half a microsecond a file. None where
    the file was not opened here: the reader opens it, and says why when it cannot."""
    if not hasattr(os, "posix_fadvise"):
        for path_text, path, problem, real in files:
            yield path_text, path, problem, real, None
        return
    window: deque[int | None] = deque()

    def start(entry: Entry) -> int | None:
        if entry[2] is not None:  # not a regular file: never opened
            return None
        try:
            fd = os.open(entry[0], _OPEN_FLAGS)
        except OSError:
            return None
        try:
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        return fd

    window.extend(start(entry) for entry in files[:ahead])
    try:
        for index, (path_text, path, problem, real) in enumerate(files):
            if index + ahead < len(files):
                window.append(start(files[index + ahead]))
            yield path_text, path, problem, real, window.popleft()
    finally:  # stopped early (an exception in the caller): close what was opened ahead
        for fd in window:
            if fd is not None:
                os.close(fd)


def read_agent(path: Path, *, scope: str | None = None, plugin: str | None = None) -> Agent:
    """Read one file into a record. Unreadable, special, huge, binary or invalid UTF-8 files get a reason."""
    text = str(path)
    real = os.path.realpath(text)
    linked = real if real != os.path.abspath(text) else None
    return _read(text, file_problem(path), scope=scope, plugin=plugin, path=path, real=linked)


def _read(
    path_text: str,
    problem: str | None,
    *,
    scope: str | None = None,
    plugin: str | None = None,
    path: Path | None = None,
    fd: int | None = None,
    real: str | None = None,
) -> Agent:
    """The record for the file at `path_text`; `problem` says why it is not a regular file to read. `fd`,
    when given, is the file opened already (and closed here); `real`, where a symbolic link leads."""
    if path is None:
        path = Path(path_text)
    data = _bytes_or_record(path_text, problem, path, fd, scope=scope, plugin=plugin)
    if isinstance(data, Agent):
        return data
    try:
        return _record(data, path, scope, plugin, real)
    except Exception as exc:  # a bug in agentkit: still a record, and the other files still load
        return unreadable_agent(path, _internal_error(exc), scope=scope, plugin=plugin)


def _bytes_or_record(
    path_text: str,
    problem: str | None,
    path: Path,
    fd: int | None,
    *,
    scope: str | None = None,
    plugin: str | None = None,
) -> bytes | Agent:
    """The file's bytes, or the record saying why they cannot be read."""
    if problem is not None:
        return unreadable_agent(path, problem, scope=scope, plugin=plugin)
    try:
        return _read_bytes(path_text, fd)
    except _TooLarge as exc:
        message = f"it is larger than 1 MiB ({exc.size:,} bytes); Claude Code skips such files"
        return unreadable_agent(path, message, scope=scope, plugin=plugin)
    except FileNotFoundError:
        return unreadable_agent(path, DANGLING, scope=scope, plugin=plugin)
    except IsADirectoryError:
        return unreadable_agent(path, "it is a folder, not a file", scope=scope, plugin=plugin)
    except OSError as exc:
        return unreadable_agent(path, _os_problem(exc), scope=scope, plugin=plugin)


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        self.size = size


# O_NONBLOCK: should a FIFO appear between the listing and the open, opening it must not wait for a writer.
_OPEN_FLAGS = (
    os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
)


def read_text_safely(path: str | Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of a regular file of at most `limit` bytes, or ValueError saying why not. For the
    other files agentkit reads (plugin.json, suites): a FIFO is never opened (it would wait for a writer)
    and a device is never read to its end."""
    problem = file_problem(path)
    if problem is not None:
        raise ValueError(problem)
    try:
        data = _read_bytes(str(path), limit=limit)
    except _TooLarge as exc:
        raise ValueError(f"it is larger than {limit:,} bytes ({exc.size:,} bytes)") from None
    except OSError as exc:
        raise ValueError(_os_problem(exc)) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"it is not valid UTF-8 (first bad byte at offset {exc.start})") from None


def _read_bytes(path: str, fd: int | None = None, limit: int = MAX_FILE_BYTES) -> bytes:
    # Plain system calls, no buffered file object: this loop is most of load()'s time.
    if fd is None:
        fd = os.open(path, _OPEN_FLAGS)
    try:
        # Read in 64 KiB steps: asking for 1 MiB at once costs a large allocation per file.
        data = os.read(fd, 65536)
        if len(data) < 65536:
            return data
        chunks = [data]
        total = len(data)
        while total <= limit and (chunk := os.read(fd, 1 << 20)):
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _TooLarge(max(total, os.fstat(fd).st_size))
        return b"".join(chunks)
    finally:
        os.close(fd)


def _record(data: bytes, path: Path, scope: str | None, plugin: str | None, real: str | None) -> Agent:
    problems: list[str] = []
    editable = True
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        # Node reads the file with replacement characters; we must not rewrite it (bytes would be lost).
        text = data.decode("utf-8", "replace")
        problems.append(f"it is not valid UTF-8 (first bad byte at offset {exc.start})")
        editable = False
    if "\x00" in text:
        problems.append("it looks binary (it contains NUL bytes)")
        editable = False
    return agent_from_text(
        text,
        path,
        scope=scope,
        plugin=plugin,
        problems=tuple(problems),
        editable=editable,
        disk_text=text,
        disk_path=real,
    )


def _internal_error(exc: Exception) -> str:
    detail = " ".join(str(exc).split())[:200]
    return (
        f"agentkit failed to read it (internal error: {type(exc).__name__}: {detail}); "
        "please report it with the file"
    )


# -- scopes ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentFolder:
    scope: str
    path: Path
    plugin: str | None = None
    depth: int = 0  # for project folders: 0 = the git root (shallowest), larger = nearer the cwd


def agent_folders(
    project: str | os.PathLike[str] = ".",
    home: str | os.PathLike[str] | None = None,
    *,
    managed: str | os.PathLike[str] | None = None,
    plugins: list[str | Path] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
) -> list[AgentFolder]:
    """The agent folders Claude Code would read from `project`, lowest precedence first. The user's
    folder is in `config_dir` when given, else in $CLAUDE_CONFIG_DIR (when `home` is not given), else
    in HOME/.claude."""
    home_path = Path(home).expanduser() if home is not None else Path.home()
    if config_dir is not None:
        config = Path(config_dir).expanduser()
    elif home is None and "CLAUDE_CONFIG_DIR" in os.environ:
        config = Path(os.environ["CLAUDE_CONFIG_DIR"])
    else:
        config = home_path / ".claude"
    folders: list[AgentFolder] = []
    for plugin_dir in plugins if plugins is not None else _installed_plugins(config):
        plugin_dir = Path(plugin_dir)
        folders.append(AgentFolder("plugin", plugin_dir / "agents", _plugin_name(plugin_dir)))
    folders.append(AgentFolder("user", config / "agents"))
    chain = _project_chain(Path(project).resolve(), home_path.resolve())
    for depth, directory in enumerate(chain):
        folders.append(AgentFolder("project", directory / ".claude" / "agents", depth=depth))
    folders.append(AgentFolder("managed", Path(managed) if managed is not None else managed_agents_dir()))
    return folders


def _project_chain(start: Path, home: Path) -> list[Path]:
    """The working directory and its parents up to the git root (never $HOME), shallowest first."""
    chain: list[Path] = []
    directory = start
    while True:
        if directory != home:
            chain.append(directory)
        if (directory / ".git").exists() or directory.parent == directory:
            break
        directory = directory.parent
    if not any((d / ".git").exists() for d in chain) and chain:
        chain = chain[:1]  # outside a git repository only the working directory counts
    return list(reversed(chain))


def _installed_plugins(config: Path) -> list[Path]:
    """Plugin folders (those with `.claude-plugin/plugin.json`) under the user's plugins folder."""
    root = config / "plugins"
    if not root.is_dir():
        return []
    found = sorted({p.parent.parent for p in root.glob("**/.claude-plugin/plugin.json")})
    return [p for p in found if (p / "agents").is_dir()]


def _plugin_name(plugin_dir: Path) -> str:
    """The plugin's `name` from its plugin.json, else the folder's name. Whatever that file is (a FIFO, a
    link to /dev/zero, JSON nested too deep for Python), discovery goes on."""
    try:
        name = json.loads(read_text_safely(plugin_dir / ".claude-plugin" / "plugin.json")).get("name")
        if isinstance(name, str) and name:
            return name
    except (ValueError, AttributeError, RecursionError):
        pass
    return plugin_dir.name


def discover(
    project: str | os.PathLike[str] = ".",
    home: str | os.PathLike[str] | None = None,
    *,
    managed: str | os.PathLike[str] | None = None,
    plugins: list[str | Path] | None = None,
    config_dir: str | os.PathLike[str] | None = None,
) -> AgentSet:
    """Every agent Claude Code would see from `project`, each with its `scope`; for a clashing name,
    the losers get `shadowed_by` set to the file that wins. `config_dir`: Claude Code's config folder
    (default: $CLAUDE_CONFIG_DIR, else HOME/.claude)."""
    agents: list[Agent] = []
    rank: dict[int, int] = {}  # id(agent) -> precedence of its folder
    seen: set[tuple[int, int]] = set()
    with gc_paused():
        folders = agent_folders(project, home, managed=managed, plugins=plugins, config_dir=config_dir)
        for index, folder in enumerate(folders):
            if not folder.path.is_dir():
                continue
            for path_text, parent, name, problem, real in _walk(folder.path, seen):
                path = _path(parent, name)
                agent = _read(
                    path_text, problem, scope=folder.scope, plugin=folder.plugin, path=path, real=real
                )
                rank[id(agent)] = index
                agents.append(agent)
        return AgentSet(resolve_shadowing(agents, lambda agent: rank[id(agent)], fresh=True))


def resolve_shadowing(
    agents: list[Agent], precedence: Callable[[Agent], int], *, fresh: bool = False
) -> list[Agent]:
    """The agents, each loaded one whose name another file wins marked with `shadowed_by` (a new record
    where the mark changes; the given ones are unchanged). `fresh=True` says the records were just built
    by the caller and nobody else holds them (load(), discover()): they are marked in place, since building
    each one again costs as much as reading the file.

    As in Claude Code: the folder of higher precedence wins; inside one folder, the file whose path sorts
    last in UTF-16 order (JavaScript's default sort, which Claude Code applies to the paths it finds) wins.
    """
    names = [agent.qualified_name if agent.loaded else None for agent in agents]
    won = winners(names, lambda index: (precedence(agents[index]), path_order(agents[index].path)))
    marked = []
    for agent, winner in zip(agents, won, strict=True):
        shadowed_by = agents[winner].path if winner is not None else None
        if agent.shadowed_by != shadowed_by:
            if fresh:  # just built by the caller and not shared yet: mark it in place
                object.__setattr__(agent, "shadowed_by", shadowed_by)
            else:
                agent = replace(agent, shadowed_by=shadowed_by)
        marked.append(agent)
    return marked


def winners(names: list[str | None], key: Callable[[int], tuple[int, str]]) -> list[int | None]:
    """For each file (by position), the position of the file that wins its name when that is another file,
    else None. `names` are the names Claude Code uses (None for a file it does not load); of several files
    with one name, the one with the greatest `key(position)` wins (the first of equal ones)."""
    best: dict[str, int] = {}
    keys: dict[int, tuple[int, str]] = {}  # position -> its key, computed on a clash only

    def key_of(index: int) -> tuple[int, str]:
        if index not in keys:
            keys[index] = key(index)
        return keys[index]

    for index, name in enumerate(names):
        if not name:
            continue
        current = best.get(name)
        if current is None or key_of(index) > key_of(current):
            best[name] = index
    out: list[int | None] = []
    for index, name in enumerate(names):
        winner = best.get(name) if name else None
        out.append(winner if winner is not None and winner != index else None)
    return out
