"""The lint rule catalogue: one small check per rule, registered with its metadata (like agnix).

Every rule says what Claude Code 2.1.330 actually does with the file (see the format spec), not what a
strict YAML parser thinks of it. `python -m agentkit._lint.rules > docs/rules.md` writes the documentation.

IDs: AK1xx the file is dropped; AK2xx it loads but is misread; AK3xx portability; AK4xx field values;
AK5xx names; AK6xx descriptions and body.
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

from agentkit._edit.write import key_spans
from agentkit._reader.agent import Agent, in_file_lines
from agentkit._reader.claude_code import (
    BUILTIN_TOOLS,
    CLAUDE_CODE_MODEL_VERSION,
    COLORS,
    DESCRIPTION_BUDGET_TOKENS,
    EFFORTS,
    ISOLATIONS,
    KNOWN_FIELDS,
    MEMORIES,
    MODEL_ALIASES,
    PERMISSION_MODES,
    PLUGIN_PLACEHOLDER,
    REMOVED_ADVICE,
    REMOVED_TOOLS,
    TOOL_ALIASES,
)
from agentkit._reader.frontmatter import (
    fallback_rewrite,
    hooks_problem,
    js_string,
    type_name,
)
from agentkit._reader.yaml12 import YAMLError, load_yaml12

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

_MCP = re.compile(r"mcp__[A-Za-z0-9_.-]+(?:__\*)?")
_AGENT_FORM = re.compile(r"(Agent|Task)\(([^()]*)\)")
_PATTERN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\((.*)\)", re.S)
_FULL_MODEL = re.compile(
    r"(?:(?:[a-z]{2,4}\.)?anthropic\.)?claude-[A-Za-z0-9.@:_-]+(?:\[1m\])?|arn:aws:bedrock:\S+", re.I
)
_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TRIGGER = re.compile(
    r"\b(?:use[sd]?|useful|invoke[sd]?|call(?:ed)?|delegat\w*|trigger\w*|when(?:ever)?|proactively|"
    r"(?:ideal|best|good|designed|intended) for|if the user|ask(?:s|ed)?|"
    r"for tasks|for requests|for questions)\b",
    re.I,
)
# Labels of example dialogues in descriptions that end up as keys when they start at column 0.
_PROSE_KEYS = {
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
_SPACE_LIKE = (
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_ALWAYS_BAD = "\u200b\u2060\ufeff\u2028\u2029"
_STRUCTURAL_BAD = _SPACE_LIKE + "\u200c\u200d" + _ALWAYS_BAD
_CHAR_NAMES = {
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
# JavaScript's \s as a plain string of characters (for str.strip; _parse.JS_SPACE is a regex fragment).
JS_SPACE = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_YAML_MARK = re.compile(r"line (\d+) of the block, column (\d+)")


# -- the registry ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Hit:
    """One finding as a check reports it; the engine adds path, rule and severity."""

    line: int
    message: str
    column: int | None = None
    fixable: bool | None = None  # None: as the rule says
    agent: Agent | None = None  # set-level rules say which file


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    name: str
    severity: Severity
    category: str
    summary: str  # the one-line rationale
    doc: str  # the documentation entry (the check's docstring)
    fixable: bool
    scope: Literal["file", "set"]
    check: Callable[..., Iterable[Hit]] = field(repr=False)


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
    fixable: bool = False,
    scope: Literal["file", "set"] = "file",
) -> Callable[[Callable[..., Iterable[Hit]]], Callable[..., Iterable[Hit]]]:
    def register(check: Callable[..., Iterable[Hit]]) -> Callable[..., Iterable[Hit]]:
        assert id not in RULES, id
        doc = inspect.cleandoc(check.__doc__ or summary)
        RULES[id] = Rule(id, name, severity, category, summary, doc, fixable, scope, check)
        return check

    return register


# -- a view of one file that the checks share ------------------------------------------------------


class View:
    """One agent plus the facts several rules need, computed once."""

    def __init__(self, agent: Agent) -> None:
        self.agent = agent
        self.content = agent.text[1:] if agent.has_bom else agent.text
        block = agent.block_text
        self.lines: list[str] = block.split("\n") if block is not None else []
        self.first = agent.block_start_line or 1
        parsed = agent.parsed
        self.usable = (
            parsed is not None and parsed.parse in ("strict", "fallback") and parsed.not_mapping is None
        )
        self.quoted: tuple[int, ...] = (
            parsed.quoted_lines if parsed is not None and agent.parse == "fallback" else ()
        )

    def line(self, index: int) -> int:
        """File line (1-based) of a block line index."""
        return self.first + index

    @cached_property
    def spans(self) -> list[tuple[str, int, int]]:
        return key_spans(self.agent) if self.usable else []

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


def _loads_as_plugin(agent: Agent) -> str:
    return " (as a plugin agent it still loads, under its file name)" if agent.plugin and agent.loaded else ""


def _show(text: str, limit: int = 60) -> str:
    text = text.strip()
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# == AK1xx: dropped by Claude Code =================================================================


def _no_block_kind(content: str) -> str:
    if not content.strip():
        return "empty"
    if content.startswith("---"):
        first = content.split("\n", 1)[0]
        return "unterminated" if first.rstrip(JS_SPACE) == "---" else "bad-first-line"
    if content.lstrip(JS_SPACE).startswith("---"):
        return "leading-blank"
    if re.search(r"^---[ \t]*\r?$", content, re.M):
        return "leading-text"
    return "none"


def _readable(agent: Agent) -> bool:
    return not (agent.problems and not agent.editable and not agent.text)


@rule(
    "AK101",
    "no-front-matter",
    "error",
    "dropped",
    "The file has no front matter block, so Claude Code has no name for it and skips it.",
)
def no_front_matter(view: View) -> Iterator[Hit]:
    """Claude Code finds the front matter with `^---\\s*\\n([\\s\\S]*?)---\\s*\\n?`: the file must start
    with a line holding only `---`, then the YAML keys, then a closing `---`. Without it a local agent
    has no `name` and is skipped without a message (a plugin agent loads under its file name with a
    placeholder description).

    Fix: add `---`, `name: ...`, `description: ...`, `---` at the very top of the file.
    """
    agent = view.agent
    if agent.block is not None or not _readable(agent):
        return
    kind = _no_block_kind(view.content)
    if kind == "empty":
        yield Hit(1, "the file is empty: Claude Code skips it" + _loads_as_plugin(agent))
    elif kind == "bad-first-line":
        first = view.content.split("\n", 1)[0]
        yield Hit(
            1,
            f"the first line is {_show(first)}, not '---' alone, so Claude Code sees no front "
            f"matter and skips the file{_loads_as_plugin(agent)}",
        )
    elif kind == "none":
        yield Hit(
            1,
            "no front matter: the file must start with '---', the name/description keys and a "
            f"closing '---'; Claude Code skips it{_loads_as_plugin(agent)}",
        )


@rule(
    "AK102",
    "text-before-front-matter",
    "error",
    "dropped",
    "A blank line, spaces or text before the opening `---` hide the front matter from Claude Code.",
)
def text_before_front_matter(view: View) -> Iterator[Hit]:
    """The block regex is anchored at the very first character of the file (after a byte-order mark).
    A blank line, an indented `---`, a title or an HTML comment before it means "no front matter", and
    the agent is dropped silently.

    Fix: delete everything before the opening `---`.
    """
    agent = view.agent
    if agent.block is not None or not _readable(agent):
        return
    kind = _no_block_kind(view.content)
    if kind not in ("leading-blank", "leading-text"):
        return
    match = re.search(r"^[ \t]*---", view.content, re.M)
    line = view.content.count("\n", 0, match.start()) + 1 if match else 1
    what = "blank lines or spaces" if kind == "leading-blank" else "text"
    yield Hit(
        line,
        f"{what} before the opening '---' (line {line}): Claude Code needs '---' as the very "
        f"first characters of the file, so it sees no front matter and skips it{_loads_as_plugin(agent)}",
    )


@rule(
    "AK103",
    "unterminated-front-matter",
    "error",
    "dropped",
    "The opening `---` is never closed, so there is no front matter block at all.",
)
def unterminated_front_matter(view: View) -> Iterator[Hit]:
    """Without a second `---` the block regex does not match: the whole file is body, the agent has no
    name and is dropped.

    Fix: add a line `---` after the last front matter key.
    """
    agent = view.agent
    if agent.block is None and _readable(agent) and _no_block_kind(view.content) == "unterminated":
        yield Hit(
            1,
            "the front matter is never closed: no second '---' follows the opening one, so Claude "
            f"Code reads no keys and skips the file{_loads_as_plugin(agent)}",
        )


def _unparseable_causes(view: View) -> list[tuple[int, str]]:
    """Why the strict parse and the rewrite both fail, as (block line index, cause), best first."""
    causes: list[tuple[int, str]] = []
    lines = view.lines
    block = "\n".join(lines)
    if "\r" in block:
        relaxed = fallback_rewrite(block.replace("\r\n", "\n"))[0]
        try:
            load_yaml12(relaxed)
            would = "with LF line endings the fallback would repair it"
        except YAMLError:
            would = "converting them to LF alone would not repair it"
        index = next((i for i, line in enumerate(lines) if ": " in line.split(":", 1)[-1]), 0)
        causes.append(
            (
                index,
                "its lines end in CRLF, so Claude Code's line-rewrite fallback cannot quote any "
                f"value (JavaScript's '.' does not match '\\r'); {would}",
            )
        )
    for index, line in enumerate(lines):
        bad = [c for c in line if c in _STRUCTURAL_BAD]
        if bad and index not in [i for i, _ in causes]:
            causes.append(
                (
                    index,
                    f"line {view.line(index)} contains a {_char_name(bad[0])} where YAML needs a plain space",
                )
            )
            break
    for index, line in enumerate(lines):
        if not line.strip() or line[0] in " \t#-" or index == 0:
            continue
        if not re.match(r"[^\s:][^:]*:(\s|$)", line) and index > 0:
            causes.append(
                (
                    index,
                    f"line {view.line(index)} ({_show(line, 40)}) starts at column 0 but is not "
                    "a 'key: value' line: continuation lines of a multi-line value must be indented",
                )
            )
            break
    plain_value = False  # is the current top-level key's value a plain (unquoted, one-line-start) scalar?
    for index, line in enumerate(lines):
        if line[:1] not in (" ", "\t"):
            value = line.split(":", 1)[1].strip() if ":" in line else ""
            plain_value = bool(value) and value[0] not in "|>\"'[{&!*"
        elif (
            plain_value
            and (": " in line or line.rstrip().endswith(":"))
            and not line.lstrip().startswith("- ")
        ):
            causes.append(
                (
                    index,
                    f"line {view.line(index)} continues a plain value but contains ': ', which YAML "
                    "reads as a new key; the fallback only rewrites 'key: value' lines at column 0",
                )
            )
            break
    for index in view.agent.parsed.quoted_lines if view.agent.parsed else ():
        nxt = index + 1
        if nxt < len(lines) and lines[nxt][:1] in (" ", "\t") and lines[nxt].strip():
            causes.append(
                (
                    index,
                    f"the value on line {view.line(index)} has ': ' or a special character and "
                    "continues on the next lines, which the fallback cannot quote",
                )
            )
            break
    return causes


def _char_name(char: str) -> str:
    return f"{_CHAR_NAMES.get(char, 'Unicode space')} (U+{ord(char):04X})"


@rule(
    "AK104",
    "yaml-unparseable",
    "error",
    "dropped",
    "The front matter is not YAML even after Claude Code's line-rewrite fallback: the agent is dropped.",
)
def yaml_unparseable(view: View) -> Iterator[Hit]:
    """Claude Code parses the block as strict YAML 1.2 and, only if that fails, rewrites lines of the
    form `key: value` (quoting values with `: ` or special characters, turning leading tabs into spaces)
    and parses again. When both fail, the front matter is empty and a local agent is dropped silently.
    The usual causes: continuation lines of a multi-line description at column 0 (`<example>`,
    `user: "..."` lines), CRLF line endings together with an unquoted `: ` (the rewrite matches no line
    in a CRLF file), a non-breaking space after a key's colon, a multi-line value whose first line has
    `: `.

    Fix: put the description on one line inside double quotes (escape `"` and write newlines as `\\n`),
    or use a block scalar (`description: |` with indented lines).
    """
    agent, parsed = view.agent, view.agent.parsed
    if parsed is None or parsed.parse != "failed":
        return
    if getattr(parsed, "refused", False):
        yield Hit(view.first, f"agentkit refuses to parse this front matter: {parsed.error}")
        return
    causes = _unparseable_causes(view)
    mark = _YAML_MARK.search(parsed.error or "")
    index = causes[0][0] if causes else (int(mark.group(1)) - 1 if mark else 0)
    why = "; ".join(c for _, c in causes) or "see the parser's complaints"
    outcome = "Claude Code drops it" if not agent.loaded else "a plugin agent still loads, with no keys"
    yield Hit(
        view.line(index),
        f"the front matter is not valid YAML even after Claude Code's line-rewrite "
        f"fallback, so {outcome}: {why} (strict parse: {in_file_lines(parsed.error or '', view.first)}; "
        f"after the rewrite: {in_file_lines(parsed.fallback_error or '', view.first)})",
    )


@rule(
    "AK105",
    "front-matter-not-mapping",
    "error",
    "dropped",
    "The front matter parses to something other than a set of keys (or to nothing), which counts as empty.",
)
def front_matter_not_mapping(view: View) -> Iterator[Hit]:
    """A block that is empty, a list, or a single string is treated as no keys at all: the agent has no
    name and is dropped.

    Fix: write `key: value` lines.
    """
    parsed = view.agent.parsed
    if parsed is None or parsed.parse == "failed" or parsed.not_mapping is None:
        return
    what = "empty" if parsed.not_mapping == "nothing" else f"{parsed.not_mapping}, not a set of keys"
    yield Hit(
        view.first,
        f"the front matter is {what}: Claude Code reads no name and skips the file"
        f"{_loads_as_plugin(view.agent)}",
    )


def _missing(view: View, key: str) -> Iterator[Hit]:
    agent = view.agent
    if not view.usable or agent.plugin:
        return
    value = agent.fields.get(key)
    if key not in agent.fields:
        yield Hit(view.first, f"there is no '{key}' key: Claude Code drops the agent")
    elif value is None or value == "":
        yield Hit(view.key_line(key), f"'{key}' is empty: Claude Code drops the agent")
    elif not isinstance(value, str):
        yield Hit(
            view.key_line(key),
            f"'{key}' is {type_name(value)} ({js_string(value)!r}), not text: Claude "
            f'Code drops the agent; quote it: {key}: "{js_string(value)}"',
        )


@rule(
    "AK106",
    "name-missing",
    "error",
    "dropped",
    "`name` is missing, empty or not a string (e.g. `name: 123`, `name: true`): the agent is dropped.",
)
def name_missing(view: View) -> Iterator[Hit]:
    """The agent's name is the front matter `name`, not the file name. Without a string name a local
    agent is skipped without a message. YAML reads `123`, `true`, `null` and `1.0` as numbers, booleans
    and null: quote such names.
    """
    yield from _missing(view, "name")


@rule(
    "AK107",
    "description-missing",
    "error",
    "dropped",
    "`description` is missing, empty or not a string: the agent is dropped.",
)
def description_missing(view: View) -> Iterator[Hit]:
    """Claude Code needs a description to route tasks to the agent; without a string description the
    agent is skipped (`description: true` or `description: 42` are not strings: quote them).
    """
    yield from _missing(view, "description")


@rule(
    "AK108",
    "invalid-name",
    "error",
    "dropped",
    "A `name` that starts with `-`, contains `:` or is longer than 256 characters is rejected.",
)
def invalid_name(view: View) -> Iterator[Hit]:
    """Claude Code rejects such names and drops the agent (`:` is reserved for `<plugin>:<name>`)."""
    name = view.fields.get("name")
    if not isinstance(name, str) or not name or view.agent.plugin:
        return
    line = view.key_line("name")
    if name.startswith("-"):
        yield Hit(line, f"the name {_show(name)} starts with '-': Claude Code drops the agent")
    if ":" in name:
        yield Hit(
            line,
            f"the name {_show(name)} contains ':' (reserved for plugin:name): Claude Code drops the agent",
        )
    if len(name) > 256:
        yield Hit(line, f"the name is {len(name)} characters long (at most 256): Claude Code drops the agent")


@rule("AK109", "file-too-large", "error", "dropped", "Claude Code skips agent files larger than 1 MiB.")
def file_too_large(view: View) -> Iterator[Hit]:
    """Files over 1 MiB (1,048,576 bytes) are not read at all. Move reference material out of the
    system prompt.
    """
    for problem in view.agent.problems:
        if "larger than 1 MiB" in problem:
            yield Hit(1, problem)


@rule("AK110", "invalid-hooks", "error", "dropped", "An invalid `hooks` value stops the agent from loading.")
def invalid_hooks(view: View) -> Iterator[Hit]:
    """`hooks` must have the shape of `hooks` in settings.json: a mapping of event names to lists of
    matchers, each with a `hooks` list of `{type: command, command: ...}` (or prompt/agent/http) entries.
    Anything else makes Claude Code refuse the whole agent.
    """
    if "hooks" in view.fields and not view.agent.plugin:
        problem = hooks_problem(view.fields["hooks"])
        if problem:
            yield Hit(view.key_line("hooks"), f"{problem}: Claude Code does not load the agent")


@rule(
    "AK111", "unreadable-file", "error", "dropped", "The file is binary, not valid UTF-8, or cannot be read."
)
def unreadable_file(view: View) -> Iterator[Hit]:
    """Claude Code reads agent files as UTF-8 text. Invalid bytes become replacement characters (names and
    descriptions change), NUL bytes mean the file is not text at all. agentkit never rewrites such files.
    """
    for problem in view.agent.problems:
        if "larger than 1 MiB" in problem:
            continue
        state = "" if view.agent.loaded else f"; Claude Code does not load it ({view.agent.reason})"
        yield Hit(1, f"{problem}{state}")


# == AK2xx: misread by Claude Code =================================================================

_COMMENT = re.compile(r"[ \t]#")


@rule(
    "AK201",
    "comment-truncates-value",
    "warning",
    "misread",
    "` #` starts a YAML comment: everything after it is silently cut from the value.",
)
def comment_truncates_value(view: View) -> Iterator[Hit]:
    """`description: Expert in C# code #dotnet #backend` reads as `Expert in C# code`: a space (or tab)
    followed by `#` starts a comment in an unquoted value (`C#` itself is kept). The routing words after
    it are lost. Reported for `name` and `description` at any ` #`, and for other keys when the `#` is
    glued to a word (`#tag`), which is rarely a deliberate comment.

    Fix: quote the value (`description: "Expert in C# code #dotnet"`).
    """
    if not view.usable:
        return
    for key, start, end in view.spans:
        value = view.fields.get(key)
        if start in view.quoted or not view.lines[start].lstrip().startswith(key[:1]):
            continue
        first = view.lines[start].split(":", 1)[1].strip() if ":" in view.lines[start] else ""
        if first[:1] in ("'", '"', "|", ">"):
            continue  # quoted and block scalars keep '#'
        for index in range(start, end):
            text = first if index == start else view.lines[index].strip()
            if index in view.quoted or text.startswith("#"):
                continue
            match = _COMMENT.search(" " + text if text.startswith("- ") else text)
            if not match:
                continue
            offset = match.start() - (1 if text.startswith("- ") else 0)
            cut = text[offset:].strip()
            glued = len(cut) > 1 and not cut[1].isspace()
            if key not in ("name", "description") and not glued:
                continue
            if isinstance(value, str) and cut in value:
                continue
            shown = value if isinstance(value, str) else js_string(value)
            yield Hit(
                view.line(index),
                f"'{key}' is cut at ' #': Claude Code reads {_show(str(shown))} and drops "
                f"{_show(cut)} as a comment; quote the value to keep it",
                column=view.lines[index].find(cut) + 1 or None,
            )
            break


@rule(
    "AK202",
    "dashes-end-block-early",
    "warning",
    "misread",
    "`---` inside a value ends the front matter there: the rest becomes the body.",
)
def dashes_end_block_early(view: View) -> Iterator[Hit]:
    """The block regex is lazy: the front matter ends at the first `---` anywhere, even inside a quoted
    value or in the middle of a line, and the rest of that line (and every key after it) becomes the
    start of the system prompt.

    Fix: write the dashes differently (an em dash, `- -`), or as `-\\u002d-` inside a double-quoted value.
    """
    agent = view.agent
    if agent.block is None:
        return
    offset = agent.has_bom
    end = agent.block.end
    closing_start = view.content.rfind("\n", 0, end) + 1
    before = view.content[closing_start:end]
    line_end = view.content.find("\n", end)
    after = view.content[end + 3 : line_end if line_end >= 0 else len(view.content)]
    line = agent.text.count("\n", 0, offset + end) + 1
    if before.strip(JS_SPACE):
        yield Hit(
            line,
            f"the front matter ends at the '---' inside line {line} ({_show(before + '---' + after)}): "
            "Claude Code reads only the text before it; the rest of the line and any keys after "
            "it become the body",
            column=end - closing_start + 1,
        )
    elif after.strip(JS_SPACE + "-"):
        yield Hit(
            line,
            f"the closing line {_show('---' + after)} has text after '---': Claude Code ends the "
            f"front matter at the dashes and {_show(after.strip())} starts the system prompt",
            column=4,
        )


@rule(
    "AK203",
    "quoted-value-with-trailing-text",
    "warning",
    "misread",
    "A quoted value followed by more text keeps its quotes: the fallback wraps the whole line.",
)
def quoted_value_with_trailing_text(view: View) -> Iterator[Hit]:
    """`description: "Quoted" then: more` is not YAML; Claude Code's fallback wraps the whole value in
    quotes, so the description starts with a literal `"`.

    Fix: quote the whole value once (`agentkit lint --fix` writes what Claude Code reads today).
    """
    for index in view.quoted:
        line = view.lines[index]
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        if value[:1] in ('"', "'"):
            key = line.split(":", 1)[0]
            shown = view.fields.get(key)
            yield Hit(
                view.line(index),
                f"'{key}' starts with a quoted part followed by more text: Claude Code's "
                f"fallback keeps the quotes, reading {_show(str(shown))}",
            )


def _is_prose_key(key: str) -> bool:
    low = key.strip().lower()
    return (
        low in _PROSE_KEYS or " " in key.strip() or low.startswith("<") or not re.fullmatch(r"[\w.-]+", key)
    )


def _key_suggestion(key: str) -> str | None:
    if key in KEY_RENAMES:
        return KEY_RENAMES[key]
    norm = re.sub(r"[-_\s]", "", key).lower()
    exact = [k for k in KNOWN_FIELDS if k.lower() == norm]
    if exact:
        return exact[0]
    close = difflib.get_close_matches(key, KNOWN_FIELDS, n=1, cutoff=0.8)
    return close[0] if close else None


def _unknown_keys(view: View) -> Iterator[tuple[str, int]]:
    if not view.usable:
        return
    seen: set[str] = set()
    for key, start, _ in view.spans:
        if key not in KNOWN_FIELDS and key not in seen:
            seen.add(key)
            yield key, start


@rule(
    "AK204",
    "continuation-becomes-key",
    "warning",
    "misread",
    "A line meant as part of a value starts at column 0 and is read as a key of its own.",
)
def continuation_becomes_key(view: View) -> Iterator[Hit]:
    """In a multi-line description, lines like `user: "..."`, `assistant: ...`, `Context: ...` or
    `Examples:` at column 0 are top-level keys for YAML: the description ends before them and their text
    is lost (the key itself is ignored). Reported for unknown keys that look like prose or dialogue.

    Fix: indent the continuation lines, or write the description on one line with `\\n`.
    """
    for key, start in _unknown_keys(view):
        if _key_suggestion(key) is None and _is_prose_key(key):
            previous = [k for k, s, _ in view.spans if s < start]
            after = f" after '{previous[-1]}'" if previous else ""
            yield Hit(
                view.line(start),
                f"line {view.line(start)} ({_show(view.lines[start], 40)}) starts at "
                f"column 0, so Claude Code reads it as a key '{key}'{after}, not as part "
                "of the value above; its text is lost",
            )


@rule(
    "AK205",
    "duplicate-key",
    "warning",
    "misread",
    "A key written twice: the last one wins and the earlier value is ignored.",
)
def duplicate_key(view: View) -> Iterator[Hit]:
    """YAML 1.2 forbids duplicate keys, but Claude Code's parser keeps the last one silently."""
    by_key: dict[str, list[int]] = defaultdict(list)
    for key, start, _ in view.spans:
        by_key[key].append(start)
    for key, starts in by_key.items():
        if len(starts) > 1:
            lines = [view.line(s) for s in starts]
            yield Hit(
                lines[0],
                f"'{key}' is set {len(lines)} times (lines {', '.join(map(str, lines))}): Claude "
                f"Code uses the last one, on line {lines[-1]}, and ignores the others",
            )


