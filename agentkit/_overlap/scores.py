"""The pair scores of an overlap, as a registry: each score is one class in one module, registered with
`@register`, the built-in ones exactly as a score of your own.

A score compares two agents with a value in [0, 1] that depends on the pair alone (never on the rest of
the set). It says how to compute the values of some pairs (`values`), and may say how to find every pair
at or above a threshold faster than by comparing all of them (`search`), what a value means in words
(`say`, shown in the column named `words`), and what it refuses up front (`check`). `Overlap` does the
rest for every registered score: pairs tables, matrices, groups, neighbours, caching, the size limits.

    from agentkit.scores import Score, register

    @register
    class SameModel(Score):
        name = "same_model"
        about = "1 when both agents ask for the same model, else 0"

        def values(self, i, j):
            models = [a.model for a in self.source.agents]
            return np.array([float(models[x] == models[y]) for x, y in zip(i, j)])

    agentkit.overlap(agents).pairs(0.5, kind="same_model")

The built-in scores, in the order tables show them: `same_role` (`score_same_role`), `description`
(`score_description`), `body` (`score_body`), `topic` (`score_topic`), `tools` (`score_tools`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from agentkit._errors import TooLargeError

__all__ = ["Found", "Score", "pairs_slice", "register", "registered", "score_class"]

# Pairs a score without a search of its own compares at once, 5 million at a time: about 6,300 agents.
MAX_COMPARED_DEFAULT = 20_000_000
_CHUNK = 5_000_000


@dataclass(frozen=True)
class Found:
    """The pairs a search found: positions i < j, sorted by (i, j), their values, and the values of other
    scores it computed on the way (by name), which a pairs table reuses instead of computing again."""

    i: np.ndarray
    j: np.ndarray
    values: np.ndarray
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.i)

    def sorted(self) -> Found:
        order = np.lexsort((self.j, self.i))
        return Found(
            self.i[order], self.j[order], self.values[order], {k: v[order] for k, v in self.columns.items()}
        )

    def at_least(self, threshold: float) -> Found:
        keep = self.values >= threshold - 1e-12
        return Found(
            self.i[keep], self.j[keep], self.values[keep], {k: v[keep] for k, v in self.columns.items()}
        )


class Score:
    """One way to compare two agents. Subclass it, set `name`, write `values`, decorate with `@register`.

    `source` is the `Overlap` the score belongs to: its `agents` (positions are positions there), and the
    features it shares between scores (`same_role`, the verdict's term vectors; `shingles`). Everything
    else is optional:

    - `search(threshold)`: every pair i < j at or above `threshold`. The default compares all pairs,
      5 million at a time (bounded memory), up to `max_compared` pairs; write a faster one when the score
      allows it (the built-in scores use sparse products by row blocks, `agentkit._overlap.search`).
    - `dense(index)`: the matrix of some agents (the default asks `values` for every pair).
    - `say(value)`: the value in words, for the column named `words` (none by default).
    - `check(threshold)`: refuse, before any work, what would not finish in bounded memory or time
      (raise TooLargeError with what to do instead). The default refuses more than `max_compared` pairs.

    Groups use `linkage`: "single" (connected components of the pairs at the threshold: near-duplicates
    chain) or "complete" (every pair inside a group reaches the threshold).
    """

    name: ClassVar[str] = ""
    about: ClassVar[str] = ""  # what a value means, in one line
    words: ClassVar[str | None] = None  # the column that says each value in words
    default_min: ClassVar[float] = 0.5  # pairs(kind=name) lists pairs from this value
    default_group: ClassVar[float] = 0.8  # groups(kind=name) links pairs from this value
    linkage: ClassVar[str] = "single"
    max_compared: ClassVar[int] = MAX_COMPARED_DEFAULT

    def __init__(self, source: Any) -> None:
        self.source = source

    def __len__(self) -> int:
        return len(self.source.agents)

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The values of the pairs (i[k], j[k]), each in [0, 1]; a pair of an agent with itself is 1."""
        raise NotImplementedError(f"score {self.name!r} does not say how to compute its values")

    def search(self, threshold: float) -> Found:
        n = len(self)
        found_i, found_j, found_v = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
        total = n * (n - 1) // 2
        for start in range(0, total, _CHUNK):
            i, j = pairs_slice(n, start, min(total, start + _CHUNK))
            v = np.clip(np.asarray(self.values(i, j), float), 0.0, 1.0)
            keep = v >= threshold - 1e-12
            found_i.append(i[keep])
            found_j.append(j[keep])
            found_v.append(v[keep])
        return Found(np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_v))

    def dense(self, index: np.ndarray) -> np.ndarray:
        a, b = (m.ravel() for m in np.meshgrid(index, index, indexing="ij"))
        return np.asarray(self.values(a, b), float).reshape(len(index), len(index))

    def say(self, value: float) -> str:
        return f"{self.name} {value:.2f}"

    def check(self, threshold: float) -> None:
        n = len(self)
        compared = n * (n - 1) // 2
        if compared > self.max_compared:
            agents = int((2 * self.max_compared) ** 0.5)
            raise TooLargeError(
                f"the {self.name} score of {n:,} agents would compare {compared:,} pairs, more than agentkit "
                f"compares at once ({self.max_compared:,}: about {agents:,} agents); compare fewer agents at "
                "once (one folder, or a slice of the set)"
            )


_REGISTRY: dict[str, type[Score]] = {}


def register(cls: type[Score]) -> type[Score]:
    """Register a Score subclass under its `name` (a class decorator). Names are unique."""
    if not (isinstance(cls, type) and issubclass(cls, Score)):
        raise TypeError(f"{cls!r} is not a Score subclass")
    name = cls.name
    if not name or not name.isidentifier():
        raise ValueError(f"a score needs a name made of letters, digits and _, not {name!r}")
    if name in _REGISTRY and _REGISTRY[name] is not cls:
        raise ValueError(f"a score named {name!r} is registered already ({_REGISTRY[name].__qualname__})")
    if cls.linkage not in ("single", "complete"):
        raise ValueError(f"linkage is 'single' or 'complete', not {cls.linkage!r}")
    _REGISTRY[name] = cls
    return cls


def registered() -> tuple[str, ...]:
    """The names of the registered scores, in registration order (the built-in ones first)."""
    return tuple(_REGISTRY)


def score_class(name: str) -> type[Score]:
    try:
        return _REGISTRY[name]
    except (KeyError, TypeError):
        raise ValueError(f"unknown score {name!r}: use one of {', '.join(_REGISTRY)}") from None


def pairs_slice(n: int, start: int, stop: int) -> tuple[np.ndarray, np.ndarray]:
    """Pairs number start..stop-1 of the pairs i < j of n agents, in row order, without listing the rest."""
    k = np.arange(start, stop, dtype=np.int64)

    def first(row: np.ndarray) -> np.ndarray:  # the number of row's first pair
        return row * n - row * (row + 1) // 2

    i = (n - 0.5 - np.sqrt((n - 0.5) ** 2 - 2.0 * k)).astype(np.int64)  # the row, up to rounding
    i = np.where(first(i) > k, i - 1, i)
    i = np.where(first(i + 1) <= k, i + 1, i)
    return i, k - first(i) + i + 1
