"""What a set of agents holds that makes pair lists explode, counted before any pair is compared.

A set of N agents has N(N-1)/2 pairs; how many of them a search lists depends on what the set holds.
Files that share a body are verbatim copies (body score 1, same role at least 0.99), files that share a
description score 1 on description and are candidates of the same-role search, and so are files that
share a name: a cluster of c such files alone makes c(c-1)/2 pairs. These are counted here from hashes
of the texts (linear time, a few MB), so that a request that would list or score more pairs than agentkit
holds in memory is refused before the work starts, with the reason and what to do instead, rather than
found out gigabytes later (issue 25: 20,000 agents with many near-identical bodies went past 8 GB).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from agentkit._overlap.text import stop_words

__all__ = ["BYTES_PER_LISTED_PAIR", "Cluster", "Holdings", "gigabytes"]

# What a listed pair costs until it is written out (the search's arrays and caches, the table row with its words):
# 10,000 agents with 5 million likely pairs peaked at 2.4 GB (benchmarks/overlap.py --memory).
BYTES_PER_LISTED_PAIR = 450
_WORD = re.compile(r"[a-z][a-z0-9+#]+")


def gigabytes(pairs: int) -> str:
    return f"{max(pairs * BYTES_PER_LISTED_PAIR / 1e9, 0.1):.1f} GB"


@dataclass(frozen=True)
class Cluster:
    """Agents (positions) that share one text."""

    members: np.ndarray

    @property
    def pairs(self) -> int:
        return len(self.members) * (len(self.members) - 1) // 2


def pair_count(clusters: Sequence[Cluster]) -> int:
    return sum(c.pairs for c in clusters)


class Holdings:
    """Clusters of agents sharing a body, a description, or a name, of one set of agents."""

    def __init__(self, agents: Sequence[Any], own_name: Callable[[Any], str], paths: Sequence[str]) -> None:
        self.agents = agents
        self.own_name = own_name
        self.paths = paths

    @cached_property
    def copies(self) -> list[Cluster]:
        """Files with the same body (with a word in it: an empty body scores 0), largest first."""
        return _clusters(
            [a.body.strip() if isinstance(a.body, str) and _has_word(a.body) else None for a in self.agents]
        )

    @cached_property
    def same_descriptions(self) -> list[Cluster]:
        """Files with the same description (with a word that counts: stop words alone score 0)."""
        return _clusters([_words_text(getattr(a, "description", None)) for a in self.agents])

    @cached_property
    def same_names(self) -> list[Cluster]:
        """Files with the same name (without its plugin)."""
        return _clusters([self.own_name(a).lower() or None for a in self.agents])

    @cached_property
    def same_name_and_description(self) -> list[Cluster]:
        keys = [
            None if d is None else (self.own_name(a).lower(), d)
            for a, d in zip(
                self.agents, (_words_text(getattr(a, "description", None)) for a in self.agents), strict=True
            )
        ]
        return _clusters(keys)

    @cached_property
    def same_texts(self) -> list[Cluster]:
        """Files with the same name, description and body (their topic vectors are equal)."""
        keys = [
            None if d is None or body is None else (self.own_name(a).lower(), d, body)
            for a, d, body in zip(
                self.agents,
                (_words_text(getattr(a, "description", None)) for a in self.agents),
                (a.body.strip() if isinstance(a.body, str) else None for a in self.agents),
                strict=True,
            )
        ]
        return _clusters(keys)

    def describe(self, clusters: Sequence[Cluster], what: str) -> str:
        """ "12 sets of files with the same body (the largest: 1,000 files like PATH)"."""
        largest = clusters[0]
        return (
            f"{len(clusters):,} set{'s' * (len(clusters) != 1)} of files with the same {what} (the largest: "
            f"{len(largest.members):,} files like {self.paths[int(largest.members[0])]})"
        )


def _has_word(text: str) -> bool:
    return any(c.isalnum() for c in text)


def _words_text(text: Any) -> str | None:
    """The text, normalised for comparison, when it has a word that a term vector counts; else None."""
    if not isinstance(text, str):
        return None
    lowered = " ".join(text.lower().split())
    stop = stop_words()
    return lowered if any(w not in stop for w in _WORD.findall(lowered)) else None


def _clusters(keys: Sequence[Any]) -> list[Cluster]:
    by_key: dict[Any, list[int]] = {}
    for position, key in enumerate(keys):
        if key is not None:
            by_key.setdefault(key, []).append(position)
    found = [Cluster(np.array(m, np.int64)) for m in by_key.values() if len(m) > 1]
    found.sort(key=lambda c: (-len(c.members), int(c.members[0])))
    return found
