"""JSON text of agentkit's records, safe for any front matter: deep nesting and NaN never break it."""

from __future__ import annotations

import json
import math
import re
import sys
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
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1
    return depth
