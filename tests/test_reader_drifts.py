"""Where agentkit's reader had drifted from Claude Code 2.1.332, as the binary shows (issue 9).

Each test pins one behaviour the real binary was seen to have (tests/test_differential.py runs the binary on
thousands of such files); these run offline, on agentkit alone.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import agentkit
from agentkit._reader.frontmatter import JS_SPACE_CHARS, split_scanning, split_tools


def fm(block: str, body: str = "Body.\n") -> str:
    return f"---\n{block}---\n{body}"


def agent(extra: str = "", name: str = "a", description: str = "d") -> agentkit.Agent:
    return agentkit.loads(fm(f"name: {name}\ndescription: {description}\n{extra}"))


# -- names ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("colon", ["\uff1a", "\ufe55", "\ufe13", "\u2a74"])
def test_a_colon_after_nfkc_normalisation_drops_the_agent(colon):
    dropped = agent(name=f"foo{colon}bar")
    assert not dropped.loaded and "':'" in dropped.reason and "NFKC" in dropped.reason


@pytest.mark.parametrize("lookalike", ["\u02d0", "\u0589", "\ua789", "\u2236"])
def test_colon_lookalikes_that_nfkc_keeps_load(lookalike):
    assert agent(name=f"foo{lookalike}bar").loaded


def test_a_names_length_counts_utf16_code_units():
    assert agent(name="\U0001f600" * 128).loaded  # 256 code units
    too_long = agent(name="\U0001f600" * 129)  # 129 characters, 258 code units
    assert not too_long.loaded and "258" in too_long.reason


# -- tools --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "tools"),
    [
        ("tools: 'Read\tGrep'", ["Read\tGrep"]),  # only commas and spaces separate
        ('tools: "\\tRead, Grep"', ["Read", "Grep"]),  # leading white space is skipped
        ('tools: "Read,\\u0085Grep"', ["Read", "\x85Grep"]),  # NEL is not white space to JavaScript
        (
            "tools: Bash(a(b), c), Read",
            ["Bash(a(b)", "c)", "Read"],
        ),  # parentheses do not nest (per its splitter)
        ("tools: Read)x, Grep", ["Read)x", "Grep"]),
        ("tools: [1, true, null, Read]", ["Read"]),  # only strings count
        ("tools: [[Read], Grep]", ["Grep"]),
        ("tools: ['Read, Grep', Bash]", ["Read", "Grep", "Bash"]),  # list entries are split too
        ("tools: 123", []),
        ("tools: true", []),
        ("tools: {a: 1}", []),
        ("tools: 0", []),
        ("tools: Read, *", ["*"]),
        ("tools: [Read, '*']", ["*"]),
    ],
)
def test_tools_are_read_as_claude_code_reads_them(line, tools):
    assert agent(line + "\n").tools == tools


@given(st.text(alphabet=st.sampled_from(["R", "e", "a", ",", " ", "*", "\t", "\x85", *JS_SPACE_CHARS[:6]])))
def test_the_fast_split_gives_the_scanning_splits_entries(text):
    """Text without parentheses takes a C-speed split; it must give what the character scan gives."""
    scanned = split_scanning(text)
    assert split_tools(text) == (["*"] if "*" in scanned else scanned)


@pytest.mark.parametrize(
    ("lines", "granted", "listed"),
    [
        ("", None, "All tools"),
        ("tools: Read, Grep\n", ["Read", "Grep"], "Read, Grep"),
        ("tools: []\n", [], "All tools"),  # zero tools, though the listing says "All tools"
        ("tools: '*'\n", None, "All tools"),
        ("memory: project\ntools: Grep\n", ["Grep", "Write", "Edit", "Read"], "Grep, Write, Edit, Read"),
        ("memory: user\ntools: Read, Grep\n", ["Read", "Grep", "Write", "Edit"], "Read, Grep, Write, Edit"),
        ("memory: local\ntools: []\n", ["Write", "Edit", "Read"], "Write, Edit, Read"),
        ("memory: project\n", None, "All tools"),
        ("memory: PROJECT\ntools: Grep\n", ["Grep"], "Grep"),  # not a memory scope: nothing added
        ("memory: project\ntools: '*'\n", None, "All tools"),
        ("disallowedTools: Bash\n", None, "All tools except Bash"),
        ("tools: Read, Grep\ndisallowedTools: Grep\n", ["Read"], "Read"),
        ("tools: Grep\ndisallowedTools: Grep\n", [], "None"),
        ("memory: project\ntools: Read\ndisallowedTools: Write\n", ["Read", "Edit"], "Read, Edit"),
        ("disallowedTools: '*'\n", None, "All tools"),
    ],
)
def test_memory_adds_read_write_and_edit_and_the_listing_shows_it(lines, granted, listed):
    read = agent(lines)
    assert read.granted_tools == granted
    assert read.listed_tools == listed


# -- hooks ----------------------------------------------------------------------------------------------------

HOOK = "[{hooks: [{type: command, command: x}]}]"


@pytest.mark.parametrize("event", ["PreToolUse", "PermissionRequest", "PreSkillShellCommand"])
def test_a_non_empty_top_level_guarded_event_drops_the_agent(event):
    for value in (HOOK, "5", "text", "{}"):
        dropped = agent(f"{event}: {value}\n")
        assert not dropped.loaded and event in dropped.reason, value
    for value in ("[]", "", "null"):
        assert agent(f"{event}: {value}\n").loaded, value


def test_guarded_hooks_hidden_in_another_key_drop_the_agent():
    assert not agent(f"other: {{PreToolUse: {HOOK}}}\n").loaded
    assert not agent("other: {matcher: x, hooks: [{type: command, command: y}]}\n").loaded
    assert agent(
        f"metadata: {{PreToolUse: {HOOK}}}\n"
    ).loaded  # metadata, mcpServers, lspServers are not scanned
    assert not agent(f"other: {{a: {{b: {{c: {{PreToolUse: {HOOK}}}}}}}}}\n").loaded  # four levels down
    assert agent(f"other: {{a: {{b: {{c: {{d: {{PreToolUse: {HOOK}}}}}}}}}}}\n").loaded  # five: not looked at
    assert agent(f"PostToolUse: {HOOK}\n").loaded  # not a guarded event: an ignored key


@pytest.mark.parametrize(
    ("hooks", "loads"),
    [
        ("''", True),  # no hooks
        ("null", True),
        ("0", True),
        ("5", False),
        ("text", False),
        ("[]", False),
        ("{}", True),
        ("{Stop: null}", True),  # an event without a list is ignored...
        ("{Stop: 5}", True),
        ("{PreToolUse: null}", True),
        ("{PreToolUse: 5}", False),  # ...unless it is a guarded one
        ("{Stop: [5]}", True),  # a bad matcher of an ordinary event is left out
        ("{Stop: [{hooks: [5]}]}", True),
        ("{Stop: [{hooks: [{type: nope}]}]}", True),
        ("{PreToolUse: [5]}", False),  # but drops the agent under a guarded event
        ("{PreToolUse: [{hooks: [{type: command}]}]}", False),
        ("{PreToolUse: [{matcher: 5, hooks: [{type: command, command: x}]}]}", False),
        ("{Stop: [{matcher: 5, hooks: [{type: command, command: x}]}]}", True),
        ("{NotAnEvent: 5}", True),
        (f"{{NotAnEvent: {{PreToolUse: {HOOK}}}}}", False),
        ("[{matcher: x, hooks: [{type: command, command: y}]}]", False),
        ("{Stop: [{hooks: [{type: mcp_tool, server: s, tool: t}]}]}", True),
        ("{PreToolUse: [{hooks: [{type: mcp_tool, server: s, tool: t}]}]}", True),
        ("{PreToolUse: [{hooks: [{type: http, url: 'not a url'}]}]}", False),
        ("{PreToolUse: [{hooks: [{type: command, command: x, timeout: -1}]}]}", False),
        ("{PreToolUse: [{hooks: [{type: command, command: x, shell: fish}]}]}", False),
        ("{PreToolUse: [{hooks: [{type: command, command: x, extra: 1}]}]}", True),
    ],
)
def test_hooks_are_checked_as_claude_code_checks_them(hooks, loads):
    read = agent(f"hooks: {hooks}\n")
    assert read.loaded is loads, read.reason


# -- parsing ----------------------------------------------------------------------------------------------------


def test_an_alias_bomb_is_a_failed_strict_parse_then_the_fallback():
    lines = ["kaa: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"k{chr(97 + i)}a: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    read = agent("\n".join(lines) + "\n")
    assert read.loaded and read.parse == "fallback"
    assert read.fields["kba"].startswith("&a1")  # the rewrite quoted the aliases into text
    nested = agent("x:\n" + "\n".join("  " + line for line in lines) + "\n")
    assert not nested.loaded and nested.parse == "failed"  # the rewrite cannot reach indented lines


def test_deep_nesting_is_a_failed_strict_parse_then_the_fallback():
    read = agent("xx: " + "[" * 5000 + "]" * 5000 + "\n")
    assert read.loaded and read.parse == "fallback"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("!custom tag", "tag"),  # tags are ignored...
        ("!Use for this", "for this"),
        ("!!binary aGVsbG8=", "aGVsbG8="),
        ("!!int '12'", "12"),  # ...a quoted scalar stays text
        ("!!str 017", "017"),
        ("!x 5", "5"),
    ],
)
def test_tags_are_read_as_buns_yaml_reads_them(value, expected):
    read = agent(description=value)
    assert read.loaded and read.description == expected


def test_merge_keys_and_complex_keys():
    merged = agentkit.loads(fm("base: &b\n  description: From the base.\nname: a\n<<: *b\n"))
    assert merged.loaded and merged.description == "From the base."
    assert agent("[a, b]: flow key\n").fields["a,b"] == "flow key"
    assert agent("{a: 1}: x\n").fields["[object Object]"] == "x"


@pytest.mark.parametrize("char", ["\x07", "\x1b", "\x01", "\x7f", "\x9b"])
def test_control_characters_are_text(char):
    read = agent(description=f"a{char}b")
    assert read.loaded and read.description == f"a{char}b"


def test_a_plain_scalar_may_start_with_a_comma():
    read = agent(description=",Use for this")
    assert read.loaded and read.description == ",Use for this"
    assert agent("tools: ,Read\n").tools == ["Read"]


# -- which file wins a name ------------------------------------------------------------------------------------


def _write(folder: Path, files: dict[str, str]) -> None:
    for rel, description in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(fm(f"name: same\ndescription: {description}\n"), "utf-8")


@pytest.mark.parametrize(
    ("files", "winner"),
    [
        (["a.md", "b.md"], "b.md"),
        (["z.md", "a/x.md"], "z.md"),  # 'a/x.md' < 'z.md' as paths, whatever the walk order
        (["deep/er/one.md", "deep/two.md"], "deep/two.md"),
        (["x\U0001f600.md", "x\uff5e.md"], "x\uff5e.md"),  # UTF-16 order: a surrogate sorts before U+FF5E
    ],
)
def test_the_file_whose_path_sorts_last_wins_a_name(tmp_path, files, winner):
    _write(tmp_path, {rel: rel for rel in files})
    agents = agentkit.load(tmp_path)
    assert agents["same"].description == winner
    for read in agents:
        expected = None if read.description == winner else tmp_path / winner
        assert read.shadowed_by == expected, read.path


def test_discover_picks_the_last_path_inside_the_winning_folder(tmp_path):
    home, repo = tmp_path / "home", tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _write(home / ".claude" / "agents", {"z.md": "user"})
    _write(repo / ".claude" / "agents", {"z.md": "project z", "a/x.md": "project a/x"})
    agents = agentkit.discover(repo, home=home, managed=tmp_path / "none", plugins=[])
    assert agents["same"].description == "project z"
    shadowed = {read.description: read.shadowed_by for read in agents}
    winner = repo / ".claude" / "agents" / "z.md"
    assert shadowed == {"user": winner, "project a/x": winner, "project z": None}


# -- anchors, empty keys, block scalars cut by the closing dashes (reported against 2.1.332) -----------------


def test_anchor_names_beyond_letters_and_digits_resolve():
    assert agentkit.loads(fm("name: t8\ndescription: &a.b x\n")).description == "x"
    assert agentkit.loads(fm("name: t9\nk: &é v\ndescription: *é\n")).description == "v"
    dropped = agentkit.loads(fm("name: t10\ndescription: &\\\n"))  # an anchor named `\` on nothing
    assert not dropped.loaded and "description" in dropped.reason


def test_a_line_with_an_empty_key_keeps_the_agent():
    loaded = agentkit.loads(fm("name: c4\ndescription: Use when x\n: v\n"))
    assert loaded.loaded and loaded.description == "Use when x"
    assert loaded.fields["null"] == "v" and loaded.parse == "strict"  # the key null, as a property name


@pytest.mark.parametrize(("header", "description"), [("|", "Use when x\n"), (">", "Use when x\n"),
                                                     ("|+", "Use when x\n"), ("|-", "Use when x")])  # fmt: skip
def test_a_block_scalar_cut_by_the_closing_dashes_keeps_its_line_break(header, description):
    loaded = agentkit.loads(f"---\nname: b1\ndescription: {header}\n Use when x---\n")
    assert loaded.description == description
