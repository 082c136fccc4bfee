"""Strict YAML 1.2 (core schema) on top of libyaml, as Claude Code's parser reads front matter.

PyYAML resolves scalars by YAML 1.1 rules (`yes` -> True, `2024-01-01` -> date, `017` -> 15).
Claude Code uses a YAML 1.2 parser, where those stay strings or decimal numbers. We keep libyaml's
fast scanner and parser and swap in the YAML 1.2 core-schema resolver and number constructors.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

try:  # libyaml makes loading several times faster; fall back to pure Python where it is missing.
    from yaml.cyaml import CParser as _Parser
except ImportError:  # pragma: no cover - exercised only on machines without libyaml
    from yaml.parser import Parser as _PyParser
    from yaml.reader import Reader as _Reader
    from yaml.scanner import Scanner as _Scanner

    class _Parser(_Reader, _Scanner, _PyParser):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            _Reader.__init__(self, stream)
            _Scanner.__init__(self)
            _PyParser.__init__(self)


from yaml.composer import Composer
from yaml.constructor import ConstructorError, SafeConstructor
from yaml.resolver import BaseResolver

YAMLError = yaml.YAMLError

# Aliases share one object when constructed, but anything that walks the value (JSON output,
# comparisons) expands them: cap the expanded size so an alias bomb cannot exhaust memory.
MAX_EXPANDED_NODES = 100_000
# How deep a value may nest (flow or block). Real front matter nests a few levels (hooks: 5). Python
# walks nested values recursively everywhere (repr, ==, json, copy, pandas), one or more frames per
# level against a limit of 1,000 frames, so a value 900 levels deep that loads would raise later in
# whatever touches it. Deeper documents are refused: a record with a reason, never an exception.
MAX_NESTING = 100
# libyaml composes nodes recursively in C and stops at 1,000 levels; brackets nested deeper than this
# are refused before libyaml sees them. (Brackets inside quotes count too: only a cheap guard.)
_BRACKET_GUARD = 1_000


class Yaml12Resolver(BaseResolver):
    """Implicit tags of the YAML 1.2 core schema; everything else is a string."""


_INT = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), list("~nN") + [""]
)
Yaml12Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Yaml12Resolver.add_implicit_resolver("tag:yaml.org,2002:int", _INT, list("-+0123456789"))
Yaml12Resolver.add_implicit_resolver("tag:yaml.org,2002:float", _FLOAT, list("-+.0123456789"))


class Yaml12Constructor(SafeConstructor):
    def construct_yaml_int(self, node: yaml.Node) -> int:  # type: ignore[override]
        text = str(self.construct_scalar(node))  # type: ignore[arg-type]
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_yaml_float(self, node: yaml.Node) -> float:  # type: ignore[override]
        text = str(self.construct_scalar(node)).lower()  # type: ignore[arg-type]
        if text.endswith(".inf"):
            return -math.inf if text.startswith("-") else math.inf
        if text.endswith(".nan"):
            return math.nan
        return float(text)


Yaml12Constructor.add_constructor("tag:yaml.org,2002:int", Yaml12Constructor.construct_yaml_int)
Yaml12Constructor.add_constructor("tag:yaml.org,2002:float", Yaml12Constructor.construct_yaml_float)
# YAML 1.2 has no timestamp type in the core schema: dates stay strings.
Yaml12Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)


class Yaml12Loader(_Parser, Composer, Yaml12Constructor, Yaml12Resolver):  # type: ignore[misc]
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        Yaml12Constructor.__init__(self)
        Yaml12Resolver.__init__(self)


class AliasBombError(YAMLError):
    """The document expands to more nodes than agentkit is willing to walk."""


def _check_shape(node: yaml.Node, count_aliases: bool) -> None:
    """Refuse a composed document whose value would nest deeper than MAX_NESTING (aliases included),
    refer to itself, or (with `count_aliases`) expand to more than MAX_EXPANDED_NODES values.

    Iterative, post-order, each node once: the document may be deep enough to break recursion.
    """
    size: dict[int, int] = {}  # id(node) -> values it expands to
    height: dict[int, int] = {}  # id(node) -> levels of nesting it adds
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if isinstance(current, yaml.ScalarNode):
            size[key], height[key] = 1, 0
            continue
        if isinstance(current, yaml.MappingNode):
            children = [child for pair in current.value for child in pair]
        else:
            children = current.value
        if children_done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if height[key] > MAX_NESTING:
                raise TooDeepError(f"it nests deeper than {MAX_NESTING} levels")
            if count_aliases and size[key] > MAX_EXPANDED_NODES:
                raise AliasBombError(f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values")
            continue
        if key in size:
            continue
        if key in open_nodes:  # reached again from inside itself
            raise AliasBombError("an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _flow_depth(text: str) -> int:
    depth = deepest = 0
    for char in text:
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}" and depth:
            depth -= 1
    return deepest


class TooDeepError(YAMLError):
    """The document nests deeper than agentkit's parser can safely go."""


