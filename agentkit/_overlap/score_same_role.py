"""The `same_role` score: the probability that two agents do the same job (`agentkit._overlap.verdict`),
said as a verdict ("same role: likely, 0.93"). Calibrated on real collections; depends on the pair alone.

Its search scores only candidate pairs (names or descriptions alike enough to reach the minimum, and
verbatim copies), block by block in bounded memory. Its groups use complete linkage: every pair inside a
group reaches the threshold, so a group headed "likely" never shows a pair below likely.
"""

from __future__ import annotations

import math

import numpy as np

from agentkit._errors import TooLargeError
from agentkit._overlap import search
from agentkit._overlap.budget import gigabytes, pair_count
from agentkit._overlap.score_body import refuse_copies
from agentkit._overlap.scores import Found, Score, register
from agentkit._overlap.verdict import LIKELY, MAX_CANDIDATES, SameRole, verdict

__all__ = ["SameRoleScore"]


@register
class SameRoleScore(Score):
    name = "same_role"
    about = "the probability that the two do the same job (either could take the other's requests)"
    words = "verdict"
    default_min = LIKELY
    default_group = LIKELY
    linkage = "complete"
    # Candidates come from sparse products of names and descriptions, as the description score's search.
    max_compared = 200_000_000

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return self.source.same_role.probability(i, j)

    def search(self, threshold: float) -> Found:
        i, j, p, features = self.source.same_role.scored_features(threshold)
        columns = {}
        if not self.source.topic_dimensions:  # the overlap's topic and description are the verdict's
            columns = {k: np.clip(features[k], 0.0, 1.0) for k in ("topic", "description")}
        return Found(i, j, p, columns)

    def dense(self, index: np.ndarray) -> np.ndarray:
        a, b = (m.ravel() for m in np.meshgrid(index, index, indexing="ij"))
        return self.source.same_role.probability(a, b).reshape(len(index), len(index))

    def say(self, value: float) -> str:
        return verdict(value)

    def check(self, threshold: float) -> None:
        n = len(self)
        compared = n * (n - 1) // 2
        if compared > self.max_compared:
            agents = int((2 * self.max_compared) ** 0.5)
            raise TooLargeError(
                f"the same-role verdict of {n:,} agents would compare {compared:,} pairs (it searches by name "
                f"and description), more than agentkit compares at once ({self.max_compared:,}: about "
                f"{agents:,} agents); compare fewer agents at once (one folder, or a slice of the set)"
                + (", or compare only verbatim copies (--kind body)" if compared <= 1_250_000_000 else "")
            )
        refuse_copies(self.source, "the same-role verdict", threshold)
        self._refuse_clusters(threshold)

    def _refuse_clusters(self, threshold: float) -> None:
        """Refuse up front what the set's clusters alone would make too many: files that share a name and a
        description are almost always likely the same role (one pair of each such set is scored to see),
        and files that share a name or a description are all candidates to score."""
        holdings = self.source.holdings
        verdicts = self.source.same_role
        if len(self) > 2 and min(verdicts.floors(threshold).values()) <= 0:
            compared = len(self) * (len(self) - 1) // 2
            if compared > MAX_CANDIDATES:
                raise TooLargeError(
                    f"a minimum probability of {threshold:g} makes every pair of these {len(self):,} agents a "
                    f"candidate ({compared:,}), more than agentkit scores at once ({MAX_CANDIDATES:,}); ask "
                    f"for a higher minimum (likely is {LIKELY:g}), or compare fewer agents at once"
                )
        clusters = holdings.same_name_and_description
        likely = []
        if pair_count(clusters) > search.MAX_LISTED_PAIRS:  # would they be listed? Score one pair of each
            pairs = [self.source.agents[int(x)] for c in clusters for x in c.members[:2]]
            sample = SameRole(pairs, model=verdicts.model)
            first = np.arange(0, len(pairs), 2)
            likely = [
                c
                for c, p in zip(clusters, sample.probability(first, first + 1), strict=True)
                if p >= threshold
            ]
        listed = max(pair_count(likely), pair_count(holdings.copies))
        if listed > search.MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"the same-role verdict of these {len(self):,} agents would list about {listed:,} pairs "
                f"({holdings.describe(likely, 'name and description')}: such files do the same job; about "
                f"{gigabytes(listed)}), more than agentkit lists ({search.MAX_LISTED_PAIRS:,}): keep one "
                "file of each name, or compare a sample of the files, or list only verbatim copies (--kind body)"
            )
        candidates = max(pair_count(holdings.same_descriptions), pair_count(holdings.same_names))
        if candidates > MAX_CANDIDATES:
            which = max(
                (holdings.same_descriptions, "description"),
                (holdings.same_names, "name"),
                key=lambda c: pair_count(c[0]),
            )
            raise TooLargeError(
                f"the same-role verdict of these {len(self):,} agents would score at least {candidates:,} "
                f"candidate pairs ({holdings.describe(which[0], which[1])}), more than agentkit scores at once "
                f"({MAX_CANDIDATES:,}, about {math.ceil(MAX_CANDIDATES / 1e6)} million): compare a sample of the "
                "files, or fewer at once, or list only verbatim copies (--kind body)"
            )
