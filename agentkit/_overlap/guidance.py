"""Merge guidance for agents that do the same job: which version to keep, and what to carry over.

For a group (say five versions of a backend developer written by five people) it answers the questions a
person cleaning up a folder asks, from what the library already measures:

- what each member covers that the others do not: section headings, key terms (the heaviest terms of
  its topic vector, weighted by the reference tables the same-role verdict uses), tools, model;
- which descriptions compete for the same requests (Claude routes by description, so two similar
  descriptions split the traffic between two agents unpredictably);
- a suggestion of which member to keep (the one covering most of the group's topics, then the longest
  prompt) and, for each other member, what it adds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from agentkit._overlap.scores import Overlap

# Description scores between members, in words. The description score is a cosine of word and character
# n-gram TF-IDF (see _overlap.route); within one role it runs from about 0.1 to 1.0.
COMPETE_STRONGLY = 0.5
COMPETE = 0.25


def competition(score: float) -> str:
    """How strongly two descriptions compete for the same requests, in words."""
    if score >= COMPETE_STRONGLY:
        return "compete strongly: Claude cannot tell them apart"
    if score >= COMPETE:
        return "compete: many requests fit both"
    return "mostly distinct"


KEY_TERMS = 12  # the heaviest terms of each member that make up the group's topics


@dataclass(frozen=True)
class MergeGuidance:
    """What to keep and what to carry over in a group of agents that do the same job."""

    members: pd.DataFrame  # one row per member: what it has and what it alone covers
    competing: pd.DataFrame  # one row per pair of members: description score and what it means
    keep: str  # the suggested member to keep (its label)
    result: Overlap = field(repr=False)

    @property
    def coverage(self) -> pd.DataFrame:
        """Topics x members (2 a section about it, 1 mentioned, 0 missing): `Overlap.coverage`."""
        return self.result.coverage(list(self.members["label"]))

    def summary(self) -> str:
        """The guidance in sentences, for a terminal or a notebook."""
        lines = [f"Keep {self.keep}: it covers the most of what the {len(self.members)} versions cover."]
        for row in self.members.itertuples(index=False):
            if row.label == self.keep:
                continue
            adds = [*row.only_sections, *row.only_topics]
            tools = f"; tools only it has: {', '.join(row.only_tools)}" if row.only_tools else ""
            what = f"carry over {', '.join(adds[:6])}" if adds else "nothing the others lack"
            lines.append(f"From {row.label}: {what}{tools}.")
        strong = self.competing[self.competing["description"] >= COMPETE]
        for row in strong.itertuples(index=False):
            lines.append(f"{row.a} and {row.b}: descriptions {row.meaning} ({row.description:.2f}).")
        return "\n".join(lines)


def merge_guidance(result: Overlap, members: Iterable[Any]) -> MergeGuidance:
    """Guidance for the agents `members` of `result` (Agents, labels, paths or positions; a `Group`'s
    `agents` do). Cheap: it reuses the features the same-role verdict computed."""
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
    best = frame.sort_values(
        ["topics_covered", "prompt_words", "label"], ascending=[False, False, True]
    ).iloc[0]

    i, j = (m.ravel() for m in np.triu_indices(len(index), 1))
    scores = result.scores("description", index[i], index[j])
    competing = pd.DataFrame(
        {
            "a": [labels[x] for x in i],
            "b": [labels[x] for x in j],
            "description": scores.astype(float),
            "meaning": [competition(float(s)) for s in scores],
        }
    ).sort_values("description", ascending=False, ignore_index=True)
    return MergeGuidance(frame, competing, str(best["label"]), result)


def _tools(agent: Any) -> set[str]:
    tools = agent.tools
    return {"(all tools)"} if tools is None or "*" in tools else set(tools)
