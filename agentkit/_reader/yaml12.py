"""Strict YAML 1.2 (core schema) on top of libyaml, as Claude Code's parser reads front matter.

PyYAML resolves scalars by YAML 1.1 rules (`yes` -> True, `2024-01-01` -> date, `017` -> 15).
Claude Code uses a YAML 1.2 parser, where those stay strings or decimal numbers. We keep libyaml's
fast scanner and parser and swap in the YAML 1.2 core-schema resolver and number constructors.
"""

from __future__ import annotations

import functools
import json
import math
import re
from typing import Any

import yaml

try:  # libyaml makes loading several times faster; fall back to pure Python where it is missing.
    from yaml._yaml import CParser as _Parser  # what yaml.cyaml imports
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
# libyaml composes nodes recursively in C: very deep flow nesting overflows the C stack (a segfault,
# not an exception), so deeper documents are refused before they reach it.
MAX_FLOW_DEPTH = 1_000
# Documents libyaml refuses as too deep are parsed by pure-Python PyYAML, up to this depth.
MAX_DEEP_NESTING = 2_000  # pure Python scans flow collections in quadratic time: ~2 s at this depth
# How deep a value is kept. Python walks nested values recursively everywhere (repr, ==, json, copy,
# pandas), a frame or more per level against a limit of 1,000, so a value 900 levels deep would load and
# then raise in whatever touches it. Levels past this one (the front matter's own mapping is level 1) are
# replaced by DEEPER_TEXT: nothing Claude Code decides (loaded or not, name, description, tools, hooks)
# looks that deep. Real front matter nests a few levels (hooks: 5).
MAX_NESTING = 100
DEEPER_TEXT = f"[deeper than {MAX_NESTING} levels: not kept by agentkit]"


class DeeperText(str):
    """DEEPER_TEXT where a value held levels deeper than MAX_NESTING: text to everything that reads it,
    and a type of its own, so that an edit refuses to write it back in place of the levels it stands for."""

    __slots__ = ()


DEEPER = DeeperText(DEEPER_TEXT)
_DEEPER_TAG = "tag:agentkit,2025:deeper"  # the tag of the cut nodes, constructed as DEEPER


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


STR_TAG = "tag:yaml.org,2002:str"
_CORE_SCALAR_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
_DEFAULT_TAGS = {yaml.SequenceNode: "tag:yaml.org,2002:seq", yaml.MappingNode: "tag:yaml.org,2002:map"}


def _retag(root: yaml.Node, resolver: BaseResolver) -> None:
    """Tags as Claude Code's parser (Bun's) reads them: on a collection a tag is ignored; on a scalar, the
    core !!int/!!float/!!bool/!!null tags leave a plain scalar read as if untagged and a quoted one text;
    any other tag (!!str, !!binary, !custom, !) makes it text, and an empty plain scalar null (but "" for
    `!` and !!str)."""
    seen: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            plain = not node.style
            implicit = resolver.resolve(yaml.ScalarNode, node.value, (True, False)) if plain else STR_TAG
            if node.tag == implicit or node.tag == STR_TAG:
                continue
            if node.tag in _CORE_SCALAR_TAGS:
                node.tag = implicit
            elif plain and node.value == "" and node.tag != "!":
                node.tag = "tag:yaml.org,2002:null"
            else:
                node.tag = STR_TAG
        elif isinstance(node, yaml.SequenceNode | yaml.MappingNode):
            node.tag = _DEFAULT_TAGS[type(node)]
            for item in node.value:
                stack.extend(item if isinstance(item, tuple) else (item,))


def js_key(value: Any) -> Any:
    """A mapping key as JavaScript makes it a property name: lists and mappings become text
    (`[a, b]` -> 'a,b', `{}` -> '[object Object]'); other keys are left for the caller."""
    if isinstance(value, list):
        return ",".join("" if v is None else str(js_key(v)) for v in value)
    if isinstance(value, dict):
        return "[object Object]"
    return value


