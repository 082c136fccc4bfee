"""Live runs through the real Anthropic SDK against the local fake Messages API (no network)."""

from __future__ import annotations

import dataclasses
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
from agentkit._reader.claude_code import CLAUDE_CODE_INSTALL
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


def test_run_options_reach_the_request(home, fake_api, agent):
    options = live.RunOptions(model="haiku", max_tokens=123, temperature=0.25)
    result = live.run(agent, "Review this: y = 2", options)
    body = fake_api.requests[-1].body
    assert (body["model"], body["max_tokens"], body["temperature"]) == ("claude-haiku-5-5", 123, 0.25)
    assert (result.model, result.max_tokens, result.temperature) == ("claude-haiku-5-5", 123, 0.25)
    # The same run through keywords is the same run: answered from the cache, no request.
    again = live.run(agent, "Review this: y = 2", model="haiku", max_tokens=123, temperature=0.25)
    assert again.cached and fake_api.count == 1
    # Keywords change the options given; no_cache in the options forces a request.
    live.run(agent, "Review this: y = 2", options.replace(no_cache=True), max_tokens=7)
    assert fake_api.count == 2 and fake_api.requests[-1].body["max_tokens"] == 7


def test_compare_and_stream_pass_run_options_through(home, fake_api, three):
    options = live.RunOptions(max_tokens=55, no_cache=True)
    live.compare(three[:2], "Same prompt", options, parallel=True)
    assert [r.body["max_tokens"] for r in fake_api.requests] == [55, 55]
    s = live.stream(three[0], "Streamed", options.replace(temperature=0.5))
    list(s)
    assert (fake_api.requests[-1].body["max_tokens"], fake_api.requests[-1].body["temperature"]) == (55, 0.5)


def test_run_options_refuse_what_no_run_can_honour():
    with pytest.raises(live.InvalidRunOption, match="max_tokens must be a whole number"):
        live.RunOptions(max_tokens=0)
    with pytest.raises(live.InvalidRunOption, match="Claude Code sets no temperature"):
        live.RunOptions(mode="claude-code").replace(temperature=0.3)
    with pytest.raises(TypeError, match="unexpected keyword argument 'max_token'"):
        live.RunOptions.of(None, {"max_token": 3})
    with pytest.raises(dataclasses.FrozenInstanceError):
        live.RunOptions().max_tokens = 3  # type: ignore[misc]
    assert live.RunOptions(max_tokens=10, mode="api").given() == {"max_tokens": 10, "mode": "api"}
    assert agentkit.RunOptions is live.RunOptions


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
    live.confusion(agent, agent)
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
    # As the binary shows (tests/test_claude_code_facts.py): the model of agents that name none; an agent's
    # own model, `inherit` included, is kept.
    monkeypatch.setenv("CLAUDE_CODE_SUBAGENT_MODEL", "haiku")
    assert live.resolve_model(None) == "claude-haiku-5-5"
    assert live.resolve_model("opus") == "claude-opus-5-5"
    assert live.resolve_model("inherit") == live.resolve_model("opus")
    assert live.resolve_model(None, model="opus") == "claude-opus-5-5"  # an explicit model still wins


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
    assert again.returncode == 0 and again.stdout == out.stdout and "· cached ·" in again.stderr
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


# -- one RunResult, one summary line, Playgrounds that wait for themselves (issue: layout) ----------------


def test_the_summary_line_is_formatted_once(home, fake_api, agent):
    r = live.run(agent, "summarise me")
    line = r.summary()
    assert (
        line.startswith("claude-opus-5-5 · ")
        and f"{r.input_tokens} in / {r.output_tokens} out tokens" in line
    )
    assert line.endswith("stand-in API — not Claude's answer")
    assert "cached" not in line and "cached" in live.run(agent, "summarise me").summary()
    assert " s · " not in r.summary(timing=False)
    cli = agentkit_cli("try", "agents/code-reviewer.md", "summarise me too")
    reviewer = agentkit.load(ROOT / "agents" / "code-reviewer.md")[0]
    again = live.run(reviewer, "summarise me too")  # the CLI's run, from the cache
    assert again.cached
    assert f"-- code-reviewer · {again.summary(timing=False).split(' · ')[0]}" in cli.stderr
    from agentkit.widgets import Playground

    playground = Playground({"reviewer": agent}, "summarise me", selected=["reviewer"])
    playground.run(wait=True)
    footer = playground.panes.children[0].children[2].value
    assert html_text(footer) == playground.results[0].summary()


def html_text(value: str) -> str:
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", value))


def test_a_playground_waits_only_for_its_own_runs(home, fake_api, agent):
    from agentkit.widgets import Playground

    slow = Playground({"reviewer": agent}, "slow one [[stall:20]]", selected=["reviewer"])
    fast = Playground({"reviewer": agent}, "fast one", selected=["reviewer"])
    slow.run()
    try:
        t0 = time.perf_counter()
        fast.run(wait=True)
        waited = time.perf_counter() - t0
        assert fast.status.value == "done: 1 complete"
        assert slow.running
        # Not a speed test: waiting for the other Playground's stalled run would take the whole 20 s stall.
        assert waited < 10, waited
    finally:
        t0 = time.perf_counter()
        slow.stop()
        slow.wait()
        stopping = time.perf_counter() - t0
    assert not slow.running and slow.results[0].error == "stopped"
    # Stop cuts a stream that is waiting for its first text, not only between chunks: not a speed test,
    # but waiting for the stall would take the rest of its 20 s.
    assert stopping < 10, stopping


