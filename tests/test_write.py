"""Lossless editing, atomic saving, conflicts and export."""

from __future__ import annotations

import difflib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import agentkit
from agentkit._reader.yaml12 import load_yaml12

SAMPLE = """\ufeff---
name: reviewer   # the team's reviewer
description: 'Reviews code. Use when a PR is ready.'
tools:
  - Read
  - Grep
model: sonnet
---
You review code.
"""


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.ndiff(before.splitlines(keepends=True), after.splitlines(keepends=True))
        if line[:1] in "+-"
    ]


def test_unedited_render_is_identical() -> None:
    assert agentkit.loads(SAMPLE).render() == SAMPLE


def test_edit_changes_only_the_lines_of_changed_keys() -> None:
    agent = agentkit.loads(SAMPLE)
    edited = agentkit.edit(agent, description="Reviews code: carefully. Use when a PR is ready.")
    diff = changed_lines(agent.render(), edited.render())
    assert diff == [
        "- description: 'Reviews code. Use when a PR is ready.'\n",
        '+ description: "Reviews code: carefully. Use when a PR is ready."\n',
    ]
    assert edited.description == "Reviews code: carefully. Use when a PR is ready."
    assert edited.parse == "strict" and edited.has_bom and "# the team's reviewer" in edited.render()


def test_block_list_keeps_its_style_and_removal_and_append() -> None:
    agent = agentkit.loads(SAMPLE)
    edited = agentkit.edit(agent, tools=["Read", "Glob"], model=None, color="blue")
    text = edited.render()
    assert "tools:\n  - Read\n  - Glob\n" in text
    assert "model:" not in text
    assert text.endswith("color: blue\n---\nYou review code.\n")
    assert edited.tools == ["Read", "Glob"] and edited.color == "blue" and edited.model is None


def test_tools_string_stays_a_string() -> None:
    agent = agentkit.loads("---\nname: a\ndescription: d\ntools: Read, Grep\n---\nBody\n")
    edited = agentkit.edit(agent, tools=["Read", "Bash(git diff:*)"])
    assert 'tools: "Read, Bash(git diff:*)"\n' in edited.render()
    assert edited.tools == ["Read", "Bash(git diff:*)"]


@pytest.mark.parametrize(
    "value",
    [
        "yes",
        "no",
        "2024-01-01",
        "123",
        "true",
        "null",
        "a: b",
        "C# code #dotnet",
        "text --- more",
        "- starts with dash",
        "'quoted'",
        "line one\nline two",
        "ends with space ",
        "tab\tinside",
        "unicode \u2028 separator",
        "{not: a map}",
        "*star",
        "back\\slash",
        "%percent",
        "@at",
    ],
)
def test_values_read_the_same_in_claude_code_and_strict_yaml(value: str) -> None:
    agent = agentkit.edit(agentkit.loads("---\nname: a\ndescription: d\n---\nBody\n"), initialPrompt=value)
    assert agent.fields["initialPrompt"] == value
    assert agent.parse == "strict"
    block = agent.block_text or ""
    assert load_yaml12(block)["initialPrompt"] == value
    assert yaml.safe_load(block)["initialPrompt"] == value  # YAML 1.1 readers too
    assert agent.body == "Body\n"


def test_description_with_newlines_reads_the_same() -> None:
    agent = agentkit.loads("---\nname: a\ndescription: d\n---\nBody\n")
    edited = agentkit.edit(agent, description="Use when:\nthings --- happen")
    assert edited.description == "Use when:\nthings --- happen"
    assert yaml.safe_load(edited.block_text)["description"] == "Use when:\nthings --- happen"
    assert "-\\u002d-" in edited.render()


def test_crlf_and_missing_final_newline_are_kept() -> None:
    text = "---\r\nname: a\r\ndescription: d\r\n---\r\nBody without newline"
    edited = agentkit.edit(agentkit.loads(text), model="haiku")
    assert (
        edited.render() == "---\r\nname: a\r\ndescription: d\r\nmodel: haiku\r\n---\r\nBody without newline"
    )