@rule(
    "AK206",
    "invisible-character",
    "warning",
    "misread",
    "A non-breaking space or an invisible character where YAML needs a plain space.",
)
def invisible_character(view: View) -> Iterator[Hit]:
    """YAML separates keys and values with plain spaces. A non-breaking space (U+00A0) after `key:`
    (common when copying from a web page), a zero-width space, a stray byte-order mark inside the block
    or a line separator (U+2028) changes the key, breaks the parse or hides the value. Reported in
    indentation, keys and the space after a key's colon; zero-width characters anywhere in the block.

    Fix: retype the spaces; delete the invisible characters.
    """
    for index, line in enumerate(view.lines):
        lead = len(line) - len(line.lstrip(" \t" + _STRUCTURAL_BAD))
        colon = re.match(r"[^:'\"]{0,80}:", line[lead:])
        head_end = lead
        if colon:
            rest = line[lead + colon.end() :]
            head_end = lead + colon.end() + len(rest) - len(rest.lstrip(" \t" + _STRUCTURAL_BAD))
        for column, char in enumerate(line):
            if char in _ALWAYS_BAD or (column < head_end and char in _STRUCTURAL_BAD):
                where = "in the indentation" if column < lead else "in the key or after its colon"
                if column >= head_end:
                    where = "inside the value"
                yield Hit(
                    view.line(index),
                    f"a {_char_name(char)} {where}: YAML needs a plain space (or nothing) here",
                    column=column + 1,
                )
                break


