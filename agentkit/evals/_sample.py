"""One sample's result: one answer of one agent version to one case, and how it fared.

A sample's status is "pass" (every assertion held, or its weighted score reached the case's
`threshold`), "fail" (it did not), or "error" (nothing could be judged: the API failed, the stream was
cut short, the grader could not be reached, a check raised or ran past its time limit). Pass rates count
passes among passes and fails; errors are reported beside them, never counted as either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from agentkit._reader.frozen import freeze
from agentkit.evals._records import Check, Grade

OWN_MODEL = "(own)"  # the model axis value when each agent runs on its own `model`


@dataclass(frozen=True)
class SampleResult:
    """One answer of one agent version to one case, and how it fared."""

    case: str
    prompt: str
    version: str
    agent: str | None
    path: str | None
    model_axis: str  # the model as the suite names it ("sonnet"), or "(own)" for each agent's own
    model: str  # the model id that answered
    sample: int  # 0-based
    status: str  # "pass", "fail" or "error"
    score: float | None  # weighted mean of the checks' scores; None on error
    answer: str
    checks: tuple[Check, ...]
    error: str | None
    input_tokens: int | None
    output_tokens: int | None
    cost_usd: float | None  # the answer's cost
    grader_cost_usd: float | None  # what grading it cost (model-graded checks)
    latency_s: float | None  # the request's own time (not the client's set-up)
    cached: bool
    source: str  # "anthropic", "stand-in", or "endpoint"
    run_id: str | None
    description: str = ""  # the case's description
    tool_calls: tuple[dict[str, Any], ...] = ()  # Claude Code mode: the agent's tool calls, in order
    turns: int | None = None
    vars: dict[str, Any] = field(default_factory=dict)  # the case's vars
    conversation: tuple[dict[str, str], ...] = ()  # a conversation: each turn's {"user", "answer"}

    def __post_init__(self) -> None:  # a record: the mappings it holds are read-only too
        object.__setattr__(self, "tool_calls", tuple(freeze(dict(c)) for c in self.tool_calls))
        object.__setattr__(self, "vars", freeze(dict(self.vars)))
        object.__setattr__(self, "conversation", tuple(freeze(dict(t)) for t in self.conversation))

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def reason(self) -> str:
        """Why it did not pass: the failed checks in words, or the error."""
        if self.status == "error":
            return self.error or "error"
        return "; ".join(f"{c.assertion}: {c.reason}" for c in self.checks if not c.passed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case,
            "description": self.description,
            "prompt": self.prompt,
            "vars": dict(self.vars),
            "version": self.version,
            "agent": self.agent,
            "path": self.path,
            "model_axis": self.model_axis,
            "model": self.model,
            "sample": self.sample,
            "status": self.status,
            "pass": self.passed,
            "score": self.score,
            "reason": self.reason,
            "answer": self.answer,
            "checks": [c.to_dict() for c in self.checks],
            "error": self.error,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": self.cost_usd,
            "grader_cost_usd": self.grader_cost_usd,
            "latency_s": self.latency_s,
            "cached": self.cached,
            "source": self.source,
            "run_id": self.run_id,
            "tool_calls": list(self.tool_calls),
            "turns": self.turns,
            "conversation": [dict(t) for t in self.conversation],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SampleResult:
        """A stored row back as a SampleResult (the run history)."""
        checks = []
        for c in data.get("checks", []):
            grade = Grade(**c["grade"]) if c.get("grade") else None
            checks.append(
                Check(
                    c["type"], c["assertion"], c["pass"], c["score"], c["reason"], c.get("weight", 1.0), grade,
                    c.get("error"), c.get("metric"),
                )
            )  # fmt: skip
        fields: dict[str, Any] = {
            k: data.get(k) for k in cls.__dataclass_fields__ if k in data and k != "checks"
        }
        fields["tool_calls"] = tuple(fields.get("tool_calls") or ())
        fields["vars"] = dict(fields.get("vars") or {})
        fields["description"] = fields.get("description") or ""
        fields["conversation"] = tuple(fields.get("conversation") or ())
        return cls(**fields, checks=tuple(checks))


FRAME_COLUMNS = [
    "case",
    "description",
    "version",
    "model",
    "sample",
    "status",
    "pass",
    "score",
    "reason",
    "answer",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "grader_cost_usd",
    "latency_s",
    "cached",
    "source",
    "model_axis",
    "agent",
    "path",
    "prompt",
    "vars",
    "error",
    "run_id",
    "tool_calls",
    "turns",
]
