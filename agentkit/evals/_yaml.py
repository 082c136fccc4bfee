"""YAML with line numbers: suite errors point at the line that is wrong.

Values are read with YAML 1.2 core-schema rules (the reader agentkit uses for front matter), so `no`,
`on` and `2024-01-01` stay strings. Mappings and sequences come back as `dict` and `list` subclasses that
remember where they and their items start.
"""

from __future__ import annotations

from typing import Any

import yaml

from agentkit._errors import SuiteError
from agentkit._reader.yaml12 import Yaml12Loader


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
    loader = Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        return None if node is None else _convert(node, loader, where)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = e.problem or e.context or "not valid YAML"
        raise SuiteError(f"{where}{line}: not valid YAML: {problem}") from None
    except yaml.YAMLError as e:
        raise SuiteError(f"{where}: not valid YAML: {' '.join(str(e).split())}") from None
    finally:
        loader.dispose()


def _convert(node: yaml.Node, loader: Yaml12Loader, where: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping = LocatedDict()
        mapping.line, mapping.key_lines = line, {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, where)
            key_line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise SuiteError(f"{where}:{key_line}: keys must be text, not {key!r}")
            if key in mapping:
                raise SuiteError(f"{where}:{key_line}: {key!r} appears twice in this mapping")
            mapping[key] = _convert(value_node, loader, where)
            mapping.key_lines[key] = key_line
        return mapping
    if isinstance(node, yaml.SequenceNode):
        sequence = LocatedList()
        sequence.line, sequence.item_lines = line, []
        for item in node.value:
            sequence.append(_convert(item, loader, where))
            sequence.item_lines.append(item.start_mark.line + 1)
        return sequence
    return loader.construct_object(node, deep=True)