class Yaml12Constructor(SafeConstructor):
    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """Merge keys as Bun reads them; a list or mapping as a key becomes text, as in JavaScript."""
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = js_key(self.construct_object(key_node, deep=True))
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        """`<<: {map}` or `<<: [map, ...]` (the key plain or quoted) merges the maps' keys in, the node's own
        keys winning and, in a list, earlier maps winning; non-map items are skipped; `<<` with any
        other value stays an ordinary key."""
        merge: list[tuple[yaml.Node, yaml.Node]] = []
        index = 0
        while index < len(node.value):
            key_node, value_node = node.value[index]
            is_merge = (
                isinstance(key_node, yaml.ScalarNode) and key_node.value == "<<" and key_node.tag == STR_TAG
            )
            if is_merge and isinstance(value_node, yaml.MappingNode):
                self.flatten_mapping(value_node)
                merge.extend(value_node.value)
                del node.value[index]
            elif is_merge and isinstance(value_node, yaml.SequenceNode):
                parts = []
                for sub in value_node.value:
                    if isinstance(sub, yaml.MappingNode):
                        self.flatten_mapping(sub)
                        parts.append(sub.value)
                for part in reversed(parts):
                    merge.extend(part)
                del node.value[index]
            else:
                index += 1
        if merge:
            node.value = merge + node.value

    def construct_yaml_int(self, node: yaml.Node) -> int:
        text = str(self.construct_scalar(node))  # type: ignore[arg-type]
        if text.startswith("0o"):
            return int(text[2:], 8)
        if text.startswith("0x"):
            return int(text[2:], 16)
        return int(text, 10)

    def construct_yaml_float(self, node: yaml.Node) -> float:
        text = str(self.construct_scalar(node)).lower()  # type: ignore[arg-type]
        if text.endswith(".inf"):
            return -math.inf if text.startswith("-") else math.inf
        if text.endswith(".nan"):
            return math.nan
        return float(text)


