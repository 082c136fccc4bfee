"""The `description` score: how alike two descriptions are. Claude routes by description, so a high
score means the two agents compete for the same requests.

The cosine of sublinear TF-IDF over the descriptions' terms, weighted by the reference tables shipped
with the same-role verdict (`verdict.vectors`): stop words and generic agent prose weigh nothing, and a
pair's score does not depend on the rest of the set.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from agentkit._overlap import search
from agentkit._overlap.budget import gigabytes, pair_count
from agentkit._overlap.scores import Found, Score, register

__all__ = ["COMPETE", "COMPETE_STRONGLY", "DescriptionScore", "competition"]

# Description scores in words. Within one role they run from about 0.1 to 1.0.
COMPETE_STRONGLY = 0.5
COMPETE = 0.25


def competition(score: float) -> str:
    """How strongly two descriptions compete for the same requests, in words."""
    if score >= COMPETE_STRONGLY:
        return "compete strongly: Claude cannot tell them apart"
    if score >= COMPETE:
        return "compete: many requests fit both"
    return "mostly distinct"


class CosineScore(Score):
    """A cosine of unit rows: values, search and matrix from `vectors` (sparse or dense)."""

    max_compared = 200_000_000  # 20,000 agents: about a minute of sparse products on a laptop core

    @property
    def vectors(self) -> Any:
        raise NotImplementedError

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return np.clip(search.rowwise_dot(self.vectors, i, j), 0.0, 1.0)

    def search(self, threshold: float) -> Found:
        i, j, v = search.cosine_pairs(self.vectors, threshold - 1e-12)
        return Found(i, j, v)

    def dense(self, index: np.ndarray) -> np.ndarray:
        vectors = self.vectors[index]
        product = vectors @ vectors.T
        return np.clip(product.toarray() if hasattr(product, "toarray") else product, 0.0, 1.0)

    def refuse_identical(self, clusters: list[Any], what: str, threshold: float) -> None:
        """Refuse up front when files sharing a text (each such pair scores 1) alone exceed the list."""
        from agentkit._errors import TooLargeError

        count = pair_count(clusters)
        if threshold <= 1.0 and count > search.MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"the {self.name} score of these {len(self):,} agents reaches 1 for at least {count:,} pairs "
                f"({self.source.holdings.describe(clusters, what)}; about {gigabytes(count)}), more than "
                f"agentkit lists ({search.MAX_LISTED_PAIRS:,}), and no minimum score removes them: keep one "
                "file of each, or compare a sample of the files, or another score (--kind body)"
            )


@register
class DescriptionScore(CosineScore):
    name = "description"
    about = "how alike the descriptions are (Claude routes by description: they compete for requests)"
    words = "routing"

    @property
    def vectors(self) -> Any:
        return self.source.same_role.vectors["description"]

    def say(self, value: float) -> str:
        return competition(value)

    def check(self, threshold: float) -> None:
        super().check(threshold)
        self.refuse_identical(self.source.holdings.same_descriptions, "description", threshold)
