"""AK4xx: field values."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from agentkit._edit.write import edit
from agentkit._errors import EditError
from agentkit._lint.rules.base import (
    AGENT_FORM,
    FULL_MODEL_ID,
    KEBAB,
    MCP_TOOL,
    TOOL_PATTERN,
    Fix,
    Hit,
    View,
    is_prose_key,
    key_suggestion,
    rule,
    unknown_keys,
)
from agentkit._reader.agent import Agent, with_text
from agentkit._reader.claude_code import (
    BUILTIN_TOOLS,
    COLORS,
    EFFORTS,
    ISOLATIONS,
    KNOWN_FIELDS,
    MEMORIES,
    MODEL_ALIASES,
    PERMISSION_MODES,
    REMOVED_ADVICE,
    REMOVED_TOOLS,
    TOOL_ALIASES,
)
from agentkit._reader.frontmatter import (
    js_string,
    type_name,
)

# == AK4xx: field values ===========================================================================


def _tool_kind(entry: str) -> tuple[str, str | None]:
    """('ok'|'alias'|'removed'|'pattern'|'unknown'|'agent-form', detail)."""
    if entry == "*" or entry in BUILTIN_TOOLS or MCP_TOOL.fullmatch(entry):
        return "ok", None
    if entry in TOOL_ALIASES:
        return "alias", TOOL_ALIASES[entry]
    if entry in REMOVED_TOOLS:
        return "removed", REMOVED_TOOLS[entry]
    form = AGENT_FORM.fullmatch(entry)
    if form:
        return ("ok", None) if form.group(1) == "Agent" else ("alias", f"Agent({form.group(2)})")
    pattern = TOOL_PATTERN.fullmatch(entry)
    if pattern:
        tool = pattern.group(1)
        if tool in BUILTIN_TOOLS or tool in TOOL_ALIASES:
            return "pattern", tool
        if tool in REMOVED_TOOLS:
            return "removed", None
    return "unknown", None


def _grants(entry: str) -> bool:
    """Does this entry give the agent a real tool?"""
    return _tool_kind(entry)[0] in ("ok", "alias", "pattern")


def _suggest_tool(entry: str) -> str:
    lower = {t.lower(): t for t in BUILTIN_TOOLS}
    if entry.lower() in lower:
        return f"; did you mean '{lower[entry.lower()]}'? (tool names are case-sensitive)"
    close = difflib.get_close_matches(entry, BUILTIN_TOOLS, n=1, cutoff=0.75)
    if close:
        return f"; did you mean '{close[0]}'?"
    if entry.startswith("mcp_") or entry.lower().startswith("mcp"):
        return "; MCP tools are written mcp__<server>__<tool>, mcp__<server> or mcp__<server>__*"
    if KEBAB.fullmatch(entry) and "-" in entry:
        return (
            f"; agent and skill names are not tools (Agent({entry}) lets it delegate to an agent; list "
            "skills under 'skills')"
        )
    return ""


def _tool_entries(view: View, key: str) -> list[str]:
    if not view.usable or key not in view.fields:
        return []
    entries = view.agent.tools if key == "tools" else view.agent.disallowed_tools
    return entries or []


@rule(
    "AK401",
    "unknown-tool",
    "warning",
    "values",
    "A `tools`/`disallowedTools` entry that is not a Claude Code tool is silently ignored.",
)
def unknown_tool(view: View) -> Iterator[Hit]:
    """Claude Code ignores names it does not know, so the agent lacks the tool the author meant (a typo
    like `Grepp`, a lowercase `read`, an agent or skill name). Valid entries: the built-in tools, MCP
    tools (`mcp__server__tool`, `mcp__server`, `mcp__server__*`), `Agent(a, b)` (older `Task(a, b)`) and
    `*`.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            if _tool_kind(entry)[0] == "unknown":
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' in '{key}' is not a Claude Code tool and is ignored{_suggest_tool(entry)}",
                )


def _rename_tools(agent: Agent, kinds: tuple[str, ...]) -> Agent | None:
    """Rename the entries of `tools` and `disallowedTools` of the given kinds to their current names."""

    def renamed(entry: str) -> str | None:
        kind, replacement = _tool_kind(entry)
        if kind not in kinds:
            return None
        return replacement if kind == "alias" else REMOVED_TOOLS.get(entry)

    view = View(agent)
    changes: dict[str, Any] = {}
    for key in ("tools", "disallowedTools"):
        value = view.fields.get(key)
        entries = (agent.tools if key == "tools" else agent.disallowed_tools) if key in view.fields else None
        if not entries or not any(renamed(e) for e in entries):
            continue
        new: list[str] = []
        for entry in entries:
            name = renamed(entry)
            if name is None:
                new.append(entry)  # untouched, duplicates included: only renamed entries change
            elif name not in entries and name not in new:  # MultiEdit next to Edit: keep the one Edit
                new.append(name)
        changes[key] = ", ".join(new) if isinstance(value, str) else new
    return edit(agent, changes) if changes else None