def test_a_stop_event_cuts_a_run_that_waits_for_its_first_text(home, fake_api, agent):
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    t0 = time.perf_counter()
    result = live.run(agent, "stalled [[stall:20]]", stop=stop, no_cache=True)
    assert result.error == "stopped" and not result.complete
    assert time.perf_counter() - t0 < 10  # the stall is 20 s: the stop cut it


# -- the history file: a versioned schema, migrations, errors (issue: history) ----------------------------

# The schema agentkit wrote before the history had a version (no PRAGMA user_version): kept verbatim.
SCHEMA_BEFORE_VERSIONS = """
CREATE TABLE IF NOT EXISTS runs (
    run_id TEXT PRIMARY KEY, key TEXT NOT NULL, timestamp TEXT NOT NULL,
    agent TEXT, agent_version TEXT NOT NULL, path TEXT, model TEXT NOT NULL, prompt TEXT NOT NULL,
    max_tokens INTEGER NOT NULL, temperature REAL, text TEXT NOT NULL,
    input_tokens INTEGER, output_tokens INTEGER, time_to_first_token_s REAL, latency_s REAL,
    stop_reason TEXT, cost_usd REAL, complete INTEGER NOT NULL, error TEXT
);
CREATE INDEX IF NOT EXISTS runs_by_key ON runs (key, complete, timestamp);
"""


def old_history(home: Path, agent, prompt: str) -> str:
    """A history.sqlite as the unversioned agentkit wrote it, with one complete run of `agent`."""
    import sqlite3

    from agentkit.live._history import cache_key

    home.mkdir(parents=True, exist_ok=True)
    key = cache_key(agent.render(), "claude-opus-5-5", prompt, 4096, None)
    db = sqlite3.connect(home / "history.sqlite")
    db.executescript(SCHEMA_BEFORE_VERSIONS)
    db.execute(
        "INSERT INTO runs VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ("old-run", key, "2026-11-01T10:00:00.000+00:00", "reviewer", "abc123def456", "agents/reviewer.md",
         "claude-opus-5-5", prompt, 4096, None, "an old answer", 10, 3, 0.1, 0.2, "end_turn", 0.0001, 1, None),
    )  # fmt: skip
    db.commit()
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.close()
    return key


def test_an_old_history_file_is_migrated_and_keeps_its_rows(home, fake_api, agent, monkeypatch):
    import sqlite3

    from agentkit.live._history import SCHEMA_VERSION

    old_history(home, agent, "asked long ago")
    frame = live.history()  # opening migrates
    row = frame.iloc[0]
    assert (row["run_id"], row["text"], row["mode"], row["source"]) == (
        "old-run",
        "an old answer",
        "api",
        "unknown",
    )
    assert row["tool_calls"] == [] and row["complete"]
    new = live.run(agent, "asked today")
    frame = live.history()
    assert list(frame["run_id"]) == [new.run_id, "old-run"]
    assert frame.iloc[0]["source"] == "stand-in" and frame.iloc[0]["mode"] == "api"
    db = sqlite3.connect(home / "history.sqlite")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 2
    db.close()
    # An old row never says where it came from: outside replay mode it answers nothing (it might have
    # been a stand-in's answer); replay mode shows it, labelled.
    fresh = live.run(agent, "asked long ago")
    assert not fresh.cached and fake_api.count == 2
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    replayed = live.run(agent, "asked long ago")
    assert replayed.cached and replayed.run_id == fresh.run_id  # the newest complete run answers


def test_replay_of_an_unlabelled_old_run(home, agent, monkeypatch):
    old_history(home, agent, "asked long ago")
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    r = live.run(agent, "asked long ago")
    assert r.cached and r.text == "an old answer" and r.source == "unknown"
    assert r.summary().endswith("source not recorded") and not r.real


def test_a_history_from_a_newer_agentkit_is_refused(home, agent):
    import sqlite3

    home.mkdir(parents=True)
    db = sqlite3.connect(home / "history.sqlite")
    db.execute("PRAGMA user_version = 999")
    db.close()
    with pytest.raises(live.LiveError, match="newer agentkit"):
        live.history()


def test_the_history_file_is_private(home, fake_api, agent):
    live.run(agent, "private")
    assert (home / "history.sqlite").stat().st_mode & 0o777 == 0o600


