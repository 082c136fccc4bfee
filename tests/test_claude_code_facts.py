"""agentkit/_reader/claude_code.py checked against the pinned Claude Code binary, wherever the binary shows
the fact: in the tools a spawned subagent really receives, in the tools of the main session started with
`--tools NAME`, in the model id of a subagent's request, and in `claude --version`.

Everything runs offline against the stand-in Messages API (agentkit._oracle). Facts a print-mode session
cannot show (a tool that session never offers, so its alias cannot be seen resolving) are skipped with the
reason, never asserted blindly.
"""

from __future__ import annotations

import json
import re
import sys
import tomllib
from pathlib import Path

import pytest

from agentkit._oracle.probe import (
    PLACEHOLDER_TOOL,
    SubagentNotSpawned,
    SubagentRequest,
    session_tools,
    subagent_requests,
)
from agentkit._oracle.world import ScratchWorld
from agentkit._reader.claude_code import (
    BUILTIN_TOOLS,
    CLAUDE_AGENT_SDK_VERSION,
    CLAUDE_CODE_MODEL_VERSION,
    DEFAULT_MAIN_MODEL,
    MEMORY_TOOLS,
    MODEL_IDS,
    NOT_FOR_SUBAGENTS,
    REMOVED_TOOLS,
    TOOL_ALIASES,
    WITHHELD_WITH_BASH,
)

pytestmark = pytest.mark.timeout(600)

ROOT = Path(__file__).resolve().parent.parent
MCP_SERVER = Path(__file__).resolve().parent / "oracle_mcp_server.py"
# The tiny MCP server gives the session an MCP tool and the MCP resource tools (so their aliases show).
MCP_ARGS = (
    "--mcp-config",
    json.dumps({"mcpServers": {"probe": {"command": sys.executable, "args": [str(MCP_SERVER)]}}}),
    "--strict-mcp-config",
)
MCP_TOOL = "mcp__probe__echo"
UNKNOWN = "NoSuchToolForAgentkit"
GONE = (*REMOVED_TOOLS, "BashOutput")  # BashOutput: an old name with no alias left
TARGETS = tuple(dict.fromkeys(TOOL_ALIASES.values()))
PROBED = tuple(dict.fromkeys((*BUILTIN_TOOLS, *TOOL_ALIASES, *TARGETS, *GONE, UNKNOWN)))


def _agent(name: str, lines: str = "") -> str:
    return f"---\nname: {name}\ndescription: Probe {name}.\n{lines}---\nYou probe {name}.\n"


def _outcome(result: SubagentRequest | SubagentNotSpawned) -> str:
    """'granted', or why Claude Code refused: 'unrecognized' or 'not available to subagents'."""
    if isinstance(result, SubagentRequest):
        return "granted"
    match = re.search(r"(unrecognized|not available to subagents) \[", str(result))
    return match.group(1) if match else f"refused: {result}"


@pytest.fixture(scope="module")
def spawned(claude_code) -> dict[str, SubagentRequest | SubagentNotSpawned]:
    """One spawn per probe agent, in a few runs of the binary, with the MCP probe server attached."""
    files: dict[str, str] = {}
    for tool in PROBED:
        files[f"only-{tool}.md"] = _agent(f"only-{tool}", f"tools: {tool}\n")
    for tool in GONE:
        files[f"with-{tool}.md"] = _agent(f"with-{tool}", f"tools: Read, {tool}\n")
    files["memory.md"] = _agent("memory", "memory: project\ntools: Grep\n")
    files["memory-list.md"] = _agent("memory-list", "memory: user\ntools: [Read, Bash]\n")
    files["memory-empty.md"] = _agent("memory-empty", "memory: local\ntools: []\n")
    for alias in (*MODEL_IDS, "inherit"):
        files[f"model-{alias}.md"] = _agent(f"model-{alias}", f"model: {alias}\ntools: Read\n")
    files["model-none.md"] = _agent("model-none", "tools: Read\n")
    files["inherits-all.md"] = _agent("inherits-all")
    files["empty-list.md"] = _agent("empty-list", "tools: []\n")
    files["nothing-real.md"] = _agent("nothing-real", f"tools: {UNKNOWN}, AlsoNotATool\n")
    files["bash-and-search.md"] = _agent("bash-and-search", "tools: Bash, Glob, Grep, Read\n")
    files["search-only.md"] = _agent("search-only", "tools: Glob, Grep, Read\n")
    files["mcp-server.md"] = _agent("mcp-server", "tools: Read, mcp__probe\n")
    names = [Path(f).stem for f in files]
    return subagent_requests(files, names, claude=claude_code, args=MCP_ARGS, timeout=120)