# == AK3xx: portability ============================================================================


@rule(
    "AK301",
    "fallback-only-yaml",
    "warning",
    "portability",
    "The front matter loads only through Claude Code's line-rewrite fallback; strict YAML rejects it.",
    fixable=True,
)
def fallback_only_yaml(view: View) -> Iterator[Hit]:
    """Claude Code 2.1.330 loads it, but strict YAML tools (agnix, PyYAML,
    python-frontmatter, GitHub's preview) and older Claude Code versions reject the file. Typical case: an
    unquoted one-line description with `: ` (`Use this agent when ... Examples: Context: ...`).

    Fix (`--fix`): rewrite each line the fallback quoted with the value Claude Code reads, as a
    double-quoted YAML string; only those lines change and Claude Code's reading stays the same.
    """
    agent = view.agent
    if agent.parse != "fallback":
        return
    parsed = agent.parsed
    assert parsed is not None
    keys = [line.split(":", 1)[0] for line in (view.lines[i] for i in view.quoted)]
    if view.quoted:
        what = (
            f"it quoted {', '.join(repr(k) for k in keys)} (line{'s' if len(keys) > 1 else ''} "
            f"{', '.join(str(view.line(i)) for i in view.quoted)})"
        )
        line = view.line(view.quoted[0])
    else:
        tabs = [i for i, text in enumerate(view.lines) if text.startswith("\t")]
        what = "it turned leading tabs into spaces"
        line = view.line(tabs[0]) if tabs else view.first
    yield Hit(
        line,
        f"strict YAML rejects this front matter ({in_file_lines(parsed.error or '', view.first)}); "
        "Claude Code loads it only through "
        f"its line-rewrite fallback ({what}); strict tools and older Claude Code versions drop it",
    )


