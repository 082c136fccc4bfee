"""Agent and AgentSet: one record per file, exactly as Claude Code reads it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

from agentkit._reader.claude_code import (
    MAX_FILE_BYTES,
    MEMORIES,
    MEMORY_TOOLS,
    PLUGIN_PLACEHOLDER,
    SPLIT_KEYS,
)
from agentkit._reader.frontmatter import (
    Block,
    ParsedBlock,
    description_problem,
    expand_newlines,
    find_block,
    listed_tools,
    name_problem,
    parse_block,
    split_tools,
)
from agentkit._reader.frozen import EMPTY, FrozenDict, freeze_fields
from agentkit._reader.hooks import guard_problem, hooks_problem

if TYPE_CHECKING:
    import pandas as pd

# The keys every inventory row carries, in this order (the CLI's JSON contract).
CORE_COLUMNS = ("path", "loaded", "reason", "parse", "name", "description", "tools", "model", "color")


@dataclass(frozen=True, eq=False, slots=True)
class Agent:
    """One agent file as Claude Code reads it. Build with `agentkit.load` or `agentkit.loads`.

    Values are reported as the file states them (None when absent), not Claude Code's defaults.
    Records are immutable, `fields` and the lists and mappings in it included (read-only views that raise
    TypeError when changed): `agentkit.edit` and `dataclasses.replace` return new ones.
    """

    path: Path
    text: str  # the whole file, byte-order mark included: render() returns it unchanged
    parse: str  # "strict", "fallback" (line-rewrite path), "failed", or "none" (no front matter block)
    fields: dict[str, Any]  # every front matter key as parsed ({} when Claude Code reads none); read-only
    loaded: bool  # would Claude Code load it?
    reason: str | None  # why not, in words; None when loaded
    block: Block | None = None
    parsed: ParsedBlock | None = None
    scope: str | None = None  # managed, user, project, plugin, cli (set by discover)
    plugin: str | None = None
    shadowed_by: Path | None = None  # the file whose agent wins this name (set by discover)
    problems: tuple[str, ...] = ()  # file-level trouble: binary, invalid UTF-8, too large, unreadable
    editable: bool = True  # False when rewriting the file could lose bytes
    disk_text: str | None = field(default=None, repr=False)  # what was on disk when loaded
    # Where `path` led when loaded, when that was through a symbolic link (None: to `path` itself). A save
    # checks that the path leads to the same place, so a link put in the file's place is never written through.
    disk_path: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if type(self.fields) is not FrozenDict:  # built by hand or by dataclasses.replace: make it read-only
            object.__setattr__(self, "fields", freeze_fields(dict(self.fields)))

    # -- values as Claude Code reads them -------------------------------------------------------
    @property
    def name(self) -> Any:
        return self.fields.get("name")

    @property
    def description(self) -> Any:
        value = self.fields.get("description")
        return expand_newlines(value) if isinstance(value, str) and self.scope != "plugin" else value

    @property
    def tools(self) -> list[str] | None:
        """`tools` as written, read as Claude Code reads it: None when absent (every tool is inherited);
        [] for no value, an empty list or a value that is not text; `['*']` if an entry is `*`; else the
        entries as Claude Code splits them. See `granted_tools` for what `memory` adds."""
        return split_tools(self.fields["tools"]) if "tools" in self.fields else None

    @property
    def disallowed_tools(self) -> list[str] | None:
        """`disallowedTools`, read like `tools` (None when absent)."""
        return split_tools(self.fields["disallowedTools"]) if "disallowedTools" in self.fields else None

    @property
    def granted_tools(self) -> list[str] | None:
        """The tools Claude Code gives this agent, by name: None for every tool the session offers (no
        `tools`, or `*`; `disallowedTools` are then taken away at spawn); else the `tools` entries, plus
        Write, Edit and Read when `memory` is user, project or local, minus `disallowedTools`. Names are as
        written: Claude Code then maps aliases and ignores names that are no tool (an empty list runs with
        zero tools; a non-empty one that matches nothing is refused when the agent is started)."""
        tools = self.tools
        if tools is None or tools == ["*"]:
            return None
        if self.fields.get("memory") in MEMORIES:
            tools = tools + [t for t in MEMORY_TOOLS if t not in tools]
        denied = self.disallowed_tools
        if denied and denied != ["*"]:
            tools = [t for t in tools if t not in set(denied)]
        return tools

    @property
    def listed_tools(self) -> str:
        """The tools as Claude Code's agent listing shows them: "Read, Grep", "All tools", "All tools except
        Bash", or "None" (every listed tool disallowed). An empty `tools` shows "All tools" there, though the
        agent gets none (see `granted_tools`)."""
        tools = self.tools
        if tools is not None and tools != ["*"] and self.fields.get("memory") in MEMORIES:
            tools = tools + [t for t in MEMORY_TOOLS if t not in tools]
        return listed_tools(None if tools == ["*"] else tools, self.disallowed_tools)

    @property
    def model(self) -> Any:
        return self.fields.get("model")

    @property
    def color(self) -> Any:
        return self.fields.get("color")

    @property
    def body(self) -> str:
        """What follows the front matter, untrimmed. Sliced from `text` when asked for, so the record does
        not hold the file twice (at 100,000 files that is most of load()'s memory)."""
        if self.block is None:
            return self.text[self._offset :]
        return self.text[self._offset + self.block.body_start :]

    @property
    def prompt(self) -> str:
        """The system prompt Claude Code uses: the trimmed body."""
        return self.body.strip()

    @property
    def qualified_name(self) -> str | None:
        """The name Claude Code shows: `<plugin>:<name>` for plugin agents."""
        name = self.fields.get("name")
        name = name if isinstance(name, str) and name else None
        if self.plugin:
            return f"{self.plugin}:{name or self.path.stem}"
        return name

    @property
    def has_bom(self) -> bool:
        return self.text.startswith("\ufeff")

    @property
    def newline(self) -> str:
        """The file's line ending, as far as its front matter tells."""
        head = self.text[: (self._offset + self.block.body_start) if self.block else 4096]
        return "\r\n" if "\r\n" in head else "\n"

    @property
    def _offset(self) -> int:
        return 1 if self.has_bom else 0

    @property
    def block_text(self) -> str | None:
        """The raw YAML between the two `---` lines, as Claude Code cuts it."""
        if self.block is None:
            return None
        return self.text[self._offset + self.block.start : self._offset + self.block.end]

    @property
    def block_start_line(self) -> int | None:
        """1-based line of the first YAML line."""
        if self.block is None:
            return None
        return self.text.count("\n", 0, self._offset + self.block.start) + 1

    @property
    def body_start_line(self) -> int:
        """1-based line where the body starts."""
        start = self._offset + (self.block.body_start if self.block else 0)
        return self.text.count("\n", 0, start) + 1

    def render(self) -> str:
        """The file text. Unedited, it is the original, byte for byte."""
        return self.text

    # -- output ----------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {
            "path": str(self.path),
            "loaded": self.loaded,
            "reason": self.reason,
            "parse": self.parse,
            "name": self.name,
            "description": self.description,
            "tools": self.tools,
            "granted_tools": self.granted_tools,
            "listed_tools": self.listed_tools,
            "model": self.model,
            "color": self.color,
            "scope": self.scope,
            "plugin": self.plugin,
            "qualified_name": self.qualified_name,
            "shadowed_by": str(self.shadowed_by) if self.shadowed_by else None,
            "problems": list(self.problems),
            "body_chars": len(self.body),
            "fields": self.fields,
        }
        return row

    def __repr__(self) -> str:
        state = "loaded" if self.loaded else f"dropped: {self.reason}"
        return f"<Agent {self.name!r} {self.path} ({self.parse}, {state})>"