@pytest.fixture(scope="module")
def main_session(claude_code):
    """`--tools NAME` -> the main session's tools (MCP tools left out), computed once per name."""
    cache: dict[str, frozenset[str]] = {}
    with ScratchWorld(claude_code) as world:

        def tools_for(name: str) -> frozenset[str]:
            if name not in cache:
                tools = session_tools(("--tools", name, *MCP_ARGS), world=world)
                cache[name] = frozenset(t for t in tools if not t.startswith("mcp__"))
            return cache[name]

        yield tools_for


# -- the version ----------------------------------------------------------------------------------------


def test_the_binary_is_the_version_agentkit_names(claude_code):
    assert claude_code.version == CLAUDE_CODE_MODEL_VERSION


def test_the_pins_agree():
    """pyproject's extras that bring Claude Code (claude-code, notebooks: the README's first command, test)
    pin claude-agent-sdk at CLAUDE_AGENT_SDK_VERSION, and that release bundles CLAUDE_CODE_MODEL_VERSION
    (checked when that is the installed release)."""
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    for name in ("claude-code", "notebooks", "test"):
        assert f"claude-agent-sdk=={CLAUDE_AGENT_SDK_VERSION}" in extra[name], name
    try:
        from importlib.metadata import version

        installed = version("claude-agent-sdk")
        from claude_agent_sdk._cli_version import __cli_version__
    except Exception:  # noqa: BLE001 - not installed, or laid out differently
        pytest.skip("claude-agent-sdk is not installed")
    if installed == CLAUDE_AGENT_SDK_VERSION:
        assert __cli_version__ == CLAUDE_CODE_MODEL_VERSION


# -- tool names -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", sorted(TOOL_ALIASES))
def test_an_alias_is_its_target_in_the_main_session(main_session, alias):
    target = TOOL_ALIASES[alias]
    target_tools = main_session(target)
    # Where a print-mode session never offers the target (SendUserMessage, SetGoal), the alias must not
    # conjure it either: both give nothing, and the mapping itself is taken from Claude Code's own tables.
    assert main_session(alias) == target_tools


@pytest.mark.parametrize("alias", sorted(TOOL_ALIASES))
def test_an_alias_is_its_target_for_a_subagent(spawned, alias):
    target = TOOL_ALIASES[alias]
    mine, theirs = spawned[f"only-{alias}"], spawned[f"only-{target}"]
    assert _outcome(mine) == _outcome(theirs)  # for a target never offered in print mode, both are refused
    if isinstance(mine, SubagentRequest):
        assert isinstance(theirs, SubagentRequest)
        assert mine.tools == theirs.tools and target in mine.tools


@pytest.mark.parametrize("name", GONE)
def test_removed_names_give_nothing(spawned, main_session, name):
    with_read = spawned[f"with-{name}"]
    assert isinstance(with_read, SubagentRequest)
    assert with_read.tools == ("Read",)
    assert _outcome(spawned[f"only-{name}"]) == "unrecognized"
    assert main_session(name) == frozenset()


def test_an_unknown_name_is_refused_as_unrecognized(spawned):
    """The control for the two tests above: what 'unrecognized' looks like."""
    assert _outcome(spawned[f"only-{UNKNOWN}"]) == "unrecognized"
    assert _outcome(spawned["nothing-real"]) == "unrecognized"


@pytest.mark.parametrize("tool", BUILTIN_TOOLS)
def test_tools_kept_from_subagents(spawned, tool):
    """NOT_FOR_SUBAGENTS are exactly the built-in tools Claude Code refuses as 'not available to
    subagents'; every other one is granted or (in this session) unrecognized."""
    outcome = _outcome(spawned[f"only-{tool}"])
    if tool in NOT_FOR_SUBAGENTS:
        assert outcome == "not available to subagents"
    else:
        assert outcome in ("granted", "unrecognized")


