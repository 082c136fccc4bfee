"""Applying the fixes the rules declare, with a minimal diff: only the offending lines change, the body
never does, and each result is checked against what the fix declares it may change.

Safe fixes keep Claude Code's reading; unsafe ones (ruff's term) change it on purpose and run only when
asked for with `unsafe=True` (`agentkit lint --fix --unsafe-fixes`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from agentkit._edit.write import same
from agentkit._errors import EditError
from agentkit._lint.engine import findings, resolve_rules
from agentkit._lint.rules import RULES, Fix
from agentkit._reader.agent import Agent, claude_code_reading, require_agent
from agentkit._reader.frozen import FrozenList


@dataclass(frozen=True)
class FixResult:
    """What `agentkit.fix` did to one agent. `agent` is the repaired copy (not saved), or the input.
    Read-only, its lists included."""

    agent: Agent
    fixed: list[str] = field(default_factory=FrozenList)  # rule IDs repaired
    failed: list[str] = field(default_factory=FrozenList)  # "AK301: why" for fixes that could not be made
    skipped_unsafe: list[str] = field(default_factory=FrozenList)  # rule IDs with an unsafe fix not applied

    def __post_init__(self) -> None:
        for name in ("fixed", "failed", "skipped_unsafe"):
            object.__setattr__(self, name, FrozenList(getattr(self, name)))

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def _reading_change(before: Agent, after: Agent, fix: Fix) -> str | None:
    """How `after` reads differently from `before` beyond what `fix` declares it may change, or None."""
    if after.body != before.body:
        return "the body would change"
    if before.loaded and not after.loaded:
        return "Claude Code would no longer load the agent"
    allowed = set(fix.may_change)
    if fix.renames_keys:
        allowed |= set(before.fields) ^ set(after.fields)
    for key in [k for k in dict.fromkeys([*before.fields, *after.fields]) if k not in allowed]:
        if not same(claude_code_reading(before, key), claude_code_reading(after, key)):
            if key == "description":
                return "the description Claude Code reads would change"
            return f"'{key}' would read differently"
    return None


def fix(
    agent: Agent,
    select: str | Iterable[str] | None = None,
    ignore: str | Iterable[str] | None = None,
    *,
    unsafe: bool = False,
) -> FixResult:
    """Repair what the selected rules can repair in `agent`; return a FixResult (call `agentkit.save`
    on `.agent` to write it, `agentkit.diff` to see it).

    Safe fixes keep what Claude Code reads: fallback-only front matter (AK301), a byte-order mark (AK302),
    legacy tool aliases (AK403). Unsafe fixes change it on purpose and run only with `unsafe=True`:
    misspelled keys (AK406; e.g. `allowed-tools` becomes `tools`, so the agent stops inheriting every
    tool) and removed tool names (AK402; MultiEdit becomes Edit, which the agent then really gets).
    A fix that cannot be made without another change is skipped and reported in `failed`.
    """
    require_agent(agent, "fix()")
    chosen = {r.id for r in resolve_rules(select, ignore) if r.fix is not None}
    if not agent.editable:
        return FixResult(agent)
    current = agent
    fixed_ids: list[str] = []
    failed: list[str] = []
    skipped: list[str] = []
    rules = [r for r in RULES.values() if r.id in chosen and r.fix is not None]
    # Rule order (AK301 first, so later fixes start from strict YAML), repeated while a fix reveals work
    # for another (`allowed-tools: Task` becomes `tools: Task` only after AK406, then AK403 applies).
    for _ in range(len(rules)):
        changed = False
        for rule in rules:
            assert rule.fix is not None
            if rule.id in fixed_ids or rule.id in skipped or any(f.startswith(rule.id) for f in failed):
                continue
            if not any(f.fixable for f in findings(current, select=[rule.id])):
                continue
            if rule.fix.unsafe and not unsafe:
                skipped.append(rule.id)
                continue
            try:
                fixed = rule.fix.apply(current)
            except EditError as exc:
                failed.append(f"{rule.id}: {exc}")
                continue
            if fixed is None or fixed.text == current.text:
                continue
            problem = _reading_change(current, fixed, rule.fix)
            if problem:
                failed.append(f"{rule.id}: not fixed, {problem}")
                continue
            current, changed = fixed, True
            fixed_ids.append(rule.id)
        if not changed:
            break
    return FixResult(current, fixed_ids, failed, skipped)
