"""Reading a suite file (YAML): every key and value checked, every mistake a SuiteError with its line.

The keys are documented in `_suite`. A suite's `plugins` (Python files registering assertion types with
`@evals.assertion`) are imported before its assertions are read, so its cases can use those types.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

from agentkit import live
from agentkit._errors import EvalError, SuiteError, did_you_mean
from agentkit._reader.agent import Agent
from agentkit._reader.scan import read_text_safely
from agentkit.evals._agents import Version, versions_from_spec
from agentkit.evals._builtin import load_callable, load_module
from agentkit.evals._checks import COMMON_KEYS, DEFAULT_CHECK_TIMEOUT_S, Assertion, validate
from agentkit.evals._dataset import read_rows
from agentkit.evals._grader import DEFAULT_GRADER_MODEL, GRADER_SYSTEM_PROMPT
from agentkit.evals._registry import lookup
from agentkit.evals._suite import CASE_KEYS, DEFAULT_CONCURRENCY, Case, Suite, disambiguate
from agentkit.evals._template import names_in
from agentkit.evals._yaml import LocatedDict, LocatedList, line_of, load_located
from agentkit.live._routing.evaluation import (
    ROUTERS,
    SELF,
    RoutingCase,
    RoutingSuite,
    check_expectations,
    expected_label,
    project_agents,
    router_name,
)

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
    "check_timeout",
    "plugins",
    "prompt",
    "assert",
    "cases",
    "routing",
)
GRADER_KEYS = ("model", "prompt")
ROUTING_KEYS = ("agents", "project", "samples", "model", "routers", "min_accuracy", "requests")
REQUEST_KEYS = ("request", "expect")
SUITE_MAX_BYTES = 16 * 1024 * 1024


def _fraction(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool) and 0 <= x <= 1


def _kind(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return {"LocatedDict": "a mapping", "LocatedList": "a list"}.get(
        type(value).__name__, type(value).__name__
    )


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
        base = self.path.parent
        if "plugins" in top:  # first: the cases may use the types they register
            self.plugins(top["plugins"], at("plugins"), base)
        agents: list[Version] = self.agents(top["agents"], at("agents"), base) if "agents" in top else []
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
        template = self.text(top["prompt"], "prompt", at("prompt")) if "prompt" in top else None
        assert_all = self.assertions(top.get("assert", LocatedList()), at("assert"), base)
        cases: list[Case] = []
        if "cases" in top:
            cases = self.cases(top["cases"], at("cases"), base, template, assert_all)
        routing = self.routing(top["routing"], at("routing"), base) if "routing" in top else None
        options: dict[str, Any] = {}
        if "mode" in top:
            options["mode"] = self.text(top["mode"], "mode", at("mode"))
        numbers: dict[str, Any] = {}
        for key, default in (
            ("repeat", 1),
            ("concurrency", DEFAULT_CONCURRENCY),
            ("max_tokens", live.DEFAULT_MAX_TOKENS),
        ):
            value = top.get(key, default)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise self.fail(at(key), f"{key} must be a whole number >= 1, not {value!r}")
            numbers[key] = value
        temperature = top.get("temperature")
        if temperature is not None and not _fraction(temperature):
            raise self.fail(
                at("temperature"), f"temperature must be a number from 0 to 1, not {temperature!r}"
            )
        min_pass_rate = top.get("min_pass_rate")
        if min_pass_rate is not None and not _fraction(min_pass_rate):
            raise self.fail(
                at("min_pass_rate"), f"min_pass_rate must be a number from 0 to 1, not {min_pass_rate!r}"
            )
        check_timeout = top.get("check_timeout", DEFAULT_CHECK_TIMEOUT_S)
        if (
            isinstance(check_timeout, bool)
            or not isinstance(check_timeout, int | float)
            or not check_timeout > 0
        ):
            raise self.fail(
                at("check_timeout"),
                f"check_timeout must be a positive number of seconds, not {check_timeout!r}",
            )
        if cases and not agents:
            raise self.fail(1, "the suite has cases but no agents: add `agents: [path/to/agent.md]`")
        if not cases and routing is None:
            raise self.fail(1, "the suite has neither cases nor routing")
        description = top.get("description", "")
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
                prompt=template,
                check_timeout=float(check_timeout),
                **numbers,
            )
        except SuiteError as e:
            raise SuiteError(f"{self.where}: {e}") from None

    def plugins(self, value: Any, line: int | None, base: Path) -> None:
        listed = self.sequence(value, "plugins", line)
        for i, item in enumerate(listed):
            at = listed.item_lines[i]
            name = self.text(item, "a plugin (a Python file)", at)
            try:
                load_module(base / name)
            except EvalError as e:
                raise self.fail(at, f"plugins: {e}") from None
            except SuiteError as e:  # a bad @assertion(...) in it
                raise self.fail(at, f"plugins: {name}: {e}") from None

    def agents(self, value: Any, line: int | None, base: Path) -> list[Version]:
        out: list[Version] = []
        if isinstance(value, LocatedDict):
            for label, spec in value.items():
                out.extend(self._spec(spec, value.key_lines[label], base, label))
        else:
            listed = self.sequence(value, "agents", line)
            for i, spec in enumerate(listed):
                out.extend(self._spec(spec, listed.item_lines[i], base, None))
        if not out:
            raise self.fail(line, "agents is empty")
        return disambiguate(out)

    def _spec(self, spec: Any, line: int, base: Path, label: str | None) -> list[Version]:
        spec = self.text(spec, "an agent (a file, a folder, or file@revision)", line)
        try:
            return versions_from_spec(spec, base, label)
        except SuiteError as e:
            raise self.fail(line, str(e)) from None

    def cases(
        self, value: Any, line: int | None, base: Path, template: str | None, shared: tuple[Assertion, ...]
    ) -> list[Case]:
        if isinstance(value, str):  # a dataset file
            shown = value
            rows = read_rows(base / value, shown)
            used = {n: "the assertion on line " + str(a.line) for a in shared for n in _names(a.value)}
            used.update({n: "the prompt template" for n in names_in(template or "")})
            out = []
            for index, row in enumerate(rows):
                variables = dict(row.vars)
                prompt = ""
                if template is None:
                    if "prompt" not in variables:
                        raise SuiteError(
                            f"{shown}:{row.line}: no 'prompt' column, and the suite has no prompt template"
                        )
                    prompt = str(variables.pop("prompt"))
                for name, user in used.items():
                    root = name.split(".")[0]
                    if root not in variables:
                        raise SuiteError(
                            f"{shown}:{row.line}: no column {root!r} ({user} uses {{{{{name}}}}})"
                        )
                    if variables[root] in ("", None):
                        raise SuiteError(f"{shown}:{row.line}: column {root!r} is empty ({user} uses it)")
                case_id = row.id or f"case-{index + 1}"
                out.append(
                    _case(f"{shown}:{row.line}", prompt, (), case_id, row.line, row.description, variables)
                )
            return out
        listed = self.sequence(value, "cases (a list, or a dataset file)", line)
        if not listed:
            raise self.fail(line, "cases is empty")
        return [self.case(item, listed.item_lines[i], i, base, template) for i, item in enumerate(listed)]

    def case(self, value: Any, line: int, index: int, base: Path, template: str | None) -> Case:
        item = self.mapping(value, "a case", CASE_KEYS, line)
        at = item.key_lines.get
        if "prompt" not in item and template is None:
            raise self.fail(line, "a case needs a prompt (or the suite a prompt template and the case vars)")
        prompt: Any = ""
        if isinstance(item.get("prompt"), LocatedList):  # a conversation: the user's turns
            listed = item["prompt"]
            prompt = [
                self.text(t, "a turn of the conversation", listed.item_lines[i]) for i, t in enumerate(listed)
            ]
            if not prompt:
                raise self.fail(at("prompt"), "prompt is an empty conversation")
        elif "prompt" in item:
            prompt = self.text(item["prompt"], "prompt", at("prompt"))
        case_id = item.get("id", f"case-{index + 1}")
        if isinstance(case_id, int) and not isinstance(case_id, bool):
            case_id = str(case_id)
        case_id = self.text(case_id, "id", at("id"))
        description = item.get("description", "")
        if not isinstance(description, str):
            raise self.fail(at("description"), f"description must be text, not {_kind(description)}")
        variables: dict[str, Any] = {}
        if "vars" in item:
            if not isinstance(item["vars"], LocatedDict):
                raise self.fail(
                    at("vars"), f"vars must be a mapping (name: value), not {_kind(item['vars'])}"
                )
            variables = dict(item["vars"])
        threshold = item.get("threshold")
        if threshold is not None and not _fraction(threshold):
            raise self.fail(at("threshold"), f"threshold must be a number from 0 to 1, not {threshold!r}")
        asserts = self.assertions(item.get("assert", LocatedList()), at("assert"), base)
        files = item.get("files", {})
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise self.fail(at("files"), "files must map relative paths to their text (path: text)")
        fields = (prompt, asserts, case_id, line, description, variables, threshold, dict(files))
        return _case(f"{self.where}:{line}", *fields)

    def assertions(self, value: Any, line: int | None, base: Path) -> tuple[Assertion, ...]:
        listed = self.sequence(value, "assert", line)
        out = []
        for i, raw in enumerate(listed):
            at = listed.item_lines[i]
            if not isinstance(raw, LocatedDict):
                raise self.fail(
                    at, f"an assertion must be a mapping (type: ..., value: ...), not {_kind(raw)}"
                )
            if "type" not in raw:
                raise self.fail(at, "an assertion needs a type (contains, regex, llm-rubric, ...)")
            found = lookup(raw["type"])
            own = found[0].keys if found else ()
            item = self.mapping(raw, "an assertion", (*COMMON_KEYS, *own), at)
            fields = {k: item[k] for k in (*COMMON_KEYS, "model") if k in item}
            fields.setdefault("weight", 1.0)
            for key in ("threshold", "model", "metric", "timeout", "value", "turn"):
                fields.setdefault(key, None)
            options = {k: item[k] for k in own if k in item and k not in ("threshold", "model")}
            validate(SimpleNamespace(**fields, options=options, line=at), self.where)
            if found is not None and found[0].name == "python" and isinstance(fields["value"], str):
                try:
                    fields["value"] = load_callable(fields["value"], base, None)
                except EvalError as e:
                    raise self.fail(at, f"python: {e}") from None
            out.append(Assertion(**fields, options=options, line=at))
        return tuple(out)

    def routing(self, value: Any, line: int | None, base: Path) -> RoutingSuite:
        section = self.mapping(value, "routing", ROUTING_KEYS, line)
        at = section.key_lines.get
        if "agents" not in section and "project" not in section:
            raise self.fail(
                line,
                "routing needs agents: (the set Claude Code chooses from: a folder, or files), "
                "or project: (a folder Claude Code runs in), or both",
            )
        if "requests" not in section:
            raise self.fail(line, f"routing needs requests: [{{request: ..., expect: agent-name or {SELF}}}]")
        project = None
        if "project" in section:
            folder = (base / self.text(section["project"], "routing.project", at("project"))).resolve()
            if not folder.is_dir():
                raise self.fail(at("project"), f"project {str(folder)!r} is not a folder")
            project = folder
        project_set = None
        if "agents" in section:
            sets = self.agent_sets(section["agents"], at("agents"), base)
            if project is not None:  # each set is applied to the project: the offline router sees the result
                sets = [(label, tuple(project_agents(project, agents))) for label, agents in sets]
        else:
            assert project is not None
            sets, project_set = [("project", tuple(project_agents(project)))], "project"
        routers: tuple[str, ...] = ROUTERS
        if "routers" in section:
            listed = self.sequence(section["routers"], "routers", at("routers"))
            names = []
            for i, router in enumerate(listed):
                try:
                    names.append(router_name(str(router)))
                except SuiteError as e:
                    raise self.fail(listed.item_lines[i], str(e)) from None
            routers = tuple(names)
        samples = section.get("samples", 1)
        if not isinstance(samples, int) or isinstance(samples, bool) or not 1 <= samples <= 50:
            raise self.fail(at("samples"), f"samples must be a whole number from 1 to 50, not {samples!r}")
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
                    item_line, f"a routing request needs request: and expect: (an agent name, or {SELF})"
                )
            expect = item["expect"]
            expect = expected_label(
                None if expect is None else self.text(expect, "expect", item.key_lines["expect"])
            )
            request = self.text(item["request"], "request", item.key_lines["request"])
            requests.append(RoutingCase(request, expect, item_line))
        if not requests:
            raise self.fail(at("requests"), "requests is empty")
        suite = RoutingSuite(
            tuple(sets), tuple(requests), routers, model, min_accuracy, project, samples, project_set
        )
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


def _case(where: str, *fields: Any) -> Case:
    try:
        return Case(*fields)
    except SuiteError as e:
        raise SuiteError(f"{where}: {e}") from None


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        return names_in(value)
    if isinstance(value, list | tuple):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _names(v)]
    return []


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
    except SuiteError as e:
        if "contains it" in str(e):  # `a: &a [*a]`
            raise SuiteError(f"{path}: the suite refers to itself (an alias inside its own anchor)") from None
        raise
    if document is None:
        raise SuiteError(f"{path}: the suite is empty")
    return _Reader(path).suite(document)


def suite_from(value: Suite | str | Path) -> Suite:
    return value if isinstance(value, Suite) else load_suite(value)
