"""What the rules share: the registry, the per-file view, and facts of the checks themselves."""

from __future__ import annotations

import difflib
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from agentkit._reader.agent import Agent
from agentkit._reader.claude_code import (
    KNOWN_FIELDS,
)
from agentkit._reader.frontmatter import (
    key_spans,
)

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")

# -- facts from the format spec ---------------------------------------------------------------------

# Keys people write for a known field; the fix renames them when the target key is absent.
KEY_RENAMES = {
    "allowed-tools": "tools",
    "allowed_tools": "tools",
    "allowedTools": "tools",
    "tool": "tools",
    "disallowed-tools": "disallowedTools",
    "disallowed_tools": "disallowedTools",
    "permission-mode": "permissionMode",
    "permission_mode": "permissionMode",
    "max-turns": "maxTurns",
    "max_turns": "maxTurns",
    "maxturns": "maxTurns",
    "mcp-servers": "mcpServers",
    "mcp_servers": "mcpServers",
    "mcpservers": "mcpServers",
    "initial-prompt": "initialPrompt",
    "initial_prompt": "initialPrompt",
    "colour": "color",
    "disallowedtools": "disallowedTools",
    "permissionmode": "permissionMode",
    "initialprompt": "initialPrompt",
}
LONG_DESCRIPTION = 1024

MCP_TOOL = re.compile(r"mcp__[A-Za-z0-9_.-]+(?:__\*)?")
AGENT_FORM = re.compile(r"(Agent|Task)\(([^()]*)\)")
TOOL_PATTERN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\((.*)\)", re.S)
FULL_MODEL_ID = re.compile(
    r"(?:(?:[a-z]{2,4}\.)?anthropic\.)?claude-[A-Za-z0-9.@:_-]+(?:\[1m\])?|arn:aws:bedrock:\S+", re.I
)
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
TRIGGER_WORDS = re.compile(
    r"\b(?:use[sd]?|useful|invoke[sd]?|call(?:ed)?|delegat\w*|trigger\w*|when(?:ever)?|proactively|"
    r"(?:ideal|best|good|designed|intended) for|if the user|ask(?:s|ed)?|"
    r"for tasks|for requests|for questions)\b",
    re.I,
)
TRIGGER_WORDS_LOWER = re.compile(TRIGGER_WORDS.pattern)  # for lowercased ASCII text
# Labels of example dialogues in descriptions that end up as keys when they start at column 0.
PROSE_KEYS = {
    "user",
    "assistant",
    "context",
    "example",
    "examples",
    "commentary",
    "note",
    "notes",
    "human",
    "claude",
    "response",
    "output",
    "input",
    "task",
    "usage",
    "e.g",
    "eg",
    "for example",
    "when",
}
# Characters YAML does not treat as a plain space or that are invisible (U+200D only where structural:
# inside a value it glues emoji sequences).
SPACE_LIKE = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
ALWAYS_BAD = "\u200b\u2060\ufeff\u2028\u2029"
STRUCTURAL_BAD = SPACE_LIKE + "\u200c\u200d" + ALWAYS_BAD
CHAR_NAMES = {
    "\u00a0": "no-break space",
    "\u202f": "narrow no-break space",
    "\u3000": "ideographic space",
    "\u200b": "zero-width space",
    "\u200c": "zero-width non-joiner",
    "\u200d": "zero-width joiner",
    "\u2060": "word joiner",
    "\ufeff": "zero-width no-break space (byte-order mark)",
    "\u2028": "line separator",
    "\u2029": "paragraph separator",
}
YAML_MARK = re.compile(r"line (\d+) of the block, column (\d+)")


# -- the registry ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding as a check reports it; the engine adds path, rule and severity."""

    line: int
    message: str
    column: int | None = None
    fixable: bool | None = None  # None: as the rule says
    agent: Member | None = None  # set-level rules say which file


