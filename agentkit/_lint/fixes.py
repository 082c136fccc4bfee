"""Mechanical repairs with a minimal diff: only the offending lines change, Claude Code's reading stays
the same (except a tool name a fix renames on purpose), strict YAML accepts the result, the body never
changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from agentkit._edit.write import key_spans
from agentkit._errors import EditError
from agentkit._lint.engine import findings, resolve_rules
from agentkit._lint.rules import View, _key_suggestion, _tool_kind
from agentkit._reader.agent import Agent, agent_from_text
from agentkit._reader.claude_code import KNOWN_FIELDS, REMOVED_TOOLS

Fixer = Callable[[Agent], Agent | None]  # None: nothing to do


@dataclass
class FixResult:
    agent: Agent  # the repaired agent (the input itself when nothing changed)
    fixed: list[str] = field(default_factory=list)  # rule IDs repaired
    failed: list[str] = field(default_factory=list)  # "AK301: why" for fixes that could not be made

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def _rebuild(agent: Agent, text: str) -> Agent:
    return agent_from_text(
        text, agent.path, scope=agent.scope, plugin=agent.plugin, disk_text=agent.disk_text
    )


def fix_bom(agent: Agent) -> Agent | None:
    """AK302: drop the byte-order mark; every other character stays."""
    return _rebuild(agent, agent.text[1:]) if agent.has_bom else None


def fix_fallback(agent: Agent) -> Agent | None:
    """AK301: rewrite each key the fallback had to quote (or tab-indent) with the value Claude Code read."""
    if agent.parse != "fallback" or agent.parsed is None:
        return None
    lines = (agent.block_text or "").split("\n")
    spans = key_spans(agent)
    quoted = set(agent.parsed.quoted_lines)
    keys = [k for k, s, e in spans if quoted & set(range(s, e))]
    fixed = agent.edit({k: agent.fields[k] for k in dict.fromkeys(keys)}) if keys else agent
    if fixed.parse != "strict":
        # Leading tabs are the fallback's other repair: rewrite the keys whose lines start with one.
        tabbed = [k for k, s, e in spans if any(lines[i].startswith("\t") for i in range(s, e))]
        if tabbed:
            fixed = fixed.edit({k: agent.fields[k] for k in dict.fromkeys(tabbed)})
    if fixed.parse != "strict":
        raise EditError("the front matter still needs the fallback after rewriting the quoted lines")
    return fixed


def fix_keys(agent: Agent) -> Agent | None:
    """AK406: rename a misspelled key in place (only the key text changes) when the target is absent."""
    view = View(agent)
    if not view.usable:
        return None
    renames: dict[int, tuple[str, str]] = {}
    all_keys = [k for k, _, _ in view.spans]
    for key, start, _ in view.spans:
        if key in KNOWN_FIELDS or all_keys.count(key) > 1:
            continue
        target = _key_suggestion(key)
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
    fixed = _replace_block(agent, "\n".join(lines))
    for key, target in renames.values():
        if key in fixed.fields or fixed.fields.get(target) != agent.fields.get(key):
            raise EditError(f"renaming {key!r} to {target!r} would change what Claude Code reads")
    return fixed


def _replace_block(agent: Agent, block: str) -> Agent:
    assert agent.block is not None
    bom = "\ufeff" if agent.has_bom else ""
    content = agent.text[len(bom) :]
    return _rebuild(agent, bom + content[: agent.block.start] + block + content[agent.block.end :])


def _renamed(entry: str) -> str | None:
    kind, replacement = _tool_kind(entry)
    if kind == "alias":
        return replacement
    if kind == "removed":
        return REMOVED_TOOLS.get(entry)
    return None


def fix_tools(agent: Agent) -> Agent | None:
    """AK402/AK403: rename legacy tool names in `tools` and `disallowedTools` (LS has no exact
    replacement)."""
    view = View(agent)
    changes: dict[str, Any] = {}
    for key in ("tools", "disallowedTools"):
        value = view.fields.get(key)
        entries = (agent.tools if key == "tools" else agent.disallowed_tools) if key in view.fields else None
        if not entries or not any(_renamed(e) for e in entries):
            continue
        new: list[str] = []
        for entry in entries:
            name = _renamed(entry)
            if name is None:
                new.append(entry)  # untouched, duplicates included: only renamed entries change
            elif name not in entries and name not in new:  # MultiEdit next to Edit: keep the one Edit
                new.append(name)
        changes[key] = ", ".join(new) if isinstance(value, str) else new
    return agent.edit(changes) if changes else None


# Order matters: the fallback fix first, so later edits start from strict YAML.
FIXERS: tuple[tuple[tuple[str, ...], Fixer], ...] = (
    (("AK302",), fix_bom),
    (("AK301",), fix_fallback),
    (("AK406",), fix_keys),
    (("AK402", "AK403"), fix_tools),
)


def _same_reading(before: Agent, after: Agent, rules: tuple[str, ...]) -> str | None:
    """Why `after` is not an acceptable repair of `before`, or None."""
    if after.body != before.body:
        return "the body would change"
    if not after.loaded and before.loaded:
        return "Claude Code would no longer load the agent"
    skip: set[str] = set()
    if "AK406" in rules:
        skip |= {k for k in before.fields if k not in KNOWN_FIELDS} | {
            k for k in after.fields if k not in before.fields
        }
    if rules in (("AK402", "AK403"),):
        skip |= {"tools", "disallowedTools"}
    for key in set(before.fields) | set(after.fields):
        if key in skip:
            continue
        if key == "description":
            if before.description != after.description:
                return "the description Claude Code reads would change"
        elif before.fields.get(key) != after.fields.get(key) and not _same_tools(before, after, key):
            return f"'{key}' would read differently"
    return None


def _same_tools(before: Agent, after: Agent, key: str) -> bool:
    if key == "tools":
        return before.tools == after.tools
    if key == "disallowedTools":
        return before.disallowed_tools == after.disallowed_tools
    return False


def fix_agent(
    agent: Agent, select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
) -> FixResult:
    """Apply every selected fix that has something to repair; a fix that cannot be made safely is skipped
    and reported in `failed`."""
    chosen = {r.id for r in resolve_rules(select, ignore) if r.fixable}
    result = FixResult(agent)
    if not agent.editable:
        return result
    for rules, fixer in FIXERS:
        current = result.agent
        wanted = sorted(set(rules) & chosen)
        # Asked again each time: an earlier fix can reveal work for a later one (allowed-tools: Task).
        present = {f.rule for f in findings(current, select=wanted) if f.fixable} if wanted else set()
        if not present:
            continue
        try:
            fixed = fixer(current)
        except EditError as exc:
            result.failed.append(f"{'/'.join(rules)}: {exc}")
            continue
        if fixed is None or fixed.text == current.text:
            continue
        problem = _same_reading(current, fixed, rules)
        if problem:
            result.failed.append(f"{'/'.join(rules)}: not fixed, {problem}")
            continue
        result.agent = fixed
        result.fixed.extend(r for r in rules if r in present)
    return result


def fix(
    agent: Agent, select: str | Iterable[str] | None = None, ignore: str | Iterable[str] | None = None
) -> Agent:
    """A repaired copy of `agent` (not saved: call `.save()`; `.diff()` shows the change).

    Fixes: fallback-only front matter (AK301), a byte-order mark (AK302), misspelled keys (AK406), legacy
    tool names (AK402/AK403). Claude Code reads the same name, description and values afterwards.
    """
    return fix_agent(agent, select, ignore).agent
