"""Evaluations (agentkit.evals and `agentkit eval`) against the local stand-in Messages API (no network).

The stand-in answers `model=<model> system=<first five words of the system prompt> user=<prompt>`, grades
llm-rubric requests by word overlap between rubric and answer, and routes by word overlap: every number
asserted below follows from the request, so the tests check what was sent and what was computed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import agentkit
from agentkit import evals, live
from agentkit.evals import EvalResults, SampleResult
from agentkit.evals._grader import GRADER_MARKER, grader_message, parse_verdict
from agentkit.evals._stats import smallest_p

ROOT = Path(__file__).resolve().parent.parent

REVIEWER = """---
name: reviewer
description: Reviews code diffs for bugs. Use after writing code.
model: sonnet
---
You review code carefully and kindly.
"""
STRICT = """---
name: strict
description: Strict review before merging. Use before a release.
model: opus
---
You are a demanding reviewer who blocks merges.
"""


def answer_of(model: str, system: str, prompt: str) -> str:
    return f"model={model} system={' '.join(system.split()[:5])} user={prompt}"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    path = tmp_path / "home"
    monkeypatch.setenv("AGENTKIT_HOME", str(path))
    monkeypatch.delenv("AGENTKIT_REPLAY", raising=False)
    monkeypatch.setenv("AGENTKIT_PROGRESS", "0")
    return path


@pytest.fixture
def agents(tmp_path) -> Path:
    folder = tmp_path / "agents"
    folder.mkdir()
    (folder / "reviewer.md").write_text(REVIEWER)
    (folder / "strict.md").write_text(STRICT)
    return folder


def write_suite(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "suite.yaml"
    path.write_text(text)
    return path


# -- suites -----------------------------------------------------------------------------------------


def test_the_bundled_suites_load() -> None:
    suite = evals.load_suite(ROOT / "evals" / "reviewers.yaml")
    assert suite.versions == ["code-reviewer", "strict-reviewer", "pr-review-helper"]
    assert suite.repeat == 3 and suite.grader_model == "sonnet" and suite.min_pass_rate == 0.7
    assert [c.id for c in suite.cases][:2] == ["mean-of-empty", "sql-injection"]
    first = suite.cases[0]
    assert [a.type for a in suite.asserts_for(first)] == [
        "cost",
        "contains",
        "not-contains",
        "regex",
        "llm-rubric",
    ]
    assert first.asserts[0].line == first.line + 3
    routing = evals.load_suite(ROOT / "evals" / "routing.yaml").routing
    assert (
        routing is not None and routing.routers == ("offline", "claude-code") and len(routing.requests) == 12
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert:\n      - {type: contain, value: x}\n",
            "suite.yaml:5: unknown assertion type 'contain' (did you mean 'contains'?)",
        ),
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    asert: []\n",
            "suite.yaml:4: unknown key 'asert' in a case (did you mean 'assert'?)",
        ),
        (
            "agents: [agents/reviewer.md]\nrepeats: 3\ncases: [{prompt: hi}]\n",
            "suite.yaml:2: unknown key 'repeats'",
        ),
        ("agents: [agents/reviewer.md]\ncases:\n  - {id: a}\n", "suite.yaml:3: a case needs a prompt"),
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: regex, value: '(unclosed'}]\n",
            "suite.yaml:4: regex: '(unclosed' is not a valid regular expression",
        ),
        (
            "agents: [agents/nope.md]\ncases: [{prompt: hi}]\n",
            "suite.yaml:1: agents/nope.md: no such file or folder",
        ),
        ("agents: [agents/reviewer.md]\ncases:\n  - prompt: [oops\n", "suite.yaml:4: not valid YAML"),
        (
            "agents: [agents/reviewer.md]\nrepeat: 0\ncases: [{prompt: hi}]\n",
            "suite.yaml:2: repeat must be a whole number >= 1, not 0",
        ),
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: llm-rubric, value: x, threshold: 2}]\n",
            "suite.yaml:4: llm-rubric: threshold must be a number from 0 to 1, not 2",
        ),
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: cost}]\n",
            "suite.yaml:4: cost: value must be a positive number (USD), not None",
        ),
        (
            "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: json, value: {type: 12}}]\n",
            "suite.yaml:4: json: not a valid JSON Schema",
        ),
        (
            "routing:\n  agents: [agents/]\n  requests:\n    - {request: review this, expect: reviewr}\n",
            "suite.yaml:4: expects 'reviewr', which is not an agent in set 'agents', a built-in agent (claude, "
            "Explore, general-purpose, Plan, statusline-setup) or (self) (did you mean 'reviewer'?)",
        ),
        ("cases: [{prompt: hi}]\n", "suite.yaml:1: the suite has cases but no agents"),
        ("description: nothing\n", "suite.yaml:1: the suite has neither cases nor routing"),
        (
            "agents: [agents/reviewer.md]\ncases: [{prompt: a}]\ncases: []\n",
            "suite.yaml:3: 'cases' appears twice",
        ),
    ],
)
def test_malformed_suites_say_what_and_where(tmp_path, agents, body, message) -> None:
    with pytest.raises(evals.SuiteError) as raised:
        evals.load_suite(write_suite(tmp_path, body))
    text = str(raised.value)
    assert message in text, text
    assert "\n" not in text


def test_a_python_assertion_in_a_suite_file_is_loaded_next_to_it(tmp_path, agents) -> None:
    (tmp_path / "checks.py").write_text("def short(answer):\n    return len(answer) < 5\n")
    body = "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: python, value: checks.py:short}]\n"
    suite = evals.load_suite(write_suite(tmp_path, body))
    function = suite.cases[0].asserts[0].value
    assert function("abc") is True and function("abcdef") is False
    bad = body.replace("checks.py:short", "checks.py:long")
    with pytest.raises(evals.SuiteError, match=r"suite.yaml:4: .*has no function 'long'"):
        evals.load_suite(write_suite(tmp_path, bad))


def test_a_suite_built_in_python_takes_agents_edits_and_callables(agents) -> None:
    saved = agentkit.load(agents / "reviewer.md")[0]
    edited = agentkit.edit(saved, body="You review code and insist on tests.\n")
    suite = evals.Suite(
        agents={"saved": saved, "edited": edited},
        cases=[
            "Review x",
            evals.Case("Review y", [lambda answer: "y" in answer, {"type": "contains", "value": "y"}]),
        ],
    )
    assert suite.versions == ["saved", "edited"]
    assert [c.id for c in suite.cases] == ["case-1", "case-2"]
    assert [a.type for a in suite.cases[1].asserts] == ["python", "contains"]
    with pytest.raises(evals.SuiteError, match="unknown assertion type 'contians'"):
        evals.Assertion("contians", "x")
    with pytest.raises(evals.SuiteError, match="the agent version 'reviewer' appears twice"):
        evals.Suite(agents=[saved, saved], cases=["x"])


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


def test_file_at_a_git_revision_is_read_with_git_show(tmp_path) -> None:
    repo = tmp_path / "repo"
    (repo / "agents").mkdir(parents=True)
    agent = repo / "agents" / "reviewer.md"
    agent.write_text(REVIEWER)
    git(repo, "init", "-q")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "v1")
    agent.write_text(REVIEWER.replace("carefully and kindly", "bluntly"))
    suite_path = repo / "suite.yaml"
    suite_path.write_text("agents: [agents/reviewer.md@HEAD, agents/reviewer.md]\ncases: [{prompt: hi}]\n")
    suite = evals.load_suite(suite_path)
    assert suite.versions == ["reviewer@HEAD", "reviewer"]
    old, new = suite.agents
    assert "carefully and kindly" in old.agent.prompt and "bluntly" in new.agent.prompt
    assert old.revision == "HEAD" and len(old.commit) == 12 and new.revision is None
    suite_path.write_text("agents: {before: agents/@HEAD, after: agents/}\ncases: [{prompt: hi}]\n")
    folders = evals.load_suite(suite_path)
    assert folders.versions == ["before", "after"]  # one agent in each folder: the label is the folder's
    assert folders.agents[0].agent.prompt == old.agent.prompt
    suite_path.write_text("agents: [agents/reviewer.md@HEAD, agents/@HEAD]\ncases: [{prompt: hi}]\n")
    with pytest.raises(evals.SuiteError, match="the agent version 'reviewer@HEAD' appears twice"):
        evals.load_suite(suite_path)

    suite_path.write_text("agents: [agents/reviewer.md@no-such-rev]\ncases: [{prompt: hi}]\n")
    with pytest.raises(evals.SuiteError, match=r"suite.yaml:1: .*unknown git revision 'no-such-rev'"):
        evals.load_suite(suite_path)
    suite_path.write_text("agents: [agents/gone.md@HEAD]\ncases: [{prompt: hi}]\n")
    with pytest.raises(evals.SuiteError, match=r"agents/gone.md does not exist at HEAD"):
        evals.load_suite(suite_path)


def test_a_revision_outside_a_git_repository_is_a_clear_error(tmp_path, agents, monkeypatch) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    path = write_suite(tmp_path, "agents: [agents/reviewer.md@HEAD~1]\ncases: [{prompt: hi}]\n")
    with pytest.raises(evals.SuiteError, match=r"is not inside a git repository, so @HEAD~1 cannot be read"):
        evals.load_suite(path)


# -- assertions -------------------------------------------------------------------------------------

ANSWER = 'The function raises ZeroDivisionError on an empty list.\n```json\n{"severity": "high"}\n```'


@pytest.mark.parametrize(
    ("kind", "value", "passed", "reason"),
    [
        ("contains", "ZeroDivisionError", True, 'found "ZeroDivisionError" in the answer'),
        ("contains", "zerodivisionerror", False, 'no "zerodivisionerror" in the answer'),
        ("icontains", "zerodivisionerror", True, 'found "zerodivisionerror" (any case)'),
        ("not-contains", "LGTM", True, 'no "LGTM" in the answer'),
        ("not-contains", "empty", False, 'found "empty" in the answer'),
        ("contains-any", ["LGTM", "empty"], True, 'found "empty"'),
        ("contains-all", ["LGTM", "empty"], False, 'found "empty"; missing "LGTM"'),
        ("regex", "(?i)EMPTY\\s+list", True, 'matched "empty list"'),
        ("not-regex", "(?i)blocker", True, "no match in the answer"),
        ("starts-with", "The function", True, 'the answer starts with "The function"'),
        ("equals", "The function", False, 'the answer is not exactly "The function"'),
        ("json", None, True, "the answer is JSON"),
        (
            "json",
            {"type": "object", "required": ["fix"]},
            False,
            "the JSON does not match the schema at the top level: 'fix' is a required property",
        ),
        (
            "json",
            {"properties": {"severity": {"enum": ["low", "medium"]}}},
            False,
            "the JSON does not match the schema at $.severity: 'high' is not one of ['low', 'medium']",
        ),
    ],
)
def test_deterministic_assertions(kind, value, passed, reason) -> None:
    from agentkit.evals._checks import AnswerFacts, check

    result = check(evals.Assertion(kind, value), AnswerFacts(ANSWER, 0.01, 2.0, {}))
    assert (result.passed, result.reason) == (passed, reason)
    assert result.score == (1.0 if passed else 0.0)


def test_limits_python_checks_and_not_json() -> None:
    from agentkit.evals._checks import AnswerFacts, check

    facts = AnswerFacts("plain text", 0.02, 3.5, {"case": "c1"})
    assert check(evals.Assertion("cost", 0.05), facts).reason == "cost $0.020000 <= $0.05"
    assert not check(evals.Assertion("cost", 0.01), facts).passed
    assert check(evals.Assertion("latency", 2), facts).reason == "took 3.50 s > 2 s"
    unknown = AnswerFacts("x", None, None, {})
    assert (
        check(evals.Assertion("cost", 1), unknown).reason == "the cost is unknown (no price for this model)"
    )
    assert check(evals.Assertion("json"), facts).reason.startswith("the answer is not JSON: Expecting value")
    assert check(evals.Assertion("not-json"), facts).passed

    def graded(answer, context):
        return 0.25, f"{context['case']}: a quarter"

    scored = check(evals.Assertion("python", graded, threshold=0.2), facts)
    assert (scored.passed, scored.score, scored.reason) == (True, 0.25, "c1: a quarter")
    assert check(evals.Assertion("python", graded), facts).passed  # promptfoo's rule: a score above 0 passes
    as_dict = check(evals.Assertion("python", lambda a: {"pass": False, "reason": "no"}), facts)
    assert (as_dict.passed, as_dict.score, as_dict.reason) == (False, 0.0, "no")

    def broken(answer):
        raise ValueError("bad input")

    failed = check(evals.Assertion("python", broken), facts)
    assert (failed.passed, failed.reason) == (False, "raised ValueError: bad input")


def test_the_grader_verdict_parser() -> None:
    assert parse_verdict('{"reason": "ok", "score": 0.8, "pass": true}') == (True, 0.8, "ok")
    assert parse_verdict('Here: {"score": "0.3", "reason": "thin"} done') == (None, 0.3, "thin")
    assert parse_verdict('{"pass": false}') == (False, 0.0, "")
    assert parse_verdict('{"score": 7, "pass": true}') == (True, 1.0, "")  # clamped
    for bad in ("no verdict", "{not json}", '{"reason": "none"}', "[1, 2]"):
        with pytest.raises(ValueError):
            parse_verdict(bad)


# -- runs against the stand-in ----------------------------------------------------------------------


def test_repeat_gives_distinct_cached_samples_and_a_rerun_makes_no_request(home, fake_api, agents) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review: x = 1"], repeat=3)
    results = evals.run(suite, progress=False)
    assert fake_api.count == 3  # every sample a request of its own, even where live's history has one
    assert [s.sample for s in results.samples] == [0, 1, 2]
    prompt = "You review code carefully and kindly."
    assert {s.answer for s in results.samples} == {answer_of("claude-sonnet-5-5", prompt, "Review: x = 1")}
    assert all(s.status == "pass" and not s.cached for s in results.samples)  # no assertions: pass
    again = evals.run(suite, progress=False)
    assert fake_api.count == 3 and all(s.cached for s in again.samples)
    import sqlite3

    db = sqlite3.connect(evals.cache_path())
    assert db.execute("SELECT count(*) FROM answers WHERE kind = 'answer'").fetchone()[0] == 3
    db.close()
    more = evals.run(suite, repeat=4, progress=False)
    assert fake_api.count == 4 and [s.cached for s in more.samples] == [True, True, True, False]


def test_llm_rubric_grades_through_live_and_records_the_grader(home, fake_api, agents) -> None:
    prompt = "Review: def mean(xs): return sum(xs) / len(xs)"
    rubric = "Mentions mean and returns a review of the sum"
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case(prompt, [{"type": "llm-rubric", "value": rubric}])],
        grader_model="haiku",
    )
    sample = evals.run(suite, progress=False).samples[0]
    assert fake_api.count == 2
    graded = fake_api.requests[1].body
    assert graded["model"] == "claude-haiku-5-5" and GRADER_MARKER in graded["system"]
    answer = answer_of("claude-sonnet-5-5", "You review code carefully and kindly.", prompt)
    assert graded["messages"][0]["content"] == grader_message(prompt, answer, rubric)
    # The rubric's words over three letters are mean, mentions, returns and review; the answer (which echoes
    # the system prompt and the prompt) holds mean and review: 2 of 4, score 0.5, a pass.
    check = sample.checks[0]
    assert check.grade.score == 0.5 and check.passed and sample.status == "pass"
    assert check.grade.model == "claude-haiku-5-5" and check.grade.source == "stand-in"
    assert check.grade.system_prompt == evals.GRADER_SYSTEM_PROMPT
    assert check.grade.prompt == grader_message(prompt, answer, rubric)
    assert check.reason.startswith("graded by claude-haiku-5-5: pass, score 0.50: stand-in grader: 2 of 4")
    strict = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case(prompt, [{"type": "llm-rubric", "value": rubric, "threshold": 0.6}])],
        grader_model="haiku",
    )
    failed = evals.run(strict, progress=False).samples[0].checks[0]
    assert fake_api.count == 2  # the same answer and rubric: the grade is reused
    assert not failed.passed and "score 0.50 < 0.6" in failed.reason


def test_a_grader_reply_without_a_verdict_fails_the_check_and_says_so(home, fake_api, agents) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case("hi", [{"type": "llm-rubric", "value": "Greets back"}])],
        grader_prompt="Grade it, please.",  # no marker: the stand-in echoes instead of grading
    )
    sample = evals.run(suite, progress=False).samples[0]
    assert sample.status == "fail"
    assert sample.checks[0].reason == "no JSON object in the grader's answer"
    assert sample.checks[0].grade.answer.startswith("model=claude-sonnet-5-5 system=Grade it, please.")


def test_rate_limits_are_retried_with_backoff_and_then_reported(home, fake_api, agents) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review a"])
    fake_api.script("status:429", "status:529", "ok")
    results = evals.run(suite, progress=False, max_retries=0, retries=2, retry_wait_s=0.01)
    assert fake_api.count == 3 and results.samples[0].status == "pass"

    fake_api.reset()
    fake_api.script("status:429", "status:429", "status:429")
    failed = evals.run(suite, progress=False, max_retries=0, retries=2, retry_wait_s=0.01, no_cache=True)
    assert fake_api.count == 3
    sample = failed.samples[0]
    assert sample.status == "error" and "HTTP 429" in sample.error
    assert failed.summary()["errors"].tolist() == [1]
    assert failed.problems() == ["reviewer: 1 sample could not be judged (errors)"]


def test_a_stream_cut_short_is_retried_and_a_bad_request_is_not(home, fake_api, agents) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review b"])
    fake_api.script("drop:2", "ok")
    results = evals.run(suite, progress=False, max_retries=0, retries=1, retry_wait_s=0.01)
    assert fake_api.count == 2 and results.samples[0].status == "pass"
    fake_api.reset()
    bad = evals.run(
        evals.Suite(agents=[str(agents / "reviewer.md")], cases=["[[status:400]] x"]), progress=False
    )
    assert fake_api.count == 1 and bad.samples[0].status == "error" and "HTTP 400" in bad.samples[0].error


def test_concurrency_is_limited(home, fake_api, agents, monkeypatch) -> None:
    import threading
    import time

    from agentkit.evals import _answers

    inflight, peak, lock = 0, 0, threading.Lock()
    real_run = live.run

    def counting_run(*args, **kwargs):
        nonlocal inflight, peak
        with lock:
            inflight += 1
            peak = max(peak, inflight)
        try:
            time.sleep(0.05)
            return real_run(*args, **kwargs)
        finally:
            with lock:
                inflight -= 1

    monkeypatch.setattr(_answers.live, "run", counting_run)
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")], cases=[f"Review {i}" for i in range(8)], concurrency=2
    )
    results = evals.run(suite, progress=False)
    assert peak == 2 and fake_api.count == 8
    assert [s.case for s in results.samples] == [f"case-{i}" for i in range(1, 9)]  # suite order


def test_replay_answers_from_recordings_and_lists_what_is_missing(
    home, fake_api, agents, monkeypatch
) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review c"], repeat=2)
    evals.run(suite, progress=False)
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    fake_api.reset()
    replayed = evals.run(suite, progress=False)
    assert fake_api.count == 0 and all(s.cached for s in replayed.samples)
    with pytest.raises(evals.ReplayMiss) as raised:
        evals.run(suite, repeat=3, progress=False)
    assert str(raised.value) == (
        "replay mode (AGENTKIT_REPLAY=1): 1 of 3 samples are not recorded: "
        "reviewer x own model x case-1 sample 3 (sample 3 is not recorded)"
    )
    assert fake_api.count == 0


def test_without_a_key_the_run_stops_at_once(home, fake_api, agents, monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")  # the SDK client is cached per key: a new one finds none
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=[f"Review {i}" for i in range(5)])
    with pytest.raises(agentkit.MissingKeyError):
        evals.run(suite, progress=False)
    assert fake_api.count == 0


def test_stand_in_answers_are_labelled(home, fake_api, agents, monkeypatch) -> None:
    results = evals.run(evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review d"]), progress=False)
    assert results.sources == ["stand-in"] and results.from_stand_in
    assert "(from the stand-in, not Claude)" in results.detail("case-1", "reviewer")
    assert results.source_note().startswith("Answers came from the stand-in Messages API")
    assert results.report().splitlines()[0].startswith("NOTE: Answers came from the stand-in")
    # Replayed later with no server configured, the recorded answers still say where they came from.
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    assert evals.run(results.suite, progress=False).sources == ["stand-in"]


def test_answers_say_where_they_came_from(home, fake_api, agents, monkeypatch) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case("Review e", [{"type": "contains", "value": "user=Review e"}])],
    )
    frame = evals.run(suite, progress=False).to_frame()
    assert list(frame["source"]) == ["stand-in"] and list(frame["status"]) == ["pass"]
    # The same vocabulary as live: a loopback port that is not the stand-in is just another endpoint.
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
    assert live.current_source() == "endpoint"


def test_models_override_and_the_frame_has_one_row_per_sample(home, fake_api, agents) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md"), str(agents / "strict.md")],
        cases=[evals.Case("Review e", [{"type": "contains", "value": "model=claude-haiku"}])],
        models=["haiku", None],
        repeat=2,
    )
    results = evals.run(suite, progress=False)
    frame = results.to_frame()
    assert len(frame) == 2 * 2 * 1 * 2
    assert sorted(set(frame["model"])) == ["claude-haiku-5-5", "claude-opus-5-5", "claude-sonnet-5-5"]
    summary = results.summary().set_index(["version", "model_axis"])
    assert summary.loc[("reviewer", "haiku"), "pass_rate"] == 1.0
    assert summary.loc[("strict", "(own)"), "pass_rate"] == 0.0
    assert list(results.matrix().columns) == [
        "reviewer · haiku",
        "reviewer · (own)",
        "strict · haiku",
        "strict · (own)",
    ]


# -- statistics -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("k", "n"), [(0, 5), (5, 5), (17, 20), (3, 10), (850, 1000), (1, 1)])
def test_wilson_matches_scipy(k, n) -> None:
    from scipy.stats import binomtest

    expected = binomtest(k, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert evals.wilson(k, n) == pytest.approx((expected.low, expected.high), abs=1e-12)


@pytest.mark.parametrize(("b", "c"), [(0, 0), (1, 4), (0, 6), (0, 5), (3, 7), (12, 30)])
def test_exact_mcnemar_matches_scipys_binomial_test(b, c) -> None:
    from scipy.stats import binomtest

    expected = 1.0 if b + c == 0 else binomtest(min(b, c), b + c, 0.5).pvalue
    assert evals.mcnemar_exact(b, c) == pytest.approx(expected, abs=1e-12)
    assert smallest_p(5) == pytest.approx(0.0625) and smallest_p(6) == pytest.approx(0.03125)


def test_sign_flip_test_matches_scipys_permutation_test() -> None:
    import numpy as np
    from scipy.stats import permutation_test

    a = [0.0, 1 / 3, 1.0, 2 / 3, 0.5, 0.0, 1.0]
    b = [1.0, 1.0, 1.0, 1 / 3, 0.9, 2 / 3, 1.0]
    expected = permutation_test(
        (np.array(b), np.array(a)),
        lambda x, y, axis: np.mean(x - y, axis=axis),
        permutation_type="samples",
        vectorized=True,
    ).pvalue
    result = evals.paired_bootstrap(a, b)
    assert result.p_value == pytest.approx(expected, abs=1e-9)
    assert result.difference == pytest.approx(np.mean(np.array(b) - np.array(a)))
    assert result.low < result.difference < result.high
    assert evals.paired_bootstrap(a, b) == result  # seeded: the same data, the same numbers
    assert evals.sign_flip_p([1, 1, 1]) == pytest.approx(0.25)  # = McNemar with 3 discordant pairs


def sample(case: str, version: str, passed: bool, index: int = 0, score: float | None = None) -> SampleResult:
    return SampleResult(
        case, "p", version, version, None, "(own)", "m", index, "pass" if passed else "fail",
        float(passed) if score is None else score, "answer", (), None, 1, 1, 0.001, 0.0, 0.1, False,
        "anthropic", None,
    )  # fmt: skip


def results_of(passes: dict[str, list[bool]], repeat: int = 1) -> EvalResults:
    """Hand-made results: passes[version][case * repeat + sample]."""
    versions = list(passes)
    n_cases = len(next(iter(passes.values()))) // repeat
    suite = evals.Suite.__new__(evals.Suite)
    object.__setattr__(suite, "agents", tuple(evals.Version(v, None, "test") for v in versions))
    object.__setattr__(suite, "cases", tuple(evals.Case(f"p{i}", (), f"c{i}") for i in range(n_cases)))
    for name, value in (("models", (None,)), ("repeat", repeat), ("min_pass_rate", None), ("path", None)):
        object.__setattr__(suite, name, value)
    rows = [
        sample(f"c{i // repeat}", v, outcome, i % repeat)
        for v in versions
        for i, outcome in enumerate(passes[v])
    ]
    return EvalResults(suite, tuple(rows))


def test_paired_comparison_in_words_with_mcnemar() -> None:
    # 10 cases: A passes 5, B passes 8; B alone passes 4, A alone passes 1.
    a = [True] * 4 + [False] * 4 + [True] + [False]
    b = [True] * 4 + [True] * 4 + [False] + [False]
    comparison = results_of({"A": a, "B": b}).compare("A", "B")
    assert (comparison.a_better, comparison.b_better, comparison.method) == (1, 4, "exact McNemar")
    assert comparison.p_value == pytest.approx(0.375)
    assert not comparison.significant and comparison.better is None
    assert comparison.sentence == (
        "B passes 3 more cases than A (8 vs 5 of 10); with 5 discordant cases (4 only B passes, 1 only A) "
        "this is not more than noise (exact McNemar p=0.38). With 5 discordant cases no difference can "
        "reach p < 0.05: add cases."
    )
    clear = results_of({"A": [False] * 7, "B": [True] * 6 + [False]}).compare("A", "B")
    assert clear.p_value == pytest.approx(0.03125) and clear.better == "B"
    assert clear.sentence.endswith("this is more than noise (exact McNemar p=0.031).")
    same = results_of({"A": [True, False], "B": [True, False]}).compare("A", "B")
    assert same.sentence == "A and B pass the same 1 of 2 cases: nothing tells them apart."


def test_paired_comparison_with_repeats_uses_the_permutation_test() -> None:
    # 4 cases x 3 samples: B is better on 3 cases, equal on 1.
    a = [True, False, False, False, False, False, True, True, True, False, False, True]
    b = [True, True, True, True, True, False, True, True, True, True, True, True]
    results = results_of({"A": a, "B": b}, repeat=3)
    comparison = results.compare("A", "B")
    assert comparison.method == "paired permutation" and comparison.cases == 4
    assert comparison.a_mean == pytest.approx(5 / 12) and comparison.b_mean == pytest.approx(11 / 12)
    assert comparison.p_value == pytest.approx(evals.sign_flip_p([2 / 3, 2 / 3, 0, 2 / 3]))  # 0.25
    assert comparison.sentence.startswith(
        "B's pass rate is 50 points higher than A's (92% vs 42%, 4 cases x 3 samples"
    )
    assert "not more than noise (paired permutation test over cases, p=0.25)" in comparison.sentence
    swapped = results_of(
        {"A": [True, True, False, False], "B": [False, False, True, True]}, repeat=2
    ).compare("A", "B")
    assert swapped.sentence == (
        "A and B have the same pass rate (50%, 2 cases x 2 samples) but not on the same cases "
        "(A better on 1, B on 1): no difference (paired permutation test over cases, p=1)."
    )
    summary = results.summary().set_index("version")
    assert summary.loc["A", "flaky"] == 2 and summary.loc["A", "cases_all_pass"] == 1
    assert summary.loc["B", "pass_rate"] == pytest.approx(11 / 12)
    low, high = evals.wilson(11 / 3, 4)  # cases are the unit: 4 cases, at their pass rates 1, 2/3, 1, 1
    assert (summary.loc["B", "ci_low"], summary.loc["B", "ci_high"]) == pytest.approx((low, high))
    assert results.matrix().loc["c1", "A"] == "0/3" and results.matrix().loc["c1", "B"] == "2/3"


def test_json_and_junit_outputs(home, fake_api, agents) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md"), str(agents / "strict.md")],
        cases=[evals.Case("Review f", [{"type": "contains", "value": "careful"}]), "Review g"],
    )
    results = evals.run(suite, progress=False)
    data = json.loads(json.dumps(results.to_json(min_pass_rate=0.9)))
    assert len(data["results"]) == 4
    assert {r["version"] for r in data["results"]} == {"reviewer", "strict"}
    assert data["results"][0]["checks"][0]["reason"] == 'found "careful" in the answer'
    assert [v["pass_rate"] for v in data["summary"]["versions"]] == [1.0, 0.5]
    assert data["summary"]["problems"] == ["strict: pass rate 50% is below the minimum 90%"]
    assert data["summary"]["comparisons"][0]["sentence"].startswith("reviewer passes 1 more case than strict")
    root = ET.fromstring(results.to_junit())
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "0")
    failure = root.find("./testsuite[@name='strict']/testcase[@name='case-1']/failure")
    assert failure is not None and failure.get("message") == 'contains "careful": no "careful" in the answer'


# -- routing ----------------------------------------------------------------------------------------

ROUTED = {
    "sql": "---\nname: sql-pro\ndescription: Writes and tunes SQL queries for the warehouse.\n---\nSQL.\n",
    "css": "---\nname: css-pro\ndescription: Styles web pages.\n---\nCSS.\n",
}
REQUESTS = {
    "speed up the slow queries in the warehouse": "sql-pro",
    "make the pricing page layout responsive": "css-pro",
    "what is the capital of France": None,
}


def test_routing_with_both_routers_and_a_description_fix(home, fake_api, claude_code) -> None:
    sql, css = (agentkit.loads(text, path=f"{key}.md") for key, text in ROUTED.items())
    fixed_css = agentkit.edit(css, description="Styles web pages: layout, responsive pricing page design.")
    results = evals.run_routing({"before": [sql, css], "after": [sql, fixed_css]}, REQUESTS)
    live_before = results._rows("before", "claude-code")
    assert results._rows("before", "live") == live_before  # the router's older name
    assert [r.picked for r in live_before] == ["sql-pro", "(self)", "(self)"]
    assert [r.share for r in live_before] == [1.0, 0.0, 1.0]
    assert [r.picks for r in live_before] == [(("sql-pro", 1),), (("(self)", 1),), (("(self)", 1),)]
    assert fake_api.count == 6 and all(r.source == "stand-in" for r in live_before)
    accuracy = results.accuracy().set_index(["set", "router"])
    assert (
        accuracy.loc[("before", "claude-code"), "correct"] == 2
        and accuracy.loc[("after", "claude-code"), "correct"] == 3
    )
    lost = results.lost("claude-code", "before")
    assert lost.to_dict("records") == [
        {"agent": "css-pro", "request": "make the pricing page layout responsive", "went_to": "(self)"}
    ]
    matrix = results.confusion("claude-code", "before")
    assert matrix.loc["css-pro", "(self)"] == 1 and matrix.loc["sql-pro", "sql-pro"] == 1
    change = results.compare("before", "after", "claude-code")
    assert [r.request for r in change.fixed] == [
        "make the pricing page layout responsive"
    ] and not change.broken
    assert change.sentence == (
        "claude-code router, before -> after: accuracy 67% -> 100% · answers from stand-in API — not Claude's answer; "
        "fixed 'make the pricing page layout responsive' now goes to css-pro."
    )
    offline = results._rows("before", "offline")
    assert offline[0].picked == "sql-pro" and offline[0].answer.startswith("score ")
    again = evals.run_routing({"before": [sql, css], "after": [sql, fixed_css]}, REQUESTS)
    assert fake_api.count == 6 and all(r.cached for r in again.rows if r.router == "claude-code")


def test_routing_replay_misses_are_listed(home, fake_api, monkeypatch, claude_code) -> None:
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    agents_ = [agentkit.loads(text, path=f"{key}.md") for key, text in ROUTED.items()]
    with pytest.raises(
        evals.ReplayMiss, match=r"3 Claude Code routing decision\(s\) are not recorded: agents: 'speed"
    ):
        evals.run_routing(agents_, REQUESTS)
    only_offline = evals.run_routing(agents_, REQUESTS, routers=["offline"])
    assert fake_api.count == 0 and len(only_offline.rows) == 3


# -- the command ------------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentkit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**__import__("os").environ, "PYTHONPATH": str(ROOT)},
    )


def test_the_eval_command_gates_on_the_pass_rate(home, fake_api, tmp_path, agents) -> None:
    body = (
        "agents: [agents/reviewer.md, agents/strict.md]\n"
        "cases:\n"
        "  - prompt: Review h\n"
        "    assert: [{type: contains, value: carefully}]\n"
        "  - prompt: Review i\n"
    )
    write_suite(tmp_path, body)
    ok = run_cli("eval", "suite.yaml", "--min-pass-rate", "0.5", cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "NOTE: Answers came from the stand-in Messages API" in ok.stdout
    assert "reviewer passes 1 more case than strict (2 vs 1 of 2)" in ok.stdout
    assert ok.stdout.rstrip().endswith("OK")
    failing = run_cli("eval", "suite.yaml", "--min-pass-rate", "0.75", "--format", "json", cwd=tmp_path)
    assert failing.returncode == 1
    data = json.loads(failing.stdout)
    assert len(data["results"]) == 4 and data["summary"]["ok"] is False
    assert "agentkit eval: strict: pass rate 50% is below the minimum 75%" in failing.stderr
    junit = run_cli("eval", "suite.yaml", "--format", "junit", cwd=tmp_path)
    assert junit.returncode == 1 and ET.fromstring(junit.stdout).get("failures") == "1"  # gated by default


def test_the_eval_command_errors(tmp_path, agents) -> None:
    write_suite(
        tmp_path, "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert: [{type: nope}]\n"
    )
    broken = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert broken.returncode == 2  # a suite that cannot run
    assert broken.stderr.startswith("agentkit eval: suite.yaml:4: unknown assertion type 'nope'")
    assert broken.stderr.count("\n") == 1
    missing = run_cli("eval", "nowhere.yaml", cwd=tmp_path)
    assert missing.returncode == 2
    bad = run_cli("eval", "suite.yaml", "--min-pass-rate", "1.5", cwd=tmp_path)
    assert bad.returncode == 2 and "must be a number between 0 and 1" in bad.stderr


def test_live_options_pass_through_or_are_refused(home, fake_api, agents) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")], cases=["Review m"], live_options={"mode": "api"}
    )
    assert evals.run(suite, progress=False).samples[0].status == "pass"
    # An option live.run does not have is refused, not ignored.
    unknown = dataclasses.replace(suite, live_options={"mode": "api", "max_wait": 3})
    with pytest.raises(evals.EvalError, match=r"agentkit.live.run takes no max_wait= in this version"):
        evals.run(unknown, progress=False)


def test_run_options_reach_every_answer_of_a_suite(home, fake_api, agents) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review q", "Review r"])
    options = live.RunOptions(model="haiku", max_tokens=99, temperature=0.5)
    results = evals.run(suite, options=options, progress=False, record=False)
    assert [s.status for s in results.samples] == ["pass", "pass"]
    answers = [r.body for r in fake_api.requests if r.body["messages"][0]["content"].startswith("Review")]
    assert len(answers) == 2
    for body in answers:
        assert (body["model"], body["max_tokens"], body["temperature"]) == ("claude-haiku-5-5", 99, 0.5)


def test_run_options_named_at_their_default_still_override_the_suite(home, fake_api, agents) -> None:
    # A suite that sets temperature and max_tokens; the caller names the defaults on purpose.
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")], cases=["Review s"], temperature=0.7, max_tokens=50
    )
    options = live.RunOptions(temperature=None, max_tokens=None)
    assert options.given() == {"temperature": None, "max_tokens": None}
    assert options.replace(mode="api").given() == {"temperature": None, "max_tokens": None, "mode": "api"}
    assert live.RunOptions().given() == {} and options == live.RunOptions()  # naming is not a value
    evals.run(suite, options=options, progress=False, record=False)
    evals.run(suite, progress=False, record=False, no_cache=True)
    bodies = [r.body for r in fake_api.requests if r.body["messages"][0]["content"] == "Review s"]
    assert len(bodies) == 2
    assert "temperature" not in bodies[0] and bodies[0]["max_tokens"] == live.DEFAULT_MAX_TOKENS
    assert (bodies[1]["temperature"], bodies[1]["max_tokens"]) == (0.7, 50)


def test_replay_reads_recordings_and_never_writes_them(home, fake_api, agents, monkeypatch) -> None:
    agent = agentkit.load(agents / "reviewer.md")[0]
    suite = evals.Suite(agents=[agent], cases=["Review n"])
    evals.run(suite, progress=False)
    live.run(agent, "Review p")  # in live's history only (a Playground run): not a recorded eval sample
    recorded = evals.cache_path().read_bytes()
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    fake_api.reset()
    results = evals.run(suite, progress=False)
    assert fake_api.count == 0 and results.samples[0].cached and results.samples[0].status == "pass"
    with pytest.raises(evals.ReplayMiss, match="1 of 1 samples are not recorded"):
        evals.run(evals.Suite(agents=[agent], cases=["Review p"]), progress=False)
    assert evals.cache_path().read_bytes() == recorded


def test_a_replay_miss_names_samples_and_routing_together(
    home, fake_api, agents, monkeypatch, claude_code
) -> None:
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    routing = evals.routing_suite(agentkit.load(agents), {"review this diff": "reviewer"}, routers=["live"])
    suite = evals.Suite(agents=[str(agents / "strict.md")], cases=["Review o"], routing=routing)
    with pytest.raises(evals.ReplayMiss) as raised:
        evals.run(suite, progress=False)
    message = str(raised.value)
    assert message.startswith(
        "replay mode (AGENTKIT_REPLAY=1): 1 of 1 samples are not recorded: strict x own model"
    )
    assert message.endswith(
        "; 1 Claude Code routing decision(s) are not recorded: agents: 'review this diff'"
    )


def test_a_comparison_with_nothing_to_pair_says_so() -> None:
    results = results_of({"A": [True, False], "B": [True, True]})
    broken = tuple(
        s if s.version == "A" else dataclasses.replace(s, status="error", error="HTTP 500")
        for s in results.samples
    )
    comparison = dataclasses.replace(results, samples=broken).compare("A", "B")
    assert comparison.cases == 0 and comparison.excluded == 2
    assert (
        comparison.sentence
        == "A and B answered no case both without errors: nothing to compare (2 cases with errors left out)."
    )


def test_a_suite_runs_in_claude_code_mode_too(home, fake_api, agents, claude_code) -> None:
    # The same case through the API directly and through Claude Code itself (the real binary, offline).
    case = evals.Case("Review the helper", [{"type": "contains", "value": "Review the helper"}])
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=[case])
    direct = evals.run(suite, progress=False)
    through_claude_code = evals.run(suite, progress=False, mode="claude-code")
    assert [s.status for s in direct.samples] == [s.status for s in through_claude_code.samples] == ["pass"]
    # Claude Code sends the agent's model far more than the body: the identity line, its notes, context.
    assert through_claude_code.samples[0].input_tokens > 2 * direct.samples[0].input_tokens
    assert through_claude_code.samples[0].source == "stand-in"


# == issue 22, "Fix": numbers that can be trusted ======================================================


def test_answers_are_cached_per_endpoint_and_replay_reads_any(home, fake_api, agents, monkeypatch) -> None:
    from agentkit._oracle.standin import FakeMessagesAPI

    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review q"], repeat=2)
    first = evals.run(suite, progress=False)
    assert fake_api.count == 2 and not any(s.cached for s in first.samples)
    with FakeMessagesAPI() as other:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", other.base_url)
        second = evals.run(
            suite, progress=False
        )  # another base URL: asked again, never the first one's answers
        assert other.count == 2 and not any(s.cached for s in second.samples)
        again = evals.run(suite, progress=False)
        assert other.count == 2 and all(s.cached for s in again.samples)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    replayed = evals.run(suite, progress=False)  # replay sends nothing: any recording answers, labelled
    assert all(s.cached and s.source == "stand-in" for s in replayed.samples)


def test_latency_is_the_requests_own_time(home, fake_api, agents, monkeypatch) -> None:
    import time

    from agentkit.live import _api

    real_client = _api.client

    def slow_client(*args, **kwargs):  # the SDK's first import costs seconds: not the answer's latency
        time.sleep(1.0)
        return real_client(*args, **kwargs)

    monkeypatch.setattr(_api, "client", slow_client)
    sample = evals.run(evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review r"]), progress=False)
    assert sample.samples[0].latency_s < 1.0


def test_a_server_error_is_retried_for_that_request_alone(home, fake_api, agents) -> None:
    from agentkit.evals._answers import Asker, Retry

    agent = agentkit.load(agents / "reviewer.md")[0]
    ask = dict(model=None, sample=0, max_tokens=100, temperature=None)
    asker = Asker(no_cache=True, max_retries=0, retry=Retry(2, 0.01))
    fake_api.script("status:500", "ok")
    assert asker.answer(agent, "Review s", **ask).complete and fake_api.count == 2
    assert asker.gate._until == 0.0  # a server error does not make every worker wait
    fake_api.script("status:429", "ok")
    assert asker.answer(agent, "Review s", **ask).complete
    assert asker.gate._until > 0.0  # a rate limit does
    fake_api.script("status:500", "status:500", "status:500")
    failed = evals.run(
        evals.Suite(agents=[agent], cases=["Review t"]),
        progress=False,
        max_retries=0,
        retries=2,
        retry_wait_s=0.01,
    )
    assert failed.samples[0].status == "error" and "HTTP 500" in failed.samples[0].error


PYTHON_RULE = [  # (returned, threshold, passed, score): promptfoo's rule
    (True, None, True, 1.0),
    (False, None, False, 0.0),
    (0.25, None, True, 0.25),  # a number without a threshold passes above 0
    (0.0, None, False, 0.0),
    (0.25, 0.5, False, 0.25),
    (0.75, 0.5, True, 0.75),
    ("true", None, True, 1.0),
    ("FALSE", None, False, 0.0),
    ("0.6", 0.5, True, 0.6),
    ('{"pass": true, "score": 0.4, "reason": "ok"}', None, True, 0.4),
    ({"pass": True, "score": 0.4}, 0.5, False, 0.4),  # a threshold over a mapping's score
    ({"score": 0.7}, None, True, 0.7),
    ({"pass": False}, None, False, 0.0),
    ((0.9, "why"), 0.5, True, 0.9),
]


@pytest.mark.parametrize(("returned", "threshold", "passed", "score"), PYTHON_RULE)
def test_python_checks_follow_one_return_rule(returned, threshold, passed, score) -> None:
    from agentkit.evals._checks import AnswerFacts, check

    result = check(
        evals.Assertion("python", lambda answer: returned, threshold=threshold),
        AnswerFacts("x", None, None, {}),
    )
    assert (result.passed, result.score, result.error) == (passed, pytest.approx(score), None)


def test_python_checks_accept_numpy_and_refuse_what_is_no_verdict() -> None:
    import numpy as np

    from agentkit.evals._checks import AnswerFacts, check

    def returning(value):
        return lambda answer: value

    for value, passed in ((np.bool_(True), True), (np.float64(0.0), False), (np.int64(1), True)):
        result = check(evals.Assertion("python", returning(value)), AnswerFacts("x", None, None, {}))
        assert (result.passed, result.error) == (passed, None)
    for bad, why in (
        (None, "returned None"),
        ("maybe", "'maybe'"),
        ([1], "returned list"),
        (float("nan"), "finite"),
    ):
        result = check(evals.Assertion("python", returning(bad)), AnswerFacts("x", None, None, {}))
        assert not result.passed and result.error is not None and why in result.error


@pytest.mark.parametrize(
    ("kind", "value", "answer", "passed"),
    [
        ("equals", "Done.", "Done.\n", False),  # promptfoo's equals: exact, white space included
        ("equals", "Done.", "Done.", True),
        ("starts-with", "Done", " Done", False),  # ... and so is starts-with
        ("icontains", "STRASSE", "die strasse", True),  # lower-cased, as JavaScript's toLowerCase
        ("contains", 42, "the answer is 42", True),  # a number is written as text
        ("contains", 2.0, "2 items", True),  # as JavaScript writes 2.0
        ("contains-any", "red, green", "it is green", True),  # a comma-separated text
        ("contains-all", 'a, "b,c"', "a and b,c", True),  # quoted fields keep their commas
        ("contains-all", 'a, "b,c"', "a and b", False),
        ("equals", {"a": 1, "b": [True]}, '{"b": [true], "a": 1.0}', True),  # an object: JSON equal
        ("equals", {"a": 1}, '{"a": true}', False),  # true is not 1
        ("not-equals", {"a": 1}, "not json", True),
        ("icontains-any", ["NOPE", "Green"], "GREEN", True),
    ],
)
def test_promptfoo_values_and_meanings(kind, value, answer, passed) -> None:
    from agentkit.evals._checks import AnswerFacts, check

    assert check(evals.Assertion(kind, value), AnswerFacts(answer, None, None, {})).passed is passed


def test_promptfoo_values_are_read_from_yaml(tmp_path, agents) -> None:
    body = (
        "agents: [agents/reviewer.md]\ncases:\n  - prompt: hi\n    assert:\n"
        "      - {type: contains, value: 42}\n      - {type: contains-any, value: 'x, y'}\n"
        "      - {type: equals, value: {a: 1}}\n"
    )
    asserts = evals.load_suite(write_suite(tmp_path, body)).cases[0].asserts
    assert [a.value for a in asserts] == ["42", ["x", "y"], {"a": 1}]
    bad = body.replace("'x, y'", "'\"x, y'")
    with pytest.raises(evals.SuiteError, match=r"suite.yaml:6: contains-any: an unterminated quoted field"):
        evals.load_suite(write_suite(tmp_path, bad))


def test_a_cost_check_without_a_price_is_one_setup_error(home, fake_api, tmp_path, agents) -> None:
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=["Review u", "Review v"],
        models=["claude-unpriced-9"],
        assert_all=[{"type": "cost", "value": 0.01}],
    )
    with pytest.raises(evals.SuiteError, match=r"^no price for claude-unpriced-9 \(the model of reviewer\)"):
        evals.run(suite, progress=False)
    assert fake_api.count == 0  # said once, before any request
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nmodels: [claude-unpriced-9]\nassert: [{type: cost, value: 0.01}]\n"
        "cases: [{prompt: Review u}, {prompt: Review v}]\n",
    )
    done = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert (
        done.stderr.startswith("agentkit eval: no price for claude-unpriced-9")
        and done.stderr.count("\n") == 1
    )


def test_a_case_description_is_kept_and_shown(home, fake_api, tmp_path, agents) -> None:
    case = evals.Case("Review w", [{"type": "contains", "value": "never"}], "w", description="the empty list")
    assert case.description == "the empty list"
    assert (
        evals.Suite(agents=[str(agents / "reviewer.md")], cases=[{"prompt": "x", "description": "d"}])
        .cases[0]
        .description
        == "d"
    )
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases:\n  - id: w\n    description: the empty list\n    prompt: Review w\n"
        "    assert: [{type: contains, value: never}]\n",
    )
    assert evals.load_suite(tmp_path / "suite.yaml").cases[0].description == "the empty list"
    data = json.loads(run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path).stdout)
    assert data["results"][0]["description"] == "the empty list"
    text = run_cli("eval", "suite.yaml", cwd=tmp_path).stdout
    assert "  w [the empty list] x reviewer (1 fail): " in text
    junit = ET.fromstring(run_cli("eval", "suite.yaml", "--format", "junit", cwd=tmp_path).stdout)
    assert junit.find(".//property[@name='description']").get("value") == "the empty list"
    results = evals.run(evals.load_suite(tmp_path / "suite.yaml"), progress=False)
    assert "description: the empty list" in results.detail("w", "reviewer")
    assert list(results.to_frame()["description"]) == ["the empty list"]


def _samples(rates: list[float], repeat: int = 3) -> list[bool]:
    return [i < round(rate * repeat) for rate in rates for i in range(repeat)]


def test_the_comparison_never_contradicts_itself_and_ignores_the_order_of_cases() -> None:
    # Per-case pass rates over 3 samples where a bootstrap interval excluded 0 while the test said noise.
    a, b = [0, 2 / 3, 0, 0, 0, 0], [1, 1 / 3, 1, 0, 1 / 3, 1]
    comparison = results_of({"A": _samples(a), "B": _samples(b)}, repeat=3).compare("A", "B")
    assert not comparison.significant and comparison.low <= 0 <= comparison.high
    assert "so this is not more than noise" in comparison.sentence
    # Same data, any order of the cases: the same words and numbers.
    order = [3, 0, 5, 1, 4, 2]
    shuffled = results_of(
        {"A": _samples([a[i] for i in order]), "B": _samples([b[i] for i in order])}, repeat=3
    ).compare("A", "B")
    assert shuffled.to_dict() == comparison.to_dict()
    # The version that leads may be better on fewer cases: the counts are said as they are.
    few = results_of({"A": _samples([1, 1, 1, 2 / 3]), "B": _samples([2 / 3, 2 / 3, 2 / 3, 1])}, repeat=3)
    c = few.compare("A", "B")
    assert c.a_better == 3 and c.b_better == 1
    assert "A better on 3 cases, B on 1" in c.sentence


def test_a_significant_difference_comes_with_an_interval_that_excludes_zero() -> None:
    a = [False] * 12
    b = [True] * 11 + [False]
    c = results_of({"A": _samples([0.0] * 12, 2), "B": _samples([1.0] * 11 + [0.5], 2)}, repeat=2).compare(
        "A", "B"
    )
    assert c.significant and c.low > 0 and "so this is more than noise" in c.sentence
    mc = results_of({"A": a, "B": b}).compare("A", "B")
    assert mc.significant and mc.low > 0


def test_intervals_count_cases_not_samples_and_each_sample_is_graded_on_its_own(
    home, fake_api, agents
) -> None:
    rubric = "Mentions review and the kindly tone"
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case("Review x", [{"type": "llm-rubric", "value": rubric}])],
        repeat=3,
    )
    results = evals.run(suite, progress=False)
    graded = [r for r in fake_api.requests if GRADER_MARKER in json.dumps(r.body)]
    assert len(graded) == 3  # the three answers are alike (the stand-in echoes), yet each is graded
    assert len({c.grade.run_id for s in results.samples for c in s.checks}) == 3
    row = results.summary().iloc[0]
    # One case: whatever its three samples say, the interval is that of one case.
    assert (row["ci_low"], row["ci_high"]) == pytest.approx(evals.wilson(row["pass_rate"] * 1, 1))


def test_import_evals_does_not_import_jsonschema() -> None:
    code = "import sys, agentkit.evals; print('jsonschema' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ})
    assert done.stdout.strip() == "False", done.stderr


# == issue 25: hostile suites, checks that never finish, checks that exit =========================================


def alias_bomb(width: int = 9, depth: int = 8, under: str = "unused") -> str:
    lines = [f"{under}:", f"  l0: &l0 [{', '.join(['x'] * width)}]"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, depth)]
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_whole_even_under_an_unused_key(tmp_path, agents) -> None:
    bomb = alias_bomb()
    assert len(bomb) < 500
    for body in (
        bomb + "agents: [agents/reviewer.md]\ncases: [{prompt: hi}]\n",  # a key nobody reads
        bomb.replace("unused:", "x-anchors:")
        + "agents: [agents/reviewer.md]\ncases: [{prompt: hi, assert: [{type: contains-any, value: *l7}]}]\n",
    ):
        with pytest.raises(evals.SuiteError) as raised:
            evals.load_suite(write_suite(tmp_path, body))
        message = str(raised.value)
        assert "refused: its aliases expand to more than 100,000 values" in message and "\n" not in message


def test_the_alias_limit_triggers_by_count() -> None:
    from agentkit._reader.yaml12 import MAX_EXPANDED_NODES, AliasBombError, compose_limited

    def document(n: int, m: int) -> str:  # a list holding a list of n values and m - 1 aliases of it
        return f"[&l [{', '.join(['x'] * n)}], {', '.join(['*l'] * (m - 1))}]"

    assert MAX_EXPANDED_NODES == 100_000
    assert compose_limited(document(9_998, 10)) is not None  # 1 + 10 * 9,999 = 99,991 values
    with pytest.raises(AliasBombError, match="more than 100,000 values"):
        compose_limited(document(9_999, 10))  # 1 + 10 * 10,000 = 100,001 values


def test_loading_an_alias_bomb_stays_small(tmp_path, agents) -> None:
    # A bound well above normal (the process as a whole, pandas included), not a measurement.
    write_suite(tmp_path, alias_bomb(9, 9) + "agents: [agents/reviewer.md]\ncases: [{prompt: hi}]\n")
    code = (
        "import resource, sys\nfrom agentkit import evals\n"
        "try:\n    evals.load_suite(sys.argv[1])\nexcept evals.SuiteError as e:\n    print(e)\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "suite.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    message, megabytes = done.stdout.strip().splitlines()
    assert "aliases expand to more than 100,000 values" in message, done.stderr
    assert int(megabytes) < 1000


def test_a_suite_nested_too_deep_is_refused(tmp_path, agents) -> None:
    deep = "x: " + "[" * 150 + "]" * 150 + "\nagents: [agents/reviewer.md]\ncases: [{prompt: hi}]\n"
    with pytest.raises(evals.SuiteError, match="refused: it nests deeper than 100 levels"):
        evals.load_suite(write_suite(tmp_path, deep))


LOOPING_CHECKS = """\
import os, sys

