"""Will Claude Code use my agent? Claude Code's own main-loop request, captured from the pinned binary in the
user's project, replayed N times through the real SDK against the stand-in, each answer classified."""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import agentkit
from agentkit import live
from agentkit._oracle.standin import FAKE_KEY, Behaviour, FakeMessagesAPI, ToolUse
from agentkit.live._routing import capture as capture_module
from agentkit.live._routing.sample import classify, resolve_agent

ROOT = Path(__file__).resolve().parent.parent
REQUEST = "Please review the change I just made to parser.py"

REVIEWER = """---
name: code-reviewer
description: Reviews code changes for bugs and style. Use after writing code.
tools: Read, Grep
---
You review code.
"""
PLANNER = """---
name: planner
description: Plans big features step by step before anyone writes code.
---
You plan.
"""


def _git(*args: str, cwd: Path) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh AGENTKIT_HOME (captures, history) for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("AGENTKIT_HOME", str(path))
    monkeypatch.delenv("AGENTKIT_REPLAY", raising=False)
    return path


@pytest.fixture
def world(tmp_path, home):
    """A git project with a CLAUDE.md and a project agent, and a user config with a user-level agent and
    its own CLAUDE.md. `.claude/` and CLAUDE.md are ignored by git, so that editing them leaves git's
    status (which Claude Code shows) unchanged."""
    project, config = tmp_path / "project", tmp_path / "config"
    (project / ".claude" / "agents").mkdir(parents=True)
    (project / ".claude" / "agents" / "code-reviewer.md").write_text(REVIEWER)
    (project / "CLAUDE.md").write_text("# Rules\nRun the tests with pytest before you say done.\n")
    (project / "parser.py").write_text("def parse(x):\n    return x\n")
    (project / ".gitignore").write_text(".claude/\nCLAUDE.md\n")
    _git("init", "-q", "-b", "main", cwd=project)
    _git("add", ".", cwd=project)
    _git("commit", "-qm", "first", cwd=project)
    (project / "parser.py").write_text("def parse(x):\n    return x.strip()\n")  # a change in progress
    (config / "agents").mkdir(parents=True)
    (config / "agents" / "planner.md").write_text(PLANNER)
    (config / "CLAUDE.md").write_text("Answer briefly.\n")
    return project, config