@rule(
    "AK302",
    "byte-order-mark",
    "warning",
    "portability",
    "A byte-order mark: Claude Code before 2.1.330 saw no front matter and dropped the file.",
    fixable=True,
)
def byte_order_mark(view: View) -> Iterator[Hit]:
    """Claude Code 2.1.330 drops a leading U+FEFF; 2.1.197 and older did not, so the file started with an
    invisible character instead of `---` and was skipped.

    Fix (`--fix`): remove the byte-order mark; nothing else changes.
    """
    if view.agent.has_bom:
        yield Hit(
            1,
            "the file starts with a byte-order mark (U+FEFF): Claude Code before 2.1.330 sees no front "
            "matter and skips it",
            column=1,
        )


@rule(
    "AK303",
    "crlf-line-endings",
    "info",
    "portability",
    "CRLF line endings: Claude Code's fallback cannot repair any line of such a file.",
)
def crlf_line_endings(view: View) -> Iterator[Hit]:
    """The file loads if its YAML is valid, but Claude Code's line-rewrite fallback never matches a line
    ending in `\\r`: any value needing the fallback (an unquoted `: `) makes the agent disappear.
    Consider LF line endings (`.gitattributes`: `*.md text eol=lf`).
    """
    if "\r\n" in view.agent.text:
        yield Hit(1, "the file uses CRLF line endings: Claude Code's fallback cannot repair any of its lines")