# PyYAML's stubs bind a constructor's first argument to PyYAML's own loader classes, not to a constructor
# like ours (type-var below): at run time it is any loader that the constructor is mixed into.
Yaml12Constructor.add_constructor("tag:yaml.org,2002:int", Yaml12Constructor.construct_yaml_int)  # type: ignore[type-var]
Yaml12Constructor.add_constructor("tag:yaml.org,2002:float", Yaml12Constructor.construct_yaml_float)  # type: ignore[type-var]
# YAML 1.2 has no timestamp type in the core schema: dates stay strings.
Yaml12Constructor.add_constructor("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_str)  # type: ignore[type-var]
Yaml12Constructor.add_constructor(_DEEPER_TAG, lambda _loader, _node: DEEPER)


class Yaml12Loader(_Parser, Composer, Yaml12Constructor, Yaml12Resolver):
    def __init__(self, stream: str) -> None:
        _Parser.__init__(self, stream)
        Composer.__init__(self)
        Yaml12Constructor.__init__(self)
        Yaml12Resolver.__init__(self)


class _PurePythonLoader(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, Composer, Yaml12Constructor, Yaml12Resolver
):
    """PyYAML without libyaml: slower, but with no nesting limit of its own (Claude Code's parser has none).
    Used only for documents libyaml refuses as nested too deeply."""

    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        Composer.__init__(self)
        Yaml12Constructor.__init__(self)
        Yaml12Resolver.__init__(self)


# -- what Claude Code's parser (Bun's) reads that libyaml does not ------------------------------------
# Such documents are read by _BunLoader, pure-Python PyYAML with three of Bun's rules; only they pay for it.
# 1. An anchor or alias name runs up to white space or a flow indicator (`,[]{}`): `&a.b`, `&é`, `&a:`,
#    `*x\` are names, and `*a.b` refers to `&a.b`. libyaml takes only letters, digits, '-' and '_', and
#    reads `&a:b x` as the anchor `a` before the text `:b x`, so a document that has such a name anywhere an
#    anchor or alias can start goes to _BunLoader before libyaml sees it (_ODD_NAME; a false alarm, say
#    `**bold**` inside a block scalar, only costs speed: both parsers read the rest alike).
# 2. A block mapping entry may have an empty key: a line `: v` (or `:` alone) at the mapping's indentation,
#    or right after `- ` or `? `, is an entry whose key is null (the property `null` at the top level).
#    `: : v` stays an error, as in YAML 1.2. libyaml refuses them ("did not find expected key").
# 3. An anchor may be defined again: later aliases refer to the newest value, an alias inside the new value
#    still to the old one. libyaml refuses the second definition.
# Rules 2 and 3 are tried only after libyaml has refused the text.
_NAME_END = frozenset("\0 \t\r\n,[]{}")
_ODD_NAME = re.compile(r"(?:^|[ \t\r\n,\[\]{}])[&*][0-9A-Za-z_-]*[^0-9A-Za-z_\- \t\r\n,\[\]{}]", re.M)
_EMPTY_KEY = re.compile(r"^[ \t]*(?:[-?][ \t]+)*:(?:[ \t]|$)", re.M)
_ENTRY_START = re.compile(r"[ \t]*(?:[-?][ \t]+)*")


def _odd_names(text: str) -> bool:
    """Does the text hold an anchor or alias name libyaml cannot read as Bun does (rule 1)?"""
    return ("&" in text or "*" in text) and _ODD_NAME.search(text) is not None


def _bun_may_read(text: str, refused: YAMLError) -> bool:
    """After libyaml refused the text: may Bun's rules 2 or 3 read it?"""
    context = getattr(refused, "context", None) or ""
    return "duplicate anchor" in context or _EMPTY_KEY.search(text) is not None


class _BunLoader(_PurePythonLoader):
    """_PurePythonLoader with Bun's anchor names, empty keys and anchors defined again (see above)."""

    def scan_anchor(self, TokenClass: type) -> Any:  # noqa: N803 - PyYAML's own signature
        start_mark = self.get_mark()
        kind = "alias" if self.peek() == "*" else "anchor"
        self.forward()
        length = 0
        while self.peek(length) not in _NAME_END:
            length += 1
        if not length:
            raise yaml.scanner.ScannerError(
                f"while scanning an {kind}", start_mark, "expected a name", self.get_mark()
            )
        value = self.prefix(length)
        self.forward(length)
        return TokenClass(value, start_mark, self.get_mark())

    def scan_to_next_token(self) -> None:
        """PyYAML's, with libyaml's tabs: white space between tokens may hold tabs in flow context, after a
        simple key's ':' (and here after an empty key's ':'), not as indentation."""
        if self.index == 0 and self.peek() == "\ufeff":
            self.forward()
        tabs = (
            self.flow_level
            or not self.allow_simple_key
            or self.buffer[self.pointer - 1 : self.pointer] == ":"
        )
        while True:
            while self.peek() == " " or (tabs and self.peek() == "\t"):
                self.forward()
            if self.peek() == "#":
                while self.peek() not in "\0\r\n\x85\u2028\u2029":
                    self.forward()
            if not self.scan_line_break():
                return
            if not self.flow_level:
                self.allow_simple_key = True
            tabs = bool(self.flow_level)

    def parse_block_mapping_key(self) -> Any:
        if self.check_token(yaml.tokens.ValueToken):
            mark = self.peek_token().start_mark
            line_start = self.buffer.rfind("\n", 0, mark.pointer) + 1
            if _ENTRY_START.fullmatch(self.buffer, line_start, mark.pointer):
                self.state = self.parse_block_mapping_value
                return self.process_empty_scalar(mark)
        return super().parse_block_mapping_key()

    def compose_node(self, parent: Any, index: Any) -> Any:
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is None or anchor not in self.anchors or isinstance(event, yaml.AliasEvent):
            return super().compose_node(parent, index)
        event.anchor = None  # composed without it, so an alias inside still means the old value
        node = super().compose_node(parent, index)
        if node is not None:
            self.anchors[anchor] = node
        return node


class AliasBombError(YAMLError):
    """The document expands to more nodes than agentkit is willing to walk."""


def _check_aliases(node: yaml.Node) -> None:
    """Refuse a document whose aliases expand to more than MAX_EXPANDED_NODES values, or whose alias
    refers to a value that contains it. Iterative and post-order, each node once: the document may be
    deeper than recursion allows."""
    size: dict[int, int] = {}  # id(node) -> values it expands to
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if isinstance(current, yaml.ScalarNode):
            size[key] = 1
            continue
        children = _children(current)
        if children_done:
            open_nodes.discard(key)
            size[key] = 1 + sum(size[id(child)] for child in children)
            if size[key] > MAX_EXPANDED_NODES:
                raise AliasBombError(f"its aliases expand to more than {MAX_EXPANDED_NODES:,} values")
            continue
        if key in size:
            continue
        if key in open_nodes:  # reached again from inside itself
            raise AliasBombError("an alias refers to a value that contains it")
        open_nodes.add(key)
        stack.append((current, True))
        stack.extend((child, False) for child in children if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return list(node.value)


def _cut_deep(root: yaml.Node) -> None:
    """Replace every collection deeper than MAX_NESTING levels by the text DEEPER_TEXT, in the composed
    document (before construction, so nothing deep is ever built). Walks each path, aliases included (a
    chain of aliases can nest deeper than any one anchor): _check_aliases has bounded how many there are."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth == MAX_NESTING:  # its collections would be one level too deep
            deeper = yaml.ScalarNode(_DEEPER_TAG, DEEPER_TEXT, node.start_mark, node.end_mark)

            def cut(child: yaml.Node, deeper: yaml.ScalarNode = deeper) -> yaml.Node:
                return child if isinstance(child, yaml.ScalarNode) else deeper

            if isinstance(node, yaml.MappingNode):
                node.value = [(cut(k), cut(v)) for k, v in node.value]
            else:
                node.value = [cut(item) for item in node.value]
            continue
        stack.extend((child, depth + 1) for child in _children(node))


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
    return flat_spans(text)


def flat_spans(text: str) -> list[tuple[str, int, int]]:
    """simple_spans for a document already known to be flat (load_simple_mapping read it). In such a
    document a line is `key: value` with the key at column 0 and free of ':', or blank, or a comment (no
    tabs or carriage returns get that far): the key lines are those starting with neither ' ' nor '#'."""
    return [
        (line[: line.index(":")], index, index + 1)
        for index, line in enumerate(text.split("\n"))
        if line and line[0] != " " and line[0] != "#"
    ]


def load_yaml12(text: str) -> Any:
    """Parse one YAML document with YAML 1.2 core-schema semantics. Raises YAMLError."""
    simple = load_simple_mapping(text)
    if simple is not None:
        return simple
    return load_yaml12_full(text)


# Characters libyaml refuses or misreads that Claude Code's parser (Bun's) reads as text: NEL, LINE SEPARATOR
# and PARAGRAPH SEPARATOR (line breaks in YAML 1.1, ordinary characters in YAML 1.2) and the control
# characters libyaml will not accept at all (C0 but tab, LF, CR and NUL; DEL; C1). Each is swapped for a
# private-use stand-in in plane 15 on the way in and restored in every string on the way out.
_SWAPPED = "\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufffe\uffff"
_SWAP_RE = re.compile(f"[{_SWAPPED}]")
_STAND_IN_BASE = 0xF0000
_STAND_IN_RE = re.compile("[\U000f0000-\U000fffff]")


def _swap_in(text: str) -> str:
    return _SWAP_RE.sub(lambda m: chr(_STAND_IN_BASE + ord(m.group())), text)


def _restore_text(text: str) -> str:
    return _STAND_IN_RE.sub(lambda m: chr(ord(m.group()) - _STAND_IN_BASE), text)


def _restore(value: Any) -> Any:
    if isinstance(value, str):
        return value if type(value) is DeeperText else _restore_text(value)
    if isinstance(value, list):
        return [_restore(v) for v in value]
    if isinstance(value, dict):
        return {_restore(k): _restore(v) for k, v in value.items()}
    return value


# A plain scalar may start with ',' for Bun (`description: ,then more`); libyaml refuses it. Tried only
# after libyaml has refused the text: the comma becomes a stand-in, restored afterwards.
_COMMA_START = re.compile(r"^([ \t]*(?:- +)*(?:[^\s#,'\"\[{][^\n]*?:[ \t]+|- *)?),(?=[^\s,])", re.M)


def _comma_starts(text: str) -> str | None:
    fixed = _COMMA_START.sub(lambda m: m.group(1) + chr(_STAND_IN_BASE + ord(",")), text)
    return fixed if fixed != text else None


# Tabs that YAML 1.2 allows as separation space but libyaml rejects: a line of nothing but white space
# (for YAML 1.2 a comment line: it ends a plain scalar, so it becomes `#`, not an empty line; but right
# after `key:` with no value a tab in column 0 is indentation, an error in YAML 1.2 too), and a tab
# between a sequence dash and a plain item (`-<TAB>Read`). Rewritten line for line, and only after libyaml
# has refused the text, so nothing libyaml already reads changes. Inside a block scalar (`key: |`) a
# white-space line is content and stays as it is, but for one holding a tab right after the last text line.
_DASH_TAB_ITEM = re.compile(r"^( *)-\t+(?=[^\s:#][^:#]*$)")
_BLOCK_SCALAR_HEADER = re.compile(r"( *)\S.*?[:-][ \t]+[|>][-+0-9]*[ \t]*(?:#.*)?$")


def yaml12_tabs(text: str) -> str | None:
    """The text with YAML 1.2's extra tab allowances spelled as spaces, or None if there are none."""
    if "\t" not in text:
        return None
    lines = text.split("\n")
    original = lines.copy()
    block_indent: int | None = None  # the indentation of the key that opened a block scalar
    content_indent: int | None = None  # that scalar's content indentation (its first non-blank line's)
    awaiting_node = False  # after `key:` or `-` with nothing on the line, a tab would be indentation
    for index, line in enumerate(lines):
        if (
            block_indent is not None
            and "\t" in line
            and not line.strip(" \t\r")
            and original[index - 1].strip(" \t\r")  # right after a line with text
            and _ends_scalar(lines, index, block_indent)
        ):
            # A blank line holding a tab, less indented than the scalar's content, ends the scalar for
            # Claude Code's parser (libyaml wants spaces there), but only right after its last text
            # line: after another blank line it is an error there too (probed with the binary).
            lead = len(line) - len(line.lstrip(" "))
            if content_indent is None or lead < content_indent:
                # A comment ends the scalar, so even `|+` keeps nothing after it.
                lines[index] = "#\r" if line.endswith("\r") else "#"
            continue
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
        elif block_indent is not None and content_indent is None:
            content_indent = indent
        if block_indent is None:
            header = _BLOCK_SCALAR_HEADER.match(line)
            if header:
                block_indent = len(header.group(1))
                content_indent = None
            else:
                lines[index] = _DASH_TAB_ITEM.sub(lambda m: f"{m.group(1)}- ", line, count=1)
    fixed = "\n".join(lines)
    return fixed if fixed != text else None


def _ends_scalar(lines: list[str], index: int, block_indent: int) -> bool:
    """Does the block scalar open at `block_indent` end after the blank line `index` (the next non-blank
    line is no more indented than its key, or there is none)?"""
    for rest in lines[index + 1 :]:
        if rest.strip(" \t\r"):
            return len(rest) - len(rest.lstrip(" ")) <= block_indent
    return True


def load_yaml12_full(text: str) -> Any:
    """load_yaml12 without the fast path: libyaml, or _BunLoader for anchor names only Bun reads. When the
    parser refuses the text, it is tried again with the leniencies of Claude Code's parser that libyaml lacks
    (empty keys, anchors defined again, tabs as separation, a plain scalar starting with ','), line for line
    the same document."""
    if _STAND_IN_RE.search(text):  # the stand-ins cannot be used: read the text as it is
        return _load_libyaml(text, bun=_odd_names(text))
    swapped = _swap_in(text)
    bun = _odd_names(swapped)
    try:
        value = _load_libyaml(swapped, bun=bun)
        return _restore(value) if swapped != text else value
    except (AliasBombError, TooDeepError):
        raise
    except YAMLError as refused:
        retry_bun = not bun and _bun_may_read(swapped, refused)
        bun = bun or retry_bun
        tabs = yaml12_tabs(swapped)
        attempts = (
            swapped if retry_bun else None,
            tabs,
            _comma_starts(swapped),
            _comma_starts(tabs) if tabs else None,
        )
        for fixed in attempts:
            if fixed is None:
                continue
            try:
                value = _load_libyaml(fixed, bun=bun)
                return _restore(value) if _STAND_IN_RE.search(fixed) else value
            except (AliasBombError, TooDeepError):
                raise
            except YAMLError:
                continue
        raise refused


@functools.cache
def _libyaml_limits_nesting() -> bool:
    """Does this libyaml stop deep nesting itself (0.2.5+: an error past 1,000 levels, no crash)?"""
    try:
        Yaml12Loader("[" * (MAX_FLOW_DEPTH + 1) + "]" * (MAX_FLOW_DEPTH + 1)).get_single_node()
    except YAMLError:
        return True
    return False


def _load_libyaml(text: str, bun: bool = False) -> Any:
    """libyaml's reading (pure Python past its nesting limit), or with `bun` _BunLoader's."""
    if bun:
        return _load_pure(_BunLoader, text)
    if (
        text.count("[") + text.count("{") > MAX_FLOW_DEPTH
        and _flow_depth(text) > MAX_FLOW_DEPTH
        and not _libyaml_limits_nesting()
    ):
        raise TooDeepError(f"it nests deeper than {MAX_FLOW_DEPTH:,} levels")
    try:
        return _load_with(Yaml12Loader, text)
    except YAMLError as exc:
        if "maximum nesting depth" not in str(exc):
            raise
    # libyaml stops at 1,000 levels; Claude Code's parser does not.
    return _load_pure(_PurePythonLoader, text)


def _load_pure(loader_class: type, text: str) -> Any:
    """Pure Python PyYAML has no nesting limit of its own but composes recursively: allow it the depth this
    document needs, up to MAX_DEEP_NESTING."""
    depth = _flow_depth(text) + text.count("\n")
    if depth > MAX_DEEP_NESTING:
        raise TooDeepError(f"it nests deeper than {MAX_DEEP_NESTING:,} levels")
    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 4 * depth + 1000))
    try:
        return _load_with(loader_class, text)
    finally:
        sys.setrecursionlimit(limit)


