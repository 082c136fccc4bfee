"""Read front matter step by step as Claude Code does (README: "How Claude Code reads a file").

Every function here is pure: text in, facts out. Regular expressions are written to match JavaScript's
semantics, because Claude Code's are JavaScript regular expressions: `\\s` includes U+00A0, U+FEFF and the
other Unicode spaces, and `.` does not match `\\r`.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, NamedTuple

from agentkit._reader.claude_code import NAME_MAX_CHARS
from agentkit._reader.frozen import EMPTY, FrozenDict, freeze_fields
from agentkit._reader.yaml12 import (
    AliasBombError,
    TooDeepError,
    YAMLError,
    flat_spans,
    holds_deeper,
    load_simple_mapping,
    load_yaml12,
    load_yaml12_full,
    may_nest_deeper,
    node_spans,
    simple_spans,
)

# JavaScript's \s, spelled out (Python's \s differs: it lacks U+FEFF and adds \x1c-\x1f and \x85).
JS_SPACE_CHARS = (
    "\t\n\x0b\x0c\r \xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
JS_SPACE = "".join(f"\\u{ord(c):04x}" for c in JS_SPACE_CHARS)  # the same, as a regex character class body
JS_SPACE_RUN = re.compile(f"[{JS_SPACE}]*")
# One line of the fallback rewrite: ^([a-zA-Z_-]+):\s+(\S.*)$ with JS's \s, \S and '.'.
_FALLBACK_LINE = re.compile(f"([a-zA-Z_-]+):[{JS_SPACE}]+([^{JS_SPACE}][^\\n\\r\\u2028\\u2029]*)\\Z")
TOP_KEY = re.compile(r"([^\s#'\"\-?:][^:\n]*?|\"[^\"\n]*\"|'[^'\n]*'):(?=[ \t\r]|$)")
_FALLBACK_SPECIAL = re.compile(r"[{}\[\]*&#!|>%@`]|: ")
_LEADING_TABS = re.compile(r"^\t+")


class Block(NamedTuple):  # immutable; a tuple is built 5x faster than a frozen dataclass (one per file)
    """Where the front matter sits in the text (offsets into the text without its byte-order mark)."""

    start: int  # first character of the YAML block
    end: int  # the closing '---'
    body_start: int  # first character of the body


def find_block(text: str) -> Block | None:
    """The regex `^---\\s*\\n([\\s\\S]*?)---\\s*\\n?`, done by hand because it is the hot path.

    The opening `---` must be the very first characters; the greedy `\\s*\\n` ends at the last newline of
    the whitespace run; the lazy block ends at the first `---` anywhere, even mid-line or mid-value; the
    closing `\\s*` swallows all whitespace after it, newlines included.
    """
    if not text.startswith("---"):
        return None
    if text[3:4] == "\n" and text[4:5] not in JS_SPACE_CHARS:  # `---` and a newline: most files
        start = 4
    else:
        run_end = JS_SPACE_RUN.match(text, 3).end()  # type: ignore[union-attr]
        newline = text.rfind("\n", 3, run_end)
        if newline < 0:
            return None
        start = newline + 1
    end = text.find("---", start)
    if end < 0:
        return None
    body_start = JS_SPACE_RUN.match(text, end + 3).end()  # type: ignore[union-attr]
    return Block(start, end, body_start)


def fallback_rewrite(block: str) -> tuple[str, tuple[int, ...]]:
    """Claude Code's second try: quote values that break YAML, turn leading tabs into spaces.

    Returns the rewritten block and the indexes of the lines whose value was quoted.
    """
    out: list[str] = []
    quoted: list[int] = []
    for index, line in enumerate(block.split("\n")):
        match = _FALLBACK_LINE.match(line)
        if match:
            key, value = match.group(1), match.group(2)
            if _keeps_value(value):
                pass
            elif _FALLBACK_SPECIAL.search(value):
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                line = f'{key}: "{escaped}"'
                quoted.append(index)
        out.append(_LEADING_TABS.sub(lambda m: "  " * len(m.group()), line))
    return "\n".join(out), tuple(quoted)


def _keeps_value(value: str) -> bool:
    if (value[0] == '"' and value[-1] == '"') or (value[0] == "'" and value[-1] == "'"):
        return True
    if value[0] == "[" and value[-1] == "]":
        try:
            return isinstance(load_yaml12(value), list)
        except YAMLError:
            return False
    return False


class ParsedBlock(NamedTuple):  # immutable; a NamedTuple for the same reason as Block
    fields: dict[str, Any]  # read-only (a FrozenDict, its values frozen too)
    parse: str  # "strict", "fallback" or "failed"
    error: str | None  # the strict parser's complaint, when it had one
    fallback_error: str | None  # the second parse's complaint, when it failed too
    quoted_lines: tuple[int, ...]  # block line indexes the fallback quoted
    not_mapping: str | None  # the YAML type name when the document was not a mapping
    refused: bool = False  # agentkit would not parse it at all (alias bomb, nesting too deep)
    flat: bool = False  # read by the fast path (one `key: value` per line): lint finds keys without YAML
    cut: bool = False  # values nested deeper than MAX_NESTING levels hold DEEPER in place of those levels
    too_deep: bool = False  # the strict parse gave up: nested deeper than agentkit parses (MAX_DEEP_NESTING)


def parse_block(block: str) -> ParsedBlock:
    """Strict YAML 1.2 first; only if that raises, the line rewrite and a second parse.

    agentkit's safety limits (aliases expanding past MAX_EXPANDED_NODES values; nesting its parser cannot
    take) count as a failed strict parse, so the fallback is tried as Claude Code tries it when its own
    parser gives up; only if the rewritten text hits them too is the front matter refused."""
    simple = load_simple_mapping(block)  # most front matter: string keys, nothing to convert
    if simple is not None:
        return ParsedBlock(FrozenDict(simple), "strict", None, None, (), None, flat=True)
    try:
        value = load_yaml12_full(block)
    except YAMLError as exc:
        strict_error = _first_line(exc)
        too_deep = isinstance(exc, TooDeepError)
    else:
        return _as_fields(value, "strict", None, None, (), block)
    rewritten, quoted = fallback_rewrite(block)
    try:
        value = load_yaml12(rewritten)
    except (AliasBombError, TooDeepError) as exc:
        too_deep = too_deep or isinstance(exc, TooDeepError)
        return ParsedBlock(
            EMPTY, "failed", strict_error, str(exc), quoted, None, refused=True, too_deep=too_deep
        )
    except YAMLError as exc:
        return ParsedBlock(EMPTY, "failed", strict_error, _first_line(exc), quoted, None, too_deep=too_deep)
    return _as_fields(value, "fallback", strict_error, None, quoted, rewritten)._replace(too_deep=too_deep)


def _as_fields(
    value: Any, parse: str, error: str | None, fb_error: str | None, quoted: tuple[int, ...], text: str
) -> ParsedBlock:
    if isinstance(value, dict):
        fields = {k if isinstance(k, str) else js_string(k): v for k, v in value.items()}
        cut = may_nest_deeper(text) and holds_deeper(fields)
        return ParsedBlock(freeze_fields(fields), parse, error, fb_error, quoted, None, cut=cut)
    kind = "nothing" if value is None else type_name(value)
    return ParsedBlock(EMPTY, parse, error, fb_error, quoted, kind)


def _first_line(exc: BaseException) -> str:
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem and mark is not None:
        return f"{problem} (line {mark.line + 1} of the block, column {mark.column + 1})"
    # Only here: str() of a marked YAML error renders a source snippet, slow enough to show in load().
    text = " ".join(str(exc).split("\n")[:1]).strip()
    return text or type(exc).__name__


def js_string(value: Any) -> str:
    """How JavaScript turns a YAML key into an object property name."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "empty"
    return type(value).__name__


