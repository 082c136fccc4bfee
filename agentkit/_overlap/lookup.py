"""Which agent is meant: positions, names, paths and unique labels of a set of agents (an Overlap's)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from agentkit._overlap.text import display_name

__all__ = ["AgentIndex"]


class AgentIndex:
    """Agents in one order, found by Agent, label, path (text or Path) or position.

    `labels` are the agents' names, made unique with their path when names repeat.
    """

    def __init__(self, agents: Iterable[Any]) -> None:
        self.agents: list[Any] = list(agents)

    def __len__(self) -> int:
        return len(self.agents)

    @cached_property
    def names(self) -> list[str]:
        """The name Claude Code shows for each agent (`plugin:name`, else name, else file name)."""
        return [display_name(a) for a in self.agents]

    @cached_property
    def paths(self) -> list[str]:
        """Each agent's path, as text."""
        return [str(a.path) for a in self.agents]

    @cached_property
    def labels(self) -> list[str]:
        """Unique display labels: the name, followed by the path when names repeat."""
        return _labels(self.names, self.paths)

    def index(self, agent: Any) -> int:
        """The position of an agent given as Agent, label, path (text or Path) or position."""
        if isinstance(agent, (int, np.integer)):
            if not -len(self) <= agent < len(self):
                raise IndexError(f"no agent at position {agent}")
            return int(agent) % len(self)
        x = self._identity.get(id(agent))
        if x is not None and self.agents[x] is agent:
            return x
        key = str(agent.path) if hasattr(agent, "path") else str(agent)
        if key in self._lookup:
            return self._lookup[key]
        resolved = str(Path(key).resolve())
        if resolved in self._resolved:
            return self._resolved[resolved]
        raise KeyError(f"not one of these agents: {agent!r}")

    @cached_property
    def _identity(self) -> dict[int, int]:
        return {id(a): x for x, a in enumerate(self.agents)}

    @cached_property
    def _lookup(self) -> dict[str, int]:
        """Paths, names that are unique, and labels, to positions."""
        table: dict[str, int] = {}
        counts = Counter(self.names)
        for x, (name, path) in enumerate(zip(self.names, self.paths, strict=True)):
            table.setdefault(path, x)
            if counts[name] == 1:
                table.setdefault(name, x)
        for x, label in enumerate(self.labels):
            table[label] = x
        return table

    @cached_property
    def _resolved(self) -> dict[str, int]:
        table: dict[str, int] = {}
        for x, path in enumerate(self.paths):
            table.setdefault(str(Path(path).resolve()), x)
        return table

    def positions(self, agents: Iterable[Any] | None) -> np.ndarray:
        """Positions in `agents` of the given agents (Agent, label, path or position each); all if None."""
        if agents is None:
            return np.arange(len(self))
        if isinstance(agents, np.ndarray) and agents.dtype.kind in "iu":
            return agents.astype(np.int64)
        return np.array([self.index(a) for a in agents], np.int64)


def _labels(names: Sequence[str], paths: Sequence[str]) -> list[str]:
    """Names where unique; repeated names get the path below the folder all agents share."""
    counts = Counter(names)
    try:
        root = os.path.commonpath([os.path.dirname(p) for p in paths]) if paths else ""
    except ValueError:  # mixed absolute and relative paths
        root = ""
    cut = len(root) + 1 if root and root != os.sep else len(root)
    labels = []
    for name, path in zip(names, paths, strict=True):
        if counts[name] == 1:
            labels.append(name)
        else:
            below = path[cut:] if root and path.startswith(root) else path
            labels.append(f"{name} ({below.replace(os.sep, '/')})")
    seen: Counter[str] = Counter()
    unique = []
    for label in labels:  # the same file given twice: still distinct labels
        seen[label] += 1
        unique.append(label if seen[label] == 1 else f"{label} #{seen[label]}")
    return unique