ABSENT = object()  # what claude_code_reading gives for a key the front matter does not have


def claude_code_reading(agent: Agent, key: str) -> Any:
    """`key`'s value as Claude Code reads it, ABSENT when the front matter lacks it: the description with
    `\\n` turned into newlines (`Agent.description`), the keys Claude Code splits (SPLIT_KEYS) as their
    entries, any other key as parsed."""
    if key not in agent.fields:
        return ABSENT
    if key == "description":
        return agent.description
    if key in SPLIT_KEYS:
        return split_tools(agent.fields[key])
    return agent.fields[key]


def agent_from_text(
    text: str,
    path: Path,
    *,
    scope: str | None = None,
    plugin: str | None = None,
    problems: tuple[str, ...] = (),
    editable: bool = True,
    disk_text: str | None = None,
    disk_path: str | None = None,
) -> Agent:
    """The record for a file holding `text`. `problems` are file-level troubles found while reading it."""
    content = text[1:] if text.startswith("\ufeff") else text  # Claude Code drops a byte-order mark
    too_large = None
    # An edit (or loads()) can make a text Claude Code would skip; a file read from disk was checked already.
    if (
        len(text) > MAX_FILE_BYTES // 4
        and (size := len(text.encode("utf-8", "surrogatepass"))) > MAX_FILE_BYTES
    ):
        too_large = f"it is larger than 1 MiB ({size:,} bytes); Claude Code skips such files"
        if too_large not in problems:
            problems = (*problems, too_large)
    block = find_block(content)
    parsed = parse_block(content[block.start : block.end]) if block is not None else None
    agent = Agent(
        path=path,
        text=text,
        parse=parsed.parse if parsed is not None else "none",
        fields=parsed.fields if parsed is not None else EMPTY,
        loaded=False,
        reason=None,
        block=block,
        parsed=parsed,
        scope=scope,
        plugin=plugin,
        problems=problems,
        editable=editable,
        disk_text=disk_text,
        disk_path=disk_path,
    )
    loaded, reason = judge(agent, content)
    if too_large is not None:
        loaded, reason = False, too_large
    elif problems and not loaded:
        reason = f"{'; '.join(problems)}; {reason}"
    # The record is not shared yet: complete it in place (dataclasses.replace would build it twice, and
    # this is load()'s per-file path).
    object.__setattr__(agent, "loaded", loaded)
    object.__setattr__(agent, "reason", reason)
    if loaded and plugin and agent.fields.get("description") is None:
        fields = FrozenDict({**agent.fields, "description": PLUGIN_PLACEHOLDER.format(plugin=plugin)})
        object.__setattr__(agent, "fields", fields)
    return agent


