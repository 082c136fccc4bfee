"""Lossless editing: change only the lines of the keys that change, and write files atomically."""

from __future__ import annotations

import difflib
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from agentkit._edit.atomic import atomic_write
from agentkit._errors import ConflictError, EditError
from agentkit._reader.agent import Agent, agent_from_text, require_agent, with_text
from agentkit._reader.claude_code import SPLIT_KEYS
from agentkit._reader.frontmatter import (
    JS_SPACE_RUN,
    expand_newlines,
    fallback_rewrite,
    key_spans,
    split_lines,
    split_tools,
)
from agentkit._reader.yaml12 import (
    DEEPER_TEXT,
    MAX_EXPANDED_NODES,
    MAX_NESTING,
    DeeperText,
    Yaml12Loader,
    YAMLError,
    load_yaml12,
    yaml12_tabs,
)

_PLAIN_SAFE = re.compile(r"[A-Za-z0-9_(][A-Za-z0-9 _.,/()+=;?'*-]*")
_SIMPLE_ITEM = re.compile(r"[A-Za-z0-9_*.()-]+")
# Keys written without quotes; any other key (`<<`, a tab, `true`, `&k`, ...) is double-quoted.
_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
# Characters YAML would fold or drop inside a double-quoted scalar: escape them.
_RISKY_CHARS = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff]")
DASHES_ESCAPED = "-\\u002d-"  # `---` inside a double-quoted value, hidden from the block regex
# How deep a value may nest (a list or mapping is one level) and still read back whole: agentkit keeps
# MAX_NESTING levels of front matter, and the front matter's own mapping is the first of them.
MAX_VALUE_DEPTH = MAX_NESTING - 1
# An anchor (`&name`) on a line: a name runs to white space or a flow indicator.
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


def quote(value: str) -> str:
    """A double-quoted scalar that YAML and Claude Code read identically (JSON escapes; `---` escaped
    so the lazy block regex cannot end the front matter inside it)."""
    text = json.dumps(value, ensure_ascii=False)
    text = _RISKY_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.replace("---", DASHES_ESCAPED)


def scalar(value: Any) -> str:
    """How a scalar value is written: plain when every YAML reader agrees it is this string."""
    if isinstance(value, str):
        return value if _plain_is_safe(value) else quote(value)
    return _non_text(value)