@pytest.mark.parametrize("damage", ["corrupted", "folder"])
def test_an_unusable_history_is_a_plain_error_and_runs_go_on_without_it(
    home, fake_api, agent, damage, monkeypatch
):
    home.mkdir(parents=True)
    path = home / "history.sqlite"
    if damage == "corrupted":
        path.write_bytes(b"this is not a database " * 200)
    else:
        path.mkdir()
    with pytest.raises(live.LiveError) as info:
        live.history()
    message = str(info.value)
    assert str(path) in message and "\n" not in message and info.value.__cause__ is None
    assert ("not an SQLite database" if damage == "corrupted" else "a folder") in message
    assert type(info.value) is live.LiveError  # not a sqlite3 exception
    with pytest.warns(live.HistoryWarning, match="running without the cache"):
        r = live.run(agent, "still works")
    assert r.complete and not r.cached and r.text.endswith("user=still works")
    with pytest.warns(live.HistoryWarning):
        assert not live.run(agent, "still works").cached  # no cache: asked again
    assert fake_api.count == 2
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    with pytest.raises(live.LiveError, match="cannot use the run history"):
        live.run(agent, "still works")  # replay mode needs the history


def as_another_user(argv: list[str]) -> list[str]:
    """Run argv as `nobody` when we are root (root writes anywhere), else as ourselves."""
    if os.geteuid() != 0:
        return argv
    import shutil

    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *argv]


@pytest.fixture
def open_tmp():
    """A temporary folder every user can reach (pytest's tmp_path sits in a folder only root may enter)."""
    import shutil
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="agentkit-readonly-"))
    path.chmod(0o755)
    yield path
    for sub in path.rglob("*"):
        if sub.is_dir():
            sub.chmod(0o755)
    shutil.rmtree(path, ignore_errors=True)


@pytest.mark.parametrize("existing", [False, True])
def test_a_read_only_folder_gives_a_warning_and_the_run_still_works(
    open_tmp, fake_api, agent, existing, monkeypatch
):
    home = open_tmp / "readonly-home"
    home.mkdir()
    if existing:
        monkeypatch.setenv("AGENTKIT_HOME", str(home))
        live.run(agent, "recorded before")
        (home / "history.sqlite").chmod(0o644)  # readable by anyone, writable by its owner only
    home.chmod(0o555)
    env = {**os.environ, "AGENTKIT_HOME": str(home), "PYTHONDONTWRITEBYTECODE": "1", "HOME": str(open_tmp)}
    try:
        out = subprocess.run(
            as_another_user([sys.executable, "-m", "agentkit", "try", str(ROOT / "agents" / "code-reviewer.md"), "hi"]),
            capture_output=True, text=True, cwd=ROOT, env=env, timeout=60,
        )  # fmt: skip
    finally:
        home.chmod(0o755)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("user=hi")
    warning = [line for line in out.stderr.splitlines() if line.startswith("agentkit try: warning:")]
    assert len(warning) == 1 and "cannot use the run history" in warning[0] and "not recorded" in warning[0]
    assert "Traceback" not in out.stderr and "sqlite3" not in out.stderr


# -- the key is never written (issue: key) ----------------------------------------------------------------

SECRET = "sk-ant-test-SECRET-9f8e7d6c5b4a-not-real"


@pytest.mark.parametrize("ending", ["\n", "\r\n", "  ", "\t \r\n"], ids=["lf", "crlf", "spaces", "mixed"])
def test_a_key_with_trailing_whitespace_is_stripped_and_never_written(
    home, fake_api, agent, monkeypatch, tmp_path, capfd, ending, claude_code
):
    key = SECRET + ending
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    shown: list[str] = []
    assert live.run(agent, "ok run").complete
    live.run(agent, "dropped [[drop:2]]")
    live.compare([agent, agent], "compared", parallel=True)
    live.count_tokens(agent, "count me")
    live.confusion(agent, agent)
    fake_api.script("status:401")
    with pytest.raises(live.LiveError) as info:
        live.run(agent, "refused", max_retries=0)
    shown.append(str(info.value))
    cc = live.run(agent, "in claude code", mode="claude-code")
    assert cc.complete, cc.error
    # The stripped key is what was sent, by the SDK and by Claude Code.
    sent = {
        r.headers.get("authorization") or r.headers.get("x-api-key")
        for r in fake_api.requests
        if r.method == "POST"
    }
    assert sent <= {f"Bearer {SECRET}", SECRET} and sent
    cli = agentkit_cli(
        "try", "agents/code-reviewer.md", "from the cli", "--format", "json", ANTHROPIC_API_KEY=key
    )
    assert cli.returncode == 0, cli.stderr
    shown += [cli.stdout, cli.stderr, *capfd.readouterr()]
    (tmp_path / "export.csv").write_text(live.history().to_csv())
    assert_no_secret(SECRET, shown, [home, tmp_path])


def assert_no_secret(secret: str, shown: list[str], folders: list[Path]) -> None:
    """No spelling of the secret (nor a 12-character prefix of it) in any message or written file."""
    needles = {secret, secret[:12], repr(secret)[1:13], json.dumps(secret)[1:13]}
    for text in shown:
        for needle in needles:
            assert needle not in text, (needle, text[:500])
    written = [p for folder in folders for p in folder.rglob("*") if p.is_file()]
    assert any(p.name == "history.sqlite" for p in written)
    for path in written:
        data = path.read_bytes()
        for needle in needles:
            assert needle.encode() not in data, (needle, path)


