"""Routing evaluation: labelled requests (`request -> expected agent`) scored with two routers:
`offline`, the free, instant estimate from names and descriptions (`agentkit.route`), and `claude-code`
(`live` is its old name): Claude Code's own main-loop request (`live.route`), sampled, where the built-in
agents, the skills, CLAUDE.md and doing the work itself (`(self)`) all compete.

A suite routes over agent sets (each in a scratch project with an empty Claude config, so that runs repeat),
or over a `project:` as Claude Code sees it (its agents, CLAUDE.md and the user's config), optionally with
agent sets applied to it as edits. Per set and router: accuracy with a Wilson interval, a confusion matrix
(expected x picked), and the requests each description loses. Two sets, say before and after a description
edit, compare request by request: which confusions the edit fixed and which it caused.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from agentkit._errors import LiveError, ReplayMiss, SuiteError, did_you_mean
from agentkit._reader.agent import Agent
from agentkit._reader.claude_code import BUILTIN_AGENTS
from agentkit._stats import wilson
from agentkit.live._prices import home
from agentkit.live._routing.compare import offline_agents
from agentkit.live._routing.estimate import Router
from agentkit.live._routing.route import route
from agentkit.live._routing.sample import SELF
from agentkit.live._source import label as source_label

if TYPE_CHECKING:
    import pandas as pd

ROUTERS = ("offline", "claude-code")
ROUTER_ALIASES = {"live": "claude-code"}  # the name before the router replayed Claude Code's own request
SELF_ALIASES = ("none",)  # the label before `(self)`
NONE = SELF  # the older name of the label, kept for code that imports it
MAX_SUITE_SAMPLES = 50


def router_name(name: str) -> str:
    """`name` as the suite reports it (an alias becomes its router); a SuiteError for an unknown one."""
    name = ROUTER_ALIASES.get(name, name)
    if name not in ROUTERS:
        raise SuiteError(f"unknown router {name!r}: use offline and/or claude-code")
    return name


def expected_label(expect: str | None) -> str:
    """An expectation as rows report it: None and the old `none` are `(self)`."""
    return SELF if expect is None or expect in SELF_ALIASES else expect


@dataclass(frozen=True)
class RoutingCase:
    request: str
    expect: str  # an agent name (built-in ones included), or "(self)"
    line: int | None = None


@dataclass(frozen=True)
class RoutingSuite:
    """Labelled requests, the agent sets to route them over, and the routers to ask.

    With `project`, Claude Code runs in that folder and sees it as the user's sessions do (its agents,
    CLAUDE.md, settings, git state, and the user's own agents and CLAUDE.md); each set is applied to it as
    `live.route(agents=...)` applies an edit (a set labelled `project` is the project unchanged). Without it,
    each set routes in a scratch project of its own with an empty Claude config. `samples` answers per
    request for the claude-code router: a row's pick is the most frequent, its share the expected label's.
    """

    sets: tuple[tuple[str, tuple[Agent, ...]], ...]  # (label, agents); several labels = versions of the set
    requests: tuple[RoutingCase, ...]
    routers: tuple[str, ...] = ROUTERS
    model: str | None = None  # the claude-code router's model (default: Claude Code's main model)
    min_accuracy: float | None = None
    project: Path | None = None
    samples: int = 1
    project_set: str | None = None  # the label of the set that is the project as it is (no edit applied)

    def __post_init__(self) -> None:
        object.__setattr__(self, "routers", tuple(dict.fromkeys(router_name(r) for r in self.routers)))
        object.__setattr__(
            self,
            "requests",
            tuple(
                c if c.expect == expected_label(c.expect) else RoutingCase(c.request, SELF, c.line)
                for c in self.requests
            ),
        )
        if not self.sets:
            raise SuiteError("routing: no agent set to route over")
        if not self.requests:
            raise SuiteError("routing: no requests")
        samples = self.samples
        if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= MAX_SUITE_SAMPLES:
            raise SuiteError(f"routing: samples must be a whole number from 1 to {MAX_SUITE_SAMPLES}")


def routing_suite(
    agents: Iterable[Agent] | Mapping[str, Iterable[Agent]] | None,
    requests: Mapping[str, str | None] | Iterable[tuple[str, str | None]],
    *,
    routers: Sequence[str] = ROUTERS,
    model: str | None = None,
    min_accuracy: float | None = None,
    project: str | Path | None = None,
    samples: int = 1,
) -> RoutingSuite:
    """Build a RoutingSuite in Python: `requests` maps each request to the agent that should take it (a
    custom or built-in agent's name, or "(self)"/None for the main agent doing it); `agents` is one set, or
    {label: set} to compare versions of it. With `project` (agents may then be None: the project as it is),
    Claude Code runs in that folder with the user's config, and each set is applied to it as an edit."""
    if project is not None:
        project = Path(project).resolve()
    if agents is None:
        if project is None:
            raise SuiteError("routing needs agents, a project, or both")
        sets: tuple[tuple[str, tuple[Agent, ...]], ...] = (("project", tuple(project_agents(project))),)
        project_set: str | None = "project"
    else:
        sets = (
            tuple((label, tuple(group)) for label, group in agents.items())
            if isinstance(agents, Mapping)
            else (("agents", tuple(agents)),)
        )
        project_set = None
    pairs = requests.items() if isinstance(requests, Mapping) else requests
    cases = tuple(RoutingCase(r, expected_label(e)) for r, e in pairs)
    suite = RoutingSuite(sets, cases, tuple(routers), model, min_accuracy, project, samples, project_set)
    check_expectations(suite, None)
    return suite


def project_agents(project: Path, edits: Sequence[Agent] | None = None) -> list[Agent]:
    """The agents Claude Code lists for `project` (its own and the user's), with `edits` applied."""
    return [a for a in offline_agents(project, list(edits) if edits is not None else None)]


def routable(agents: Iterable[Agent]) -> list[Agent]:
    return [a for a in agents if a.loaded and a.shadowed_by is None and isinstance(a.name, str)]


def names_of(agents: Iterable[Agent]) -> list[str]:
    return [a.qualified_name or a.name for a in routable(agents)]


def check_expectations(suite: RoutingSuite, where: str | None) -> None:
    """Every expected agent must exist in every set (or be built in, or `(self)`): a typo would otherwise
    read as a routing failure."""
    for label, agents in suite.sets:
        names = names_of(agents)
        known = [*names, *BUILTIN_AGENTS, SELF]
        for case in suite.requests:
            if case.expect not in known:
                at = f"{where}:{case.line}: " if where and case.line else (f"{where}: " if where else "")
                raise SuiteError(
                    f"{at}expects {case.expect!r}, which is not an agent in set {label!r}, a built-in agent "
                    f"({', '.join(BUILTIN_AGENTS)}) or {SELF}{did_you_mean(case.expect, known)}"
                )


@dataclass(frozen=True)
class RoutingRow:
    set: str
    router: str
    request: str
    expected: str
    picked: str  # an agent name (built-in ones included), or "(self)"; the most frequent over samples
    correct: bool
    answer: str  # claude-code: the first answer's detail and words; offline: the estimate's score
    source: str  # "offline", or where Claude Code's answers came from ("anthropic", "stand-in", ...)
    cached: bool
    share: float = float("nan")  # the share of samples that picked the expected label (claude-code)
    picks: tuple[tuple[str, int], ...] = ()  # label -> samples, most first (claude-code)


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

        columns = ["set", "router", "request", "expected", "picked", "correct", "share", "picks", "answer"]
        columns += ["source", "cached"]
        rows = [{**r.__dict__, "picks": dict(r.picks)} for r in self.rows]
        return pd.DataFrame(rows, columns=columns)

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
        router = ROUTER_ALIASES.get(router, router)
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
        router = ROUTER_ALIASES.get(router, router)
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
        endpoint), " · an estimate from descriptions" for the offline router; "" for Anthropic's answers."""
        if ROUTER_ALIASES.get(router, router) == "offline":
            return " · an estimate from names and descriptions, not Claude Code's routing"
        sources = {r.source for r in self._rows(set, router)} - {"offline", "anthropic"}
        if not sources:
            return ""
        return " · answers from " + ", ".join(sorted(source_label(s) for s in sources))

    def text(self) -> str:
        """Accuracy per set and router, then what each description loses: for terminals and notebooks."""
        lines = []
        for _, row in self.accuracy().iterrows():
            samples = self.suite.samples if row["router"] == "claude-code" else 1
            lines.append(
                f"{row['set']} · {row['router']} router: {row['correct']}/{row['requests']} correct "
                f"({row['accuracy']:.0%}, 95% CI {row['ci_low']:.0%}-{row['ci_high']:.0%})"
                + (f", most frequent of {samples} samples per request" if samples > 1 else "")
                + self.source_note(row["router"], row["set"])
            )
            for _, lost in self.lost(row["router"], row["set"]).iterrows():
                if lost["agent"] == SELF:
                    lines.append(
                        f"  {lost['request']!r} should stay with the main agent, went to {lost['went_to']}"
                    )
                else:
                    lines.append(f"  {lost['agent']} loses {lost['request']!r} to {lost['went_to']}")
        return "\n".join(lines)


