"""The records a check works with: the answer it looks at, and the outcome it gives.

`Answer` is what every assertion type sees (the built-in ones and a user's own, see `_registry`): the
text, the run's numbers, the tool calls and turns of a Claude Code run, and the context of the sample.
`Check` is the outcome of one assertion on one answer; `Grade` records how a model-graded check was
graded. Nothing here imports another module of agentkit.evals.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Grade:
    """How a model-graded check was graded: by which model, with which prompt, and what it answered."""

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
class Check:
    """The outcome of one assertion on one answer.

    `error` is set when the check could not be judged (it raised, ran past its time limit, returned
    something that is not a verdict): the sample is then an error, not a fail.
    """

    type: str
    assertion: str  # Assertion.describe()
    passed: bool
    score: float
    reason: str  # what was observed, in words
    weight: float = 1.0
    grade: Grade | None = None  # model-graded checks: the grader's model, prompt and verdict
    error: str | None = None
    metric: str | None = None  # the named metric this check's score counts towards

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "type": self.type,
            "assertion": self.assertion,
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "weight": self.weight,
        }
        if self.error is not None:
            out["error"] = self.error
        if self.metric is not None:
            out["metric"] = self.metric
        if self.grade is not None:
            out["grade"] = self.grade.to_dict()
        return out


# ask(system_prompt, message, model) -> (reply text, model id, source, cached, cost USD, run id); raises
# LiveError when the model cannot be reached
AskModel = Callable[[str, str, str], tuple[str, str, str, bool, float | None, str]]


@dataclass(frozen=True)
class GraderAccess:
    """What a model-graded check may use: the suite's grader model and prompt, and a way to ask."""

    model: str
    system_prompt: str
    ask: AskModel


@dataclass(frozen=True)
class Answer:
    """What a check may look at.

    `text` is the answer; `cost_usd` and `latency_s` the run's (None when unknown); `context` holds the
    sample's prompt, case id, description, vars, version, agent, model and sample index. In Claude Code
    mode `tool_calls` are the agent's tool calls in order (`{"name": ..., "input": {...}}`) and `turns`
    its model turns; a direct API run calls no tools and has one turn.
    """

    text: str
    cost_usd: float | None = None
    latency_s: float | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    tool_calls: tuple[Mapping[str, Any], ...] = ()
    turns: int | None = None
    mode: str = "api"
    grader: GraderAccess | None = None  # set by the runner for checks that ask a model
