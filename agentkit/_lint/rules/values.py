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
    AUTO_COMPACT_WINDOW_MIN,
    BUILTIN_TOOLS,
    CACHE_TTLS,
    COLORS,
    EFFORTS,
    ISOLATIONS,
    KNOWN_FIELDS,
    MEMORIES,
    MODEL_ALIASES,
    NOT_FOR_SUBAGENTS,
    PERMISSION_MODE_SYNONYMS,
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
    """Does this entry give a subagent a real tool? (Some tools are never given to subagents.)"""
    kind, detail = _tool_kind(entry)
    if kind == "ok" and entry in NOT_FOR_SUBAGENTS:
        return False
    if kind in ("alias", "pattern") and detail in NOT_FOR_SUBAGENTS:
        return False
    return kind in ("ok", "alias", "pattern")


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
    return view.tools if key == "tools" else view.disallowed_tools


@rule(
    "AK401",
    "unknown-tool",
    "warning",
    "values",
    "A `tools`/`disallowedTools` entry that is not a Claude Code tool is silently ignored.",
    keys=("tools", "disallowedTools"),
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
    keys=("tools", "disallowedTools"),
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
    keys=("tools", "disallowedTools"),
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
    keys=("tools",),
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
    "`tools` lists names of which none is a tool a subagent can get: Claude Code refuses to start the agent.",
    keys=("tools",),
)
def tools_grant_nothing(view: View) -> Iterator[Hit]:
    """A non-empty `tools` list in which no entry is a real tool (only unknown names, removed names such as
    MultiEdit, or tools Claude Code never gives a subagent such as CronCreate) makes Claude Code refuse to
    spawn the agent ("would be spawned with zero tools - refusing"). List the tools it needs, or remove
    `tools` to inherit every tool. (An empty list is different: see AK420.)
    """
    if not view.usable or "tools" not in view.fields:
        return
    entries = view.tools
    if not entries or entries == ["*"] or view.agent.granted_tools != entries:
        return  # empty (AK420), every tool, or memory adds real tools
    if not any(_grants(entry) for entry in entries):
        yield Hit(
            view.key_line("tools"),
            f"none of {', '.join(entries)} is a tool Claude Code gives a subagent: it refuses to start "
            "the agent",
        )


@rule(
    "AK420",
    "tools-empty",
    "warning",
    "values",
    'An empty `tools` (`tools:`, `tools: []`, `tools: ""`) runs the agent with no tools at all.',
    keys=("tools",),
)
def tools_empty(view: View) -> Iterator[Hit]:
    """Claude Code starts such an agent with zero tools: it can only answer from its prompt. Its agent
    listing still says "All tools", which is misleading. Remove the key to inherit every tool, or list the
    tools the agent needs. (With `memory` set, Write, Edit and Read are added, so the list is not empty.)
    """
    if not view.usable or "tools" not in view.fields:
        return
    if view.agent.tools == [] and view.agent.granted_tools == []:
        yield Hit(
            view.key_line("tools"),
            "'tools' is empty: Claude Code runs the agent with no tools at all (its listing still says "
            "'All tools'); remove the key to inherit every tool, or list the tools it needs",
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
    keys=("model",),
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
    keys=("color",),
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
    keys=("permissionMode",),
)
def invalid_permission_mode(view: View) -> Iterator[Hit]:
    """Values are case-sensitive camelCase (`manual` is read as `default`)."""
    yield from _enum(
        view,
        "permissionMode",
        PERMISSION_MODES,
        "not a permission mode",
        extra_ok=lambda v: isinstance(v, str) and v in PERMISSION_MODE_SYNONYMS,
    )


