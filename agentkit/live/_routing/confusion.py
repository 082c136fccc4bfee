"""Would Claude confuse two agents? Claude's opinion of two descriptions side by side.

This is not Claude Code's routing (see `agentkit.live.route`, which replays Claude Code's own request): it
shows Claude two agents as Claude Code lists them and asks whether it would send the same requests to both,
the live counterpart of the offline same-role verdict.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from agentkit.live._result import RunResult
from agentkit.live._run import run

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class _Adhoc:
    """A stand-in agent with a given system prompt (the router), so routing runs are cached too."""

    prompt: str
    name: str
    path: None = None
    model: str | None = None

    def render(self) -> str:
        return self.prompt


def _routable(agents: Iterable[Any]) -> list[Any]:
    """The agents Claude Code would list: loaded, named, not shadowed by another file."""
    out = []
    for a in agents:
        if getattr(a, "loaded", True) and getattr(a, "shadowed_by", None) is None and isinstance(a.name, str):
            out.append(a)
    return out


def _agent_name(a: Any) -> str:
    return getattr(a, "qualified_name", None) or a.name


def listing(agents: Iterable[Any], *, routable_only: bool = True) -> str:
    """The agents as Claude Code lists them to its main model: `- name: description (Tools: ...)` lines
    (only those it would list, unless `routable_only=False`)."""
    lines = []
    for a in _routable(agents) if routable_only else agents:
        shown = getattr(a, "listed_tools", None)  # what Claude Code's listing shows
        if shown is None:
            tools = a.tools
            shown = "All tools" if tools is None or "*" in tools else (", ".join(tools) or "None")
        description = a.description if isinstance(a.description, str) else ""
        lines.append(f"- {_agent_name(a)}: {description} (Tools: {shown})")
    return "\n".join(lines)


# -- would Claude confuse two agents? -----------------------------------------------------------------------

CONFUSION_MARKER = "agentkit-confusion/1"  # in the system prompt: lets the stand-in answer it, versions it
CONFUSION_PROMPT = """\
{marker}
You are the main agent of Claude Code. You hand tasks to specialised subagents with the Agent tool, and you
pick the subagent by its name and description. Two of the agents you can pick from:

{listing}

Would you delegate the same requests to both, so that which of the two gets a request is close to a coin
toss? Answer with JSON only, no other text:
{{"confused": true or false, "share": <the fraction, 0 to 1, of the requests meant for either agent that you
could as well send to the other>, "example": "<one request you could send to either>" or null}}"""


@dataclass(slots=True)
class LiveConfusion:
    """Claude's opinion of "would you confuse these two agents?", from their two descriptions shown side by
    side (beside the offline verdict). Not Claude Code's routing: `agentkit.live.route` is that."""

    a: str
    b: str
    confused: bool | None  # None: the answer could not be read
    share: float | None  # of the requests meant for either, the share Claude could send to both
    example: str | None  # a request Claude could send to either
    answer: str  # Claude's raw answer
    run: RunResult

    def words(self) -> str:
        """The answer in words, with where it came from: "Claude: confused (share 0.70) · Anthropic API"."""
        who = "Claude's opinion" if self.run.real else "the stand-in's opinion"
        if self.confused is None:
            said = f"{who} could not be read"
        else:
            said = f"{who}: {'confused' if self.confused else 'not confused'}"
            if self.share is not None:
                said += f" (share {self.share:.2f})"
        return f"{said} · {self.run.source_label}"


def confusion_prompt(a: Any, b: Any) -> str:
    """The system prompt asking whether `a` and `b` would be confused, listing them as Claude Code does."""
    # Both, even when one shadows the other: the question is about their descriptions.
    return CONFUSION_PROMPT.format(marker=CONFUSION_MARKER, listing=listing([a, b], routable_only=False))


def confusion(a: Any, b: Any, model: str | None = None, **options: Any) -> LiveConfusion:
    """Ask Claude whether it would confuse agents `a` and `b` (Claude routes by description): the live
    counterpart of the offline same-role verdict. Cached and recorded like any run (options as run()).
    Offline stays the default everywhere; this makes one request per pair, or none from the cache."""
    judge = _Adhoc(prompt=confusion_prompt(a, b), name="(confusion)")
    options.setdefault("max_tokens", 200)
    result = run(judge, "Answer for these two agents.", model=model, **options)
    confused, share, example = _read_confusion(result.text)
    return LiveConfusion(_agent_name(a), _agent_name(b), confused, share, example, result.text, result)


def _read_confusion(answer: str) -> tuple[bool | None, float | None, str | None]:
    import json

    match = re.search(r"\{.*\}", answer, re.S)
    try:
        data = json.loads(match.group(0)) if match else None
    except ValueError:
        data = None
    if not isinstance(data, dict) or not isinstance(data.get("confused"), bool):
        return None, None, None
    share = data.get("share")
    share = float(share) if isinstance(share, int | float) and 0 <= share <= 1 else None
    example = data.get("example") if isinstance(data.get("example"), str) else None
    return data["confused"], share, example