def _non_text(value: Any) -> str:
    """A boolean, number or None as YAML 1.2 (Claude Code) and YAML 1.1 read it back: `true`, `null`,
    `1.0e-05` (1.1 wants the dot), `.inf`, `.nan`."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = float.__repr__(value)
        mantissa, e, exponent = text.partition("e")
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    raise EditError(f"cannot write a {type(value).__name__} in front matter")


def _flow(value: Any, json_style: bool) -> str:
    """A value on one line, in YAML flow style. In `json_style` (inside a mapping, as mappings were
    always written) every text is double-quoted; otherwise simple list entries stay plain. The value was
    checked first (`_refuse_unwritable`): no cycles, at most MAX_VALUE_DEPTH levels, known types."""
    if isinstance(value, str):
        if not json_style and _SIMPLE_ITEM.fullmatch(value) and _plain_is_safe(value):
            return value
        return quote(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(item, json_style) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (
            f"{quote(k) if isinstance(k, str) else _non_text(k)}: {_flow(v, True)}" for k, v in value.items()
        )
        return "{" + ", ".join(pairs) + "}"
    return _non_text(value)


def _plain_is_safe(value: str) -> bool:
    if not _PLAIN_SAFE.fullmatch(value) or value != value.strip() or "---" in value:
        return False
    if "\\n" in value or " #" in value:
        return False
    try:  # both YAML 1.2 (Claude Code) and YAML 1.1 (PyYAML-based tools) must read a string
        return bool(load_yaml12(value) == value and yaml.safe_load(value) == value)
    except yaml.YAMLError:
        return False


def render_value(key: str, value: Any, old_style: str | None, indent: str, newline: str) -> list[str]:
    """The lines for `key: value`. `old_style` is "block" or "flow" for an existing list, else None."""
    head = key if _PLAIN_KEY.fullmatch(key) and _plain_is_safe(key) else quote(key)
    if isinstance(value, tuple | list):
        if old_style == "block" and value:
            return [f"{head}:{newline}"] + [f"{indent}- {_block_item(item)}{newline}" for item in value]
        joinable = all(isinstance(item, str) and _joinable(item) for item in value)
        if key in SPLIT_KEYS and old_style is None and joinable:
            joined = ", ".join(value)
            return [f"{head}: {scalar(joined) if value else '[]'}{newline}"]
        return [f"{head}: {_flow(value, False)}{newline}"]
    if isinstance(value, dict):
        return [f"{head}: {_flow(value, True)}{newline}"]
    return [f"{head}: {scalar(value)}{newline}"]


def yaml_line(key: str, value: Any) -> str:
    """`key: value` on one line (no line break), written as `edit` writes values: Claude Code and strict
    YAML parsers read it back as this key and this value (lists and mappings in flow style, text quoted
    where needed, None and `NULL` as null). For showing front matter values as YAML, or building it.
    Raises EditError for what front matter cannot hold (see `edit`)."""
    _refuse_unwritable(Path("<value>"), {key: value}, showing=True)
    return render_value(key, None if value is NULL else value, "flow", "", "")[0]


def _block_item(item: Any) -> str:
    """One `- item` of a block list: a text as a scalar, anything else on one line in flow style."""
    return scalar(item) if isinstance(item, str) else _flow(item, False)


def _joinable(item: str) -> bool:
    """Whether an entry survives Claude Code's comma/space split when joined into one string."""
    depth = 0
    for char in item:
        depth += char == "("
        depth -= char == ")" and depth > 0
        if depth == 0 and (char == "," or char.isspace()):
            return False
    return bool(item)


def edit(agent: Agent, changes: Mapping[str, Any] | None = None, /, **more: Any) -> Agent:
    """A copy of `agent` with front matter keys changed and/or `body=` replaced.

    None removes a key (as in a JSON merge patch); `agentkit.NULL` writes it with YAML's null
    (`key: null`, which Claude Code reads as null: for `tools`, no tool at all). Only the lines of the
    changed keys differ; every other byte stays. Keys that are not Python names go in `changes`. Values
    are text, numbers, booleans, and lists and mappings of them and of None (null inside them). Raises
    EditError when Claude Code would read the result differently from what was asked, or would read any
    other key differently (an alias of an anchor on a replaced line, a file that would parse another
    way), or the value cannot be written (it contains itself, nests deeper than agentkit reads back,
    holds another type); nothing is changed then. The result may be an agent Claude Code drops (see its
    `loaded` and `reason`): `save` refuses to write that over a file Claude Code loads.
    """
    require_agent(agent, "edit()")
    changes = {**(changes or {}), **more}
    if not agent.editable:
        raise EditError(
            f"{agent.path}: {'; '.join(agent.problems) or 'not editable'}; agentkit will not rewrite it"
        )
    _refuse_unwritable(agent.path, changes)
    new_body = changes.pop("body", None)
    # From here on None is YAML's null and _REMOVE removes the key.
    changes = {k: _REMOVE if v is None else None if v is NULL else v for k, v in changes.items()}
    if agent.parsed is not None and agent.parsed.not_mapping not in (None, "nothing"):
        raise EditError(
            f"{agent.path}: its front matter is {agent.parsed.not_mapping}, not keys; edit it by hand"
        )
    bom = "\ufeff" if agent.has_bom else ""
    content = agent.text[len(bom) :]
    newline = agent.newline
    if agent.block is None and changes:
        _refuse_second_block(agent.path, content)
    replaced = ""  # the lines the edit replaces or removes (to name an anchor defined on them)
    spans: list[tuple[str, int, int]] = []
    if agent.block is None:
        head_lines = [
            line
            for key, value in changes.items()
            if value is not _REMOVE
            for line in render_value(key, value, None, "  ", newline)
        ]
        body = content if new_body is None else new_body
        new_content = (f"---{newline}{''.join(head_lines)}---{newline}" if head_lines else "") + body
    else:
        block = content[agent.block.start : agent.block.end]
        lines = split_lines(block)
        spans = _whole_spans(key_spans(agent.block_text or "", agent.parsed), lines, agent)
        edits: list[tuple[int, int, list[str]]] = []  # (start, end, replacement)
        for key, value in changes.items():
            mine = [(s, e) for k, s, e in spans if k == key]
            if agent.parse == "failed":
                for start, end in mine:
                    _refuse_unsure_lines(agent, key, lines, start, end)
            if value is _REMOVE:
                edits.extend((s, e, []) for s, e in mine)
                continue
            if mine:
                start, end = mine[-1]  # duplicates: the last one is the one Claude Code reads
                style, indent = _list_style(lines[start:end])
                edits.append((start, end, render_value(key, value, style, indent, newline)))
            else:
                if lines and not lines[-1].endswith("\n"):
                    lines[-1] += newline  # the block ended mid-line: give the new key its own line
                edits.append((len(lines), len(lines), render_value(key, value, None, "  ", newline)))
        replaced = "".join("".join(lines[start:end]) for start, end, _ in edits)
        # From the end, so earlier positions stay put; new keys added at one place go in the order given.
        ordered = sorted(enumerate(edits), key=lambda item: (item[1][0], item[1][1], item[0]), reverse=True)
        for _, (start, end, replacement) in ordered:
            lines[start:end] = replacement
        body_part = content[agent.block.end : agent.block.body_start]
        body = content[agent.block.body_start :] if new_body is None else new_body
        new_content = content[: agent.block.start] + "".join(lines) + body_part + body
    edited = with_text(agent, bom + new_content)
    _check(agent, edited, changes, new_body)
    _check_others(agent, edited, changes, replaced, spans)
    return edited