# -- running --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClaudeCodePicks:
    """What Claude Code did first with one request over one set, over the suite's samples."""

    picks: tuple[tuple[str, int], ...]  # label -> samples, most first; `(self)` for the main agent
    answer: str  # the first answer's detail and words
    source: str
    cached: bool

    @property
    def top(self) -> str:
        return self.picks[0][0] if self.picks else SELF

    def share(self, label: str) -> float:
        total = sum(n for _, n in self.picks)
        return dict(self.picks).get(label, 0) / total if total else float("nan")


# claude_code_route(suite, set label, agents, request) -> what Claude Code did
ClaudeCodeRoute = Callable[[RoutingSuite, str, Sequence[Agent], str], ClaudeCodePicks]
LiveRoute = ClaudeCodeRoute  # the older name


def routing_key(suite: RoutingSuite, agents: Sequence[Agent], request: str, model: str | None) -> str:
    """What the Claude Code router sees of a set (names, descriptions, tools) plus the request, model and
    samples: the key of a set's answers in the evaluation cache (suites over a scratch project only)."""
    seen = [(a.qualified_name or a.name, a.description, a.tools) for a in routable(agents)]
    payload = {
        "agents": seen, "request": request, "model": model, "kind": "route", "router": "claude-code/2",
        "samples": suite.samples,
    }  # fmt: skip
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def scratch_project(agents: Sequence[Agent]) -> tuple[Path, Path]:
    """(a project holding exactly these agents in .claude/agents, an empty Claude config), made once per set
    under $AGENTKIT_HOME/routing so that Claude Code's request, its capture and its samples are the same
    from run to run (the user's own config and agents stay out of an evaluation)."""
    texts = sorted((a.path.name, a.render()) for a in agents)
    digest = hashlib.sha256(json.dumps(texts).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    base = home() / "routing"
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


def claude_code_picks(
    suite: RoutingSuite, label: str, agents: Sequence[Agent], request: str, *, no_cache: bool = False
) -> ClaudeCodePicks:
    """What Claude Code's main loop does first with `request`, `suite.samples` times: over the set in a
    scratch project, or in the suite's project with the set applied as an edit."""
    options: dict[str, Any] = {"samples": suite.samples, "model": suite.model, "cache": not no_cache}
    if suite.project is not None:
        edits = None if label == suite.project_set else list(agents)
        routed = route(request, suite.project, agents=edits, **options)
    else:
        project, config = scratch_project(routable(agents))
        routed = route(request, project, config_dir=config, **options)
    answered = routed.answered
    if not answered:
        raise LiveError(routed.samples[0].error or "no sample was answered")
    counts = sorted(routed.picks.items(), key=lambda item: (-item[1], item[0] != SELF, item[0]))
    first = answered[0]
    return ClaudeCodePicks(
        tuple(counts),
        f"{first.detail}: {first.words}".strip(": "),
        routed.source,
        all(s.cached for s in answered),
    )


def run_routing_suite(suite: RoutingSuite, claude_code_route: ClaudeCodeRoute) -> RoutingResults:
    """Route every request over every set with every router. Replay misses are gathered and raised once."""
    rows: list[RoutingRow] = []
    missing: list[str] = []
    for label, agents in suite.sets:
        router = Router(routable(agents)) if "offline" in suite.routers else None
        for case in suite.requests:
            if router is not None:
                ranking = router.route(case.request, top=1)
                top = str(ranking["name"].iloc[0]) if len(ranking) and ranking["score"].iloc[0] > 0 else SELF
                score = float(ranking["score"].iloc[0]) if len(ranking) else 0.0
                right = top == case.expect
                rows.append(
                    RoutingRow(
                        label, "offline", case.request, case.expect, top, right,
                        f"score {score:.3f}", "offline", False, float(right), ((top, 1),),
                    )
                )  # fmt: skip
            if "claude-code" in suite.routers:
                try:
                    found = claude_code_route(suite, label, agents, case.request)
                except ReplayMiss:
                    missing.append(f"{label}: {case.request!r}")
                    continue
                rows.append(
                    RoutingRow(
                        label, "claude-code", case.request, case.expect, found.top, found.top == case.expect,
                        found.answer, found.source, found.cached, found.share(case.expect), found.picks,
                    )
                )  # fmt: skip
    if missing:
        shown = "; ".join(missing[:5]) + (f"; and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise ReplayMiss(
            f"replay mode (AGENTKIT_REPLAY=1): {len(missing)} Claude Code routing decision(s) are not "
            f"recorded: {shown}"
        )
    return RoutingResults(suite, tuple(rows))