def test_every_tool_a_subagent_receives_is_a_known_name(spawned, main_session):
    """Tool definitions sent to subagents, deferred tools they are told about, and the main session's tools
    are built-in names, MCP tools (`mcp__...`) or the DeferredToolPlaceholder (a marker that keeps deferred
    tool loading on; it is never a tool an agent can call). The main session names Agent `Task`."""
    seen: set[str] = set()
    for result in spawned.values():
        if isinstance(result, SubagentRequest):
            seen.update(result.tools)
            seen.update(result.deferred_tools)
    seen.update(main_session("default"))
    unknown = {
        t for t in seen if t not in BUILTIN_TOOLS and t != PLACEHOLDER_TOOL and not t.startswith("mcp__")
    }
    assert unknown <= {"Task"}, sorted(unknown)
    assert {"Read", "Bash", "Agent"} <= seen


def test_mcp_tools_reach_a_subagent_by_server_name(spawned):
    result = spawned["mcp-server"]
    assert isinstance(result, SubagentRequest)
    assert MCP_TOOL in result.granted_tools and "Read" in result.tools


def test_memory_adds_read_write_and_edit_to_an_explicit_list(spawned):
    for name, written in (("memory", {"Grep"}), ("memory-list", {"Read", "Bash"}), ("memory-empty", set())):
        result = spawned[name]
        assert isinstance(result, SubagentRequest), name
        assert set(result.tools) == written | set(MEMORY_TOOLS), name


def test_an_empty_list_runs_with_zero_tools_and_a_list_of_nothing_real_is_refused(spawned):
    empty = spawned["empty-list"]
    assert isinstance(empty, SubagentRequest) and empty.tools == ()
    assert isinstance(spawned["nothing-real"], SubagentNotSpawned)


def test_bash_withholds_the_search_tools(spawned):
    with_bash, without = spawned["bash-and-search"], spawned["search-only"]
    assert isinstance(with_bash, SubagentRequest) and isinstance(without, SubagentRequest)
    assert set(with_bash.tools) == {"Bash", "Read"}
    assert set(without.tools) == {"Read", *WITHHELD_WITH_BASH}
    everything = spawned["inherits-all"]
    assert isinstance(everything, SubagentRequest)
    assert not set(WITHHELD_WITH_BASH) & set(everything.granted_tools)


def test_a_subagent_gets_its_body_as_system_prompt(spawned):
    result = spawned["model-none"]
    assert isinstance(result, SubagentRequest)
    assert any("cc_is_subagent=true" in block for block in result.system)
    assert any("You probe model-none." in block for block in result.system)


# -- models ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("alias", sorted(MODEL_IDS))
def test_a_model_alias_resolves_to_its_id(spawned, alias):
    result = spawned[f"model-{alias}"]
    assert isinstance(result, SubagentRequest)
    assert result.model == MODEL_IDS[alias]


def test_no_model_and_inherit_use_the_main_conversations_default(spawned):
    for name in ("model-none", "model-inherit"):
        result = spawned[name]
        assert isinstance(result, SubagentRequest)
        assert result.model == MODEL_IDS[DEFAULT_MAIN_MODEL], name


@pytest.mark.parametrize(
    "variables",
    [
        {"CLAUDE_CODE_SUBAGENT_MODEL": "sonnet"},  # the model of agents that name none, not of `inherit`
        {"ANTHROPIC_DEFAULT_OPUS_MODEL": "claude-opus-4-8"},  # the main model, so `inherit` and no model
        {"ANTHROPIC_DEFAULT_HAIKU_MODEL": "claude-haiku-4-5"},
    ],
)
def test_live_resolves_models_as_claude_code_does(claude_code, monkeypatch, variables):
    from agentkit import live

    agents = {"own": "model: haiku\n", "none": "", "inherits": "model: inherit\n"}
    files = {f"{name}.md": _agent(name, f"{lines}tools: Read\n") for name, lines in agents.items()}
    got = subagent_requests(files, list(agents), claude=claude_code, env=variables)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    for name, lines in agents.items():
        value = lines.split(":", 1)[1].strip() if lines else None
        assert live.resolve_model(value) == got[name].model, (name, variables)


# -- routing: the built-in agents and how an Agent call's subagent_type is resolved ---------------------------


def test_the_built_in_agents_are_the_ones_claude_code_lists(claude_code):
    from agentkit._oracle.probe import list_agents
    from agentkit._reader.claude_code import BUILTIN_AGENTS

    listed = list_agents(claude=claude_code, builtins=False)
    assert tuple(sorted(a.name for a in listed.agents)) == tuple(sorted(BUILTIN_AGENTS))


SUBAGENT_TYPES = (
    None,
    "code-reviewer",
    "Code Reviewer",
    "CODE_REVIEWER",
    "ｃｏｄｅ-reviewer",
    "explore",
    "general purpose",
    "code.reviewer",
    "",
    "abc",
    "reviewer",
    "fork",
)


