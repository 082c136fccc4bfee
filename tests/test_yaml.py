"""The YAML layer: YAML 1.2 core schema on libyaml, and a fast path that must agree with it."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit._reader.yaml12 import (
    YAMLError,
    load_simple_mapping,
    load_yaml12,
    load_yaml12_full,
    node_spans,
    simple_spans,
)

_value = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
    st.sampled_from(
        [
            "yes",
            "no",
            "on",
            "~",
            "null",
            "Null",
            "true",
            "False",
            "017",
            "0o17",
            "0x1F",
            "1e3",
            ".5",
            "-.inf",
            ".NaN",
            "2024-01-01",
            "a: b",
            "C# x #y",
            "'q'",
            "'it''s'",
            '"d\\"q"',
            '"esc\\x41"',
            '"\\u00e9"',
            "- x",
            "[a, b]",
            "{a: 1}",
            "*ref",
            "&anc x",
            "!tag x",
            "|",
            ">-",
            "%p",
            "@a",
            "`b`",
            "x:",
            "a:b",
            "\u00a0lead",
            "tail\u00a0",
            "tab\there",
            "  spaced  ",
            "#comment",
            "k: v # c",
            "...",
            "?q",
            ":c",
        ]
    ),
)
_line = st.one_of(
    st.tuples(
        st.sampled_from(["name", "description", "tools", "model", "x_y", "a-b", "true", "K"]), _value
    ).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.tuples(st.sampled_from(["name", "tools"]), _value).map(lambda kv: f"{kv[0]}:{kv[1]}"),
    st.sampled_from(["", "# comment", "  # indented comment", "   ", "  - item", "\tx: y", "key:"]),
)


# Lines the fast path is built to answer (plain words, quoted strings, empty values, comments), with a
# tricky line now and then, so the agreement property is exercised on most examples, not only on the
# few a random mix happens to make simple.
_plain = st.text(alphabet="abcXYZ019 ,./()+=;?'*-", min_size=1, max_size=20).filter(
    lambda v: v[0].isalpha() and v == v.strip()
)
_quotable = st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp"))
_single = st.text(alphabet=_quotable, max_size=15).map(lambda v: "'" + v.replace("'", "''") + "'")
_double = st.text(alphabet=_quotable, max_size=15).map(lambda v: json.dumps(v, ensure_ascii=False))
_simple_line = st.one_of(
    st.tuples(
        st.sampled_from(["name", "description", "tools", "model", "x_y", "a-b", "K"]),
        _plain | _single | _double,
    ).map(lambda kv: f"{kv[0]}: {kv[1]}"),
    st.sampled_from(["", "# comment", "key:", "color: blue", "description: Use it when asked."]),
)
_mostly_simple_line = st.integers(0, 29).flatmap(lambda i: _line if i == 0 else _simple_line)

_fast_path_answers: list[bool] = []


@settings(max_examples=1200, deadline=None)
@given(_simple_line, st.lists(_mostly_simple_line, max_size=5))
def _fast_path_agrees_with_libyaml(first: str, lines: list[str]) -> None:
    text = "\n".join(["name: n", first, *lines]) + "\n"
    fast = load_simple_mapping(text)
    _fast_path_answers.append(fast is not None)
    if fast is None:
        return
    try:
        full = load_yaml12_full(text)
    except YAMLError:
        pytest.fail(f"fast path accepted what YAML rejects: {text!r} -> {fast!r}")
    assert fast == full, text


def test_fast_path_agrees_with_libyaml_wherever_it_answers() -> None:
    _fast_path_answers.clear()
    _fast_path_agrees_with_libyaml()
    answered = sum(_fast_path_answers) / len(_fast_path_answers)
    assert len(_fast_path_answers) >= 1000 and answered >= 0.9, (len(_fast_path_answers), answered)


@settings(max_examples=1000, deadline=None)
@given(st.lists(_line, min_size=1, max_size=6))
def test_fast_path_never_answers_differently_on_tricky_lines(lines: list[str]) -> None:
    text = "\n".join(lines) + "\n"
    fast = load_simple_mapping(text)
    if fast is not None:
        assert fast == load_yaml12_full(text), text


@settings(max_examples=2000, deadline=None)
@given(st.lists(_line, min_size=1, max_size=6), st.booleans())
def test_fast_spans_agree_with_composed_spans(lines: list[str], final_newline: bool) -> None:
    """Where the fast path reads a block, its key lines are what composing the YAML gives (lint's and
    the editor's line numbers)."""
    text = "\n".join(lines) + ("\n" if final_newline else "")
    fast = simple_spans(text)
    if fast is None:
        return
    assert fast == node_spans(text), text


def test_fast_path_answers_for_ordinary_front_matter() -> None:
    text = "name: a\ndescription: 'Use it. It''s good'\ntools: Read, Grep\nmodel: sonnet\ncolor: \"blue\"\n"
    assert load_simple_mapping(text) == {
        "name": "a",
        "description": "Use it. It's good",
        "tools": "Read, Grep",
        "model": "sonnet",
        "color": "blue",
    }


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: yes", "yes"),
        ("a: 2024-01-01", "2024-01-01"),
        ("a: 017", 17),
        ("a: 0o17", 15),
        ("a: 0x1F", 31),
        ("a: 1e3", 1000.0),
        ("a: ~", None),
        ("a: TRUE", True),
        ("a: .inf", float("inf")),
        ("a: !!str 1", "1"),
    ],
)
def test_yaml_12_core_schema(text: str, value: object) -> None:
    assert load_yaml12(text)["a"] == value
    assert load_yaml12_full(text)["a"] == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # Each answer is what the YAML 1.2 reference parser (npm `yaml` 2.x) gives; libyaml alone refuses the
        # tab cases, since YAML 1.1 does not allow tabs there.
        ("tools:\n-\tRead\n-\tWrite", {"tools": ["Read", "Write"]}),
        ("a: b\n\t\nc: d", {"a": "b", "c": "d"}),
        ("a: b\n\t", {"a": "b"}),
        ("a:\n  - x\n\t\n  - y", {"a": ["x", "y"]}),
        ("a: b\n  \t\nc: d", {"a": "b", "c": "d"}),
        ("description: one\n\t\n  two", None),  # a white-space line ends a plain scalar: an error
        ("name:\n\t\nmodel: x", None),  # after `key:` a tab in column 0 is indentation: an error
        ("name:\n  \t\nmodel: x", {"name": None, "model": "x"}),
        ("name:\n\t\n", {"name": None}),
        ("a: |\n  x\n\t\n  y", None),  # inside a block scalar, a tab-only line is an error
    ],
)
def test_tabs_where_yaml_12_allows_them(text: str, value: object) -> None:
    if value is None:
        with pytest.raises(YAMLError):
            load_yaml12(text)
    else:
        assert load_yaml12(text) == value


