"""The `topic` score: how alike two agents are in what they cover, even when worded differently.

The cosine of sublinear TF-IDF over name (twice), description and body, weighted by the reference tables
shipped with the same-role verdict (terms most agents use weigh nothing), optionally projected by LSA to
`topic_dimensions` (`overlap(agents, topic_dimensions=100)`; then it depends on the set).
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from agentkit._overlap.score_description import CosineScore
from agentkit._overlap.scores import register

__all__ = ["TopicScore"]


@register
class TopicScore(CosineScore):
    name = "topic"
    about = "how alike the agents are in what they cover (name, description and body)"

    @cached_property
    def vectors(self) -> Any:
        vectors = self.source.same_role.vectors["topic"]
        dimensions = self.source.topic_dimensions
        n = len(self)
        if dimensions and n > 2 and vectors.shape[1] > 2:
            from sklearn.decomposition import TruncatedSVD
            from sklearn.preprocessing import normalize

            k = min(dimensions, n - 1, vectors.shape[1] - 1)
            return normalize(TruncatedSVD(n_components=k, random_state=0).fit_transform(vectors))
        return vectors

    def check(self, threshold: float) -> None:
        super().check(threshold)
        if not self.source.topic_dimensions:
            self.refuse_identical(self.source.holdings.same_texts, "name, description and body", threshold)