def test_fallback_file_edit_of_another_key_keeps_it_loading() -> None:
    text = "---\nname: a\ndescription: Use when: x happens\nmodel: sonnet\n---\nBody\n"
    agent = agentkit.loads(text)
    assert agent.parse == "fallback"
    edited = agentkit.edit(agent, model="opus")
    assert edited.loaded and edited.model == "opus" and edited.description == "Use when: x happens"
    assert changed_lines(text, edited.render()) == ["- model: sonnet\n", "+ model: opus\n"]
    fixed = agentkit.edit(agent, description=agent.description)
    assert fixed.parse == "strict" and fixed.description == agent.description


def test_body_is_replaced_alone() -> None:
    agent = agentkit.loads(SAMPLE)
    edited = agentkit.edit(agent, body="New prompt.\n")
    assert edited.render() == SAMPLE.replace("You review code.\n", "New prompt.\n")


def test_duplicate_keys_edit_the_winner_and_removal_removes_all() -> None:
    text = "---\nname: a\ndescription: first\ndescription: second\n---\nB\n"
    agent = agentkit.loads(text)
    assert agent.description == "second"
    edited = agentkit.edit(agent, description="third")
    assert edited.render() == "---\nname: a\ndescription: first\ndescription: third\n---\nB\n"
    assert "description" not in agentkit.edit(agent, description=None).fields


def test_edit_adds_front_matter_to_a_file_without_it() -> None:
    agent = agentkit.loads("Plain prompt.\n")
    edited = agentkit.edit(agent, name="new-agent", description="Use when testing.")
    assert edited.loaded and edited.body == "Plain prompt.\n"


def test_edit_refuses_what_it_cannot_write_faithfully() -> None:
    agent = agentkit.loads("---\n- a\n- b\n---\nBody\n")
    with pytest.raises(agentkit.EditError):
        agentkit.edit(agent, name="x")


def test_save_is_atomic_and_detects_conflicts(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(SAMPLE, encoding="utf-8")
    agent = agentkit.load(path)[0]
    edited = agentkit.edit(agent, model="opus")
    saved = agentkit.save(edited)
    assert path.read_text("utf-8") == edited.render()
    assert [p.name for p in tmp_path.iterdir()] == ["a.md"]  # no temporary file left behind
    # Someone else changes the file; our stale copy must not overwrite it.
    path.write_text(SAMPLE.replace("sonnet", "haiku"), encoding="utf-8")
    with pytest.raises(agentkit.ConflictError, match="changed on disk"):
        agentkit.save(agentkit.edit(saved, color="red"))
    assert "haiku" in path.read_text("utf-8")
    agentkit.save(agentkit.edit(saved, color="red"), force=True)
    assert "color: red" in path.read_text("utf-8")
    path.unlink()
    with pytest.raises(agentkit.ConflictError, match="deleted"):
        agentkit.save(saved)


def test_save_as_refuses_to_overwrite(tmp_path: Path) -> None:
    (tmp_path / "other.md").write_text("something else")
    agent = agentkit.loads(SAMPLE, path=tmp_path / "new.md")
    agentkit.save(agent)
    with pytest.raises(agentkit.ConflictError, match="exists"):
        agentkit.save(agent, tmp_path / "other.md")


def test_binary_and_invalid_utf8_are_never_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "latin1.md"
    path.write_bytes(b"---\nname: caf\xe9\ndescription: d\n---\n")
    agent = agentkit.load(path)[0]
    with pytest.raises(agentkit.EditError, match="UTF-8"):
        agentkit.edit(agent, model="opus")
    assert path.read_bytes() == b"---\nname: caf\xe9\ndescription: d\n---\n"


def test_edits_on_every_corpus_file_touch_only_the_description_line(corpus_agents) -> None:
    for agent in corpus_agents:
        if not agent.loaded:
            continue
        edited = agentkit.edit(agent, description="Reviews things. Use when asked.")
        assert edited.description == "Reviews things. Use when asked.", agent.path
        assert edited.name == agent.name and edited.tools == agent.tools and edited.body == agent.body
        diff = changed_lines(agent.render(), edited.render())
        removed = [line for line in diff if line.startswith("- ")]
        added = [line for line in diff if line.startswith("+ ")]
        assert added == ["+ description: Reviews things. Use when asked." + agent.newline], agent.path
        assert all(
            "description" in line or line[2:3] in " \t" or agent.parse == "fallback" for line in removed[:1]
        )


# -- properties ------------------------------------------------------------------------------------

_keys = st.sampled_from(["name", "description", "model", "color", "x-note", "effort"])
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), min_size=0, max_size=40
)


