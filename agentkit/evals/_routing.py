"""Routing evaluation: labelled requests (`request -> expected agent`) scored with the offline router
(`agentkit.route`, an estimate from names and descriptions) and the live router: Claude Code's own main-loop
request over the set's agents (`live.route`), where the built-in agents and doing the work itself compete.

Per agent set and router: accuracy with a Wilson interval, a confusion matrix (expected x picked), and
the requests each description loses (expected it, went elsewhere). Two sets, say before and after a
description edit, compare request by request: which confusions the edit fixed and which it caused.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from agentkit._errors import LiveError, ReplayMiss, SuiteError
from agentkit._reader.agent import Agent
from agentkit.evals._stats import wilson

if TYPE_CHECKING:
    import pandas as pd

ROUTERS = ("offline", "live")
NONE = "none"  # the label for "no agent should take this" / "no agent was picked"


@dataclass(frozen=True)
class RoutingCase:
    request: str
    expect: str  # an agent name, or "none"
    line: int | None = None


@dataclass(frozen=True)
class RoutingSuite:
    """Labelled requests, the agent sets to route them over, and the routers to ask."""

    sets: tuple[tuple[str, tuple[Agent, ...]], ...]  # (label, agents); several labels = versions of the set
    requests: tuple[RoutingCase, ...]
    routers: tuple[str, ...] = ROUTERS
    model: str | None = None  # the live router's model (default: Claude Code's main model alias)
    min_accuracy: float | None = None

    def __post_init__(self) -> None:
        for router in self.routers:
            if router not in ROUTERS:
                raise SuiteError(f"unknown router {router!r}: use {' or '.join(ROUTERS)}")
        if not self.sets:
            raise SuiteError("routing: no agent set to route over")
        if not self.requests:
            raise SuiteError("routing: no requests")


def routing_suite(
    agents: Iterable[Agent] | Mapping[str, Iterable[Agent]],
    requests: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
    *,
    routers: Sequence[str] = ROUTERS,
    model: str | None = None,
    min_accuracy: float | None = None,
) -> RoutingSuite:
    """Build a RoutingSuite in Python: `requests` maps each request to the agent that should take it
    (None or "none" for no agent); `agents` is one set, or {label: set} to compare versions of it."""
    sets = (
        tuple((label, tuple(group)) for label, group in agents.items())
        if isinstance(agents, Mapping)
        else (("agents", tuple(agents)),)
    )
    pairs = requests.items() if isinstance(requests, Mapping) else requests
    cases = tuple(RoutingCase(r, NONE if e is None else e) for r, e in pairs)
    suite = RoutingSuite(sets, cases, tuple(routers), model, min_accuracy)
    check_expectations(suite, None)
    return suite


def routable(agents: Iterable[Agent]) -> list[Agent]:
    return [a for a in agents if a.loaded and a.shadowed_by is None and isinstance(a.name, str)]


def names_of(agents: Iterable[Agent]) -> list[str]:
    return [a.qualified_name or a.name for a in routable(agents)]


def check_expectations(suite: RoutingSuite, where: str | None) -> None:
    """Every expected agent must exist in every set: a typo would otherwise read as a routing failure."""
    from agentkit.evals._checks import did_you_mean

    for label, agents in suite.sets:
        names = names_of(agents)
        for case in suite.requests:
            if case.expect != NONE and case.expect not in names:
                at = f"{where}:{case.line}: " if where and case.line else (f"{where}: " if where else "")
                raise SuiteError(
                    f"{at}expects {case.expect!r}, which is not an agent in set {label!r}"
                    f"{did_you_mean(case.expect, names)}"
                )


@dataclass(frozen=True)
class RoutingRow:
    set: str
    router: str
    request: str
    expected: str
    picked: str  # an agent name, or "none"
    correct: bool
    answer: str  # the live router's raw answer; the offline score for the offline router
    source: str  # "offline", or where the live answer came from ("anthropic", "stand-in", ...)
    cached: bool


@dataclass(frozen=True)
class RoutingChange:
    """Request by request, what changed between two sets for one router."""

    before: str
    after: str
    router: str
    fixed: tuple[RoutingRow, ...]  # wrong before, right after (rows of `after`)
    broken: tuple[RoutingRow, ...]  # right before, wrong after (rows of `after`)
    moved: tuple[tuple[RoutingRow, RoutingRow], ...]  # wrong both times, to a different agent
    accuracy_before: float
    accuracy_after: float
    note: str = ""  # where the answers came from, when not all from Claude

    @property
    def sentence(self) -> str:
        n = len(self.fixed) + len(self.broken)
        head = (
            f"{self.router} router, {self.before} -> {self.after}: accuracy "
            f"{self.accuracy_before:.0%} -> {self.accuracy_after:.0%}{self.note}"
        )
        if n == 0:
            return f"{head}; no request changed between right and wrong."
        parts = []
        if self.fixed:
            parts.append("fixed " + "; ".join(f"{r.request!r} now goes to {r.picked}" for r in self.fixed))
        if self.broken:
            parts.append(
                "broke "
                + "; ".join(f"{r.request!r} now goes to {r.picked}, not {r.expected}" for r in self.broken)
            )
        return f"{head}; " + "; ".join(parts) + "."

    def __str__(self) -> str:
        return self.sentence


@dataclass(frozen=True)
class RoutingResults:
    suite: RoutingSuite
    rows: tuple[RoutingRow, ...]
    notes: tuple[str, ...] = field(default=())

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        columns = ["set", "router", "request", "expected", "picked", "correct", "answer", "source", "cached"]
        return pd.DataFrame([r.__dict__ for r in self.rows], columns=columns)

    def accuracy(self) -> pd.DataFrame:
        """Per set and router: requests, correct, accuracy and its 95% Wilson interval."""
        import pandas as pd

        out = []
        for label, _ in self.suite.sets:
            for router in self.suite.routers:
                rows = [r for r in self.rows if r.set == label and r.router == router]
                k, n = sum(r.correct for r in rows), len(rows)
                low, high = wilson(k, n)
                out.append(
                    {
                        "set": label,
                        "router": router,
                        "requests": n,
                        "correct": k,
                        "accuracy": k / n if n else float("nan"),
                        "ci_low": low,
                        "ci_high": high,
                    }
                )
        return pd.DataFrame(out)

    def _rows(self, set_: str | None, router: str) -> list[RoutingRow]:
        label = set_ if set_ is not None else self.suite.sets[0][0]
        if label not in {s for s, _ in self.suite.sets}:
            raise KeyError(f"no agent set {label!r}; sets: {', '.join(s for s, _ in self.suite.sets)}")
        if router not in self.suite.routers:
            raise KeyError(f"router {router!r} was not run; routers: {', '.join(self.suite.routers)}")
        return [r for r in self.rows if r.set == label and r.router == router]

    def confusion(self, router: str = "offline", set: str | None = None) -> pd.DataFrame:
        """Expected agent (rows) x picked agent (columns): request counts; the diagonal is right."""
        import pandas as pd

        rows = self._rows(set, router)
        labels = list(dict.fromkeys([r.expected for r in rows] + [r.picked for r in rows]))
        matrix = pd.crosstab(
            pd.Categorical([r.expected for r in rows], categories=labels),
            pd.Categorical([r.picked for r in rows], categories=labels),
            rownames=["expected"],
            colnames=["picked"],
            dropna=False,
        )
        return matrix

    def lost(self, router: str = "offline", set: str | None = None) -> pd.DataFrame:
        """The requests each agent's description loses: expected that agent, went elsewhere."""
        import pandas as pd

        rows = [r for r in self._rows(set, router) if not r.correct]
        frame = pd.DataFrame(
            [{"agent": r.expected, "request": r.request, "went_to": r.picked} for r in rows],
            columns=["agent", "request", "went_to"],
        )
        return frame.sort_values(["agent", "request"], kind="stable").reset_index(drop=True)

    def compare(self, before: str, after: str, router: str = "offline") -> RoutingChange:
        """What changed from set `before` to set `after` (say, a description edit) for one router."""
        old = {r.request: r for r in self._rows(before, router)}
        new = self._rows(after, router)
        fixed = tuple(r for r in new if r.correct and not old[r.request].correct)
        broken = tuple(r for r in new if not r.correct and old[r.request].correct)
        moved = tuple(
            (old[r.request], r)
            for r in new
            if not r.correct and not old[r.request].correct and r.picked != old[r.request].picked
        )

        def rate(rows: Iterable[RoutingRow]) -> float:
            rows = list(rows)
            return sum(r.correct for r in rows) / len(rows) if rows else float("nan")

        note = self.source_note(router, after) or self.source_note(router, before)
        return RoutingChange(before, after, router, fixed, broken, moved, rate(old.values()), rate(new), note)

    def source_note(self, router: str, set: str | None = None) -> str:
        """ " · answers from ..." when the router's answers did not all come from Claude (the stand-in, another
        endpoint); "" for the offline estimate and for answers from the Anthropic API."""
        from agentkit.live import source_label

        sources = {r.source for r in self._rows(set, router)} - {"offline", "anthropic"}
        if not sources:
            return ""
        return " · answers from " + ", ".join(sorted(source_label(s) for s in sources))

    def text(self) -> str:
        """Accuracy per set and router, then what each description loses: for terminals and notebooks."""
        lines = []
        for _, row in self.accuracy().iterrows():
            lines.append(
                f"{row['set']} · {row['router']} router: {row['correct']}/{row['requests']} correct "
                f"({row['accuracy']:.0%}, 95% CI {row['ci_low']:.0%}-{row['ci_high']:.0%})"
                + self.source_note(row["router"], row["set"])
            )
            for _, lost in self.lost(row["router"], row["set"]).iterrows():
                if lost["agent"] == NONE:
                    lines.append(f"  {lost['request']!r} should go to no agent, went to {lost['went_to']}")
                else:
                    lines.append(f"  {lost['agent']} loses {lost['request']!r} to {lost['went_to']}")
        return "\n".join(lines)


