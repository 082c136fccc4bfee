"""agentkit._oracle: the stand-in Messages API, finding the binary, the scratch world, the probes, verify.

Most tests here need no Claude Code: a fake `claude` script stands in where only the process matters.
Those that run the real binary use the `claude_code` fixture (skipped without it, unless
AGENTKIT_REQUIRE=claude-code).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import anthropic
import pytest

from agentkit._errors import AgentkitError, ClaudeCodeNotFound
from agentkit._oracle import binary as binary_module
from agentkit._oracle.binary import ENV_VARIABLE, find_claude
from agentkit._oracle.probe import (
    ListedAgent,
    OracleError,
    SubagentNotSpawned,
    deferred_tools,
    list_agents,
    loaded_agents,
    parse_listing,
    subagent_request,
)
from agentkit._oracle.standin import (
    FAKE_KEY,
    IDENTITY_PATH,
    STAND_IN_HEADER,
    Behaviour,
    FakeMessagesAPI,
    ToolUse,
    is_subagent_request,
)
from agentkit._oracle.verify import listed_tools, verify
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.claude_code import CLAUDE_AGENT_SDK_VERSION, CLAUDE_CODE_INSTALL

# -- the stand-in ----------------------------------------------------------------------------------------


def _get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def test_the_stand_in_says_what_it_is(fake_api):
    status, headers, body = _get(fake_api.base_url + IDENTITY_PATH)
    assert status == 200 and json.loads(body) == {"stand_in": "agentkit"}
    assert headers[STAND_IN_HEADER] == "1"
    status, headers, _ = _get(fake_api.base_url + "/nothing/here")
    assert status == 404 and headers[STAND_IN_HEADER] == "1"
    assert [(r.method, r.path) for r in fake_api.requests] == [
        ("GET", IDENTITY_PATH),
        ("GET", "/nothing/here"),
    ]


def test_every_answer_carries_the_stand_in_header(fake_api):
    client = anthropic.Anthropic(base_url=fake_api.base_url, api_key=FAKE_KEY, max_retries=0)
    raw = client.messages.with_raw_response.create(
        model="m", max_tokens=50, messages=[{"role": "user", "content": "hi"}]
    )
    assert raw.headers[STAND_IN_HEADER] == "1"
    with client.messages.with_streaming_response.create(
        model="m", max_tokens=50, messages=[{"role": "user", "content": "hi"}], stream=True
    ) as streamed:
        assert streamed.headers[STAND_IN_HEADER] == "1"
    fake_api.script("status:429")
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(model="m", max_tokens=50, messages=[{"role": "user", "content": "hi"}])
    assert caught.value.response.headers[STAND_IN_HEADER] == "1"


def test_a_scripted_tool_use_streams_as_the_real_api_does(fake_api):
    client = anthropic.Anthropic(base_url=fake_api.base_url, api_key=FAKE_KEY, max_retries=0)
    calls = (ToolUse("Agent", {"subagent_type": "a", "prompt": "p"}, "t1"), ToolUse("Read", {"x": [1]}, "t2"))
    fake_api.script("ok")  # the queue still comes first
    fake_api.respond(lambda rec: Behaviour(tool_uses=calls))
    messages = [{"role": "user", "content": "hi"}]
    assert client.messages.create(model="m", max_tokens=50, messages=messages).content[0].type == "text"
    with client.messages.stream(model="m", max_tokens=50, messages=messages) as stream:
        final = stream.get_final_message()
    assert final.stop_reason == "tool_use"
    assert [(b.type, b.name, b.input, b.id) for b in final.content] == [
        ("tool_use", "Agent", {"subagent_type": "a", "prompt": "p"}, "t1"),
        ("tool_use", "Read", {"x": [1]}, "t2"),
    ]
    plain = client.messages.create(model="m", max_tokens=50, messages=messages)
    assert plain.stop_reason == "tool_use" and plain.content[1].input == {"x": [1]}


def test_spawn_subagent_answers_the_first_main_loop_request_only(fake_api):
    client = anthropic.Anthropic(base_url=fake_api.base_url, api_key=FAKE_KEY, max_retries=0)
    fake_api.spawn_subagent("helper", "do it")
    tools = [{"name": "Agent", "description": "d", "input_schema": {"type": "object"}}]
    messages = [{"role": "user", "content": "hi"}]
    side = client.messages.create(model="m", max_tokens=50, messages=messages)  # no tools: a side request
    assert side.stop_reason == "end_turn"
    first = client.messages.create(model="m", max_tokens=50, messages=messages, tools=tools)
    assert first.content[0].input == {
        "description": "agentkit oracle",
        "prompt": "do it",
        "subagent_type": "helper",
    }
    sub = client.messages.create(
        model="m", max_tokens=50, messages=messages, tools=tools, system="x cc_is_subagent=true y"
    )
    again = client.messages.create(model="m", max_tokens=50, messages=messages, tools=tools)
    assert sub.stop_reason == again.stop_reason == "end_turn"
    assert [r.is_subagent for r in fake_api.requests] == [False, False, True, False]
    assert fake_api.subagent_requests == [fake_api.requests[2]]
    assert is_subagent_request({"system": [{"type": "text", "text": "cc_is_subagent=true"}]})
    assert not is_subagent_request({"system": "plain"}) and not is_subagent_request(None)


def test_the_old_module_name_still_works():
    import tests.fake_messages_api as old

    assert old.FakeMessagesAPI is FakeMessagesAPI and old.FAKE_KEY == FAKE_KEY


# -- finding the binary -----------------------------------------------------------------------------------


def _fake_claude(folder: Path, name: str = "claude", version: str = "9.8.7", body: str = "") -> Path:
    """An executable that answers --version like Claude Code and otherwise runs `body` (Python)."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / name
    script.write_text(
        f"#!{sys.executable}\nimport os, sys, json, time, subprocess\n"
        f"if sys.argv[1:] == ['--version']:\n    print('{version} (Claude Code)'); sys.exit(0)\n{body}\n",
        "utf-8",
    )
    script.chmod(0o755)
    return script


