"""Suites: which agent versions, on which prompts, checked how. A YAML file (read by `_suite_file`), or
the same built in Python.

    description: Reviewers on the bugs that matter
    agents: [../agents/code-reviewer.md, ../agents/reviewer-strict.md]   # files, folders, file@revision
    models: [sonnet]          # optional; default: each agent's own model
    repeat: 3                 # samples per case
    grader: {model: sonnet}   # llm-rubric's grader (optional)
    min_pass_rate: 0.8        # `agentkit eval` passes when every version passes this much (default: all)
    check_timeout: 10         # seconds a check may take (python checks, regexes); per assertion: timeout
    plugins: [checks.py]      # Python files that register assertion types (@evals.assertion)
    prompt: "Review: {{code}}"   # a template filled with each case's vars (optional)
    assert:                   # checked on every case (optional); {{var}} is filled per case
      - {type: cost, value: 0.05}
    cases:                    # a list, or a dataset file: cases: reviews.csv (CSV, JSONL or YAML)
      - id: mean-of-empty     # optional; default case-1, case-2, ...
        description: the empty list
        vars: {code: "def mean(xs): return sum(xs) / len(xs)"}
        threshold: 0.5        # optional: pass on the weighted score, not on every assertion
        files: {diff.txt: "..."}   # claude-code mode: files in the agent's working folder
      - id: follow-up
        prompt: [Review this diff, Now fix what you found]   # a conversation: user turns, in order
        assert: [{type: contains, value: fixed}, {type: contains, value: bug, turn: 1}]
        assert:
          - {type: contains, value: ZeroDivisionError, metric: finds-bug}
          - {type: llm-rubric, value: Points out the empty-list case and proposes a fix}
    routing:                  # optional: does Claude still delegate the right requests?
      agents: [../agents/]
      requests:
        - {request: "Review my pull request before I merge it", expect: pr-review-helper}

Paths are relative to the suite file. Every mistake is a SuiteError naming the file and line.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from agentkit import live
from agentkit._errors import SuiteError, did_you_mean
from agentkit._reader.agent import Agent
from agentkit.evals._agents import Version, agent_label, versions_from_spec
from agentkit.evals._checks import COMMON_KEYS, DEFAULT_CHECK_TIMEOUT_S, Assertion
from agentkit.evals._grader import DEFAULT_GRADER_MODEL, GRADER_SYSTEM_PROMPT
from agentkit.evals._registry import lookup
from agentkit.evals._template import render, render_text
from agentkit.live._routing.evaluation import RoutingSuite

DEFAULT_CONCURRENCY = 4
CASE_KEYS = ("id", "description", "prompt", "vars", "assert", "threshold", "files")

AssertionLike = Assertion | Mapping[str, Any] | Callable[..., Any]


def make_assertion(item: AssertionLike, where: str = "") -> Assertion:
    """An Assertion from an Assertion, a mapping like the YAML (type-specific keys included), or a
    callable (a python check)."""
    if isinstance(item, Assertion):
        return item
    if isinstance(item, Mapping):
        fields = dict(item)
        kind = lookup(fields.get("type"))  # type: ignore[arg-type]
        own = kind[0].keys if kind else ()
        known = (*COMMON_KEYS, *own)
        for key in fields:
            if key not in known and key != "line":
                raise SuiteError(f"{where}unknown assertion key {key!r}{did_you_mean(key, known)}")
        options = {k: fields.pop(k) for k in list(fields) if k in own and k not in ("threshold", "model")}
        return Assertion(**fields, options=options)
    if callable(item):
        return Assertion("python", item)
    raise SuiteError(f"an assertion is an Assertion, a mapping or a callable, not {type(item).__name__}")


def _fraction(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1


def _positive(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and math.isfinite(x) and x > 0


@dataclass(frozen=True)
class Case:
    """One prompt and what its answers must do. `asserts` takes Assertions, mappings, or callables.

    `vars` fill `{{var}}` in the prompt (or the suite's prompt template) and in assertion values;
    `threshold` makes a sample pass on its weighted score (>= threshold) instead of on every assertion.
    """

    prompt: str = ""  # empty: the suite's prompt template, filled with `vars`; a list: a conversation
    asserts: tuple[Assertion, ...] = ()
    id: str = ""  # set by the Suite when empty: case-1, case-2, ...
    line: int | None = None
    description: str = ""
    vars: Mapping[str, Any] = field(default_factory=dict)
    threshold: float | None = None
    # Claude Code mode: {relative path: text} put in the agent's working folder
    files: Mapping[str, str] = field(default_factory=dict)

    conversation: tuple[str, ...] = ()  # the user's turns when the prompt is a list (the prompt: the last)

    def __post_init__(self) -> None:
        name = self.id or "a case"
        if isinstance(self.prompt, list | tuple):
            turns = tuple(self.prompt)
            if not turns or not all(isinstance(t, str) and t.strip() for t in turns):
                raise SuiteError(f"{name}: a conversation is a list of non-empty user turns")
            object.__setattr__(self, "conversation", turns if len(turns) > 1 else ())
            object.__setattr__(self, "prompt", turns[-1])
        if not isinstance(self.files, Mapping) or not all(
            isinstance(k, str) and k.strip() and isinstance(v, str) for k, v in self.files.items()
        ):
            raise SuiteError(f"{name}: files must map relative paths to their text")
        object.__setattr__(self, "files", dict(self.files))
        if not isinstance(self.prompt, str):
            raise SuiteError(f"{name}: prompt must be text, not {type(self.prompt).__name__}")
        if not isinstance(self.description, str):
            raise SuiteError(f"{name}: description must be text, not {type(self.description).__name__}")
        if not isinstance(self.vars, Mapping) or not all(isinstance(k, str) for k in self.vars):
            raise SuiteError(f"{name}: vars must be a mapping of names to values")
        if self.threshold is not None and not _fraction(self.threshold):
            raise SuiteError(f"{name}: threshold must be a number from 0 to 1, not {self.threshold!r}")
        if isinstance(self.asserts, Mapping | str) or callable(self.asserts):
            raise SuiteError(f"{name}: asserts is a list of assertions")
        object.__setattr__(self, "vars", dict(self.vars))
        object.__setattr__(self, "asserts", tuple(make_assertion(a) for a in self.asserts))


@dataclass(frozen=True)
class Suite:
    """Agent versions x models x cases x samples. Build one in Python, or read a file with load_suite.

    `agents` takes Agents (an edited one included), file or folder specs (`file@revision` too), an
    AgentSet, or {label: agent or spec}; `cases` takes Cases, prompts, or mappings like the YAML.
    """

    agents: tuple[Version, ...]
    cases: tuple[Case, ...] = ()
    models: tuple[str | None, ...] = (None,)  # None: each agent's own model
    repeat: int = 1
    max_tokens: int = live.DEFAULT_MAX_TOKENS
    temperature: float | None = None
    concurrency: int = DEFAULT_CONCURRENCY
    grader_model: str = DEFAULT_GRADER_MODEL
    grader_prompt: str = GRADER_SYSTEM_PROMPT
    min_pass_rate: float | None = None
    assert_all: tuple[Assertion, ...] = ()  # checked on every case
    routing: RoutingSuite | None = None
    live_options: Mapping[str, Any] = field(default_factory=dict)  # passed to live.run (mode=, ...)
    description: str = ""
    path: Path | None = None
    prompt: str | None = None  # a template for cases without a prompt of their own, filled with vars
    check_timeout: float = DEFAULT_CHECK_TIMEOUT_S
    _asserts: Mapping[str, tuple[Assertion, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        base = self.path.parent if self.path is not None else Path.cwd()
        object.__setattr__(self, "agents", tuple(_versions(self.agents, base)))
        object.__setattr__(self, "assert_all", tuple(make_assertion(a) for a in self.assert_all))
        if self.prompt is not None and (not isinstance(self.prompt, str) or not self.prompt.strip()):
            raise SuiteError(f"the prompt template must be non-empty text, not {self.prompt!r}")
        cases = [self._fill(_case(c, i)) for i, c in enumerate(self.cases)]
        object.__setattr__(self, "cases", tuple(c for c, _ in cases))
        object.__setattr__(self, "_asserts", {c.id: asserts for c, asserts in cases})
        models = (self.models,) if isinstance(self.models, str) or self.models is None else tuple(self.models)
        object.__setattr__(self, "models", models or (None,))
        if self.cases and not self.agents:
            raise SuiteError("a suite with cases needs at least one agent")
        if not self.cases and self.routing is None:
            raise SuiteError("a suite needs cases, or a routing section, or both")
        _unique([v.label for v in self.agents], "agent version")
        _unique([c.id for c in self.cases], "case id")
        _unique([m or "" for m in self.models], "model")
        for name, value, low in (("repeat", self.repeat, 1), ("concurrency", self.concurrency, 1)):
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise SuiteError(f"{name} must be a whole number >= {low}, not {value!r}")
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            raise SuiteError(f"max_tokens must be a whole number >= 1, not {self.max_tokens!r}")
        if self.min_pass_rate is not None and not _fraction(self.min_pass_rate):
            raise SuiteError(f"min_pass_rate must be a number from 0 to 1, not {self.min_pass_rate!r}")
        if not _positive(self.check_timeout):
            raise SuiteError(
                f"check_timeout must be a positive number of seconds, not {self.check_timeout!r}"
            )

    def _fill(self, case: Case) -> tuple[Case, tuple[Assertion, ...]]:
        """The case with its prompt filled in, and every assertion that applies to it, vars filled in."""
        asserts = self.assert_all + case.asserts
        if not case.vars and (case.prompt or self.prompt is None):
            if not case.prompt.strip():
                raise SuiteError(f"{case.id}: prompt must be non-empty text")
            return case, asserts
        where = f"{case.id}: "
        template = case.prompt or self.prompt
        if not template:
            raise SuiteError(f"{case.id}: the case has no prompt, and the suite has no prompt template")
        turns = [render_text(t, case.vars, f"{where}the prompt ") for t in (case.conversation or (template,))]
        if not all(t.strip() for t in turns):
            raise SuiteError(f"{case.id}: the prompt is empty once its vars are filled in")
        filled = tuple(_fill_assertion(a, case.vars, where) for a in asserts)
        conversation = tuple(turns) if case.conversation else ()
        return replace(case, prompt=turns[-1], conversation=conversation), filled

    @property
    def versions(self) -> list[str]:
        return [v.label for v in self.agents]

    def version(self, label: str) -> Version:
        for v in self.agents:
            if v.label == label:
                return v
        raise KeyError(f"no agent version {label!r}; versions: {', '.join(self.versions)}")

    def asserts_for(self, case: Case) -> tuple[Assertion, ...]:
        """Every assertion of the case (the suite's first), with the case's vars filled in."""
        return getattr(self, "_asserts", {}).get(case.id, self.assert_all + case.asserts)

    def assertions(self) -> list[Assertion]:
        return [a for c in self.cases for a in self.asserts_for(c)]

    @property
    def runs(self) -> int:
        """Answers the suite asks for (each model-graded check adds a grading run per answer)."""
        return len(self.agents) * len(self.models) * len(self.cases) * self.repeat

    def __repr__(self) -> str:
        name = f" {self.path.name}" if self.path else ""
        routing = f", routing {len(self.routing.requests)} requests" if self.routing else ""
        return (
            f"<Suite{name}: {len(self.agents)} versions x {len(self.models)} model(s) x {len(self.cases)} cases "
            f"x {self.repeat} sample(s){routing}>"
        )


def _fill_assertion(a: Assertion, variables: Mapping[str, Any], where: str) -> Assertion:
    at = f"{where}{a.type}" + (f" (line {a.line})" if a.line else "") + " "
    value = a.value if callable(a.value) else render(a.value, variables, at)
    options = render(dict(a.options), variables, at)
    if value is a.value and options == a.options:
        return a
    return replace(a, value=value, options=options)


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise SuiteError(f"the {what} {value!r} appears twice")
        seen.add(value)


def _case(item: Case | str | Mapping[str, Any], index: int) -> Case:
    if isinstance(item, str):
        item = Case(item)
    elif isinstance(item, Mapping):
        unknown = [k for k in item if k not in (*CASE_KEYS, "asserts")]
        if unknown:
            raise SuiteError(f"unknown case key {unknown[0]!r}{did_you_mean(unknown[0], CASE_KEYS)}")
        fields = {k: v for k, v in item.items() if k not in ("assert", "asserts")}
        item = Case(**fields, asserts=tuple(item.get("asserts", item.get("assert", ()))))
    elif not isinstance(item, Case):
        raise SuiteError(f"a case is a Case, a prompt or a mapping, not {type(item).__name__}")
    if not item.id:
        item = replace(item, id=f"case-{index + 1}")
    return item


def _versions(agents: Any, base: Path) -> list[Version]:
    if isinstance(agents, Agent | str | Path | Version):
        agents = [agents]
    if isinstance(agents, Mapping):
        out = []
        for label, value in agents.items():
            if isinstance(value, Agent):
                out.append(Version(str(label), value, "(in memory)"))
            else:
                out.extend(versions_from_spec(str(value), base, str(label)))
        return out
    out = []
    for item in agents:
        if isinstance(item, Version):
            out.append(item)
        elif isinstance(item, Agent):
            if not item.loaded:
                raise SuiteError(f"{item.path}: Claude Code would not load this agent: {item.reason}")
            out.append(Version(agent_label(item), item, "(in memory)"))
        else:
            out.extend(versions_from_spec(str(item), base))
    return disambiguate(out)


def disambiguate(versions: list[Version]) -> list[Version]:
    """Two versions with the same label (two files both named code-reviewer): add the file name."""
    paths: dict[str, set[Path]] = {}
    for v in versions:
        paths.setdefault(v.label, set()).add(v.agent.path)
    out = []
    for v in versions:
        # The same file twice stays a duplicate (an error); different files get their file names.
        if len(paths[v.label]) > 1 and v.origin != "(in memory)":
            v = Version(f"{v.label} ({v.agent.path.name})", v.agent, v.origin, v.revision, v.commit)
        out.append(v)
    return out
