"""Groups of agents from the pairs that reach a threshold.

- Single linkage (`components`): the connected components of those pairs. Near-duplicates chain: a~b~c is
  one group even when a and c differ more. What a group by one score (body, description, ...) is.
- Complete linkage (`complete`): every pair inside a group reaches the threshold, groups merged most alike
  first. What a same-role group is, so a group shown as "likely the same role" never holds a member that
  is less than likely the same role as another (issue 23: groups headed "likely" showed pairs at 0.18).

Both read only the pairs given (the search finds every pair at or above the threshold: a pair not given
is below it), so the cost grows with those pairs, never with N^2: a component that is a clique (copies,
versions of one agent) is a group at once; a small one goes through scipy's complete linkage on its
matrix; a large sparse one through a merge of clusters that keeps only the cluster pairs still complete.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from agentkit._reader.frozen import FrozenList

__all__ = ["Group", "complete", "components"]

DENSE_COMPONENT = 3000  # components up to this size use scipy's linkage on their matrix (72 MB at most)


@dataclass(frozen=True)
class Group:
    """Agents grouped by pairs reaching `threshold` on the score `kind`.

    `min_score`/`max_score` are over every pair inside the group, linked directly or not.
    """

    kind: str
    threshold: float
    agents: list[Any]
    labels: list[str]
    min_score: float
    max_score: float

    def __post_init__(self) -> None:  # a record: its lists are read-only too
        object.__setattr__(self, "agents", FrozenList(self.agents))
        object.__setattr__(self, "labels", FrozenList(self.labels))

    @property
    def paths(self) -> list[Path]:
        return [a.path for a in self.agents]

    def __len__(self) -> int:
        return len(self.agents)


def components(n: int, i: np.ndarray, j: np.ndarray) -> list[np.ndarray]:
    """The connected components (of two or more agents) of the pairs (i, j), as sorted positions."""
    import scipy.sparse as sp
    from scipy.sparse.csgraph import connected_components

    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    order = np.argsort(component, kind="stable")
    return [m for m in np.split(order, np.flatnonzero(np.diff(component[order])) + 1) if len(m) > 1]


def complete(n: int, i: np.ndarray, j: np.ndarray, p: np.ndarray, threshold: float) -> list[list[int]]:
    """Complete-linkage groups: every pair inside a group has p >= threshold. (i, j, p) are the pairs at or
    above it (others count as below). Sorted lists of positions, largest group first."""
    keep = p >= threshold - 1e-12
    i, j, p = i[keep], j[keep], p[keep]
    found: list[list[int]] = []
    if not len(i):
        return found
    local = np.full(n, -1, np.int64)
    for members in components(n, i, j):
        inside = np.isin(i, members)
        a, b, q = i[inside], j[inside], p[inside]
        m = len(members)
        if len(a) == m * (m - 1) // 2:  # a clique: one group
            found.append(members.tolist())
            continue
        local[members] = np.arange(m)
        la, lb = local[a], local[b]
        parts = _dense(m, la, lb, q, threshold) if m <= DENSE_COMPONENT else _sparse(m, la, lb, q)
        found += [sorted(members[g].tolist()) for g in parts if len(g) > 1]
    found.sort(key=lambda g: (-len(g), g[0]))
    return found


def _dense(m: int, a: np.ndarray, b: np.ndarray, q: np.ndarray, threshold: float) -> list[np.ndarray]:
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.full((m, m), 2.0)  # a pair below the threshold: farther than any cut
    distance[a, b] = distance[b, a] = 1.0 - q
    np.fill_diagonal(distance, 0.0)
    tree = linkage(squareform(distance, checks=False), method="complete")
    labels = fcluster(tree, t=1.0 - threshold + 1e-9, criterion="distance")
    order = np.argsort(labels, kind="stable")
    return np.split(order, np.flatnonzero(np.diff(labels[order])) + 1)


def _sparse(m: int, a: np.ndarray, b: np.ndarray, q: np.ndarray) -> list[np.ndarray]:
    """Complete linkage on a sparse graph: merge the two clusters whose least alike pair is most alike,
    while every pair across them is given. Only complete cluster pairs are kept (a pair of clusters with a
    missing pair across them never becomes complete), each with its least alike pair."""
    neighbours: list[dict[int, float]] = [{} for _ in range(m)]
    for x, y, value in zip(a.tolist(), b.tolist(), q.tolist(), strict=True):
        neighbours[x][y] = neighbours[y][x] = value
    members = [[x] for x in range(m)]
    heap = [
        (-value, min(x, y), max(x, y)) for x, y, value in zip(a.tolist(), b.tolist(), q.tolist(), strict=True)
    ]
    heapq.heapify(heap)
    while heap:
        value, x, y = heapq.heappop(heap)
        if neighbours[x].get(y) != -value:  # merged away or changed since
            continue
        small, large = (
            (neighbours[x], neighbours[y])
            if len(neighbours[x]) <= len(neighbours[y])
            else (neighbours[y], neighbours[x])
        )
        joined = {d: min(v, large[d]) for d, v in small.items() if d in large and d not in (x, y)}
        for d in neighbours[x]:
            neighbours[d].pop(x, None)
        for d in neighbours[y]:
            neighbours[d].pop(y, None)
        members[x] += members[y]
        members[y] = []
        neighbours[y] = {}
        neighbours[x] = joined
        for d, v in joined.items():
            neighbours[d][x] = v
            heapq.heappush(heap, (-v, min(x, d), max(x, d)))
    return [np.array(g, np.int64) for g in members if g]