# -- the fast path ---------------------------------------------------------------------------------
# Most front matter is a flat list of `key: value` lines. Those are read here without building a YAML
# event stream (several times faster); anything else, or anything in doubt, goes to libyaml.
# tests/test_yaml.py checks that this path agrees with the full parser wherever it answers.
_SIMPLE_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]{0,999}):(?: +(.*))?")
_UNSAFE_CHARS = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ufeff\ud800-\udfff\ufffe\uffff]")
_PLAIN_START_BAD = frozenset("-?:,[]{}#&*!|>'\"%@`")
_JSON_ESCAPES = re.compile(r'\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})')
_RESERVED_KEYS = frozenset("true True TRUE false False FALSE null Null NULL".split())


_TYPED_START = frozenset("0123456789+-.")
_KEYWORDS: dict[str, Any] = {
    **dict.fromkeys(("~", "null", "Null", "NULL")),
    **dict.fromkeys(("true", "True", "TRUE"), True),
    **dict.fromkeys(("false", "False", "FALSE"), False),
}


def load_simple_mapping(text: str) -> dict[str, Any] | None:
    """The mapping of a flat `key: value` document, or None when the full parser is needed.

    This is most of load()'s parsing time: one regex per line, then C-speed string tests.
    """
    if _UNSAFE_CHARS.search(text):
        return None
    result: dict[str, Any] = {}
    for line in text.split("\n"):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is None:
            if not line or line[0] == "#" or line.isspace():
                if line.lstrip(" ")[:1] not in ("", "#"):
                    return None
                continue
            return None
        key, value = match.groups()
        if key in _RESERVED_KEYS:
            return None
        if value is not None and value[-1:] == " ":
            value = value.rstrip(" ")
        if not value:
            result[key] = None
            continue
        first = value[0]
        if first in _PLAIN_START_BAD:
            if first == "'":
                if len(value) < 2 or value[-1] != "'" or "'" in value[1:-1].replace("''", ""):
                    return None
                result[key] = value[1:-1].replace("''", "'")
            elif first == '"':
                inner = value[1:-1]
                if len(value) < 2 or value[-1] != '"':
                    return None
                if "\\" in inner or '"' in inner:
                    rest = _JSON_ESCAPES.sub("", inner)
                    if '"' in rest or "\\" in rest:
                        return None
                    try:
                        result[key] = json.loads(value)
                    except ValueError:
                        return None
                else:
                    result[key] = inner
            else:
                return None
        elif ": " in value or " #" in value or value[-1] == ":":
            return None
        elif value in _KEYWORDS:
            result[key] = _KEYWORDS[value]
        elif first in _TYPED_START and (_INT.match(value) or _FLOAT.match(value)):
            return None  # numbers are rare in front matter: let the full resolver type them
        else:
            result[key] = value
    return result or None


def simple_spans(text: str) -> list[tuple[str, int, int]] | None:
    """For a flat document load_simple_mapping reads, each key's line: (key, line, line + 1), 0-based;
    what node_spans returns for it, without composing the document. None for any other document."""
    if load_simple_mapping(text) is None:
        return None
    spans = []
    for index, line in enumerate(text.split("\n")):
        match = _SIMPLE_LINE.fullmatch(line)
        if match is not None:
            spans.append((match.group(1), index, index + 1))
    return spans


def load_yaml12(text: str) -> Any:
    """Parse one YAML document with YAML 1.2 core-schema semantics. Raises YAMLError."""
    simple = load_simple_mapping(text)
    if simple is not None:
        return simple
    return load_yaml12_full(text)


# libyaml follows YAML 1.1, where NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR are line breaks; in YAML 1.2
# (Claude Code's parser) they are ordinary characters. They are swapped for private-use stand-ins on the
# way in and restored in every string on the way out.
_YAML11_BREAKS = {"\x85": "\uf8fd", "\u2028": "\uf8fe", "\u2029": "\uf8ff"}
_RESTORE = {v: k for k, v in _YAML11_BREAKS.items()}
_YAML11_BREAK_RE = re.compile("[\x85\u2028\u2029]")
_STAND_IN_RE = re.compile("[\uf8fd-\uf8ff]")


def _restore(value: Any) -> Any:
    if isinstance(value, str):
        return _STAND_IN_RE.sub(lambda m: _RESTORE[m.group()], value)
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        return {_restore(k): _restore(v) for k, v in value.items()}
    return value


