"""`{{var}}` in prompts and assertion values: a case's vars filled in, and a clear error when one is missing.

Only `{{ name }}` (a name, or a dotted path into a mapping var: `{{ user.name }}`) is replaced; there
are no filters or loops. A value that is exactly one `{{var}}` takes the var as it is (a number stays a
number, a list a list); inside longer text the var is written as text. Templates are filled only for
cases that have vars (or a suite-level `prompt` template), so a prompt that quotes `{{ ... }}` from
code under review is left alone otherwise.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from agentkit._errors import SuiteError

_VAR = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\s*\}\}")


def names_in(text: str) -> list[str]:
    return [m.group(1) for m in _VAR.finditer(text)]


def _lookup(name: str, variables: Mapping[str, Any], where: str) -> Any:
    value: Any = variables
    for i, part in enumerate(name.split(".")):
        if not isinstance(value, Mapping) or part not in value:
            missing = ".".join(name.split(".")[: i + 1])
            known = ", ".join(sorted(variables)) or "none"
            raise SuiteError(f"{where}uses {{{{{name}}}}}, but there is no var {missing!r} (vars: {known})")
        value = value[part]
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)


def render(value: Any, variables: Mapping[str, Any], where: str = "") -> Any:
    """`value` with every `{{var}}` filled in: text, and text inside lists and mappings."""
    if isinstance(value, str):
        whole = _VAR.fullmatch(value.strip())
        if whole is not None:
            return _lookup(whole.group(1), variables, where)
        return _VAR.sub(lambda m: _as_text(_lookup(m.group(1), variables, where)), value)
    if isinstance(value, list | tuple):
        return type(value)(render(v, variables, where) for v in value)
    if isinstance(value, Mapping):
        return {k: render(v, variables, where) for k, v in value.items()}
    return value


def render_text(template: str, variables: Mapping[str, Any], where: str = "") -> str:
    """A prompt with its vars filled in: always text."""
    return _VAR.sub(lambda m: _as_text(_lookup(m.group(1), variables, where)), template)