def test_a_key_the_sdk_refuses_is_redacted_from_the_error(home, fake_api, agent, monkeypatch, tmp_path):
    # A line break inside the key survives stripping; httpx then refuses the header and quotes it:
    # "Illegal header value b'Bearer sk-ant-...'".
    key = "sk-ant-test-SECRET-9f8e\n7d6c5b4a-not-real"
    monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    with pytest.raises(live.LiveError) as info:
        live.run(agent, "never sent", max_retries=0)
    message = str(info.value)
    assert "[redacted]" in message and "sk-ant-test-" not in message and "\n" not in message
    row = live.history().iloc[0]
    assert "[redacted]" in row["error"] and "sk-ant-test-" not in row["error"]
    assert fake_api.count == 0
    assert b"sk-ant-test-" not in (home / "history.sqlite").read_bytes()


@pytest.mark.parametrize(
    "spelling",
    [
        lambda k: k,
        lambda k: k.strip(),
        lambda k: repr(k),
        lambda k: json.dumps(k),
        lambda k: repr(("Bearer " + k).encode()),
        lambda k: k[:12] + "...",
        lambda k: k[:20],
    ],
    ids=["raw", "stripped", "repr", "json", "bytes", "prefix-12", "prefix-20"],
)
def test_redact_every_spelling(spelling):
    from agentkit.live._redact import redact

    key = SECRET + "\r\n"
    text = f"before {spelling(key)} after"
    out = redact(text, [key])
    assert "[redacted]" in out and SECRET[:12] not in out
    assert out.startswith("before ") and out.rstrip("'\"").endswith("after")
    assert redact("sk-ant-test", [key]) == "sk-ant-test"  # 11 characters say nothing about a key


# -- where an answer came from (issue: labels) ------------------------------------------------------------


def test_every_answer_says_where_it_came_from(home, fake_api, agent):
    r = live.run(agent, "label me")
    assert (r.source, r.real, r.endpoint) == ("stand-in", False, os.environ["ANTHROPIC_BASE_URL"])
    assert r.source_label == "stand-in API — not Claude's answer"
    assert "stand-in" in r.summary() and "not Claude" in r.summary()
    assert live.run(agent, "label me").source == "stand-in"  # the cache keeps it
    assert live.history().iloc[0]["source"] == "stand-in"
    assert not any(q.path == "/agentkit/stand-in" for q in fake_api.requests)  # direct runs read the header
    out = agentkit_cli("try", "agents/code-reviewer.md", "label me too")
    assert "stand-in API — not Claude's answer" in out.stderr
    row = json.loads(
        agentkit_cli("try", "agents/code-reviewer.md", "label me too", "--format", "json").stdout
    )
    assert row["source"] == "stand-in"


def test_the_playground_flags_stand_in_answers(home, fake_api, agent):
    from agentkit.widgets import Playground

    playground = Playground({"reviewer": agent}, "flag me", selected=["reviewer"])
    playground.run(wait=True)
    head = html_text(playground.panes.children[0].children[0].value)
    assert "stand-in" in head and "not Claude's answer" in head
    assert "stand-in API — not Claude's answer" in playground.results_text()
    assert "stand-in" in playground.history.value


def test_sources_of_other_endpoints_without_asking_remote_hosts(monkeypatch):
    from agentkit.live import _source

    def no_network(*args, **kwargs):
        raise AssertionError("a remote host or the real API was asked")

    monkeypatch.setattr("urllib.request.OpenerDirector.open", no_network)
    for url, source in [
        (None, "anthropic"),
        ("https://api.anthropic.com", "anthropic"),
        ("https://llm-gateway.example.com/anthropic", "endpoint"),
    ]:
        assert _source.without_response(url) == source
        assert _source.from_response(url, {}) == source
    assert _source.from_response("https://gw.example.com", {"x-agentkit-stand-in": "1"}) == "stand-in"
    assert (
        _source.clean_url("https://user:pw@gw.example.com:8443/v1/?token=abc#x")
        == "https://gw.example.com:8443/v1"
    )
    assert (
        _source.label("endpoint", "https://gw.example.com:8443/v1")
        == "endpoint gw.example.com:8443 — not checked to be Claude"
    )


def test_only_loopback_is_probed_and_only_the_stand_in_says_yes(fake_api, monkeypatch):
    import http.server
    import threading as th

    from agentkit.live import _source

    monkeypatch.setattr(_source, "_probed", {})
    assert _source.is_stand_in(fake_api.base_url)
    assert _source.is_stand_in(fake_api.base_url)  # asked once per base URL
    assert [(q.method, q.path) for q in fake_api.requests] == [("GET", "/agentkit/stand-in")]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.SimpleHTTPRequestHandler)
    th.Thread(target=server.serve_forever, daemon=True).start()
    try:
        other = f"http://127.0.0.1:{server.server_address[1]}"
        assert not _source.is_stand_in(other)  # a local gateway that is not the stand-in
        assert _source.without_response(other) == "endpoint"
    finally:
        server.shutdown()
        server.server_close()
    assert not _source.is_stand_in("http://127.0.0.1:9")  # nothing listening: not the stand-in


