"""Differential test: the block regex and the line rewrite, against the same steps run by JavaScript.

Claude Code's regular expressions are JavaScript's, whose `\\s`, `\\S` and `.` differ from Python's.
agentkit spells those classes out by hand; here node runs the spec's expressions verbatim on the same
random texts and the two must agree. Skipped where node is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from conftest import require
from hypothesis import given, settings
from hypothesis import strategies as st

from agentkit._reader.frontmatter import _keeps_value, fallback_rewrite, find_block

NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _node() -> None:
    if NODE is None:
        require("node", "node is not installed")


# The steps from the spec, as Claude Code writes them. The `[...]` list check needs a YAML parser, so
# values starting with '[' are left out of the comparison (tests/test_load.py covers that case).
JS = r"""
const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const block = /^---\s*\n([\s\S]*?)---\s*\n?/;
function rewrite(yaml) {
  return yaml.split('\n').map(line => {
    const m = line.match(/^([a-zA-Z_-]+):\s+(\S.*)$/);
    if (m) {
      const [, key, value] = m;
      const quoted = (value.startsWith('"') && value.endsWith('"')) ||
                     (value.startsWith("'") && value.endsWith("'"));
      if (!quoted && /[{}[\]*&#!|>%@`]|: /.test(value)) {
        line = `${key}: "${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
      }
    }
    return line.replace(/^\t+/, tabs => '  '.repeat(tabs.length));
  }).join('\n');
}
const out = texts.map(text => {
  const m = text.match(block);
  if (!m) return null;
  return {block: m[1], bodyStart: m[0].length, rewritten: rewrite(m[1])};
});
process.stdout.write(JSON.stringify(out));
"""

_tricky = st.sampled_from(
    [
        "---",
        "--",
        "-",
        "\n",
        "\r\n",
        "\r",
        " ",
        "\t",
        "\u00a0",
        "\ufeff",
        "\u2028",
        "\u2029",
        "\u3000",
        "\x0b",
        "\x1c",
        "\x85",
        ":",
        ": ",
        "#",
        " #",
        '"',
        "'",
        "\\",
        "{",
        "*",
        "&",
        "!",
        "|",
        ">",
        "%",
        "@",
        "`",
        "name",
        "description",
        "a_b",
        "x-y",
        "Use when",
        "é",
        "]",
    ]
)
_text = st.lists(st.one_of(_tricky, st.text(alphabet="ab :\n", max_size=4)), max_size=30).map("".join)
_free_form = st.builds(
    lambda head, rest: head + rest, st.sampled_from(["---", "---\n", "--- \n", "---\r\n", ""]), _text
)
# Front-matter-shaped documents: `key<sep>value<line end>` lines, where the rewrite's rules bite.
_line = st.builds(
    lambda indent, key, sep, value, end: indent + key + sep + value + end,
    st.sampled_from(["", "", "", "\t", "  ", "\t\t"]),
    st.sampled_from(["name", "description", "tools", "a_b", "x-y", "K9", "user", ""]),
    st.sampled_from([": ", ":", ":  ", ":\t", ":\u00a0", ": \u3000", " : "]),
    _text,
    st.sampled_from(["\n", "\r\n", "\r\n", " \n", "\n"]),
)
_structured = st.builds(
    lambda opener, lines, closer: opener + "".join(lines) + closer,
    st.sampled_from(["---\n", "---\r\n"]),
    st.lists(_line, max_size=6),
    st.sampled_from(["---\n", "---\r\n", "---", "--- body"]),
)
_document = st.one_of(_free_form, _structured)


def run_js(texts: list[str]) -> list[dict | None]:
    result = subprocess.run(
        [NODE, "-e", JS], input=json.dumps(texts), capture_output=True, text=True, timeout=60, check=True
    )
    return json.loads(result.stdout)


@settings(max_examples=40, deadline=None)
@given(st.lists(_document, min_size=50, max_size=50))
def test_block_regex_and_rewrite_match_javascript(texts: list[str]) -> None:
    for text, js in zip(texts, run_js(texts), strict=True):
        found = find_block(text)
        if js is None:
            assert found is None, repr(text)
            continue
        assert found is not None, repr(text)
        block = text[found.start : found.end]
        assert block == js["block"], repr(text)
        assert found.body_start == js["bodyStart"], repr(text)
        if any(line.split(":", 1)[-1].lstrip().startswith("[") for line in block.split("\n")):
            continue  # the YAML list check is not modelled in the JavaScript above
        assert fallback_rewrite(block)[0] == js["rewritten"], repr(text)


def test_list_values_are_kept_only_when_they_parse_as_a_list() -> None:
    assert _keeps_value("[Read, Grep]")
    assert not _keeps_value("[unclosed: x]]")