def unreadable_agent(
    path: Path, problem: str, *, scope: str | None = None, plugin: str | None = None
) -> Agent:
    """The record for a file that cannot be read at all: not loaded, never rewritten."""
    return Agent(
        path,
        "",
        "none",
        EMPTY,
        False,
        problem,
        scope=scope,
        plugin=plugin,
        problems=(problem,),
        editable=False,
    )


def with_text(agent: Agent, text: str) -> Agent:
    """The same file (path, scope, what was on disk) read again with new text: an edit's result."""
    return agent_from_text(
        text,
        agent.path,
        scope=agent.scope,
        plugin=agent.plugin,
        disk_text=agent.disk_text,
        disk_path=agent.disk_path,
    )


def judge(agent: Agent, content: str) -> tuple[bool, str | None]:
    """Would Claude Code load this agent, and if not, why (in words a user understands)."""
    if agent.block is None:
        if agent.plugin:
            return True, None  # plugin agents load under their file name
        return False, _no_block_reason(content)
    parsed = agent.parsed
    assert parsed is not None
    if parsed.parse == "failed":
        if agent.plugin:
            return True, None
        if parsed.refused:
            return False, f"agentkit refuses to parse its front matter: {parsed.error}"
        crlf = "\r\n" in content[: agent.block.end]
        hint = " Its lines end in CRLF, so the fallback cannot rewrite any line." if crlf else ""
        first = agent.block_start_line or 1
        error = in_file_lines(parsed.fallback_error or "", first)
        same = parsed.fallback_error == parsed.error
        return False, (
            f"its front matter is not valid YAML even after Claude Code's line-rewrite fallback: {error}"
            + ("" if same else f" (before the rewrite: {in_file_lines(parsed.error or '', first)})")
            + f".{hint}"
        )
    if parsed.not_mapping is not None:
        if agent.plugin:
            return True, None
        if parsed.not_mapping == "nothing":
            return False, "its front matter block is empty"
        return False, f"its front matter is {parsed.not_mapping}, not a set of keys"
    if agent.plugin:
        return True, None
    problem = name_problem(agent.fields.get("name")) or description_problem(agent.fields.get("description"))
    if problem is None:
        guarded = guard_problem(agent.fields)
        problem = guarded[1] if guarded else None
    if problem is None and "hooks" in agent.fields:
        problem = hooks_problem(agent.fields["hooks"])
        problem = "its " + problem.removeprefix("'") if problem else None
    if problem and problem.startswith("it has no '"):
        wanted = problem.split("'")[1]
        near = [k for k in agent.fields if k != wanted and k.strip().lower() == wanted.lower()]
        if wanted in agent.fields:  # written without a value (`description:`, or an anchor alone)
            problem = f"its '{wanted}' has no value"
        elif near:
            problem += f" (it has {near[0]!r}; keys are case-sensitive)"
    if problem:
        return False, problem
    return True, None


