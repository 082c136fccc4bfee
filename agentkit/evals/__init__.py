"""Evaluate agents: is the edit better, on the cases that matter, by more than noise?

    from agentkit import evals
    suite = evals.load_suite("evals/reviewers.yaml")        # or evals.Suite(agents=..., cases=...)
    results = evals.run(suite)                              # concurrent, cached per sample, replayable
    results.to_frame()                                      # case x version x model x sample
    results.summary()                                       # pass rates with 95% intervals over cases
    print(results.compare("code-reviewer", "strict-reviewer"))   # paired, in words, with a p-value
    print(evals.diff(older_run_id, results.run_id))         # what regressed, what was fixed
    routing = evals.run_routing(agents, {"Review my PR": "pr-review-helper"})
    routing.accuracy(); routing.confusion("claude-code"); routing.lost("offline")

    @evals.assertion("at-most-words")                       # a type of your own, usable from YAML
    def at_most_words(answer: evals.Answer, check: evals.Assertion):
        return len(answer.text.split()) <= check.value

Answers come through `agentkit.live` (its cache, history and replay mode). `AGENTKIT_REPLAY=1` answers
only from recordings and lists whatever is missing. Every answer carries its `source`: "anthropic",
"stand-in" (the local test server), or another endpoint, and stand-in answers are labelled wherever
they are shown. `agentkit eval SUITE` runs a suite from the command line, for CI; every run is kept in
the run history (`evals.runs()`, `agentkit eval runs`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from agentkit._errors import EvalError, ReplayMiss, SuiteError

# The built-in assertion types register themselves on import, as a user's own do.
from agentkit.evals import _builtin, _grader, _trajectory  # noqa: F401
from agentkit.evals._agents import Version
from agentkit.evals._answers import cache_path
from agentkit.evals._checks import Assertion
from agentkit.evals._compare import Comparison
from agentkit.evals._grader import DEFAULT_GRADER_MODEL, GRADER_MARKER, GRADER_SYSTEM_PROMPT
from agentkit.evals._history import RunDiff, diff, load_run, runs
from agentkit.evals._records import Answer, Check, Grade
from agentkit.evals._registry import assertion, type_names
from agentkit.evals._results import EvalResults
from agentkit.evals._run import run
from agentkit.evals._sample import SampleResult
from agentkit.evals._stats import mcnemar_exact, paired_bootstrap, sign_flip_p, wilson
from agentkit.evals._suite import Case, Suite
from agentkit.evals._suite_file import load_suite
from agentkit.live._routing.evaluation import (
    RoutingCase,
    RoutingChange,
    RoutingResults,
    RoutingRow,
    RoutingSuite,
    routing_suite,
)

__all__ = [
    "DEFAULT_GRADER_MODEL",
    "GRADER_MARKER",
    "GRADER_SYSTEM_PROMPT",
    "Answer",
    "Assertion",
    "Case",
    "Check",
    "Comparison",
    "EvalError",
    "EvalResults",
    "Grade",
    "ReplayMiss",
    "RoutingCase",
    "RoutingChange",
    "RoutingResults",
    "RoutingRow",
    "RoutingSuite",
    "RunDiff",
    "SampleResult",
    "Suite",
    "SuiteError",
    "Version",
    "assertion",
    "assertion_types",
    "cache_path",
    "diff",
    "load_run",
    "load_suite",
    "mcnemar_exact",
    "paired_bootstrap",
    "routing_suite",
    "run",
    "run_routing",
    "runs",
    "sign_flip_p",
    "wilson",
]


def assertion_types() -> list[str]:
    """Every assertion type a suite may use now (built-in and registered), `not-` forms included."""
    return type_names()


def run_routing(
    agents: Iterable[Any] | Mapping[str, Iterable[Any]] | RoutingSuite | None,
    requests: Mapping[str, str | None] | Iterable[tuple[str, str | None]] | None = None,
    *,
    routers: Sequence[str] = ("offline", "claude-code"),
    model: str | None = None,
    project: str | Path | None = None,
    samples: int = 1,
    no_cache: bool = False,
    max_retries: int = 2,
) -> RoutingResults:
    """Score labelled requests with the offline estimate and with Claude Code's own routing.

    `agents` is one set of agents, {label: set} to compare versions of the set (say, before and after a
    description edit), None with `project` (the project as Claude Code sees it), or a RoutingSuite;
    `requests` maps each request to the agent that should take it (built-in agents count; "(self)" or None:
    the main agent should do it). With `project`, Claude Code runs there with the user's config and each
    set is applied to it as an edit. `samples` answers per request (the most frequent is the pick).
    Claude Code's picks are cached and replayable like any run.
    """
    from agentkit.evals._answers import Asker
    from agentkit.live._routing.evaluation import run_routing_suite

    if isinstance(agents, RoutingSuite):
        suite = agents
    else:
        if requests is None:
            raise TypeError("run_routing needs requests: {request: expected agent}")
        suite = routing_suite(
            agents, requests, routers=routers, model=model, project=project, samples=samples
        )
    asker = Asker(no_cache=no_cache, max_retries=max_retries)
    return run_routing_suite(suite, asker.route)