def holds_deeper(value: Any) -> bool:
    """Whether a parsed value holds DEEPER anywhere (levels below MAX_NESTING were cut). Its own stack."""
    stack = [value]
    seen: set[int] = set()
    while stack:
        item = stack.pop()
        if type(item) is DeeperText:
            return True
        if isinstance(item, list | dict) and id(item) not in seen:
            seen.add(id(item))
            stack.extend(item.values() if isinstance(item, dict) else item)
            if isinstance(item, dict):
                stack.extend(item)
    return False


def may_nest_deeper(text: str) -> bool:
    """Cheap: can this text nest deeper than MAX_NESTING? Brackets, or enough lines for block nesting."""
    return text.count("[") + text.count("{") + text.count("\n") + text.count("- ") >= MAX_NESTING - 1


def _load_with(loader_class: type, text: str) -> Any:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _retag(node, loader)
        if text[-1] not in "\n\r" and ("|" in text or ">" in text):  # cut mid-line by the closing `---`
            _end_of_input_break(node, text)
        # Anchors are rare in front matter; only then pay for the expansion check.
        if "&" in text:
            _check_aliases(node)
        if may_nest_deeper(text):
            _cut_deep(node)
        return loader.construct_document(node)
    except RecursionError as exc:
        raise YAMLError("nesting is too deep to parse") from exc
    except (ValueError, TypeError, ConstructorError) as exc:
        # e.g. an !!int tag on a non-number; YAML would reject the document.
        raise YAMLError(str(exc)) from exc
    finally:
        loader.dispose()