def js_trim(text: str) -> str:
    """JavaScript's `String.prototype.trim` (white space and line terminators; not NEL U+0085)."""
    return text.strip(JS_SPACE_CHARS)


def split_tools(value: Any) -> list[str]:
    """Claude Code's reading of a `tools`-like value (also `disallowedTools`, `skills`): its entries.

    No value (`tools:`), an empty or false value, a number, `true` or a mapping give no entries; a string
    is split; a list keeps only its strings, each split. Splitting is Claude Code's own: on commas and on
    spaces (a tab or other white space does not separate; leading white space is skipped), except
    between '(' and the next ')' (parentheses do not nest), each entry trimmed as JavaScript trims. If
    any entry is exactly `*`, the result is `['*']` (every tool). An absent key is the caller's business.
    """
    if value is None or value is False or value == "" or value == 0:
        return []
    if isinstance(value, str):
        texts = [value]
    elif isinstance(value, list):
        texts = [item for item in value if isinstance(item, str)]
    else:
        return []
    entries: list[str] = []
    for text in texts:
        if "(" in text or ")" in text:
            entries.extend(split_scanning(text))
        else:
            # Without parentheses the scan is a split on ',' and ' ' with each piece trimmed (a piece never
            # keeps leading white space): the same entries at C speed. lint reads every file's `tools`.
            entries.extend(t for piece in text.replace(",", " ").split(" ") if (t := js_trim(piece)))
    return ["*"] if "*" in entries else entries