class Member:
    """What the set-level rules read of one file of the set: the same whether it comes from the record or
    from a cached summary of it (`agentkit lint`'s cache), so both give the same findings.

    `name` is the front matter `name` when it is text; `description_chars` the length of the description
    Claude Code reads when it is text. The lines of `name` and `description` (as `View.key_line` gives
    them) are found when asked for, from the record, or were stored with the summary.
    """

    __slots__ = (
        "index",
        "path",
        "loaded",
        "name",
        "description_chars",
        "scope",
        "plugin",
        "shadowed_by",
        "_agent",
        "_lines",
    )

    def __init__(
        self,
        index: int,
        path: Path,
        loaded: bool,
        name: str | None,
        description_chars: int | None,
        *,
        scope: str | None = None,
        plugin: str | None = None,
        shadowed_by: Path | None = None,
        agent: Agent | None = None,
        lines: tuple[int, int] | None = None,
    ) -> None:
        self.index = index  # the file's position in the set
        self.path = path
        self.loaded = loaded
        self.name = name
        self.description_chars = description_chars
        self.scope = scope
        self.plugin = plugin
        self.shadowed_by = shadowed_by
        self._agent = agent
        self._lines = lines

    @classmethod
    def of(cls, agent: Agent, index: int) -> Member:
        name = agent.name
        description = agent.description
        return cls(
            index,
            agent.path,
            agent.loaded,
            name if isinstance(name, str) else None,
            len(description) if isinstance(description, str) else None,
            scope=agent.scope,
            plugin=agent.plugin,
            shadowed_by=agent.shadowed_by,
            agent=agent,
        )

    @property
    def name_line(self) -> int:
        """The line of `name` (the first front matter line when it cannot be told)."""
        if self._lines is not None:
            return self._lines[0]
        assert self._agent is not None
        return member_lines(View(self._agent))[0]

    @property
    def description_line(self) -> int:
        if self._lines is not None:
            return self._lines[1]
        assert self._agent is not None
        return member_lines(View(self._agent))[1]


def member_lines(view: View) -> tuple[int, int]:
    """The lines of `name` and `description` that set-level rules report on (see `Member`)."""
    name_line = view.key_line("name") if view.usable else (view.agent.block_start_line or 1)
    return name_line, view.key_line("description")


@dataclass(frozen=True, slots=True)
class Fix:
    """How a rule's findings are repaired, declared with the rule (as ruff does).

    A safe fix keeps what Claude Code reads (name, description, every value); an unsafe one changes it on
    purpose (a dropped agent loads, a tool set changes) and is applied only when asked for
    (`fix(..., unsafe=True)`, `agentkit lint --fix --unsafe-fixes`).
    """

    apply: Callable[[Agent], Agent | None] = field(repr=False)  # the repaired agent; None: nothing to do
    unsafe: bool = False
    changes: str = ""  # unsafe fixes: how Claude Code's reading changes, in words
    may_change: tuple[str, ...] = ()  # front matter keys whose reading the fix may change
    renames_keys: bool = False  # keys may disappear and others appear (a rename)


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    category: str
    summary: str  # the one-line rationale
    doc: str  # the documentation entry (the check's docstring)
    fix: Fix | None
    scope: Literal["file", "set"]
    check: Callable[..., Iterable[Hit]] = field(repr=False)
    # The front matter keys without which the check finds nothing (as read: a usable view's fields). The
    # engine skips the check for a file that has none of them; () runs it on every file.
    keys: tuple[str, ...] = ()

    @property
    def fixable(self) -> bool:
        return self.fix is not None


RULES: dict[str, Rule] = {}
CATEGORIES = {
    "dropped": "Dropped by Claude Code",
    "misread": "Misread by Claude Code",
    "portability": "Portability",
    "values": "Field values",
    "names": "Names",
    "descriptions": "Descriptions and body",
}


