"""Merge guidance for agents that do the same job: which version to keep, and what to carry over.

For a group (say five versions of a backend developer written by five people) it answers the questions a
person cleaning up a folder asks, from what the library already measures:

- which member to keep: the one covering the most of the group's key terms (the heaviest terms of each
  member's topic vector, weighted by the reference tables the same-role verdict uses), then the longest
  prompt;
- what each other member says that the kept one does not: whole sentences and list items of its body,
  quoted as written (never a list of loose words), those whose words the kept version mostly lacks;
  when there is none, it says so;
- which descriptions compete for the same requests (Claude routes by description, so two similar
  descriptions split the traffic between two agents unpredictably).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.coverage import content_words
from agentkit._overlap.score_description import COMPETE, competition

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MergeGuidance", "carry_over", "merge_guidance", "passages_of"]

KEY_TERMS = 12  # the heaviest terms of each member that make up the group's topics
CARRY_OVER = 3  # passages quoted per member
MOST_COMPETING = 1000  # pairs of members rated, strongest first (a group of 1,000 copies has 499,500)
SHOWN_MEMBERS = 10  # members the summary speaks of one by one; the rest in one line
_BULLET = re.compile(r"^(\s*)(?:[-*+]|\d{1,3}[.)])\s+(.*)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(`*]?[A-Z0-9])")
_MARKUP = re.compile(r"^\s*(?:#|>|\||<|---|===|```|~~~)")


@dataclass(frozen=True)
class MergeGuidance:
    """What to keep and what to carry over in a group of agents that do the same job."""

    members: pd.DataFrame  # one row per member: what it has and what it alone covers
    competing: pd.DataFrame  # pairs of members, strongest first: description score and what it means
    keep: str  # the suggested member to keep (its label)
    result: Any = field(repr=False)  # the Overlap the members belong to

    @property
    def coverage(self) -> pd.DataFrame:
        """Topics x members (2 a section about it, 1 mentioned, 0 missing): `Overlap.coverage`."""
        return self.result.coverage(list(self.members["label"]))

    def summary(self) -> str:
        """The guidance in sentences, for a terminal or a notebook."""
        lines = [f"Keep {self.keep}: it covers the most of what the {len(self.members)} versions cover."]
        # Rows of lists (carry_over, only_tools): pandas' types know only scalars in a cell.
        others: list[Any] = [row for row in self.members.itertuples(index=False) if row.label != self.keep]
        adding = [row for row in others if row.carry_over or row.only_tools]
        for row in adding[:SHOWN_MEMBERS]:
            tools = f"tools only it has: {', '.join(row.only_tools)}" if row.only_tools else ""
            if row.carry_over:
                lines.append(f"From {row.label}, carry over what {self.keep} does not say:")
                lines += [f'  "{passage}"' for passage in row.carry_over]
                if tools:
                    lines.append(f"  ({tools})")
            else:
                lines.append(f"From {row.label}: {tools}.")
        if len(adding) > SHOWN_MEMBERS:
            lines.append(f"{len(adding) - SHOWN_MEMBERS} more versions add something (see `members`).")
        quiet = len(others) - len(adding)
        if quiet:
            lines.append(
                f"{'The other version says' if quiet == 1 else f'The {quiet} other versions say'} nothing "
                f"that {self.keep} lacks."
            )
        strong = self.competing[self.competing["description"] >= COMPETE]
        for row in strong.head(SHOWN_MEMBERS).itertuples(index=False):
            lines.append(f"{row.a} and {row.b}: descriptions {row.meaning} ({row.description:.2f}).")
        if len(strong) > SHOWN_MEMBERS:
            lines.append(f"... and {len(strong) - SHOWN_MEMBERS} more pairs whose descriptions compete.")
        return "\n".join(lines)


def merge_guidance(result: Any, members: Iterable[Any]) -> MergeGuidance:
    """Guidance for the agents `members` of `result` (an Overlap; Agents, labels, paths or positions; a
    `Group`'s `agents` do). Cheap: it reuses the features the same-role verdict computed."""
    import pandas as pd

    index = result.positions(list(members))
    if len(index) < 2:
        raise ValueError("merge guidance needs at least two agents")
    labels = [result.labels[x] for x in index]
    agents = [result.agents[x] for x in index]
    heading_sets = [set(result.sections(x)) for x in index]
    tool_sets = [_tools(a) for a in agents]
    terms, weights = result.key_terms(index, KEY_TERMS)  # per member: its heaviest terms
    group_terms = set().union(*terms)
    rows = []
    for k, (label, agent) in enumerate(zip(labels, agents, strict=True)):
        others = [x for x in range(len(agents)) if x != k]
        only_sections = sorted(heading_sets[k] - set().union(*(heading_sets[x] for x in others)))
        covered = {t for t in group_terms if weights[k].get(t, 0.0) > 0}
        only_terms = [t for t in terms[k] if all(weights[x].get(t, 0.0) == 0 for x in others)]
        only_tools = sorted(tool_sets[k] - set().union(*(tool_sets[x] for x in others)))
        rows.append(
            {
                "label": label,
                "path": str(agent.path),
                "model": agent.model if isinstance(agent.model, str) else None,
                "tools": "all tools" if agent.tools is None else ", ".join(agent.tools) or "none",
                "prompt_words": len(agent.prompt.split()),
                "sections": len(heading_sets[k]),
                "topics_covered": len(covered),
                "only_sections": only_sections,
                "only_topics": only_terms,
                "only_tools": only_tools,
            }
        )
    frame = pd.DataFrame(rows)
    best = int(
        frame.sort_values(["topics_covered", "prompt_words", "label"], ascending=[False, False, True]).index[
            0
        ]
    )
    kept = agents[best]
    frame["carry_over"] = [[] if k == best else carry_over(agent, kept) for k, agent in enumerate(agents)]

    i, j = np.triu_indices(len(index), 1)
    if len(i) > MOST_COMPETING:  # rate the pairs with the kept version first, then as many others as fit
        with_kept = (i == best) | (j == best)
        order = np.concatenate([np.flatnonzero(with_kept), np.flatnonzero(~with_kept)])[:MOST_COMPETING]
        i, j = i[order], j[order]
    scores = result.scores("description", index[i], index[j])
    competing = pd.DataFrame(
        {
            "a": [labels[x] for x in i],
            "b": [labels[x] for x in j],
            "description": scores.astype(float),
            "meaning": [competition(float(s)) for s in scores],
        }
    ).sort_values("description", ascending=False, ignore_index=True, kind="stable")
    return MergeGuidance(frame, competing, labels[best], result)


def passages_of(body: str) -> list[str]:
    """The sentences and list items of a body, each whole and as written (a list item's continuation
    lines joined to it; headings, tables, markup and code blocks left out)."""
    units: list[str] = []
    paragraph: list[str] = []
    item: list[str] = []
    fenced = False

    def flush() -> None:
        if item:
            units.append(" ".join(item))
            item.clear()
        if paragraph:
            units.extend(s.strip() for s in _SENTENCE_END.split(" ".join(paragraph)) if s.strip())
            paragraph.clear()

    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            flush()
            fenced = not fenced
            continue
        if fenced:
            continue
        bullet = _BULLET.match(line)
        if not stripped or _MARKUP.match(line):
            flush()
        elif bullet:
            flush()
            item.append(bullet.group(2).strip())
        elif item and line[:1].isspace():
            item.append(stripped)  # the list item goes on
        else:
            if item:
                flush()
            paragraph.append(stripped)
    flush()
    return units


def carry_over(agent: Any, kept: Any, most: int = CARRY_OVER) -> list[str]:
    """Up to `most` passages of `agent`'s body (whole sentences or list items, as written) that say what
    `kept` does not: five words or more, four that count, most of them absent from `kept`'s description
    and body. The ones with the most such words first, in their order in the file when equal."""
    kept_text = f"{getattr(kept, 'description', '') or ''}\n{kept.body if isinstance(kept.body, str) else ''}"
    known = set(content_words(kept_text))
    found = []
    body = agent.body if isinstance(agent.body, str) else ""
    for position, passage in enumerate(passages_of(body)):
        if len(passage) > 300 or len(passage.split()) < 5:  # a sentence to quote: not a page, not a label
            continue
        words = set(content_words(passage))
        new = words - known
        if len(words) >= 4 and len(new) >= 0.6 * len(words):
            found.append((-len(new), position, passage))
    return [passage for _, _, passage in sorted(found)[:most]]


def _tools(agent: Any) -> set[str]:
    tools = agent.tools
    return {"(all tools)"} if tools is None or "*" in tools else set(tools)
