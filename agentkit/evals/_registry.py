"""Assertion types: one registry, for the built-in types and a user's own alike.

    from agentkit import evals

    @evals.assertion("at-most-words", value=int)
    def at_most_words(answer: evals.Answer, check: evals.Assertion):
        n = len(answer.text.split())
        return n <= check.value, f"{n} words"

A type is a function of the Answer and the Assertion (its `value`, `threshold` and own keys). It returns
what a `python` check may return (see `_checks.interpret`): True/False; a number, a score judged by the
assertion's `threshold` (passing above 0 without one); {"pass", "score", "reason"}; or any of these
with a reason, `(verdict, "why")`. Every built-in type (`contains`, `regex`, `llm-rubric`,
`tool-called`, ...) is registered by this decorator, in `_builtin`, `_trajectory` and `_grader`; a
suite file uses a user's types after naming the Python file that registers them (`plugins:`).

Declared with the type: `value`, a function that checks (and may normalise) the assertion's value,
raising ValueError with what is wrong; `options`, the same for the type's own keys; `negatable` (is there a `not-` form); `needs` ("text", "model"
for types that ask a model, "claude-code" for types judged from a Claude Code run's tool calls);
`isolate` (run the function in its own process with a time limit: user code may loop or exit);
`keys`, the assertion keys the type takes beyond the common ones; and `normalisation`, how the answer
and the value are compared, for the documentation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from agentkit._errors import SuiteError

NEEDS = ("text", "model", "claude-code")
_NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


@dataclass(frozen=True)
class AssertionType:
    """One registered type of assertion."""

    name: str
    function: Callable[..., Any]  # (answer: Answer, assertion: Assertion) -> a verdict
    value: Callable[[Any], Any] | None  # checks (and normalises) the value; None: any value
    options: Callable[[Mapping[str, Any]], Any] | None  # checks the type's own keys
    negatable: bool
    needs: str
    isolate: bool
    keys: tuple[str, ...]
    summary: str  # what passes, in one line (the function's docstring's first line)
    normalisation: str
    builtin: bool


_TYPES: dict[str, AssertionType] = {}


def assertion(
    name: str,
    *,
    value: Callable[[Any], Any] | None = None,
    options: Callable[[Mapping[str, Any]], Any] | None = None,
    negatable: bool = True,
    needs: str = "text",
    isolate: bool = True,
    keys: tuple[str, ...] = (),
    normalisation: str = "",
    _builtin: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated function as the assertion type `name` (lower-case words joined by `-`).

    Registering a name again replaces the earlier type (a plugin file read twice), except a built-in
    type's name, which is refused.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name.startswith("not-"):
        raise SuiteError(
            f"an assertion type's name is lower-case words joined by '-' (not 'not-...'), not {name!r}"
        )
    if needs not in NEEDS:
        raise SuiteError(f"{name}: needs must be one of {', '.join(NEEDS)}, not {needs!r}")
    if value is not None and not callable(value):
        raise SuiteError(f"{name}: value= is a function that checks the value (int, str, ...), not {value!r}")

    def register(function: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(function):
            raise SuiteError(f"@assertion({name!r}) decorates a function, not {type(function).__name__}")
        known = _TYPES.get(name)
        if known is not None and known.builtin and not _builtin:
            raise SuiteError(f"{name!r} is a built-in assertion type: choose another name")
        doc = (function.__doc__ or "").strip()
        _TYPES[name] = AssertionType(
            name=name,
            function=function,
            value=value,
            options=options,
            negatable=negatable,
            needs=needs,
            isolate=isolate,
            keys=tuple(keys),
            summary=" ".join(doc.split("\n\n")[0].split()) if doc else "",
            normalisation=normalisation,
            builtin=_builtin,
        )
        return function

    return register


def lookup(type_name: str) -> tuple[AssertionType, bool] | None:
    """(the type, whether it is the `not-` form) for a name as written in a suite; None if unknown."""
    if not isinstance(type_name, str):
        return None
    if type_name in _TYPES:
        return _TYPES[type_name], False
    base = type_name.removeprefix("not-")
    if base != type_name and base in _TYPES and _TYPES[base].negatable:
        return _TYPES[base], True
    return None


def types() -> list[AssertionType]:
    """Every registered type, built-in ones first, each in the order registered."""
    return sorted(_TYPES.values(), key=lambda t: not t.builtin)


def type_names() -> list[str]:
    """Every name a suite may use, `not-` forms included."""
    names = []
    for t in types():
        names.append(t.name)
        if t.negatable:
            names.append(f"not-{t.name}")
    return names