_any_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
_file_text = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300),
    # Line endings, a byte-order mark and a front matter block, mixed on purpose: random text rarely
    # makes "\r\n" by chance.
    st.tuples(
        st.sampled_from(["", "\ufeff"]),
        st.lists(st.tuples(_any_text, st.sampled_from(["\n", "\r\n", "\r"])), max_size=8),
        st.booleans(),
    ).map(lambda t: t[0] + ("---\nname: x\n---\n" if t[2] else "") + "".join(a + b for a, b in t[1])),
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(_file_text)
def test_any_file_read_and_saved_unedited_is_byte_identical(tmp_path_factory, text: str) -> None:
    # Through the disk both ways: line endings, a byte-order mark, NUL-free odd characters all survive.
    folder = tmp_path_factory.mktemp("roundtrip")
    source, copy = folder / "a.md", folder / "b.md"
    source.write_bytes(text.encode("utf-8"))
    agent = agentkit.load(source)[0]
    if "\x00" in text:  # binary-looking files are never rewritten
        with pytest.raises(agentkit.EditError):
            agentkit.save(agent, copy)
        return
    agentkit.save(agent, copy)
    assert copy.read_bytes() == source.read_bytes()


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(_keys, _text), min_size=1, max_size=4),
    st.sampled_from(["\n", "\r\n"]),
    st.booleans(),
)
def test_edit_then_load_gives_the_values_and_keeps_other_lines(
    changes: list[tuple[str, str]], newline: str, bom: bool
) -> None:
    lines = [
        "---",
        "name: base",
        "# a comment",
        "description: 'Base agent. Use when needed.'",
        "tools: Read, Grep",
        "---",
        "Body line",
        "",
    ]
    text = ("\ufeff" if bom else "") + newline.join(lines)
    agent = agentkit.loads(text)
    wanted = dict(changes)
    try:
        edited = agentkit.edit(agent, wanted)
    except agentkit.EditError:
        # Only one thing may be refused: a description with a literal backslash-n, which Claude
        # Code would turn into a newline whatever we write.
        assert "\\n" in wanted.get("description", "")
        return
    reloaded = agentkit.loads(edited.render())
    for key, value in wanted.items():
        got = reloaded.description if key == "description" else reloaded.fields.get(key)
        assert got == value
    untouched = [line for line in lines if not any(line.startswith(f"{k}:") for k in wanted)]
    for line in untouched:
        assert line in edited.render()


_json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | _text,
    # A `<<` key holding a list or mapping is a merge key to Claude Code, quoted or not: edit refuses it.
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(_text.filter(lambda k: k != "<<"), children, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(["name", "model", "color", "x-note", "hooks", "mcpServers"]), _json_like)
def test_any_json_like_value_reads_back_as_written(key: str, value: object) -> None:
    """`edit(a, {k: v}).fields[k] == v` for every JSON-like value (None removes the key), in both
    YAML 1.2 (Claude Code) and YAML 1.1 (PyYAML) readers; other keys are untouched."""
    agent = agentkit.loads("---\nname: base\ndescription: Base agent.\ntools: Read, Grep\n---\nBody\n")
    edited = agentkit.edit(agent, {key: value})
    if value is None:
        assert key not in edited.fields
        return
    assert edited.fields[key] == value and edited.parse == "strict"
    assert yaml.safe_load(edited.block_text)[key] == value
    others = {k: v for k, v in agent.fields.items() if k != key}
    assert {k: v for k, v in edited.fields.items() if k != key} == others
    assert edited.body == "Body\n"


# -- export ------------------------------------------------------------------------------------------


