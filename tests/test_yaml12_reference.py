"""Differential test: agentkit's strict parse against the YAML 1.2 reference parser (npm `yaml` 2.x).

Claude Code parses front matter as YAML 1.2; agentkit uses libyaml (a YAML 1.1 parser) with a YAML 1.2
resolver and a few rewrites. Here both read the same random front-matter-shaped documents and must agree on
success and on the values. `.ci/run` installs the npm package into `.ci/js/`; elsewhere the test skips.

Known, accepted differences (filtered below): unknown `!tags` (the reference keeps the value with a
warning, libyaml refuses; Claude Code's fallback then quotes such a line anyway), an anchor defined twice,
and a tab inside a block scalar's white space (libyaml refuses it as indentation).
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import require
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agentkit._reader.yaml12 import YAMLError, load_yaml12

MODULE = Path(__file__).resolve().parent.parent / ".ci" / "js" / "node_modules" / "yaml"
NODE = shutil.which("node")


@pytest.fixture(autouse=True)
def _reference_parser() -> None:
    if NODE is None or not MODULE.is_dir():
        require("node", "node or the npm package yaml (see .ci/run) is missing")


JS = """
const Y = require(process.argv[1]);
const docs = JSON.parse(require('fs').readFileSync(0, 'utf8'));
process.stdout.write(JSON.stringify(docs.map(text => {
  const doc = Y.parseDocument(text, {uniqueKeys: false});
  if (doc.errors.length) return {error: doc.errors[0].message.split('\\n')[0]};
  try { return {value: doc.toJS()}; } catch (e) { return {error: String(e)}; }
})));
"""

_keys = st.sampled_from(["name", "description", "tools", "model", "color", "x_y", "K"])
_values = st.sampled_from(
    [
        "plain text",
        "Use when: x",
        "'single'",
        "'it''s'",
        '"dq \\n esc"',
        '"q" more',
        "yes",
        "on",
        "2024-01-01",
        "017",
        "0o17",
        "0x1F",
        "12",
        "-3",
        "1.5",
        "~",
        "null",
        "true",
        "False",
        "a #c",
        "a#b",
        "C# #x",
        "[Read, Grep]",
        "[unclosed",
        "{a: 1}",
        "*ref",
        "&anc v",
        "@at",
        "`bt`",
        "%p",
        "- x",
        "? q",
        "a: b: c",
        "|",
        ">-",
        "x:",
        "tab\there",
        "\u00a0nb",
        "é ü",
        "---x",
        "...",
        "Read, Bash(git diff:*)",
        "**bold**",
        "<example>",
        "",
    ]
)
_tails = st.sampled_from(
    [
        "",
        "",
        "\n  cont",
        "\n\tcont",
        "\ncont0",
        "\n  - a\n  - b",
        "\n- a",
        "\n-\ta",
        "\n\t- a",
        "\n  \n  more",
        "\n\t",
        "\n  # c",
        "\n# c",
        "\n  \t",
        "\n    deeper",
    ]
)
_seps = st.sampled_from([": ", ":  ", ":\t", ":"])
_line = st.builds(lambda k, s, v, t: k + s + v + t, _keys, _seps, _values, _tails)
_doc = st.lists(_line, min_size=1, max_size=5).map(lambda lines: "\n".join(lines) + "\n")


def reference(docs: list[str]) -> list[dict]:
    result = subprocess.run(
        [NODE, "-e", JS, str(MODULE)],
        input=json.dumps(docs),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def comparable(value: object) -> object:
    """JSON's view of a value: JavaScript has one number type."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [comparable(v) for v in value]
    return value


_BLOCK_SCALAR_WITH_TAB = re.compile(r"[|>][-+0-9]*\n(?:.*\n)*? *\t")


def accepted_difference(text: str) -> bool:
    return "!" in text or text.count("&anc") > 1 or bool(_BLOCK_SCALAR_WITH_TAB.search(text))


# Derandomized: CI checks the same documents every run; explore more with --hypothesis-seed and a larger
# max_examples when changing the YAML layer.
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_doc, min_size=40, max_size=40))
def test_strict_parse_matches_the_yaml_12_reference(docs: list[str]) -> None:
    for text, ref in zip(docs, reference(docs), strict=True):
        if accepted_difference(text):
            continue
        try:
            mine: dict = {"value": load_yaml12(text)}
        except YAMLError as exc:
            mine = {"error": str(exc)}
        assert ("value" in mine) == ("value" in ref), (text, mine, ref)
        if "value" in mine:
            assert json.loads(json.dumps(comparable(mine["value"]), default=str)) == ref["value"], text