def test_a_stand_in_answer_never_answers_for_another_endpoint(home, fake_api, agent, monkeypatch):
    live.run(agent, "cached where?")
    from tests.fake_messages_api import FakeMessagesAPI

    with FakeMessagesAPI() as other:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", other.base_url)
        r = live.run(agent, "cached where?")
        assert not r.cached and other.count == 1
    monkeypatch.delenv("ANTHROPIC_BASE_URL")
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")  # replay answers from any recorded source, labelled
    assert live.run(agent, "cached where?").source == "stand-in"


# -- Claude Code mode (issue: Claude Code mode) -------------------------------------------------------------
# The real Claude Code binary (bundled in claude-agent-sdk) against the stand-in: offline, about a second each.


@pytest.fixture
def claude_code():
    from conftest import require

    try:
        version = live.claude_code_version()
    except live.LiveError as e:
        require("claude-code", str(e))
        raise
    return version


def messages(api, *, subagent: bool | None = None):
    requests = [r for r in api.requests if r.is_messages]
    return requests if subagent is None else [r for r in requests if r.is_subagent == subagent]


def test_claude_code_mode_runs_the_agent_as_a_subagent(home, fake_api, agent, claude_code):
    chunks: list[str] = []
    r = live.run(agent, "Review this: x = 1", mode="claude-code", on_text=chunks.append)
    assert r.complete and r.error is None, r.error
    assert (r.mode, r.source, r.stop_reason, r.turns, r.tool_calls) == (
        "claude-code",
        "stand-in",
        "end_turn",
        1,
        [],
    )
    assert "".join(chunks) == r.text
    main, sub = messages(fake_api, subagent=False), messages(fake_api, subagent=True)
    assert len(main) == 1 and len(sub) == 1  # one delegation turn, one agent turn
    request = sub[0].body
    # What Claude Code sends a subagent: its identity line, then the agent's body (with Claude Code's own
    # subagent instructions after it), the agent's own tools, the resolved model, the prompt word for word.
    system = [b["text"] for b in request["system"]]
    assert "cc_is_subagent=true" in system[0]
    assert any(text.startswith(agent.prompt) for text in system[1:])
    assert sorted(t["name"] for t in request["tools"]) == ["Grep", "Read"]
    assert request["model"] == "claude-opus-5-5" == r.model
    user_texts = [
        b["text"]
        for m in request["messages"]
        if m["role"] == "user"
        for b in m["content"]
        if isinstance(b, dict)
    ]
    assert "Review this: x = 1" in user_texts
    # The stand-in echoes the request it got: the agent's answer shows Claude Code's identity line (after
    # the billing header) and the prompt, as the subagent received them.
    assert r.text == "model=claude-opus-5-5 system=You are a Claude agent, user=Review this: x = 1"
    # Tokens are the agent's own request (the stand-in counts words); the session cost adds the delegation.
    from tests.fake_messages_api import count_tokens

    assert r.input_tokens == count_tokens(request)
    assert r.session_cost_usd > r.cost_usd > 0
    assert "Claude Code · claude-opus-5-5" in r.summary() and "1 turn, 0 tool calls" in r.summary()


def test_claude_code_mode_sends_far_more_than_a_direct_run(home, fake_api, agent, claude_code):
    direct = live.run(agent, "Review this: y = 2")
    in_claude_code = live.run(agent, "Review this: y = 2", mode="claude-code")
    assert not in_claude_code.cached  # the mode is part of the cache key
    assert in_claude_code.input_tokens > 3 * direct.input_tokens
    assert list(live.history()["mode"][:2]) == ["claude-code", "api"]
    again = live.run(agent, "Review this: y = 2", mode="claude-code")
    assert again.cached and again.run_id == in_claude_code.run_id and again.mode == "claude-code"


def test_claude_code_mode_runs_the_tool_loop(home, fake_api, agent, claude_code):
    from tests.fake_messages_api import Behaviour, ToolUse

    answered = []

    def responder(rec):  # the agent's first turn reads a file; its second answers
        if rec.is_subagent and not answered:
            answered.append(rec)
            return Behaviour(tool_uses=(ToolUse("Read", {"file_path": "diff.txt"}, "toolu_read_1"),))
        return None

    fake_api.respond(responder)
    r = live.run(
        agent,
        "Review diff.txt",
        mode="claude-code",
        files={"diff.txt": "def mean(xs): return sum(xs) / len(xs)\n"},
    )
    assert r.complete, r.error
    assert r.tool_calls == [{"name": "Read", "input": {"file_path": "diff.txt"}}]
    assert r.turns == 2 and r.stop_reason == "end_turn"
    second = messages(fake_api, subagent=True)[1].body
    results = [
        b
        for m in second["messages"]
        for b in m["content"]
        if isinstance(b, dict) and b.get("type") == "tool_result"
    ]
    assert len(results) == 1 and "sum(xs) / len(xs)" in json.dumps(results[0])
    assert live.history().iloc[0]["tool_calls"] == r.tool_calls


