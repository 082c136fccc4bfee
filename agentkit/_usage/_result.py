"""`Usage`: how agents were really used, from Claude Code's transcripts, as tables."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from agentkit import live
from agentkit._reader.frozen import FrozenDict
from agentkit._usage._frames import NOT_AGENTS, TOKENS, Frames
from agentkit._usage._read import CANCELLED, COMPLETED, FAILED, LOSSY, MAIN, RUNNING

SUMS = [*TOKENS, "answers"]


@dataclass(frozen=True, eq=False)
class Usage:
    """Invocations, tokens and cost per session, agent and model, read from Claude Code's transcripts.

    Tokens are what the API reported for each answer, counted once per answer; costs are list prices from
    agentkit's dated table (`agentkit.live.PRICES_AS_OF`), prompt caching included; a model the table
    does not know has no cost (NaN) and is named in `unpriced_models`. Days are UTC.
    """

    config_dir: Path
    project: str | None
    since: str | None
    until: str | None
    frames: Frames = field(repr=False)
    read: dict[str, int] = field(repr=False)  # files, lines, bytes, duplicates, replays, copies

    def __post_init__(self) -> None:  # a record: its counts are read-only too
        object.__setattr__(self, "read", FrozenDict(self.read))

    # -- the tables ---------------------------------------------------------------------------------------
    @property
    def answers(self) -> pd.DataFrame:
        """One row per session, thread (the main thread or one agent run), model and day."""
        return self.frames.answers

    @property
    def invocations(self) -> pd.DataFrame:
        """One row per agent run: who, status, duration, spawn depth, tokens, cost, the user's request."""
        return self.frames.invocations

    @property
    def requests(self) -> pd.DataFrame:
        """One row per request a user typed in a main thread, with the agent(s) it was handed to."""
        return self.frames.requests

    @property
    def problems(self) -> pd.DataFrame:
        """Lines that could not be read (file, first line, kind, detail, count). Nothing is dropped silently."""
        return self.frames.problems

    @property
    def sessions(self) -> int:
        return len(self.frames.sessions)

    @property
    def never_used(self) -> tuple[str, ...]:
        """Custom agents Claude Code would load (for `project`; without one, the user's own) never invoked."""
        return self.frames.never_used

    @property
    def missing(self) -> tuple[str, ...]:
        """Custom agents that were invoked and that Claude Code would no longer find."""
        return self.frames.missing

    @property
    def available(self) -> tuple[str, ...]:
        """The custom agents Claude Code would load (for `project`; without one, the user's own)."""
        return self.frames.available

    @property
    def unpriced_models(self) -> tuple[str, ...]:
        """Models with tokens but no price in the table: their cost is missing, not zero."""
        priced = self.answers.groupby("model")["cost_usd"].apply(lambda c: bool(c.isna().any()))
        return tuple(sorted(str(m) for m, missing in priced.items() if missing))

    def per_session(self) -> pd.DataFrame:
        """One row per session: project, first and last record, requests, invocations, tokens, cost."""
        return self.frames.sessions.copy()

    def per_agent(self) -> pd.DataFrame:
        """One row per agent (custom and built-in): invocations by outcome, duration, depth, tokens, cost."""
        runs = self.invocations
        if runs.empty:
            return pd.DataFrame(columns=_AGENT_COLUMNS)
        grouped = runs.groupby(["agent", "builtin"], dropna=False, sort=False)
        table = grouped.agg(
            invocations=("run", "size"),
            completed=("status", lambda s: int((s == COMPLETED).sum())),
            failed=("status", lambda s: int((s == FAILED).sum())),
            cancelled=("status", lambda s: int((s == CANCELLED).sum())),
            running=("status", lambda s: int((s == RUNNING).sum())),
            background=("background", "sum"),
            max_spawn_depth=("spawn_depth", "max"),
            duration_ms=("duration_ms", lambda s: float(s.sum(min_count=1)) if s.notna().any() else math.nan),
            **{k: (k, "sum") for k in SUMS},
            cost_usd=("cost_usd", _sum_or_nan),
            models=("model", lambda s: ", ".join(sorted({str(m) for m in s.dropna()}))),
        ).reset_index()
        table["exists"] = [
            bool(b) or a not in self.missing for a, b in zip(table.agent, table.builtin, strict=True)
        ]
        table = table.sort_values(["invocations", "agent"], ascending=[False, True], kind="stable")
        return table[_AGENT_COLUMNS].reset_index(drop=True)

    def per_model(self) -> pd.DataFrame:
        """One row per model: answers and tokens, main thread and subagents together, and the cost."""
        if self.answers.empty:
            return pd.DataFrame(columns=["model", "priced", *SUMS, "cost_usd"])
        table = self.answers.groupby("model").agg(
            **{k: (k, "sum") for k in SUMS}, cost_usd=("cost_usd", _sum_or_nan)
        )
        table = table.reset_index()
        table.insert(1, "priced", [m not in self.unpriced_models for m in table.model])
        return table.sort_values("answers", ascending=False, kind="stable").reset_index(drop=True)

    def per_day(self) -> pd.DataFrame:
        """One row per day and model: tokens and cost (the shape ccusage's daily report has)."""
        if self.answers.empty:
            return pd.DataFrame(columns=["day", "model", *SUMS, "cost_usd"])
        grouped = self.answers.groupby(["day", "model"], dropna=False)
        return grouped.agg(**{k: (k, "sum") for k in SUMS}, cost_usd=("cost_usd", _sum_or_nan)).reset_index()

    def over_time(self, value: str = "invocations") -> pd.DataFrame:
        """Days (rows) by agent (columns): `invocations` or `cost_usd` of each agent's runs on each day."""
        runs = self.invocations.dropna(subset=["day"])
        if value not in ("invocations", "cost_usd"):
            raise ValueError("value must be 'invocations' or 'cost_usd'")
        if runs.empty:
            return pd.DataFrame()
        if value == "invocations":
            return runs.pivot_table(index="day", columns="agent", values="run", aggfunc="size", fill_value=0)
        return runs.pivot_table(
            index="day", columns="agent", values="cost_usd", aggfunc="sum", fill_value=0.0
        )

    def figure(self, value: str = "invocations") -> Any:
        """Stacked bars per day: `invocations` (runs started, by agent) or `cost_usd` (by agent, the main
        thread in grey). A matplotlib Figure; a notebook shows it as a picture."""
        from agentkit._usage._figures import over_time

        return over_time(self, value)

    def requests_for(self, agent: str) -> list[str]:
        """The user's requests that reached `agent` (handed to it in their turn), oldest first; for
        "(self)", the requests the main thread answered itself."""
        # Rows as Any: pandas types a cell as any scalar, and `agents` holds tuples.
        rows: list[Any] = list(
            self.requests.sort_values("timestamp", kind="stable", na_position="last").itertuples()
        )
        if agent == "(self)":
            return [r.request for r in rows if not r.agents]
        return [r.request for r in rows if agent in r.agents]

    @property
    def main(self) -> dict[str, Any]:
        """The main threads' answers, tokens and cost (all sessions)."""
        return _totals(self.answers[self.answers.thread == MAIN])

    @property
    def subagents(self) -> dict[str, Any]:
        """All agent runs' answers, tokens and cost."""
        return _totals(self.answers[self.answers.thread != MAIN])

    @property
    def lossy(self) -> int:
        """How many lines (or files) could not be read at all: the totals miss what they held."""
        kinds = self.problems[self.problems.kind.isin(LOSSY)]
        return int(kinds["count"].sum())

    # -- output -------------------------------------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        """Everything as JSON-ready values (a missing cost is None)."""
        agents = self.per_agent()
        return _clean(
            {
                "config_dir": str(self.config_dir),
                "project": self.project,
                "since": self.since,
                "until": self.until,
                "prices_as_of": live.PRICES_AS_OF,
                "sessions": self.sessions,
                "main": self.main,
                "subagents": self.subagents,
                "agents": agents.drop(columns=["exists"]).to_dict(orient="records"),
                "never_used": list(self.never_used),
                "missing": list(self.missing),
                "models": self.per_model().to_dict(orient="records"),
                "days": self.per_day().to_dict(orient="records"),
                "unpriced_models": list(self.unpriced_models),
                "problems": self.problems.to_dict(orient="records"),
                "read": dict(self.read),
            }
        )

    def to_text(self) -> str:
        where = f" for {self.project}" if self.project else ""
        days = f", {self.since or '...'} to {self.until or '...'}" if self.since or self.until else ""
        lines = [f"Claude Code usage in {self.config_dir}{where}{days}: {self.sessions} session(s)", ""]
        threads = pd.DataFrame([{"": "main thread", **self.main}, {"": "subagents", **self.subagents}])
        lines += [_table(threads), ""]
        agents = self.per_agent()
        if agents.empty:
            lines.append("No agent was invoked.")
        else:
            shown = agents[["agent", "builtin", "invocations", "failed", "cancelled", *TOKENS, "cost_usd"]]
            lines += ["Agents:", _table(shown)]
        lines.append("")
        lines.append(f"Never used: {', '.join(self.never_used) if self.never_used else '(none)'}")
        if self.missing:
            lines.append(f"Used but no longer defined: {', '.join(self.missing)}")
        if self.unpriced_models:
            lines.append(f"No price for {', '.join(self.unpriced_models)}: their cost is missing, not zero")
        problems: Iterable[Any] = self.problems.itertuples()  # `row.count` is the column, not tuple.count
        for row in problems:
            detail = f" ({row.detail})" if row.detail else ""
            lines.append(
                f"{row.file}:{row.line}: {row.kind}{detail}"
                + (f", {row.count} lines" if row.count > 1 else "")
            )
        lines.append(f"Costs at list prices as of {live.PRICES_AS_OF}, prompt caching included; days in UTC.")
        return "\n".join(lines) + "\n"

    def against(self, agents: Any) -> Usage:
        """This usage with `available`, `never_used` and `missing` taken against another set of agents (an
        AgentSet, or names): which of these agents were never used, which used agents are not among them."""
        names = (
            {a.qualified_name for a in agents.loaded if a.qualified_name}
            if hasattr(agents, "loaded")
            else set(agents)
        )
        used = set(self.invocations.agent.dropna())
        custom = set(self.invocations[~self.invocations.builtin.astype(bool)].agent.dropna()) - set(
            NOT_AGENTS
        )
        frames = replace(
            self.frames,
            available=tuple(sorted(names)),
            never_used=tuple(sorted(names - used)),
            missing=tuple(sorted(custom - names)),
        )
        return replace(self, frames=frames)

    def export_routing(self, path: str | Path) -> Path:
        """Write the requests as a routing suite (YAML) labelled with what Claude Code did; see _routing."""
        from agentkit.live._routing.cases import write_routing_suite

        return write_routing_suite(self, Path(path))

    def __repr__(self) -> str:
        runs = len(self.invocations)
        return f"<Usage {self.sessions} sessions, {runs} invocations, {len(self.per_agent())} agents>"


_AGENT_COLUMNS = [
    "agent", "builtin", "exists", "invocations", "completed", "failed", "cancelled", "running", "background",
    "max_spawn_depth", "duration_ms", *SUMS, "cost_usd", "models",
]  # fmt: skip


def _sum_or_nan(values: pd.Series) -> float:
    return math.nan if values.isna().any() else float(values.sum())


def _totals(frame: pd.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {k: int(frame[k].sum()) for k in SUMS}
    out["cost_usd"] = round(_sum_or_nan(frame.cost_usd), 9)  # a sum of many floats: no noise digits
    return out


def _clean(value: Any) -> Any:
    """JSON-ready: NaN is None, numpy numbers are Python numbers."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else round(value, 9)
    return value


def _table(frame: pd.DataFrame) -> str:
    shown = frame.copy()
    if "cost_usd" in shown:
        shown["cost_usd"] = [
            ("-" if isinstance(c, float) and math.isnan(c) else f"${c:,.4f}") for c in shown.cost_usd
        ]
    shown = shown.rename(
        columns={k: k.replace("_input_tokens", "").replace("_tokens", "") for k in shown.columns}
    )
    return shown.to_string(index=False)