def test_a_tab_only_blank_line_keeps_front_matter_strict() -> None:
    import agentkit

    agent = agentkit.loads("---\nname: a\ndescription: b\n\t\ntools:\n-\tRead\n---\nBody\n")
    assert agent.parse == "strict" and agent.tools == ["Read"]
    assert (
        agentkit.edit(agent, model="opus").render().count("\t") == 2
    )  # the editor finds the keys' lines too


# -- Claude Code's parser (Bun's) where libyaml reads otherwise, as the binary shows (tests/oracle_cases.py:
# anchors, emptykeys, blockend) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("d: &a.b x\n", {"d": "x"}),  # a name runs up to white space or one of ,[]{}
        ("k: &é v\nd: *é\n", {"k": "v", "d": "v"}),
        ("k: &a:b v\nd: *a:b\n", {"k": "v", "d": "v"}),  # not the anchor `a` before ':b v'
        ("k: &a: v\nd: *a:\n", {"k": "v", "d": "v"}),
        ('k: &a"b\\ v\nd: *a"b\\\n', {"k": "v", "d": "v"}),
        ("k: &a!?#b v\nd: *a!?#b # c\n", {"k": "v", "d": "v"}),
        ("k: &a\u00a0b v\nd: *a\u00a0b\n", {"k": "v", "d": "v"}),  # no-break space is no white space here
        ("d: [&a.b x, *a.b]\n", {"d": ["x", "x"]}),
        ("d: {&k.1 a: x}\n", {"d": {"a": "x"}}),
        ("&k.1 d: v\n", {"d": "v"}),
        ("d: &\\\n", {"d": None}),  # the anchor `\` on an empty value
        ("d: &a.b\n  x\n", {"d": "x"}),
        ("d: !!str &a.b x\n", {"d": "x"}),
        ("k: &a v\nk2: &a w\nd: *a\n", {"k": "v", "k2": "w", "d": "w"}),  # defined again: the newest
        ("k: &a v\nk2: &a [*a, x]\n", {"k": "v", "k2": ["v", "x"]}),  # an alias inside: the old value
        ("d: |\n  **bold** *a.b x\n", {"d": "**bold** *a.b x\n"}),  # not names: block scalar text
    ],
)
def test_anchor_names_as_claude_code_reads_them(text: str, value: object) -> None:
    assert load_yaml12(text) == value


