"""JSON text of agentkit's records, safe for any front matter: deep nesting never raises."""

from __future__ import annotations

import json
import sys
from typing import Any

from agentkit._reader.yaml12 import MAX_FLOW_DEPTH


def json_text(value: Any, *, indent: int | None = 2) -> str:
    """`json.dumps` with non-JSON values as text, for front matter nested as deep as the parser allows.

    The parser accepts MAX_FLOW_DEPTH levels of nesting; the encoder recurses once per level (twice
    with indentation), so the recursion limit is raised around the call to fit.
    """
    needed = 4 * MAX_FLOW_DEPTH + 200
    previous = sys.getrecursionlimit()
    if previous < needed:
        sys.setrecursionlimit(needed)
    try:
        return json.dumps(value, indent=indent, ensure_ascii=False, default=str)
    finally:
        if previous < needed:
            sys.setrecursionlimit(previous)