def test_claude_code_mode_is_bounded_in_turns_and_cost(home, fake_api, agent, claude_code):
    from tests.fake_messages_api import Behaviour, ToolUse

    fake_api.respond(
        lambda rec: (
            Behaviour(tool_uses=(ToolUse("Grep", {"pattern": "x"}, "toolu_grep"),))
            if rec.is_subagent
            else None
        )
    )  # an agent that never stops calling tools
    r = live.run(agent, "loop forever", mode="claude-code", max_turns=2)
    assert (r.stop_reason, r.turns, len(r.tool_calls)) == ("max_turns", 2, 2)
    assert len(messages(fake_api, subagent=True)) == 2
    fake_api.reset()
    fake_api.respond(
        lambda rec: (
            Behaviour(tool_uses=(ToolUse("Grep", {"pattern": "x"}, "toolu_grep"),))
            if rec.is_subagent
            else None
        )
    )
    r = live.run(agent, "loop forever, cheaply", mode="claude-code", max_turns=50, max_cost_usd=0.01)
    assert not r.complete and r.stop_reason == "max_cost" and "max_cost_usd" in r.error
    assert r.turns < 50 and (r.session_cost_usd or r.cost_usd) >= 0.01


def test_claude_code_mode_writes_nothing_outside_its_scratch_folder(
    home, fake_api, agent, claude_code, tmp_path, monkeypatch
):
    import tempfile

    scratch = tmp_path / "temp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    user_home = tmp_path / "user-home"
    user_home.mkdir()
    monkeypatch.setenv("HOME", str(user_home))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(user_home / ".claude"))  # the user's own: must stay untouched
    from agentkit._oracle.world import ScratchWorld

    kept: list[Path] = []
    contents: list[bytes] = []
    real_close = ScratchWorld.close

    def close(world):  # look at what was written before the scratch world goes
        if world.root is not None:
            kept.extend(p for p in world.root.rglob("*") if p.is_file())
            contents.extend(p.read_bytes() for p in kept)
        real_close(world)

    monkeypatch.setattr(ScratchWorld, "close", close)
    r = live.run(agent, "stay inside", mode="claude-code")
    assert r.complete, r.error
    assert list(user_home.rglob("*")) == []  # HOME and CLAUDE_CONFIG_DIR of the user: nothing
    assert list(scratch.iterdir()) == []  # the scratch world is gone
    assert any("projects" in p.parts for p in kept)  # Claude Code did write its transcript, inside
    assert any(p.name.endswith(".md") and ".claude" in p.parts for p in kept)  # the agent file it read
    key = os.environ["ANTHROPIC_API_KEY"]
    assert len(contents) > 10 and not any(key[:12].encode() in data for data in contents)  # nor the key


def test_claude_code_mode_stops_from_another_thread(home, fake_api, agent, claude_code):
    from tests.fake_messages_api import Behaviour

    fake_api.respond(lambda rec: Behaviour(stall=30) if rec.is_subagent else None)
    s = live.stream(agent, "stall in claude code", mode="claude-code")
    threading.Timer(2.0, s.stop).start()
    t0 = time.perf_counter()
    list(s)
    # Not a speed test: without a working stop the run would sit out the 30-second stall.
    assert time.perf_counter() - t0 < 20
    assert not s.result.complete and s.result.error == "stopped"
    assert live.history().iloc[0]["error"] == "stopped"
    children = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(os.getpid())], capture_output=True, text=True
    )
    assert "_bundled/claude" not in children.stdout  # Claude Code itself was ended


def test_claude_code_mode_compare_and_playground(home, fake_api, three, claude_code):
    results = live.compare(three[:2], "compare in claude code", mode="claude-code", parallel=True)
    assert [r.agent for r in results] == ["agent-0", "agent-1"] and all(r.complete for r in results)
    from agentkit.widgets import Playground

    playground = Playground({"a": three[0], "b": three[1]}, "compare in claude code", selected=["a", "b"])
    playground.mode.value = "claude-code"
    playground.run(wait=True)
    assert playground.status.value == "done: 2 complete"
    assert all(r.cached and r.mode == "claude-code" for r in playground.results)
    assert "Claude Code" in html_text(playground.panes.children[0].children[2].value)


def test_claude_code_mode_errors_are_plain(home, fake_api, agent, claude_code, monkeypatch):
    dropped = agentkit.loads("---\nname: broken\n---\nNo description.\n", path="broken.md")
    with pytest.raises(live.LiveError, match="Claude Code does not load"):
        live.run(dropped, "hi", mode="claude-code")
    with pytest.raises(live.InvalidRunOption, match="temperature"):
        live.run(agent, "hi", mode="claude-code", temperature=0.2)
    with pytest.raises(live.InvalidRunOption, match="files="):
        live.run(agent, "hi", files={"a.txt": "x"})
    with pytest.raises(live.LiveError, match="outside the working folder"):
        live.run(agent, "hi", mode="claude-code", files={"../escape.txt": "x"})
    monkeypatch.setitem(sys.modules, "claude_agent_sdk", None)
    monkeypatch.setitem(sys.modules, "claude_agent_sdk._cli_version", None)
    with pytest.raises(live.LiveError) as missing:
        live.run(agent, "hi", mode="claude-code")
    assert CLAUDE_CODE_INSTALL in str(missing.value)  # pinned: claude-agent-sdk==<the version agentkit names>
    assert fake_api.count == 0


