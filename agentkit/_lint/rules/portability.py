"""AK3xx: portability."""

from __future__ import annotations

from collections.abc import Iterator

from agentkit._edit.write import edit
from agentkit._errors import EditError
from agentkit._lint.rules.base import (
    Fix,
    Hit,
    View,
    rule,
)
from agentkit._reader.agent import Agent, in_file_lines, with_text
from agentkit._reader.frontmatter import key_spans
from agentkit._reader.yaml12 import DEEPER_TEXT, MAX_DEEP_NESTING, MAX_NESTING, holds_deeper

# == AK3xx: portability ============================================================================


def _fix_fallback(agent: Agent) -> Agent | None:
    """Rewrite each key the fallback had to quote (or tab-indent) with the value Claude Code read."""
    if agent.parse != "fallback" or agent.parsed is None:
        return None
    lines = (agent.block_text or "").split("\n")
    spans = key_spans(agent.block_text or "", agent.parsed)
    quoted = set(agent.parsed.quoted_lines)
    keys = [k for k, s, e in spans if quoted & set(range(s, e))]
    fixed = edit(agent, {k: agent.fields[k] for k in dict.fromkeys(keys)}) if keys else agent
    if fixed.parse != "strict":
        # Leading tabs are the fallback's other repair: rewrite the keys whose lines start with one.
        tabbed = [k for k, s, e in spans if any(lines[i].startswith("\t") for i in range(s, e))]
        if tabbed:
            fixed = edit(fixed, {k: agent.fields[k] for k in dict.fromkeys(tabbed)})
    if fixed.parse != "strict":
        raise EditError("the front matter still needs the fallback after rewriting the quoted lines")
    return fixed


@rule(
    "AK301",
    "fallback-only-yaml",
    "warning",
    "portability",
    "The front matter loads only through Claude Code's line-rewrite fallback; strict YAML rejects it.",
    fix=Fix(_fix_fallback),
)
def fallback_only_yaml(view: View) -> Iterator[Hit]:
    """Claude Code 2.1.330 loads it, but strict YAML tools (agnix, PyYAML,
    python-frontmatter, GitHub's preview) and older Claude Code versions reject the file. Typical case: an
    unquoted one-line description with `: ` (`Use this agent when ... Examples: Context: ...`).

    Fix (`--fix`): rewrite each line the fallback quoted with the value Claude Code reads, as a
    double-quoted YAML string; only those lines change and Claude Code's reading stays the same.
    """
    agent = view.agent
    if agent.parse != "fallback":
        return
    parsed = agent.parsed
    assert parsed is not None
    keys = [line.split(":", 1)[0] for line in (view.lines[i] for i in view.quoted)]
    if view.quoted:
        what = (
            f"it quoted {', '.join(repr(k) for k in keys)} (line{'s' if len(keys) > 1 else ''} "
            f"{', '.join(str(view.line(i)) for i in view.quoted)})"
        )
        line = view.line(view.quoted[0])
    else:
        tabs = [i for i, text in enumerate(view.lines) if text.startswith("\t")]
        what = "it turned leading tabs into spaces"
        line = view.line(tabs[0]) if tabs else view.first
    yield Hit(
        line,
        f"strict YAML rejects this front matter ({in_file_lines(parsed.error or '', view.first)}); "
        "Claude Code loads it only through "
        f"its line-rewrite fallback ({what}); strict tools and older Claude Code versions drop it",
    )


def _fix_bom(agent: Agent) -> Agent | None:
    """Drop the byte-order mark; every other character stays."""
    return with_text(agent, agent.text[1:]) if agent.has_bom else None


@rule(
    "AK302",
    "byte-order-mark",
    "warning",
    "portability",
    "A byte-order mark: Claude Code before 2.1.330 saw no front matter and dropped the file.",
    fix=Fix(_fix_bom),
)
def byte_order_mark(view: View) -> Iterator[Hit]:
    """Claude Code 2.1.330 drops a leading U+FEFF; 2.1.197 and older did not, so the file started with an
    invisible character instead of `---` and was skipped.

    Fix (`--fix`): remove the byte-order mark; nothing else changes.
    """
    if view.agent.has_bom:
        yield Hit(
            1,
            "the file starts with a byte-order mark (U+FEFF): Claude Code before 2.1.330 sees no front "
            "matter and skips it",
            column=1,
        )


@rule(
    "AK303",
    "crlf-line-endings",
    "info",
    "portability",
    "CRLF line endings: Claude Code's fallback cannot repair any line of such a file.",
)
def crlf_line_endings(view: View) -> Iterator[Hit]:
    """The file loads if its YAML is valid, but Claude Code's line-rewrite fallback never matches a line
    ending in `\\r`: any value needing the fallback (an unquoted `: `) makes the agent disappear.
    Consider LF line endings (`.gitattributes`: `*.md text eol=lf`).
    """
    text = view.agent.text
    if "\r" in text and "\r\n" in text:  # a lone character is found at memchr speed
        yield Hit(1, "the file uses CRLF line endings: Claude Code's fallback cannot repair any of its lines")


@rule(
    "AK304",
    "values-deeper-than-kept",
    "info",
    "portability",
    "A value nested deeper than 100 levels: agentkit shows the levels below it as placeholder text.",
)
def values_deeper_than_kept(view: View) -> Iterator[Hit]:
    """Claude Code reads such a value whole, and nothing it decides (whether the agent loads, its name,
    description, tools, hooks) looks that deep. agentkit keeps 100 levels, since Python walks values
    recursively (printing, comparing, JSON), and shows `[deeper than 100 levels: not kept by agentkit]`
    in place of anything deeper. Edits of other keys keep the value's lines byte for byte; writing the
    value back from agentkit's reading is refused, since it would replace those levels with that text.
    """
    parsed = view.agent.parsed
    if parsed is None or not parsed.cut:
        return
    for key, value in view.fields.items():
        if holds_deeper(value):
            yield Hit(
                view.key_line(key),
                f"'{key}' nests deeper than {MAX_NESTING} levels: agentkit shows the levels below as "
                f"'{DEEPER_TEXT}' (Claude Code reads them whole); edits of other keys keep its lines as they "
                "are, and agentkit will not write it back from its reading",
            )


@rule(
    "AK305",
    "nesting-deeper-than-parsed",
    "warning",
    "portability",
    "Front matter nested deeper than agentkit parses (2,000 levels): Claude Code may read it otherwise.",
)
def nesting_deeper_than_parsed(view: View) -> Iterator[Hit]:
    """agentkit parses front matter up to 2,000 levels of nesting (its pure-Python parser, which takes over
    from libyaml past 1,000 levels, needs seconds for that); deeper, it reads the file as Claude Code does
    once its own parser gives up: through the line-rewrite fallback. Claude Code 2.1.332's parser gives up
    only when its stack runs out: with the usual 8 MiB stack (`ulimit -s`), at about 4,400 levels (4,396
    to 4,400 for mappings nested in flow style, 4,516 to 4,520 for lists, measured against the binary);
    with a larger stack, deeper. Between the two, Claude Code reads the value whole where agentkit reads
    the quoted line, so whether the agent loads, and its name, description, tools and hooks, may differ.
    Nothing real nests this deep; a file that does was made to.
    """
    parsed = view.agent.parsed
    if parsed is None or not parsed.too_deep:
        return
    yield Hit(
        view.first,
        f"the front matter nests deeper than {MAX_DEEP_NESTING:,} levels, where agentkit stops parsing; it is "
        "read as Claude Code reads it once its own parser gives up (at about 4,400 levels with an 8 MiB "
        "stack), so Claude Code may read it differently",
    )
