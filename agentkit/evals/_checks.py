"""Assertions: what an answer must (or must not) do, and checking one answer against them.

The vocabulary follows promptfoo's, so a suite reads the same to someone who knows it:

    contains, icontains, contains-any, contains-all, equals, starts-with, regex   text checks
    json        the answer is JSON (whole, or in a ```json block), optionally matching a JSON Schema
    python      a callable `check(answer)` or `check(answer, context)` (notebooks; in YAML `file.py:func`)
    cost        the answer cost at most `value` USD
    latency     the answer took at most `value` seconds (a recorded answer keeps the latency it was
                recorded with: a rerun from the cache judges the original run, not the cache lookup)
    llm-rubric  Claude grades the answer against the rubric in `value` (see agentkit.evals._grader)

Every type but cost and latency takes a `not-` prefix (`not-contains`, `not-regex`, ...). Each check
gives pass/fail, a score in [0, 1] (1 or 0 for the yes/no checks) and a reason in words that says what
was observed, so a failed cell explains itself.
"""

from __future__ import annotations

import difflib
import inspect
import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit._errors import EvalError, SuiteError

if TYPE_CHECKING:
    from agentkit.evals._grader import Grade

TEXT_TYPES = ("contains", "icontains", "contains-any", "contains-all", "equals", "starts-with", "regex")
BASE_TYPES = (*TEXT_TYPES, "json", "python", "llm-rubric", "cost", "latency")
LIMITS = ("cost", "latency")  # limits on the run, not on the text: no `not-` form
ASSERTION_TYPES = BASE_TYPES + tuple(f"not-{t}" for t in BASE_TYPES if t not in LIMITS)
ASSERTION_KEYS = ("type", "value", "weight", "threshold", "model")


@dataclass(frozen=True)
class Assertion:
    """One assertion of a case. `value` is the text, pattern, list, schema, limit, callable or rubric."""

    type: str
    value: Any = None
    weight: float = 1.0  # how much this check counts in the sample's score
    threshold: float | None = None  # llm-rubric, python: pass when score >= threshold
    model: str | None = None  # llm-rubric: the grader's model (default: the suite's grader model)
    line: int | None = None  # where it is written in the suite file

    def __post_init__(self) -> None:
        validate(self, None)

    @property
    def negated(self) -> bool:
        return self.type.startswith("not-")

    @property
    def base(self) -> str:
        return self.type.removeprefix("not-")

    def describe(self) -> str:
        """`contains "ZeroDivisionError"`, `llm-rubric "Points out ..."`: short, for reasons and tables."""
        value = self.value
        if callable(value):
            shown = getattr(value, "__qualname__", None) or getattr(value, "__name__", "callable")
        elif isinstance(value, str):
            shown = json.dumps(value if len(value) <= 60 else value[:59] + "…", ensure_ascii=False)
        elif value is None:
            return self.type
        elif self.base == "json":
            shown = "(schema)"
        else:
            shown = json.dumps(value, ensure_ascii=False, default=str)
        return f"{self.type} {shown}"


@dataclass(frozen=True)
class Check:
    """The outcome of one assertion on one answer."""

    type: str
    assertion: str  # Assertion.describe()
    passed: bool
    score: float
    reason: str  # what was observed, in words
    weight: float = 1.0
    grade: Grade | None = None  # llm-rubric: the grader's model, prompt and verdict

    def to_dict(self) -> dict[str, Any]:
        out = {
            "type": self.type,
            "assertion": self.assertion,
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "weight": self.weight,
        }
        if self.grade is not None:
            out["grade"] = self.grade.to_dict()
        return out


