"""The `tools` score: Jaccard similarity of the two tool sets.

An agent without `tools` (or with `*`) inherits every tool, so it counts as holding all tools: Claude
Code's built-in tools plus every tool any agent of the set names. Two agents that both grant no tool at
all score 1 (they grant the same). A property shown in columns: tools say what an agent may do, not what
it is for, so tools overlap alone never makes a pair the same role.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from agentkit._errors import TooLargeError
from agentkit._overlap import search
from agentkit._overlap.scores import Found, Score, register
from agentkit._reader.claude_code import BUILTIN_TOOLS

__all__ = ["ToolsScore"]


@register
class ToolsScore(Score):
    name = "tools"
    about = "how alike the tool sets are (an agent without tools holds every tool)"
    max_compared = 2**62  # compares the few distinct tool sets, never the pairs

    @cached_property
    def sets(self) -> tuple[np.ndarray, np.ndarray]:
        """(index of each agent's tool set among the distinct sets, Jaccard between distinct sets)."""
        agents = self.source.agents
        everything = set(BUILTIN_TOOLS)
        for a in agents:
            everything.update(t for t in (a.tools or ()) if t != "*")
        sets = [
            frozenset(everything) if a.tools is None or "*" in a.tools else frozenset(a.tools) for a in agents
        ]
        distinct = list(dict.fromkeys(sets))
        position = {s: k for k, s in enumerate(distinct)}
        jaccard = np.array(
            [[len(x & y) / len(x | y) if x | y else 1.0 for y in distinct] for x in distinct]
        ).reshape(len(distinct), len(distinct))
        return np.array([position[s] for s in sets], np.int64), jaccard

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        which, jaccard = self.sets
        return jaccard[which[i], which[j]]

    def dense(self, index: np.ndarray) -> np.ndarray:
        which, jaccard = self.sets
        return jaccard[np.ix_(which[index], which[index])]

    def pair_count(self, threshold: float) -> int:
        """How many pairs reach `threshold`, counted from the distinct tool sets (no listing)."""
        which, jaccard = self.sets
        sizes = np.bincount(which, minlength=len(jaccard)).astype(np.float64)
        reach = (jaccard >= threshold - 1e-12).astype(np.float64)
        ordered = float(sizes @ reach @ sizes) - float(np.dot(np.diag(reach), sizes))  # (a, b) with a != b
        return int(round(ordered / 2))

    def search(self, threshold: float) -> Found:
        # Few distinct tool sets: compare the sets, then expand to the agents holding them.
        if self.pair_count(threshold) > search.MAX_LISTED_PAIRS:
            raise search.TooManyPairs  # count first: listing them is what would not fit
        n = len(self)
        which, jaccard = self.sets
        members = [np.flatnonzero(which == g) for g in range(len(jaccard))]
        parts = [np.zeros(0, np.int64)]
        for g, h in zip(*np.nonzero(jaccard >= threshold - 1e-12), strict=True):
            if g > h:
                continue
            a, b = (m.ravel() for m in np.meshgrid(members[g], members[h], indexing="ij"))
            keep = a != b
            a, b = a[keep], b[keep]
            parts.append(np.minimum(a, b) * n + np.maximum(a, b))
        code = np.unique(np.concatenate(parts))
        i, j = code // max(n, 1), code % max(n, 1)
        return Found(i, j, jaccard[which[i], which[j]])

    def check(self, threshold: float) -> None:
        count = self.pair_count(threshold)
        if count > search.MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"the tools score of {len(self):,} agents reaches {threshold:g} for {count:,} pairs (agents "
                f"that inherit every tool all match), more than the {search.MAX_LISTED_PAIRS:,} agentkit "
                "lists; let other scores decide (--kind body, description or topic; kind= in Python), or "
                "raise the minimum score"
            )