# -- running --------------------------------------------------------------------------------------

# live_route(agents, request, model) -> (picked or None, raw answer, source, cached)
LiveRoute = Callable[[Sequence[Agent], str, "str | None"], tuple["str | None", str, str, bool]]


def routing_key(agents: Sequence[Agent], request: str, model: str | None) -> str:
    """What the Claude Code router sees of a set (names, descriptions, tools) plus the request and model."""
    seen = [(a.qualified_name or a.name, a.description, a.tools) for a in routable(agents)]
    payload = {"agents": seen, "request": request, "model": model, "kind": "route", "router": "claude-code/1"}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def scratch_project(agents: Sequence[Agent]) -> tuple[Path, Path]:
    """(a project holding exactly these agents in .claude/agents, an empty Claude config), made once per set
    under $AGENTKIT_HOME/routing so that Claude Code's request, its capture and its samples are the same
    from run to run (the user's own config and agents stay out of an evaluation)."""
    from agentkit import live

    texts = sorted((a.path.name, a.render()) for a in agents)
    digest = hashlib.sha256(json.dumps(texts).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    base = live.home() / "routing"
    project, config = base / f"set-{digest}", base / "empty-config"
    config.mkdir(parents=True, exist_ok=True)
    if not (project / ".git").exists():
        folder = project / ".claude" / "agents"
        folder.mkdir(parents=True, exist_ok=True)
        for index, agent in enumerate(agents):
            name = f"{index:03d}-{agent.path.name}"  # two sets' files may share a name
            (folder / name).write_text(agent.render(), encoding="utf-8", errors="surrogateescape", newline="")
        subprocess.run(["git", "init", "-q", str(project)], capture_output=True, timeout=30)
    return project, config


def claude_code_pick(
    agents: Sequence[Agent], request: str, model: str | None, *, no_cache: bool = False
) -> tuple[str | None, str, str, bool]:
    """What Claude Code's main loop does first with `request` over these agents (one sample): (the agent,
    or None for the main agent itself; its words and detail; the source; answered from the history)."""
    from agentkit import live

    project, config = scratch_project(routable(agents))
    routed = live.route(request, project, samples=1, model=model, config_dir=config, cache=not no_cache)
    sample = routed.samples[0]
    if sample.error:
        raise LiveError(sample.error)
    picked = None if sample.label == live.SELF else sample.label
    return picked, f"{sample.detail}: {sample.words}".strip(": "), sample.source, sample.cached


def run_routing_suite(suite: RoutingSuite, live_route: LiveRoute) -> RoutingResults:
    """Route every request over every set with every router. Replay misses are gathered and raised once."""
    from agentkit._overlap.route import Router

    rows: list[RoutingRow] = []
    missing: list[str] = []
    for label, agents in suite.sets:
        router = Router(routable(agents)) if "offline" in suite.routers else None
        for case in suite.requests:
            if router is not None:
                ranking = router.route(case.request, top=1)
                top = str(ranking["name"].iloc[0]) if len(ranking) and ranking["score"].iloc[0] > 0 else NONE
                score = float(ranking["score"].iloc[0]) if len(ranking) else 0.0
                rows.append(
                    RoutingRow(
                        label, "offline", case.request, case.expect, top, top == case.expect,
                        f"score {score:.3f}", "offline", False,
                    )
                )  # fmt: skip
            if "live" in suite.routers:
                try:
                    picked, answer, source, cached = live_route(agents, case.request, suite.model)
                except ReplayMiss:
                    missing.append(f"{label}: {case.request!r}")
                    continue
                picked = picked or NONE
                rows.append(
                    RoutingRow(
                        label, "live", case.request, case.expect, picked, picked == case.expect,
                        answer, source, cached,
                    )
                )  # fmt: skip
    if missing:
        shown = "; ".join(missing[:5]) + (f"; and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ReplayMiss(
            f"replay mode (AGENTKIT_REPLAY=1): {len(missing)} live routing decision(s) are not recorded: {shown}"
        )
    return RoutingResults(suite, tuple(rows))
