"""Loading: agentkit must read every file exactly as Claude Code 2.1.330 does."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

import agentkit

GOOD = "---\nname: helper\ndescription: Helps. Use when stuck.\n---\nBody.\n"


def fm(block: str, body: str = "Body text.\n") -> str:
    return f"---\n{block}---\n{body}"


# -- parity with Claude Code on the real corpora ------------------------------------------------


def test_every_corpus_file_matches_claude_code(corpora: Path, corpus_agents) -> None:
    expected = json.loads((corpora / "claude-code-2.1.330.expected.json").read_text("utf-8"))
    by_path = {a.path.relative_to(corpora).as_posix(): a for a in corpus_agents}
    assert set(expected) <= set(by_path)
    mismatches = []
    for rel, want in expected.items():
        agent = by_path[rel]
        got = {
            "loaded": agent.loaded,
            "name": agent.name,
            "description": agent.description,
            "parse": agent.parse,
            "body_chars": len(agent.body),
            "body_sha256": hashlib.sha256(agent.body.encode("utf-8")).hexdigest(),
        }
        for key in ("tools", "model", "color"):
            got[key] = agent.fields.get(key)
            want = {**want, key: want.get(key)}
        mismatches += [(rel, k, got[k], want[k]) for k in got if got[k] != want[k]]
    assert mismatches == []
    assert sum(a.parse == "fallback" for a in corpus_agents if a.path.name != "README.md") == 8


def test_render_is_byte_identical_on_every_corpus_file(corpus_agents) -> None:
    for agent in corpus_agents:
        assert agent.render().encode("utf-8") == agent.path.read_bytes(), agent.path


@pytest.mark.parametrize(
    ("line", "tools"),
    [
        ("tools: Read, Grep, Glob", ["Read", "Grep", "Glob"]),
        ("tools: Read Grep  Glob", ["Read", "Grep", "Glob"]),
        ("tools: Read,Grep,,Glob,", ["Read", "Grep", "Glob"]),
        ("tools: Bash(git diff:*), Read", ["Bash(git diff:*)", "Read"]),
        ("tools: Agent(planner, tester), Read", ["Agent(planner, tester)", "Read"]),
        ("tools: mcp__github__create_issue, mcp__linear", ["mcp__github__create_issue", "mcp__linear"]),
        ("tools: [Read, 'Grep']", ["Read", "Grep"]),
        ("tools: [Read, 1, true]", ["Read"]),  # only strings count
        ("tools: '*'", ["*"]),
        ("tools: ''", []),
        ("tools: []", []),
        ("tools:", []),
        ("model: sonnet", None),  # no key: every tool is inherited
    ],
)
def test_tools_are_split_as_claude_code_splits_them(line: str, tools: list[str] | None) -> None:
    agent = agentkit.loads(f"---\nname: a\ndescription: d\n{line}\n---\nBody\n")
    assert agent.tools == tools


# -- the block regex ------------------------------------------------------------------------------


def test_bom_is_dropped_but_kept_in_render() -> None:
    text = "\ufeff" + GOOD
    agent = agentkit.loads(text)
    assert agent.loaded and agent.name == "helper"
    assert agent.render() == text


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("\n" + GOOD, "blank line"),
        ("# Title\n" + GOOD, "text before"),
        ("---\nname: a\ndescription: b\n", "never closed"),
        ("", "empty"),
        ("Just a prompt.\n", "no front matter"),
        ("----\nname: a\n---\n", "not '---' alone"),
    ],
)
def test_no_block_is_dropped_with_a_reason(text: str, words: str) -> None:
    agent = agentkit.loads(text)
    assert agent.parse == "none"
    assert not agent.loaded
    assert words in agent.reason


def test_block_ends_at_the_first_dashes_even_inside_a_value() -> None:
    agent = agentkit.loads(fm('name: a\ndescription: "x --- y" Use when z\n'))
    # The lazy match stops inside the quoted value: the YAML is cut and fails, the rest becomes body.
    assert agent.body.startswith('y" Use when z')
    assert not agent.loaded


def test_a_line_of_fifty_dashes_closes_the_block_and_whitespace_after_is_eaten() -> None:
    agent = agentkit.loads("---\nname: a\ndescription: b\n" + "-" * 50 + "\n\n\nBody\n")
    assert agent.loaded
    assert agent.body == "-" * 47 + "\n\n\nBody\n"
    agent = agentkit.loads("---\nname: a\ndescription: b\n---\n\n\n# Body\n")
    assert agent.body == "# Body\n"


def test_opening_dashes_may_be_followed_by_spaces_and_blank_lines() -> None:
    agent = agentkit.loads("---   \n\nname: a\ndescription: b\n---\nBody")
    assert agent.loaded and agent.name == "a"


# -- strict YAML 1.2 ------------------------------------------------------------------------------


def test_yaml_12_scalars() -> None:
    agent = agentkit.loads(
        fm(
            "name: a\ndescription: b\nx_yes: yes\nx_on: off\nx_date: 2024-01-01\nx_oct: 017\nx_int: 42\n"
            "x_null: ~\nx_true: true\nx_float: 1.5\nx_o: 0o17\n"
        )
    )
    f = agent.fields
    assert (f["x_yes"], f["x_on"], f["x_date"], f["x_oct"]) == ("yes", "off", "2024-01-01", 17)
    assert (f["x_int"], f["x_null"], f["x_true"], f["x_float"], f["x_o"]) == (42, None, True, 1.5, 15)


def test_duplicate_keys_last_wins() -> None:
    agent = agentkit.loads(fm("name: first\ndescription: d\nname: second\n"))
    assert agent.parse == "strict" and agent.name == "second"


def test_space_hash_starts_a_comment() -> None:
    agent = agentkit.loads(fm("name: a\ndescription: Expert in C# code #dotnet\n"))
    assert agent.description == "Expert in C# code"


def test_backslash_n_is_expanded_in_description_only() -> None:
    agent = agentkit.loads(fm('name: a\ndescription: "one\\\\ntwo"\nother: "x\\\\ny"\n'))
    assert agent.description == "one\ntwo"
    assert agent.fields["other"] == "x\\ny"


# -- the line-rewrite fallback ---------------------------------------------------------------------


def test_fallback_quotes_a_value_with_colon_space() -> None:
    text = fm("name: a\ndescription: Use this agent when: things happen.\\n\\nExamples: <example>\n")
    agent = agentkit.loads(text)
    assert agent.parse == "fallback" and agent.loaded
    assert agent.description == "Use this agent when: things happen.\n\nExamples: <example>"
    assert agent.parsed.quoted_lines == (1,)


def test_fallback_does_nothing_in_crlf_files() -> None:
    text = "---\r\nname: a\r\ndescription: Use when: x\r\n---\r\nBody\r\n"
    agent = agentkit.loads(text)
    assert agent.parse == "failed" and not agent.loaded
    assert "CRLF" in agent.reason


def test_crlf_without_problems_loads() -> None:
    agent = agentkit.loads("---\r\nname: a\r\ndescription: b c\r\n---\r\nBody\r\n")
    assert agent.loaded and agent.description == "b c" and agent.render().count("\r\n") == 5


def test_quoted_value_followed_by_text_keeps_the_quotes() -> None:
    agent = agentkit.loads(fm('name: a\ndescription: "Quoted" then: more\n'))
    assert agent.parse == "fallback"
    assert agent.description == '"Quoted" then: more'


def test_value_starting_with_stars_loads_through_fallback() -> None:
    agent = agentkit.loads(fm("name: a\ndescription: **Bold** helper\n"))
    assert agent.parse == "fallback" and agent.description == "**Bold** helper"


def test_tab_indented_list_loads_through_fallback() -> None:
    agent = agentkit.loads(fm("name: a\ndescription: b\ntools:\n\t- Read\n\t- Grep\n"))
    assert agent.parse == "fallback" and agent.tools == ["Read", "Grep"]


def test_flow_list_value_is_left_alone_by_the_rewrite() -> None:
    agent = agentkit.loads(fm("name: a\ndescription: x: y\ntools: [Read, Grep]\n"))
    assert agent.parse == "fallback" and agent.tools == ["Read", "Grep"]


def test_continuation_lines_at_column_zero_drop_the_agent() -> None:
    block = 'name: a\ndescription: Use this agent when: x\nuser: "hello"\nassistant: "hi" and: more\n  oops\n'
    agent = agentkit.loads(fm(block))
    assert not agent.loaded


def test_non_breaking_space_after_key_drops_the_agent() -> None:
    agent = agentkit.loads(fm("name: a\ndescription:\u00a0Reviews code\n"))
    assert not agent.loaded


@pytest.mark.parametrize(
    ("block", "words"),
    [
        ("name: 123\ndescription: d\n", "'name' is a number"),
        ("name: a\ndescription: true\n", "'description' is a boolean"),
        ("description: d\n", "no 'name'"),
        ("name: a\n", "no 'description'"),
        ("name: -a\ndescription: d\n", "starts with '-'"),
        ("name: a:b\ndescription: d\n", "contains ':'"),
        ("- a\n- b\n", "a list, not a set of keys"),
        ("just text\n", "a string"),
        ("", "empty"),
        ("name: a\ndescription: d\nhooks: 3\n", "hooks"),
        ("name: a\ndescription: d\nhooks:\n  PreToolUse:\n    - matcher: Bash\n", "hooks"),
    ],
)
def test_dropped_agents_say_why(block: str, words: str) -> None:
    agent = agentkit.loads(fm(block))
    assert not agent.loaded
    assert words in agent.reason


def test_valid_hooks_load() -> None:
    block = "name: a\ndescription: d\nhooks:\n  PreToolUse:\n    - matcher: Bash\n      hooks:\n        - type: command\n          command: echo hi\n"
    assert agentkit.loads(fm(block)).loaded


@pytest.mark.parametrize(
    ("line", "tools"),
    [
        (None, None),
        ("tools:\n", []),
        ("tools: ''\n", []),
        ("tools: []\n", []),
        ("tools: '*'\n", ["*"]),
        ("tools: Read, Grep,Glob  Bash\n", ["Read", "Grep", "Glob", "Bash"]),
        ("tools: Read, Bash(git diff:*), Agent(a, b)\n", ["Read", "Bash(git diff:*)", "Agent(a, b)"]),
        ("tools:\n  - Read\n  - mcp__github__create_issue\n", ["Read", "mcp__github__create_issue"]),
    ],
)
def test_tools(line: str | None, tools: list[str] | None) -> None:
    agent = agentkit.loads(fm("name: a\ndescription: d\n" + (line or "")))
    assert agent.tools == tools


def test_values_are_reported_as_written_not_defaulted() -> None:
    agent = agentkit.loads(GOOD)
    assert (agent.model, agent.color, agent.tools) == (None, None, None)


def test_plugin_agent_without_front_matter_loads_under_its_file_name() -> None:
    agent = agentkit.loads("Just a prompt.\n", path="plugins/p/agents/helper.md", plugin="p")
    assert agent.loaded and agent.qualified_name == "p:helper"


# -- robustness ------------------------------------------------------------------------------------


def test_bad_files_become_records(tmp_path: Path) -> None:
    (tmp_path / "binary.md").write_bytes(b"\x00\x01\x02---\x00")
    (tmp_path / "latin1.md").write_bytes("---\nname: caf\xe9\ndescription: d\n---\n".encode("latin-1"))
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "huge.md").write_bytes(b"---\nname: a\ndescription: b\n---\n" + b"x" * (1024 * 1024))
    (tmp_path / "half.md").write_bytes(b"---\nname: a\ndescription: b")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    agents = {a.path.name: a for a in agentkit.load(tmp_path)}
    assert "binary" in agents["binary.md"].reason
    latin1 = agents["latin1.md"]  # Node reads it with a replacement character, and loads it
    assert latin1.loaded and latin1.name == "caf\ufffd" and not latin1.editable
    assert "not valid UTF-8" in latin1.problems[0]
    assert agents["empty.md"].reason == "the file is empty"
    assert "larger than 1 MiB" in agents["huge.md"].reason
    assert "never closed" in agents["half.md"].reason
    assert "does not exist" in agents["dangling.md"].reason
    assert [n for n, a in agents.items() if a.loaded] == ["latin1.md"]


def test_a_body_of_exactly_one_mib_minus_the_head_loads(tmp_path: Path) -> None:
    head = b"---\nname: a\ndescription: b\n---\n"
    (tmp_path / "big.md").write_bytes(head + b"y" * (1024 * 1024 - len(head)))
    agent = agentkit.load(tmp_path)[0]
    assert agent.loaded and len(agent.body) == 1024 * 1024 - len(head)


def test_alias_bomb_is_bounded() -> None:
    """agentkit never expands past its limit: hitting it is a failed strict parse, then the fallback (which
    quotes these top-level lines, so the agent loads with the aliases as text), as in Claude Code."""
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{cur}: &{cur} [{', '.join('*' + prev for _ in range(9))}]")
    agent = agentkit.loads(fm("name: a\ndescription: d\n" + "\n".join(lines) + "\n"))
    assert agent.parse == "fallback" and agent.loaded
    assert agent.fields["i"].startswith("&i [*h")
    nested = agentkit.loads(fm("name: a\ndescription: d\nx:\n" + "\n".join("  " + x for x in lines) + "\n"))
    assert nested.parse == "failed" and not nested.loaded and "expand" in nested.reason


def test_deep_nesting_is_a_record_not_a_crash() -> None:
    from agentkit._reader.yaml12 import DEEPER_TEXT, MAX_NESTING

    agent = agentkit.loads(fm("name: a\ndescription: d\nx: " + "[" * 500 + "]" * 500 + "\n"))
    assert agent.loaded and agent.parse == "strict"
    value = agent.fields["x"]  # kept MAX_NESTING levels deep (the mapping is the first), then a text
    for _ in range(MAX_NESTING - 2):
        value = value[0]
    assert value == [DEEPER_TEXT]
    for opener, closer in (("[", "]"), ("{a: ", "}")):
        agent = agentkit.loads(
            fm("name: a\ndescription: d\nx: " + opener * 200_000 + closer * 200_000 + "\n")
        )
        assert agent.parse == "fallback" and agent.loaded  # the rewrite quotes the line
        # Claude Code's parser has no depth limit; agentkit's parsers go to MAX_DEEP_NESTING levels. Past
        # that, a line the fallback cannot rewrite is refused (Claude Code would load it).
        nested = agentkit.loads(
            fm("name: a\ndescription: d\nx:\n  y: " + opener * 1500 + closer * 1500 + "\n")
        )
        assert nested.parse == "strict" and nested.loaded
        refused = agentkit.loads(
            fm("name: a\ndescription: d\nx:\n  y: " + opener * 9000 + closer * 9000 + "\n")
        )
        assert refused.parse == "failed" and "deeper than" in refused.reason


def test_symlinks_followed_once_and_loops_survived(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.md").write_text(GOOD)
    (real / ".hidden.md").write_text(GOOD.replace("helper", "hidden"))
    (real / "notes.txt").write_text(GOOD)
    (tmp_path / "link").symlink_to(real)
    (real / "loop").symlink_to(tmp_path)
    (tmp_path / "alias.md").symlink_to(real / "a.md")
    names = sorted(a.name for a in agentkit.load(tmp_path))
    assert names == ["helper", "hidden"]


# -- scopes ----------------------------------------------------------------------------------------


def test_discover_scopes_and_shadowing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    repo = tmp_path / "repo"
    sub = repo / "pkg" / "app"
    for folder in (home / ".claude" / "agents", repo / ".claude" / "agents", sub / ".claude" / "agents"):
        folder.mkdir(parents=True)
    (repo / ".git").mkdir()
    managed = tmp_path / "managed"
    managed.mkdir()
    plugin = home / ".claude" / "plugins" / "cache" / "mkt" / "tools-plugin"
    (plugin / ".claude-plugin").mkdir(parents=True)
    (plugin / ".claude-plugin" / "plugin.json").write_text('{"name": "toolbox"}')
    (plugin / "agents").mkdir()
    (plugin / "agents" / "helper.md").write_text(GOOD)
    (home / ".claude" / "agents" / "helper.md").write_text(GOOD)
    (repo / ".claude" / "agents" / "helper.md").write_text(GOOD)
    (sub / ".claude" / "agents" / "helper.md").write_text(GOOD)
    (sub / ".claude" / "agents" / "solo.md").write_text(GOOD.replace("helper", "solo"))
    agents = agentkit.discover(sub, home=home, managed=managed)
    scopes = [(a.scope, a.qualified_name) for a in agents]
    assert scopes == [
        ("plugin", "toolbox:helper"),
        ("user", "helper"),
        ("project", "helper"),
        ("project", "helper"),
        ("project", "solo"),
    ]
    winner = sub / ".claude" / "agents" / "helper.md"
    assert [a.shadowed_by for a in agents] == [None, winner, winner, None, None]
    (managed / "helper.md").write_text(GOOD)
    agents = agentkit.discover(sub, home=home, managed=managed)
    assert agents["helper"].scope == "managed"


def test_discover_never_reads_home_as_a_project(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".claude" / "agents").mkdir(parents=True)
    (home / ".claude" / "agents" / "mine.md").write_text(GOOD)
    agents = agentkit.discover(home, home=home, managed=tmp_path / "none")
    assert [a.scope for a in agents] == ["user"]


# -- inventory ---------------------------------------------------------------------------------------


def test_to_frame_has_one_row_per_file(corpus_agents) -> None:
    frame = corpus_agents.to_frame()
    assert len(frame) == len(corpus_agents)
    assert list(frame.columns[:9]) == [
        "path",
        "loaded",
        "reason",
        "parse",
        "name",
        "description",
        "tools",
        "model",
        "color",
    ]
    assert frame["parse"].value_counts()["fallback"] == 8


def test_agentset_indexing(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD)
    agents = agentkit.load(tmp_path)
    assert agents[0] is agents["helper"] is agents["a.md"]
    assert len(agents[:1]) == 1
    with pytest.raises(KeyError):
        agents["nobody"]


def test_records_are_read_only_all_the_way_down(tmp_path: Path) -> None:
    """`Agent` is frozen, and so is what it holds: assigning into `fields` (or a list or mapping in it, or
    the parsed block's copy) raises instead of changing what `name`, `tools` or `hooks` report."""
    import copy
    import dataclasses
    import pickle

    text = fm(
        "name: a\ndescription: d\ntools: [Read]\nhooks: {Stop: [{hooks: [{type: command, command: x}]}]}\n"
    )
    (tmp_path / "a.md").write_text(text)
    agents = agentkit.load(tmp_path)
    agent = agents[0]
    attempts = [
        lambda: agent.fields.__setitem__("name", "HACK"),
        lambda: agent.fields.update(name="HACK"),
        lambda: agent.fields.pop("name"),
        lambda: agent.fields.setdefault("model", "opus"),
        lambda: agent.fields["tools"].append("Bash"),
        lambda: agent.fields["tools"].__setitem__(0, "Bash"),
        lambda: agent.fields["hooks"]["Stop"][0]["hooks"].clear(),
        lambda: agent.parsed.fields.__delitem__("name"),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="read-only"):
            attempt()
    with pytest.raises(dataclasses.FrozenInstanceError):
        agent.fields = {}  # type: ignore[misc]
    with pytest.raises(AttributeError):
        agents.extra = 1  # type: ignore[attr-defined]
    assert (agent.name, agent.tools, agent.parsed.fields["name"]) == ("a", ["Read"], "a")
    assert agent.fields == {
        "name": "a",
        "description": "d",
        "tools": ["Read"],
        "hooks": agent.fields["hooks"],
    }
    # Still plain data to everything that reads it; copies are ordinary and can be changed.
    mine = dict(agent.fields)
    mine["name"] = "b"
    assert json.loads(json.dumps(agent.fields))["tools"] == ["Read"] and agent.name == "a"
    assert pickle.loads(pickle.dumps(agent)).fields == agent.fields
    assert copy.deepcopy(agent.fields) == agent.fields
    # A record built by hand or by dataclasses.replace is read-only too.
    other = dataclasses.replace(agent, fields={"name": "c", "tools": ["Grep"]})
    with pytest.raises(TypeError):
        other.fields["tools"].append("Read")
    # The other records agentkit returns hold read-only lists too.
    with pytest.raises(TypeError):
        agentkit.fix(agent).fixed.append("AK999")
    with pytest.raises(TypeError):
        agentkit.export(agents, tmp_path / "out").written.clear()


def test_load_of_missing_path_is_a_record(tmp_path: Path) -> None:
    agents = agentkit.load(tmp_path / "missing.md")
    assert len(agents) == 1 and not agents[0].loaded


def test_unreadable_file_is_a_record(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.md"
    path.write_text(GOOD)
    real_open = os.open

    def denied(file, flags, *args, **kwargs):  # root reads anything: deny this one file by hand
        if os.fspath(file) == os.fspath(path):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    agent = agentkit.load(path)[0]
    assert not agent.loaded and agent.reason == "the file cannot be read (Permission denied)"


def test_discover_picks_the_path_that_sorts_last_inside_one_folder(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    (home / ".claude" / "agents").mkdir(parents=True)
    (repo / ".claude" / "agents" / "sub").mkdir(parents=True)
    (repo / ".git").mkdir()
    (home / ".claude" / "agents" / "helper.md").write_text(GOOD)
    (repo / ".claude" / "agents" / "helper.md").write_text(GOOD)
    (repo / ".claude" / "agents" / "sub" / "helper.md").write_text(GOOD)
    agents = agentkit.discover(repo, home=home, managed=tmp_path / "none")
    user, project_a, project_b = agents
    # 'helper.md' < 'sub/helper.md': the nested file sorts last and wins (Claude Code 2.1.330 and later).
    assert (project_a.shadowed_by, project_b.shadowed_by) == (project_b.path, None)
    assert user.shadowed_by == project_b.path
    assert agents["helper"] is project_b


def test_the_other_public_records_hold_read_only_lists_and_mappings() -> None:
    """As `Agent.fields`: a run's tool calls, a group's agents and labels, an evaluation sample's vars and
    tool calls, a usage's counts cannot be changed in place, nor can the records' attributes."""
    import dataclasses

    from agentkit.evals import SampleResult
    from agentkit.live import RunResult

    values = {f.name: None for f in dataclasses.fields(RunResult)}
    values.update(text="hi", cached=False, complete=True, run_id="r", timestamp="t", agent_version="v")
    run = RunResult(**{**values, "tool_calls": [{"name": "Read", "input": {"file_path": "a"}}]})
    group = agentkit.Group(
        "body", 0.5, [agentkit.loads("---\nname: a\ndescription: d\n---\n")], ["a"], 0.6, 0.9
    )
    sample_values = {
        f.name: None
        for f in dataclasses.fields(SampleResult)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    sample_values.update(checks=(), sample=0)
    sample = SampleResult(**sample_values, tool_calls=({"name": "Read", "input": {}},), vars={"x": [1]})
    usage = agentkit.Usage(Path("."), None, None, None, None, {"files": 1})  # type: ignore[arg-type]
    attempts = [
        lambda: run.tool_calls.append({}),
        lambda: run.tool_calls[0]["input"].clear(),
        lambda: group.agents.append(group.agents[0]),
        lambda: group.labels.__setitem__(0, "b"),
        lambda: sample.vars.__setitem__("x", 2),
        lambda: sample.vars["x"].append(2),
        lambda: sample.tool_calls[0].__setitem__("name", "Bash"),
        lambda: usage.read.__setitem__("files", 2),
    ]
    for attempt in attempts:
        with pytest.raises(TypeError, match="read-only"):
            attempt()
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.text = "changed"  # type: ignore[misc]
    assert run.to_dict()["tool_calls"] == [{"name": "Read", "input": {"file_path": "a"}}]
    assert (len(group), sample.vars, usage.read) == (1, {"x": [1]}, {"files": 1})