@rule(
    "AK411",
    "invalid-effort",
    "warning",
    "values",
    "`effort` must be low, medium, high, xhigh, max or an integer.",
    keys=("effort",),
)
def invalid_effort(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(
        view,
        "effort",
        EFFORTS,
        "not an effort level or an integer",
        extra_ok=_effort_ok,
    )


def _effort_ok(value: Any) -> bool:
    """Claude Code's reading: a level in any case (`med` for medium), an integer, or text starting with one."""
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return True
    if isinstance(value, str):
        lowered = value.strip().lower()
        return lowered in EFFORTS or lowered == "med" or _positive_integer(value) is not None
    return False


@rule(
    "AK412",
    "invalid-memory",
    "warning",
    "values",
    "`memory` must be user, project or local.",
    keys=("memory",),
)
def invalid_memory(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "memory", MEMORIES, "not a memory scope")


@rule(
    "AK413",
    "invalid-isolation",
    "warning",
    "values",
    "`isolation` must be worktree or remote.",
    keys=("isolation",),
)
def invalid_isolation(view: View) -> Iterator[Hit]:
    """Any other value is not understood."""
    yield from _enum(view, "isolation", ISOLATIONS, "not an isolation mode")


def _positive_integer(value: Any) -> int | None:
    """Claude Code's reading of a count: a number, or text starting with digits; None unless a positive
    integer."""
    if value is None or isinstance(value, bool | list | dict):
        return None
    if isinstance(value, int | float):
        number: float | int = value
    else:
        match = re.match(r"\s*([+-]?\d+)", str(value))
        if not match:
            return None
        number = int(match.group(1))
    return int(number) if float(number).is_integer() and number > 0 else None


@rule(
    "AK414",
    "invalid-max-turns",
    "warning",
    "values",
    "`maxTurns` must be a positive integer.",
    keys=("maxTurns",),
)
def invalid_max_turns(view: View) -> Iterator[Hit]:
    """`0`, `-1`, `2.5` or `ten` are not positive integers, and Claude Code ignores them (with a warning).
    Text that starts with digits (`"10"`) is read as the number.
    """
    if "maxTurns" in view.fields:
        value = view.fields["maxTurns"]
        if _positive_integer(value) is None:
            yield Hit(
                view.key_line("maxTurns"),
                f"'maxTurns' is {type_name(value)} ({js_string(value)!r}), not a positive integer: "
                "Claude Code ignores it",
            )


@rule(
    "AK415",
    "invalid-background",
    "warning",
    "values",
    "`background` must be true or false.",
    keys=("background",),
)
def invalid_background(view: View) -> Iterator[Hit]:
    """`background: yes` is a string in YAML 1.2, not a boolean, and Claude Code ignores it (the text
    `"true"` or `"false"` it accepts)."""
    if "background" in view.fields and view.fields["background"] not in (True, False, "true", "false"):
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
    keys=("mcpServers",),
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


@rule(
    "AK417",
    "invalid-skills",
    "warning",
    "values",
    "`skills` must be a string or a list of skill names.",
    keys=("skills",),
)
def invalid_skills(view: View) -> Iterator[Hit]:
    """A comma/space-separated string or a list of strings."""
    if "skills" not in view.fields:
        return
    value = view.fields["skills"]
    ok = isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))
    if not ok:
        yield Hit(view.key_line("skills"), f"'skills' is {type_name(value)}, not a string or a list of names")


@rule(
    "AK418",
    "invalid-initial-prompt",
    "warning",
    "values",
    "`initialPrompt` must be a string.",
    keys=("initialPrompt",),
)
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
    keys=("tools", "disallowedTools"),
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


@rule(
    "AK421",
    "invalid-auto-compact-window",
    "warning",
    "values",
    f"`autoCompactWindow` must be an integer of at least {AUTO_COMPACT_WINDOW_MIN:,} (tokens).",
    keys=("autoCompactWindow",),
)
def invalid_auto_compact_window(view: View) -> Iterator[Hit]:
    """The context size at which Claude Code compacts this agent's conversation. Any other value is
    ignored, with a warning in Claude Code's log.
    """
    if "autoCompactWindow" in view.fields:
        value = view.fields["autoCompactWindow"]
        number = _positive_integer(value)
        if number is None or number < AUTO_COMPACT_WINDOW_MIN:
            yield Hit(
                view.key_line("autoCompactWindow"),
                f"'autoCompactWindow' is {js_string(value)!r}: Claude Code ignores it (it must be an "
                f"integer of at least {AUTO_COMPACT_WINDOW_MIN:,})",
            )


@rule(
    "AK422",
    "invalid-cache-ttl",
    "warning",
    "values",
    f"`experimental.cacheTtl` must be one of {', '.join(CACHE_TTLS)}.",
    keys=("experimental",),
)
def invalid_cache_ttl(view: View) -> Iterator[Hit]:
    """The prompt-cache lifetime for this agent. Claude Code finds the key case- and dash-insensitively
    (`cache_ttl`, `CacheTTL`) and silently ignores any other value.
    """
    experimental = view.fields.get("experimental")
    if not isinstance(experimental, dict):
        return
    for key, value in experimental.items():
        if isinstance(key, str) and key.replace("-", "").replace("_", "").lower() == "cachettl":
            if value not in CACHE_TTLS:
                yield Hit(
                    view.key_line("experimental"),
                    f"'experimental.{key}' is {js_string(value)!r}: Claude Code ignores it "
                    f"(it must be {' or '.join(CACHE_TTLS)})",
                )
            return


_FLAGS = {  # key -> (what Claude Code accepts, in words; the check)
    "omitClaudeMd": ("true or false", lambda v: v in (True, False, "true", "false")),
    "observeSubagents": ("true or false", lambda v: v in (True, False, "true", "false")),
    "observeToolResults": ("true or false", lambda v: v in (True, False, "true", "false")),
    "observer": ("text", lambda v: isinstance(v, str) and bool(v.strip())),
    "observerMessage": ("text", lambda v: isinstance(v, str) and bool(v.strip())),
}


@rule(
    "AK423",
    "invalid-flag-value",
    "warning",
    "values",
    "`omitClaudeMd`, `observeSubagents`, `observeToolResults` take true/false; `observer`, "
    "`observerMessage` take text.",
    keys=tuple(_FLAGS),
)
def invalid_flag_value(view: View) -> Iterator[Hit]:
    """Keys Claude Code reads but does not document. Any other value is silently ignored (`omitClaudeMd:
    yes` is the text "yes" in YAML 1.2, not true).
    """
    for key, (wanted, check) in _FLAGS.items():
        if key in view.fields and not check(view.fields[key]):
            yield Hit(
                view.key_line(key),
                f"'{key}' is {js_string(view.fields[key])!r}: Claude Code ignores it (it takes {wanted})",
            )