@pytest.mark.parametrize("text", ["d: *a.b\n", "k: &a v\n*a: w\n", "d: {*a.b: x}\n", "d: & x\n"])
def test_undefined_aliases_and_empty_names_are_errors(text: str) -> None:
    with pytest.raises(YAMLError):
        load_yaml12(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("d: x\n: v\n", {"d": "x", None: "v"}),
        ("d: x\n:\n", {"d": "x", None: None}),
        (": v\nd: x\n", {None: "v", "d": "x"}),
        ("d: x\n:\tv\n", {"d": "x", None: "v"}),
        ("d: x\n: a\n: b\n", {"d": "x", None: "b"}),
        ("d: x\n:\n  - a\n", {"d": "x", None: ["a"]}),
        ("d: x\nk:\n  a: 1\n  : v\n", {"d": "x", "k": {"a": 1, None: "v"}}),
        ("d: x\nk:\n  - : v\n", {"d": "x", "k": [{None: "v"}]}),
        ("d: |\n  : not a key\n: v\n", {"d": ": not a key\n", None: "v"}),
    ],
)
def test_an_empty_key_is_null(text: str, value: object) -> None:
    assert load_yaml12(text) == value


@pytest.mark.parametrize("text", ["d: x\n: : v\n", "d: x\n  : v\n", "d: x\n- : v\n", "d: x\n:v\n"])
def test_empty_keys_where_yaml_12_has_none(text: str) -> None:
    with pytest.raises(YAMLError):
        load_yaml12(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("d: |\n Use when x", "Use when x\n"),  # the end of the text ends the line
        ("d: |-\n Use when x", "Use when x"),
        ("d: |+\n Use when x", "Use when x\n"),
        ("d: >\n a\n b", "a b\n"),
        ("d: >+\n a\n b", "a b\n"),
        ("d: |\n a\n  ", "a\n \n"),  # white space past the indentation is content
        ("d: |+\n a\n ", "a\n"),  # a white-space line after content adds nothing
        ("d: |+\n ", "\n"),  # with no content, kept
        ("d: |+\n\n ", "\n\n"),
        ("d: |2+\n  ", "\n"),
        ("d: |2+\n ", ""),  # short of the indentation
        ("d: |\n ", ""),
        ("d: |", ""),  # a header alone
        ("d: &x !!str |\n a", "a\n"),
        ("d: |\n a\r", "a\n"),
    ],
)
def test_a_block_scalar_cut_at_the_end_of_the_text(text: str, value: str) -> None:
    assert load_yaml12(text) == {"d": value}
