"""Overlap between agents: which of them do the same job, copy each other, or compete for requests.

The verdict first: for each pair, the probability that the two agents do the same job (`same_role`,
calibrated on real collections; see `agentkit._overlap.verdict` and docs/same-role.md), said in words
("same role: likely, 0.93"). Then four scores per pair, each in [0, 1], which say why: `description`
(Claude routes by description: a high score means the two compete for requests), `body` (the share
copied word for word), `topic` (what the two cover, even when worded differently) and `tools` (a
property, shown in columns: tools overlap alone never lists a pair). Each score is one module
(`score_*.py`) registered in `agentkit._overlap.scores` (public as `agentkit.scores`), where a score of
your own registers too.

Every score and the verdict depend on the pair alone, never on the rest of the set: a pair reads the
same in a set of two as among 10,000. `overlap(agents)` computes nothing up front; each score is
computed (once) when first needed, so asking only for body pairs of 10,000 agents tokenises no
description. What would not fit in bounded memory is refused before the work starts (`check_size`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._errors import TooLargeError

# The built-in scores: importing each registers it, exactly as a score of your own registers.
from agentkit._overlap import score_body, score_description, score_same_role, score_tools, score_topic, search
from agentkit._overlap.budget import Holdings
from agentkit._overlap.coverage import coverage, headings, set_terms
from agentkit._overlap.groups import Group, complete, components
from agentkit._overlap.guidance import MergeGuidance, merge_guidance
from agentkit._overlap.lookup import AgentIndex
from agentkit._overlap.passages import Passage, shared_passages
from agentkit._overlap.scores import Found, Score, pairs_slice, registered, score_class
from agentkit._overlap.shingles import SHINGLE
from agentkit._overlap.terms import own_name
from agentkit._overlap.verdict import SameRole

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp
    from matplotlib.figure import Figure

__all__ = ["COLUMNS", "KINDS", "Group", "Overlap", "Passage", "overlap"]

BUILT_IN = tuple(
    score.name
    for score in (
        score_same_role.SameRoleScore,
        score_description.DescriptionScore,
        score_body.BodyScore,
        score_topic.TopicScore,
        score_tools.ToolsScore,
    )
)
COLUMNS = BUILT_IN  # what a pairs table shows by default: the verdict, then the four scores
KINDS = BUILT_IN[1:]  # the four scores
DENSE_UP_TO = 3000  # sets this small may keep a whole N x N matrix of a score (72 MB each at most)


def overlap(
    agents: Iterable[Any], *, loaded_only: bool = True, topic_dimensions: int | None = None
) -> Overlap:
    """Compare every agent with every other: see `Overlap`.

    `agents` is any iterable of Agent (an AgentSet, a list). Files Claude Code does not load (a
    README, a broken file) are left out unless `loaded_only=False`. `topic_dimensions` turns on LSA
    for the topic score (`score_topic`).
    """
    return Overlap(agents, loaded_only=loaded_only, topic_dimensions=topic_dimensions)


class Overlap(AgentIndex):
    """Pairwise overlap of a set of agents. Build with `agentkit.overlap(agents)`.

    `agents` and `labels` give the order used everywhere; labels are the agents' names, made
    unique with their path when names repeat. Anywhere an agent is expected you may pass the Agent,
    its label, its path, or its position.
    """

    def __init__(
        self, agents: Iterable[Any], *, loaded_only: bool = True, topic_dimensions: int | None = None
    ) -> None:
        super().__init__(a for a in agents if a.loaded or not loaded_only)
        self.topic_dimensions = topic_dimensions
        self._found: dict[tuple[str, float], Found] = {}
        self._dense_cache: dict[str, np.ndarray] = {}
        self._scorers: dict[str, Score] = {}
        self._sections: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"<Overlap of {len(self)} agents>"

    # -- the scores -----------------------------------------------------------------------------------
    @property
    def columns(self) -> tuple[str, ...]:
        """Every score a pairs table can show: the built-in ones (the verdict first), then your own."""
        return (*BUILT_IN, *(k for k in registered() if k not in BUILT_IN))

    def scorer(self, kind: str) -> Score:
        """The score `kind` of this set (one instance per kind, computing its features once)."""
        with self._lock:
            if kind not in self._scorers:
                self._scorers[kind] = score_class(kind)(self)
            return self._scorers[kind]

    @cached_property
    def same_role(self) -> SameRole:
        """Same-role probabilities of pairs (`agentkit._overlap.verdict`): each depends on the pair alone."""
        return SameRole(self.agents, overlap=self)

    @cached_property
    def holdings(self) -> Holdings:
        """What the set holds that makes pair lists explode (`budget.Holdings`), counted from hashes."""
        return Holdings(self.agents, own_name, self.paths)

    @property
    def shingles(self) -> sp.csr_matrix:
        """0/1 agents x distinct word 5-shingles of the bodies (CSR): the body score's sets."""
        return self.scorer("body").shingles  # type: ignore[attr-defined]

    @property
    def description_vectors(self) -> Any:
        return self.scorer("description").vectors  # type: ignore[attr-defined]

    @property
    def topic_vectors(self) -> Any:
        return self.scorer("topic").vectors  # type: ignore[attr-defined]

    def prefetch(self, *features: str) -> None:
        """Start computing `features` ("shingles", "same_role") in a background thread now, to overlap with
        other work on a second core (the verdict's tokenising holds the GIL; the shingles' numpy work
        mostly does not). Each is still computed once: cached_property waits for the thread's result."""
        for feature in features:
            threading.Thread(target=getattr, args=(self, feature), daemon=True).start()

    def scores(self, kind: str, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> np.ndarray:
        """The `kind` values of the pairs (i[k], j[k]) (positions in `agents`), vectorised."""
        scorer = self.scorer(kind)
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        if len(self) <= DENSE_UP_TO and len(i) > 2000 and kind != "same_role":  # one dense matrix
            if kind not in self._dense_cache:
                self._dense_cache[kind] = self._dense(kind, np.arange(len(self)))
            return self._dense_cache[kind][i, j]
        return np.clip(np.asarray(scorer.values(i, j), float), 0.0, 1.0)

    column = scores  # the same_role probability or a score: one way to ask for any of them

    def score(self, kind: str, a: Any, b: Any) -> float:
        """The `kind` score of one pair (`same_role`: the probability that they do the same job)."""
        return float(self.scores(kind, [self.index(a)], [self.index(b)])[0])

    # -- limits ----------------------------------------------------------------------------------------
    def check_size(self, kinds: Sequence[str], threshold: float) -> None:
        """Raise TooLargeError, before any work, when finding the pairs of `kinds` at `threshold` would
        compare, score or list more pairs than agentkit allows, judged from the set's size and from what it
        holds (clusters of files sharing a body, a name or a description make pair lists explode)."""
        n = len(self)
        compared = n * (n - 1) // 2
        if threshold <= 0 and compared > search.MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"{n:,} agents make {compared:,} pairs, and a minimum score of 0 lists every one (agentkit "
                f"lists at most {search.MAX_LISTED_PAIRS:,}); give a minimum score above 0, or compare fewer "
                "agents at once (one folder, or a slice of the set)"
            )
        for kind in dict.fromkeys(kinds):
            self.scorer(kind).check(threshold)

    def found(self, kind: str, threshold: float) -> Found:
        """Every pair i < j whose `kind` value reaches `threshold`, sorted by (i, j); searched once per value
        (a higher value filters what a lower one found). Pairs below the threshold are never listed."""
        key = (kind, float(threshold))
        if key not in self._found:
            lower = [t for k, t in self._found if k == kind and 0 < t <= threshold]
            if lower and threshold > 0:
                self._found[key] = self._found[(kind, max(lower))].at_least(threshold)
            else:
                self._found[key] = self._search(kind, threshold)
        return self._found[key]

    def _search(self, kind: str, threshold: float) -> Found:
        scorer = self.scorer(kind)
        what = "the same-role verdict" if kind == "same_role" else f"the {kind} score"
        try:
            if threshold <= 0:
                i, j = search.all_pairs(len(self))
                return Found(i, j, self.scores(kind, i, j))
            found = scorer.search(threshold)
        except search.TooManyPairs:
            raise TooLargeError(
                f"{what} reaches {threshold:g} for more than {search.MAX_LISTED_PAIRS:,} pairs of "
                f"these {len(self):,} agents, more than agentkit lists; {self._fewer_pairs_advice()}"
            ) from None
        if len(found) > search.MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"{what} reaches {threshold:g} for {len(found):,} pairs of these {len(self):,} "
                f"agents, more than agentkit lists ({search.MAX_LISTED_PAIRS:,}); {self._fewer_pairs_advice()}"
            )
        return found.sorted()

    def pairs_at_least(self, kind: str, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, value) of every pair i < j whose `kind` value is >= threshold, sorted by (i, j)."""
        found = self.found(kind, threshold)
        return found.i, found.j, found.values

    def _fewer_pairs_advice(self) -> str:
        """What to do when too many pairs score high. Verbatim copies score 1 on every kind, so when their
        pairs alone fill most of the list, a higher minimum score cannot help: say so, and where."""
        copies = self.holdings.copies
        if sum(c.pairs for c in copies) * 2 < search.MAX_LISTED_PAIRS:
            return "raise the minimum score, or compare a sample of the files"
        return (
            f"{sum(len(c.members) for c in copies):,} of them share their body with another "
            f"({self.holdings.describe(copies, 'body')}), and such copies match at every minimum score: keep "
            "one file of each body (or set the copies aside) and compare again"
        )

    # -- tables ----------------------------------------------------------------------------------------
    def pairs(
        self, min_score: float | None = None, kind: str = "same_role", scores: Sequence[str] = COLUMNS
    ) -> pd.DataFrame:
        """One row per pair of agents whose `kind` score reaches `min_score`, best first.

        By default (`kind="same_role"`) the pairs that likely do the same job (probability >= LIKELY, 0.5;
        pass `min_score=0.15`, POSSIBLE, for the possible ones too), with the verdict in words. With a score
        kind (description, body, topic, tools, or one of your own) the pairs where that score reaches
        `min_score` (default 0.5); `min_score=0` lists every pair (N*(N-1)/2 rows: only for small sets).
        Pairs below the threshold are never materialised, and `scores` chooses the columns computed: asking
        for body alone on 10,000 agents tokenises no description.

        Columns: a, b (paths as text), a_name, b_name, a_label, b_label, then for each of `scores` its value
        and, for a score that says it in words, that column: same_role with `verdict` ("same role: likely,
        0.93"), description with `routing` (what it means for routing), body with `copy` ("verbatim copy:
        0.76 of the body"), topic, tools. Sorted by the selecting score, then by position.
        """
        import pandas as pd

        scores = list(scores)
        scorers = {k: self.scorer(k) for k in [kind, *scores]}
        if min_score is None:
            min_score = scorers[kind].default_min
        self.check_size([kind], min_score)
        if kind == "same_role":  # only now: a refused request starts no work (100,000 agents: 1.3 GB)
            self.prefetch("shingles")  # the copies need them; built beside the verdict's vectors
        found = self.found(kind, min_score)
        order = np.lexsort((found.j, found.i, -found.values)) if len(found) else np.zeros(0, np.int64)
        i, j = found.i[order], found.j[order]
        paths, names, labels = (np.array(x, dtype=object) for x in (self.paths, self.names, self.labels))
        frame = pd.DataFrame(
            {
                "a": paths[i],
                "b": paths[j],
                "a_name": names[i],
                "b_name": names[j],
                "a_label": labels[i],
                "b_label": labels[j],
            }
        )
        for k in scores:
            if k == kind:
                values = found.values[order]
            elif k in found.columns:
                values = found.columns[k][order]
            else:
                values = self.scores(k, i, j)
            frame[k] = np.asarray(values, float)
            scorer = scorers[k]
            if scorer.words:
                frame[scorer.words] = [scorer.say(float(x)) for x in values]
        return frame

    def matrix(self, kind: str = "same_role", agents: Iterable[Any] | None = None) -> pd.DataFrame:
        """The dense N x N table of one score (index and columns: labels; diagonal 1).

        `agents` restricts it to some agents (Agent, label, path or position each).
        """
        import pandas as pd

        index = self.positions(agents)
        labels = [self.labels[x] for x in index]
        return pd.DataFrame(self._dense(kind, index), index=labels, columns=labels)

    def _dense(self, kind: str, index: np.ndarray) -> np.ndarray:
        values = np.clip(np.array(self.scorer(kind).dense(index), dtype=float), 0.0, 1.0)
        np.fill_diagonal(values, 1.0)
        return values

    def neighbours(self, agent: Any, kind: str = "topic", top: int = 5) -> pd.DataFrame:
        """The `top` agents closest to one agent by one score: name, label, path, score, best first."""
        import pandas as pd

        x = self.index(agent)
        others = np.array([y for y in range(len(self)) if y != x], np.int64)
        values = self.scores(kind, np.full(len(others), x), others)
        order = np.lexsort((others, -values))[:top]
        picked = others[order]
        return pd.DataFrame(
            {
                "name": [self.names[y] for y in picked],
                "label": [self.labels[y] for y in picked],
                "path": [self.paths[y] for y in picked],
                "score": values[order],
            }
        )

    def groups(self, kind: str = "same_role", threshold: float | None = None) -> list[Group]:
        """Groups of agents, largest first.

        By default, agents that do the same job: complete linkage over the pairs with a same-role
        probability >= `threshold` (default LIKELY), so every pair inside a group reaches it (five
        differently worded versions of one role form one group; an agent resembling two roles does not
        chain them). With a score kind: near-duplicates, agents linked by pairs whose score is >= threshold
        (default 0.8), single linkage (connected components), so a chain a~b~c is one group even when a and
        c differ more. Each group reports the min and max value over all its pairs, linked directly or not.
        """
        scorer = self.scorer(kind)
        threshold = scorer.default_group if threshold is None else threshold
        self.check_size([kind], threshold)
        found = self.found(kind, threshold)
        n = len(self)
        if scorer.linkage == "complete":
            members_list = [
                np.asarray(m, np.int64) for m in complete(n, found.i, found.j, found.values, threshold)
            ]
        else:
            members_list = components(n, found.i, found.j)
        bounds = self._bounds(kind, members_list, found)
        groups = [
            Group(kind, threshold, [self.agents[x] for x in m], [self.labels[x] for x in m], low, high)
            for m, (low, high) in zip(members_list, bounds, strict=True)
        ]
        groups.sort(key=lambda g: (-len(g), -g.max_score, g.labels[0]))
        return groups

    def _bounds(self, kind: str, members_list: list[np.ndarray], found: Found) -> list[tuple[float, float]]:
        """The min and max value over every pair inside each group: read from the search where it found
        them, the rest computed; a million pairs at a time (a long chain of near-duplicates has many)."""
        n = len(self)
        codes = found.i * n + found.j  # sorted: found is sorted by (i, j)
        low = np.full(len(members_list), np.inf)
        high = np.full(len(members_list), -np.inf)
        batch: list[tuple[int, np.ndarray, np.ndarray]] = []
        size = 0

        def flush() -> None:
            nonlocal size
            if not batch:
                return
            owner = np.concatenate([np.full(len(a), g) for g, a, _ in batch])
            i = np.concatenate([a for _, a, _ in batch])
            j = np.concatenate([b for _, _, b in batch])
            at = np.minimum(np.searchsorted(codes, i * n + j), max(len(codes) - 1, 0))
            hit = codes[at] == i * n + j if len(codes) else np.zeros(len(i), bool)
            values = np.empty(len(i))
            values[hit] = found.values[at[hit]]
            if (~hit).any():
                values[~hit] = self.scores(kind, i[~hit], j[~hit])
            np.minimum.at(low, owner, values)
            np.maximum.at(high, owner, values)
            batch.clear()
            size = 0

        for g, members in enumerate(members_list):
            m = len(members)
            total = m * (m - 1) // 2
            for start in range(0, total, 1_000_000):
                a, b = pairs_slice(m, start, min(total, start + 1_000_000))
                i, j = members[a], members[b]
                batch.append((g, np.minimum(i, j), np.maximum(i, j)))
                size += len(i)
                if size >= 1_000_000:
                    flush()
        flush()
        return [(float(x), float(y)) for x, y in zip(low, high, strict=True)]

    # -- what the bodies share, what each covers, which to keep ---------------------------------------
    def passages(self, a: Any, b: Any, min_words: int = SHINGLE) -> list[Passage]:
        """The passages two bodies share: maximal runs of shared word 5-shingles, in file order of `a`.

        Each is reported once (runs are picked longest first, never overlapping in either file) with
        its text as written in `a` and its 1-based line range in each file. `min_words` (at least 5)
        drops shorter runs.
        """
        return shared_passages(self.agents[self.index(a)], self.agents[self.index(b)], min_words)

    def sections(self, agent: Any) -> list[str]:
        """The agent's section headings, normalised (lower case, numbering and punctuation removed)."""
        x = self.index(agent)
        if x not in self._sections:
            body = self.agents[x].body
            self._sections[x] = headings(body if isinstance(body, str) else "")
        return self._sections[x]

    def key_terms(self, agents: Iterable[Any], count: int) -> tuple[list[list[str]], list[dict[str, float]]]:
        """For each agent, its `count` heaviest topic terms, and the weight of every term it has (the topic
        vector of the same-role verdict: reference-weighted, light stemming)."""
        vectors = self.same_role.vectors["topic"]
        names = self.same_role.fields.terms
        top: list[list[str]] = []
        weights: list[dict[str, float]] = []
        for x in self.positions(agents):
            row = vectors[x]
            order = np.argsort(-row.data, kind="stable")
            top.append([names[row.indices[k]] for k in order[:count] if row.data[k] > 0])
            weights.append({names[c]: float(v) for c, v in zip(row.indices, row.data, strict=True)})
        return top, weights

    def merge_guidance(self, members: Iterable[Any]) -> MergeGuidance:
        """Which of several agents that do the same job to keep, and what to carry over from the others
        (`agentkit._overlap.guidance`). `members`: a Group's `agents`, or Agents/labels/paths."""
        return merge_guidance(self, members)

    def coverage(self, agents_subset: Iterable[Any] | None = None, max_topics: int = 40) -> pd.DataFrame:
        """What each agent of a family covers and misses: topics x agents (columns: labels).

        Topics are the section headings the agents use (`## Testing`, a bold line, or a short line ending
        in a colon; numbering and punctuation removed) and the key terms of the family (highest summed
        TF-IDF over its agents, relative to the whole set). Cells: 2 = the agent has a heading about it,
        1 = its text mentions it (all the topic's words appear, light stemming), 0 = it misses it. Topics
        covered by most agents come first.
        """
        index = self.positions(agents_subset)
        terms, matrix = self._terms
        weights = np.asarray(matrix[index].sum(axis=0)).ravel() if matrix is not None else np.zeros(0)
        agents = [self.agents[x] for x in index]
        return coverage(agents, [self.labels[x] for x in index], weights, terms, max_topics)

    @cached_property
    def _terms(self) -> tuple[np.ndarray, Any]:
        return set_terms(self.agents)

    # -- pictures --------------------------------------------------------------------------------------
    def linkage(self, kind: str = "topic", agents: Iterable[Any] | None = None) -> np.ndarray:
        """Average-linkage hierarchical clustering on distance 1 - score (scipy linkage matrix)."""
        from agentkit._overlap.figures import clustering

        return clustering(self._dense(kind, self.positions(agents)))

    def heatmap(
        self, kind: str = "topic", agents: Iterable[Any] | None = None, max_labels: int = 60
    ) -> Figure:
        """The score matrix with rows and columns in hierarchical-clustering order (a matplotlib Figure).

        Similar agents end up next to each other, so duplicated families show as bright blocks.
        Tick labels are drawn when there are at most `max_labels` agents.
        """
        from scipy.cluster.hierarchy import leaves_list

        from agentkit._overlap import figures

        index = self.positions(agents)
        order = index[leaves_list(self.linkage(kind, index))] if len(index) > 1 else index
        return figures.heatmap(self._dense(kind, order), [self.labels[x] for x in order], kind, max_labels)

    def dendrogram(
        self, kind: str = "topic", agents: Iterable[Any] | None = None, max_labels: int = 120
    ) -> Figure:
        """The hierarchical clustering tree (distance 1 - score) as a matplotlib Figure."""
        from agentkit._overlap import figures

        index = self.positions(agents)
        return figures.dendrogram(
            self.linkage(kind, index), [self.labels[x] for x in index], kind, max_labels
        )