def snapshot(*folders: Path) -> dict[str, tuple[str, int]]:
    """Every file under the folders (git's included): its bytes' hash and its modification time."""
    out = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                out[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return out


def direct_capture(claude, project: Path, config: Path, request: str, scratch: Path) -> tuple[dict, dict]:
    """The main-loop request the binary sends when run by hand in the project (as a person checking agentkit
    would run it): `claude -p REQUEST`, its config a copy of `config`, against its own stand-in."""
    copy = scratch / "config-copy"
    shutil.copytree(config, copy)
    (scratch / "home").mkdir()
    with FakeMessagesAPI() as api:
        env = {
            "PATH": os.environ["PATH"],
            "HOME": str(scratch / "home"),
            "CLAUDE_CONFIG_DIR": str(copy),
            "ANTHROPIC_BASE_URL": api.base_url,
            "ANTHROPIC_API_KEY": FAKE_KEY,
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "CI": "1",
        }
        subprocess.run(
            [str(claude.path), "-p", request], cwd=project, env=env, capture_output=True, timeout=120
        )
        main = [r for r in api.requests if r.is_messages and not r.is_subagent and r.body.get("tools")]
    assert main, "the binary sent no main-loop request"
    return main[0].body, main[0].headers


def masked(body: dict, paths: dict[str, str]) -> dict:
    """A request with temp paths named, ids and the lowered limit left out (as the held-out check masks)."""
    text = json.dumps({k: v for k, v in body.items() if k not in ("metadata", "max_tokens", "stream")})
    for path, name in sorted(paths.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(json.dumps(path)[1:-1], name)
        text = text.replace(re.sub(r"[^A-Za-z0-9]", "-", path), name)
    return json.loads(text)


# -- the request ---------------------------------------------------------------------------------------------
def test_the_request_sent_is_the_one_claude_code_sends_and_nothing_is_written(
    world, fake_api, claude_code, tmp_path
):
    project, config = world
    before = snapshot(project, config)
    out = subprocess.run(
        [sys.executable, "-m", "agentkit", "route", REQUEST, "--project", str(project), "--config-dir",
         str(config), "--samples", "2", "--format", "json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "AGENTKIT_CLAUDE": str(claude_code.path)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    sent = [r for r in fake_api.requests if r.is_messages]
    assert len(sent) == 2
    assert snapshot(project, config) == before  # the project and the user's config are untouched

    scratch = tmp_path / "by-hand"
    scratch.mkdir()
    body, headers = direct_capture(claude_code, project, config, REQUEST, scratch)
    theirs = masked(body, {str(scratch / "config-copy"): "<config>"})
    for rec in sent:
        ours = masked(rec.body, {str(config): "<config>"})
        assert ours["model"] == theirs["model"]
        assert ours["tools"] == theirs["tools"]  # every tool, with its text
        assert ours["system"] == theirs["system"]
        assert ours["messages"] == theirs["messages"]  # CLAUDE.md, git status, the listing, the request
        assert ours == theirs  # and every other field (thinking, context management, output config)
        assert rec.headers["anthropic-beta"] == headers["anthropic-beta"]
        assert rec.body["max_tokens"] == live.DEFAULT_ROUTE_MAX_TOKENS < body["max_tokens"]
    listing = json.dumps(theirs)
    assert "- code-reviewer: Reviews code changes" in listing and "- planner: Plans big features" in listing
    assert "Run the tests with pytest" in listing and "Answer briefly." in listing

    result = json.loads(out.stdout)
    assert result["samples"] == 2 and result["claude_code"] == claude_code.version
    assert result["source"] == "stand-in" and result["model"] == body["model"]
    assert set(result["builtin"]) == {"claude", "Explore", "general-purpose", "Plan", "statusline-setup"}
    assert {"code-reviewer", "planner"} <= set(result["listed"])


def test_a_capture_is_cached_per_version_and_inputs(world, claude_code, home):
    project, config = world
    first = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code)
    again = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code)
    assert not first.cached and again.cached and again.body == first.body
    files = list((home / "captures" / claude_code.version).glob("*.json"))
    assert len(files) == 1 and oct(files[0].stat().st_mode & 0o777) == "0o600"
    (project / ".claude" / "agents" / "code-reviewer.md").write_text(REVIEWER.replace("bugs", "defects"))
    changed = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code)
    assert not changed.cached and "defects" in json.dumps(changed.body)
    (project / "lexer.py").write_text("new\n")  # git status (an untracked file) is part of the inputs
    assert not live.capture_request(REQUEST, project, config_dir=config, claude=claude_code).cached


def test_a_half_written_capture_in_the_cache_is_captured_again(world, claude_code, home):
    project, config = world
    live.capture_request(REQUEST, project, config_dir=config, claude=claude_code)
    (cached,) = (home / "captures" / claude_code.version).glob("*.json")
    cached.write_text('{"format": 1, "body": {"mod')
    assert not live.capture_request(REQUEST, project, config_dir=config, claude=claude_code).cached


# -- what if ------------------------------------------------------------------------------------------------
def _without_ids(body) -> dict:
    return {k: v for k, v in body.items() if k != "metadata"}


@pytest.mark.parametrize("change", ["description", "claude_md", "no_claude_md", "new_agent"])
def test_a_what_if_is_the_request_claude_code_sends_once_the_change_is_made(world, claude_code, change):
    project, config = world
    reviewer_path = project / ".claude" / "agents" / "code-reviewer.md"
    reviewer = agentkit.load(reviewer_path)[0]
    edited = agentkit.edit(reviewer, description="Use only for security audits of login code.")
    newcomer = agentkit.loads(PLANNER.replace("planner", "test-planner"), path="elsewhere/test-planner.md")
    kwargs = {
        "description": {"agents": [edited]},
        "claude_md": {"claude_md": "Always delegate reviews.\n"},
        "no_claude_md": {"claude_md": None},
        "new_agent": {"agents": [newcomer]},
    }[change]
    before = snapshot(project, config)
    what_if = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code, **kwargs)
    assert snapshot(project, config) == before  # edits went only into the scratch mirror
    assert what_if.changes
    # Now make the change for real, and capture again.
    if change == "description":
        reviewer_path.write_text(edited.render())
    elif change == "claude_md":
        (project / "CLAUDE.md").write_text("Always delegate reviews.\n")
    elif change == "no_claude_md":
        (project / "CLAUDE.md").unlink()
    else:
        (project / ".claude" / "agents" / "test-planner.md").write_text(newcomer.render())
    real = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code)
    assert _without_ids(what_if.body) == _without_ids(real.body)
    assert what_if.agent_names == real.agent_names


