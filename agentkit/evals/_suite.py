"""Suites: which agent versions, on which prompts, checked how. A YAML file, or the same built in Python.

    description: Reviewers on the bugs that matter
    agents: [../agents/code-reviewer.md, ../agents/reviewer-strict.md]   # files, folders, file@revision
    models: [sonnet]          # optional; default: each agent's own model
    repeat: 3                 # samples per case
    grader: {model: sonnet}   # llm-rubric's grader (optional)
    min_pass_rate: 0.8        # `agentkit eval` exits 1 when a version passes less (optional)
    assert:                   # checked on every case (optional)
      - {type: cost, value: 0.05}
    cases:
      - id: mean-of-empty     # optional; default case-1, case-2, ...
        prompt: "Review: def mean(xs): return sum(xs) / len(xs)"
        assert:
          - {type: contains, value: ZeroDivisionError}
          - {type: llm-rubric, value: Points out the empty-list case and proposes a fix}
    routing:                  # optional: does Claude still delegate the right requests?
      agents: [../agents/]
      requests:
        - {request: "Review my pull request before I merge it", expect: pr-review-helper}

Paths are relative to the suite file. Every mistake is a SuiteError naming the file and line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agentkit import live
from agentkit._errors import SuiteError
from agentkit._reader.agent import Agent
from agentkit._reader.scan import read_text_safely
from agentkit.evals._agents import Version, agent_label, versions_from_spec
from agentkit.evals._checks import ASSERTION_KEYS, Assertion, did_you_mean, load_callable, validate
from agentkit.evals._grader import DEFAULT_GRADER_MODEL, GRADER_SYSTEM_PROMPT
from agentkit.evals._routing import NONE, ROUTERS, RoutingCase, RoutingSuite, check_expectations
from agentkit.evals._yaml import LocatedDict, LocatedList, line_of, load_located

SUITE_KEYS = (
    "description",
    "agents",
    "models",
    "repeat",
    "max_tokens",
    "temperature",
    "concurrency",
    "mode",
    "grader",
    "min_pass_rate",
    "assert",
    "cases",
    "routing",
)
CASE_KEYS = ("id", "prompt", "assert", "description")
GRADER_KEYS = ("model", "prompt")
ROUTING_KEYS = ("agents", "model", "routers", "min_accuracy", "requests")
REQUEST_KEYS = ("request", "expect")
DEFAULT_CONCURRENCY = 4

AssertionLike = Assertion | Mapping[str, Any] | Callable[..., Any]


def _assertion(item: AssertionLike) -> Assertion:
    if isinstance(item, Assertion):
        return item
    if isinstance(item, Mapping):
        unknown = [k for k in item if k not in ASSERTION_KEYS]
        if unknown:
            raise SuiteError(
                f"unknown assertion key {unknown[0]!r}{did_you_mean(unknown[0], ASSERTION_KEYS)}"
            )
        return Assertion(**item)
    if callable(item):
        return Assertion("python", item)
    raise SuiteError(f"an assertion is an Assertion, a mapping or a callable, not {type(item).__name__}")


@dataclass(frozen=True)
class Case:
    """One prompt and what its answers must do. `asserts` takes Assertions, mappings, or callables."""

    prompt: str
    asserts: tuple[Assertion, ...] = ()
    id: str = ""  # set by the Suite when empty: case-1, case-2, ...
    line: int | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.prompt, str) or not self.prompt.strip():
            raise SuiteError(f"{self.id or 'a case'}: prompt must be non-empty text")
        object.__setattr__(self, "asserts", tuple(_assertion(a) for a in self.asserts))


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

    def __post_init__(self) -> None:
        base = self.path.parent if self.path is not None else Path.cwd()
        object.__setattr__(self, "agents", tuple(_versions(self.agents, base)))
        cases = [_case(c, i) for i, c in enumerate(self.cases)]
        object.__setattr__(self, "cases", tuple(cases))
        object.__setattr__(self, "assert_all", tuple(_assertion(a) for a in self.assert_all))
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

    @property
    def versions(self) -> list[str]:
        return [v.label for v in self.agents]

    def version(self, label: str) -> Version:
        for v in self.agents:
            if v.label == label:
                return v
        raise KeyError(f"no agent version {label!r}; versions: {', '.join(self.versions)}")

    def asserts_for(self, case: Case) -> tuple[Assertion, ...]:
        return self.assert_all + case.asserts

    @property
    def runs(self) -> int:
        """Answers the suite asks for (each llm-rubric adds a grading run per answer)."""
        return len(self.agents) * len(self.models) * len(self.cases) * self.repeat

    def __repr__(self) -> str:
        name = f" {self.path.name}" if self.path else ""
        routing = f", routing {len(self.routing.requests)} requests" if self.routing else ""
        return (
            f"<Suite{name}: {len(self.agents)} versions x {len(self.models)} model(s) x {len(self.cases)} cases "
            f"x {self.repeat} sample(s){routing}>"
        )


def _fraction(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1


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
        unknown = [k for k in item if k not in ("prompt", "asserts", "assert", "id")]
        if unknown:
            raise SuiteError(f"unknown case key {unknown[0]!r}{did_you_mean(unknown[0], CASE_KEYS)}")
        item = Case(item["prompt"], tuple(item.get("asserts", item.get("assert", ()))), item.get("id", ""))
    if not item.id:
        item = Case(item.prompt, item.asserts, f"case-{index + 1}", item.line)
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
    return _disambiguate(out)


def _disambiguate(versions: list[Version]) -> list[Version]:
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


# -- reading a suite file ---------------------------------------------------------------------------


class _Reader:
    """Walks the parsed YAML, checking every key and value, with the line for each error."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.where = str(path)

    def fail(self, line: int | None, message: str) -> SuiteError:
        return SuiteError(f"{self.where}:{line}: {message}" if line else f"{self.where}: {message}")

    def mapping(self, value: Any, what: str, keys: tuple[str, ...], line: int | None) -> LocatedDict:
        if not isinstance(value, LocatedDict):
            raise self.fail(
                line_of(value, line), f"{what} must be a mapping (key: value), not {_kind(value)}"
            )
        for key in value:
            if key not in keys:
                raise self.fail(
                    value.key_lines[key],
                    f"unknown key {key!r} in {what}{did_you_mean(key, keys)}; known: {', '.join(keys)}",
                )
        return value

    def sequence(self, value: Any, what: str, line: int | None) -> LocatedList:
        if not isinstance(value, LocatedList):
            raise self.fail(line_of(value, line), f"{what} must be a list, not {_kind(value)}")
        return value

    def text(self, value: Any, what: str, line: int | None) -> str:
        if not isinstance(value, str) or not value.strip():
            raise self.fail(line, f"{what} must be non-empty text, not {_kind(value)}")
        return value

    def suite(self, document: Any) -> Suite:
        top = self.mapping(document, "the suite", SUITE_KEYS, 1)
        at = top.key_lines.get

        def get(key: str, default: Any = None) -> Any:
            return top.get(key, default)

        base = self.path.parent
        agents: list[Version] = []
        if "agents" in top:
            agents = self.agents(top["agents"], at("agents"), base)
        models: tuple[str | None, ...] = (None,)
        if "models" in top:
            listed = self.sequence(top["models"], "models", at("models"))
            models = tuple(self.text(m, "a model", listed.item_lines[i]) for i, m in enumerate(listed)) or (
                None,
            )
        grader_model, grader_prompt = DEFAULT_GRADER_MODEL, GRADER_SYSTEM_PROMPT
        if "grader" in top:
            grader = self.mapping(top["grader"], "grader", GRADER_KEYS, at("grader"))
            grader_model = self.text(
                grader.get("model", grader_model), "grader.model", grader.key_lines.get("model")
            )
            grader_prompt = self.text(
                grader.get("prompt", grader_prompt), "grader.prompt", grader.key_lines.get("prompt")
            )
        assert_all = self.assertions(get("assert", LocatedList()), at("assert"), base)
        cases: list[Case] = []
        if "cases" in top:
            listed = self.sequence(top["cases"], "cases", at("cases"))
            cases = [self.case(item, listed.item_lines[i], i, base) for i, item in enumerate(listed)]
            if not cases:
                raise self.fail(at("cases"), "cases is empty")
        routing = self.routing(top["routing"], at("routing"), base) if "routing" in top else None
        options: dict[str, Any] = {}
        if "mode" in top:
            options["mode"] = self.text(top["mode"], "mode", at("mode"))
        numbers = {}
        for key, default in (
            ("repeat", 1),
            ("concurrency", DEFAULT_CONCURRENCY),
            ("max_tokens", live.DEFAULT_MAX_TOKENS),
        ):
            value = get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise self.fail(at(key), f"{key} must be a whole number >= 1, not {value!r}")
            numbers[key] = value
        temperature = get("temperature")
        if temperature is not None and not _fraction(temperature):
            raise self.fail(
                at("temperature"), f"temperature must be a number from 0 to 1, not {temperature!r}"
            )
        min_pass_rate = get("min_pass_rate")
        if min_pass_rate is not None and not _fraction(min_pass_rate):
            raise self.fail(
                at("min_pass_rate"), f"min_pass_rate must be a number from 0 to 1, not {min_pass_rate!r}"
            )
        if cases and not agents:
            raise self.fail(1, "the suite has cases but no agents: add `agents: [path/to/agent.md]`")
        if not cases and routing is None:
            raise self.fail(1, "the suite has neither cases nor routing")
        description = get("description", "")
        if not isinstance(description, str):
            raise self.fail(at("description"), "description must be text")
        try:
            return Suite(
                agents=tuple(agents),
                cases=tuple(cases),
                models=models,
                temperature=temperature,
                grader_model=grader_model,
                grader_prompt=grader_prompt,
                min_pass_rate=min_pass_rate,
                assert_all=assert_all,
                routing=routing,
                live_options=options,
                description=description,
                path=self.path,
                **numbers,
            )
        except SuiteError as e:
            raise SuiteError(f"{self.where}: {e}") from None

    def agents(self, value: Any, line: int | None, base: Path) -> list[Version]:
        out: list[Version] = []
        if isinstance(value, LocatedDict):
            for label, spec in value.items():
                at = value.key_lines[label]
                out.extend(self._spec(spec, at, base, label))
        else:
            listed = self.sequence(value, "agents", line)
            for i, spec in enumerate(listed):
                out.extend(self._spec(spec, listed.item_lines[i], base, None))
        if not out:
            raise self.fail(line, "agents is empty")
        return _disambiguate(out)

    def _spec(self, spec: Any, line: int, base: Path, label: str | None) -> list[Version]:
        spec = self.text(spec, "an agent (a file, a folder, or file@revision)", line)
        try:
            return versions_from_spec(spec, base, label)
        except SuiteError as e:
            raise self.fail(line, str(e)) from None

    def case(self, value: Any, line: int, index: int, base: Path) -> Case:
        item = self.mapping(value, "a case", CASE_KEYS, line)
        at = item.key_lines.get
        if "prompt" not in item:
            raise self.fail(line, "a case needs a prompt")
        prompt = self.text(item["prompt"], "prompt", at("prompt"))
        case_id = item.get("id", f"case-{index + 1}")
        if isinstance(case_id, int) and not isinstance(case_id, bool):
            case_id = str(case_id)
        case_id = self.text(case_id, "id", at("id"))
        asserts = self.assertions(item.get("assert", LocatedList()), at("assert"), base)
        return Case(prompt, asserts, case_id, line)

    def assertions(self, value: Any, line: int | None, base: Path) -> tuple[Assertion, ...]:
        listed = self.sequence(value, "assert", line)
        out = []
        for i, raw in enumerate(listed):
            at = listed.item_lines[i]
            item = self.mapping(raw, "an assertion", ASSERTION_KEYS, at)
            if "type" not in item:
                raise self.fail(at, "an assertion needs a type (contains, regex, llm-rubric, ...)")
            fields = {k: item[k] for k in ASSERTION_KEYS if k in item}
            fields.setdefault("weight", 1.0)
            for key in ("threshold", "model"):
                fields.setdefault(key, None)
            fields.setdefault("value", None)
            validate(SimpleNamespace(**fields, line=at), self.where)
            if str(fields["type"]).removeprefix("not-") == "python":
                try:
                    fields["value"] = load_callable(fields["value"], base, None)
                except Exception as e:
                    raise self.fail(at, str(e)) from None
            out.append(Assertion(**fields, line=at))
        return tuple(out)

    def routing(self, value: Any, line: int | None, base: Path) -> RoutingSuite:
        section = self.mapping(value, "routing", ROUTING_KEYS, line)
        at = section.key_lines.get
        if "agents" not in section:
            raise self.fail(line, "routing needs agents: the set Claude chooses from (a folder, or files)")
        if "requests" not in section:
            raise self.fail(line, "routing needs requests: [{request: ..., expect: agent-name}]")
        sets = self.agent_sets(section["agents"], at("agents"), base)
        routers: tuple[str, ...] = ROUTERS
        if "routers" in section:
            listed = self.sequence(section["routers"], "routers", at("routers"))
            for i, router in enumerate(listed):
                if router not in ROUTERS:
                    raise self.fail(
                        listed.item_lines[i], f"unknown router {router!r}: use offline and/or live"
                    )
            routers = tuple(listed)
        model = section.get("model")
        if model is not None:
            model = self.text(model, "routing.model", at("model"))
        min_accuracy = section.get("min_accuracy")
        if min_accuracy is not None and not _fraction(min_accuracy):
            raise self.fail(
                at("min_accuracy"), f"min_accuracy must be a number from 0 to 1, not {min_accuracy!r}"
            )
        listed = self.sequence(section["requests"], "requests", at("requests"))
        requests = []
        for i, raw in enumerate(listed):
            item_line = listed.item_lines[i]
            item = self.mapping(raw, "a routing request", REQUEST_KEYS, item_line)
            if "request" not in item or "expect" not in item:
                raise self.fail(
                    item_line, "a routing request needs request: and expect: (an agent name, or none)"
                )
            expect = item["expect"]
            expect = NONE if expect is None else self.text(expect, "expect", item.key_lines["expect"])
            requests.append(
                RoutingCase(
                    self.text(item["request"], "request", item.key_lines["request"]), expect, item_line
                )
            )
        if not requests:
            raise self.fail(at("requests"), "requests is empty")
        suite = RoutingSuite(tuple(sets), tuple(requests), routers, model, min_accuracy)
        check_expectations(suite, self.where)
        return suite

    def agent_sets(self, value: Any, line: int | None, base: Path) -> list[tuple[str, tuple[Agent, ...]]]:
        """One set (a list of specs), or {label: spec or list of specs} to compare versions of a set."""
        if isinstance(value, LocatedDict):
            out = []
            for label, specs in value.items():
                at = value.key_lines[label]
                items = specs if isinstance(specs, LocatedList) else [specs]
                lines = specs.item_lines if isinstance(specs, LocatedList) else [at]
                agents = [
                    v.agent for s, n in zip(items, lines, strict=True) for v in self._spec(s, n, base, None)
                ]
                out.append((str(label), tuple(agents)))
            return out
        items = value if isinstance(value, LocatedList) else [value]
        lines = value.item_lines if isinstance(value, LocatedList) else [line or 0]
        agents = [v.agent for s, n in zip(items, lines, strict=True) for v in self._spec(s, n, base, None)]
        return [("agents", tuple(agents))]


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return {"LocatedDict": "a mapping", "LocatedList": "a list"}.get(
        type(value).__name__, type(value).__name__
    )


def load_suite(path: str | Path) -> Suite:
    """Read a suite file (YAML). Raises SuiteError with the file and line of the first problem."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        raise SuiteError(f"{path}: no such suite file")
    try:
        text = read_text_safely(path, limit=SUITE_MAX_BYTES)
    except ValueError as e:
        raise SuiteError(f"{path}: cannot read it: {e}") from None
    try:
        document = load_located(text, str(path))
        if document is None:
            raise SuiteError(f"{path}: the suite is empty")
        return _Reader(path).suite(document)
    except RecursionError:  # an alias inside itself (`a: &a [*a]`), or nesting deeper than Python's stack
        raise SuiteError(
            f"{path}: the suite refers to itself (an alias inside its own anchor) or is nested too deeply"
        ) from None


SUITE_MAX_BYTES = 16 * 1024 * 1024


def suite_from(value: Suite | str | Path) -> Suite:
    return value if isinstance(value, Suite) else load_suite(value)
