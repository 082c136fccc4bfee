"""Finding agent files the way Claude Code does, reading them, and resolving name clashes by scope."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from agentkit._reader.agent import Agent, AgentSet, agent_from_text, unreadable_agent
from agentkit._reader.claude_code import MAX_FILE_BYTES, managed_agents_dir


def loads(text: str, path: str | Path = "<string>", *, plugin: str | None = None) -> Agent:
    """One agent from its text, as Claude Code would read a file holding exactly this text."""
    return agent_from_text(text, Path(path), plugin=plugin, scope="plugin" if plugin else None)


def load(*paths: str | Path) -> AgentSet:
    """Every `*.md` file under the given folders (and every file given directly), one record each.

    Folders are searched recursively as Claude Code searches them: hidden files included, symlinks
    followed, a file reached twice counted once. Nothing raises for a bad file: it gets a reason.
    The files are taken as one agents folder: when several define the same name, the one whose path sorts
    last (UTF-16 order, as Claude Code sorts them) wins and the others get `shadowed_by` set to it.
    """
    agents: list[Agent] = []
    seen: set[tuple[int, int]] = set()
    for root in paths or (".",):
        root = Path(root)
        if root.is_dir():
            files: Iterator[Path] = _walk(root, seen)
        else:
            files = iter([root])
        agents.extend(read_agent(path) for path in files)
    return AgentSet(resolve_shadowing(agents, lambda agent: 0))


def path_order(path: Path) -> bytes:
    """The key Claude Code sorts agent files by: the path's UTF-16 code units (JavaScript's default sort),
    so a character outside the BMP sorts before U+E000-U+FFFF, unlike Python's code-point order."""
    return str(path).encode("utf-16-be", "surrogatepass")


def _walk(root: Path, seen_files: set[tuple[int, int]]) -> Iterator[Path]:
    """Depth-first, sorted, following symlinks but never entering a directory twice (no loops)."""
    seen_dirs: set[tuple[int, int]] = set()
    stack = [str(root)]
    while stack:
        directory = stack.pop()
        try:
            info = os.stat(directory)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) in seen_dirs:
            continue
        seen_dirs.add((info.st_dev, info.st_ino))
        try:
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            continue
        subdirs: list[str] = []
        for entry in entries:
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                continue
            if is_dir:
                subdirs.append(entry.path)
            elif entry.name.endswith(".md"):
                try:
                    if entry.is_symlink():
                        st = entry.stat()
                        key = (st.st_dev, st.st_ino)
                    else:  # no extra system call: the inode comes with the directory listing
                        key = (info.st_dev, entry.inode())
                except OSError:
                    key = (-1, hash(entry.path))  # a dangling link: still reported, once
                if key in seen_files:
                    continue
                seen_files.add(key)
                yield Path(entry.path)
        stack.extend(reversed(subdirs))


def read_agent(path: Path, *, scope: str | None = None, plugin: str | None = None) -> Agent:
    """Read one file into a record. Unreadable, huge, binary or invalid UTF-8 files get a reason."""

    def unreadable(problem: str) -> Agent:
        return unreadable_agent(path, problem, scope=scope, plugin=plugin)

    try:
        # Plain system calls, no buffered file object: this loop is most of load()'s time.
        fd = os.open(path, os.O_RDONLY)
        try:
            # Read in 64 KiB steps: asking for 1 MiB at once costs a large allocation per file.
            data = os.read(fd, 65536)
            if len(data) == 65536:
                chunks = [data]
                total = len(data)
                while total <= MAX_FILE_BYTES and (chunk := os.read(fd, 1 << 20)):
                    chunks.append(chunk)
                    total += len(chunk)
                if total > MAX_FILE_BYTES:
                    size = max(total, os.fstat(fd).st_size)
                    return unreadable(
                        f"it is larger than 1 MiB ({size:,} bytes); Claude Code skips such files"
                    )
                data = b"".join(chunks)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return unreadable("the file does not exist (or is a broken link)")
    except IsADirectoryError:
        return unreadable("it is a folder, not a file")
    except OSError as exc:
        return unreadable(f"the file cannot be read ({exc.strerror or exc})")
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
        text, path, scope=scope, plugin=plugin, problems=tuple(problems), editable=editable, disk_text=text
    )


# -- scopes ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgentFolder:
    scope: str
    path: Path
    plugin: str | None = None
    depth: int = 0  # for project folders: 0 = the git root (shallowest), larger = nearer the cwd


def agent_folders(
    project: str | Path = ".",
    home: str | Path | None = None,
    *,
    managed: str | Path | None = None,
    plugins: list[str | Path] | None = None,
) -> list[AgentFolder]:
    """The agent folders Claude Code would read from `project`, lowest precedence first."""
    home_path = Path(home).expanduser() if home is not None else Path.home()
    config = (
        Path(os.environ["CLAUDE_CONFIG_DIR"])
        if home is None and "CLAUDE_CONFIG_DIR" in os.environ
        else home_path / ".claude"
    )
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
    try:
        name = json.loads((plugin_dir / ".claude-plugin" / "plugin.json").read_text("utf-8")).get("name")
        if isinstance(name, str) and name:
            return name
    except (OSError, ValueError, AttributeError):
        pass
    return plugin_dir.name


def discover(
    project: str | Path = ".",
    home: str | Path | None = None,
    *,
    managed: str | Path | None = None,
    plugins: list[str | Path] | None = None,
) -> AgentSet:
    """Every agent Claude Code would see from `project`, each with its `scope`; for a clashing name,
    the losers get `shadowed_by` set to the file that wins."""
    agents: list[Agent] = []
    rank: dict[int, int] = {}  # id(agent) -> precedence of its folder
    seen: set[tuple[int, int]] = set()
    for index, folder in enumerate(agent_folders(project, home, managed=managed, plugins=plugins)):
        if not folder.path.is_dir():
            continue
        for path in _walk(folder.path, seen):
            agent = read_agent(path, scope=folder.scope, plugin=folder.plugin)
            rank[id(agent)] = index
            agents.append(agent)
    return AgentSet(resolve_shadowing(agents, lambda agent: rank[id(agent)]))


def resolve_shadowing(agents: list[Agent], precedence: Callable[[Agent], int]) -> list[Agent]:
    """The agents, each loaded one whose name another file wins marked with `shadowed_by` (new records;
    the given ones are unchanged).

    As in Claude Code: the folder of higher precedence wins; inside one folder, the file whose path sorts
    last in UTF-16 order (JavaScript's default sort, which Claude Code applies to the paths it finds) wins.
    """
    best: dict[str, Agent] = {}
    for agent in agents:
        name = agent.qualified_name
        if not (agent.loaded and name):
            continue
        current = best.get(name)
        key = (precedence(agent), path_order(agent.path))
        if current is None or key > (precedence(current), path_order(current.path)):
            best[name] = agent
    marked = []
    for agent in agents:
        winner = best.get(agent.qualified_name or "")
        beaten = agent.loaded and winner is not None and winner is not agent
        marked.append(replace(agent, shadowed_by=winner.path if beaten and winner is not None else None))
    return marked