def test_a_what_if_never_writes_through_to_the_users_files(world, claude_code):
    project, config = world
    user_agent = agentkit.load(config / "agents" / "planner.md")[0]
    edited = agentkit.edit(user_agent, description="Plans sprints.")
    before = snapshot(project, config)
    what_if = live.capture_request(REQUEST, project, config_dir=config, claude=claude_code, agents=[edited])
    assert snapshot(project, config) == before
    assert "- planner: Plans sprints." in json.dumps(what_if.body)


# -- classifying an answer --------------------------------------------------------------------------------
NAMES = ["claude", "code-reviewer", "Explore", "general-purpose", "Plan", "statusline-setup", "ab-c", "a-bc"]


@pytest.mark.parametrize(
    ("subagent_type", "agent", "why"),
    [
        (None, "general-purpose", "no subagent_type: the default"),
        ("code-reviewer", "code-reviewer", "Agent"),
        ("Code Reviewer", "code-reviewer", "Agent ('Code Reviewer' matched)"),
        ("CODE_REVIEWER", "code-reviewer", "Agent ('CODE_REVIEWER' matched)"),
        ("ｃｏｄｅ-reviewer", "code-reviewer", "Agent ('ｃｏｄｅ-reviewer' matched)"),
        ("explore", "Explore", "Agent ('explore' matched)"),
        ("fork", None, "fork: a copy of the main agent"),
        ("code.reviewer", None, "refused: no agent 'code.reviewer'"),
        ("", None, "refused: no agent ''"),
        ("abc", None, "refused: 'abc' is ambiguous (ab-c, a-bc)"),
        (7, None, "refused: subagent_type 7 is not text"),
    ],
)
def test_an_agent_call_is_resolved_as_claude_code_resolves_it(subagent_type, agent, why):
    assert resolve_agent(subagent_type, NAMES) == (agent, why)


def test_an_answer_is_classified_by_what_it_does_first():
    def agent_call(kind):
        return {"type": "tool_use", "name": "Agent", "input": {"subagent_type": kind}}

    text = {"type": "text", "text": "I'll ask the reviewer. "}
    assert classify([text, agent_call("code-reviewer")], NAMES, "tool_use") == (
        "code-reviewer", "Agent", "code-reviewer", "I'll ask the reviewer.",
    )  # fmt: skip
    read = {"type": "tool_use", "name": "Read", "input": {"file_path": "parser.py"}}
    assert classify([read, agent_call("code-reviewer")], NAMES, "tool_use")[:2] == ("(self)", "tool: Read")
    skill = {"type": "tool_use", "name": "Skill", "input": {"skill": "code-review"}}
    assert classify([skill], NAMES, "tool_use")[:2] == ("(self)", "skill: code-review")
    assert classify([text], NAMES, "end_turn")[:2] == ("(self)", "text")
    assert classify([{"type": "thinking"}], NAMES, "max_tokens")[:2] == (
        "(self)",
        "no answer (max_tokens reached)",
    )


# -- sampling --------------------------------------------------------------------------------------------------
def _call(kind: str | None, text: str | None = None, index: int = 0) -> Behaviour:
    data = {"description": "review", "prompt": "review parser.py"}
    if kind is not None:
        data["subagent_type"] = kind
    return Behaviour(tool_uses=(ToolUse("Agent", data, f"toolu_{index}"),), text=text)