# == AK4xx: field values ===========================================================================


def _tool_kind(entry: str) -> tuple[str, str | None]:
    """('ok'|'alias'|'removed'|'pattern'|'unknown'|'agent-form', detail)."""
    if entry == "*" or entry in BUILTIN_TOOLS or _MCP.fullmatch(entry):
        return "ok", None
    if entry in TOOL_ALIASES:
        return "alias", TOOL_ALIASES[entry]
    if entry in REMOVED_TOOLS:
        return "removed", REMOVED_TOOLS[entry]
    form = _AGENT_FORM.fullmatch(entry)
    if form:
        return ("ok", None) if form.group(1) == "Agent" else ("alias", f"Agent({form.group(2)})")
    pattern = _PATTERN.fullmatch(entry)
    if pattern:
        tool = pattern.group(1)
        if tool in BUILTIN_TOOLS or tool in TOOL_ALIASES:
            return "pattern", tool
        if tool in REMOVED_TOOLS:
            return "removed", None
    return "unknown", None


def _grants(entry: str) -> bool:
    """Does this entry give the agent a real tool?"""
    return _tool_kind(entry)[0] in ("ok", "alias", "pattern")


def _suggest_tool(entry: str) -> str:
    lower = {t.lower(): t for t in BUILTIN_TOOLS}
    if entry.lower() in lower:
        return f"; did you mean '{lower[entry.lower()]}'? (tool names are case-sensitive)"
    close = difflib.get_close_matches(entry, BUILTIN_TOOLS, n=1, cutoff=0.75)
    if close:
        return f"; did you mean '{close[0]}'?"
    if entry.startswith("mcp_") or entry.lower().startswith("mcp"):
        return "; MCP tools are written mcp__<server>__<tool>, mcp__<server> or mcp__<server>__*"
    if _KEBAB.fullmatch(entry) and "-" in entry:
        return (
            f"; agent and skill names are not tools (Agent({entry}) lets it delegate to an agent; list "
            "skills under 'skills')"
        )
    return ""


def _tool_entries(view: View, key: str) -> list[str]:
    if not view.usable or key not in view.fields:
        return []
    entries = view.agent.tools if key == "tools" else view.agent.disallowed_tools
    return entries or []


@rule(
    "AK401",
    "unknown-tool",
    "warning",
    "values",
    "A `tools`/`disallowedTools` entry that is not a Claude Code tool is silently ignored.",
)
def unknown_tool(view: View) -> Iterator[Hit]:
    """Claude Code ignores names it does not know, so the agent lacks the tool the author meant (a typo
    like `Grepp`, a lowercase `read`, an agent or skill name). Valid entries: the built-in tools, MCP
    tools (`mcp__server__tool`, `mcp__server`, `mcp__server__*`), `Agent(a, b)` (older `Task(a, b)`) and
    `*`.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            if _tool_kind(entry)[0] == "unknown":
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' in '{key}' is not a Claude Code tool and is ignored{_suggest_tool(entry)}",
                )


@rule(
    "AK402",
    "removed-tool-name",
    "warning",
    "values",
    "MultiEdit, LS and NotebookRead are no longer tools: Claude Code ignores them in `tools`.",
    fixable=True,
)
def removed_tool_name(view: View) -> Iterator[Hit]:
    """They survive only as permission-rule names. Replacements: MultiEdit -> Edit, NotebookRead -> Read,
    LS -> Glob (list files) or Bash (`ls`).

    Fix (`--fix`): MultiEdit -> Edit and NotebookRead -> Read (dropped when the replacement is already
    listed); LS needs a human decision.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            kind, replacement = _tool_kind(entry)
            if kind == "removed":
                base = entry.split("(")[0]
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' is no longer a tool (only a permission-rule "
                    f"name) and is ignored; use {REMOVED_ADVICE[base]}",
                    fixable=replacement is not None,
                )