def test_agent_calls_resolve_as_agentkit_resolves_them(claude_code):
    """One answer calls the Agent tool once per spelling; Claude Code's transcripts say which agent each
    call started (`agentType` of the subagent's meta file), its tool results which calls it refused."""
    from agentkit._oracle.standin import Behaviour, FakeMessagesAPI, ToolUse
    from agentkit.live._routing.sample import resolve_agent

    calls = []
    for index, kind in enumerate(SUBAGENT_TYPES):
        data = {"description": "probe", "prompt": f"probe {index}"}
        if kind is not None:
            data["subagent_type"] = kind
        calls.append(ToolUse("Agent", data, f"toolu_probe_{index}"))
    with ScratchWorld(claude_code) as world:
        for name in ("code-reviewer", "ab-c", "a-bc"):
            world.write_agent(f"{name}.md", _agent(name, "tools: Read\n"))
        with FakeMessagesAPI() as api:
            done = [False]

            def respond(rec):
                if done[0] or not rec.is_messages or rec.is_subagent or not rec.body.get("tools"):
                    return None
                done[0] = True
                return Behaviour(tool_uses=tuple(calls))

            api.respond(respond)
            world.run(["-p", "hi", "--output-format", "stream-json", "--verbose"], api, timeout=120)
            refused = {}
            for rec in api.requests:
                if rec.is_messages and not rec.is_subagent and isinstance(rec.body, dict):
                    for message in rec.body.get("messages") or []:
                        for block in (
                            message.get("content") if isinstance(message.get("content"), list) else []
                        ):
                            if block.get("type") == "tool_result" and block.get("is_error"):
                                refused[block["tool_use_id"]] = str(block.get("content"))
        started = {}
        for meta in world.config_dir.glob("projects/*/*/subagents/*.meta.json"):
            data = json.loads(meta.read_text())
            started[data.get("toolUseId")] = data.get("agentType")
    names = [
        "claude",
        "code-reviewer",
        "ab-c",
        "a-bc",
        "Explore",
        "general-purpose",
        "Plan",
        "statusline-setup",
    ]
    for index, kind in enumerate(SUBAGENT_TYPES):
        call = f"toolu_probe_{index}"
        agent, why = resolve_agent(kind, names)
        if kind == "fork":  # a copy of the main agent: agentkit counts it as the main agent's own work
            assert agent is None and call not in refused, (kind, started.get(call))
        elif agent is None:
            assert call in refused and call not in started, (kind, why, started.get(call))
            assert ("ambiguous" in refused[call]) == ("ambiguous" in why)
        else:
            assert started.get(call) == agent, (kind, refused.get(call))


# -- permission modes -----------------------------------------------------------------------------------


def test_permission_modes_are_the_ones_the_binary_takes(claude_code):
    """Every mode of PERMISSION_MODES (front matter, and `live.run(permission_mode=...)`, which passes it to
    `--permission-mode`) starts a session in that mode; a synonym starts the mode it stands for; and the
    binary offers no mode agentkit does not know."""
    from agentkit._oracle.probe import PRINT_ARGS
    from agentkit._oracle.standin import FakeMessagesAPI
    from agentkit._reader.claude_code import PERMISSION_MODE_SYNONYMS, PERMISSION_MODES

    started: dict[str, object] = {}
    with ScratchWorld(claude_code) as world:
        for mode in (*PERMISSION_MODES, *PERMISSION_MODE_SYNONYMS, "no-such-mode"):
            with FakeMessagesAPI() as api:
                args = (*PRINT_ARGS, "--permission-mode", mode)
                # As root (containers, CI) bypassPermissions is refused unless the session says it is a sandbox.
                env = {"IS_SANDBOX": "1"}
                run = world.run(args, api, until=lambda api=api: bool(api.requests), env=env)
            init = run.init()
            started[mode] = init.get("permissionMode") if init else run.stderr
    for mode in PERMISSION_MODES:
        assert started[mode] == mode
    for synonym, mode in PERMISSION_MODE_SYNONYMS.items():
        assert started[synonym] == mode
    refused = str(started["no-such-mode"])
    match = re.search(r"Allowed choices are ([^.]+)\.", refused)
    assert match, refused
    offered = {choice.strip() for choice in match.group(1).split(",")}
    assert "auto" in offered
    assert offered <= set(PERMISSION_MODES) | set(PERMISSION_MODE_SYNONYMS)