# A block scalar's header, from the start of its node (its anchor and tag, if any, come first).
_BLOCK_HEADER = re.compile(r"(?:[!&][^ \t\r\n]*[ \t\r\n]+)*[|>]([-+0-9]*)")
_LINE_BREAK = re.compile(r"\r\n?|\n")


def _end_of_input_break(root: yaml.Node, text: str) -> None:
    """Claude Code's parser ends a block scalar's last line at the end of a text that has no final line
    break (the closing `---` cut the line) as if a line break followed; libyaml adds none. So, unless the
    scalar is stripped (`|-`, `>-`), a last line with content gets its line break (`|` then ` Use when x`
    at the end: 'Use when x\\n'); a kept scalar (`|+`, `>+`) with no content at all also counts a last line
    of white space reaching its indentation (`|+` then ` `: '\\n'). A white-space line after content adds
    nothing (`|+`, ` a`, ` `: 'a\\n')."""
    last_start = text.rfind("\n") + 1
    last = text[last_start:]
    if not last:
        return
    last_line = len(_LINE_BREAK.findall(text))
    stack: list[tuple[yaml.Node, yaml.Node | None]] = [(root, None)]
    seen: set[int] = set()
    while stack:
        node, parent = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if not isinstance(node, yaml.ScalarNode):
            stack.extend((child, node) for child in _children(node))
            continue
        if node.style not in ("|", ">") or node.end_mark.line != last_line:
            continue
        header = _BLOCK_HEADER.match(text, node.start_mark.index)
        if header is None or header.end() > last_start:  # not a block scalar header, or on the last line
            continue
        chomping = header.group(1)
        if "-" in chomping:
            continue
        if node.end_mark.column == len(last):  # the last line is content
            node.value += "\n"
        elif "+" in chomping and not node.value.strip("\n") and not last.strip(" "):
            digits = chomping.strip("+")
            indent = -1 if parent is None else parent.start_mark.column
            if len(last) >= indent + (int(digits) if digits else 1):
                node.value += "\n"