@rule(
    "AK403",
    "legacy-tool-alias",
    "info",
    "values",
    "An old tool name Claude Code still maps to the new one (Task -> Agent, KillShell -> TaskStop, ...).",
    fixable=True,
)
def legacy_tool_alias(view: View) -> Iterator[Hit]:
    """Task -> Agent, `Task(a, b)` -> `Agent(a, b)`, KillShell/KillBash -> TaskStop,
    BashOutput -> TaskOutput. They work today; the new names are what current documentation uses.

    Fix (`--fix`): rename to the current name.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            kind, replacement = _tool_kind(entry)
            if kind == "alias":
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' is the old name of '{replacement}' (still accepted)",
                )


@rule(
    "AK404",
    "permission-pattern-grants-whole-tool",
    "warning",
    "values",
    "A permission pattern like `Bash(git diff:*)` in `tools` grants the whole tool, not just the pattern.",
)
def permission_pattern_grants_whole_tool(view: View) -> Iterator[Hit]:
    """In an agent's `tools`, Claude Code keeps only the tool name: `Bash(npm run:*)` gives the agent
    the entire Bash tool. Restrict commands with permission rules in settings.json or hooks instead.
    (`Agent(a, b)` is different: it does restrict which agents can be called.)
    """
    for entry in _tool_entries(view, "tools"):
        kind, tool = _tool_kind(entry)
        if kind == "pattern":
            yield Hit(
                view.find_line("tools", entry),
                f"'{entry}' grants the whole {tool} tool: the pattern in "
                "parentheses does not restrict an agent's tools",
            )


@rule(
    "AK405",
    "tools-grant-nothing",
    "error",
    "values",
    "`tools` lists no real tool (empty, or only unknown names): starting the agent fails.",
)
def tools_grant_nothing(view: View) -> Iterator[Hit]:
    """`tools:` with no value, `tools: ""`, `tools: []` or a list of names none of which is a tool leaves
    the agent with nothing, and Claude Code fails when it starts the agent. Remove `tools` to inherit
    every tool, or list the tools it needs.
    """
    if not view.usable or "tools" not in view.fields:
        return
    entries = view.agent.tools or []
    if not entries:
        yield Hit(
            view.key_line("tools"),
            "'tools' is empty: the agent gets no tool and starting it fails; "
            "remove the key to inherit every tool",
        )
    elif not any(_grants(entry) for entry in entries):
        yield Hit(
            view.key_line("tools"),
            f"none of {', '.join(entries)} is a Claude Code tool: the agent gets "
            "no tool and starting it fails",
        )


@rule(
    "AK406",
    "misspelled-key",
    "warning",
    "values",
    "A key that is close to a known field (`allowed-tools`, `permission-mode`, `maxturns`) is ignored.",
    fixable=True,
)
def misspelled_key(view: View) -> Iterator[Hit]:
    """Keys are case-sensitive and camelCase. `allowed-tools` (the skills and slash-command key) in an
    agent is ignored, so the agent inherits every tool.

    Fix (`--fix`): rename the key when the intended key is not also present (only the key changes).
    """
    for key, start in _unknown_keys(view):
        target = _key_suggestion(key)
        if target:
            clash = target in view.fields
            extra = f" ('{target}' is also set, so it is not renamed automatically)" if clash else ""
            yield Hit(
                view.line(start),
                f"unknown key '{key}' is ignored by Claude Code; did you mean '{target}'?{extra}",
                column=1,
                fixable=not clash,
            )


@rule(
    "AK407", "unknown-key", "info", "values", "A key Claude Code does not know is ignored (e.g. `category`)."
)
def unknown_key(view: View) -> Iterator[Hit]:
    """Harmless for loading, but nothing reads it: keep such metadata elsewhere if it is meant to do
    something. Known keys: name, description, tools, disallowedTools, model, color, effort,
    permissionMode, maxTurns, skills, mcpServers, hooks, memory, background, isolation, initialPrompt.
    """
    for key, start in _unknown_keys(view):
        if _key_suggestion(key) is None and not _is_prose_key(key):
            yield Hit(view.line(start), f"unknown key '{key}' is ignored by Claude Code", column=1)


def _enum(
    view: View,
    key: str,
    allowed: Iterable[str],
    what: str,
    *,
    extra_ok: Callable[[Any], bool] | None = None,
) -> Iterator[Hit]:
    if key not in view.fields:
        return
    value = view.fields[key]
    allowed = tuple(allowed)
    if isinstance(value, str) and value in allowed or (extra_ok is not None and extra_ok(value)):
        return
    shown = js_string(value) if not isinstance(value, str) else value
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), [a.lower() for a in allowed], n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{next(a for a in allowed if a.lower() == close[0])}'?"
    empty = value is None or value == ""
    yield Hit(
        view.key_line(key),
        f"'{key}' is {'empty' if empty else repr(shown)}: {what} ({', '.join(allowed)}){hint}",
    )


def _valid_model(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    base = value[:-4] if value.endswith("[1m]") else value
    return base in MODEL_ALIASES or bool(_FULL_MODEL.fullmatch(value))


@rule(
    "AK408",
    "invalid-model",
    "warning",
    "values",
    "`model` must be an alias (sonnet, opus, haiku, inherit, ...), a `[1m]` variant or a full model id.",
)
def invalid_model(view: View) -> Iterator[Hit]:
    """Valid: `sonnet`, `opus`, `haiku`, `inherit`, `fable`, `best`, `opusplan`, their `[1m]` variants,
    or a full model id such as `claude-sonnet-4-20250514` (Bedrock and Vertex ids too). Aliases are
    lowercase. Anything else fails when the agent is used.
    """
    if "model" in view.fields and not _valid_model(view.fields["model"]):
        yield from _enum(view, "model", MODEL_ALIASES, "not a model alias or a full model id")


@rule(
    "AK409",
    "invalid-color",
    "warning",
    "values",
    "A `color` outside the eight allowed names is silently dropped.",
)
def invalid_color(view: View) -> Iterator[Hit]:
    """Allowed: red, blue, green, yellow, purple, orange, pink, cyan (lowercase). Hex codes and other
    names are dropped without a message.
    """
    yield from _enum(view, "color", COLORS, "Claude Code silently drops colors other than")


@rule(
    "AK410",
    "invalid-permission-mode",
    "warning",
    "values",
    "`permissionMode` must be one of default, acceptEdits, auto, bypassPermissions, dontAsk, plan.",
)
def invalid_permission_mode(view: View) -> Iterator[Hit]:
    """Values are case-sensitive camelCase."""
    yield from _enum(view, "permissionMode", PERMISSION_MODES, "not a permission mode")


@rule(
    "AK411",
    "invalid-effort",
    "warning",
    "values",
    "`effort` must be low, medium, high, xhigh, max or an integer.",
)
def invalid_effort(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(
        view,
        "effort",
        EFFORTS,
        "not an effort level or an integer",
        extra_ok=lambda v: isinstance(v, int) and not isinstance(v, bool),
    )


@rule("AK412", "invalid-memory", "warning", "values", "`memory` must be user, project or local.")
def invalid_memory(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "memory", MEMORIES, "not a memory scope")


@rule("AK413", "invalid-isolation", "warning", "values", "`isolation` must be worktree or remote.")
def invalid_isolation(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "isolation", ISOLATIONS, "not an isolation mode")


@rule("AK414", "invalid-max-turns", "warning", "values", "`maxTurns` must be a positive integer.")
def invalid_max_turns(view: View) -> Iterator[Hit]:
    """`maxTurns: "10"` (a string), `0`, `-1` or `2.5` are not positive integers."""
    if "maxTurns" in view.fields:
        value = view.fields["maxTurns"]
        if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            yield Hit(
                view.key_line("maxTurns"),
                f"'maxTurns' is {type_name(value)} ({js_string(value)!r}), not a positive integer",
            )


@rule("AK415", "invalid-background", "warning", "values", "`background` must be true or false.")
def invalid_background(view: View) -> Iterator[Hit]:
    """`background: yes` or `"true"` are strings in YAML 1.2, not booleans."""
    if "background" in view.fields and not isinstance(view.fields["background"], bool):
        value = view.fields["background"]
        yield Hit(
            view.key_line("background"),
            f"'background' is {type_name(value)} ({js_string(value)!r}), not true or false",
        )


@rule(
    "AK416",
    "invalid-mcp-servers",
    "warning",
    "values",
    "`mcpServers` must be a list of server names or single-key maps `{name: config}`.",
)
def invalid_mcp_servers(view: View) -> Iterator[Hit]:
    """Each entry is a string naming a configured server, or a mapping with exactly one key (the server
    name) whose value is its configuration.
    """
    if "mcpServers" not in view.fields:
        return
    value = view.fields["mcpServers"]
    line = view.key_line("mcpServers")
    if not isinstance(value, list):
        yield Hit(line, f"'mcpServers' is {type_name(value)}, not a list of names or {{name: config}} maps")
        return
    for item in value:
        if not (isinstance(item, str) and item) and not (isinstance(item, dict) and len(item) == 1):
            yield Hit(
                line,
                f"an entry of 'mcpServers' is {type_name(item)}: each must be a server name or a "
                "single-key map {name: config}",
            )
            return


@rule("AK417", "invalid-skills", "warning", "values", "`skills` must be a string or a list of skill names.")
def invalid_skills(view: View) -> Iterator[Hit]:
    """A comma/space-separated string or a list of strings."""
    if "skills" not in view.fields:
        return
    value = view.fields["skills"]
    ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if not ok:
        yield Hit(view.key_line("skills"), f"'skills' is {type_name(value)}, not a string or a list of names")


@rule("AK418", "invalid-initial-prompt", "warning", "values", "`initialPrompt` must be a string.")
def invalid_initial_prompt(view: View) -> Iterator[Hit]:
    """Quote values YAML would read as numbers or booleans."""
    if "initialPrompt" in view.fields and not isinstance(view.fields["initialPrompt"], str):
        value = view.fields["initialPrompt"]
        yield Hit(view.key_line("initialPrompt"), f"'initialPrompt' is {type_name(value)}, not text")


@rule(
    "AK419",
    "duplicate-tool",
    "info",
    "values",
    "The same entry is listed twice in `tools` or `disallowedTools`.",
)
def duplicate_tool(view: View) -> Iterator[Hit]:
    """Harmless to Claude Code, but usually a sign of a merge or copy-paste slip: the list may not say
    what its author meant. Remove the repeat.
    """
    for key in ("tools", "disallowedTools"):
        seen: set[str] = set()
        for entry in _tool_entries(view, key):
            if entry in seen:
                yield Hit(view.find_line(key, entry), f"'{entry}' is listed twice in '{key}'")
            seen.add(entry)


# == AK5xx: names ==================================================================================


def _good_name(view: View) -> str | None:
    name = view.fields.get("name")
    return name if isinstance(name, str) and name else None


@rule(
    "AK501",
    "name-not-kebab-case",
    "warning",
    "names",
    "Agent names should be lowercase letters, digits and hyphens (`code-reviewer`).",
)
def name_not_kebab_case(view: View) -> Iterator[Hit]:
    """The documentation asks for lowercase letters and hyphens; names with spaces, capitals or
    underscores are hard to mention (`@agent-...`) and clash with how other tools derive file names.
    """
    name = _good_name(view)
    if name and not _KEBAB.fullmatch(name) and not name.startswith("-") and ":" not in name:
        suggestion = re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).lower()).strip(
            "-"
        )
        yield Hit(
            view.key_line("name"),
            f"the name {_show(name)} is not lowercase-and-hyphens"
            + (f"; e.g. '{suggestion}'" if suggestion else ""),
        )


@rule(
    "AK502",
    "name-differs-from-file",
    "info",
    "names",
    "The agent is called by its `name`, not its file name; they differ.",
)
def name_differs_from_file(view: View) -> Iterator[Hit]:
    """Claude Code uses the front matter `name`. When it differs from the file name, people look for the
    wrong agent (`reviewer-strict.md` answers to `strict-reviewer`).
    """
    name = _good_name(view)
    if name and name != view.agent.path.stem and view.agent.path.name != "<string>":
        yield Hit(
            view.key_line("name"),
            f"the agent is called '{name}', not '{view.agent.path.stem}' (its file name)",
        )


def _plugin_of(agent: Agent) -> str | None:
    """The plugin an agent belongs to: set by discover, else guessed from a `plugins/<p>/agents/` path."""
    if agent.plugin:
        return agent.plugin
    parts = agent.path.parts
    for i in range(len(parts) - 3, -1, -1):
        if parts[i] == "plugins" and i + 2 < len(parts) - 1 and parts[i + 2] == "agents":
            return parts[i + 1]
    return None


@rule(
    "AK503",
    "duplicate-name",
    "warning",
    "names",
    "Several files define the same agent name: only one of them is used.",
    scope="set",
)
def duplicate_name(agents: list[Agent]) -> Iterator[Hit]:
    """Claude Code keeps one agent per name: across scopes the later wins (plugin < user < project <
    `--agents` < managed); inside one agents folder, which file wins is not specified. The others are
    shadowed without a message. Plugin agents are named `<plugin>:<name>`, so they clash only within
    their plugin.
    """
    groups: dict[str, list[Agent]] = defaultdict(list)
    for agent in agents:
        if agent.loaded and isinstance(agent.name, str) and agent.name:
            plugin = _plugin_of(agent)
            groups[f"{plugin}:{agent.name}" if plugin else agent.name].append(agent)
    for qualified, group in groups.items():
        if len(group) < 2:
            continue
        scopes = {a.scope for a in group}
        winners = [a for a in group if a.shadowed_by is None]
        for agent in group:
            others = [a for a in group if a is not agent]
            listing = ", ".join(_where(a) for a in others)
            line = agent.block_start_line or 1
            if len(scopes) > 1 and len(winners) == 1:
                win = winners[0]
                if agent is win:
                    text = (
                        f"the name '{qualified}' is also defined in {listing}; this file wins "
                        f"({_scope(agent)})"
                    )
                else:
                    text = (
                        f"the name '{qualified}' is also defined in {listing}; {_where(win)} wins, "
                        "so this file "
                        f"({_scope(agent)}) is never used"
                    )
            else:
                text = (
                    f"the name '{qualified}' is defined in {len(group)} files (also {listing}): Claude Code "
                    "keeps only one of them, and which one is not specified"
                )
            yield Hit(_name_line(agent, line), text, agent=agent)


def _scope(agent: Agent) -> str:
    return f"{agent.scope} scope" if agent.scope else "same scope"


def _where(agent: Agent) -> str:
    return f"{agent.path}" + (f" ({agent.scope})" if agent.scope else "")


def _name_line(agent: Agent, default: int) -> int:
    view = View(agent)
    return view.key_line("name") if view.usable else default


# == AK6xx: descriptions and body ==================================================================


def _description(view: View) -> str | None:
    value = view.agent.description if view.usable else None
    if not isinstance(value, str) or not value.strip():
        return None
    if view.agent.plugin and value == PLUGIN_PLACEHOLDER.format(plugin=view.agent.plugin):
        return None
    return value


@rule(
    "AK601",
    "description-no-trigger",
    "warning",
    "descriptions",
    "The description never says when to use the agent, so Claude rarely delegates to it.",
)
def description_no_trigger(view: View) -> Iterator[Hit]:
    """Claude picks a subagent by its description. Descriptions that only say what the agent is
    ("Expert in Rust") get fewer delegations than ones that say when to use it: "Use when ...",
    "Use this agent to ...", "Use PROACTIVELY after ...", "Invoke for ...".
    """
    text = _description(view)
    if text and not _TRIGGER.search(text):
        yield Hit(
            view.key_line("description"),
            "the description does not say when to use the agent (e.g. "
            "'Use when ...', 'Use PROACTIVELY after ...'): Claude may "
            "not delegate to it",
        )


@rule(
    "AK602",
    "description-too-long",
    "warning",
    "descriptions",
    f"A description over {LONG_DESCRIPTION:,} characters crowds Claude's list of agents.",
)
def description_too_long(view: View) -> Iterator[Hit]:
    """Every description is sent with each request that may delegate. Long example dialogues belong in
    the body (the system prompt), not in the description.
    """
    text = _description(view)
    if text and len(text) > LONG_DESCRIPTION:
        yield Hit(
            view.key_line("description"),
            f"the description is {len(text):,} characters long (over "
            f"{LONG_DESCRIPTION:,}); move examples to the body",
        )


@rule(
    "AK603",
    "description-budget",
    "warning",
    "descriptions",
    f"All descriptions together exceed Claude Code's budget of about {DESCRIPTION_BUDGET_TOKENS:,} tokens.",
    scope="set",
)
def description_budget(agents: list[Agent]) -> Iterator[Hit]:
    """Claude Code warns when the agents' descriptions total more than about 15,000 tokens (estimated
    here as characters / 4): they take context in every conversation, and routing gets worse. Reported
    once, on the file with the longest description.
    """
    live = [a for a in agents if a.loaded and a.shadowed_by is None and isinstance(a.description, str)]
    total = sum(len(a.description) for a in live)
    if total / 4 <= DESCRIPTION_BUDGET_TOKENS:
        return
    longest = max(live, key=lambda a: len(a.description))
    view = View(longest)
    yield Hit(
        view.key_line("description"),
        f"the {len(live)} agents' descriptions total {total:,} characters "
        f"(about {total // 4:,} tokens), over Claude Code's budget of about "
        f"{DESCRIPTION_BUDGET_TOKENS:,} tokens; this one is the longest "
        f"({len(longest.description):,} characters)",
        agent=longest,
    )


@rule("AK604", "empty-body", "warning", "descriptions", "The body is empty: the agent has no system prompt.")
def empty_body(view: View) -> Iterator[Hit]:
    """The text after the front matter is the agent's system prompt; without it the agent knows nothing
    beyond its description.
    """
    agent = view.agent
    if view.usable and agent.loaded and not agent.body.strip():
        yield Hit(agent.body_start_line, "the body is empty: the agent has no system prompt")


# -- documentation ------------------------------------------------------------------------------------


def render_docs() -> str:
    """docs/rules.md, generated from the catalogue."""
    out = [
        "# agentkit lint rules",
        "",
        "<!-- Generated by `python -m agentkit._lint.rules > docs/rules.md`; do not edit by hand. -->",
        "",
        f"What Claude Code {CLAUDE_CODE_MODEL_VERSION} does with an agent file, rule by rule. "
        "Select or ignore "
        "rules with `agentkit lint --select AK1,AK301 --ignore AK502` (IDs, ID prefixes or names). "
        "Fixable rules are repaired by `agentkit lint --fix` (see the diff first with `--dry-run`).",
        "",
        "| ID | name | severity | fixable | rationale |",
        "|---|---|---|---|---|",
    ]
    for r in RULES.values():
        out.append(
            f"| [{r.id}](#{r.id.lower()}) | `{r.name}` | {r.severity} | {'yes' if r.fixable else ''} | "
            f"{r.summary} |"
        )
    for category, title in CATEGORIES.items():
        out += ["", f"## {title}"]
        for r in (r for r in RULES.values() if r.category == category):
            scope = " Checks the whole set of agents." if r.scope == "set" else ""
            out += [
                "",
                f"### {r.id}",
                "",
                f"**`{r.name}`**: {r.severity}{', fixable' if r.fixable else ''}.{scope}",
                "",
                r.summary,
                "",
                r.doc,
            ]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render_docs())