def _fix_removed_tools(agent: Agent) -> Agent | None:
    return _rename_tools(agent, ("removed",))


def _fix_tool_aliases(agent: Agent) -> Agent | None:
    return _rename_tools(agent, ("alias",))


@rule(
    "AK402",
    "removed-tool-name",
    "warning",
    "values",
    "MultiEdit, LS and NotebookRead are no longer tools: Claude Code ignores them in `tools`.",
    fix=Fix(
        _fix_removed_tools,
        unsafe=True,
        changes="grants the replacement tool, which Claude Code ignored under the old name",
        may_change=("tools", "disallowedTools"),
    ),
)
def removed_tool_name(view: View) -> Iterator[Hit]:
    """They survive only as permission-rule names. Replacements: MultiEdit -> Edit, NotebookRead -> Read,
    LS -> Glob (list files) or Bash (`ls`).

    Fix (`--fix`): MultiEdit -> Edit and NotebookRead -> Read (dropped when the replacement is already
    listed); LS needs a human decision.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            kind, replacement = _tool_kind(entry)
            if kind == "removed":
                base = entry.split("(")[0]
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' is no longer a tool (only a permission-rule "
                    f"name) and is ignored; use {REMOVED_ADVICE[base]}",
                    fixable=replacement is not None,
                )


@rule(
    "AK403",
    "legacy-tool-alias",
    "info",
    "values",
    "An old tool name Claude Code still maps to the new one (Task -> Agent, KillShell -> TaskStop, ...).",
    fix=Fix(_fix_tool_aliases, may_change=("tools", "disallowedTools")),
)
def legacy_tool_alias(view: View) -> Iterator[Hit]:
    """Task -> Agent, `Task(a, b)` -> `Agent(a, b)`, KillShell/KillBash -> TaskStop,
    BashOutput -> TaskOutput. They work today; the new names are what current documentation uses.

    Fix (`--fix`): rename to the current name.
    """
    for key in ("tools", "disallowedTools"):
        for entry in _tool_entries(view, key):
            kind, replacement = _tool_kind(entry)
            if kind == "alias":
                yield Hit(
                    view.find_line(key, entry),
                    f"'{entry}' is the old name of '{replacement}' (still accepted)",
                )


@rule(
    "AK404",
    "permission-pattern-grants-whole-tool",
    "warning",
    "values",
    "A permission pattern like `Bash(git diff:*)` in `tools` grants the whole tool, not just the pattern.",
)
def permission_pattern_grants_whole_tool(view: View) -> Iterator[Hit]:
    """In an agent's `tools`, Claude Code keeps only the tool name: `Bash(npm run:*)` gives the agent
    the entire Bash tool. Restrict commands with permission rules in settings.json or hooks instead.
    (`Agent(a, b)` is different: it does restrict which agents can be called.)
    """
    for entry in _tool_entries(view, "tools"):
        kind, tool = _tool_kind(entry)
        if kind == "pattern":
            yield Hit(
                view.find_line("tools", entry),
                f"'{entry}' grants the whole {tool} tool: the pattern in "
                "parentheses does not restrict an agent's tools",
            )


@rule(
    "AK405",
    "tools-grant-nothing",
    "error",
    "values",
    "`tools` lists no real tool (empty, or only unknown names): starting the agent fails.",
)
def tools_grant_nothing(view: View) -> Iterator[Hit]:
    """`tools:` with no value, `tools: ""`, `tools: []` or a list of names none of which is a tool leaves
    the agent with nothing, and Claude Code fails when it starts the agent. Remove `tools` to inherit
    every tool, or list the tools it needs.
    """
    if not view.usable or "tools" not in view.fields:
        return
    entries = view.agent.tools or []
    if not entries:
        yield Hit(
            view.key_line("tools"),
            "'tools' is empty: the agent gets no tool and starting it fails; "
            "remove the key to inherit every tool",
        )
    elif not any(_grants(entry) for entry in entries):
        yield Hit(
            view.key_line("tools"),
            f"none of {', '.join(entries)} is a Claude Code tool: the agent gets "
            "no tool and starting it fails",
        )


def _fix_keys(agent: Agent) -> Agent | None:
    """Rename a misspelled key in place (only the key text changes) when the target is absent."""
    view = View(agent)
    if not view.usable:
        return None
    renames: dict[int, tuple[str, str]] = {}
    all_keys = [k for k, _, _ in view.spans]
    for key, start, _ in view.spans:
        if key in KNOWN_FIELDS or all_keys.count(key) > 1:
            continue
        target = key_suggestion(key)
        if target is None or target in agent.fields or target in [t for _, t in renames.values()]:
            continue
        renames[start] = (key, target)
    if not renames:
        return None
    lines = view.lines[:]
    for start, (key, target) in renames.items():
        match = re.match(rf"(['\"]?){re.escape(key)}\1(?=\s*:)", lines[start])
        if not match:
            raise EditError(f"cannot find the key {key!r} on its line")
        lines[start] = target + lines[start][match.end() :]
    assert agent.block is not None
    bom = "\ufeff" if agent.has_bom else ""
    content = agent.text[len(bom) :]
    block = "\n".join(lines)
    fixed = with_text(agent, bom + content[: agent.block.start] + block + content[agent.block.end :])
    for key, target in renames.values():
        if key in fixed.fields or fixed.fields.get(target) != agent.fields.get(key):
            raise EditError(f"renaming {key!r} to {target!r} would not carry its value over")
    return fixed


@rule(
    "AK406",
    "misspelled-key",
    "warning",
    "values",
    "A key that is close to a known field (`allowed-tools`, `permission-mode`, `maxturns`) is ignored.",
    fix=Fix(
        _fix_keys,
        unsafe=True,
        changes="Claude Code starts reading the renamed key: a tool list replaces 'every tool', a mode or "
        "limit takes effect",
        renames_keys=True,
    ),
)
def misspelled_key(view: View) -> Iterator[Hit]:
    """Keys are case-sensitive and camelCase. `allowed-tools` (the skills and slash-command key) in an
    agent is ignored, so the agent inherits every tool.

    Fix (`--fix`): rename the key when the intended key is not also present (only the key changes).
    """
    for key, start in unknown_keys(view):
        target = key_suggestion(key)
        if target:
            clash = target in view.fields
            extra = f" ('{target}' is also set, so it is not renamed automatically)" if clash else ""
            yield Hit(
                view.line(start),
                f"unknown key '{key}' is ignored by Claude Code; did you mean '{target}'?{extra}",
                column=1,
                fixable=not clash,
            )


@rule(
    "AK407", "unknown-key", "info", "values", "A key Claude Code does not know is ignored (e.g. `category`)."
)
def unknown_key(view: View) -> Iterator[Hit]:
    """Harmless for loading, but nothing reads it: keep such metadata elsewhere if it is meant to do
    something. Known keys: name, description, tools, disallowedTools, model, color, effort,
    permissionMode, maxTurns, skills, mcpServers, hooks, memory, background, isolation, initialPrompt.
    """
    for key, start in unknown_keys(view):
        if key_suggestion(key) is None and not is_prose_key(key):
            yield Hit(view.line(start), f"unknown key '{key}' is ignored by Claude Code", column=1)


def _enum(
    view: View,
    key: str,
    allowed: Iterable[str],
    what: str,
    *,
    extra_ok: Callable[[Any], bool] | None = None,
) -> Iterator[Hit]:
    if key not in view.fields:
        return
    value = view.fields[key]
    allowed = tuple(allowed)
    if isinstance(value, str) and value in allowed or (extra_ok is not None and extra_ok(value)):
        return
    shown = js_string(value) if not isinstance(value, str) else value
    hint = ""
    if isinstance(value, str):
        close = difflib.get_close_matches(value.lower(), [a.lower() for a in allowed], n=1, cutoff=0.6)
        if close:
            hint = f"; did you mean '{next(a for a in allowed if a.lower() == close[0])}'?"
    empty = value is None or value == ""
    yield Hit(
        view.key_line(key),
        f"'{key}' is {'empty' if empty else repr(shown)}: {what} ({', '.join(allowed)}){hint}",
    )


def _valid_model(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    base = value[:-4] if value.endswith("[1m]") else value
    return base in MODEL_ALIASES or bool(FULL_MODEL_ID.fullmatch(value))


@rule(
    "AK408",
    "invalid-model",
    "warning",
    "values",
    "`model` must be an alias (sonnet, opus, haiku, inherit, ...), a `[1m]` variant or a full model id.",
)
def invalid_model(view: View) -> Iterator[Hit]:
    """Valid: `sonnet`, `opus`, `haiku`, `inherit`, `fable`, `best`, `opusplan`, their `[1m]` variants,
    or a full model id such as `claude-sonnet-4-20250514` (Bedrock and Vertex ids too). Aliases are
    lowercase. Anything else fails when the agent is used.
    """
    if "model" in view.fields and not _valid_model(view.fields["model"]):
        yield from _enum(view, "model", MODEL_ALIASES, "not a model alias or a full model id")


@rule(
    "AK409",
    "invalid-color",
    "warning",
    "values",
    "A `color` outside the eight allowed names is silently dropped.",
)
def invalid_color(view: View) -> Iterator[Hit]:
    """Allowed: red, blue, green, yellow, purple, orange, pink, cyan (lowercase). Hex codes and other
    names are dropped without a message.
    """
    yield from _enum(view, "color", COLORS, "Claude Code silently drops colors other than")


@rule(
    "AK410",
    "invalid-permission-mode",
    "warning",
    "values",
    "`permissionMode` must be one of default, acceptEdits, auto, bypassPermissions, dontAsk, plan.",
)
def invalid_permission_mode(view: View) -> Iterator[Hit]:
    """Values are case-sensitive camelCase."""
    yield from _enum(view, "permissionMode", PERMISSION_MODES, "not a permission mode")


@rule(
    "AK411",
    "invalid-effort",
    "warning",
    "values",
    "`effort` must be low, medium, high, xhigh, max or an integer.",
)
def invalid_effort(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(
        view,
        "effort",
        EFFORTS,
        "not an effort level or an integer",
        extra_ok=lambda v: isinstance(v, int) and not isinstance(v, bool),
    )


@rule("AK412", "invalid-memory", "warning", "values", "`memory` must be user, project or local.")
def invalid_memory(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "memory", MEMORIES, "not a memory scope")


@rule("AK413", "invalid-isolation", "warning", "values", "`isolation` must be worktree or remote.")
def invalid_isolation(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "isolation", ISOLATIONS, "not an isolation mode")


@rule("AK414", "invalid-max-turns", "warning", "values", "`maxTurns` must be a positive integer.")
def invalid_max_turns(view: View) -> Iterator[Hit]:
    """`maxTurns: "10"` (a string), `0`, `-1` or `2.5` are not positive integers."""
    if "maxTurns" in view.fields:
        value = view.fields["maxTurns"]
        if not (isinstance(value, int) and not isinstance(value, bool) and value > 0):
            yield Hit(
                view.key_line("maxTurns"),
                f"'maxTurns' is {type_name(value)} ({js_string(value)!r}), not a positive integer",
            )


@rule("AK415", "invalid-background", "warning", "values", "`background` must be true or false.")
def invalid_background(view: View) -> Iterator[Hit]:
    """`background: yes` or `"true"` are strings in YAML 1.2, not booleans."""
    if "background" in view.fields and not isinstance(view.fields["background"], bool):
        value = view.fields["background"]
        yield Hit(
            view.key_line("background"),
            f"'background' is {type_name(value)} ({js_string(value)!r}), not true or false",
        )


@rule(
    "AK416",
    "invalid-mcp-servers",
    "warning",
    "values",
    "`mcpServers` must be a list of server names or single-key maps `{name: config}`.",
)
def invalid_mcp_servers(view: View) -> Iterator[Hit]:
    """Each entry is a string naming a configured server, or a mapping with exactly one key (the server
    name) whose value is its configuration.
    """
    if "mcpServers" not in view.fields:
        return
    value = view.fields["mcpServers"]
    line = view.key_line("mcpServers")
    if not isinstance(value, list):
        yield Hit(line, f"'mcpServers' is {type_name(value)}, not a list of names or {{name: config}} maps")
        return
    for item in value:
        if not (isinstance(item, str) and item) and not (isinstance(item, dict) and len(item) == 1):
            yield Hit(
                line,
                f"an entry of 'mcpServers' is {type_name(item)}: each must be a server name or a "
                "single-key map {name: config}",
            )
            return


@rule("AK417", "invalid-skills", "warning", "values", "`skills` must be a string or a list of skill names.")
def invalid_skills(view: View) -> Iterator[Hit]:
    """A comma/space-separated string or a list of strings."""
    if "skills" not in view.fields:
        return
    value = view.fields["skills"]
    ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if not ok:
        yield Hit(view.key_line("skills"), f"'skills' is {type_name(value)}, not a string or a list of names")


@rule("AK418", "invalid-initial-prompt", "warning", "values", "`initialPrompt` must be a string.")
def invalid_initial_prompt(view: View) -> Iterator[Hit]:
    """Quote values YAML would read as numbers or booleans."""
    if "initialPrompt" in view.fields and not isinstance(view.fields["initialPrompt"], str):
        value = view.fields["initialPrompt"]
        yield Hit(view.key_line("initialPrompt"), f"'initialPrompt' is {type_name(value)}, not text")


@rule(
    "AK419",
    "duplicate-tool",
    "info",
    "values",
    "The same entry is listed twice in `tools` or `disallowedTools`.",
)
def duplicate_tool(view: View) -> Iterator[Hit]:
    """Harmless to Claude Code, but usually a sign of a merge or copy-paste slip: the list may not say
    what its author meant. Remove the repeat.
    """
    for key in ("tools", "disallowedTools"):
        seen: set[str] = set()
        for entry in _tool_entries(view, key):
            if entry in seen:
                yield Hit(view.find_line(key, entry), f"'{entry}' is listed twice in '{key}'")
            seen.add(entry)