def _where(line: int | None, where: str | None) -> str:
    if where is None:
        return "" if line is None else f"line {line}: "
    return f"{where}:{line}: " if line is not None else f"{where}: "


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def validate(a: Any, where: str | None) -> None:
    """Raise SuiteError, naming the line, when an assertion cannot be checked as written.

    `a` is an Assertion, or anything with its fields (the suite reader checks before it builds one).
    """
    at = _where(a.line, where)
    if not isinstance(a.type, str) or a.type not in ASSERTION_TYPES:
        raise SuiteError(
            f"{at}unknown assertion type {a.type!r}{did_you_mean(str(a.type), ASSERTION_TYPES)}; "
            f"known: {', '.join(BASE_TYPES)} (and not-<type>)"
        )
    base, value = a.type.removeprefix("not-"), a.value
    if not _finite(a.weight) or a.weight < 0:
        raise SuiteError(f"{at}{a.type}: weight must be a number >= 0, not {a.weight!r}")
    if a.threshold is not None and not (_finite(a.threshold) and 0 <= a.threshold <= 1):
        raise SuiteError(f"{at}{a.type}: threshold must be a number from 0 to 1, not {a.threshold!r}")
    if a.threshold is not None and base not in ("llm-rubric", "python"):
        raise SuiteError(f"{at}{a.type}: threshold applies to llm-rubric and python only")
    if a.model is not None and base != "llm-rubric":
        raise SuiteError(f"{at}{a.type}: model applies to llm-rubric only (the grader's model)")
    if base in ("contains-any", "contains-all"):
        if not (isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value)):
            raise SuiteError(f"{at}{a.type}: value must be a non-empty list of strings")
    elif base in TEXT_TYPES or base == "llm-rubric":
        if not isinstance(value, str) or not value:
            raise SuiteError(f"{at}{a.type}: value must be a non-empty string")
        if base == "regex":
            try:
                re.compile(value)
            except re.error as e:
                raise SuiteError(f"{at}{a.type}: {value!r} is not a valid regular expression: {e}") from None
    elif base == "json":
        if value is not None:
            _check_schema(value, at, a.type)
    elif base == "python":
        if not callable(value) and not (isinstance(value, str) and ":" in value):
            raise SuiteError(f"{at}{a.type}: value must be a callable, or 'file.py:function' in a suite file")
    elif base in LIMITS:
        if isinstance(value, bool) or not isinstance(value, int | float) or not _finite(value) or value <= 0:
            unit = "USD" if base == "cost" else "seconds"
            raise SuiteError(f"{at}{a.type}: value must be a positive number ({unit}), not {value!r}")


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def _check_schema(schema: Any, at: str, kind: str) -> None:
    if not isinstance(schema, Mapping | bool):
        raise SuiteError(f"{at}{kind}: value must be a JSON Schema (a mapping), not {type(schema).__name__}")
    import jsonschema

    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as e:
        raise SuiteError(f"{at}{kind}: not a valid JSON Schema: {e.message}") from None


# -- checking ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnswerFacts:
    """What a check may look at: the answer text and the run's numbers, plus context for python checks."""

    text: str
    cost_usd: float | None
    latency_s: float | None
    context: Mapping[str, Any]


def check(a: Assertion, facts: AnswerFacts) -> Check:
    """Check one deterministic assertion (llm-rubric goes through the grader)."""
    base = a.base
    if base == "llm-rubric":
        raise AssertionError("llm-rubric is checked by agentkit.evals._grader")
    if base in LIMITS:
        passed, score, observed = _limit(base, a.value, facts)
    elif base == "json":
        passed, score, observed = _json(a.value, facts.text)
    elif base == "python":
        passed, score, observed = _python(a, facts)
    else:
        passed, observed = _text(base, a.value, facts.text)
        score = 1.0 if passed else 0.0
    if a.negated:
        passed, score = not passed, 1.0 - score
    return Check(a.type, a.describe(), passed, score, observed, a.weight)


def _text(base: str, value: Any, text: str) -> tuple[bool, str]:
    if base == "contains":
        found = value in text
        return found, f"{'found' if found else 'no'} {json.dumps(value, ensure_ascii=False)} in the answer"
    if base == "icontains":
        found = value.casefold() in text.casefold()
        return found, f"{'found' if found else 'no'} {json.dumps(value, ensure_ascii=False)} (any case)"
    if base in ("contains-any", "contains-all"):
        present = [v for v in value if v in text]
        missing = [v for v in value if v not in text]
        passed = bool(present) if base == "contains-any" else not missing
        shown = (f"found {', '.join(map(json.dumps, present))}" if present else "found none of them") + (
            f"; missing {', '.join(map(json.dumps, missing))}"
            if base == "contains-all" and missing and present
            else ""
        )
        return passed, shown
    if base == "equals":
        same = text.strip() == value.strip()
        return (
            same,
            "the answer is exactly that" if same else f"the answer is not exactly {json.dumps(value)}",
        )
    if base == "starts-with":
        starts = text.lstrip().startswith(value)
        return starts, f"the answer {'starts' if starts else 'does not start'} with {json.dumps(value)}"
    if base == "regex":
        m = re.search(value, text)
        return (True, f"matched {json.dumps(m.group(0)[:60])}") if m else (False, "no match in the answer")
    raise AssertionError(base)


_FENCE = re.compile(r"```(?:json|JSON)?[ \t]*\n(.*?)\n[ \t]*```", re.DOTALL)


