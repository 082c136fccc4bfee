"""Trajectory checks: judged from the tool calls and turns of a real Claude Code run (`mode:
claude-code`), registered like every other assertion type. A direct API run calls no tools, so a suite
that uses these in API mode is refused before it runs.

    tool-called       a call of the tool (value: its name) was made; `args` (a mapping) narrows it to
                      calls whose input holds those values (a subset; a relative path matches the
                      absolute path Claude Code used, `notes.txt` ~ `/tmp/.../notes.txt`)
    tool-not-called   no such call was made
    tool-sequence     the tools (value: a list of names) were called in this order; other calls in
                      between are allowed unless `gaps: false`; the score is the share matched in order
    max-tool-calls    at most `value` tool calls
    max-turns         at most `value` model turns of the agent
    delegated-to      an Agent call (the tool a main session delegates with) named this subagent

Tool names are read as Claude Code reads them: an old name (`Task`) means its current tool (`Agent`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agentkit._reader.claude_code import AGENT_TOOL, TOOL_ALIASES
from agentkit.evals._builtin import split_commas, strict_equal
from agentkit.evals._checks import Assertion
from agentkit.evals._records import Answer
from agentkit.evals._registry import assertion


def _tool(name: str) -> str:
    return TOOL_ALIASES.get(name, name)


def _name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"value must be a tool name (text), not {value!r}")
    return value.strip()


def _names(value: Any) -> list[str]:
    if isinstance(value, str):
        value = split_commas(value)
    if not isinstance(value, list | tuple) or not value:
        raise ValueError("value must be a non-empty list of tool names (or a comma-separated text)")
    return [_name(v) for v in value]


def _count(low: int) -> Any:
    def check(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ValueError(f"value must be a whole number >= {low}, not {value!r}")
        return value

    return check


def _args_option(options: Mapping[str, Any]) -> None:
    if "args" in options and not isinstance(options["args"], Mapping):
        raise ValueError(
            f"args must be a mapping of the tool's input keys to values, not {options['args']!r}"
        )


def _gaps_option(options: Mapping[str, Any]) -> None:
    if "gaps" in options and not isinstance(options["gaps"], bool):
        raise ValueError(f"gaps must be true or false, not {options['gaps']!r}")


def matches(expected: Any, actual: Any) -> bool:
    """Does a tool input value hold what is expected? Mappings by subset, a relative path by suffix."""
    if isinstance(expected, Mapping):
        return isinstance(actual, Mapping) and all(
            k in actual and matches(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, str) and isinstance(actual, str):
        return actual == expected or (
            not expected.startswith("/") and actual.endswith("/" + expected.lstrip("./"))
        )
    return strict_equal(expected, actual)


def _calls(answer: Answer, name: str, args: Mapping[str, Any] | None) -> list[Mapping[str, Any]]:
    wanted = _tool(name)
    return [
        c
        for c in answer.tool_calls
        if _tool(str(c.get("name"))) == wanted and (args is None or matches(args, c.get("input") or {}))
    ]


def _called(answer: Answer) -> str:
    names = [str(c.get("name")) for c in answer.tool_calls]
    return f"calls: {', '.join(names)}" if names else "no tool calls"


def _described(name: str, args: Mapping[str, Any] | None) -> str:
    return name + (f" with {dict(args)}" if args else "")


_CC = "claude-code"
_TOOLS = "tool names as Claude Code reads them (Task = Agent); args: a subset of the input"


@assertion(
    "tool-called", value=_name, options=_args_option, keys=("args",), needs=_CC, isolate=False, _builtin=True,
    normalisation=_TOOLS,
)  # fmt: skip
def tool_called(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The agent called the tool (with these args, when given)."""
    found = _calls(answer, a.value, a.option("args"))
    what = _described(a.value, a.option("args"))
    if found:
        return True, f"called {what} ({len(found)} time{'s' if len(found) != 1 else ''})"
    return False, f"never called {what}; {_called(answer)}"


@assertion(
    "tool-not-called", value=_name, options=_args_option, keys=("args",), needs=_CC, isolate=False,
    negatable=False, _builtin=True, normalisation=_TOOLS,
)  # fmt: skip
def tool_not_called(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The agent never called the tool (with these args, when given)."""
    found = _calls(answer, a.value, a.option("args"))
    what = _described(a.value, a.option("args"))
    if found:
        return False, f"called {what} ({len(found)} time{'s' if len(found) != 1 else ''})"
    return True, f"never called {what}; {_called(answer)}"


@assertion(
    "tool-sequence", value=_names, options=_gaps_option, keys=("gaps", "threshold"), needs=_CC, isolate=False,
    _builtin=True, normalisation="in order; other calls between allowed unless gaps: false; score = share matched",
)  # fmt: skip
def tool_sequence(answer: Answer, a: Assertion) -> tuple[float | bool, str]:
    """The agent called the tools in this order."""
    wanted = [_tool(n) for n in a.value]
    made = [_tool(str(c.get("name"))) for c in answer.tool_calls]
    gaps = a.option("gaps", True)
    if gaps:
        matched = 0
        for name in made:
            if matched < len(wanted) and name == wanted[matched]:
                matched += 1
    else:  # the longest run of consecutive calls that follows the sequence from its start
        matched = max(
            (next((k for k in range(len(wanted)) if i + k >= len(made) or made[i + k] != wanted[k]), len(wanted))
             for i in range(len(made))),
            default=0,
        )  # fmt: skip
    how = "in order" if gaps else "in a row"
    shown = " -> ".join(a.value)
    if matched == len(wanted):
        return True, f"called {shown} {how}"
    if a.threshold is None:
        return False, f"matched {matched} of {len(wanted)} of {shown} {how}; {_called(answer)}"
    return matched / len(wanted), f"matched {matched} of {len(wanted)} of {shown} {how}; {_called(answer)}"


@assertion(
    "max-tool-calls",
    value=_count(0),
    negatable=False,
    needs=_CC,
    isolate=False,
    _builtin=True,
    normalisation="<= value",
)
def max_tool_calls(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The agent made at most this many tool calls."""
    n = len(answer.tool_calls)
    return n <= a.value, f"{n} tool call{'s' if n != 1 else ''} {'<=' if n <= a.value else '>'} {a.value}"


@assertion(
    "max-turns",
    value=_count(1),
    negatable=False,
    needs=_CC,
    isolate=False,
    _builtin=True,
    normalisation="<= value",
)
def max_turns(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The agent took at most this many model turns."""
    n = answer.turns if answer.turns is not None else 1
    return n <= a.value, f"{n} turn{'s' if n != 1 else ''} {'<=' if n <= a.value else '>'} {a.value}"


@assertion(
    "delegated-to", value=_name, needs=_CC, isolate=False, _builtin=True,
    normalisation=f"an {AGENT_TOOL} call whose subagent_type is the value (main-session runs)",
)  # fmt: skip
def delegated_to(answer: Answer, a: Assertion) -> tuple[bool, str]:
    """The session handed the request to this subagent (an Agent call naming it)."""
    named = [
        str((c.get("input") or {}).get("subagent_type"))
        for c in answer.tool_calls
        if _tool(str(c.get("name"))) == AGENT_TOOL
    ]
    if a.value in named:
        return True, f"delegated to {a.value}"
    return False, f"delegated to {', '.join(named)}" if named else "delegated to no subagent"
