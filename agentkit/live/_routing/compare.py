"""The offline estimate against Claude Code's own routing, request by request."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from agentkit.live._routing.capture import project_folder
from agentkit.live._routing.route import DEFAULT_SAMPLES, route
from agentkit.live._routing.sample import SELF

if TYPE_CHECKING:
    import pandas as pd


def offline_agents(project: str | os.PathLike[str] | None, agents: Any = None) -> list[Any]:
    """The agents the offline estimate ranks: those Claude Code would list from the project (its own and
    the user's), with `agents` applied as `route` applies them (a folder replaces the project's own)."""
    from agentkit._reader.agent import Agent
    from agentkit._reader.scan import discover, load

    found = [a for a in discover(project_folder(project)) if a.loaded and a.shadowed_by is None]
    if agents is None:
        return found
    if isinstance(agents, str | os.PathLike):
        given = list(load(agents))
        if os.path.isdir(agents):
            found = [a for a in found if a.scope != "project"]
    else:
        given = [agents] if isinstance(agents, Agent) else list(agents)
    paths = {a.path.resolve() for a in given}
    names = {a.name for a in given}
    kept = [a for a in found if a.path.resolve() not in paths and a.name not in names]
    return kept + [a for a in given if a.loaded]


def compare_routing(
    requests: Iterable[str],
    project: str | os.PathLike[str] | None = None,
    *,
    samples: int = DEFAULT_SAMPLES,
    agents: Any = None,
    offline: Callable[[Any, str], pd.DataFrame] | None = None,
    **options: Any,
) -> pd.DataFrame:
    """For each request, Claude Code's most frequent first action (`live.route`) against the offline
    estimate's top pick (`agentkit.route`, from descriptions alone; "(self)" when no agent scores).

    Columns: request, claude_code (the most frequent label), share, picks (label -> count), offline,
    offline_score, agree, samples, cost_usd, source. `options` go to `live.route`.
    """
    import pandas as pd

    if offline is None:
        from agentkit.live._routing.estimate import route as offline_route

        offline = offline_route
    pool = offline_agents(project, agents)
    rows = []
    for request in requests:
        routed = route(request, project, samples=samples, agents=agents, **options)
        picks = dict(routed.picks)
        top = max(picks, key=lambda label: (picks[label], label == SELF)) if picks else None
        ranking = offline(pool, request)
        best = float(ranking["score"].iloc[0]) if len(ranking) else 0.0
        estimate = str(ranking["name"].iloc[0]) if len(ranking) and best > 0 else SELF
        rows.append(
            {
                "request": request,
                "claude_code": top,
                "share": routed.shares().get(top, float("nan")) if top else float("nan"),
                "picks": picks,
                "offline": estimate,
                "offline_score": best,
                "agree": top == estimate,
                "samples": len(routed.answered),
                "cost_usd": routed.cost_usd,
                "source": routed.source,
            }
        )
    return pd.DataFrame(rows)
