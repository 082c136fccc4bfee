"""Assertions: what an answer must (or must not) do, and checking one answer against them.

An Assertion names a registered type (`_registry`: `contains`, `regex`, `llm-rubric`, `tool-called`, a
user's own, ...) and its `value`; every type that is not a limit takes a `not-` prefix. The keys every
assertion takes: `weight` (how much it counts in the sample's score), `threshold` (for types that give
a score), `metric` (a named score aggregated in the summary), `timeout` (seconds its check may take).
Each check gives pass/fail, a score in [0, 1] and a reason in words that says what was observed, so a
failed cell explains itself; a check that cannot be judged (it raised, ran past its time limit, returned
no verdict) is an error of the sample, never a fail.
"""

from __future__ import annotations

import contextvars
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from agentkit._errors import MissingKeyError, ReplayMiss, SuiteError, did_you_mean
from agentkit.evals._isolate import run_isolated
from agentkit.evals._records import Answer, Check
from agentkit.evals._registry import AssertionType, lookup, type_names, types

COMMON_KEYS = ("type", "value", "weight", "threshold", "metric", "timeout", "turn")
DEFAULT_CHECK_TIMEOUT_S = (
    10.0  # a check's own work (user code, a regular expression); per suite: check_timeout
)

_LIMIT: contextvars.ContextVar[float] = contextvars.ContextVar(
    "check_time_limit", default=DEFAULT_CHECK_TIMEOUT_S
)


def time_limit() -> float:
    """The time limit (seconds) of the check running now: for types that bound their own work."""
    return _LIMIT.get()


# Kept for the Python API: AnswerFacts(text, cost_usd, latency_s, context) is an Answer.
AnswerFacts = Answer


@dataclass(frozen=True)
class Assertion:
    """One assertion of a case. `value` is the text, pattern, list, schema, limit, callable or rubric;
    `options` holds the keys only its type takes (`model` of llm-rubric, `args` of tool-called, ...)."""

    type: str
    value: Any = None
    weight: float = 1.0  # how much this check counts in the sample's score
    threshold: float | None = None  # scored types: pass when score >= threshold
    model: str | None = None  # llm-rubric: the grader's model (default: the suite's grader model)
    line: int | None = None  # where it is written in the suite file
    metric: str | None = None  # a named metric this check's score counts towards
    timeout: float | None = None  # seconds the check may take (default: the suite's check_timeout)
    turn: int | None = None  # a conversation: the answer it checks (1, 2, ...; -1 the last, the default)
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", dict(self.options))
        object.__setattr__(self, "value", validate(self, None))

    @property
    def negated(self) -> bool:
        found = lookup(self.type)
        return bool(found and found[1])

    @property
    def base(self) -> str:
        found = lookup(self.type)
        return found[0].name if found else self.type

    @property
    def kind(self) -> AssertionType:
        found = lookup(self.type)
        if found is None:
            raise SuiteError(f"unknown assertion type {self.type!r}")
        return found[0]

    def option(self, key: str, default: Any = None) -> Any:
        return self.options.get(key, default)

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
            shown = shown if len(shown) <= 80 else shown[:79] + "…"
        return f"{self.type} {shown}"


def _where(line: int | None, where: str | None) -> str:
    if where is None:
        return "" if line is None else f"line {line}: "
    return f"{where}:{line}: " if line is not None else f"{where}: "


def _finite(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x)


def validate(a: Any, where: str | None) -> Any:
    """The assertion's value as its type reads it; SuiteError, naming the line, when the assertion
    cannot be checked as written. `a` is an Assertion, or anything with its fields."""
    at = _where(a.line, where)
    found = lookup(a.type)
    if found is None:
        names = type_names()
        bases = [t.name for t in types()]
        raise SuiteError(
            f"{at}unknown assertion type {a.type!r}{did_you_mean(str(a.type), names)}; "
            f"known: {', '.join(bases)} (and not-<type>)"
        )
    kind, _ = found
    if not _finite(a.weight) or a.weight < 0:
        raise SuiteError(f"{at}{a.type}: weight must be a number >= 0, not {a.weight!r}")
    if a.threshold is not None:
        if not (_finite(a.threshold) and 0 <= a.threshold <= 1):
            raise SuiteError(f"{at}{a.type}: threshold must be a number from 0 to 1, not {a.threshold!r}")
        if kind.builtin and "threshold" not in kind.keys:
            scored = [t.name for t in types() if "threshold" in t.keys]
            raise SuiteError(f"{at}{a.type}: threshold applies to scored types only ({', '.join(scored)})")
    if a.model is not None and "model" not in kind.keys:
        raise SuiteError(f"{at}{a.type}: model applies to llm-rubric only (the grader's model)")
    turn = getattr(a, "turn", None)
    if turn is not None and (isinstance(turn, bool) or not isinstance(turn, int) or turn == 0):
        raise SuiteError(
            f"{at}{a.type}: turn is the answer of a conversation to check (1, 2, ... or -1), not {turn!r}"
        )
    if a.metric is not None and (not isinstance(a.metric, str) or not a.metric.strip()):
        raise SuiteError(f"{at}{a.type}: metric must be a name (text), not {a.metric!r}")
    if a.timeout is not None and not (_finite(a.timeout) and a.timeout > 0):
        raise SuiteError(f"{at}{a.type}: timeout must be a positive number of seconds, not {a.timeout!r}")
    options = getattr(a, "options", None) or {}
    for key in options:
        if key not in kind.keys:
            known = [k for k in kind.keys if k not in COMMON_KEYS and k != "model"]
            also = f"; {a.type} takes {', '.join(known)}" if known else ""
            raise SuiteError(f"{at}unknown assertion key {key!r}{did_you_mean(key, known)}{also}")
    try:
        if kind.options is not None:
            kind.options(options)
        return a.value if kind.value is None else kind.value(a.value)
    except (ValueError, TypeError) as e:
        raise SuiteError(f"{at}{a.type}: {e}") from None


# -- the return-value rule --------------------------------------------------------------------------


class NoVerdict(Exception):
    """A check returned something that is not a verdict."""


def _plain(value: Any) -> Any:
    """numpy scalars (numpy.bool_, numpy.float64, ...) as the Python values they hold."""
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        return value.item()
    return value


def interpret(outcome: Any, threshold: float | None) -> tuple[bool, float, str]:
    """A check's return value as (passed, score in [0, 1], reason), by promptfoo's rule:

    - True/False (numpy's too, or the text "true"/"false"): pass or fail, score 1 or 0;
    - a number (or text that is one): a score; it passes when >= `threshold`, or > 0 without one;
    - a mapping {"pass", "score", "reason"} (or JSON text of one): `pass` decides, and with a
      `threshold` a lower score fails; without `score` the score is 1 or 0; without `pass` the score
      decides as for a number;
    - any of these with a reason: `(verdict, "why")`.
    Anything else (None included: a function that forgot to return) raises NoVerdict.
    """
    reason = ""
    if isinstance(outcome, tuple) and len(outcome) == 2 and isinstance(outcome[1], str):
        outcome, reason = outcome
    outcome = _plain(outcome)
    if isinstance(outcome, str):
        text = outcome.strip()
        if text.lower() in ("true", "false"):
            outcome = text.lower() == "true"
        elif text.startswith("{"):
            try:
                outcome = json.loads(text)
            except ValueError as e:
                raise NoVerdict(f"returned text starting with '{{' that is not JSON: {e}") from None
        else:
            try:
                outcome = float(text)
            except ValueError:
                raise NoVerdict(
                    f"returned the text {text[:40]!r}, not true, false, a number or a JSON object"
                ) from None
    if isinstance(outcome, bool):
        return outcome, float(outcome), reason or f"returned {outcome}"
    if isinstance(outcome, int | float):
        score = float(outcome)
        if not math.isfinite(score):
            raise NoVerdict(f"returned {outcome!r}, not a finite score")
        passed = score >= threshold if threshold is not None else score > 0
        shown = f"score {score:.2f}" + (
            f" {'>=' if passed else '<'} {threshold:g}" if threshold is not None else ""
        )
        return passed, min(max(score, 0.0), 1.0), reason or shown
    if isinstance(outcome, Mapping):
        return _from_mapping(outcome, threshold, reason)
    if outcome is None:
        raise NoVerdict(
            "returned None: return True/False, a score, or {'pass': ..., 'score': ..., 'reason': ...}"
        )
    raise NoVerdict(f"returned {type(outcome).__name__}, not a bool, a score or a mapping")


def _from_mapping(
    outcome: Mapping[str, Any], threshold: float | None, reason: str
) -> tuple[bool, float, str]:
    passed, score = _plain(outcome.get("pass")), _plain(outcome.get("score"))
    said = outcome.get("reason")
    reason = str(said) if said is not None else reason
    if passed is None and score is None:
        raise NoVerdict("returned a mapping with neither 'pass' nor 'score'")
    if passed is not None and not isinstance(passed, bool):
        raise NoVerdict(f"returned 'pass': {passed!r}, not true or false")
    if score is not None and (isinstance(score, bool) or not _finite(score)):
        raise NoVerdict(f"returned 'score': {score!r}, not a finite number")
    if score is None:
        score = float(bool(passed))
    if passed is None:
        passed = score >= threshold if threshold is not None else score > 0
    elif threshold is not None and score < threshold:
        passed = False
        reason = f"score {score:g} < {threshold:g}" + (f": {reason}" if reason else "")
    return passed, min(max(float(score), 0.0), 1.0), reason or ("passed" if passed else "failed")


# -- checking ---------------------------------------------------------------------------------------


def check(
    a: Assertion,
    answer: Answer,
    *,
    timeout: float = DEFAULT_CHECK_TIMEOUT_S,
    stop: Any = None,
) -> Check:
    """Check one answer against one assertion. A type declared `isolate` (user code) runs in its own
    process, ended at its time limit; a failure of the check itself is a Check with `error` set."""
    kind = a.kind
    limit = a.timeout if a.timeout is not None else timeout
    described = a.describe()

    def errored(message: str) -> Check:
        return Check(a.type, described, False, 0.0, message, a.weight, error=message, metric=a.metric)

    def verdict() -> tuple[bool, float, str, Any]:
        outcome = kind.function(answer, a)
        if isinstance(outcome, Check):
            return outcome.passed, outcome.score, outcome.reason, outcome
        return (*interpret(outcome, a.threshold), None)

    token = _LIMIT.set(limit)  # a forked child sees it too
    try:
        if kind.isolate:
            done = run_isolated(lambda: _in_child(verdict), limit, stop)
            if done.error is not None:
                return errored(done.error)
            if done.value[0] == "no verdict":
                return errored(done.value[1])
            passed, score, reason = done.value[1]
            full = None
        else:
            passed, score, reason, full = verdict()
    except (ReplayMiss, MissingKeyError):
        raise
    except NoVerdict as e:
        return errored(str(e))
    except TimeoutError:
        return errored(f"did not finish within its time limit ({limit:g} s)")
    except Exception as e:  # a built-in type's own failure: no verdict on the answer
        return errored(f"raised {type(e).__name__}: {e}")
    finally:
        _LIMIT.reset(token)
    if full is not None and full.error is not None:
        return replace(full, type=a.type, assertion=described, weight=a.weight, metric=a.metric)
    if a.negated:
        passed, score = not passed, 1.0 - score
    grade = full.grade if full is not None else None
    return Check(a.type, described, bool(passed), float(score), reason, a.weight, grade, None, a.metric)


def _in_child(verdict: Any) -> tuple[str, Any]:
    try:
        return "ok", verdict()[:3]
    except NoVerdict as e:
        return "no verdict", str(e)