_BLOCK_LINE = re.compile(r"line (\d+) of the block")


def in_file_lines(message: str, first_line: int) -> str:
    """Turn the parser's block line numbers into the file's line numbers."""
    return _BLOCK_LINE.sub(lambda m: f"line {int(m.group(1)) + first_line - 1}", message)


_DASHES_LATER = re.compile(r"^---[ \t]*\r?$", re.M)


def _no_block_reason(content: str) -> str:
    if not content:
        return "the file is empty"
    if content.startswith("---"):
        first_line = content.split("\n", 1)[0]
        if first_line.rstrip() != "---":
            return f"its first line is {first_line[:40]!r}, not '---' alone, so there is no front matter"
        return "its front matter is never closed: no second '---' follows the opening one"
    stripped = content.lstrip()
    if stripped.startswith("---"):
        return "it has a blank line or spaces before the opening '---', so Claude Code sees no front matter"
    if _DASHES_LATER.search(content):
        return "it has text before the opening '---'; Claude Code needs '---' on the very first line"
    return "it has no front matter (a block between '---' lines at the top of the file)"


class AgentSet:
    """The agents of one or more folders: iterable, indexable by position or name, `len`. Read-only: its
    methods return new sets."""

    __slots__ = ("_agents",)

    def __init__(self, agents: Iterable[Agent] = ()) -> None:
        self._agents = tuple(agents)
        for agent in self._agents:
            require_agent(agent, "AgentSet()")

    def __iter__(self) -> Iterator[Agent]:
        return iter(self._agents)

    def __len__(self) -> int:
        return len(self._agents)

    @overload
    def __getitem__(self, key: int) -> Agent: ...
    @overload
    def __getitem__(self, key: slice) -> AgentSet: ...
    @overload
    def __getitem__(self, key: str) -> Agent: ...
    def __getitem__(self, key: int | slice | str) -> Agent | AgentSet:
        if isinstance(key, slice):
            return AgentSet(self._agents[key])
        if isinstance(key, str):
            matches = [a for a in self._agents if key in (a.name, a.qualified_name, str(a.path), a.path.name)]
            if not matches:
                raise KeyError(f"no agent named {key!r}")
            winners = [a for a in matches if a.loaded and a.shadowed_by is None]
            return (winners or matches)[-1]
        return self._agents[key]

    def __repr__(self) -> str:
        loaded = sum(a.loaded for a in self._agents)
        return f"<AgentSet {len(self)} files, {loaded} loaded>"

    @property
    def loaded(self) -> AgentSet:
        """Only the agents Claude Code loads."""
        return AgentSet(a for a in self._agents if a.loaded)

    @property
    def dropped(self) -> AgentSet:
        return AgentSet(a for a in self._agents if not a.loaded)

    def to_frame(self) -> pd.DataFrame:
        """One row per file; the first columns are path, loaded, reason, parse, name, description..."""
        import pandas as pd

        rows = [a.to_dict() for a in self._agents]
        columns = list(CORE_COLUMNS) + [c for c in (rows[0] if rows else {}) if c not in CORE_COLUMNS]
        return pd.DataFrame(rows, columns=columns)

    def with_agent(self, old: Agent, new: Agent) -> AgentSet:
        """A copy of the set with one agent replaced (after an edit or a save)."""
        return AgentSet(new if a is old else a for a in self._agents)


def require_agent(value: object, taker: str) -> None:
    """TypeError, saying what was meant, unless `value` is an agent record: a misuse of the API is told at
    the door, not as an AttributeError from deep inside."""
    if isinstance(value, Agent):
        return
    hint = ""
    if isinstance(value, str | Path):
        hint = f" (read the file first: agentkit.load({str(value)!r})[0])"
    elif isinstance(value, AgentSet):
        hint = " (one agent of the set: agents[0] or agents['name'])"
    raise TypeError(f"{taker} takes an agent, not {type(value).__name__}{hint}")