def test_cli_try_in_claude_code_mode(home, fake_api, claude_code):
    out = agentkit_cli(
        "try", "agents/code-reviewer.md", "review in claude code", "--mode", "claude-code", "--max-turns", "3"
    )
    assert out.returncode == 0, out.stderr
    assert "system=You are a Claude agent, user=review in claude code" in out.stdout
    assert (
        "Claude Code · claude-sonnet-5-5" in out.stderr and "stand-in API — not Claude's answer" in out.stderr
    )
    assert len(messages(fake_api, subagent=True)) == 1


# -- newcomers: replay, recorded prompts, option checks, the README (issue: newcomer details) ---------------


def test_replay_lists_the_recorded_prompts(home, fake_api, agent, monkeypatch, claude_code):
    for prompt in ("first recorded prompt", "second recorded prompt"):
        live.run(agent, prompt)
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    with pytest.raises(live.ReplayMiss) as info:
        live.run(agent, "typed by hand")
    message = str(info.value)
    assert "'second recorded prompt', 'first recorded prompt'" in message and "\n" not in message
    with pytest.raises(live.ReplayMiss, match="nothing is recorded for 'reviewer' in claude-code mode"):
        live.run(agent, "typed by hand", mode="claude-code")
    assert live.recorded_prompts("reviewer") == ["second recorded prompt", "first recorded prompt"]
    assert live.recorded_prompts("reviewer", mode="claude-code") == []


def test_cli_replay_miss_lists_recorded_prompts(home, fake_api):
    agentkit_cli("try", "agents/code-reviewer.md", "a prompt someone recorded")
    out = agentkit_cli(
        "try", "agents/code-reviewer.md", "my own prompt", AGENTKIT_REPLAY="1", ANTHROPIC_API_KEY=""
    )
    assert out.returncode == 1
    assert "recorded prompts for 'code-reviewer': 'a prompt someone recorded'" in out.stderr


def test_playground_offers_recorded_prompts_when_replaying(
    home, fake_api, agent, three, monkeypatch, claude_code
):
    from agentkit.widgets import Playground

    live.compare([agent, three[0]], "recorded for both")
    live.run(agent, "recorded for one")
    assert Playground({"r": agent}).recorded.layout.display == "none"  # not replaying: hidden
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    playground = Playground({"r": agent, "z": three[0]}, "typed by hand", selected=["r", "z"])
    assert playground.recorded.layout.display is None
    assert list(playground.recorded.options)[1:] == ["recorded for both", "recorded for one"]
    playground.recorded.value = "recorded for both"
    assert playground.prompt.value == "recorded for both"
    playground.run(wait=True)
    assert playground.status.value == "done: 2 complete" and all(r.cached for r in playground.results)
    playground.mode.value = "claude-code"
    assert list(playground.recorded.options) == ["(pick a recorded prompt)"]


def test_the_playground_css_wraps_words_and_fits(home, fake_api, agent):
    from agentkit.widgets import Playground

    playground = Playground({"a": agent, "b": agent}, "css please", selected=["a", "b"])
    playground.run(wait=True)
    pane = playground.panes.children[0]
    head, text, footer = pane.children
    assert "overflow-wrap:anywhere" in text.value and "break-all" not in text.value
    assert text.layout.min_width == "0"  # a long token cannot widen the pane
    assert "white-space:pre-wrap" in text.value
    assert type(footer).__name__ == "HTML" and "white-space:normal" in footer.value  # a Label clips
    assert pane.layout.min_width == "0" and pane.layout.flex.startswith("1 1")  # shrinks into the notebook
    assert playground.panes.layout.flex_flow == "row wrap"


@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("max_tokens", 10**9, "max_tokens must be a whole number from 1 to 128,000"),
        ("max_tokens", 0, "max_tokens"),
        ("max_tokens", True, "max_tokens"),
        ("max_tokens", 2.5, "max_tokens"),
        ("max_retries", -1, "max_retries must be a whole number from 0 to 20"),
        ("max_retries", 10**6, "max_retries"),
        ("temperature", float("nan"), "temperature must be a number from 0 to 1"),
        ("temperature", float("inf"), "temperature"),
        ("temperature", 1.5, "temperature"),
        ("temperature", "0.5", "temperature"),
        ("timeout", 0, "timeout"),
        ("timeout", float("nan"), "timeout"),
        ("max_turns", 0, "max_turns"),
        ("max_cost_usd", -1.0, "max_cost_usd"),
        ("max_cost_usd", float("nan"), "max_cost_usd"),
        ("mode", "sdk", "mode must be one of 'api', 'claude-code'"),
        ("permission_mode", "yolo", "permission_mode"),
    ],
)
def test_the_library_refuses_absurd_options(home, fake_api, agent, option, value, words):
    with pytest.raises(live.InvalidRunOption) as info:
        live.run(agent, "hi", **{option: value})
    assert words in str(info.value) and isinstance(info.value, ValueError)
    assert fake_api.count == 0