SCRIPT = [
    _call("code-reviewer", "I'll hand this to the reviewer."),
    _call("code-reviewer"),
    _call("Code Reviewer"),
    _call(None),  # general-purpose
    _call("Explore"),
    _call("fork"),  # (self)
    _call("nope"),  # refused: (self)
    Behaviour(),  # text alone: (self)
    Behaviour(tool_uses=(ToolUse("Read", {"file_path": "parser.py"}),), text="Let me look."),
    Behaviour(tool_uses=(ToolUse("Skill", {"skill": "code-review"}),)),
]
EXPECTED = {"code-reviewer": 3, "Explore": 1, "general-purpose": 1, "(self)": 5}


def test_picks_count_exactly_what_the_answers_did(world, fake_api, claude_code):
    project, config = world
    fake_api.queue(*SCRIPT)
    routed = live.route(REQUEST, project, samples=len(SCRIPT), config_dir=config, claude=claude_code)
    assert dict(routed.picks) == EXPECTED
    assert routed.errors == 0 and len(routed.samples) == 10 and routed.source == "stand-in"
    assert sum(routed.shares().values()) == pytest.approx(1.0)
    low, high = routed.interval("code-reviewer")
    assert low < 0.3 < high
    frame = routed.to_frame()
    assert set(frame.label) >= {"code-reviewer", "general-purpose", "Explore", "planner", "(self)"}
    assert bool(frame.set_index("label").loc["general-purpose", "builtin"])
    assert "I'll hand this to the reviewer." in set(routed.samples_frame().words)
    text = routed.summary()
    assert "stand-in API — not Claude's answer" in text and "general-purpose (built-in)" in text


