"""Live routing: ask Claude which agent it would delegate a request to, as Claude Code presents agents."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.live._result import RunResult
from agentkit.live._run import run

if TYPE_CHECKING:
    import pandas as pd


ROUTER_PROMPT = """\
You are the main agent of Claude Code. You can hand a task to a specialised subagent with the Agent tool.

Available agent types and the tools they have access to:
{listing}

Decide which agent you would delegate the user's request to. Answer with that agent's name only, exactly \
as written above, and nothing else. If no agent fits, answer: none"""


@dataclass(frozen=True, slots=True)
class _Adhoc:
    """A stand-in agent with a given system prompt (the router), so routing runs are cached too."""

    prompt: str
    name: str
    path: None = None
    model: str | None = None

    def render(self) -> str:
        return self.prompt


@dataclass(slots=True)
class LiveRoute:
    request: str
    choice: str | None  # the agent Claude picked, None for "none" or an answer naming no agent
    answer: str  # Claude's raw answer
    run: RunResult


def _routable(agents: Iterable[Any]) -> list[Any]:
    """The agents Claude Code would list: loaded, named, not shadowed by another file."""
    out = []
    for a in agents:
        if getattr(a, "loaded", True) and getattr(a, "shadowed_by", None) is None and isinstance(a.name, str):
            out.append(a)
    return out


def _agent_name(a: Any) -> str:
    return getattr(a, "qualified_name", None) or a.name


def router_prompt(agents: Iterable[Any]) -> str:
    """The main agent's system prompt listing the agents as Claude Code does (`- name: description`)."""
    lines = []
    for a in _routable(agents):
        tools = a.tools
        shown = "All tools" if tools is None or "*" in tools else (", ".join(tools) or "None")
        description = a.description if isinstance(a.description, str) else ""
        lines.append(f"- {_agent_name(a)}: {description} (Tools: {shown})")
    return ROUTER_PROMPT.format(listing="\n".join(lines))


def parse_choice(answer: str, names: Sequence[str]) -> str | None:
    """The agent an answer names: the whole first line, else the longest name mentioned anywhere."""
    first = answer.strip().splitlines()[0] if answer.strip() else ""
    cleaned = first.strip().strip("`'\"*.,:;!()[] ").strip()
    by_lower = {n.lower(): n for n in names}
    if cleaned.lower() in by_lower:
        return by_lower[cleaned.lower()]
    if cleaned.lower() in ("", "none", "no agent"):
        return None
    for n in sorted(names, key=len, reverse=True):
        if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", answer, re.IGNORECASE):
            return n
    return None


def route_live(agents: Iterable[Any], request: str, model: str | None = None, **options: Any) -> LiveRoute:
    """Ask Claude which agent it would delegate `request` to, given their names and descriptions.

    Cached and recorded like any run (options as run(); default max_tokens=64). No temperature is
    sent: current models reject it, so repeated asks may differ; the cache answers them alike.
    """
    agents = _routable(agents)
    router = _Adhoc(prompt=router_prompt(agents), name="(router)")
    options.setdefault("max_tokens", 64)
    result = run(router, request, model=model, **options)
    return LiveRoute(
        request, parse_choice(result.text, [_agent_name(a) for a in agents]), result.text, result
    )


def compare_routing(
    agents: Any,
    requests: Iterable[str],
    *,
    model: str | None = None,
    offline: Callable[[Any, str], pd.DataFrame] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """For each request, the agent Claude picks live against the offline router's top pick.

    `offline(agents, request)` returns a ranked DataFrame with `name` and `score` columns
    (default: `agentkit.route`). Columns: request, live, offline, agree, offline_score,
    live_offline_rank (1-based rank of the live pick in the offline ranking), cached, cost_usd.
    """
    import pandas as pd

    if offline is None:
        from agentkit._overlap.route import route as offline
    rows = []
    for request in requests:
        picked = route_live(agents, request, model=model, **options)
        ranking = offline(agents, request)
        names = [str(n) for n in ranking["name"]] if len(ranking) else []
        top = names[0] if names and float(ranking["score"].iloc[0]) > 0 else None
        rows.append(
            {
                "request": request,
                "live": picked.choice,
                "offline": top,
                "agree": picked.choice == top,
                "offline_score": float(ranking["score"].iloc[0]) if names else None,
                "live_offline_rank": names.index(picked.choice) + 1 if picked.choice in names else None,
                "cached": picked.run.cached,
                "cost_usd": picked.run.cost_usd,
            }
        )
    return pd.DataFrame(rows)
