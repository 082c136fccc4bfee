"""Claude Code's agent listing, read from its main-loop request.

The listing is a block of the request (2.1.332: in a system-role message, after the environment): a marker
line, then one entry per agent, `- <name>: <description> (Tools: <tools>)`. A description may hold newlines
and blank lines, so an entry ends at the first line that ends with `)` and holds ` (Tools: `; the block ends
at the first line after an entry that does not start another one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from agentkit._oracle.probe import LISTING_MARKER, TOOLS_MARKER, request_texts
from agentkit._reader.claude_code import BUILTIN_AGENTS


@dataclass(frozen=True, slots=True)
class ListedAgent:
    """One agent as Claude Code lists it to the main loop."""

    name: str
    description: str
    tools: str  # as listed: "Read, Grep", "All tools", "*", "All tools except ..."
    builtin: bool  # one of Claude Code's built-in agents (not a file of the user's with its name)


def listing_span(text: str) -> tuple[int, int] | None:
    """(start, end) of the entries in `text` (after the marker line), or None without a listing."""
    at = text.find(LISTING_MARKER)
    if at < 0:
        return None
    start = at + len(LISTING_MARKER)
    end = position = start
    in_entry = False
    for line in text[start:].split("\n"):
        line_end = position + len(line)
        if not in_entry:
            if not line.startswith("- ") or ": " not in line:
                break
            in_entry = True
        if in_entry and line.endswith(")") and TOOLS_MARKER in line:
            in_entry = False
            end = line_end
        position = line_end + 1
        if position > len(text):
            break
    return start, end


def parse_entries(text: str, custom: Iterable[str] = ()) -> list[ListedAgent]:
    """The entries of the listing in `text`; `custom` names agents of the user's that share a built-in
    agent's name (they replace it, so they are not built-in)."""
    span = listing_span(text)
    if span is None:
        return []
    own = set(custom)
    out: list[ListedAgent] = []
    block = text[span[0] : span[1]]
    entry: list[str] = []
    for line in block.split("\n"):
        entry.append(line)
        if line.endswith(")") and TOOLS_MARKER in line:
            whole = "\n".join(entry)[2:]
            name, _, rest = whole.partition(": ")
            cut = rest.rfind(TOOLS_MARKER)
            description, tools = rest[:cut], rest[cut + len(TOOLS_MARKER) : -1]
            out.append(ListedAgent(name, description, tools, name in BUILTIN_AGENTS and name not in own))
            entry = []
    return out


def listing_text(body: Mapping[str, Any] | Any) -> str | None:
    """The request text that holds the listing, or None."""
    for _, text in request_texts(body):
        if LISTING_MARKER in text:
            return text
    return None


def parse_listing(body: Mapping[str, Any] | Any, custom: Iterable[str] = ()) -> list[ListedAgent]:
    """Every agent Claude Code lists in this request, in its order."""
    text = listing_text(body)
    return parse_entries(text, custom) if text is not None else []
