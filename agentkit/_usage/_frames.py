"""From what a read kept (a Tally) to the tables of a Usage: filtered by day, priced, agents named."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from agentkit import live
from agentkit._errors import UsageError
from agentkit._reader.claude_code import BUILTIN_AGENTS
from agentkit._reader.scan import discover
from agentkit._usage._files import holds
from agentkit._usage._read import FAILED, INTERNAL_AGENTS, MAIN, UNKNOWN_AGENT, Tally

TOKENS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")
NOT_AGENTS = (UNKNOWN_AGENT, *INTERNAL_AGENTS.values())  # runs that are no agent one could define
_DATED = re.compile(r"-\d{8}$")


@dataclass(frozen=True)
class Frames:
    answers: pd.DataFrame  # one row per (session, thread, model, day): the answers' tokens and cost
    invocations: pd.DataFrame  # one row per agent run
    sessions: pd.DataFrame  # one row per session with a user or assistant record in the days asked
    requests: pd.DataFrame  # one row per user request: the words and the agent(s) the main thread called
    problems: pd.DataFrame
    available: tuple[str, ...]  # custom agents Claude Code would load (for the project, else the user's)
    never_used: tuple[str, ...]
    missing: tuple[str, ...]


def day_of(value: str | date | datetime | None, what: str) -> str | None:
    """A `since`/`until` value as YYYY-MM-DD (UTC days, as the transcripts' timestamps are)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise UsageError(f"{what} must be a date like 2026-11-25, not {value!r}") from None


def priced_model(model: str, table: dict[str, Any] | None = None) -> str | None:
    """The price table's id for a transcript's model id (a dated id falls back to its undated one)."""
    table = live.price_table() if table is None else table
    if model in table:
        return model
    undated = _DATED.sub("", model)
    return undated if undated in table else None


# One token of each kind, as live.usage_cost_usd takes them: input, output, cache read, cache writes (5-minute),
# cache writes (1-hour: a cache write whose 1-hour part is itself).
_ONE_TOKEN = ((1, 0, 0, 0, 0), (0, 1, 0, 0, 0), (0, 0, 1, 0, 0), (0, 0, 0, 1, 0), (0, 0, 0, 1, 1))


class Prices:
    """What a token of each kind costs per model, asked of agentkit.live once per model per build."""

    def __init__(self) -> None:
        self.table = live.price_table()
        self.units: dict[str, tuple[float, ...] | None] = {}

    def cost(self, model: str, tokens: list[int]) -> float:
        """[input, output, cache read, cache creation, of which 1 hour] at list price; NaN: no price."""
        if model not in self.units:
            known = priced_model(model, self.table)
            self.units[model] = (
                None
                if known is None
                else tuple(
                    live.usage_cost_usd(known, *counts[:4], cache_creation_1h_input_tokens=counts[4]) or 0.0
                    for counts in _ONE_TOKEN
                )
            )
        unit = self.units[model]
        if unit is None:
            return math.nan if any(tokens[:4]) else 0.0
        kinds = (tokens[0], tokens[1], tokens[2], tokens[3] - tokens[4], tokens[4])
        return sum(count * price for count, price in zip(kinds, unit, strict=True))


def cost(model: str, tokens: list[int]) -> float:
    """[input, output, cache read, cache creation, of which 1 hour] at list price; NaN: no price."""
    return Prices().cost(model, tokens)


def build(tally: Tally, project: str | None, since: str | None, until: str | None) -> Frames:
    def in_range(day: str | None) -> bool:
        if since is None and until is None:
            return True
        return day is not None and (since is None or day >= since) and (until is None or day <= until)

    infos = tally.sessions
    if project is not None:  # a read of every project, summed up for one
        kept = {folder for folder in {v.project for v in infos.values()} if holds(folder, project)}
        infos = {k: v for k, v in infos.items() if v.project in kept}
    runs = {(run.session, run.key): run for run in tally.runs if run.session in infos}
    rows = []
    prices = Prices()
    for (session, thread, model, day), totals in tally.buckets.items():
        if not in_range(day) or session not in infos:
            continue
        run = runs.get((session, thread)) if thread != MAIN else None
        rows.append(
            {
                "session": session,
                "project": _project(infos.get(session)),
                "thread": MAIN if run is None else "subagent",
                "run": None if run is None else thread,
                "agent": None if run is None else run.agent,
                "model": model,
                "day": day,
                **dict(zip(TOKENS, totals[:4], strict=True)),
                "cache_creation_1h_tokens": totals[4],
                "answers": totals[5],
                "cost_usd": prices.cost(model, totals),
            }
        )
    answers = pd.DataFrame(rows, columns=_ANSWER_COLUMNS)
    # A run is known by its session and key (a tool_use id is unique in practice, not by contract).
    agents = answers[answers.thread != MAIN]
    run_tokens = agents.groupby(["session", "run"])[[*TOKENS, "answers"]].sum().to_dict(orient="index")
    run_cost = _costs(agents, ["session", "run"])
    invocation_rows = []
    for key, run in runs.items():
        day = run.started[:10] if run.started else None
        tokens = run_tokens.get(key)
        if not in_range(day) and tokens is None:
            continue
        invocation_rows.append(
            {
                "session": run.session,
                "project": _project(infos.get(run.session)),
                "agent": run.agent,
                "builtin": is_builtin(run.agent, run.builtin),
                "status": run.status,
                "background": bool(run.background),
                "spawn_depth": run.depth,
                "model": run.model,
                "started": run.started,
                "day": day,
                "duration_ms": run.duration_ms,
                **{k: int(tokens[k]) if tokens is not None else 0 for k in (*TOKENS, "answers")},
                "cost_usd": float(run_cost[key]) if tokens is not None else 0.0,
                "request": run.request,
                "prompt": run.prompt,
                "description": run.description,
                "error": run.error,
                "agent_id": run.agent_id,
                "tool_use_id": run.tool_use_id,
                "layout": run.layout,
                "run": run.key,
            }
        )
    invocations = pd.DataFrame(invocation_rows, columns=_INVOCATION_COLUMNS)
    invocations = invocations.sort_values(["started", "session", "run"], kind="stable", na_position="last")
    invocations = invocations.reset_index(drop=True)
    seen_sessions = [s for s in infos.values() if any(in_range(d) for d in s.days)]
    requests = _requests(tally, lambda day, session: in_range(day) and session in infos)
    sessions = _sessions(seen_sessions, answers, invocations, requests)
    available, never_used, missing = _agent_sets(tally, project, invocations)
    problems = pd.DataFrame(
        [
            {"file": file, "line": line, "kind": kind, "detail": detail, "count": count}
            for (file, kind, detail), (line, count) in sorted(tally.problems.rows.items())
        ],
        columns=["file", "line", "kind", "detail", "count"],
    )
    return Frames(answers, invocations, sessions, requests, problems, available, never_used, missing)


_ANSWER_COLUMNS = [
    "session", "project", "thread", "run", "agent", "model", "day", *TOKENS,
    "cache_creation_1h_tokens", "answers", "cost_usd",
]  # fmt: skip
_INVOCATION_COLUMNS = [
    "session", "project", "agent", "builtin", "status", "background", "spawn_depth", "model", "started",
    "day", "duration_ms", *TOKENS, "answers", "cost_usd", "request", "prompt", "description", "error",
    "agent_id", "tool_use_id", "layout", "run",
]  # fmt: skip


def is_builtin(agent: str | None, said: bool | None) -> bool:
    """What the run's metadata says, else whether the name is one of Claude Code's built-in agents."""
    if said is not None:
        return said
    return agent in BUILTIN_AGENTS or agent in INTERNAL_AGENTS.values()


def _project(info: Any) -> str | None:
    if info is None:
        return None
    return info.cwd or info.project


def _sessions(
    infos: list[Any], answers: pd.DataFrame, invocations: pd.DataFrame, requests: pd.DataFrame
) -> pd.DataFrame:
    """One row per session: grouped sums, never a filter per session (thousands of sessions)."""
    tokens = answers.groupby("session")[list(TOKENS)].sum().to_dict(orient="index")
    cost = _costs(answers, "session")
    main = _costs(answers[answers.thread == MAIN], "session")
    runs = invocations.groupby("session").size().to_dict()
    failed = invocations[invocations.status == FAILED].groupby("session").size().to_dict()
    asked = requests.groupby("session").size().to_dict()
    nothing = dict.fromkeys(TOKENS, 0)
    rows = []
    for info in sorted(infos, key=lambda i: (i.first or "", i.session)):
        key = info.session
        rows.append(
            {
                "session": key,
                "project": info.cwd or info.project,
                "started": info.first,
                "ended": info.last,
                "requests": int(asked.get(key, 0)),
                "invocations": int(runs.get(key, 0)),
                "failed": int(failed.get(key, 0)),
                **{k: int(v) for k, v in tokens.get(key, nothing).items()},
                "cost_usd": float(cost.get(key, 0.0)),
                "main_cost_usd": float(main.get(key, 0.0)),
            }
        )
    columns = ["session", "project", "started", "ended", "requests", "invocations", "failed", *TOKENS]
    return pd.DataFrame(rows, columns=[*columns, "cost_usd", "main_cost_usd"])


def _costs(answers: pd.DataFrame, by: str | list[str]) -> dict[Any, float]:
    """Cost per group; NaN where one of its costs is unknown (a model without a price): never an undercount."""
    sums = answers.groupby(by)["cost_usd"].sum()
    unknown = (
        answers["cost_usd"].isna().groupby([answers[b] for b in ([by] if isinstance(by, str) else by)]).any()
    )
    return sums.where(~unknown, math.nan).to_dict()


def _requests(tally: Tally, keep: Any) -> pd.DataFrame:
    rows, seen = [], set()
    for prompt in tally.prompts:
        day = prompt.timestamp[:10] if prompt.timestamp else None
        key = (prompt.timestamp, prompt.text)
        if not keep(day, prompt.session) or (
            prompt.timestamp and key in seen
        ):  # a forked session repeats its requests
            continue
        seen.add(key)
        info = tally.sessions.get(prompt.session)
        rows.append(
            {
                "session": prompt.session,
                "project": _project(info),
                "timestamp": prompt.timestamp,
                "request": prompt.text,
                "agent": prompt.agents[0] if prompt.agents else None,
                "agents": tuple(prompt.agents),
            }
        )
    frame = pd.DataFrame(rows, columns=["session", "project", "timestamp", "request", "agent", "agents"])
    return frame.sort_values(["timestamp", "session"], kind="stable", na_position="last").reset_index(
        drop=True
    )


def _agent_sets(
    tally: Tally, project: str | None, invocations: pd.DataFrame
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The custom agents Claude Code would load (for the project; without one, those of the user's config
    folder, which every project loads), those of them never used, and the agents used that are gone."""
    config = tally.config
    if project is not None:
        available = _names(Path(project), config, project_scope=True)
    else:
        available = _names(config, config, project_scope=False)
    used = set(invocations.agent.dropna())
    never_used = tuple(sorted(name for name in available if name not in used))
    missing: set[str] = set()
    known_by_project: dict[str, set[str]] = {}
    rows: Iterable[Any] = invocations[~invocations.builtin].itertuples()  # pandas types a cell as any scalar
    for row in rows:
        if row.agent in NOT_AGENTS or row.agent is None:
            continue
        if project is not None:
            names = set(available)
        else:
            where = str(row.project or "")
            if where not in known_by_project:
                here = Path(where)
                known_by_project[where] = set(available) | (
                    set(_names(here, config, project_scope=True)) if where and here.is_dir() else set()
                )
            names = known_by_project[where]
        if row.agent not in names:
            missing.add(row.agent)
    return tuple(sorted(available)), never_used, tuple(sorted(missing))


def _names(project: Path, config: Path, *, project_scope: bool) -> tuple[str, ...]:
    agents = discover(project, config_dir=config)
    names = {
        a.qualified_name
        for a in agents.loaded
        if a.shadowed_by is None and a.qualified_name and (project_scope or a.scope != "project")
    }
    return tuple(sorted(n for n in names if n))
