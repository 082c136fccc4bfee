"""AK5xx: names."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from agentkit._lint.rules.base import (
    KEBAB,
    Hit,
    Member,
    View,
    rule,
    snippet,
)
from agentkit._reader.scan import path_order

# == AK5xx: names ==================================================================================


def _good_name(view: View) -> str | None:
    name = view.fields.get("name")
    return name if isinstance(name, str) and name else None


@rule(
    "AK501",
    "name-not-kebab-case",
    "warning",
    "names",
    "Agent names should be lowercase letters, digits and hyphens (`code-reviewer`).",
    keys=("name",),
)
def name_not_kebab_case(view: View) -> Iterator[Hit]:
    """The documentation asks for lowercase letters and hyphens; names with spaces, capitals or
    underscores are hard to mention (`@agent-...`) and clash with how other tools derive file names.
    """
    name = _good_name(view)
    if name and not KEBAB.fullmatch(name) and not name.startswith("-") and ":" not in name:
        suggestion = re.sub(r"[^a-z0-9]+", "-", re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", name).lower()).strip(
            "-"
        )
        yield Hit(
            view.key_line("name"),
            f"the name {snippet(name)} is not lowercase-and-hyphens"
            + (f"; e.g. '{suggestion}'" if suggestion else ""),
        )


@rule(
    "AK502",
    "name-differs-from-file",
    "info",
    "names",
    "The agent is called by its `name`, not its file name; they differ.",
    keys=("name",),
)
def name_differs_from_file(view: View) -> Iterator[Hit]:
    """Claude Code uses the front matter `name`. When it differs from the file name, people look for the
    wrong agent (`reviewer-strict.md` answers to `strict-reviewer`).
    """
    name = _good_name(view)
    if name and name != view.agent.path.stem and view.agent.path.name != "<string>":
        yield Hit(
            view.key_line("name"),
            f"the agent is called '{name}', not '{view.agent.path.stem}' (its file name)",
        )


def _plugin_of(agent: Member) -> str | None:
    """The plugin an agent belongs to: set by discover, else guessed from a `plugins/<p>/agents/` path."""
    if agent.plugin:
        return agent.plugin
    parts = agent.path.parts
    for i in range(len(parts) - 3, -1, -1):
        if parts[i] == "plugins" and i + 2 < len(parts) - 1 and parts[i + 2] == "agents":
            return parts[i + 1]
    return None


@rule(
    "AK503",
    "duplicate-name",
    "warning",
    "names",
    "Several files define the same agent name: only one of them is used, and the finding says which.",
    scope="set",
)
def duplicate_name(agents: list[Member]) -> Iterator[Hit]:
    """Claude Code keeps one agent per name. Across scopes the later wins (plugin < user < project <
    `--agents` < managed; among project folders the one nearest the working directory). Inside one agents
    folder, the file whose path sorts last wins (Claude Code sorts the paths it finds in UTF-16 order, and
    a later file replaces an earlier one; fixed in 2.1.330). The others are shadowed without a message.
    Plugin agents are named `<plugin>:<name>`, so they clash only within their plugin.
    """
    groups: dict[str, list[Member]] = defaultdict(list)
    for agent in agents:
        if agent.loaded and agent.name:
            plugin = _plugin_of(agent)
            groups[f"{plugin}:{agent.name}" if plugin else agent.name].append(agent)
    for qualified, group in groups.items():
        if len(group) < 2:
            continue
        win = _winner(group)
        why = _why(win, group)
        loses = f"{_where(win)} wins ({why}), so this file is never used"
        head = group[:4]
        beyond_head = _listing(head[:3], len(group))  # what every file after the first four lists
        for agent in group:
            # At most three others by name: a name copied into hundreds of files must not make each
            # message list all of them (quadratic in time and size).
            if any(a is agent for a in head):
                listing = _listing([a for a in head if a is not agent][:3], len(group))
            else:
                listing = beyond_head
            outcome = f"this file wins ({why})" if agent is win else loses
            text = f"the name '{qualified}' is also defined in {listing}; {outcome}"
            yield Hit(agent.name_line, text, agent=agent)


def _listing(others: list[Member], group_size: int) -> str:
    listing = ", ".join(_where(a) for a in others)
    if group_size - 1 > len(others):
        listing += f" and {group_size - 1 - len(others)} more"
    return listing


def _winner(group: list[Member]) -> Member:
    """The file Claude Code uses: the one load()/discover() left unshadowed, else the path sorting last."""
    unshadowed = [a for a in group if a.shadowed_by is None]
    if len(unshadowed) == 1:
        return unshadowed[0]
    return max(unshadowed or group, key=lambda a: path_order(a.path))


def _why(win: Member, group: list[Member]) -> str:
    if any(a.scope != win.scope for a in group) and win.scope:
        return f"its {win.scope} scope takes precedence"
    return "inside one folder, the file whose path sorts last wins"


def _where(agent: Member) -> str:
    return f"{agent.path}" + (f" ({agent.scope})" if agent.scope else "")
