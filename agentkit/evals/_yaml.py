"""YAML with line numbers: suite errors point at the line that is wrong.

Suites are read by the reader agentkit uses for every YAML file (`agentkit._reader.yaml12`), with its
limits: YAML 1.2 core-schema values (`no`, `on` and `2024-01-01` stay strings), aliases that expand to
at most 100,000 values, nesting at most 100 levels deep, checked over the whole document before any of
it is walked (an alias bomb under a key nobody reads is refused too). Mappings and sequences come back
as `dict` and `list` subclasses that remember where they and their items start.
"""

from __future__ import annotations

from typing import Any

import yaml

from agentkit._errors import SuiteError
from agentkit._reader.yaml12 import AliasBombError, TooDeepError, Yaml12Constructor, compose_limited


class LocatedDict(dict[str, Any]):
    """A mapping that knows its line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class LocatedList(list[Any]):
    """A sequence that knows its line and the line of each item."""

    line: int
    item_lines: list[int]


def line_of(value: Any, default: int | None = None) -> int | None:
    return getattr(value, "line", default)


def load_located(text: str, where: str) -> Any:
    """Parse one YAML document; `where` (the file name) prefixes every error."""
    try:
        node = compose_limited(text)
    except AliasBombError as e:
        raise SuiteError(f"{where}: refused: {e} (an alias bomb?)") from None
    except TooDeepError as e:
        raise SuiteError(f"{where}: refused: {e}") from None
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = e.problem or e.context or "not valid YAML"
        raise SuiteError(f"{where}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise SuiteError(f"{where}: not valid YAML: {' '.join(str(e).split())}") from None
    if node is None:
        return None
    try:
        return _convert(node, Yaml12Constructor(), where)
    except (yaml.YAMLError, ValueError, TypeError) as e:  # a value its tag cannot build (`!!int x`)
        raise SuiteError(f"{where}: not valid YAML: {' '.join(str(e).split())}") from None


def _convert(node: yaml.Node, constructor: Yaml12Constructor, where: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = LocatedDict()
        mapping.line, mapping.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, constructor, where)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise SuiteError(f"{where}:{key_line}: keys must be text, not {key!r}")
            if key in mapping:
                raise SuiteError(f"{where}:{key_line}: {key!r} appears twice in this mapping")
            mapping[key] = _convert(value_node, constructor, where)
            mapping.key_lines[key] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = LocatedList()
        sequence.line, sequence.item_lines = line, []
        for item in node.value:
            sequence.append(_convert(item, constructor, where))
            sequence.item_lines.append(item.start_mark.line + 1)
        return sequence
    return constructor.construct_object(node, deep=True)
