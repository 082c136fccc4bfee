"""JSON text of agentkit's records, safe for any front matter: deep nesting and NaN never break it."""

from __future__ import annotations

import json
import math
import re
import sys
from json.encoder import encode_basestring, encode_basestring_ascii
from types import FrameType
from typing import Any

from agentkit._reader.yaml12 import MAX_NESTING


def json_text(value: Any, *, indent: int | None = 2, ensure_ascii: bool = False) -> str:
    """`json.dumps` for front matter values: non-JSON values become text, and `.nan` / `.inf` become
    null, as JavaScript's JSON.stringify writes them (NaN is not JSON; strict readers reject it).

    The parser accepts MAX_NESTING levels; the encoder recurses a few frames per level, and may be called
    from a deep stack (a notebook, a test runner), so the recursion limit is raised around the call.
    """
    needed = _stack_depth() + 4 * (MAX_NESTING + 10) + 200
    previous = sys.getrecursionlimit()
    if previous < needed:
        sys.setrecursionlimit(needed)
    try:
        try:
            text = json.dumps(value, indent=indent, ensure_ascii=ensure_ascii, default=str, allow_nan=False)
        except ValueError:  # a NaN or an infinity somewhere: rare, so only then walk the value
            text = json.dumps(_finite(value), indent=indent, ensure_ascii=ensure_ascii, default=str)
    finally:
        if previous < needed:
            sys.setrecursionlimit(previous)
    return escape_surrogates(text)


def pretty_json(value: Any, *, ensure_ascii: bool = False) -> str:
    """`json_text(value, indent=2)`, several times faster for the values front matter holds (text, numbers,
    booleans, null, lists and mappings with text keys, as deep as 50 levels); anything else is left to
    `json_text`. (json's own C encoder cannot indent.)"""
    string = encode_basestring_ascii if ensure_ascii else encode_basestring
    try:
        text = _pretty(value, "\n", string)
    except _Unusual:
        return json_text(value, indent=2, ensure_ascii=ensure_ascii)
    return escape_surrogates(text)


class _Unusual(Exception):
    """A value `pretty_json` leaves to json.dumps."""


def _pretty(value: Any, newline: str, string: Any) -> str:
    # `newline` is a newline and the indentation of the line `value` starts on; json.dumps(indent=2) writes
    # a non-empty list or mapping with each item on its own line, two spaces deeper, and `[]`, `{}` empty.
    kind = value.__class__
    if kind is str:
        return string(value)  # type: ignore[no-any-return]
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float:
        if value != value or value in (_INFINITY, -_INFINITY):  # NaN, infinities: json_text's business
            raise _Unusual
        return float.__repr__(value)
    if len(newline) > 101:  # deeper than 50 levels: json_text raises the recursion limit for these
        raise _Unusual
    inner = newline + "  "
    if kind is dict:
        if not value:
            return "{}"
        items: list[str] = []
        append = items.append
        for key, item in value.items():
            if key.__class__ is not str:
                raise _Unusual  # json.dumps turns some keys into text, refuses others
            # The common values without a call: text, null, booleans.
            if item.__class__ is str:
                append(string(key) + ": " + string(item))
            elif item is None:
                append(string(key) + ": null")
            elif item is True:
                append(string(key) + ": true")
            elif item is False:
                append(string(key) + ": false")
            else:
                append(string(key) + ": " + _pretty(item, inner, string))
        return "{" + inner + ("," + inner).join(items) + newline + "}"
    if kind is list:
        if not value:
            return "[]"
        texts = [string(item) for item in value if item.__class__ is str]  # most lists are of text
        if len(texts) != len(value):
            texts = [_pretty(item, inner, string) for item in value]
        return "[" + inner + ("," + inner).join(texts) + newline + "]"
    raise _Unusual


_INFINITY = float("inf")
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(text: str) -> re.Match[str] | None:
    """The first lone surrogate in `text` (a character UTF-8 cannot carry), or None."""
    return None if text.isascii() else _SURROGATE.search(text)


def escape_surrogates(text: str) -> str:
    """JSON text with every lone surrogate as a `\\uXXXX` escape, as JavaScript's JSON.stringify writes it.

    A file name that is not UTF-8 (Python holds its bytes as U+DC80-U+DCFF) or an escaped surrogate in
    front matter (`"\\udfff"`) would otherwise make the text impossible to write as UTF-8. Surrogates
    occur only inside JSON strings, where the escape is valid."""
    if lone_surrogate(text) is None:
        return text
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    return value


def _stack_depth() -> int:
    frame: FrameType | None = sys._getframe()
    depth = 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth
