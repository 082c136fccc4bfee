"""llm-rubric: Claude grades an answer against a rubric, and the grade records how it was made.

The grader is an ordinary run through `agentkit.live` (cached, recorded, replayable) with the system
prompt below; its user message holds the request, the answer and the rubric. It must reply with a JSON
verdict `{"reason", "score", "pass"}` (promptfoo's shape). With a `threshold`, the score decides and the
grader's own `pass` is ignored (graders often write score 0.75 with pass false). Every Grade carries the
grader's model, system prompt, user message and raw answer, so a surprising grade can be checked. Each
sample is graded on its own: the grading is cached with the answer it grades (its run id), so two samples
with the same text are still two gradings.

The type is registered like any other (`_registry.assertion`), as a type that asks a model.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from agentkit._errors import LiveError
from agentkit.evals._checks import Assertion, NoVerdict
from agentkit.evals._records import Answer, Check, Grade
from agentkit.evals._registry import assertion

GRADER_MARKER = "agentkit-grader/1"  # names the protocol; the stand-in API grades when it sees it
DEFAULT_GRADER_MODEL = "sonnet"
GRADER_MAX_TOKENS = 1024

GRADER_SYSTEM_PROMPT = f"""\
You grade one answer written by a Claude Code subagent, for an evaluation ({GRADER_MARKER}).

You are given the request the subagent received, its answer, and a rubric. Decide whether the answer \
satisfies the rubric. Judge only what the rubric asks: do not reward length, tone or confidence, and do \
not penalise what the rubric does not mention. When the rubric lists several requirements, the answer \
passes only if it meets all of them.

Reply with one JSON object and nothing else:
{{"reason": "<one or two sentences: what in the answer meets or misses the rubric>", \
"score": <a number from 0.0 (misses it entirely) to 1.0 (meets it fully)>, "pass": <true or false>}}"""


def grader_message(request: str, answer: str, rubric: str) -> str:
    return (
        f"<request>\n{request}\n</request>\n\n<answer>\n{answer}\n</answer>\n\n<rubric>\n{rubric}\n</rubric>"
    )


@dataclass(frozen=True)
class GraderAgent:
    """The grader as live.run sees it: a system prompt with no file behind it."""

    prompt: str
    name: str = "(grader)"
    path: None = None
    model: str | None = None

    def render(self) -> str:
        return self.prompt


def parse_verdict(text: str) -> tuple[bool | None, float, str]:
    """(pass, score, reason) from the grader's reply; ValueError when it holds no usable verdict."""
    start, end = text.find("{"), text.rfind("}")
    if start < 0 or end < start:
        raise ValueError("no JSON object in the grader's answer")
    try:
        verdict = json.loads(text[start : end + 1])
    except ValueError as e:
        raise ValueError(f"the grader's answer is not valid JSON: {e}") from None
    if not isinstance(verdict, dict):
        raise ValueError("the grader's answer is not a JSON object")
    score = verdict.get("score")
    passed = verdict.get("pass")
    if isinstance(score, str) and re.fullmatch(r"\s*[0-9.]+\s*", score):
        score = float(score)
    if isinstance(score, bool) or not isinstance(score, int | float) or not math.isfinite(score):
        if not isinstance(passed, bool):
            raise ValueError("the grader's verdict has neither a numeric score nor a true/false pass")
        score = float(passed)
    if not isinstance(passed, bool):
        passed = None
    reason = verdict.get("reason")
    return passed, min(max(float(score), 0.0), 1.0), reason if isinstance(reason, str) else ""


def _rubric(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("value must be a non-empty string (the rubric)")
    return value


def _model(options: Any) -> None:  # `model` is a field of Assertion; nothing else is the type's own
    return None


@assertion(
    "llm-rubric",
    value=_rubric,
    needs="model",
    isolate=False,
    keys=("threshold", "model"),
    _builtin=True,
    normalisation="a model grades against the rubric: {reason, score, pass}; with threshold the score decides",
)
def llm_rubric(answer: Answer, a: Assertion) -> Check:
    """A model (the suite's grader) judges the answer against the rubric in the value."""
    access = answer.grader
    if access is None:
        raise NoVerdict("no grader to ask: model-graded checks run inside evals.run")
    message = grader_message(str(answer.context.get("prompt", "")), answer.text, a.value)
    model = a.model or access.model
    described = a.describe()
    try:
        text, model_id, source, cached, cost, run_id = access.ask(access.system_prompt, message, model)
    except LiveError as e:
        failure = f"grading failed: {e}"
        return Check(a.type, described, False, 0.0, failure, a.weight, error=failure)
    try:
        own_pass, score, reason = parse_verdict(text)
    except ValueError as e:
        grade = Grade(
            model_id, access.system_prompt, message, text, None, None, str(e), source, cached, cost, run_id
        )
        return Check(a.type, described, False, 0.0, str(e), a.weight, grade)
    if a.threshold is not None:
        passed = score >= a.threshold
        verdict = f"score {score:.2f} {'>=' if passed else '<'} {a.threshold:g}"
    else:
        passed = own_pass if own_pass is not None else score >= 0.5
        verdict = f"{'pass' if passed else 'fail'}, score {score:.2f}"
    grade = Grade(
        model_id, access.system_prompt, message, text, score, own_pass, reason, source, cached, cost, run_id
    )
    said = f"graded by {model_id}: {verdict}" + (f": {reason}" if reason else "")
    return Check(a.type, described, passed, score, said, a.weight, grade)