def node_spans(text: str) -> list[tuple[str, int, int]] | None:
    """(key, first line, line after the value) of each top-level key, 0-based, in document order.

    Used by the editor to know exactly which lines a key occupies. None if not a mapping.
    """
    loader_class: type = _BunLoader if _odd_names(text) else Yaml12Loader
    try:
        node = _compose(loader_class, text)
    except YAMLError as refused:
        if loader_class is Yaml12Loader and _bun_may_read(text, refused):
            loader_class = _BunLoader
            try:
                node = _compose(loader_class, text)
            except YAMLError:
                node = None
            if node is not None:
                return _spans(text, node)
        fixed = yaml12_tabs(text)  # line for line the same document, as load_yaml12_full reads it
        if fixed is None:
            raise
        node = _compose(loader_class, fixed)
    return _spans(text, node)


def compose_limited(text: str) -> yaml.Node | None:
    """One YAML document as a node tree (marks kept, so a caller can name lines), read with the limits
    every YAML file agentkit reads is held to: nesting no deeper than MAX_FLOW_DEPTH before parsing
    and MAX_NESTING after it, aliases expanding to at most MAX_EXPANDED_NODES values, no alias inside
    its own anchor. The whole document is checked, keys nobody reads included, before anything walks
    it. Tags are read as Claude Code's parser reads them; construct scalars with Yaml12Constructor.
    Raises AliasBombError, TooDeepError or another YAMLError."""
    if (
        text.count("[") + text.count("{") > MAX_FLOW_DEPTH
        and _flow_depth(text) > MAX_FLOW_DEPTH
        and not _libyaml_limits_nesting()
    ):
        raise TooDeepError(f"it nests deeper than {MAX_FLOW_DEPTH:,} levels")
    node = _compose(Yaml12Loader, text)
    if node is None:
        return None
    _check_aliases(node)  # linear in the nodes written: each is sized once
    _retag(node, Yaml12Resolver())
    _refuse_deep(node)
    return node


def _refuse_deep(root: yaml.Node) -> None:
    """TooDeepError when a collection sits deeper than MAX_NESTING levels (aliases followed: the alias
    check has bounded how many paths there are)."""
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, yaml.ScalarNode):
            continue
        if depth > MAX_NESTING:
            raise TooDeepError(f"it nests deeper than {MAX_NESTING} levels (line {node.start_mark.line + 1})")
        stack.extend((child, depth + 1) for child in _children(node))


def _compose(loader_class: type[Yaml12Loader | _PurePythonLoader], text: str) -> yaml.Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    except RecursionError as exc:
        raise YAMLError("nesting is too deep to parse") from exc
    finally:
        loader.dispose()


def _spans(text: str, node: yaml.Node | None) -> list[tuple[str, int, int]] | None:
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
        if (
            not key
            and not key_node.style
            and key_node.tag != STR_TAG
            and isinstance(key_node, yaml.ScalarNode)
        ):
            key = "null"  # an empty key
        spans.append((key, start, end))
    return spans