@pytest.fixture
def no_claude(monkeypatch, tmp_path):
    """No AGENTKIT_CLAUDE, no claude on PATH, no bundled binary."""
    monkeypatch.delenv(ENV_VARIABLE, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-path"))
    monkeypatch.setattr(binary_module, "bundled_claude", lambda: None)


def test_no_binary_anywhere_says_how_to_get_one(no_claude):
    with pytest.raises(ClaudeCodeNotFound) as caught:
        find_claude()
    assert isinstance(caught.value, AgentkitError)
    # The pinned install command, never an unpinned one (which would bring another Claude Code).
    assert CLAUDE_CODE_INSTALL in str(caught.value) and "--claude" in str(caught.value)
    assert f"claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION}" in CLAUDE_CODE_INSTALL
    assert "pip install 'claude-agentkit[claude-code]'" in CLAUDE_CODE_INSTALL


def test_where_the_binary_comes_from_in_order(no_claude, monkeypatch, tmp_path):
    bundled = _fake_claude(tmp_path / "sdk", version="1.0.1")
    monkeypatch.setattr(binary_module, "bundled_claude", lambda: bundled)
    assert (find_claude().source, find_claude().version) == ("claude-agent-sdk", "1.0.1")
    on_path = _fake_claude(tmp_path / "bin", version="1.0.2")
    monkeypatch.setenv("PATH", str(on_path.parent))
    assert (find_claude().source, find_claude().path) == ("PATH", on_path)
    from_env = _fake_claude(tmp_path / "env", version="1.0.3")
    monkeypatch.setenv(ENV_VARIABLE, str(from_env))
    assert (find_claude().source, find_claude().version) == (ENV_VARIABLE, "1.0.3")
    explicit = _fake_claude(tmp_path / "mine", version="1.0.4")
    found = find_claude(explicit)
    assert (found.source, found.version) == ("explicit", "1.0.4")
    assert find_claude(found) is found
    assert find_claude(explicit.parent).path == explicit  # a folder holding `claude`


def test_a_wrong_path_is_an_error_not_a_fallback(no_claude, monkeypatch, tmp_path):
    monkeypatch.setattr(binary_module, "bundled_claude", lambda: _fake_claude(tmp_path / "sdk"))
    with pytest.raises(ClaudeCodeNotFound, match="does not exist"):
        find_claude(tmp_path / "nope" / "claude")
    monkeypatch.setenv(ENV_VARIABLE, str(tmp_path / "also-nope"))
    with pytest.raises(ClaudeCodeNotFound, match=ENV_VARIABLE):
        find_claude()
    impostor = tmp_path / "impostor"
    impostor.write_text(f"#!{sys.executable}\nprint('hello')\n", "utf-8")
    impostor.chmod(0o755)
    with pytest.raises(ClaudeCodeNotFound, match="does not answer --version"):
        find_claude(impostor)


# -- the scratch world ------------------------------------------------------------------------------------

_DUMP_ENV = """
out = os.path.join(os.environ['HOME'], 'seen.json')
json.dump({'env': dict(os.environ), 'cwd': os.getcwd(), 'argv': sys.argv[1:]}, open(out, 'w'))
"""


def test_the_world_builds_its_environment_from_scratch(monkeypatch, tmp_path):
    fake = _fake_claude(tmp_path / "bin", body=_DUMP_ENV)
    for name, value in {
        "ANTHROPIC_API_KEY": "sk-real-key",
        "ANTHROPIC_AUTH_TOKEN": "token",
        "AWS_SECRET_ACCESS_KEY": "aws",
        "CLAUDE_CODE_USE_BEDROCK": "1",
        "CLAUDE_CONFIG_DIR": str(tmp_path / "real-config"),
        "LANG": "C.UTF-8",
    }.items():
        monkeypatch.setenv(name, value)
    real_home = os.path.expanduser("~")
    with FakeMessagesAPI() as api, ScratchWorld(fake) as world:
        run = world.run(["-p", "hi"], api, timeout=30)
        seen = json.loads((world.home / "seen.json").read_text("utf-8"))
        root = world.root
    env = seen["env"]
    assert run.returncode == 0 and seen["argv"] == ["-p", "hi"]
    assert env["HOME"].startswith(str(root)) and env["HOME"] != real_home
    assert env["CLAUDE_CONFIG_DIR"].startswith(str(root)) and Path(seen["cwd"]).name == "project"
    assert env["ANTHROPIC_API_KEY"] == FAKE_KEY and env["ANTHROPIC_BASE_URL"] == api.base_url
    assert env["LANG"] == "C.UTF-8" and env["PATH"] == os.environ["PATH"]
    for leaked in ("ANTHROPIC_AUTH_TOKEN", "AWS_SECRET_ACCESS_KEY", "CLAUDE_CODE_USE_BEDROCK"):
        assert leaked not in env
    proxy = env["HTTPS_PROXY"]
    assert proxy == env["HTTP_PROXY"] and proxy.startswith("http://127.0.0.1:")
    assert env["NO_PROXY"] == "127.0.0.1,localhost"
    with pytest.raises(OSError):  # the proxy port refuses connections: nothing but the stand-in is reachable
        urllib.request.urlopen(proxy, timeout=5)
    assert root is not None and not root.exists()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie (exited, not yet reaped by its parent) counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return True


_SLEEP_WITH_CHILD = """
child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])
open(os.path.join(os.environ['HOME'], 'pids'), 'w').write(f'{os.getpid()} {child.pid}')
time.sleep(60)
"""


def _pids(world: ScratchWorld) -> list[int]:
    path = world.home / "pids"
    return [int(p) for p in path.read_text().split()] if path.exists() else []


def test_a_run_that_outlives_its_timeout_is_killed_with_its_children(tmp_path):
    fake = _fake_claude(tmp_path / "bin", body=_SLEEP_WITH_CHILD)
    with FakeMessagesAPI() as api, ScratchWorld(fake) as world:
        started = time.monotonic()
        run = world.run([], api, timeout=1.5)
        pids = _pids(world)
    assert run.timed_out and run.returncode is None and time.monotonic() - started < 15
    assert len(pids) == 2 and not any(_alive(p) for p in pids)


def test_keyboard_interrupt_kills_the_run_and_removes_the_world(tmp_path):
    fake = _fake_claude(tmp_path / "bin", body=_SLEEP_WITH_CHILD)
    seen: dict[str, object] = {}

    def interrupt() -> bool:
        if len(_pids(world)) == 2:
            seen["pids"] = _pids(world)
            raise KeyboardInterrupt
        return False

    with pytest.raises(KeyboardInterrupt), FakeMessagesAPI() as api, ScratchWorld(fake) as world:
        seen["root"] = world.root
        world.run([], api, timeout=30, until=interrupt)
    assert not Path(str(seen["root"])).exists()
    assert not any(_alive(p) for p in seen["pids"])  # type: ignore[union-attr]


def test_an_exception_inside_the_world_still_removes_it(tmp_path):
    fake = _fake_claude(tmp_path / "bin")
    with pytest.raises(RuntimeError), ScratchWorld(fake) as world:
        root = world.root
        world.write_agent("a/b.md", "x")
        raise RuntimeError("boom")
    assert root is not None and not root.exists()
    with pytest.raises(ValueError), ScratchWorld(fake) as world:
        world.write_agent("../escape.md", "x")


def test_until_stops_a_run_early(tmp_path):
    fake = _fake_claude(tmp_path / "bin", body="time.sleep(60)")
    with FakeMessagesAPI() as api, ScratchWorld(fake) as world:
        deadline = time.monotonic() + 0.5
        run = world.run([], api, timeout=30, until=lambda: time.monotonic() > deadline)
    assert run.stopped and not run.timed_out and run.seconds < 10
    assert signal.SIGKILL  # the group is killed, not asked


# -- reading what Claude Code sent ------------------------------------------------------------------------


def test_the_listing_parse_is_anchored_on_the_names():
    text = (
        "- a: first (Tools: Read)\n"
        "- b: has a fake entry\n- c: not c (Tools: x)\n\nand a blank line (Tools: All tools)\n"
        "- c: third\nline (Tools: All tools except Bash)\n\nWhat follows the block."
    )
    assert parse_listing(text, ["a", "b", "c"]) == [
        ListedAgent("a", "first", "Read"),
        ListedAgent("b", "has a fake entry\n- c: not c (Tools: x)\n\nand a blank line", "All tools"),
        ListedAgent("c", "third\nline", "All tools except Bash"),
    ]
    with pytest.raises(OracleError):
        parse_listing(text, ["a", "zzz"])


def test_deferred_tool_names_are_read_from_their_paragraph():
    body = {"messages": [{"role": "system", "content": [{"type": "text", "text": (
        "Intro.\n\nThese load through ToolSearch, by name:\nMonitor\nWebFetch\nmcp__a__b\n\nOther text:\nNot a list"
    )}]}]}  # fmt: skip
    assert deferred_tools(body) == ["Monitor", "WebFetch", "mcp__a__b"]


def test_listed_tools_formats_like_claude_code():
    import agentkit

    def shown(front: str) -> str:
        return listed_tools(agentkit.loads(f"---\nname: a\ndescription: d\n{front}---\n"))

    assert shown("") == "All tools"
    assert shown("tools: Read, Grep\n") == "Read, Grep"
    assert shown("disallowedTools: Bash\n") == "All tools except Bash"
    assert shown("tools: Read, Grep\ndisallowedTools: Grep\n") == "Read"
    assert shown("tools: Grep\ndisallowedTools: Grep\n") == "None"
    assert shown("tools: [Read, '*']\n") == "All tools"


# -- against the real binary ------------------------------------------------------------------------------


def test_loaded_agents_and_a_subagent_request(claude_code, tmp_path):
    folder = tmp_path / "agents"
    (folder / "nested").mkdir(parents=True)
    (folder / "a.md").write_text("---\nname: alpha\ndescription: First.\ntools: Read, Grep\n---\nBe alpha.\n")
    (folder / "nested" / "b.md").write_text(
        "---\nname: beta\ndescription: Second.\nmodel: haiku\n---\nBe beta.\n"
    )
    (folder / "c.md").write_text("---\nname: gamma\ndescription: Third.\ntools: Foo, Bar\n---\nBe gamma.\n")
    (folder / "dropped.md").write_text("no front matter\n")
    listed = loaded_agents(folder, claude=claude_code)
    assert [(a.name, a.description, a.tools) for a in listed] == [
        ("alpha", "First.", "Read, Grep"),
        ("beta", "Second.", "All tools"),
        ("gamma", "Third.", "Foo, Bar"),
    ]
    request = subagent_request(folder, "alpha", "Say hi.", claude=claude_code)
    assert request.tools == ("Read", "Grep") and request.model == "claude-opus-5-5"
    assert any("cc_is_subagent=true" in s for s in request.system) and any(
        "Be alpha." in s for s in request.system
    )
    assert "Say hi." in json.dumps(request.messages)
    assert subagent_request(folder, "beta", claude=claude_code).model == "claude-haiku-5-5"
    with pytest.raises(SubagentNotSpawned, match="zero tools"):
        subagent_request(folder, "gamma", claude=claude_code)
    with pytest.raises(SubagentNotSpawned):
        subagent_request(folder, "no-such-agent", claude=claude_code)


def test_builtin_agents_are_marked(claude_code):
    listing = list_agents({"a.md": "---\nname: mine\ndescription: Mine.\n---\n"}, claude=claude_code)
    assert [a.name for a in listing.custom] == ["mine"]
    assert "general-purpose" in listing and listing["general-purpose"].builtin
    assert listing.claude == claude_code


def test_verify_agrees_on_the_sample_agents(claude_code):
    root = Path(__file__).resolve().parent.parent / "agents"
    report = verify(root, claude=claude_code)
    assert report.ok, report.to_text()
    assert report.runs == 1 and len(report.files) == len(list(root.rglob("*.md")))
    assert {c.agentkit for c in report.files} >= {"used", "dropped"}
    assert all(c.claude_code == "used" for c in report.files if c.agentkit == "used")


def test_verify_lists_a_disagreement_in_words(claude_code, tmp_path, monkeypatch):
    """Make agentkit wrong on purpose (it forgets descriptions' last word) and see verify say so."""
    from agentkit._reader import agent as agent_module

    (tmp_path / "a.md").write_text("---\nname: alpha\ndescription: One two three\n---\n")
    original = agent_module.Agent.description
    monkeypatch.setattr(
        agent_module.Agent, "description", property(lambda self: original.fget(self).rsplit(" ", 1)[0])
    )
    report = verify(tmp_path, claude=claude_code)
    assert not report.ok and report.count("description") == 1
    message = report.disagreements[0].message
    assert "a.md" in message and "'alpha'" in message and "three" in message


# -- the command --------------------------------------------------------------------------------------------


def test_verify_command_without_a_binary_says_so_in_one_line(no_claude, capsys, tmp_path):
    from agentkit.cli import main

    (tmp_path / "a.md").write_text("---\nname: a\ndescription: d\n---\n")
    assert main(["verify", str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and CLAUDE_CODE_INSTALL in err


def test_verify_command_usage_errors(capsys, tmp_path, monkeypatch):
    from agentkit.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["verify"]) == 2  # no .claude/agents here
    assert "there is no .claude/agents here" in capsys.readouterr().err
    assert main(["verify", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_verify_command_reports_the_binary_and_exits_by_the_result(
    claude_code, capsys, tmp_path, monkeypatch
):
    from agentkit.cli import main

    agents = tmp_path / ".claude" / "agents"
    agents.mkdir(parents=True)
    (agents / "a.md").write_text("---\nname: alpha\ndescription: First.\n---\nBody.\n")
    monkeypatch.chdir(tmp_path)
    assert main(["verify", "--claude", str(claude_code.path)]) == 0  # the default folder
    out = capsys.readouterr().out
    assert claude_code.version in out and str(claude_code.path) in out and "no disagreements" in out
    assert main(["verify", str(agents), "--claude", str(claude_code.path), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["claude_code"]["version"] == claude_code.version and data["disagreements"] == []
    assert data["files"] == 1 and data["listed"] == 1
