"""Live runs through the real Anthropic SDK against the local fake Messages API (no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import agentkit
from agentkit import live
from agentkit.live._prices import DEFAULT_PRICES

ROOT = Path(__file__).resolve().parent.parent

REVIEWER = """---
name: reviewer
description: Reviews code diffs for bugs and readability. Use after writing code.
tools: Read, Grep
model: opus
---

You review code carefully and kindly, pointing at the lines that matter.
"""


def agent_text(name: str, description: str, body: str, model: str | None = None) -> str:
    model_line = f"model: {model}\n" if model else ""
    return f"---\nname: {name}\ndescription: {description}\n{model_line}---\n{body}\n"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """A fresh AGENTKIT_HOME (history, cache and config) for one test."""
    path = tmp_path / "home"
    monkeypatch.setenv("AGENTKIT_HOME", str(path))
    for name in ("AGENTKIT_REPLAY", "AGENTKIT_MODELS"):
        monkeypatch.delenv(name, raising=False)
    return path


@pytest.fixture
def agent():
    return agentkit.loads(REVIEWER, path="agents/reviewer.md")


def expected_reply(model: str, system: str, prompt: str) -> str:
    """What the fake API answers: derived from the request, so matching it proves what was sent."""
    return f"model={model} system={' '.join(system.split()[:5])} user={prompt}"


# -- streaming and the request --------------------------------------------------------------------


def test_text_streams_in_order_through_the_callback(home, fake_api, agent):
    chunks: list[str] = []
    r = live.run(agent, "check my diff", on_text=chunks.append)
    expected = expected_reply("claude-opus-5-5", agent.prompt, "check my diff")
    assert "".join(chunks) == r.text == expected
    assert chunks == [w + " " for w in expected.split()[:-1]] + [expected.split()[-1]]
    assert r.complete and r.error is None and not r.cached
    assert r.stop_reason == "end_turn"
    assert r.output_tokens == len(chunks)
    assert r.input_tokens == len(agent.prompt.split()) + 3
    assert r.agent == "reviewer" and r.path == str(Path("agents/reviewer.md"))
    assert 0 < r.time_to_first_token_s <= r.latency_s


def test_stream_iterator_gives_the_same_chunks(home, fake_api, agent):
    s = live.stream(agent, "iterate me", no_cache=True)
    chunks = list(s)
    assert len(chunks) > 3
    assert "".join(chunks) == s.result.text == expected_reply("claude-opus-5-5", agent.prompt, "iterate me")


def test_request_carries_system_prompt_prompt_model_and_stream(home, fake_api, agent):
    live.run(agent, "Review this: x = 1", max_tokens=321, temperature=0.5)
    assert fake_api.count == 1
    req = fake_api.requests[0]
    assert req.path == "/v1/messages"
    assert req.body["system"] == agent.prompt
    assert req.body["messages"] == [{"role": "user", "content": "Review this: x = 1"}]
    assert req.body["model"] == "claude-opus-5-5"
    assert req.body["stream"] is True
    assert req.body["max_tokens"] == 321
    assert req.body["temperature"] == 0.5
    assert req.headers["authorization"] == f"Bearer {os.environ['ANTHROPIC_API_KEY']}"


def test_an_agent_without_a_body_sends_no_system_prompt(home, fake_api):
    bare = agentkit.loads("---\nname: bare\ndescription: Nothing else.\n---\n", path="bare.md")
    live.run(bare, "hi")
    assert "system" not in fake_api.requests[0].body
    assert fake_api.requests[0].body["model"] == live.resolve_model(None)


# -- cache and history ------------------------------------------------------------------------------


def test_a_cache_hit_makes_no_request(home, fake_api, agent):
    first = live.run(agent, "same prompt")
    assert fake_api.count == 1
    chunks: list[str] = []
    second = live.run(agent, "same prompt", on_text=chunks.append)
    assert fake_api.count == 1
    assert second.cached and not first.cached
    assert second.text == first.text == "".join(chunks)
    assert second.run_id == first.run_id
    assert (second.input_tokens, second.output_tokens, second.cost_usd) == (
        first.input_tokens,
        first.output_tokens,
        first.cost_usd,
    )


def test_parameters_are_part_of_the_cache_key(home, fake_api, agent):
    live.run(agent, "p")
    live.run(agent, "p", max_tokens=100)
    live.run(agent, "p", temperature=0.0)
    live.run(agent, "p", model="haiku")
    assert fake_api.count == 4


def test_no_cache_calls_again_and_records_the_new_run(home, fake_api, agent):
    first = live.run(agent, "again")
    second = live.run(agent, "again", no_cache=True)
    assert fake_api.count == 2
    assert not second.cached and second.run_id != first.run_id
    frame = live.history()
    assert list(frame["run_id"][:2]) == [second.run_id, first.run_id]  # newest first
    assert live.run(agent, "again").run_id == second.run_id  # the newest answers the cache


def test_editing_the_agent_invalidates_the_cache(home, fake_api, agent):
    live.run(agent, "same prompt")
    # An edited, unsaved agent is another Agent whose render() differs; here only the description.
    edited = agentkit.edit(agent, description="Reviews diffs for bugs. Use after writing code.")
    assert edited.render() != agent.render()
    assert edited.prompt == agent.prompt
    r = live.run(edited, "same prompt")
    assert fake_api.count == 2 and not r.cached
    body_edit = agentkit.edit(agent, body="You review code strictly, line by line.\n")
    r = live.run(body_edit, "same prompt")
    assert fake_api.count == 3
    assert fake_api.requests[-1].body["system"] == body_edit.prompt
    assert r.text == expected_reply("claude-opus-5-5", body_edit.prompt, "same prompt")
    assert len(set(live.history()["agent_version"])) == 3


def test_history_is_a_frame_newest_first(home, fake_api, agent):
    assert live.history().empty
    for prompt in ("one", "two", "three"):
        live.run(agent, prompt)
    frame = live.history()
    assert list(frame["prompt"]) == ["three", "two", "one"]
    for column in (
        "timestamp",
        "agent",
        "model",
        "text",
        "input_tokens",
        "output_tokens",
        "cost_usd",
        "complete",
    ):
        assert column in frame.columns
    assert str(frame["timestamp"].dtype).startswith("datetime64")
    assert frame["complete"].tolist() == [True, True, True]
    assert len(live.history(limit=2)) == 2


def test_replay_mode_answers_from_the_cache_and_names_what_is_missing(home, fake_api, agent, monkeypatch):
    recorded = live.run(agent, "recorded prompt")
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")  # replay needs no key
    hit = live.run(agent, "recorded prompt")
    assert hit.cached and hit.text == recorded.text
    with pytest.raises(live.ReplayMiss) as info:
        live.run(agent, "never asked")
    message = str(info.value)
    assert "reviewer" in message and "never asked" in message and "claude-opus-5-5" in message
    with pytest.raises(live.ReplayMiss):
        live.run(agent, "recorded prompt", model="sonnet")
    assert isinstance(info.value, live.LiveError) and isinstance(info.value, agentkit.AgentkitError)
    assert fake_api.count == 1


# -- compare ------------------------------------------------------------------------------------------


@pytest.fixture
def three():
    return [
        agentkit.loads(
            agent_text(f"agent-{i}", f"Agent number {i}.", f"Persona {i} speaks first."), path=f"{i}.md"
        )
        for i in range(3)
    ]


@pytest.mark.parametrize("parallel", [False, True])
def test_compare_returns_results_in_order(home, fake_api, three, parallel):
    streamed: dict[int, list[str]] = {0: [], 1: [], 2: []}
    results = live.compare(three, "hello", parallel=parallel, on_text=lambda i, c: streamed[i].append(c))
    assert [r.agent for r in results] == ["agent-0", "agent-1", "agent-2"]
    for i, r in enumerate(results):
        assert f"system=Persona {i} speaks first." in r.text
        assert "".join(streamed[i]) == r.text
    frame = results.to_frame()
    assert list(frame["agent"]) == ["agent-0", "agent-1", "agent-2"]
    assert {"text", "model", "input_tokens", "output_tokens", "cost_usd", "cached", "latency_s"} <= set(frame)
    assert fake_api.count == 3


def test_compare_saved_and_edited_versions_of_one_agent(home, fake_api, agent):
    edited = agentkit.edit(agent, model="haiku")
    saved_r, edited_r = live.compare([agent, edited], "diff please")
    assert (saved_r.model, edited_r.model) == ("claude-opus-5-5", "claude-haiku-5-5")
    assert saved_r.agent_version != edited_r.agent_version
    assert [r.body["model"] for r in fake_api.requests] == ["claude-opus-5-5", "claude-haiku-5-5"]


# -- errors -------------------------------------------------------------------------------------------


def test_no_key_raises_missing_key_error_before_any_request(home, fake_api, agent, monkeypatch, tmp_path):
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    monkeypatch.delenv("ANTHROPIC_AUTH_TOKEN", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no SDK credentials profile in ~/.config/anthropic either
    for name in ("ANTHROPIC_CONFIG_DIR", "ANTHROPIC_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(live.MissingKeyError) as info:
        live.run(agent, "anything")
    assert "ANTHROPIC_API_KEY" in str(info.value) and "export" in str(info.value)
    with pytest.raises(live.MissingKeyError):
        live.count_tokens(agent, "anything")
    assert fake_api.count == 0


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (529, "overloaded (HTTP 529)"),
        (429, "rate limited by the Anthropic API (HTTP 429)"),
        (500, "failed (HTTP 500)"),
        (400, "refused the request (HTTP 400): invalid_request_error"),
    ],
)
def test_http_errors_become_plain_live_errors(home, fake_api, agent, status, words):
    fake_api.script(f"status:{status}")
    with pytest.raises(live.LiveError) as info:
        live.run(agent, "fails", max_retries=0)
    message = str(info.value)
    assert words in message
    assert "\n" not in message and "Traceback" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert fake_api.count == 1
    row = live.history().iloc[0]
    assert not row["complete"] and words in row["error"]


def test_retries_are_the_sdks_and_configurable(home, fake_api, agent):
    fake_api.script("status:529", "status:429", "ok")
    r = live.run(agent, "flaky", max_retries=2)
    assert r.complete and fake_api.count == 3
    fake_api.script("status:529", "status:529")
    with pytest.raises(live.LiveError, match=r"after 1 retry"):
        live.run(agent, "flaky again", max_retries=1)


def test_a_dropped_connection_keeps_the_partial_text(home, fake_api, agent):
    full = live.run(agent, "cut me")
    fake_api.script("drop:3")
    partial = live.run(agent, "cut me", no_cache=True)
    assert not partial.complete
    assert partial.text == "".join(full.text.split(" ")[i] + " " for i in range(3))
    assert "dropped mid-stream" in partial.error
    row = live.history().iloc[0]
    assert row["run_id"] == partial.run_id and not row["complete"] and row["text"] == partial.text
    # An incomplete run never answers from the cache.
    assert live.run(agent, "cut me").run_id == full.run_id
    live.run(agent, "[[drop:2]] other")
    assert not live.run(agent, "[[drop:2]] other").cached


def test_an_error_event_mid_stream_keeps_the_partial_text(home, fake_api, agent):
    r = live.run(agent, "break [[error:2]]")
    assert not r.complete and r.text.count(" ") == 2
    assert "overloaded_error" in r.error
    assert not live.history().iloc[0]["complete"]


def test_a_stream_without_message_stop_is_incomplete(home, fake_api, agent):
    r = live.run(agent, "short [[nostop:4]]")
    assert not r.complete and "message_stop" in r.error and r.text.count(" ") == 4


def test_stop_event_set_while_streaming(home, fake_api, agent):
    stop = threading.Event()
    seen: list[str] = []

    def on_text(chunk: str) -> None:
        seen.append(chunk)
        if len(seen) == 3:
            stop.set()

    r = live.run(agent, "many [[chunks:500]]", on_text=on_text, stop=stop)
    assert not r.complete and r.error == "stopped"
    assert r.text == "tok0 tok1 tok2 " == "".join(seen)
    assert live.history().iloc[0]["text"] == r.text


def test_stop_from_another_thread_interrupts_a_stalled_stream(home, fake_api, agent):
    # Not a speed test: without a working stop the stream would sit out the whole 20-second stall.
    s = live.stream(agent, "slow [[stall:20]]")
    threading.Timer(0.3, s.stop).start()
    t0 = time.perf_counter()
    chunks = list(s)
    assert time.perf_counter() - t0 < 10
    assert chunks == [] and not s.result.complete and s.result.error == "stopped"


def test_the_key_is_never_written(home, fake_api, agent, monkeypatch, tmp_path):
    key = "sk-ant-test-SECRET-9f8e7d6c5b4a-not-real"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    live.run(agent, "ok run")
    live.run(agent, "ok run")
    live.run(agent, "dropped [[drop:2]]")
    live.run(agent, "broken [[error:1]]")
    live.compare([agent, agent], "compared", parallel=True)
    live.count_tokens(agent, "count me")
    live.route_live([agent], "review my code please")
    fake_api.script("status:401")
    with pytest.raises(live.LiveError) as info:
        live.run(agent, "refused", max_retries=0)
    assert key not in str(info.value)
    (tmp_path / "export.csv").write_text(live.history().to_csv())
    (tmp_path / "export.json").write_text(
        json.dumps([r.to_dict() for r in live.compare([agent], "compared")])
    )
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "agentkit",
            "try",
            str(ROOT / "agents" / "code-reviewer.md"),
            "x",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert cli.returncode == 0 and key not in cli.stdout + cli.stderr
    assert all(r.headers["authorization"] == f"Bearer {key}" for r in fake_api.requests)  # the key was in use
    written = [p for p in [*home.rglob("*"), *tmp_path.rglob("*")] if p.is_file()]
    assert any(p.name == "history.sqlite" for p in written)
    for path in written:
        assert key.encode() not in path.read_bytes(), path


# -- models and prices --------------------------------------------------------------------------------


def test_default_aliases():
    assert live.resolve_model("sonnet") == "claude-sonnet-5-5"
    assert live.resolve_model("opus") == "claude-opus-5-5"
    assert live.resolve_model("haiku") == "claude-haiku-5-5"
    assert live.resolve_model("fable") == "claude-fable-5-2"
    assert live.resolve_model("best") == live.resolve_model("opus")  # with an API key, as the binary shows
    assert live.resolve_model("opusplan") == live.resolve_model("sonnet")  # Opus only in plan mode
    # The main conversation's default model, which a subagent without `model` inherits (as the binary shows).
    assert live.resolve_model("inherit") == live.resolve_model(None) == live.resolve_model("opus")
    assert live.resolve_model("opus[1m]") == "claude-opus-5-5"
    assert live.resolve_model("claude-sonnet-4-5-20250929") == "claude-sonnet-4-5-20250929"
    assert live.resolve_model("Sonnet") == "claude-sonnet-5-5"
    assert live.resolve_model("sonnet", model="claude-opus-4-8") == "claude-opus-4-8"


def test_aliases_from_config_file_then_env_then_explicit(home, fake_api, monkeypatch):
    home.mkdir(parents=True)
    (home / "config.toml").write_text(
        '[models]\nsonnet = "claude-sonnet-4-5"\ninherit = "haiku"\nhaiku = "claude-haiku-4-5"\n'
    )
    assert live.resolve_model("sonnet") == "claude-sonnet-4-5"
    assert live.resolve_model(None) == "claude-haiku-4-5"
    assert live.resolve_model("opus") == "claude-opus-5-5"  # untouched defaults remain
    monkeypatch.setenv("AGENTKIT_MODELS", "sonnet=claude-sonnet-4-6, opus=claude-opus-4-8")
    assert live.resolve_model("sonnet") == "claude-sonnet-4-6"
    assert live.resolve_model("opus") == "claude-opus-4-8"
    assert live.resolve_model(None) == "claude-haiku-4-5"  # the config file still counts
    assert live.resolve_model("sonnet", model="claude-x-1") == "claude-x-1"
    assert live.resolve_model("sonnet", model="opus") == "claude-opus-4-8"  # explicit, through the table
    a = agentkit.loads(agent_text("s", "S.", "Body.", model="sonnet"), path="s.md")
    live.run(a, "which model")
    live.run(a, "which model", model="claude-explicit-9")
    assert [r.body["model"] for r in fake_api.requests] == ["claude-sonnet-4-6", "claude-explicit-9"]


def test_claude_code_model_variables(home, monkeypatch):
    monkeypatch.setenv("ANTHROPIC_DEFAULT_SONNET_MODEL", "claude-sonnet-4-6")
    assert live.resolve_model("sonnet") == "claude-sonnet-4-6"
    assert live.resolve_model("opus") == live.resolve_model("inherit") == "claude-opus-5-5"
    monkeypatch.setenv("ANTHROPIC_DEFAULT_OPUS_MODEL", "claude-opus-4-8")  # the main model follows it
    assert live.resolve_model("inherit") == "claude-opus-4-8"
    monkeypatch.delenv("ANTHROPIC_DEFAULT_OPUS_MODEL")
    monkeypatch.setenv("AGENTKIT_MODELS", "sonnet=claude-sonnet-4-5")  # agentkit's own table wins
    assert live.resolve_model("sonnet") == "claude-sonnet-4-5"
    monkeypatch.setenv("CLAUDE_CODE_SUBAGENT_MODEL", "haiku")  # every subagent runs on it, as in Claude Code
    assert live.resolve_model("opus") == "claude-haiku-5-5"
    assert live.resolve_model("opus", model="opus") == "claude-opus-5-5"  # an explicit model still wins


def test_bad_alias_configuration_is_a_plain_error(home, monkeypatch):
    monkeypatch.setenv("AGENTKIT_MODELS", "sonnet")
    with pytest.raises(live.LiveError, match="AGENTKIT_MODELS"):
        live.resolve_model("sonnet")
    monkeypatch.setenv("AGENTKIT_MODELS", "a=b,b=a")
    with pytest.raises(live.LiveError, match="loop"):
        live.resolve_model("a")
    monkeypatch.delenv("AGENTKIT_MODELS")
    home.mkdir(parents=True)
    (home / "config.toml").write_text("[models\n")
    with pytest.raises(live.LiveError, match="config.toml"):
        live.resolve_model("sonnet")


def test_cost_follows_the_price_table(home, fake_api, agent):
    r = live.run(agent, "what does it cost")
    price = DEFAULT_PRICES["claude-opus-5-5"]
    assert r.cost_usd == pytest.approx((r.input_tokens * price.input + r.output_tokens * price.output) / 1e6)
    assert r.cost_usd > 0
    assert live.cost_usd("claude-sonnet-5-5", 1_000_000, 1_000_000) == pytest.approx(2.0 + 10.0)
    assert live.cost_usd("no-such-model", 10, 10) is None
    assert live.PRICES_AS_OF.startswith("2026-11")


def test_prices_from_the_config_file(home, fake_api, agent):
    home.mkdir(parents=True)
    (home / "config.toml").write_text('[prices."claude-custom-1"]\ninput = 1.5\noutput = 7\n')
    r = live.run(agent, "custom price", model="claude-custom-1")
    assert r.cost_usd == pytest.approx((r.input_tokens * 1.5 + r.output_tokens * 7) / 1e6)
    unpriced = live.run(agent, "unpriced", model="claude-unpriced-1")
    assert unpriced.cost_usd is None and unpriced.complete
    (home / "config.toml").write_text('[prices."claude-custom-1"]\ninput = "cheap"\n')
    with pytest.raises(live.LiveError, match="input"):
        live.price_table()


def test_count_tokens_uses_the_endpoint(home, fake_api, agent):
    n = live.count_tokens(agent, "how many tokens here")
    assert n == len(agent.prompt.split()) + 4
    req = fake_api.requests[-1]
    assert req.path == "/v1/messages/count_tokens"
    assert req.body["system"] == agent.prompt and req.body["model"] == "claude-opus-5-5"
    assert req.body["messages"] == [{"role": "user", "content": "how many tokens here"}]
    assert live.run(agent, "how many tokens here").input_tokens == n
    assert live.count_tokens(agent, model="haiku") == len(agent.prompt.split()) + 1
    assert fake_api.requests[-1].body["model"] == "claude-haiku-5-5"


# -- live routing -------------------------------------------------------------------------------------


@pytest.fixture
def team():
    return [
        agentkit.loads(
            agent_text("code-reviewer", "Reviews code changes and pull requests for bugs.", "Review."),
            path="a.md",
        ),
        agentkit.loads(
            agent_text("test-writer", "Writes unit tests and runs the test suite.", "Test."), path="b.md"
        ),
        agentkit.loads(
            agent_text("docs-writer", "Writes documentation, READMEs and changelogs.", "Docs."), path="c.md"
        ),
    ]


def test_route_live_presents_agents_as_claude_code_does(home, fake_api, team):
    picked = live.route_live(team, "please write unit tests for the parser")
    assert picked.choice == "test-writer" and picked.answer.strip() == "test-writer"
    system = fake_api.requests[-1].body["system"]
    assert "- code-reviewer: Reviews code changes and pull requests for bugs. (Tools: All tools)" in system
    assert "- docs-writer: Writes documentation, READMEs and changelogs." in system
    assert "name only" in system
    assert fake_api.requests[-1].body["messages"][0]["content"] == "please write unit tests for the parser"
    assert live.route_live(team, "please write unit tests for the parser").run.cached
    assert live.route_live(team, "bake a cake").choice is None


def test_compare_routing_against_an_offline_ranking(home, fake_api, team):
    import pandas as pd

    def offline(agents, request):  # a stand-in ranking: always prefers docs-writer
        return pd.DataFrame(
            {"name": ["docs-writer", "test-writer", "code-reviewer"], "score": [0.9, 0.5, 0.1]}
        )

    frame = live.compare_routing(
        team, ["update the changelog documentation", "review my pull request"], offline=offline
    )
    assert list(frame["live"]) == ["docs-writer", "code-reviewer"]
    assert list(frame["offline"]) == ["docs-writer", "docs-writer"]
    assert list(frame["agree"]) == [True, False]
    assert list(frame["live_offline_rank"]) == [1, 3]


def test_compare_routing_with_the_real_offline_router(home, fake_api, team):
    frame = live.compare_routing(team, ["write unit tests for the parser"])  # offline: agentkit.route
    assert frame.loc[0, "live"] == "test-writer"
    assert frame.loc[0, "offline"] == "test-writer" and frame.loc[0, "agree"]
    assert frame.loc[0, "live_offline_rank"] == 1 and 0 < frame.loc[0, "offline_score"] <= 1


@pytest.mark.parametrize(
    ("answer", "choice"),
    [
        ("code-reviewer", "code-reviewer"),
        ("`Code-Reviewer`.", "code-reviewer"),
        ("**reviewer**", "reviewer"),
        ("I would delegate this to the code-reviewer agent.", "code-reviewer"),
        ("none", None),
        ("None of these fit.", None),
        ("", None),
    ],
)
def test_parse_choice(answer, choice):
    assert live.parse_choice(answer, ["reviewer", "code-reviewer", "test-writer"]) == choice


# -- the `try` command --------------------------------------------------------------------------------


def agentkit_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentkit", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**os.environ, **env},
        timeout=60,
    )


def test_cli_try_text_streams_the_reply(home, fake_api):
    path = ROOT / "agents" / "code-reviewer.md"
    reviewer = agentkit.load(path)[0]
    out = agentkit_cli("try", str(path), "look at my diff")
    assert out.returncode == 0, out.stderr
    assert out.stdout == expected_reply("claude-sonnet-5-5", reviewer.prompt, "look at my diff") + "\n"
    assert "code-reviewer" in out.stderr and "claude-sonnet-5-5" in out.stderr and "$" in out.stderr
    assert fake_api.count == 1
    again = agentkit_cli("try", "code-reviewer", "look at my diff", "--agents", str(ROOT / "agents"))
    assert again.returncode == 0 and again.stdout == out.stdout and "(cached)" in again.stderr
    assert fake_api.count == 1


def test_cli_try_json_and_compare(home, fake_api):
    out = agentkit_cli("try", "agents/code-reviewer.md", "hi", "--format", "json", "--model", "haiku")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)
    for key in ("text", "model", "input_tokens", "output_tokens", "cached", "latency_s", "cost_usd"):
        assert key in row
    assert row["model"] == "claude-haiku-5-5" and row["text"].startswith("model=claude-haiku-5-5")
    out = agentkit_cli(
        "try", "agents/code-reviewer.md", "hi", "--compare", "agents/test-writer.md", "--format", "json",
        "--max-tokens", "3", "--no-cache",
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["agent"] for r in rows] == ["code-reviewer", "test-writer"]
    assert all(r["stop_reason"] == "max_tokens" and r["output_tokens"] == 3 for r in rows)
    assert [r.body["max_tokens"] for r in fake_api.requests[-2:]] == [3, 3]


def test_cli_try_exit_codes(home, fake_api, tmp_path):
    out = agentkit_cli("try", "agents/code-reviewer.md", "x [[status:429]]", "--max-retries", "0")
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.strip().splitlines() == [
        "agentkit try: rate limited by the Anthropic API (HTTP 429): wait a minute and try again"
    ]
    out = agentkit_cli("try", "agents/code-reviewer.md", "y [[drop:2]]")
    assert out.returncode == 1 and "cut short" in out.stderr and out.stdout.count(" ") == 2
    out = agentkit_cli("try", "agents/code-reviewer.md", "z", ANTHROPIC_API_KEY="", HOME=str(tmp_path))
    assert out.returncode == 1 and "ANTHROPIC_API_KEY" in out.stderr and "Traceback" not in out.stderr
    out = agentkit_cli("try", "no-such-agent", "x", "--agents", "agents")
    assert out.returncode == 2 and "no agent named 'no-such-agent'" in out.stderr
    out = agentkit_cli("try", "agents/missing.md", "x")
    assert out.returncode == 2 and "no such agent file" in out.stderr
    out = agentkit_cli("try", "agents/code-reviewer.md")
    assert out.returncode == 2
    out = agentkit_cli("try", "agents/code-reviewer.md", "w", AGENTKIT_REPLAY="1")
    assert out.returncode == 1 and "replay mode" in out.stderr and "'w'" in out.stderr
