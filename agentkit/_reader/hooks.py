"""Claude Code's checks of an agent's hooks, step for step (2.1.332): which front matter stops it loading.

Two checks, in this order, after the name and description:
1. Guarded hooks outside `hooks` (`guard_problem`): a top-level `PreToolUse`, `PermissionRequest` or
   `PreSkillShellCommand` key with a value (not null, not an empty list), or a key other than `hooks`,
   `metadata`, `mcpServers` and `lspServers` whose value holds, a few levels down, such an event or
   something shaped like a hook matcher. A hook that cannot be applied may be what guards the permissions
   beside it, so Claude Code refuses the whole agent.
2. The `hooks` value (`hooks_problem`), when it is not empty/false: a mapping of hook events to lists of
   matchers `{matcher?: string, hooks: [hook, ...]}`, each hook `{type: command|prompt|agent|http|mcp_tool,
   ...}` with its fields of the right types. Unknown events, and matchers or hooks that are not valid under
   an ordinary event, are dropped with a note; under a guarded event (`GUARDED_HOOK_EVENTS`) any problem,
   or a value that is not a list, stops the agent loading.

JavaScript semantics are kept where they matter: a value is "truthy" as in JavaScript, `null` is not an
object, a mapping and a list are.
"""

from __future__ import annotations

import math
import re
from typing import Any

from agentkit._reader.claude_code import GUARDED_HOOK_EVENTS, HOOK_EVENTS, HOOK_TYPES, UNSCANNED_TOP_KEYS
from agentkit._reader.frontmatter import type_name
from agentkit._reader.frozen import thaw

_GUARDED = frozenset(GUARDED_HOOK_EVENTS)
_EVENTS = frozenset(HOOK_EVENTS)
_UNSCANNED = frozenset(UNSCANNED_TOP_KEYS)
_DEPTH = 3  # how far down Claude Code looks for guarded hooks
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")


def truthy(value: Any) -> bool:
    """JavaScript truthiness of a YAML value."""
    if value is None or value is False or value == "":
        return False
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value != 0 and not (isinstance(value, float) and math.isnan(value))
    return True


def _has_guard_key(value: Any) -> bool:
    """A mapping with a guarded event key whose value is not null and not an empty list."""
    if not isinstance(value, dict):
        return False
    return any(
        k in _GUARDED and v is not None and not (isinstance(v, list) and not v) for k, v in value.items()
    )


def _matcher_like(value: Any) -> bool:
    """Shaped like one hook matcher (`{matcher: ..., hooks: [...]}` or `{hooks: {type: ...}}`)."""
    if not isinstance(value, dict):
        return False
    if "matcher" not in value and any(k in _EVENTS for k in value):
        return False
    hooks = value.get("hooks")
    if isinstance(hooks, list):
        return bool(hooks)
    return isinstance(hooks, dict) and ("matcher" in value or isinstance(hooks.get("type"), str))


def holds_guard(
    value: Any,
    depth: int = _DEPTH,
    *,
    matchers_count: bool = True,
    unscanned: frozenset[str] = frozenset(),
    in_hooks_list: bool = False,
) -> bool:
    """Does this value hold, within `depth` levels, a guarded event or (if `matchers_count`) a matcher?"""
    if _has_guard_key(value):
        return True
    if matchers_count and _matcher_like(value):
        return True
    if depth == 0 or not truthy(value) or not isinstance(value, dict | list):
        return False
    if isinstance(value, list):
        return any(
            holds_guard(
                item,
                depth - 1,
                matchers_count=matchers_count,
                unscanned=unscanned,
                in_hooks_list=in_hooks_list,
            )
            for item in value
        )
    if in_hooks_list and isinstance(value.get("type"), str):
        return False
    return any(
        key not in unscanned
        and holds_guard(
            item,
            depth - 1,
            unscanned=unscanned,
            matchers_count=matchers_count and key not in _EVENTS,
            in_hooks_list=key == "hooks" and isinstance(item, list),
        )
        for key, item in value.items()
    )


def guard_problem(fields: dict[str, Any]) -> tuple[str, str] | None:
    """(key, why) when guarded hooks sit outside `hooks` and Claude Code refuses the agent, else None."""
    for key, value in fields.items():
        if key in _GUARDED and value is not None and not (isinstance(value, list) and not value):
            return key, (
                f"it has a top-level '{key}' key with a value: Claude Code refuses an agent whose "
                f"{key} hooks sit outside 'hooks'"
            )
    for key, value in fields.items():
        if key == "hooks" or key in _UNSCANNED or not isinstance(value, dict | list):  # text holds no hooks
            continue
        if holds_guard(value, matchers_count=key not in _EVENTS, unscanned=_UNSCANNED):
            return key, (
                f"its '{key}' holds hook settings (a guarded event such as PreToolUse, or a hook matcher) "
                "outside 'hooks': Claude Code refuses the agent"
            )
    return None


def _kind(value: Any) -> str:
    # Hook messages say "null" where front-matter messages say "empty": a hook value is JSON-shaped.
    return "null" if value is None else type_name(value)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _optional(hook: dict[str, Any], key: str, check: Any) -> str | None:
    if key in hook and not check(hook[key]):
        return f"'{key}' is {_kind(hook[key])} ({hook[key]!r}), which Claude Code does not accept"
    return None


def _string_list(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)