# Tabs that YAML 1.2 allows as separation space but libyaml rejects: a line of nothing but white space
# (for YAML 1.2 a comment line: it ends a plain scalar, so it becomes `#`, not an empty line; but right
# after `key:` with no value a tab in column 0 is indentation, an error in YAML 1.2 too), and a tab
# between a sequence dash and a plain item (`-<TAB>Read`). Rewritten line for line, and only after libyaml
# has refused the text, so nothing libyaml already reads changes. Inside a block scalar (`key: |`) a
# white-space line is content, and a tab-only one is an error in YAML 1.2 too: those stay as they are.
_DASH_TAB_ITEM = re.compile(r"^( *)-\t+(?=[^\s:#][^:#]*$)")
_BLOCK_SCALAR_HEADER = re.compile(r"( *)\S.*?[:-][ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def yaml12_tabs(text: str) -> str | None:
    """The text with YAML 1.2's extra tab allowances spelled as spaces, or None if there are none."""
    if "\t" not in text:
        return None
    lines = text.split("\n")
    block_indent: int | None = None  # the indentation of the key that opened a block scalar
    awaiting_node = False  # after `key:` or `-` with nothing on the line, a tab would be indentation
    for index, line in enumerate(lines):
        stripped = line.strip(" \t")
        if not stripped:
            at_end = all(not rest.strip(" \t") for rest in lines[index:])
            tab_indent = awaiting_node and line.startswith("\t") and not at_end
            if "\t" in line and block_indent is None and not tab_indent:
                lines[index] = "#"
            continue
        content = stripped.split(" #", 1)[0].rstrip()
        awaiting_node = content.endswith(":") or content == "-"
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None and indent <= block_indent:
            block_indent = None
        if block_indent is None:
            header = _BLOCK_SCALAR_HEADER.match(line)
            if header:
                block_indent = len(header.group(1))
            else:
                lines[index] = _DASH_TAB_ITEM.sub(lambda m: f"{m.group(1)}- ", line, count=1)
    fixed = "\n".join(lines)
    return fixed if fixed != text else None


def load_yaml12_full(text: str) -> Any:
    """load_yaml12 without the fast path: always libyaml."""
    try:
        return _load_yaml12_libyaml(text)
    except (AliasBombError, TooDeepError):
        raise
    except YAMLError:
        fixed = yaml12_tabs(text)
        if fixed is None:
            raise
        return _load_yaml12_libyaml(fixed)


def _load_yaml12_libyaml(text: str) -> Any:
    if _YAML11_BREAK_RE.search(text) and not _STAND_IN_RE.search(text):
        swapped = _YAML11_BREAK_RE.sub(lambda m: _YAML11_BREAKS[m.group()], text)
        return _restore(_load_libyaml(swapped))
    return _load_libyaml(text)


def _load_libyaml(text: str) -> Any:
    if text.count("[") + text.count("{") > _BRACKET_GUARD and _flow_depth(text) > _BRACKET_GUARD:
        raise TooDeepError(f"it nests deeper than {MAX_NESTING} levels")
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_shape(node, count_aliases="&" in text)
        return loader.construct_document(node)
    except RecursionError as exc:
        raise TooDeepError(f"it nests deeper than {MAX_NESTING} levels") from exc
    except (ValueError, TypeError, ConstructorError) as exc:
        # e.g. an !!int tag on a non-number; YAML would reject the document.
        raise YAMLError(str(exc)) from exc
    finally:
        loader.dispose()


def node_spans(text: str) -> list[tuple[str, int, int]] | None:
    """(key, first line, line after the value) of each top-level key, 0-based, in document order.

    Used by the editor to know exactly which lines a key occupies. None if not a mapping.
    """
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
    except YAMLError:
        fixed = yaml12_tabs(text)  # line for line the same document, as load_yaml12_full reads it
        if fixed is None:
            raise
        loader.dispose()
        loader = Yaml12Loader(fixed)
        node = loader.get_single_node()
    finally:
        loader.dispose()
    if not isinstance(node, yaml.MappingNode):
        return None
    lines = text.split("\n")
    spans: list[tuple[str, int, int]] = []
    entries = node.value
    for index, (key_node, value_node) in enumerate(entries):
        start = key_node.start_mark.line
        end_mark = value_node.end_mark
        # A block value's end mark sits at column 0 of the line after it.
        end = end_mark.line if end_mark.column == 0 and end_mark.line > start else end_mark.line + 1
        if index + 1 < len(entries):
            end = min(end, entries[index + 1][0].start_mark.line)
        # Blank lines and column-0 comments after a value belong to nobody.
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1
        key = key_node.value if isinstance(key_node.value, str) else str(key_node.value)
        spans.append((key, start, end))
    return spans