def extract_json(text: str) -> tuple[Any, str | None]:
    """The JSON in an answer: the whole text, else the first fenced block. (value, None) or (None, why)."""
    try:
        return json.loads(text.strip()), None
    except ValueError as e:
        whole_error = f"{e.msg} (line {e.lineno}, column {e.colno})" if hasattr(e, "msg") else str(e)
    for block in _FENCE.findall(text):
        try:
            return json.loads(block), None
        except ValueError:
            continue
    return None, whole_error


def _json(schema: Any, text: str) -> tuple[bool, float, str]:
    value, problem = extract_json(text)
    if problem is not None:
        return False, 0.0, f"the answer is not JSON: {problem}"
    if schema is None:
        return True, 1.0, "the answer is JSON"
    import jsonschema

    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    if error is None:
        return True, 1.0, "the answer is JSON matching the schema"
    where = error.json_path if error.path else "the top level"
    return False, 0.0, f"the JSON does not match the schema at {where}: {error.message}"


def _limit(base: str, limit: float, facts: AnswerFacts) -> tuple[bool, float, str]:
    if base == "cost":
        if facts.cost_usd is None:
            return False, 0.0, "the cost is unknown (no price for this model)"
        ok = facts.cost_usd <= limit
        return ok, float(ok), f"cost ${facts.cost_usd:.6f} {'<=' if ok else '>'} ${limit:g}"
    if facts.latency_s is None:
        return False, 0.0, "the latency is unknown"
    ok = facts.latency_s <= limit
    return ok, float(ok), f"took {facts.latency_s:.2f} s {'<=' if ok else '>'} {limit:g} s"


def _python(a: Assertion, facts: AnswerFacts) -> tuple[bool, float, str]:
    function = a.value if callable(a.value) else load_callable(a.value, None, a.line)
    try:
        takes_context = _positional_count(function) >= 2
        outcome = function(facts.text, dict(facts.context)) if takes_context else function(facts.text)
    except Exception as e:  # the user's code: its failure is this check's failure, not the run's
        return False, 0.0, f"raised {type(e).__name__}: {e}"
    return _interpret(outcome, a.threshold)


def _positional_count(function: Callable[..., Any]) -> int:
    try:
        parameters = inspect.signature(function).parameters.values()
    except (TypeError, ValueError):
        return 1
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind == inspect.Parameter.VAR_POSITIONAL for p in parameters):
        return 2
    return sum(p.kind in kinds for p in parameters)


def _interpret(outcome: Any, threshold: float | None) -> tuple[bool, float, str]:
    """bool; a score in [0, 1]; (bool or score, reason); or {"pass", "score", "reason"}."""
    reason = ""
    if isinstance(outcome, tuple) and len(outcome) == 2 and isinstance(outcome[1], str):
        outcome, reason = outcome
    if isinstance(outcome, Mapping):
        reason = str(outcome.get("reason", reason))
        score = outcome.get("score")
        passed = outcome.get("pass")
        if score is None and passed is None:
            return False, 0.0, "returned a mapping with neither 'pass' nor 'score'"
        score = float(score) if score is not None else float(bool(passed))
        if passed is None or threshold is not None:
            passed = score >= (0.5 if threshold is None else threshold)
        return bool(passed), min(max(score, 0.0), 1.0), reason or ("passed" if passed else "failed")
    if isinstance(outcome, bool) or outcome is None:
        passed = bool(outcome)
        return passed, float(passed), reason or f"returned {outcome}"
    if isinstance(outcome, int | float) and math.isfinite(outcome):
        score = min(max(float(outcome), 0.0), 1.0)
        passed = score >= (0.5 if threshold is None else threshold)
        return passed, score, reason or f"score {score:.2f}"
    return False, 0.0, f"returned {type(outcome).__name__}, not a bool, a score or a mapping"


def load_callable(spec: str, base: Any, line: int | None) -> Callable[..., Any]:
    """`path/to/checks.py:function` (relative to `base`, the suite's folder) -> the function."""
    import importlib.util
    from pathlib import Path

    file, _, name = spec.rpartition(":")
    path = Path(file) if base is None else Path(base) / file
    where = f"line {line}: " if line is not None else ""
    if not path.is_file():
        raise EvalError(f"{where}python: no such file {path}")
    module_spec = importlib.util.spec_from_file_location(f"agentkit_evals_{path.stem}", path)
    if module_spec is None or module_spec.loader is None:
        raise EvalError(f"{where}python: cannot import {path}")
    module = importlib.util.module_from_spec(module_spec)
    try:
        module_spec.loader.exec_module(module)
    except Exception as e:
        raise EvalError(f"{where}python: importing {path} raised {type(e).__name__}: {e}") from None
    function = getattr(module, name, None)
    if not callable(function):
        raise EvalError(f"{where}python: {path} has no function {name!r}")
    return function
