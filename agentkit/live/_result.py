"""The record of one run, and how it is summed up in one line (the Playground and `agentkit try` share it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any

from agentkit._reader.frozen import freeze
from agentkit.live._source import UNKNOWN, is_real, label

if TYPE_CHECKING:
    import pandas as pd

API = "api"
CLAUDE_CODE = "claude-code"
MODES = (API, CLAUDE_CODE)


@dataclass(frozen=True, slots=True)
class RunResult:
    """One run of one agent on one prompt. `complete` is False when the run was cut short.

    `source` says where the answer came from ("anthropic", "stand-in", "endpoint", "unknown"; see
    `label`): a stand-in answer echoes the request and is not Claude's. In Claude Code mode (`mode`
    "claude-code") `input_tokens`/`output_tokens`/`cost_usd` are the agent's own requests summed over its
    `turns`, `tool_calls` the tools it called, and `session_cost_usd` what Claude Code reported for the
    whole session (the main session's delegation turn included).
    """

    text: str
    model: str  # the API model id requested (after alias resolution)
    agent: str | None  # the agent's name
    path: str | None  # the agent's file
    prompt: str
    input_tokens: int | None
    output_tokens: int | None
    time_to_first_token_s: float | None
    latency_s: float | None
    stop_reason: str | None
    cost_usd: float | None
    cached: bool  # answered from the history without a request
    complete: bool
    error: str | None
    run_id: str
    timestamp: str  # ISO 8601, UTC, when the run started
    agent_version: str  # sha256 of the agent's full text, first 12 hex digits: tells edits apart
    max_tokens: int | None  # None: Claude Code's own limit (Claude Code mode)
    temperature: float | None
    # Added with the history schema's second version; rows recorded before it read as mode "api", source
    # "unknown".
    mode: str = API
    source: str = UNKNOWN
    endpoint: str | None = None  # the base URL when it is not the Anthropic API's
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name": ..., "input": {...}}]
    turns: int | None = None  # the agent's model turns (1 for a direct API run)
    session_cost_usd: float | None = None  # Claude Code's own cost report for the whole session

    def __post_init__(self) -> None:  # a record: its tool calls are read-only too
        object.__setattr__(self, "tool_calls", freeze(list(self.tool_calls)))

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __str__(self) -> str:
        return self.text

    @property
    def real(self) -> bool:
        """True only for an answer from Claude through the Anthropic API."""
        return is_real(self.source)

    @property
    def source_label(self) -> str:
        """Where the answer came from, in words: "Anthropic API", "stand-in API — not Claude's answer"..."""
        return label(self.source, self.endpoint)

    def summary(self, *, timing: bool = True) -> str:
        """One line: `model · 12 in / 40 out tokens · 1.2 s · $0.00031 · cached · Anthropic API`.

        With `timing=False` the latency and the cached marker are left out (stable across reruns).
        """
        parts = []
        if self.mode == CLAUDE_CODE:
            parts.append("Claude Code")
        parts.append(self.model)
        shown_in = "?" if self.input_tokens is None else self.input_tokens
        parts.append(f"{shown_in} in / {self.output_tokens or 0} out tokens")
        if self.mode == CLAUDE_CODE:
            calls = len(self.tool_calls)
            turns = self.turns or 0
            parts.append(
                f"{turns} turn{'s' if turns != 1 else ''}, {calls} tool call{'s' if calls != 1 else ''}"
            )
        if timing and self.latency_s is not None:
            parts.append(f"{self.latency_s:.1f} s")
        parts.append("cost unknown" if self.cost_usd is None else _usd(self.cost_usd))
        if self.session_cost_usd is not None:
            parts.append(f"session {_usd(self.session_cost_usd)}")
        if timing and self.cached:
            parts.append("cached")
        if not self.complete:
            parts.append(f"incomplete ({self.error})")
        parts.append(self.source_label)
        return " · ".join(parts)


def _usd(value: float) -> str:
    return f"${value:.5f}" if value >= 0.001 or value == 0 else f"${value:.6f}"


class RunResults(list[RunResult]):
    """What `live.compare` returns: one RunResult per agent, in the order the agents were given (the
    statistical comparison of two versions is `agentkit.evals.Comparison`)."""

    def to_frame(self) -> pd.DataFrame:
        return to_frame(self)


def to_frame(results: Iterable[RunResult]) -> pd.DataFrame:
    """One row per result, one column per RunResult field."""
    import pandas as pd

    columns = [f.name for f in fields(RunResult)]
    return pd.DataFrame([r.to_dict() for r in results], columns=columns)


@dataclass(frozen=True, slots=True)
class RunSpec:
    """What to run: fixed before the run starts (and hashed into the cache key)."""

    agent: Any  # AgentLike
    agent_text: str  # agent.render(): what Claude Code would read
    prompt: str
    model: str  # resolved API model id
    mode: str
    max_tokens: int | None
    temperature: float | None
    max_retries: int
    timeout: float
    api_key: str | None
    max_turns: int
    max_cost_usd: float | None
    permission_mode: str
    files: tuple[tuple[str, str], ...]  # (relative path, text) seeded into Claude Code's working folder
    history: tuple[tuple[str, str], ...] = ()  # earlier (user, assistant) turns of a conversation (api mode)


@dataclass(slots=True)
class Draft:
    """What a run has produced so far; a backend fills it while streaming, LiveStream records it."""

    parts: list[str] = field(default_factory=list)
    input_tokens: int | None = None
    output_tokens: int | None = None
    time_to_first_token_s: float | None = None
    stop_reason: str | None = None
    error: str | None = None
    finished: bool = False
    source: str = UNKNOWN
    endpoint: str | None = None
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    turns: int | None = None
    cost_usd: float | None = None  # None: priced from the tokens with the price table
    session_cost_usd: float | None = None
    request_started: float | None = None  # perf_counter() when the request was sent (latency starts)
