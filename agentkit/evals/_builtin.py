"""The built-in assertion types on the answer's text and the run's numbers, registered as a user's own
types are (`_registry.assertion`). Where a name is promptfoo's, so is its meaning:

    contains, icontains       the value (text, or a number as text) appears in the answer; icontains
                              compares lower-cased (as JavaScript's toLowerCase)
    contains-any/-all,        any / all of a list of values (or a comma-separated text: "a, b, \"c,d\"")
    icontains-any/-all
    equals                    the answer is exactly the value, white space included; an object or list
                              value: the answer parsed as JSON equals it
    starts-with               the answer starts with the value, white space included
    regex                     Python's regular expressions (the `regex` module, re-compatible), searched
                              anywhere in the answer, with the check's time limit
    json                      the answer is JSON (whole, or in a ```json block), optionally matching a
                              JSON Schema (jsonschema is imported only when such a check runs)
    python                    a function `check(answer)` or `check(answer, context)` (in YAML
                              `file.py:function`), run in its own process with a time limit
    cost, latency             the answer cost at most `value` USD / took at most `value` seconds
"""

from __future__ import annotations

import inspect
import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from agentkit._errors import EvalError
from agentkit.evals._checks import Assertion, NoVerdict, time_limit
from agentkit.evals._records import Answer
from agentkit.evals._registry import assertion

# -- values -----------------------------------------------------------------------------------------


def _as_text(value: Any) -> str:
    """A text value as promptfoo reads it: text, or a number written as JavaScript writes it."""
    if isinstance(value, str):
        if not value:
            raise ValueError("value must be a non-empty string")
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return str(value)
    raise ValueError(f"value must be a non-empty string (or a number), not {_kind(value)}")


def _kind(value: Any) -> str:
    return "nothing" if value is None else type(value).__name__


def split_commas(text: str) -> list[str]:
    """promptfoo's comma-separated values: fields trimmed, empty ones skipped, a field in double
    quotes kept as written (commas included; `\\"` or `""` for a quote)."""
    out, i, n = [], 0, len(text)
    while i < n:
        while i < n and (text[i].isspace() or text[i] == ","):
            i += 1
        if i >= n:
            break
        if text[i] == '"':
            i, field = i + 1, []
            while True:
                if i >= n:
                    raise ValueError(f"an unterminated quoted field in {text!r}")
                if text[i] == "\\" and i + 1 < n and text[i + 1] in '"\\':
                    field.append(text[i + 1])
                    i += 2
                elif text[i] == '"' and i + 1 < n and text[i + 1] == '"':
                    field.append('"')
                    i += 2
                elif text[i] == '"':
                    i += 1
                    break
                else:
                    field.append(text[i])
                    i += 1
            out.append("".join(field))
            while i < n and text[i].isspace():
                i += 1
            if i < n and text[i] != ",":
                raise ValueError(f"expected a comma after a quoted field in {text!r}")
        else:
            start = i
            while i < n and text[i] != ",":
                i += 1
            out.append(text[start:i].strip())
    return out


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        value = split_commas(value)
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(
            f"value must be a non-empty list of strings (or a comma-separated text), not {_kind(value)}"
        )
    return [_as_text(v) for v in value]


def _pattern(value: Any) -> str:
    import regex

    text = _as_text(value)
    try:
        regex.compile(text)
    except regex.error as e:
        raise ValueError(f"{text!r} is not a valid regular expression: {e}") from None
    return text


def _schema(value: Any) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping | bool):
        raise ValueError(f"value must be a JSON Schema (a mapping), not {type(value).__name__}")
    import jsonschema  # only for a suite that has a schema

    try:
        # A JSON Schema may be a boolean too (`true` passes everything); the stubs say a dict.
        jsonschema.validators.validator_for(value).check_schema(value)  # type: ignore[arg-type]
    except jsonschema.SchemaError as e:
        raise ValueError(f"not a valid JSON Schema: {e.message}") from None
    return value


def _positive(unit: str) -> Callable[[Any], float]:
    def check(value: Any) -> float:
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise ValueError(f"value must be a positive number ({unit}), not {value!r}")
        return value

    return check


def _callable_or_spec(value: Any) -> Any:
    if callable(value) or (isinstance(value, str) and ":" in value):
        return value
    raise ValueError("value must be a callable, or 'file.py:function' in a suite file")