class _Null:
    """The type of agentkit.NULL."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "agentkit.NULL"

    def __reduce__(self) -> str:
        return "NULL"  # pickled as a reference to this module's NULL: one object


NULL = _Null()  # edit(agent, key=NULL) writes `key: null`; None removes the key
_REMOVE = object()  # inside edit(): the key is removed
_LEAVE = object()  # marks, on the walk's stack, the end of a list's or mapping's items


def _refuse_unwritable(path: Path, changes: Mapping[str, Any], *, showing: bool = False) -> None:
    """Refuse, before anything is written, a value front matter cannot hold as given: a lone surrogate
    (from a bad decode, `surrogateescape`; UTF-8 cannot write it), a type YAML has no scalar for, a
    list or mapping that contains itself, one nested deeper than agentkit reads back (MAX_VALUE_DEPTH),
    or more than MAX_EXPANDED_NODES values (shared lists count each time they appear: they are written
    out in full). The walk uses its own stack: no value makes it recurse, loop or run long."""
    for key, value in changes.items():
        if not isinstance(key, str):
            raise EditError(f"{path}: the key {key!r} is not text; front matter keys are written as text")
        if not showing:
            _refuse_surrogate(path, key)
        if key == "body" and value is not None and not isinstance(value, str):
            what = "agentkit.NULL" if value is NULL else f"a {type(value).__name__}"
            raise EditError(f"{path}: the body must be text, not {what}")
        count = 0
        open_ids: set[int] = set()  # the lists and mappings being walked (a value's ancestors)
        stack: list[tuple[Any, int]] = [(value, 0)]
        while stack:
            item, depth = stack.pop()
            if item is _LEAVE:
                open_ids.discard(depth)  # here `depth` holds the id of the collection left
                continue
            if item is NULL:
                if depth == 0 and key != "body":
                    continue
                raise EditError(
                    f"{path}: agentkit.NULL stands for a whole value (`{key}: null`); inside a list or "
                    "mapping, None is null; nothing was changed"
                )
            count += 1
            if count > MAX_EXPANDED_NODES:
                raise EditError(
                    f"{path}: the value of {key!r} holds more than {MAX_EXPANDED_NODES:,} values "
                    "(a list shared many times is written out each time); nothing was changed"
                )
            if isinstance(item, str):
                if not showing:  # shown, both are fine (quote() escapes a lone surrogate)
                    _refuse_surrogate(path, item)
                    _refuse_deeper(path, key, item)
            elif isinstance(item, list | tuple | dict):
                if id(item) in open_ids:
                    raise EditError(
                        f"{path}: the value of {key!r} refers to itself (a {type(item).__name__} inside "
                        "itself); front matter cannot hold it; nothing was changed"
                    )
                if depth >= MAX_VALUE_DEPTH:
                    raise EditError(
                        f"{path}: the value of {key!r} is nested deeper than {MAX_VALUE_DEPTH} levels; "
                        f"agentkit reads front matter {MAX_NESTING} levels deep (the front matter itself "
                        "is the first), so it would not read back as written; nothing was changed"
                    )
                open_ids.add(id(item))
                stack.append((_LEAVE, id(item)))
                if isinstance(item, dict):
                    for k, v in item.items():
                        if isinstance(k, str):
                            if not showing:
                                _refuse_surrogate(path, k)
                                _refuse_deeper(path, key, k)
                        elif not (k is None or isinstance(k, bool | int | float)):
                            raise EditError(
                                f"{path}: the value of {key!r} has a {type(k).__name__} as a key; front "
                                "matter keys are text, numbers, booleans or null; nothing was changed"
                            )
                        stack.append((v, depth + 1))
                else:
                    stack.extend((v, depth + 1) for v in item)
            elif not (item is None or isinstance(item, bool | int | float)):
                raise EditError(
                    f"{path}: the value of {key!r} holds a {type(item).__name__}, which front matter "
                    "cannot hold (text, numbers, booleans, null, lists and mappings); nothing was changed"
                )


def _refuse_deeper(path: Path, key: str, value: str) -> None:
    if type(value) is DeeperText:
        raise EditError(
            f"{path}: the value of {key!r} holds {DEEPER_TEXT!r}, which stands for levels agentkit did not "
            "keep; writing it would replace them with that text; nothing was changed"
        )


def _refuse_surrogate(path: Path, value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EditError(
            f"{path}: {value[:40]!r} holds a lone surrogate (U+{ord(value[exc.start]):04X}), "
            "which UTF-8 cannot write; nothing was changed"
        ) from None


def _refuse_second_block(path: Path, content: str) -> None:
    """With no front matter found, an edit puts a new block at the top; refuse when the file already
    tries to have one, which would then sit in the body."""
    first_line = content.split("\n", 1)[0].rstrip("\r")
    if first_line.rstrip() == "---":
        raise EditError(
            f"{path}: its front matter is never closed (no second '---' line); "
            "close it by hand, or agentkit would add a second block in front of it"
        )
    if content.startswith("---"):
        raise EditError(
            f"{path}: its first line is {first_line[:40]!r}, not '---' alone; fix it by hand, "
            "or agentkit would add a second block in front of it"
        )
    if content.lstrip().startswith("---"):
        raise EditError(
            f"{path}: a blank line or spaces come before its opening '---'; remove them by hand, "
            "or agentkit would add a second block in front of it"
        )


def _refuse_unsure_lines(agent: Agent, key: str, lines: list[str], start: int, end: int) -> None:
    """In front matter that does not parse, which lines a key's value takes is a guess. Lines indented
    with spaces, list items and blank lines are taken as its continuation; any other line (a comment,
    a tab-indented line) could belong to it or not, so the edit is refused rather than risk losing it."""
    unsure = [i for i in range(start + 1, end) if lines[i].strip() and lines[i][0] not in " -"]
    if unsure:
        # Name the line that causes the doubt (a comment is only in the way because of a later line).
        index = next((i for i in unsure if not lines[i].startswith("#")), unsure[0])
        number = (agent.block_start_line or 1) + index
        raise EditError(
            f"{agent.path}: its front matter does not parse, and line {number} ({lines[index].rstrip()!r}) "
            f"could be part of {key!r} or not; edit that key by hand, or fix line {number} first"
        )


def _whole_spans(
    spans: list[tuple[str, int, int]], lines: list[str], agent: Agent
) -> list[tuple[str, int, int]]:
    """The spans, with a key whose value is an alias (`key: *t`) running to the next key (blank lines
    and column-0 comments after it excluded). YAML marks an alias's node with the place of its anchor,
    earlier in the file, so the span read from the nodes ends too early: the alias would be left behind,
    or the new line inserted above the old one."""
    block = agent.block_text or ""
    if "*" not in block or agent.parsed is None or agent.parse not in ("strict", "fallback"):
        return spans  # no alias (a file that does not parse has heuristic spans, which are whole)
    if all(end > start + 1 for _, start, end in spans):
        return spans  # an alias's span is at most its key's line
    source = fallback_rewrite(block)[0] if agent.parse == "fallback" else block
    aliased = _alias_key_lines(source)
    if not aliased:
        return spans
    whole = []
    for index, (key, start, end) in enumerate(spans):
        if start in aliased:
            end = spans[index + 1][1] if index + 1 < len(spans) else len(lines)
            end = max(end, start + 1)
            while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
                end -= 1
        whole.append((key, start, end))
    return whole


def _alias_key_lines(source: str) -> set[int]:
    """The lines of the top-level keys whose whole value is an alias."""
    for text in (source, yaml12_tabs(source)):
        if text is None:
            break
        loader = Yaml12Loader(text)
        try:
            node = loader.get_single_node()
        except YAMLError:
            continue
        finally:
            loader.dispose()
        if not isinstance(node, yaml.MappingNode):
            return set()
        return {
            key.start_mark.line for key, value in node.value if value.start_mark.index < key.start_mark.index
        }
    return set()


def _list_style(lines: list[str]) -> tuple[str | None, str]:
    """Whether an existing value is a block list (and its indent) or a flow list."""
    if len(lines) > 1:
        for line in lines[1:]:
            stripped = line.lstrip(" ")
            if stripped.startswith("-"):
                return "block", line[: len(line) - len(stripped)]
    first = lines[0].split(":", 1)[-1].strip() if lines else ""
    return ("flow" if first.startswith("[") else None), "  "


def _check(before: Agent, after: Agent, changes: Mapping[str, Any], new_body: str | None) -> None:
    """Refuse an edit that Claude Code would read differently from what was asked."""
    if before.parse in ("strict", "fallback", "none") and after.parse == "failed":
        raise EditError(f"{before.path}: the edited front matter would not parse; nothing was changed")
    if before.parse == "failed" and after.parse == "failed" and changes:
        raise EditError(
            f"{before.path}: its front matter would still not parse after the edit ({after.reason}); "
            "fix that first; nothing was changed"
        )
    for key, value in changes.items():
        if value is _REMOVE:
            if key in after.fields:
                raise EditError(f"{before.path}: {key!r} would still be read after removing it")
            continue
        got = after.fields.get(key, _REMOVE)
        want = value
        if isinstance(value, tuple | list):
            want = list(value)
            if key in SPLIT_KEYS and key in after.fields and all(isinstance(v, str) for v in value):
                got = split_tools(after.fields[key])  # entries, whether written as a list or a string
        if key == "description" and isinstance(value, str):
            got, want = after.description, expand_newlines(value)
        if not same(got, want):
            reading = "no such key" if got is _REMOVE else repr(got)
            raise EditError(
                f"{before.path}: after the edit Claude Code would read {key} as {reading}, not {want!r}; "
                "nothing was changed"
            )
    # Claude Code's closing `---\s*` swallows whitespace at the start of a body: that much is expected.
    if new_body is not None and after.body != JS_SPACE_RUN.sub("", new_body, count=1):
        raise EditError(
            f"{before.path}: the new body would not survive as written (does it start with '---'?)"
        )


_PARSE_RANK = {"failed": 0, "fallback": 1, "strict": 2}


def _check_others(
    before: Agent, after: Agent, changes: Mapping[str, Any], replaced: str, spans: list[tuple[str, int, int]]
) -> None:
    """Refuse an edit that changes a key it was not asked to change, or how the front matter parses.

    Lines can depend on each other: an alias (`*t`) reads the anchor (`&t`) another key's line defines,
    a merge key (`<<: *b`) copies keys, and Claude Code's fallback reads the whole block again if the
    strict parse fails. So the edited text (already read again as `after`) must read every other key
    exactly as before, and parse no worse (strict stays strict). A file that did not parse before has
    nothing to compare with: `_check` covers it."""
    if before.parse not in ("strict", "fallback"):
        return
    old, new = before.fields, after.fields
    for key in [*old, *(k for k in new if k not in old)]:  # in file order: the first one is named
        if key in changes or (key in old and key in new and same(old[key], new[key])):
            continue
        raise EditError(f"{before.path}: {_why_other_changes(before, after, key, replaced, spans)}")
    if _PARSE_RANK.get(after.parse, 0) < _PARSE_RANK[before.parse]:
        raise EditError(
            f"{before.path}: the edited front matter would parse only through Claude Code's line-rewrite "
            f"fallback ({after.parsed.error if after.parsed else 'strict YAML rejects it'}), where it "
            "parses as strict YAML now; nothing was changed"
        )


def _why_other_changes(
    before: Agent, after: Agent, key: str, replaced: str, spans: list[tuple[str, int, int]]
) -> str:
    old, new = before.fields, after.fields
    if key not in new:
        what = f"{key!r} would disappear (it reads {_short(old[key])} now)"
    elif key not in old:
        what = f"a key {key!r} would appear (reading {_short(new[key])})"
    else:
        what = f"{key!r} would read {_short(new[key])} instead of {_short(old[key])}"
    lines = split_lines(before.block_text or "")
    own = "".join("".join(lines[start:end]) for k, start, end in spans if k == key)
    for anchor in dict.fromkeys(_ANCHOR.findall(replaced)):
        if re.search(rf"\*{re.escape(anchor)}(?![^\s,\[\]{{}}])", own):
            why = f"{key!r} uses the anchor &{anchor} defined on the lines being replaced"
            return f"{why}: {what}; edit both keys together, or by hand; nothing was changed"
    if after.parse != before.parse:
        why = f"the front matter would parse {_PARSE_WORDS.get(after.parse, after.parse)} instead of "
        why += _PARSE_WORDS[before.parse]
        return f"{what} ({why}); nothing was changed"
    return f"{what}; the edit would change a key it was not asked to change; nothing was changed"


_PARSE_WORDS = {
    "strict": "as strict YAML",
    "fallback": "only through Claude Code's line-rewrite fallback",
    "failed": "not at all",
}


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def same(a: Any, b: Any) -> bool:
    """Whether two parsed values are the same value: lists, mappings and scalars alike, `True` is not
    `1` nor `1.0`, and NaN is NaN. Walks with its own stack (values are cut at MAX_NESTING levels)."""
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if x is y:
            continue
        kind = _kind(x)
        if kind != _kind(y):
            return False
        if kind == "list":
            if len(x) != len(y):
                return False
            stack.extend(zip(x, y, strict=True))
        elif kind == "dict":
            if x.keys() != y.keys():
                return False
            keys_of_y = {k: k for k in y}  # y's own key objects: `1` and `True` are equal dict keys
            for k, v in x.items():
                if _kind(k) != _kind(keys_of_y[k]):
                    return False
                stack.append((v, y[k]))
        elif kind == "float":
            if not (x == y or (math.isnan(x) and math.isnan(y))):
                return False
        elif x != y:
            return False
    return True


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, str):
        return "str"
    return type(value).__name__


def diff(agent: Agent, base: Agent | None = None) -> str:
    """Unified diff from `base` (default: the file as it was on disk when loaded) to `agent`."""
    require_agent(agent, "diff()")
    if base is not None:
        require_agent(base, "diff() (as the base)")
    before = base.render() if base is not None else (agent.disk_text or "")
    return unified_diff(before, agent.render(), str(agent.path))


def unified_diff(before: str, after: str, name: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), f"a/{name}", f"b/{name}"
        )
    )


def save(agent: Agent, path: str | Path | None = None, *, force: bool = False) -> Agent:
    """Write `agent` atomically to its file (or `path`) and return the saved record.

    Raises ConflictError if the file changed on disk since it was loaded, if its path now leads to
    another file than when it was loaded (a symbolic link put in its place), or if `path` names another
    file that exists; EditError if Claude Code would drop the agent where the file on disk loads (see
    `drop_problem`). `force=True` writes anyway. A write another program makes while the new text takes
    the file's place is a ConflictError too (see agentkit/_edit/atomic.py for how, and where a window
    remains). A symlink is followed (its target is written, the link stays); hard links stay shared.
    """
    require_agent(agent, "save()")
    if not agent.editable:
        raise EditError(f"{agent.path}: {'; '.join(agent.problems)}; agentkit will not rewrite it")
    target = Path(path) if path is not None else agent.path
    data = encode(agent.text, agent.path)
    same_file = path_key(target) == path_key(agent.path)
    loaded = agent.disk_text.encode("utf-8") if same_file and agent.disk_text is not None else None
    if not force and same_file:
        problem = drop_problem(agent)
        if problem:
            raise EditError(f"{target}: not written: {problem}; save with force=True to write it anyway")

    def unchanged(current: bytes | None) -> None:
        if loaded is not None:
            if current is None:
                raise ConflictError(
                    f"{target} was deleted since it was loaded; save with force=True to write it again"
                )
            if current != loaded:
                raise ConflictError(
                    f"{target} changed on disk since it was loaded; reload it and edit again, "
                    "or save with force=True to overwrite"
                )
        elif current is not None and current != data:
            raise ConflictError(f"{target} already exists; save with force=True to overwrite it")

    leads_to = None
    if loaded is not None and not force:
        leads_to = agent.disk_path or path_key(target)
    real = atomic_write(target, data, check=None if force else unchanged, leads_to=leads_to)
    return agent_from_text(
        agent.text,
        target,
        scope=agent.scope,
        plugin=agent.plugin,
        disk_text=agent.text,
        disk_path=str(real) if str(real) != path_key(target) else None,
    )


def drop_problem(agent: Agent) -> str | None:
    """Why writing `agent` to its file would lose an agent Claude Code loads, or None: the file on disk
    (as loaded) loads and the edited agent would not, or a file without front matter would get front
    matter Claude Code drops. `save` and `agentkit edit` refuse these unless forced."""
    if agent.loaded or agent.disk_text is None:
        return None
    before = agent_from_text(agent.disk_text, agent.path, scope=agent.scope, plugin=agent.plugin)
    if before.loaded:
        return f"Claude Code would drop it after this edit ({agent.reason})"
    if before.block is None and agent.block is not None:
        return f"it has no front matter, and Claude Code would drop the front matter this edit gives it ({agent.reason})"
    return None


def encode(text: str, path: Path) -> bytes:
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise EditError(
            f"{path}: the text holds a lone surrogate (U+{ord(text[exc.start]):04X}) at offset "
            f"{exc.start}, which UTF-8 cannot write"
        ) from None


def path_key(path: Path) -> str:
    return os.path.normcase(os.path.abspath(path))


def must_not_exist(current: bytes | None, target: Path) -> None:
    if current is not None:
        raise ConflictError(f"{target} already exists; pass overwrite=True (--overwrite) to replace it")
