"""agentkit.usage against transcripts the real Claude Code binary wrote (issue 21, "How it is checked").

The pinned binary runs offline against the stand-in Messages API, whose every answer carries usage numbers
chosen here (input, output, cache read, cache creation) and its own message id. Three sessions in one
project: one delegates to a custom agent that takes two turns (a Read, then text) from an answer with two
content blocks (text + Agent call); one starts a built-in agent in the background; one delegates nothing.
`agentkit usage CONFIG --project P --format json` must report exactly what the stand-in sent. The binary
runs four times per test session (three sessions here, one with failing agents).
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

import agentkit
from agentkit import live
from agentkit._oracle.standin import Reply, TokenUsage, ToolUse
from agentkit._oracle.transcripts import ScriptedSession, expected, record_sessions
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.claude_code import BUILTIN_AGENTS, TRANSCRIPT_RECORD_TYPES

pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parent.parent
AGENTS = ROOT / "agents"
KINDS = ("input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens")


def _agent_call(agent: str, prompt: str, call_id: str, *, background: bool) -> ToolUse:
    given = {
        "description": f"{agent} task",
        "prompt": prompt,
        "subagent_type": agent,
        "run_in_background": background,
    }
    return ToolUse("Agent", given, call_id)


SESSIONS = [
    ScriptedSession(
        "Please review app.py before I merge it",
        main=(
            Reply(
                TokenUsage(input=1200, output=45, cache_read=3000, cache_creation=800),
                "I'll ask the code reviewer.",  # two content blocks: this text and the Agent call
                (_agent_call("code-reviewer", "Review app.py [run-review]", "toolu_usage_review", background=False),),
            ),
            Reply(TokenUsage(input=1500, output=60, cache_read=3800, cache_creation=0), "The review found one bug."),
        ),
        agents={
            "[run-review]": (
                Reply(TokenUsage(input=700, output=25, cache_read=0, cache_creation=650), "", (ToolUse("Read", {"file_path": "app.py"}, "toolu_usage_read"),)),
                Reply(TokenUsage(input=900, output=140, cache_read=650, cache_creation=90), "mean() fails on an empty list."),
            )
        },
    ),
    ScriptedSession(
        "Map the repository for me in the background",
        main=(
            Reply(TokenUsage(input=2100, output=30, cache_read=0, cache_creation=1700), "", (_agent_call("general-purpose", "List the files [run-map]", "toolu_usage_map", background=True),)),
            Reply(TokenUsage(input=2300, output=12, cache_read=1700, cache_creation=0), "It is running."),
            Reply(TokenUsage(input=2500, output=22, cache_read=1700, cache_creation=40), "The map is ready."),
        ),
        agents={"[run-map]": (Reply(TokenUsage(input=400, output=75, cache_read=0, cache_creation=0), "app.py and README.md"),)},
    ),
    ScriptedSession(
        "What does mean() return for [1, 2, 3]?",
        main=(Reply(TokenUsage(input=800, output=9, cache_read=2500, cache_creation=0), "2.0"),),
    ),
]  # fmt: skip

FAILING = [
    ScriptedSession(
        "Review and map, please",
        main=(
            Reply(
                TokenUsage(input=1000, output=50),
                "",
                (
                    _agent_call("code-reviewer", "Review [run-fails]", "toolu_fails", background=False),
                    _agent_call("Explore", "Map [run-bg-fails]", "toolu_bg_fails", background=True),
                    _agent_call("no-such-agent", "Anything [run-none]", "toolu_none", background=False),
                ),
            ),
            # No 5m/1h breakdown (a gateway): Claude Code writes zeros there; the total is what counts.
            Reply(TokenUsage(input=1100, output=40, cache_creation=700, breakdown=False), "Two failed."),
            Reply(TokenUsage(input=1200, output=40), "All done."),
        ),
        agents={"[run-fails]": (Reply(status=400),) * 4, "[run-bg-fails]": (Reply(status=400),) * 4},
    )
]


@pytest.fixture(scope="module")
def recorded(claude_code):
    """The real binary's transcripts of SESSIONS, its world kept open (the project's agents are read)."""
    with ScratchWorld(claude_code) as world:
        world.write_agent("code-reviewer.md", (AGENTS / "code-reviewer.md").read_bytes())
        world.write_agent("docs-writer.md", (AGENTS / "docs-writer.md").read_bytes())  # never used
        world.write_agent("planner.md", (AGENTS / "planner.md").read_bytes(), scope="user")  # never used
        (world.project / "app.py").write_text("def mean(xs):\n    return sum(xs) / len(xs)\n")
        sent = record_sessions(world, SESSIONS)
        yield world, sent


@pytest.fixture(scope="module")
def failing(claude_code):
    with ScratchWorld(claude_code) as world:
        world.write_agent("code-reviewer.md", (AGENTS / "code-reviewer.md").read_bytes())
        sent = record_sessions(world, FAILING, prefix="f")
        yield world, sent


def _cli_json(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "agentkit", "usage", *args, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_the_script_is_what_claude_code_asked_for(recorded):
    """Every answer came from the script, in the threads and turns expected (no default answer)."""
    _, sent = recorded
    threads = [[(s.thread, s.turn) for s in answers] for answers in sent]
    assert sorted(threads[0]) == [("[run-review]", 0), ("[run-review]", 1), ("main", 0), ("main", 1)]
    assert sorted(threads[1]) == [("[run-map]", 0), ("main", 0), ("main", 1), ("main", 2)]
    assert threads[2] == [("main", 0)]


def test_cli_json_equals_what_the_stand_in_sent(recorded):
    world, sent = recorded
    want = expected(SESSIONS, sent)
    # The numbers themselves, so that a script that sent nothing cannot pass:
    assert want["main"] == {
        "input_tokens": 10400,
        "output_tokens": 178,
        "cache_read_input_tokens": 12700,
        "cache_creation_input_tokens": 2540,
    }
    got = _cli_json(str(world.config_dir), "--project", str(world.project))
    assert got["sessions"] == 3
    assert {k: got["main"][k] for k in KINDS} == want["main"]
    agents = {a["agent"]: a for a in got["agents"]}
    assert set(agents) == {"code-reviewer", "general-purpose"}
    for name, numbers in want["agents"].items():
        assert {k: agents[name][k] for k in ("invocations", *KINDS)} == numbers, name
    assert agents["code-reviewer"]["input_tokens"] == 1600 and agents["code-reviewer"]["output_tokens"] == 165
    assert agents["code-reviewer"]["builtin"] is False and agents["general-purpose"]["builtin"] is True
    assert got["never_used"] == ["docs-writer", "planner"]
    assert got["missing"] == [] and got["problems"] == [] and got["unpriced_models"] == []


def test_answers_models_costs_and_runs(recorded):
    world, sent = recorded
    u = agentkit.usage(world.config_dir, project=world.project)
    answers = sum(len(s) for s in sent)
    assert u.main["answers"] + u.subagents["answers"] == answers == 9
    assert u.read["duplicates"] >= 1  # the two-block answer: two records, one usage
    models = u.per_model().set_index("model")
    # Claude Code resolved `model: sonnet` for the reviewer, and the default (opus) elsewhere.
    assert set(models.index) == {"claude-opus-5-5", "claude-sonnet-5-5"}
    for model, row in models.iterrows():
        mine = [s.reply.usage for answers in sent for s in answers if s.model == model]
        tokens = [
            sum(getattr(x, k) for x in mine) for k in ("input", "output", "cache_read", "cache_creation")
        ]
        assert [row[k] for k in KINDS] == tokens
        assert row.cost_usd == pytest.approx(live.usage_cost_usd(model, *tokens))
    runs = u.invocations.set_index("agent")
    review, mapping = runs.loc["code-reviewer"], runs.loc["general-purpose"]
    assert review.status == mapping.status == "completed"
    assert not review.background and mapping.background
    assert review.spawn_depth == mapping.spawn_depth == 1
    assert review.request == "Please review app.py before I merge it"
    assert mapping.request == "Map the repository for me in the background"
    assert review.duration_ms > 0 and mapping.duration_ms > 0
    assert review.model == "claude-sonnet-5-5"
    sessions = u.per_session()
    assert sessions.requests.tolist() == [1, 1, 1] and sessions.invocations.tolist() == [1, 1, 0]


def test_every_record_type_the_binary_writes_is_known(recorded):
    from agentkit._usage._read import read

    world, _ = recorded
    tally = read(world.config_dir, world.project)
    assert set(tally.record_types) <= TRANSCRIPT_RECORD_TYPES
    assert {"user", "assistant", "attachment", "api-request-blob", "queue-operation"} <= set(
        tally.record_types
    )
    assert tally.problems.rows == {}


def test_the_builtin_agents_are_the_binarys(claude_code):
    from agentkit._oracle.probe import builtin_agents

    assert tuple(sorted(name for name, _, _ in builtin_agents(claude_code))) == tuple(sorted(BUILTIN_AGENTS))


def test_routing_cases_from_real_transcripts(recorded, tmp_path):
    import yaml

    world, _ = recorded
    target = tmp_path / "routing.yaml"
    done = subprocess.run(
        [sys.executable, "-m", "agentkit", "usage", str(world.config_dir), "--project", str(world.project)]
        + ["--export-routing", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = target.read_text()
    assert "THE LABELS ARE WHAT CLAUDE CODE DID, NOT WHAT WAS RIGHT" in text
    suite = yaml.safe_load(text)["routing"]
    assert suite["project"] == str(world.project)
    assert suite["requests"] == [
        {"request": "Please review app.py before I merge it", "expect": "code-reviewer"},
        {"request": "Map the repository for me in the background", "expect": "general-purpose"},
        {"request": "What does mean() return for [1, 2, 3]?", "expect": "(self)"},
    ]
    # The file is a routing suite as it stands: it loads, and routes over the project it names.
    from agentkit import evals

    routing = evals.load_suite(target).routing
    assert routing.project == world.project.resolve() and routing.routers == ("offline", "claude-code")
    assert {"code-reviewer", "docs-writer"} <= {a.name for a in routing.sets[0][1]}  # the project's own
    offline = evals.run_routing(dataclasses.replace(routing, routers=("offline",)))
    assert [r.expected for r in offline.rows] == ["code-reviewer", "general-purpose", "(self)"]
    assert offline.rows[0].picked == "code-reviewer"


def test_days_outside_the_sessions_keep_nothing(recorded):
    world, _ = recorded
    u = agentkit.usage(world.config_dir, project=world.project, until="2001-01-01")
    assert u.sessions == 0 and u.invocations.empty and u.main["answers"] == 0
    assert u.never_used == ("code-reviewer", "docs-writer", "planner")


def test_failed_and_unknown_agents(failing):
    world, _ = failing
    u = agentkit.usage(world.config_dir, project=world.project)
    status = dict(zip(u.invocations.agent, u.invocations.status, strict=True))
    assert status == {"code-reviewer": "failed", "Explore": "failed", "no-such-agent": "failed"}
    agents = u.per_agent().set_index("agent")
    assert agents.loc["code-reviewer", "failed"] == 1 and agents.loc["code-reviewer", "input_tokens"] == 0
    assert u.missing == ("no-such-agent",)
    # Claude Code's made-up answers for the API errors ('<synthetic>', no usage) are no model.
    assert set(u.per_model().model) == {"claude-opus-5-5"}
    assert u.main["input_tokens"] == 3300 and u.main["cache_creation_input_tokens"] == 700
    # What the binary wrote for the answer without a breakdown: the total, and a breakdown of zeros.
    lines = next(world.config_dir.glob("projects/*/*.jsonl")).read_text().splitlines()
    written = [
        json.loads(line)["message"]["usage"] for line in lines if '"cache_creation_input_tokens":700' in line
    ]
    assert written and written[0]["cache_creation"] == {
        "ephemeral_1h_input_tokens": 0,
        "ephemeral_5m_input_tokens": 0,
    }