def test_the_cli_counts_match_a_scripted_stand_in(world, fake_api, claude_code):
    project, config = world
    fake_api.queue(*SCRIPT)
    out = subprocess.run(
        [sys.executable, "-m", "agentkit", "route", REQUEST, "--project", str(project), "--config-dir",
         str(config), "--samples", str(len(SCRIPT)), "--concurrency", "3", "--format", "json"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "AGENTKIT_CLAUDE": str(claude_code.path)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["picks"] == EXPECTED and data["samples"] == 10
    assert {"request", "samples", "picks", "claude_code", "model", "cost_usd", "source"} <= set(data)
    fake_api.queue(*SCRIPT)
    text = subprocess.run(
        [sys.executable, "-m", "agentkit", "route", REQUEST, "--project", str(project), "--config-dir",
         str(config), "--samples", "10", "--no-cache"],
        capture_output=True, text=True, timeout=300, env={**os.environ, "AGENTKIT_CLAUDE": str(claude_code.path)},
    )  # fmt: skip
    assert text.returncode == 0, text.stderr
    assert re.search(r"code-reviewer\s+█+░*\s+3/10\s+30%", text.stdout)
    assert "answers from: stand-in API — not Claude's answer" in text.stdout


def test_later_samples_read_the_prompt_cache_and_the_cost_shows_it(world, fake_api, claude_code):
    project, config = world
    routed = live.route(REQUEST, project, samples=4, config_dir=config, claude=claude_code)
    first, *rest = routed.samples
    assert first.cache_creation_input_tokens > 0 and first.cache_read_input_tokens == 0
    assert all(s.cache_read_input_tokens == first.cache_creation_input_tokens for s in rest)
    assert all(s.cost_usd < first.cost_usd for s in rest)  # reading the cache costs a tenth of input
    assert routed.usage()["cache_read_input_tokens"] == 3 * first.cache_creation_input_tokens
    assert "read from the prompt cache" in routed.summary()


def test_samples_are_recorded_and_replayed_without_a_request(world, fake_api, claude_code, monkeypatch):
    project, config = world
    first = live.route(REQUEST, project, samples=3, config_dir=config, claude=claude_code)
    asked = fake_api.count
    again = live.route(REQUEST, project, samples=3, config_dir=config, claude=claude_code)
    assert again.cached == 3 and fake_api.count == asked and dict(again.picks) == dict(first.picks)
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    replayed = live.route(REQUEST, project, samples=3, config_dir=config, claude=claude_code)
    assert replayed.cached == 3 and fake_api.count == asked and replayed.source == "stand-in"
    with pytest.raises(live.ReplayMiss, match="not recorded"):
        live.route(REQUEST, project, samples=5, config_dir=config, claude=claude_code)


def test_a_what_if_route_shows_before_and_after(world, fake_api, claude_code):
    project, config = world
    reviewer = agentkit.load(project / ".claude" / "agents" / "code-reviewer.md")[0]
    # The stand-in delegates by word overlap: a description that shares the request's words wins it.
    edited = agentkit.edit(reviewer, description="Use for every change made to parser code.")
    out = subprocess.run(
        [sys.executable, "-m", "agentkit", "route", "the parser change needs a look", "--project", str(project),
         "--config-dir", str(config), "--samples", "2", "--agents", str(ROOT / "agents")],
        capture_output=True, text=True, timeout=300, env={**os.environ, "AGENTKIT_CLAUDE": str(claude_code.path)},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "what if: the project's agents replaced by the" in out.stdout and "with the change" in out.stdout
    before = live.route(
        "the parser change needs a look", project, samples=2, config_dir=config, claude=claude_code
    )
    after = live.route(
        "the parser change needs a look",
        project,
        samples=2,
        config_dir=config,
        claude=claude_code,
        agents=[edited],
    )
    assert "code-reviewer" not in before.picks and after.picks == {"code-reviewer": 2}


# -- routing evaluations ----------------------------------------------------------------------------------------
ROUTING_SUITE = """routing:
  project: project
  samples: 3
  routers: [offline, live]
  requests:
    - {request: "review parser.py", expect: code-reviewer}
    - {request: "look around the repository", expect: general-purpose}
    - {request: "what is 2 + 2?", expect: none}
    - {request: "plan the next feature", expect: planner}
"""


def test_a_routing_suite_over_a_project_counts_claude_codes_picks(world, fake_api, claude_code, monkeypatch):
    """A suite with `project:` routes in that project with the user's config (here CLAUDE_CONFIG_DIR), built-in
    agents and `(self)` are expectations like any agent, `live` is the old name of the claude-code router, and
    each row keeps every sample's pick: the most frequent is the pick, the share is the expected label's."""
    from agentkit import evals

    project, config = world
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    monkeypatch.setenv("AGENTKIT_CLAUDE", str(claude_code.path))
    before = snapshot(project, config)
    suite_file = project.parent / "suite.yaml"
    suite_file.write_text(ROUTING_SUITE)
    suite = evals.load_suite(suite_file).routing
    assert (
        suite.project == project.resolve()
        and suite.samples == 3
        and suite.routers == ("offline", "claude-code")
    )
    assert [c.expect for c in suite.requests] == ["code-reviewer", "general-purpose", "(self)", "planner"]
    assert {a.name for a in suite.sets[0][1]} == {"code-reviewer", "planner"}  # the project's and the user's
    fake_api.queue(
        _call("code-reviewer"), _call("code-reviewer"), _call("Explore"),
        _call(None), Behaviour(), _call(None),
        Behaviour(), Behaviour(), Behaviour(),
        _call("code-reviewer"), _call("code-reviewer"), Behaviour(),
    )  # fmt: skip
    results = evals.run_routing(suite, no_cache=True)
    rows = results._rows(None, "claude-code")
    assert [r.picked for r in rows] == ["code-reviewer", "general-purpose", "(self)", "code-reviewer"]
    assert [dict(r.picks) for r in rows] == [
        {"code-reviewer": 2, "Explore": 1}, {"general-purpose": 2, "(self)": 1}, {"(self)": 3},
        {"code-reviewer": 2, "(self)": 1},
    ]  # fmt: skip
    assert [round(r.share, 3) for r in rows] == [0.667, 0.667, 1.0, 0.0]
    assert [r.correct for r in rows] == [True, True, True, False] and fake_api.count == 12
    text = results.text()
    assert "project · claude-code router: 3/4 correct" in text and "most frequent of 3 samples" in text
    assert "stand-in API" in text and "an estimate from names and descriptions" in text
    assert "planner loses 'plan the next feature' to code-reviewer" in text
    assert snapshot(project, config) == before  # the user's project and config are untouched


def test_a_routing_suite_applies_its_agent_sets_to_the_project(world, fake_api, claude_code, monkeypatch):
    """`agents:` next to `project:` are edits of the project: the edited description reaches Claude Code."""
    from agentkit import evals

    project, config = world
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    monkeypatch.setenv("AGENTKIT_CLAUDE", str(claude_code.path))
    edited = project.parent / "edited"
    edited.mkdir()
    (edited / "code-reviewer.md").write_text(
        REVIEWER.replace("Reviews code", "Use for every parser change; reviews code")
    )
    (project.parent / "suite.yaml").write_text(
        "routing:\n  project: project\n  agents: {saved: [project/.claude/agents/], edited: [edited/]}\n"
        "  routers: [claude-code]\n  requests:\n    - {request: the parser change needs a look, expect: code-reviewer}\n"
    )
    suite = evals.load_suite(project.parent / "suite.yaml").routing
    results = evals.run_routing(suite)
    change = results.compare("saved", "edited", "claude-code")
    assert [r.picked for r in change.fixed] == ["code-reviewer"], results.to_frame()
    assert (
        "claude-code router, saved -> edited: accuracy 0% -> 100% · answers from stand-in API"
        in change.sentence
    )


def test_the_playground_asks_claude_code_whether_it_would_delegate(world, fake_api, claude_code, monkeypatch):
    from agentkit.widgets import Playground

    project, config = world
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    monkeypatch.setenv("AGENTKIT_CLAUDE", str(claude_code.path))
    playground = Playground(ROOT / "agents", "Write the docs for the export command", project=project)
    playground.picker.value = ("docs-writer",)
    fake_api.queue(_call("docs-writer"), _call("docs-writer"), Behaviour())
    playground.route(wait=True)
    routed = playground.route_result
    assert dict(routed.picks) == {"docs-writer": 2, "(self)": 1}, playground.status.value
    assert "docs-writer" in routed.capture.agent_names and "code-reviewer" in routed.capture.agent_names
    assert "stand-in API — not Claude's answer" in html.unescape(playground.route_output.value)
    assert "stand-in API" in playground.status.value and not playground.route_button.disabled
    playground.picker.value = ()
    playground.route(wait=True)
    assert playground.status.value == "pick at least one agent and write a prompt"


# -- errors ----------------------------------------------------------------------------------------------------
def test_without_a_binary_the_message_names_the_pinned_sdk(world, monkeypatch):
    from agentkit._reader.claude_code import CLAUDE_AGENT_SDK_VERSION

    project, config = world
    monkeypatch.setenv("AGENTKIT_CLAUDE", str(project / "no-such-claude"))
    with pytest.raises(agentkit.ClaudeCodeNotFound, match=f"claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION}"):
        live.route(REQUEST, project, config_dir=config)


def test_without_a_key_route_says_what_try_says(world, fake_api, claude_code, monkeypatch):
    project, config = world
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    env["AGENTKIT_CLAUDE"] = str(claude_code.path)
    route = subprocess.run(
        [sys.executable, "-m", "agentkit", "route", REQUEST, "--project", str(project), "--config-dir", str(config)],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    try_ = subprocess.run(
        [sys.executable, "-m", "agentkit", "try", str(ROOT / "agents" / "code-reviewer.md"), "hello"],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert route.returncode == try_.returncode == 1
    first = route.stderr.split(": ", 1)[1].split(" first")[0]
    assert (
        first
        == try_.stderr.split(": ", 1)[1].split(" first")[0]
        == ("no Anthropic API key: export ANTHROPIC_API_KEY=sk-ant-...")
    )
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(live.MissingKeyError):
        live.route(REQUEST, project, config_dir=config, claude=claude_code)


def _fake_claude(tmp_path: Path, script: str) -> Path:
    path = tmp_path / "claude"
    path.write_text(
        '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "2.1.332 (Claude Code)"; exit 0; fi\n' + script
    )
    path.chmod(0o755)
    return path


def test_claude_code_failing_during_capture_is_said_in_its_own_words(world, tmp_path):
    project, config = world
    broken = _fake_claude(tmp_path, 'echo "Error: Invalid settings file: unexpected token" >&2\nexit 1\n')
    with pytest.raises(
        live.LiveError, match="sent no request \\(exit code 1\\): Error: Invalid settings file"
    ):
        live.route(REQUEST, project, config_dir=config, claude=broken)


def test_claude_code_hanging_during_capture_is_stopped(world, tmp_path, monkeypatch):
    project, config = world
    hanging = _fake_claude(tmp_path, "sleep 60\n")
    with pytest.raises(live.LiveError, match="sent no request within 1 s"):
        live.capture_request(REQUEST, project, config_dir=config, claude=hanging, timeout=1)


def test_rate_limits_are_waited_out_and_other_errors_fail_one_sample(
    world, fake_api, claude_code, monkeypatch
):
    import importlib

    route_module = importlib.import_module("agentkit.live._routing.route")
    project, config = world
    monkeypatch.setattr(route_module, "BACKOFF_S", (0.05, 0.05))
    fake_api.script("status:429", "status:529", "ok", "status:400", "ok")
    routed = live.route(
        REQUEST, project, samples=3, concurrency=1, config_dir=config, claude=claude_code, max_retries=0
    )
    assert routed.errors == 1 and len(routed.answered) == 2
    failed = next(s for s in routed.samples if s.error)
    assert "HTTP 400" in failed.error and failed.label not in routed.picks
    fake_api.script(*["status:429"] * 5)
    one = live.route(
        REQUEST, project, samples=1, config_dir=config, claude=claude_code, max_retries=0, cache=False
    )
    assert one.errors == 1 and "HTTP 429" in one.samples[0].error


@pytest.mark.parametrize(
    ("option", "value"), [("samples", 0), ("samples", True), ("concurrency", 0), ("max_tokens", -1)]
)
def test_bad_options_are_refused_before_any_work(world, option, value):
    project, _ = world
    with pytest.raises(live.InvalidRunOption):
        live.route(REQUEST, project, **{option: value})


def test_a_project_that_is_not_a_folder_is_refused(tmp_path):
    with pytest.raises(live.LiveError, match="no such folder"):
        live.capture_request(REQUEST, tmp_path / "nowhere")
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(live.LiveError, match="is not a folder"):
        live.capture_request(REQUEST, tmp_path / "file.txt")
    assert capture_module.user_config_dir(tmp_path) == tmp_path.resolve()


# -- the widget (its logic, without a browser) ------------------------------------------------------------------
def test_the_route_explorer_shows_before_and_after_an_edit(world, fake_api, claude_code, monkeypatch):
    from agentkit.widgets import RouteExplorer

    project, config = world
    monkeypatch.setenv("AGENTKIT_CLAUDE", str(claude_code.path))
    explorer = RouteExplorer(project, "the parser change needs a look", samples=2, config_dir=config)
    assert repr(explorer) == "<RouteExplorer project: 2 agents of yours>"  # the project's and the user's
    explorer.run(wait=True)
    assert explorer.before is None and explorer.result is not None
    assert "stand-in API — not Claude" in explorer.output.value
    explorer.agent.value = "code-reviewer"
    assert explorer.description.value.startswith("Reviews code changes") and not explorer.description.disabled
    explorer.description.value = "Use for every change made to parser code."
    explorer.run(wait=True)
    assert explorer.before is not None and explorer.result.picks == {"code-reviewer": 2}
    html = explorer.output.value
    assert "as it is" in html and "with the edit" in html and "code-reviewer.md: this version" in html
    assert explorer.status.value.startswith("most often: code-reviewer (100% of 2)")
    assert "with the change" in explorer.results_text()
    assert (project / ".claude" / "agents" / "code-reviewer.md").read_text() == REVIEWER  # never written


def test_the_route_explorer_says_what_went_wrong_instead_of_raising(world, tmp_path):
    from agentkit.widgets import RouteExplorer

    project, config = world
    explorer = RouteExplorer(project, "", config_dir=config, claude=tmp_path / "no-claude")
    explorer.run(wait=True)
    assert explorer.status.value == "type a request first"
    explorer.request.value = "review this"
    explorer.run(wait=True)
    assert "not a Claude Code binary" in explorer.status.value and not explorer.run_button.disabled
    missing = RouteExplorer(tmp_path / "nowhere")
    assert missing.agents == {} or "cannot read" in missing.status.value
