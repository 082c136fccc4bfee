"""llm-rubric: Claude grades an answer against a rubric, and the grade records how it was made.

The grader is an ordinary run through `agentkit.live` (cached, recorded, replayable) with the system
prompt below; its user message holds the request, the answer and the rubric. It must reply with a JSON
verdict `{"reason", "score", "pass"}` (promptfoo's shape). With a `threshold`, the score decides and the
grader's own `pass` is ignored (graders often write score 0.75 with pass false). Every Grade carries the
grader's model, system prompt, user message and raw answer, so a surprising grade can be checked.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from agentkit.evals._checks import Assertion, Check

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
class Grade:
    """How an llm-rubric check was graded: by which model, with which prompt, and what it answered."""

    model: str  # the model id that graded
    system_prompt: str
    prompt: str  # the user message: request, answer, rubric
    answer: str  # the grader's raw reply
    score: float | None
    passed: bool | None  # the grader's own verdict (before any threshold)
    reason: str
    source: str  # "anthropic", "stand-in", or the endpoint that answered
    cached: bool
    cost_usd: float | None
    run_id: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


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


# ask(agent, prompt, model) -> (text, model id, source, cached, cost, run_id); raises LiveError
Ask = Callable[[GraderAgent, str, str], tuple[str, str, str, bool, float | None, str]]


def grade(
    assertion: Assertion,
    request: str,
    answer: str,
    *,
    model: str,
    ask: Ask,
    system_prompt: str = GRADER_SYSTEM_PROMPT,
) -> Check:
    """Grade `answer` against the assertion's rubric. A grader that replies without a verdict fails the
    check (the reason says so); an API failure raises, so the sample is an error, not a fail."""
    message = grader_message(request, answer, assertion.value)
    text, model_id, source, cached, cost, run_id = ask(GraderAgent(system_prompt), message, model)
    try:
        own_pass, score, reason = parse_verdict(text)
    except ValueError as e:
        grade_ = Grade(
            model_id, system_prompt, message, text, None, None, str(e), source, cached, cost, run_id
        )
        return Check(assertion.type, assertion.describe(), False, 0.0, str(e), assertion.weight, grade_)
    if assertion.threshold is not None:
        passed = score >= assertion.threshold
        verdict = f"score {score:.2f} {'>=' if passed else '<'} {assertion.threshold:g}"
    else:
        passed = own_pass if own_pass is not None else score >= 0.5
        verdict = f"{'pass' if passed else 'fail'}, score {score:.2f}"
    grade_ = Grade(
        model_id, system_prompt, message, text, score, own_pass, reason, source, cached, cost, run_id
    )
    if assertion.negated:
        passed, score = not passed, 1.0 - score
    return Check(
        assertion.type,
        assertion.describe(),
        passed,
        score,
        f"graded by {model_id}: {verdict}" + (f": {reason}" if reason else ""),
        assertion.weight,
        grade_,
    )