# -- text -------------------------------------------------------------------------------------------

_SHOWN = 60


def _q(text: str) -> str:
    return json.dumps(text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…", ensure_ascii=False)


@assertion(
    "contains", value=_as_text, isolate=False, _builtin=True, normalisation="as written (case matters)"
)
def contains(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The value appears in the answer."""
    found = a.value in answer.text
    return found, f"{'found' if found else 'no'} {_q(a.value)} in the answer"


@assertion("icontains", value=_as_text, isolate=False, _builtin=True, normalisation="both lower-cased")
def icontains(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The value appears in the answer, in any case."""
    found = a.value.lower() in answer.text.lower()
    return found, f"{'found' if found else 'no'} {_q(a.value)} (any case)"


def _some(answer: Answer, values: list[str], every: bool, fold: bool) -> tuple[bool, str]:
    text = answer.text.lower() if fold else answer.text
    present = [v for v in values if (v.lower() if fold else v) in text]
    missing = [v for v in values if v not in present]
    passed = not missing if every else bool(present)
    shown = f"found {', '.join(map(_q, present))}" if present else "found none of them"
    if every and missing and present:
        shown += f"; missing {', '.join(map(_q, missing))}"
    return passed, shown + (" (any case)" if fold else "")


_LIST = "a list, or a comma-separated text"


@assertion("contains-any", value=_texts, isolate=False, _builtin=True, normalisation=f"as written; {_LIST}")
def contains_any(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """At least one of the values appears in the answer."""
    return _some(answer, a.value, every=False, fold=False)


@assertion("contains-all", value=_texts, isolate=False, _builtin=True, normalisation=f"as written; {_LIST}")
def contains_all(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """Every one of the values appears in the answer."""
    return _some(answer, a.value, every=True, fold=False)


@assertion("icontains-any", value=_texts, isolate=False, _builtin=True, normalisation=f"lower-cased; {_LIST}")
def icontains_any(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """At least one of the values appears in the answer, in any case."""
    return _some(answer, a.value, every=False, fold=True)


@assertion("icontains-all", value=_texts, isolate=False, _builtin=True, normalisation=f"lower-cased; {_LIST}")
def icontains_all(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """Every one of the values appears in the answer, in any case."""
    return _some(answer, a.value, every=True, fold=True)


def _equals_value(value: Any) -> Any:
    return value if isinstance(value, Mapping | list) else _as_text(value)


def strict_equal(a: Any, b: Any) -> bool:
    """JSON values equal as JavaScript's isDeepStrictEqual sees them: true is not 1, key order free."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b  # one number type in JSON: 1 and 1.0 are the same
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


@assertion(
    "equals",
    value=_equals_value,
    isolate=False,
    _builtin=True,
    normalisation="exact, white space included; an object or list: the answer parsed as JSON, deep-equal",
)
def equals(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The answer is exactly the value (or, for an object or list, JSON equal to it)."""
    if isinstance(a.value, str):
        same = answer.text == a.value
        return same, "the answer is exactly that" if same else f"the answer is not exactly {_q(a.value)}"
    try:
        parsed = json.loads(answer.text)
    except ValueError:
        return False, "the answer is not JSON, so it cannot equal that value"
    same = strict_equal(parsed, a.value)
    return same, "the answer's JSON equals it" if same else "the answer's JSON differs from it"


@assertion(
    "starts-with", value=_as_text, isolate=False, _builtin=True, normalisation="exact, white space included"
)
def starts_with(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The answer starts with the value."""
    starts = answer.text.startswith(a.value)
    return starts, f"the answer {'starts' if starts else 'does not start'} with {_q(a.value)}"


@assertion(
    "regex",
    value=_pattern,
    isolate=False,
    _builtin=True,
    normalisation="Python's syntax (re-compatible `regex` module), searched anywhere; time-limited",
)
def regex_(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The pattern matches somewhere in the answer."""
    import regex

    m = regex.search(a.value, answer.text, timeout=time_limit())  # TimeoutError past the limit
    return (True, f"matched {_q(m.group(0))}") if m else (False, "no match in the answer")


# -- JSON -------------------------------------------------------------------------------------------

_FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\n(.*?)\n[ \t]*```", re.DOTALL)


def extract_json(text: str) -> tuple[Any, str | None]:
    """The JSON in an answer: the whole text, else the first fenced block. (value, None) or (None, why)."""
    try:
        return json.loads(text.strip()), None
    except ValueError as e:
        whole_error = (
            f"{e.msg} (line {e.lineno}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else str(e)
        )
    for block in _FENCE.findall(text):
        try:
            return json.loads(block), None
        except ValueError:
            continue
    return None, whole_error


@assertion(
    "json",
    value=_schema,
    isolate=False,
    _builtin=True,
    normalisation="the whole answer, else the first ```json block; optional JSON Schema",
)
def is_json(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The answer is JSON, matching the schema in the value if there is one."""
    value, problem = extract_json(answer.text)
    if problem is not None:
        return False, f"the answer is not JSON: {problem}"
    if a.value is None:
        return True, "the answer is JSON"
    import jsonschema

    validator = jsonschema.validators.validator_for(a.value)(a.value)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return True, "the answer is JSON matching the schema"
    where = error.json_path if error.path else "the top level"
    return False, f"the JSON does not match the schema at {where}: {error.message}"


# -- python -----------------------------------------------------------------------------------------


@assertion(
    "python",
    value=_callable_or_spec,
    keys=("threshold",),
    _builtin=True,
    normalisation="returns bool, a score (judged by threshold; > 0 passes without one) or {pass, score, reason}",
)
def python(answer: Answer, a: Assertion) -> Any:
    """A function of the answer (and the sample's context) decides."""
    function = a.value if callable(a.value) else load_callable(a.value, None, a.line)
    if _positional_count(function) >= 2:
        return function(answer.text, dict(answer.context))
    return function(answer.text)


def _positional_count(function: Callable[..., Any]) -> int:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 2
    return sum(p.kind in kinds for p in parameters)


def load_module(path: Any, line: int | None = None) -> Any:
    """Import a Python file by path (a suite's checks or plugins): EvalError with what went wrong."""
    import importlib.util
    import sys
    from pathlib import Path

    path = Path(path)
    where = f"line {line}: " if line is not None else ""
    if not path.is_file():
        raise EvalError(f"{where}no such Python file {path}")
    name = f"agentkit_evals_{abs(hash(str(path.resolve()))):x}_{path.stem}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise EvalError(f"{where}cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    sys.modules[name] = module  # so that pickling and dataclasses inside it work
    try:
        module_spec.loader.exec_module(module)
    except BaseException as e:  # SystemExit at import time too: a suite error, not the end of the run
        del sys.modules[name]
        raise EvalError(f"{where}importing {path} raised {type(e).__name__}: {e}") from None
    return module


def load_callable(spec: str, base: Any, line: int | None) -> Callable[..., Any]:
    """`path/to/checks.py:function` (relative to `base`, the suite's folder) -> the function."""
    from pathlib import Path

    file, _, name = spec.rpartition(":")
    path = Path(file) if base is None else Path(base) / file
    module = load_module(path, line)
    function = getattr(module, name, None)
    if not callable(function):
        where = f"line {line}: " if line is not None else ""
        raise EvalError(f"{where}python: {path} has no function {name!r}")
    return function


# -- limits -----------------------------------------------------------------------------------------


@assertion(
    "cost",
    value=_positive("USD"),
    negatable=False,
    isolate=False,
    _builtin=True,
    normalisation="USD, <= value",
)
def cost(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The answer cost at most the value (USD)."""
    if answer.cost_usd is None:
        raise NoVerdict("the cost is unknown (no price for this model)")
    ok = answer.cost_usd <= a.value
    return ok, f"cost ${answer.cost_usd:.6f} {'<=' if ok else '>'} ${a.value:g}"


@assertion(
    "latency",
    value=_positive("seconds"),
    negatable=False,
    isolate=False,
    _builtin=True,
    normalisation="seconds of the request, <= value; a recorded answer keeps its recorded latency",
)
def latency(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The answer took at most the value (seconds)."""
    if answer.latency_s is None:
        raise NoVerdict("the latency is unknown")
    ok = answer.latency_s <= a.value
    return ok, f"took {answer.latency_s:.2f} s {'<=' if ok else '>'} {a.value:g} s"