def test_export_refuses_names_that_escape_the_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "ok.md").write_text("---\nname: good-one\ndescription: d\n---\nB\n")
    (src / "evil.md").write_text("---\nname: ../../escape\ndescription: d\n---\nB\n")
    (src / "abs.md").write_text("---\nname: /etc/passwd\ndescription: d\n---\nB\n")
    out = tmp_path / "out"
    result = run_cli("export", str(src), "--to", str(out))
    assert result.returncode == 1
    assert sorted(p.name for p in out.iterdir()) == ["good-one.md"]
    assert "would write outside" in result.stderr or "not a safe file name" in result.stderr
    assert not (tmp_path / "escape.md").exists()


def test_agents_json_and_sdk_shapes(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "---\nname: a\ndescription: d\\nmore\ntools: Read, Grep\nmodel: haiku\n---\n  Body\n"
    )
    (tmp_path / "b.md").write_text("---\nname: b\ndescription: e\n---\nBody\n")
    agents = agentkit.load(tmp_path)
    shape = agentkit.agents_json(agents)
    assert shape == {
        "a": {"description": "d\nmore", "prompt": "Body", "tools": ["Read", "Grep"], "model": "haiku"},
        "b": {"description": "e", "prompt": "Body"},
    }
    assert agentkit.sdk_definitions(agents)["a"]["tools"] == ["Read", "Grep"]
    out = tmp_path / "agents.json"
    assert run_cli("export", str(tmp_path), "--agents-json", str(out)).returncode == 0
    assert json.loads(out.read_text()) == shape


# -- CLI ----------------------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "agentkit", *args], capture_output=True, text=True, timeout=120
    )