def spins(answer):
    while True:
        pass

def exits(answer):
    sys.exit(3)

def interrupts(answer):
    raise KeyboardInterrupt

def dies(answer):
    os._exit(3)

def fine(answer):
    return True
"""


def test_checks_that_never_finish_are_errors_with_a_message(home, fake_api, tmp_path, agents) -> None:
    (tmp_path / "checks.py").write_text(LOOPING_CHECKS)
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncheck_timeout: 1\ncases:\n"
        "  - {id: loops, prompt: Review y, assert: [{type: python, value: checks.py:spins}]}\n"
        "  - id: backtracks\n    prompt: Review aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
        "    assert: [{type: regex, value: '(a|aa)+b', timeout: 0.5}]\n"
        "  - {id: fine, prompt: Review z, assert: [{type: python, value: checks.py:fine}]}\n",
    )
    done = run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    rows = {r["case"]: r for r in json.loads(done.stdout)["results"]}
    assert rows["loops"]["status"] == "error"
    assert rows["loops"]["error"].endswith("did not finish within its time limit (1 s): stopped")
    assert rows["backtracks"]["status"] == "error"
    assert rows["backtracks"]["error"].endswith("did not finish within its time limit (0.5 s)")
    assert rows["fine"]["status"] == "pass"
    assert "reviewer: 2 samples could not be judged (errors)" in done.stderr


@pytest.mark.parametrize(
    ("function", "said"),
    [
        ("exits", "raised SystemExit: 3"),
        ("interrupts", "raised KeyboardInterrupt"),
        ("dies", "ended its process (exit status 3) without a verdict"),
    ],
)
def test_a_check_can_never_end_the_run(home, fake_api, tmp_path, agents, function, said) -> None:
    (tmp_path / "checks.py").write_text(LOOPING_CHECKS)
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases:\n"
        f"  - {{id: bad, prompt: Review a1, assert: [{{type: python, value: 'checks.py:{function}'}}]}}\n"
        "  - {id: good, prompt: Review a2, assert: [{type: python, value: checks.py:fine}]}\n",
    )
    done = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert "  bad x reviewer (1 error): python " in done.stdout
    assert said in done.stdout and "FAILED: reviewer: 1 sample could not be judged (errors)" in done.stdout
    assert "Cases (passed/samples):" in done.stdout  # the report is whole


def test_a_check_that_raises_systemexit_when_its_file_is_imported_is_a_suite_error(tmp_path, agents) -> None:
    (tmp_path / "checks.py").write_text("import sys\nsys.exit(3)\n")
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases: [{prompt: hi, assert: [{type: python, value: checks.py:f}]}]\n",
    )
    done = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert done.returncode == 2 and "raised SystemExit: 3" in done.stderr


def test_ctrl_c_stops_the_run_and_keeps_what_finished(home, fake_api, tmp_path, agents) -> None:
    import signal
    import time

    (tmp_path / "checks.py").write_text(LOOPING_CHECKS)
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nconcurrency: 1\ncheck_timeout: 300\ncases:\n"
        "  - {id: quick, prompt: Review b1, assert: [{type: python, value: checks.py:fine}]}\n"
        "  - {id: forever, prompt: Review b2, assert: [{type: python, value: checks.py:spins}]}\n",
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "agentkit", "eval", "suite.yaml"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and fake_api.count < 2:
        time.sleep(0.1)
    time.sleep(1.0)  # the second sample's check is spinning now
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 1, err
    cells = {
        line.split()[0]: line.split()[1] for line in out.splitlines() if line.startswith(("quick", "forever"))
    }
    assert cells == {"quick": "1/1", "forever": "-"}
    assert "FAILED: the evaluation was stopped before every sample was answered" in out


def test_a_check_in_a_thread_of_a_python_program_is_stopped_too(home, fake_api, agents) -> None:
    import threading

    stop = threading.Event()

    def spins(answer):
        while True:
            pass

    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")], cases=[evals.Case("Review c1", [spins])], check_timeout=60
    )
    timer = threading.Timer(1.0, stop.set)
    timer.start()
    results = evals.run(suite, progress=False, stop=stop)
    assert results.stopped and results.samples == ()


# == gate by default, one line per failing case ======================================================


def test_any_failing_case_fails_the_gate_unless_a_minimum_allows_it(home, fake_api, tmp_path, agents) -> None:
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nrepeat: 3\ncases:\n"
        "  - {id: kind, prompt: Review d1, assert: [{type: contains, value: carefully}]}\n"
        "  - {id: never, prompt: Review d2, assert: [{type: contains, value: nowhere}]}\n",
    )
    gated = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert gated.returncode == 1
    assert "FAILED: reviewer: 1 of 2 cases fail (never)" in gated.stdout
    # One line per failing case, with its sample count, not one per sample.
    failing = [line for line in gated.stdout.splitlines() if line.startswith("  never x reviewer")]
    assert failing == [
        '  never x reviewer (3 fail of 3 samples): contains "nowhere": no "nowhere" in the answer'
    ]
    assert run_cli("eval", "suite.yaml", "--min-pass-rate", "0.5", cwd=tmp_path).returncode == 0
    assert run_cli("eval", "suite.yaml", "--min-pass-rate", "0.6", cwd=tmp_path).returncode == 1


# == the assertion registry ==========================================================================

PLUGIN = '''\
from agentkit import evals


@evals.assertion("at-most-words", value=int)
def at_most_words(answer, check):
    """The answer has at most `value` words."""
    n = len(answer.text.split())
    return n <= check.value, f"{n} words"
'''


def test_a_users_assertion_type_from_a_suite_file(home, fake_api, tmp_path, agents) -> None:
    (tmp_path / "words.py").write_text(PLUGIN)
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nplugins: [words.py]\ncases:\n"
        "  - {prompt: Review e1, assert: [{type: at-most-words, value: 50}, {type: not-at-most-words, value: 3}]}\n",
    )
    done = run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    checks = json.loads(done.stdout)["results"][0]["checks"]
    assert [c["reason"] for c in checks] == ["8 words", "8 words"] and all(c["pass"] for c in checks)
    assert evals.load_suite(tmp_path / "suite.yaml").cases[0].asserts[0].value == 50  # registers it here too
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases: [{prompt: x, assert: [{type: at-most-word, value: 1}]}]\n",
    )
    with pytest.raises(
        evals.SuiteError, match="unknown assertion type 'at-most-word' \\(did you mean 'at-most-words'"
    ):
        evals.load_suite(tmp_path / "suite.yaml")
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nplugins: [words.py]\ncases: [{prompt: x, assert: [{type: at-most-words, value: many}]}]\n",
    )
    with pytest.raises(evals.SuiteError, match=r"suite.yaml:3: at-most-words: invalid literal for int"):
        evals.load_suite(tmp_path / "suite.yaml")


def test_built_in_types_are_registered_the_way_a_users_are() -> None:
    import inspect

    from agentkit.evals import _registry

    builtin = [t for t in _registry.types() if t.builtin]
    assert {"contains", "regex", "llm-rubric", "python", "tool-called", "cost"} <= {t.name for t in builtin}
    for kind in builtin:  # one declaration each: the decorator, a docstring, the same signature as a user's
        assert kind.summary, kind.name
        assert list(inspect.signature(kind.function).parameters) == ["answer", "a"], kind.name
    with pytest.raises(evals.SuiteError, match="'contains' is a built-in assertion type"):
        evals.assertion("contains")(lambda answer, check: True)
    with pytest.raises(evals.SuiteError, match="lower-case words"):
        evals.assertion("Not A Name")


def test_llm_rubric_is_named_in_one_place_in_the_code() -> None:
    files = [p for p in (ROOT / "agentkit").rglob("*.py") if '"llm-rubric"' in p.read_text("utf-8")]
    assert [p.name for p in files] == ["_grader.py"]


def test_the_evals_modules_import_no_cycle() -> None:
    import ast

    folder = ROOT / "agentkit" / "evals"
    graph: dict[str, set[str]] = {}
    for path in folder.glob("*.py"):
        name = path.stem
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):  # late and TYPE_CHECKING imports count
            modules = []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            for module in modules:
                if module.startswith("agentkit.evals."):
                    target = module.split(".")[2]
                    if target != name and (folder / f"{target}.py").exists():
                        graph[name].add(target)

    def cycle_from(start: str, node: str, seen: list[str]) -> list[str] | None:
        for nxt in graph.get(node, ()):
            if nxt == start:
                return [*seen, nxt]
            if nxt not in seen and nxt != "__init__":
                found = cycle_from(start, nxt, [*seen, nxt])
                if found:
                    return found
        return None

    cycles = [c for name in graph if name != "__init__" and (c := cycle_from(name, name, [name]))]
    assert cycles == []


# == trajectory checks: judged from a real Claude Code run ================================================

READS_NOTES = [
    {
        "user": "Summarise notes.txt",
        "turns": [
            {"tool_uses": [{"name": "Read", "input": {"file_path": "notes.txt"}}]},
            "The notes say: ship Friday.",
        ],
    }
]


def test_trajectory_checks_judge_a_real_claude_code_run(
    home, fake_api, tmp_path, agents, claude_code
) -> None:
    from agentkit._oracle.standin import ScriptedAnswer

    fake_api.answer_with(
        [ScriptedAnswer.from_dict(rule) for rule in READS_NOTES]
    )  # the agent's model reads the file
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nmode: claude-code\ncases:\n"
        '  - id: notes\n    prompt: Summarise notes.txt\n    files: {notes.txt: "Ship on Friday.\\n"}\n'
        "    assert:\n"
        "      - {type: tool-called, value: Read, args: {file_path: notes.txt}}\n"
        "      - {type: tool-not-called, value: Bash}\n"
        "      - {type: tool-not-called, value: Read, args: {file_path: other.txt}}\n"
        "      - {type: tool-sequence, value: [Read]}\n"
        "      - {type: max-tool-calls, value: 1}\n"
        "      - {type: max-turns, value: 2}\n"
        "      - {type: contains, value: ship Friday}\n"
        '  - id: strict\n    prompt: Summarise notes.txt again\n    files: {notes.txt: "Ship on Friday.\\n"}\n'
        "    assert: [{type: tool-not-called, value: Read}, {type: max-tool-calls, value: 0}]\n",
    )
    done = run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path)
    assert done.returncode == 1, done.stderr  # the second case fails: the agent did read the file
    rows = {r["case"]: r for r in json.loads(done.stdout)["results"]}
    notes, strict = rows["notes"], rows["strict"]
    assert notes["status"] == "pass", notes["reason"]
    assert (
        notes["tool_calls"] == [{"name": "Read", "input": {"file_path": "notes.txt"}}] and notes["turns"] == 2
    )
    assert notes["checks"][0]["reason"] == "called Read with {'file_path': 'notes.txt'} (1 time)"
    assert strict["status"] == "fail"
    assert strict["reason"] == (
        'tool-not-called "Read": called Read (1 time); max-tool-calls 0: 1 tool call > 0'
    )
    # What the checks judged is what Claude Code did: its Read reached the file, its text the agent.
    results = [
        b for r in fake_api.subagent_requests for m in r.body["messages"] for b in m["content"]
        if isinstance(b, dict) and b.get("type") == "tool_result"
    ]  # fmt: skip
    assert results and "Ship on Friday." in json.dumps(results)


def test_trajectory_checks_need_claude_code_mode(home, fake_api, tmp_path, agents) -> None:
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases: [{prompt: hi, assert: [{type: tool-called, value: Read}]}]\n",
    )
    done = run_cli("eval", "suite.yaml", cwd=tmp_path)
    assert done.returncode == 2 and fake_api.count == 0
    assert "tool-called (line 2) is judged from the tool calls of a Claude Code run" in done.stderr


@pytest.mark.parametrize(
    ("kind", "value", "options", "passed", "reason"),
    [
        ("tool-sequence", ["Grep", "Read"], {}, True, "called Grep -> Read in order"),
        (
            "tool-sequence",
            ["Grep", "Read"],
            {"gaps": False},
            False,
            "matched 1 of 2 of Grep -> Read in a row",
        ),
        ("tool-sequence", ["Read", "Grep"], {}, False, "matched 1 of 2 of Read -> Grep in order"),
        ("delegated-to", "code-reviewer", {}, True, "delegated to code-reviewer"),
        ("delegated-to", "planner", {}, False, "delegated to code-reviewer"),
        ("tool-called", "Task", {}, True, "called Task (1 time)"),  # the old name of Agent
        ("tool-called", "Edit", {"args": {"file_path": "src/app.py"}}, True, "called Edit with"),
        ("max-turns", 2, {}, False, "4 turns > 2"),
    ],
)
def test_trajectory_types_on_recorded_tool_calls(kind, value, options, passed, reason) -> None:
    from agentkit.evals._checks import check

    calls = (
        {"name": "Grep", "input": {"pattern": "def"}},
        {"name": "Edit", "input": {"file_path": "/tmp/x/project/src/app.py"}},
        {"name": "Read", "input": {"file_path": "/tmp/x/project/README.md"}},
        {"name": "Agent", "input": {"subagent_type": "code-reviewer", "prompt": "review"}},
    )
    answer = evals.Answer("done", tool_calls=calls, turns=4, mode="claude-code")
    result = check(evals.Assertion(kind, value, options=options), answer)
    assert result.passed is passed and result.reason.startswith(reason), result.reason


# == datasets, vars, thresholds, metrics =============================================================


def test_a_csv_dataset_fills_the_prompt_template_and_an_assertion_value_per_row(
    home, fake_api, tmp_path, agents
) -> None:
    (tmp_path / "reviews.csv").write_text(
        "id,description,code,expected\n"
        'mean,the empty list,"def mean(xs): return sum(xs) / len(xs)",mean(xs)\n'
        'clamp,,"def clamp(x, lo, hi): return max(lo, min(x, hi))",nowhere\n'
    )
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nprompt: 'Review: {{code}}'\n"
        "assert: [{type: contains, value: '{{expected}}'}]\ncases: reviews.csv\n",
    )
    suite = evals.load_suite(tmp_path / "suite.yaml")
    assert [(c.id, c.description, c.line) for c in suite.cases] == [
        ("mean", "the empty list", 2),
        ("clamp", "", 3),
    ]
    assert suite.cases[0].prompt == "Review: def mean(xs): return sum(xs) / len(xs)"
    assert [a.value for a in suite.asserts_for(suite.cases[1])] == ["nowhere"]
    done = run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path)
    rows = {r["case"]: r for r in json.loads(done.stdout)["results"]}
    assert rows["mean"]["status"] == "pass" and rows["clamp"]["status"] == "fail"
    assert rows["mean"]["vars"] == {"code": "def mean(xs): return sum(xs) / len(xs)", "expected": "mean(xs)"}
    assert rows["clamp"]["checks"][0]["assertion"] == 'contains "nowhere"'
    assert done.returncode == 1


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        ("id,code\na,x\nb\n", "d.csv", "d.csv:3: 1 value(s) for 2 columns (id, code)"),
        ("id,cod\na,x\n", "d.csv", "d.csv:2: no column 'code' (the prompt template uses {{code}})"),
        ("id,code\na,\n", "d.csv", "d.csv:2: column 'code' is empty (the prompt template uses it)"),
        ("id,code,code\na,x,y\n", "d.csv", "d.csv:1: column 'code' appears twice in the header row"),
        ('{"id": "a", "code": "x"}\nnot json\n', "d.jsonl", "d.jsonl:2: not valid JSON"),
        ('{"id": "a", "code": "x"}\n[1]\n', "d.jsonl", "d.jsonl:2: a row is a JSON object, not list"),
        ("- {id: a, code: x}\n- {id: a, code: y}\n", "d.yaml", "the case id 'a' appears twice"),
        ("- {id: a, code: x}\n- just text\n", "d.yaml", "d.yaml:2: a row is a mapping, not str"),
        ("id,code\n", "d.csv", "d.csv: the dataset has no rows"),
        ("x", "d.txt", "d.txt: a dataset is a .csv, .jsonl or .yaml file, not .txt"),
    ],
)
def test_dataset_errors_name_the_file_row_and_column(tmp_path, agents, data, name, message) -> None:
    (tmp_path / name).write_text(data)
    write_suite(tmp_path, f"agents: [agents/reviewer.md]\nprompt: 'Review {{{{code}}}}'\ncases: {name}\n")
    with pytest.raises(evals.SuiteError) as raised:
        evals.load_suite(tmp_path / "suite.yaml")
    assert message in str(raised.value) and "\n" not in str(raised.value)


def test_jsonl_and_yaml_datasets_and_inline_vars(tmp_path, agents) -> None:
    (tmp_path / "d.jsonl").write_text('{"id": "a", "code": "x = 1", "n": 3}\n\n{"code": "y = 2", "n": 4}\n')
    write_suite(tmp_path, "agents: [agents/reviewer.md]\nprompt: 'Review {{code}} ({{n}})'\ncases: d.jsonl\n")
    suite = evals.load_suite(tmp_path / "suite.yaml")
    assert [(c.id, c.prompt) for c in suite.cases] == [
        ("a", "Review x = 1 (3)"),
        ("case-2", "Review y = 2 (4)"),
    ]
    (tmp_path / "d.yaml").write_text("- {id: a, vars: {code: z}}\n- {id: b, code: w}\n")
    write_suite(tmp_path, "agents: [agents/reviewer.md]\nprompt: 'Review {{code}}'\ncases: d.yaml\n")
    assert [c.prompt for c in evals.load_suite(tmp_path / "suite.yaml").cases] == ["Review z", "Review w"]
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases:\n"
        "  - {prompt: 'Is {{n}} even?', vars: {n: 4}, assert: [{type: contains-any, value: ['{{n}}', none]}]}\n"
        "  - {prompt: 'Keep {{ this }} as it is'}\n",
    )
    first, second = evals.load_suite(tmp_path / "suite.yaml").cases
    assert first.prompt == "Is 4 even?" and first.asserts[0].value == ["{{n}}", "none"]  # filled per case:
    suite = evals.load_suite(tmp_path / "suite.yaml")
    assert suite.asserts_for(first)[0].value == ["4", "none"]
    assert second.prompt == "Keep {{ this }} as it is"  # no vars: a prompt quoting a template is left alone
    write_suite(
        tmp_path, "agents: [agents/reviewer.md]\ncases: [{id: q, prompt: 'Is {{m}} even?', vars: {n: 4}}]\n"
    )
    with pytest.raises(
        evals.SuiteError, match=r"q: the prompt uses \{\{m\}\}, but there is no var 'm' \(vars: n\)"
    ):
        evals.load_suite(tmp_path / "suite.yaml")


def test_a_case_threshold_judges_the_weighted_score_and_metrics_are_summed_up(home, fake_api, agents) -> None:
    # The answer holds "carefully" but not "nowhere": scores 1 and 0, weighted 3 and 1: 0.75.
    asserts = [
        {"type": "contains", "value": "carefully", "weight": 3, "metric": "tone"},
        {"type": "contains", "value": "nowhere", "weight": 1, "metric": "accuracy"},
        {
            "type": "contains",
            "value": "Review",
            "weight": 0,
            "metric": "accuracy",
        },  # counted as a metric only
    ]
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[
            evals.Case("Review f1", asserts, "lenient", threshold=0.7),
            evals.Case("Review f2", asserts, "strict", threshold=0.8),
            evals.Case("Review f3", asserts, "every"),
        ],
    )
    results = evals.run(suite, progress=False)
    assert [(s.case, s.score, s.status) for s in results.samples] == [
        ("lenient", 0.75, "pass"),
        ("strict", 0.75, "fail"),
        ("every", 0.75, "fail"),
    ]
    row = results.summary().iloc[0]
    assert row["metric:tone"] == 1.0 and row["metric:accuracy"] == 0.5
    data = results.to_json()
    assert data["summary"]["metrics"] == ["accuracy", "tone"]
    assert data["summary"]["versions"][0]["metrics"] == {"accuracy": 0.5, "tone": 1.0}
    assert "metric:accuracy" in results.report()


# == run history ===================================================================================


def test_every_run_is_stored_and_diff_names_what_regressed(home, fake_api, tmp_path, agents) -> None:
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md, agents/strict.md]\ncases:\n"
        "  - {id: careful, prompt: Review g1, assert: [{type: contains, value: carefully}]}\n"
        "  - {id: demanding, prompt: Review g2, assert: [{type: contains, value: demanding}]}\n",
    )
    first = run_cli("eval", "suite.yaml", "--format", "json", cwd=tmp_path)
    run_a = json.loads(first.stdout)["summary"]["run_id"]
    # An edit of the reviewer: its answers (the stand-in echoes the prompt's first words) change.
    reviewer = agents / "reviewer.md"
    reviewer.write_text(REVIEWER.replace("You review code carefully and kindly.", "You are demanding today."))
    second = run_cli("eval", "suite.yaml", cwd=tmp_path)
    run_b = next(line.split()[1] for line in second.stdout.splitlines() if line.startswith("Run "))
    listed = run_cli("eval", "runs", "--format", "json", cwd=tmp_path)
    runs = json.loads(listed.stdout)["runs"]
    assert [r["run_id"] for r in runs[:2]] == [run_b, run_a] and runs[0]["samples"] == 4
    assert run_cli("eval", "runs", cwd=tmp_path).stdout.splitlines()[1].startswith(run_b)
    diff = run_cli("eval", "diff", run_a[:6], run_b, "--format", "json", cwd=tmp_path)
    assert diff.returncode == 1  # something regressed
    data = json.loads(diff.stdout)
    assert data["regressed"] == ["reviewer:careful"] and data["fixed"] == ["reviewer:demanding"]
    assert sorted(data["stayed"]) == ["strict:careful", "strict:demanding"]
    text = run_cli("eval", "diff", run_a, run_b, cwd=tmp_path)
    assert text.stdout.splitlines()[:3] == [
        f"run {run_a} -> run {run_b}: 1 regressed, 1 fixed, 2 stayed",
        "Regressed:",
        "  reviewer:careful: 1/1 -> 0/1",
    ]
    assert run_cli("eval", "diff", run_b, run_b, cwd=tmp_path).returncode == 0
    missing = run_cli("eval", "diff", "nope", run_b, cwd=tmp_path)
    assert missing.returncode == 1 and "no stored run 'nope'" in missing.stderr
    # `agentkit eval SUITE` still means a run, also for a suite file named like a subcommand's word.
    assert run_cli("eval", "run", "suite.yaml", cwd=tmp_path).returncode in (0, 1)


def test_runs_of_one_version_diff_by_case_id(home, fake_api, agents) -> None:
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=[evals.Case("Review h1", [], "only")])
    a, b = evals.run(suite, progress=False), evals.run(suite, progress=False)
    assert a.run_id != b.run_id
    assert evals.diff(a.run_id, b.run_id).to_dict()["stayed"] == ["only"]
    stored = evals.load_run(a.run_id)
    assert stored.samples == a.samples and stored.cases == ["only"]


# == batches =======================================================================================


def test_batch_sends_the_answers_through_the_message_batches_api(
    home, fake_api, tmp_path, agents, monkeypatch
) -> None:
    from agentkit.evals import _batch

    monkeypatch.setattr(_batch, "POLL_S", 0.01)
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")],
        cases=[evals.Case("Review i1", [{"type": "contains", "value": "user=Review i1"}]), "Review i2"],
        repeat=2,
    )
    direct = evals.run(suite, progress=False, record=False, no_cache=True)
    fake_api.reset()
    batched = evals.run(suite, progress=False, batch=True, no_cache=True)
    created = [r for r in fake_api.requests if r.method == "POST" and r.path == "/v1/messages/batches"]
    assert len(created) == 1 and len(created[0].body["requests"]) == 4
    assert not [r for r in fake_api.requests if r.path == "/v1/messages"]  # nothing asked one by one
    first = created[0].body["requests"][0]["params"]
    assert (
        first["system"] == "You review code carefully and kindly."
        and first["messages"][0]["content"] == "Review i1"
    )
    assert [s.answer for s in batched.samples] == [s.answer for s in direct.samples]  # the same requests
    assert [s.status for s in batched.samples] == ["pass"] * 4 and batched.sources == ["stand-in"]
    assert batched.samples[0].cost_usd == pytest.approx(direct.samples[0].cost_usd / 2)  # half the price


def test_a_batch_interrupted_while_waiting_is_resumed_not_sent_again(
    home, fake_api, agents, monkeypatch
) -> None:
    from agentkit.evals import _batch

    monkeypatch.setattr(_batch, "POLL_S", 0.01)
    real_wait = _batch._wait
    calls = []

    def interrupted(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise KeyboardInterrupt  # Ctrl-C while polling
        return real_wait(*args, **kwargs)

    monkeypatch.setattr(_batch, "_wait", interrupted)
    suite = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review j1", "Review j2"])
    with pytest.raises(KeyboardInterrupt):
        evals.run(suite, progress=False, batch=True)
    results = evals.run(suite, progress=False, batch=True)
    created = [r for r in fake_api.requests if r.path == "/v1/messages/batches"]
    assert len(created) == 1 and len(calls) == 2  # the same batch, polled again
    assert all(s.status == "pass" for s in results.samples) and len(fake_api.batches.created) == 1
    again = evals.run(suite, progress=False, batch=True)  # all recorded now: no batch at all
    assert len([r for r in fake_api.requests if r.path == "/v1/messages/batches"]) == 1 and again.samples


def test_batch_is_for_api_mode_and_failed_requests_are_asked_directly(
    home, fake_api, tmp_path, agents, monkeypatch
) -> None:
    from agentkit.evals import _batch

    monkeypatch.setattr(_batch, "POLL_S", 0.01)
    suite = evals.Suite(
        agents=[str(agents / "reviewer.md")], cases=["Review k1"], live_options={"mode": "claude-code"}
    )
    with pytest.raises(evals.SuiteError, match="--batch sends direct API requests"):
        evals.run(suite, progress=False, batch=True)
    flaky = evals.Suite(agents=[str(agents / "reviewer.md")], cases=["Review k2 [[status:400]]", "Review k3"])
    results = evals.run(flaky, progress=False, batch=True)
    direct = [r for r in fake_api.requests if r.path == "/v1/messages"]
    assert len(direct) == 1 and "Review k2" in json.dumps(direct[0].body)  # the errored one, asked again
    assert [s.status for s in results.samples] == ["error", "pass"]
    write_suite(tmp_path, "agents: [agents/reviewer.md]\ncases: [{prompt: Review k4}]\n")
    fake_api.batches.polls_to_end = 0
    done = run_cli("eval", "suite.yaml", "--batch", cwd=tmp_path)
    assert done.returncode == 0, done.stderr


def test_the_readme_documents_every_built_in_assertion_type() -> None:
    from agentkit.evals import _registry

    section = (ROOT / "README.md").read_text("utf-8").split("## Evaluate agents", 1)[1].split("\n## ", 1)[0]
    table = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {name for line in table for name in re.findall(r"`([a-z-]+)`", line.split("|")[1])}
    assert {t.name for t in _registry.types() if t.builtin} <= documented


# == conversations ==================================================================================


def test_a_conversation_is_answered_turn_by_turn_and_checked_per_turn(
    home, fake_api, tmp_path, agents
) -> None:
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\nrepeat: 2\ncases:\n"
        "  - id: chat\n    prompt: [Review the first file, Now the second file]\n    assert:\n"
        "      - {type: contains, value: user=Review the first file, turn: 1}\n"
        "      - {type: contains, value: user=Now the second file}\n"
        "      - {type: not-contains, value: first, turn: -1}\n",
    )
    suite = evals.load_suite(tmp_path / "suite.yaml")
    assert suite.cases[0].conversation == ("Review the first file", "Now the second file")
    results = evals.run(suite, progress=False)
    assert [s.status for s in results.samples] == ["pass", "pass"], results.samples[0].reason
    assert fake_api.count == 4  # two turns per sample, each sample its own conversation
    second = [
        r.body for r in fake_api.requests if r.body["messages"][-1]["content"] == "Now the second file"
    ][0]
    first_answer = results.samples[0].conversation[0]["answer"]
    assert [m["role"] for m in second["messages"]] == ["user", "assistant", "user"]
    assert second["messages"][:2] == [
        {"role": "user", "content": "Review the first file"},
        {"role": "assistant", "content": first_answer},
    ]
    sample = results.samples[0]
    assert sample.answer.endswith("user=Now the second file") and len(sample.conversation) == 2
    assert "turn 1: user: Review the first file" in results.detail("chat", "reviewer")
    again = evals.run(suite, progress=False)
    assert fake_api.count == 4 and all(s.cached for s in again.samples)  # every turn recorded
    write_suite(tmp_path, "agents: [agents/reviewer.md]\nmode: claude-code\ncases: [{prompt: [a, b]}]\n")
    with pytest.raises(evals.SuiteError, match="a conversation runs through the API"):
        evals.run(evals.load_suite(tmp_path / "suite.yaml"), progress=False)
    write_suite(
        tmp_path,
        "agents: [agents/reviewer.md]\ncases: [{prompt: [a, b], assert: [{type: contains, value: x, turn: 3}]}]\n",
    )
    with pytest.raises(evals.SuiteError, match="checks turn 3, but the case has 2"):
        evals.run(evals.load_suite(tmp_path / "suite.yaml"), progress=False)


def test_the_standalone_stand_in_plays_scripted_answers(tmp_path, agents) -> None:
    (tmp_path / "answers.yaml").write_text(
        '- {user: "Review m1", answers: ["(stand-in answer) first", "(stand-in answer) second"]}\n'
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "agentkit._oracle.standin", "--answers", str(tmp_path / "answers.yaml")],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    try:
        base_url = server.stdout.readline().strip().split("=", 1)[1]
        write_suite(tmp_path, "agents: [agents/reviewer.md]\nrepeat: 2\ncases: [{prompt: Review m1}]\n")
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "ANTHROPIC_BASE_URL": base_url,
            "AGENTKIT_HOME": str(tmp_path / "h"),
        }
        done = subprocess.run(
            [sys.executable, "-m", "agentkit", "eval", "suite.yaml", "--format", "json"],
            cwd=tmp_path, capture_output=True, text=True, env=env, timeout=120,
        )  # fmt: skip
        answers = sorted(r["answer"] for r in json.loads(done.stdout)["results"])
        assert answers == ["(stand-in answer) first", "(stand-in answer) second"]
    finally:
        server.terminate()
        server.wait(timeout=30)