def rule(
    id: str,
    name: str,
    severity: Severity,
    category: str,
    summary: str,
    *,
    fix: Fix | None = None,
    scope: Literal["file", "set"] = "file",
    keys: tuple[str, ...] = (),
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        assert id not in RULES, id
        doc = inspect.cleandoc(check.__doc__ or summary)
        RULES[id] = Rule(id, name, severity, category, summary, doc, fix, scope, check, keys)
        return check

    return register


# -- a view of one file that the checks share ------------------------------------------------------


class View:
    """One agent plus the facts several rules need, computed once."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        text = agent.text
        self.content = text[1:] if text.startswith("\ufeff") else text  # as Claude Code reads it
        block = agent.block
        # The block's text, sliced once (several rules search it), and the file line it starts on.
        self.block_text = self.content[block.start : block.end] if block is not None else ""
        self.first = self.content.count("\n", 0, block.start) + 1 if block is not None else 1
        parsed = agent.parsed
        self.usable = (
            parsed is not None and parsed.parse in ("strict", "fallback") and parsed.not_mapping is None
        )
        self.quoted: tuple[int, ...] = (
            parsed.quoted_lines if parsed is not None and agent.parse == "fallback" else ()
        )

    @cached_property
    def lines(self) -> list[str]:
        """The block's lines ([] without a block)."""
        return self.block_text.split("\n") if self.agent.block is not None else []

    def line(self, index: int) -> int:
        """File line (1-based) of a block line index."""
        return self.first + index

    @cached_property
    def spans(self) -> list[tuple[str, int, int]]:
        return key_spans(self.block_text, self.agent.parsed) if self.usable else []

    def span(self, key: str) -> tuple[int, int] | None:
        found = [(s, e) for k, s, e in self.spans if k == key]
        return found[-1] if found else None  # duplicates: the last one is what Claude Code reads

    def key_line(self, key: str) -> int:
        span = self.span(key)
        return self.line(span[0]) if span else self.first

    def find_line(self, key: str, needle: str) -> int:
        """The line of `key`'s value that mentions `needle` (the key line if none does)."""
        span = self.span(key)
        if span is None:
            return self.first
        for index in range(span[0], span[1]):
            if needle in self.lines[index]:
                return self.line(index)
        return self.line(span[0])

    @property
    def fields(self) -> dict[str, Any]:
        return self.agent.fields if self.usable else {}

    @cached_property
    def tools(self) -> list[str]:
        """`tools` as Claude Code splits it ([] when absent or unreadable); six rules read it."""
        return (self.agent.tools or []) if self.usable and "tools" in self.agent.fields else []

    @cached_property
    def disallowed_tools(self) -> list[str]:
        """`disallowedTools` as Claude Code splits it ([] when absent or unreadable)."""
        fields = self.agent.fields
        return (self.agent.disallowed_tools or []) if self.usable and "disallowedTools" in fields else []


def plugin_note(agent: Agent) -> str:
    return " (as a plugin agent it still loads, under its file name)" if agent.plugin and agent.loaded else ""


def snippet(text: str, limit: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# -- helpers several rule families use -----------------------------------------------------------


def char_name(char: str) -> str:
    return f"{CHAR_NAMES.get(char, 'Unicode space')} (U+{ord(char):04X})"


def is_prose_key(key: str) -> bool:
    low = key.strip().lower()
    return low in PROSE_KEYS or " " in key.strip() or low.startswith("<") or not re.fullmatch(r"[\w.-]+", key)


def key_suggestion(key: str) -> str | None:
    if key in KEY_RENAMES:
        return KEY_RENAMES[key]
    norm = re.sub(r"[-_\s]", "", key).lower()
    exact = [k for k in KNOWN_FIELDS if k.lower() == norm]
    if exact:
        return exact[0]
    return _close_field(key)


@functools.lru_cache(maxsize=4096)
def _close_field(key: str) -> str | None:
    # difflib is slow and the same unknown keys recur across thousands of files: remember the answers.
    close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1, cutoff=0.8)
    return close[0] if close else None


def unknown_keys(view: View) -> Iterator[tuple[str, int]]:
    if not view.usable:
        return
    seen: set[str] = set()
    for key, start, _ in view.spans:
        if key not in KNOWN_FIELDS and key not in seen:
            seen.add(key)
            yield key, start