def test_inventory_json_contract(corpora: Path) -> None:
    result = run_cli(
        "inventory", str(corpora / "VoltAgent__awesome-claude-code-subagents"), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 158
    for key in ("path", "loaded", "reason", "parse", "name", "description", "tools", "model", "color"):
        assert all(key in row for row in rows)
    assert sum(row["parse"] == "fallback" for row in rows) == 8


def test_inventory_csv_and_table(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\nname: a\ndescription: d\ntools: Read, Grep\n---\nB\n")
    (tmp_path / "b.md").write_text("\n---\nname: b\ndescription: d\n---\nB\n")
    csv_out = run_cli("inventory", str(tmp_path), "--format", "csv").stdout.splitlines()
    assert csv_out[0] == "path,loaded,reason,parse,name,description,tools,model,color,scope,shadowed_by"
    assert csv_out[1].endswith(',True,,strict,a,d,"Read, Grep",,,,')
    table = run_cli("inventory", str(tmp_path)).stdout
    assert "blank line" in table and "2 files: 1 loaded" in table


def test_cli_edit_dry_run_and_write(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(SAMPLE, encoding="utf-8")
    result = run_cli("edit", str(path), "--set", "model=opus", "--unset", "tools", "--dry-run")
    assert result.returncode == 0
    assert "-model: sonnet\n+model: opus\n" in result.stdout and "-  - Read" in result.stdout
    assert path.read_text("utf-8") == SAMPLE
    assert run_cli("edit", str(path), "--set", "model=opus").returncode == 0
    assert "model: opus" in path.read_text("utf-8")
    bad = run_cli("edit", str(path), "--set", "novalue")
    assert bad.returncode == 2 and "KEY=VALUE" in bad.stderr and "Traceback" not in bad.stderr
    missing = run_cli("inventory", str(tmp_path / "nope"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr


def test_cli_discover_shows_scopes_and_the_winner(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    (home / ".claude" / "agents").mkdir(parents=True)
    (repo / ".claude" / "agents").mkdir(parents=True)
    (repo / ".git").mkdir()
    text = "---\nname: same\ndescription: d\n---\nB\n"
    (home / ".claude" / "agents" / "same.md").write_text(text)
    (repo / ".claude" / "agents" / "same.md").write_text(text)
    args = ["discover", str(repo), "--home", str(home), "--managed", str(tmp_path / "none")]
    rows = json.loads(run_cli(*args, "--format", "json").stdout)
    assert [(r["scope"], r["shadowed_by"]) for r in rows] == [
        ("user", str(repo / ".claude" / "agents" / "same.md")),
        ("project", None),
    ]
    assert "shadowed by " in run_cli(*args).stdout


# -- what save refuses, and what it catches ------------------------------------------------------------

GOOD = "---\nname: helper\ndescription: Helps. Use when stuck.\ntools: Read\n---\nBody.\n"


@pytest.mark.parametrize(
    "change",
    [{"description": None}, {"description": True}, {"description": "Use when " + "x" * 1_100_000}],
    ids=["removed", "a boolean", "over 1 MiB"],
)
def test_save_refuses_an_agent_claude_code_would_drop_unless_forced(tmp_path: Path, change: dict) -> None:
    """The library holds the command line's rule: an edit after which Claude Code would drop an agent it
    loads is not written (EditError, the file untouched), unless forced."""
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    edited = agentkit.edit(agentkit.load(path)[0], change)
    assert not edited.loaded  # the edit itself is allowed: its record says why Claude Code drops it
    with pytest.raises(agentkit.EditError, match="not written: Claude Code would drop it after this edit"):
        agentkit.save(edited)
    assert path.read_text() == GOOD
    assert not agentkit.save(edited, force=True).loaded
    assert path.read_text() == edited.text


def test_save_writes_a_file_claude_code_drops_already_but_gives_no_file_front_matter_it_drops(
    tmp_path: Path,
) -> None:
    path = tmp_path / "a.md"
    path.write_text(GOOD.replace("description", "Description"))
    dropped = agentkit.load(path)[0]
    assert not dropped.loaded  # nothing Claude Code loads is lost by saving it still dropped
    assert agentkit.save(agentkit.edit(dropped, model="opus")).model == "opus"
    notes = tmp_path / "notes.md"
    notes.write_text("Just notes.\n")
    with pytest.raises(agentkit.EditError, match="it has no front matter"):
        agentkit.save(agentkit.edit(agentkit.load(notes)[0], model="opus"))
    assert notes.read_text() == "Just notes.\n"
    assert agentkit.save(agentkit.edit(agentkit.load(notes)[0], name="n", description="Use when x.")).loaded


def test_the_command_line_refuses_the_same_edits(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    for args in (["--unset", "description"], ["--set", "description=true"]):
        result = run_cli("edit", str(path), *args)
        assert result.returncode == 1 and "not written: Claude Code would drop it" in result.stderr, args
        assert path.read_text() == GOOD


@pytest.mark.parametrize(
    ("value", "line", "tools"),
    [
        ("[]", "tools: []\n", []),
        ("[Read, Grep]", "tools: Read, Grep\n", ["Read", "Grep"]),  # a list, written in the file's style
        ("Read,Grep", "tools: Read,Grep\n", ["Read", "Grep"]),
        ("null", None, None),  # removed, as the library removes a key set to None
    ],
)
def test_set_reads_values_as_the_library_takes_them(tmp_path: Path, value: str, line, tools) -> None:
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    result = run_cli("edit", str(path), "--set", f"tools={value}")
    assert result.returncode == 0, result.stderr
    agent = agentkit.load(path)[0]
    assert agent.loaded and agent.tools == tools
    if line is None:
        assert "tools" not in path.read_text() and "removes 'tools', as --unset tools does" in result.stderr
    else:
        assert line in path.read_text()
    assert "AK401" not in result.stderr and "AK405" not in result.stderr


def test_set_types_what_is_plainly_yaml_and_keeps_the_rest_as_text(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    args = ["--set", "maxTurns=5", "--set", "background=true", "--set", "effort=yes"]
    args += [
        "--set",
        "initialPrompt=Use when: the user asks #now",
        "--set",
        'x="123"',
        "--set",
        "y=2024-01-01",
    ]
    assert run_cli("edit", str(path), *args).returncode == 0
    fields = agentkit.load(path)[0].fields
    assert fields["maxTurns"] == 5 and fields["background"] is True and fields["effort"] == "yes"
    assert fields["initialPrompt"] == "Use when: the user asks #now" and fields["x"] == "123"
    assert fields["y"] == "2024-01-01"
    before = path.read_text()
    bad = run_cli("edit", str(path), "--set", "tools=[Read")
    assert bad.returncode == 2 and "quote all of it" in bad.stderr and path.read_text() == before


def test_null_writes_a_key_with_a_null_value_and_none_removes_it() -> None:
    agent = agentkit.loads(GOOD)
    edited = agentkit.edit(agent, tools=agentkit.NULL, color=agentkit.NULL)
    assert "tools: null\n" in edited.text and "color: null\n" in edited.text
    assert edited.fields["tools"] is None and edited.tools == []  # null tools: Claude Code gives none
    assert edited.loaded and edited.color is None and "color" in edited.fields
    removed = agentkit.edit(edited, tools=None, color=None)
    assert "tools" not in removed.fields and removed.tools is None  # absent: every tool
    assert agentkit.edit(agentkit.loads("Body.\n"), name="n", description="d", x=agentkit.NULL).text == (
        "---\nname: n\ndescription: d\nx: null\n---\nBody.\n"
    )
    with pytest.raises(agentkit.EditError, match="inside a list or mapping, None is null"):
        agentkit.edit(agent, x=[agentkit.NULL])
    assert agentkit.edit(agent, x=[None]).fields["x"] == [None]
    assert repr(agentkit.NULL) == "agentkit.NULL" and agentkit.yaml_line("k", agentkit.NULL) == "k: null"


def _swap_in_a_link(path: Path, outside: Path) -> None:
    """Another program moves the file out of the folder and puts a link to it in its place: the bytes
    the path leads to are the same, the file is another one, outside the folder."""
    outside.parent.mkdir(exist_ok=True)
    os.replace(path, outside)
    path.symlink_to(outside)


def test_a_link_put_in_the_files_place_after_loading_is_not_written_through(tmp_path: Path) -> None:
    folder, outside = tmp_path / "agents", tmp_path / "elsewhere" / "a.md"
    folder.mkdir()
    path = folder / "a.md"
    path.write_text(GOOD)
    edited = agentkit.edit(agentkit.load(folder)[0], model="opus")
    _swap_in_a_link(path, outside)
    with pytest.raises(agentkit.ConflictError, match=f"now leads to {outside}, not to {path}"):
        agentkit.save(edited)
    assert outside.read_text() == GOOD and path.is_symlink()
    # A folder swapped for a link is the same: the path leads elsewhere.
    other = tmp_path / "moved"
    edited = agentkit.edit(agentkit.load(outside)[0], model="opus")  # loaded where it is now
    os.replace(outside.parent, other)
    outside.parent.symlink_to(other)
    with pytest.raises(agentkit.ConflictError, match="now leads to"):
        agentkit.save(edited)
    assert (other / "a.md").read_text() == GOOD
    # Forced, it is written through, as asked.
    assert agentkit.save(edited, force=True).model == "opus" and "model: opus" in (other / "a.md").read_text()


def test_a_link_that_was_there_when_loaded_is_written_through_and_said_so(tmp_path: Path) -> None:
    folder, outside = tmp_path / "agents", tmp_path / "elsewhere" / "real.md"
    folder.mkdir()
    outside.parent.mkdir()
    outside.write_text(GOOD.replace("tools: Read\n", "tools: Read, MultiEdit\n"))
    (folder / "a.md").symlink_to(outside)
    saved = agentkit.save(agentkit.edit(agentkit.load(folder)[0], model="opus"))
    assert saved.disk_path == str(outside) and "model: opus" in outside.read_text()
    assert (folder / "a.md").is_symlink()
    # The command line names the file it really wrote.
    edit = run_cli("edit", str(folder / "a.md"), "--set", "color=red")
    assert (
        edit.returncode == 0
        and f"wrote {outside} (through the symbolic link {folder / 'a.md'})" in edit.stdout
    )
    fixed = run_cli("lint", str(folder), "--fix", "--unsafe-fixes")
    assert f"fixed AK402 (wrote {outside})" in fixed.stderr and "MultiEdit" not in outside.read_text()


def _just_before_the_swap(monkeypatch: pytest.MonkeyPatch, action) -> None:
    """Run `action` at the last moment before the new text takes the file's place, whichever way the
    system puts it there (renameat2 on Linux, else rename)."""
    real_replace = os.replace

    def replace(*args, **kwargs):
        action()
        return real_replace(*args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    try:
        from agentkit._edit import atomic
    except ImportError:  # an agentkit that has only rename
        return
    real = atomic._renameat2()
    if real is not None:

        def renameat2(*args):
            action()
            return real(*args)

        monkeypatch.setattr(atomic, "_renameat2", lambda: renameat2)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the exchange is Linux's (renameat2)")
def test_a_write_landing_just_before_the_new_text_takes_the_files_place_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    edited = agentkit.edit(agentkit.load(path)[0], model="opus")
    theirs = "A line another program appends.\n"

    def append_once() -> None:
        if theirs not in path.read_text() and not done:
            done.append(True)
            with open(path, "a") as handle:
                handle.write(theirs)

    done: list[bool] = []

    _just_before_the_swap(monkeypatch, append_once)
    with pytest.raises(agentkit.ConflictError, match="changed on disk while it was being saved"):
        agentkit.save(edited)
    monkeypatch.undo()
    assert path.read_text() == GOOD + theirs
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the exchange and leases are Linux's")
def test_a_program_holding_the_file_open_for_writing_keeps_its_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A program that opened the file before the save and writes after it would write into the old file,
    about to be deleted: the save sees the open handle (a read lease is refused) and gives way."""
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    edited = agentkit.edit(agentkit.load(path)[0], model="opus")
    handles = []

    def open_for_appending() -> None:
        if not handles:
            handles.append(open(path, "a"))  # noqa: SIM115 - written after the save, below

    _just_before_the_swap(monkeypatch, open_for_appending)
    with pytest.raises(agentkit.ConflictError, match="another program has it open for writing"):
        agentkit.save(edited)
    monkeypatch.undo()
    handles[0].write("Written later.\n")
    handles[0].close()
    assert path.read_text() == GOOD + "Written later.\n"
    saved = agentkit.save(agentkit.edit(agentkit.load(path)[0], model="opus"))  # closed now: saved
    assert saved.model == "opus" and path.read_text().endswith("Written later.\n")


def test_deep_values_are_kept_by_edits_and_never_written_back_from_the_placeholder() -> None:
    from agentkit._reader.yaml12 import DEEPER_TEXT, MAX_NESTING

    deep = "[" * MAX_NESTING + "x" + "]" * MAX_NESTING
    text = f"---\nname: a\ndescription: Use when x.\nx: {deep}\n---\nBody.\n"
    agent = agentkit.loads(text, "a.md")
    assert agent.loaded and DEEPER_TEXT in json.dumps(agent.fields["x"])
    assert agentkit.edit(agent, model="opus").text == text.replace("---\nBody", "model: opus\n---\nBody")
    with pytest.raises(agentkit.EditError, match="stands for levels agentkit did not keep"):
        agentkit.edit(agent, x=agent.fields["x"])
    assert [f.rule for f in agentkit.findings(agent) if f.rule.startswith("AK30")] == ["AK304"]
    too_deep = agentkit.loads(text.replace(deep, "{a: " * 2100 + "x" + "}" * 2100), "b.md")
    assert "AK305" in {f.rule for f in agentkit.findings(too_deep)}


def test_saves_work_where_the_file_system_cannot_exchange_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """NFS and some FUSE file systems refuse renameat2's flags (EINVAL): saving falls back to the file's
    identity checked just before a plain rename, and still refuses a file changed since it was loaded."""
    import ctypes
    import errno

    from agentkit._edit import atomic

    def refuses(*_args: object) -> int:
        ctypes.set_errno(errno.EINVAL)
        return -1

    monkeypatch.setattr(atomic, "_renameat2", lambda: refuses)
    path = tmp_path / "a.md"
    path.write_text(GOOD)
    saved = agentkit.save(agentkit.edit(agentkit.load(path)[0], model="opus"))
    assert "model: opus" in path.read_text()
    assert agentkit.save(saved, tmp_path / "new.md").path.read_text() == path.read_text()
    path.write_text(GOOD)
    with pytest.raises(agentkit.ConflictError, match="changed on disk since it was loaded"):
        agentkit.save(agentkit.edit(saved, color="red"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.md", "new.md"]