def test_every_permission_mode_claude_code_takes_is_taken(home, fake_api, agent):
    """The modes come from the one home of Claude Code's facts (checked against the binary in
    test_claude_code_facts.py), `auto` included."""
    from agentkit._reader.claude_code import PERMISSION_MODES

    for mode in PERMISSION_MODES:
        assert live.run(agent, f"hi {mode}", permission_mode=mode).text


def test_the_library_refuses_an_empty_prompt(home, fake_api, agent):
    with pytest.raises(live.InvalidRunOption, match="empty"):
        live.run(agent, "  \n")


@pytest.mark.parametrize(
    "args",
    [
        ["--max-tokens", "999999999"],
        ["--max-retries", "-1"],
        ["--temperature", "nan"],
        ["--max-cost", "nan"],
        ["--mode", "sdk"],
        ["--mode", "claude-code", "--temperature", "0.3"],
    ],
)
def test_cli_try_refuses_absurd_options_as_usage_errors(home, fake_api, args):
    out = agentkit_cli("try", "agents/code-reviewer.md", "hi", *args)
    assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
    assert fake_api.count == 0


def test_cli_try_without_a_key_says_what_to_do(home, fake_api, tmp_path):
    out = agentkit_cli("try", "agents/code-reviewer.md", "z", ANTHROPIC_API_KEY="", HOME=str(tmp_path))
    assert out.returncode == 1
    message = out.stderr.strip()
    assert message.count("\n") == 0
    assert "export ANTHROPIC_API_KEY=" in message and "AGENTKIT_REPLAY=1" in message and "--mode" in message
    assert "api_key=" not in message  # a command-line user has no such option


def test_the_readme_try_examples_replay_without_a_key(tmp_path, claude_code):
    import importlib.util

    spec = importlib.util.spec_from_file_location("run_notebooks", ROOT / "scripts" / "run_notebooks.py")
    assert spec is not None and spec.loader is not None
    run_notebooks = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(run_notebooks)
    commands = run_notebooks.readme_try_commands()
    assert len(commands) >= 3 and any("claude-code" in args for _, args in commands)
    for variables, args in commands:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ANTHROPIC_")}  # no key, no stand-in
        env.update(
            HOME=str(tmp_path), AGENTKIT_REPLAY="1", AGENTKIT_HOME=str(ROOT / "notebooks" / "recordings")
        )
        env.update(variables)
        out = subprocess.run(
            [sys.executable, "-m", "agentkit", "try", *args],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=60,
        )
        assert out.returncode == 0, (args, out.stderr)
        assert "stand-in API — not Claude's answer" in out.stderr + out.stdout, args


# -- would Claude confuse two agents? (the live counterpart of the same-role verdict) ----------------------


def test_confusion_asks_once_per_pair_and_labels_the_answer(home, fake_api):
    agents = agentkit.load(ROOT / "agents")
    reviewers = live.confusion(agents["code-reviewer"], agents["strict-reviewer"])
    assert (reviewers.a, reviewers.b) == ("code-reviewer", "strict-reviewer")
    # The stand-in answers from the word overlap of the two descriptions, and says it is the stand-in.
    assert reviewers.confused is True and reviewers.share == pytest.approx(0.33)
    assert reviewers.words() == (
        "the stand-in's opinion: confused (share 0.33) · stand-in API — not Claude's answer"
    )
    request = fake_api.requests[-1].body
    system = request["system"] if isinstance(request["system"], str) else request["system"][0]["text"]
    assert system.startswith("agentkit-confusion/1") and "- strict-reviewer: " in system
    distinct = live.confusion(agents["code-reviewer"], agents["planner"])
    assert distinct.confused is False
    again = live.confusion(agents["code-reviewer"], agents["planner"])
    assert again.run.cached and fake_api.count == 2  # cached like any run
    # Agents sharing a name (one shadows the other) are both shown to Claude: the question is about them.
    twins = live.confusion(agents["data-analyst.md"], agents["sql-helper.md"])
    assert twins.confused is not None and twins.answer.startswith("{")


def test_an_unreadable_confusion_answer_is_said_so(home, fake_api, monkeypatch):
    import importlib

    module = importlib.import_module("agentkit.live._routing.confusion")
    monkeypatch.setattr(module, "CONFUSION_MARKER", "not-the-stand-ins-marker")  # the stand-in echoes
    agents = agentkit.load(ROOT / "agents")
    answer = live.confusion(agents["code-reviewer"], agents["planner"])
    assert answer.confused is None and answer.share is None
    assert answer.words().startswith("the stand-in's opinion could not be read")


def test_cli_overlap_asks_claude_beside_the_offline_verdict(home, fake_api):
    # By description: the reviewers' near-copy first (same role only "possible": their names contrast).
    out = agentkit_cli("overlap", "agents", "--kind", "description", "--ask-claude", "1", "--format", "json")
    assert out.returncode == 0, out.stderr
    pairs = json.loads(out.stdout)["pairs"]
    assert (
        pairs[0]["claude"].startswith("the stand-in's opinion: confused")
        and pairs[0]["claude_confused"] is True
    )
    assert all(p["claude"] is None for p in pairs[1:])  # only the first N pairs are asked
    assert fake_api.count == 1
