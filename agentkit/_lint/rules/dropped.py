"""AK1xx: dropped by Claude Code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from agentkit._lint.rules.base import (
    STRUCTURAL_BAD,
    YAML_MARK,
    Hit,
    View,
    char_name,
    plugin_note,
    rule,
    snippet,
)
from agentkit._reader.agent import Agent, in_file_lines
from agentkit._reader.claude_code import NAME_MAX_CHARS
from agentkit._reader.frontmatter import (
    JS_SPACE_CHARS,
    fallback_rewrite,
    js_length,
    js_string,
    nfkc_colon,
    type_name,
)
from agentkit._reader.hooks import guard_problem, hooks_problem
from agentkit._reader.yaml12 import YAMLError, load_yaml12

# == AK1xx: dropped by Claude Code =================================================================


def _no_block_kind(content: str) -> str:
    if not content.strip():
        return "empty"
    if content.startswith("---"):
        first = content.split("\n", 1)[0]
        return "unterminated" if first.rstrip(JS_SPACE_CHARS) == "---" else "bad-first-line"
    if content.lstrip(JS_SPACE_CHARS).startswith("---"):
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
        yield Hit(1, "the file is empty: Claude Code skips it" + plugin_note(agent))
    elif kind == "bad-first-line":
        first = view.content.split("\n", 1)[0]
        yield Hit(
            1,
            f"the first line is {snippet(first)}, not '---' alone, so Claude Code sees no front "
            f"matter and skips the file{plugin_note(agent)}",
        )
    elif kind == "none":
        yield Hit(
            1,
            "no front matter: the file must start with '---', the name/description keys and a "
            f"closing '---'; Claude Code skips it{plugin_note(agent)}",
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
        f"first characters of the file, so it sees no front matter and skips it{plugin_note(agent)}",
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
            f"Code reads no keys and skips the file{plugin_note(agent)}",
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
        bad = [c for c in line if c in STRUCTURAL_BAD]
        if bad and index not in [i for i, _ in causes]:
            causes.append(
                (
                    index,
                    f"line {view.line(index)} contains a {char_name(bad[0])} where YAML needs a plain space",
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
                    f"line {view.line(index)} ({snippet(line, 40)}) starts at column 0 but is not "
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
    if parsed.refused:
        yield Hit(view.first, f"agentkit refuses to parse this front matter: {parsed.error}")
        return
    causes = _unparseable_causes(view)
    mark = YAML_MARK.search(parsed.error or "")
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
        f"the front matter is {what}: Claude Code reads no name and skips the file{plugin_note(view.agent)}",
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
    "A `name` that starts with `-`, contains `:` (after NFKC normalisation) or is longer than 256 UTF-16 "
    "code units is rejected.",
    keys=("name",),
)
def invalid_name(view: View) -> Iterator[Hit]:
    """Claude Code rejects such names and drops the agent (`:` is reserved for `<plugin>:<name>`). It looks
    for `:` after NFKC normalisation, so a fullwidth `：` (U+FF1A) or a small `﹕` (U+FE55) counts too; and it
    measures length as JavaScript does, so a character outside the BMP (an emoji) counts twice.
    """
    name = view.fields.get("name")
    if not isinstance(name, str) or not name or view.agent.plugin:
        return
    colon = nfkc_colon(name)
    too_long = js_length(name) > NAME_MAX_CHARS
    if not (name.startswith("-") or colon is not None or too_long):
        return  # the common case: no need to find the key's line
    line = view.key_line("name")
    if name.startswith("-"):
        yield Hit(line, f"the name {snippet(name)} starts with '-': Claude Code drops the agent")
    if colon == ":":
        yield Hit(
            line,
            f"the name {snippet(name)} contains ':' (reserved for plugin:name): Claude Code drops the agent",
        )
    elif colon is not None:
        yield Hit(
            line,
            f"the name {snippet(name)} contains {colon!r} (U+{ord(colon):04X}), which becomes ':' under NFKC "
            "normalisation (reserved for plugin:name): Claude Code drops the agent",
        )
    if too_long:
        yield Hit(
            line,
            f"the name is {js_length(name)} UTF-16 code units long (at most {NAME_MAX_CHARS}): "
            "Claude Code drops the agent",
        )


@rule("AK109", "file-too-large", "error", "dropped", "Claude Code skips agent files larger than 1 MiB.")
def file_too_large(view: View) -> Iterator[Hit]:
    """Files over 1 MiB (1,048,576 bytes) are not read at all. Move reference material out of the
    system prompt.
    """
    for problem in view.agent.problems:
        if "larger than 1 MiB" in problem:
            yield Hit(1, problem)


@rule(
    "AK110",
    "invalid-hooks",
    "error",
    "dropped",
    "Invalid `hooks`, or hook settings outside `hooks`, stop the agent from loading.",
)
def invalid_hooks(view: View) -> Iterator[Hit]:
    """`hooks` must have the shape of `hooks` in settings.json: a mapping of event names to lists of
    matchers, each with a `hooks` list of `{type: command, command: ...}` (or prompt, agent, http,
    mcp_tool) entries. Under PreToolUse, PermissionRequest and PreSkillShellCommand, which guard what the
    agent may do, any problem makes Claude Code refuse the whole agent (elsewhere a bad entry is dropped);
    so does a non-list `hooks` value, or such an event written as a top-level key (or hidden in another
    key) instead of under `hooks`.
    """
    if view.agent.plugin:
        return
    guarded = guard_problem(view.fields)
    if guarded:
        yield Hit(view.key_line(guarded[0]), guarded[1])
    if "hooks" in view.fields:
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
        reason = view.agent.reason
        detail = "" if reason in (None, problem) else f" ({reason})"  # an unreadable file: said already
        state = "" if view.agent.loaded else f"; Claude Code does not load it{detail}"
        yield Hit(1, f"{problem}{state}")