def _url(value: Any) -> bool:
    return (
        isinstance(value, str)
        and bool(_SCHEME.match(value.strip()))
        and len(value.strip().split(":", 1)[1]) > 0
    )


_COMMON = {
    "if": lambda v: isinstance(v, str),
    "timeout": lambda v: _number(v) and v > 0,
    "statusMessage": lambda v: isinstance(v, str),
    "once": lambda v: isinstance(v, bool),
}
_BY_TYPE: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {  # type -> (required, optional) checks
    "command": (
        {"command": lambda v: isinstance(v, str)},
        {
            "args": _string_list,
            "shell": lambda v: v in ("bash", "powershell"),
            "onFailure": lambda v: v in ("continue", "block"),
            "async": lambda v: isinstance(v, bool),
            "asyncRewake": lambda v: isinstance(v, bool),
            "holdsTools": lambda v: isinstance(v, bool),
            "rewakeMessage": lambda v: isinstance(v, str) and len(v) > 0,
            "rewakeSummary": lambda v: isinstance(v, str) and len(v) > 0,
        },
    ),
    "prompt": (
        {"prompt": lambda v: isinstance(v, str)},
        {"model": lambda v: isinstance(v, str), "continueOnBlock": lambda v: isinstance(v, bool)},
    ),
    "agent": ({"prompt": lambda v: isinstance(v, str)}, {"model": lambda v: isinstance(v, str)}),
    "http": (
        {"url": _url},
        {
            "onFailure": lambda v: v in ("continue", "block"),
            "headers": lambda v: isinstance(v, dict) and all(isinstance(x, str) for x in v.values()),
            "allowedEnvVars": _string_list,
        },
    ),
    "mcp_tool": (
        {"server": lambda v: isinstance(v, str), "tool": lambda v: isinstance(v, str)},
        {"input": lambda v: isinstance(v, dict)},
    ),
}


def hook_entry_problem(hook: Any) -> str | None:
    """Why Claude Code rejects one hook entry (`{type: command, command: ...}`), or None."""
    if not isinstance(hook, dict):
        return f"a hook entry must be a mapping, not {_kind(hook)}"
    kind = hook.get("type")
    if not isinstance(kind, str):
        return "a hook entry has no 'type'" if "type" not in hook else "a hook entry's 'type' must be text"
    if kind not in HOOK_TYPES:
        return f"unknown hook type {kind!r} (known: {', '.join(HOOK_TYPES)})"
    required, optional = _BY_TYPE[kind]
    for key, check in required.items():
        if key not in hook:
            return f"a {kind} hook needs '{key}'"
        if not check(hook[key]):
            return f"a {kind} hook's '{key}' is {_kind(hook[key])}, which Claude Code does not accept"
    for key, check in {**_COMMON, **optional}.items():
        problem = _optional(hook, key, check)
        if problem:
            return f"a {kind} hook's {problem}"
    return None


def _matchers_problem(matchers: list[Any], event: str) -> str | None:
    """Claude Code's check of one event's matcher list. Under an ordinary event bad entries are removed
    (in place); under a guarded one the first problem is returned."""
    guarded = event in _GUARDED
    for index in reversed(range(len(matchers))):
        matcher = matchers[index]
        where = f"'hooks.{event}[{index}]'"
        if holds_guard(matcher, matchers_count=False):
            return f"{where} holds PreToolUse/PermissionRequest hooks where a matcher was expected"
        if not isinstance(matcher, dict) or not isinstance(matcher.get("hooks"), list):
            if guarded:
                what = "a mapping" if not isinstance(matcher, dict) else "a mapping with a 'hooks' list"
                return f"{where} must be {what}"
            del matchers[index]
            continue
        entries = matcher["hooks"]
        problems = []
        for at in reversed(range(len(entries))):
            problem = hook_entry_problem(entries[at])
            if problem:
                problems.append(problem)
                if not guarded:
                    del entries[at]
        if "matcher" in matcher and not isinstance(matcher["matcher"], str):
            if guarded:
                return f"{where}: 'matcher' must be text"
            del matchers[index]
            continue
        if guarded and problems:
            return f"{where}: {problems[-1]}"
    return None


def hooks_problem(value: Any) -> str | None:
    """Why Claude Code would not load an agent with this `hooks` value, or None (also when it only drops
    some entries). An empty or false value means no hooks."""
    if not truthy(value):
        return None
    if _matcher_like(value) or (isinstance(value, list) and any(_matcher_like(v) for v in value)):
        got = "a list of matchers" if isinstance(value, list) else "a single matcher"
        return f"'hooks' must map event names to lists of matchers; it is {got}"
    if not isinstance(value, dict):
        return f"'hooks' must be a mapping of event names to lists of matchers, not {_kind(value)}"
    hooks = thaw(value)  # a copy to drop entries from (the value itself is read-only)
    for event, matchers in list(hooks.items()):
        if event not in _EVENTS:
            if holds_guard(matchers, matchers_count=not isinstance(matchers, list)):
                return f"'hooks.{event}' is not a hook event, but it holds PreToolUse/PermissionRequest hooks"
            continue
        if not isinstance(matchers, list):
            if (event in _GUARDED and matchers is not None) or holds_guard(matchers, matchers_count=False):
                return f"'hooks.{event}' must be a list of matchers, not {_kind(matchers)}"
            continue
        problem = _matchers_problem(matchers, event)
        if problem:
            return problem
    return None