def split_scanning(text: str) -> list[str]:
    """One text's entries, scanned character by character as Claude Code does: ',' and ' ' separate
    except between '(' and the next ')'; leading white space is skipped; each entry is trimmed."""
    entries: list[str] = []
    current = ""
    inside = False
    for char in text:
        if char == "(":
            inside = True
            current += char
        elif char == ")":
            inside = False
            current += char
        elif (char == "," or char == " ") and not inside:
            if js_trim(current):
                entries.append(js_trim(current))
            current = ""
        elif current or js_trim(char):
            current += char
    if js_trim(current):
        entries.append(js_trim(current))
    return entries


def listed_tools(tools: list[str] | None, disallowed: list[str] | None) -> str:
    """The `(Tools: ...)` text of Claude Code's agent listing, from the tools an agent is granted (None:
    every tool) and its `disallowedTools` (None: none)."""
    denied = [] if disallowed is None or disallowed == ["*"] else disallowed
    if tools and denied:
        kept = [t for t in tools if t not in set(denied)]
        return ", ".join(kept) if kept else "None"
    if tools:
        return ", ".join(tools)
    if denied:
        return f"All tools except {', '.join(denied)}"
    return "All tools"


def expand_newlines(description: str) -> str:
    """Claude Code turns every backslash + `n` in a local agent's description into a newline."""
    return description.replace("\\n", "\n")


def js_length(text: str) -> int:
    """JavaScript's `text.length`: UTF-16 code units (a character outside the BMP counts twice)."""
    if text.isascii():  # nearly every name: no need to look at each character
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def nfkc_colon(name: str) -> str | None:
    """The first character that is ':' or becomes one under NFKC normalisation (Claude Code checks
    `name.normalize("NFKC").includes(":")`), or None."""
    if ":" not in unicodedata.normalize("NFKC", name):
        return None
    return next((c for c in name if ":" in unicodedata.normalize("NFKC", c)), ":")


def name_problem(name: Any) -> str | None:
    """Why Claude Code would not accept this `name`, or None (its checks, in its order)."""
    if name is None:
        return "it has no 'name' in its front matter"
    if not isinstance(name, str):
        return f"its 'name' is {type_name(name)} ({js_string(name)!r}), not text; quote it"
    if not name:
        return "its 'name' is empty"
    if name.startswith("-"):
        return f"its name {name!r} starts with '-'"
    if js_length(name) > NAME_MAX_CHARS:
        units = js_length(name)
        extra = "" if units == len(name) else f" ({len(name)} characters; some count twice)"
        return f"its name is {units} UTF-16 code units long{extra} (at most {NAME_MAX_CHARS})"
    colon = nfkc_colon(name)
    if colon == ":":
        return f"its name {name!r} contains ':'"
    if colon is not None:
        return (
            f"its name {name!r} contains {colon!r} (U+{ord(colon):04X}), which NFKC normalisation turns into "
            "':' (reserved for plugin:name)"
        )
    return None


def description_problem(description: Any) -> str | None:
    if description is None:
        return "it has no 'description' in its front matter"
    if not isinstance(description, str):
        return (
            f"its 'description' is {type_name(description)} ({js_string(description)!r}), not text; quote it"
        )
    if not description:
        return "its 'description' is empty"
    return None


# -- where each key sits ----------------------------------------------------------------------------


def split_lines(text: str) -> list[str]:
    """Split keeping line ends, on '\\n' only (the way the block and the fallback count lines)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def key_spans(block: str, parsed: ParsedBlock | None) -> list[tuple[str, int, int]]:
    """(key, first line, end line) of every top-level key in a block, 0-based, in file order."""
    source = block
    if parsed is not None and parsed.parse == "fallback":
        source = fallback_rewrite(block)[0]  # line-for-line the same as the file
    if parsed is not None and parsed.flat:
        return flat_spans(source)
    if parsed is not None and parsed.parse in ("strict", "fallback") and parsed.not_mapping is None:
        spans = simple_spans(source)  # most front matter: one line per key, no YAML composing needed
        if spans is not None:
            return spans
        try:
            spans = node_spans(source)
        except YAMLError:
            spans = None
        if spans is not None:
            return spans
    return heuristic_spans(block)


def heuristic_spans(block: str) -> list[tuple[str, int, int]]:
    """For front matter YAML cannot read: a key starts at column 0; its value runs on through indented,
    blank and `- ` lines."""
    lines = split_lines(block)
    spans: list[tuple[str, int, int]] = []
    for index, line in enumerate(lines):
        match = TOP_KEY.match(line)
        if match:
            key = match.group(1)
            if key[0] in "\"'":
                key = key[1:-1]
            spans.append((key, index, index + 1))
        elif spans and (not line.strip() or line[0] in " \t-"):
            key, start, _ = spans[-1]
            spans[-1] = (key, start, index + 1)
    # Trailing blank lines belong to nobody.
    return [(k, s, _trim_blank(lines, s, e)) for k, s, e in spans]


def _trim_blank(lines: list[str], start: int, end: int) -> int:
    while end - 1 > start and not lines[end - 1].strip():
        end -= 1
    return end
