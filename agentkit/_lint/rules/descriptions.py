"""AK6xx: descriptions and body."""

from __future__ import annotations

from collections.abc import Iterator

from agentkit._lint.rules.base import (
    LONG_DESCRIPTION,
    TRIGGER_WORDS,
    TRIGGER_WORDS_LOWER,
    Hit,
    Member,
    View,
    rule,
)
from agentkit._reader.claude_code import (
    DESCRIPTION_BUDGET_TOKENS,
    PLUGIN_PLACEHOLDER,
)

# == AK6xx: descriptions and body ==================================================================


def _description(view: View) -> str | None:
    value = view.agent.description if view.usable else None
    if not isinstance(value, str) or not value.strip():
        return None
    if view.agent.plugin and value == PLUGIN_PLACEHOLDER.format(plugin=view.agent.plugin):
        return None
    return value


def _has_trigger(text: str) -> bool:
    # Lowercasing ASCII text and matching case-sensitively gives the same answer at twice the speed;
    # other text keeps the case-insensitive pattern (Unicode lowercasing can change lengths).
    if text.isascii():
        return TRIGGER_WORDS_LOWER.search(text.lower()) is not None
    return TRIGGER_WORDS.search(text) is not None


@rule(
    "AK601",
    "description-no-trigger",
    "warning",
    "descriptions",
    "The description never says when to use the agent, so Claude rarely delegates to it.",
    keys=("description",),
)
def description_no_trigger(view: View) -> Iterator[Hit]:
    """Claude picks a subagent by its description. Descriptions that only say what the agent is
    ("Expert in Rust") get fewer delegations than ones that say when to use it: "Use when ...",
    "Use this agent to ...", "Use PROACTIVELY after ...", "Invoke for ...".
    """
    text = _description(view)
    if text and not _has_trigger(text):
        yield Hit(
            view.key_line("description"),
            "the description does not say when to use the agent (e.g. "
            "'Use when ...', 'Use PROACTIVELY after ...'): Claude may "
            "not delegate to it",
        )


@rule(
    "AK602",
    "description-too-long",
    "warning",
    "descriptions",
    f"A description over {LONG_DESCRIPTION:,} characters crowds Claude's list of agents.",
    keys=("description",),
)
def description_too_long(view: View) -> Iterator[Hit]:
    """Every description is sent with each request that may delegate. Long example dialogues belong in
    the body (the system prompt), not in the description.
    """
    text = _description(view)
    if text and len(text) > LONG_DESCRIPTION:
        yield Hit(
            view.key_line("description"),
            f"the description is {len(text):,} characters long (over "
            f"{LONG_DESCRIPTION:,}); move examples to the body",
        )


@rule(
    "AK603",
    "description-budget",
    "warning",
    "descriptions",
    f"All descriptions together exceed Claude Code's budget of about {DESCRIPTION_BUDGET_TOKENS:,} tokens.",
    scope="set",
)
def description_budget(agents: list[Member]) -> Iterator[Hit]:
    """Claude Code warns when the agents' descriptions total more than about 15,000 tokens (estimated
    here as characters / 4): they take context in every conversation, and routing gets worse. Reported
    once, on the file with the longest description.
    """
    live = [a for a in agents if a.loaded and a.shadowed_by is None and a.description_chars is not None]
    total = sum(a.description_chars or 0 for a in live)
    if total / 4 <= DESCRIPTION_BUDGET_TOKENS:
        return
    longest = max(live, key=lambda a: a.description_chars or 0)
    yield Hit(
        longest.description_line,
        f"the {len(live)} agents' descriptions total {total:,} characters "
        f"(about {total // 4:,} tokens), over Claude Code's budget of about "
        f"{DESCRIPTION_BUDGET_TOKENS:,} tokens; this one is the longest "
        f"({longest.description_chars:,} characters)",
        agent=longest,
    )


@rule("AK604", "empty-body", "warning", "descriptions", "The body is empty: the agent has no system prompt.")
def empty_body(view: View) -> Iterator[Hit]:
    """The text after the front matter is the agent's system prompt; without it the agent knows nothing
    beyond its description.
    """
    agent = view.agent
    if view.usable and agent.loaded and not agent.body.strip():
        yield Hit(agent.body_start_line, "the body is empty: the agent has no system prompt")
