"""The `body` score: verbatim overlap, the exact Jaccard similarity of the two bodies' sets of word
5-shingles ("verbatim copy: 0.76 of the body"). Two bodies without a shingle (empty) score 0.

Exact at any size: the intersections are the entries of S @ S.T (S: agents x shingles, 0/1), computed by
row blocks, and a pair with Jaccard > 0 shares a shingle, so the sparse product sees it.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._errors import TooLargeError
from agentkit._overlap import search
from agentkit._overlap.budget import gigabytes, pair_count
from agentkit._overlap.scores import Found, Score, register
from agentkit._overlap.shingles import copy_phrase, shingle_sets, workers

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = ["BodyScore"]

MANY_PAIRS = 20_000  # from this many pairs, values come from block products (see `_intersections`)


@register
class BodyScore(Score):
    name = "body"
    about = "share of the two bodies' distinct five-word runs found in both (verbatim copy)"
    words = "copy"
    # Sparse shingle sets compare fast: 1.25 billion pairs (50,000 agents) at once.
    max_compared = 1_250_000_000

    @cached_property
    def shingles(self) -> sp.csr_matrix:
        """0/1 agents x distinct word 5-shingles of the bodies (CSR)."""
        return shingle_sets([a.body if isinstance(a.body, str) else "" for a in self.source.agents])

    @cached_property
    def counts(self) -> np.ndarray:
        return np.diff(self.shingles.indptr).astype(np.int64)

    def values(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        inter = self._intersections(i, j) if len(i) > MANY_PAIRS else search.rowwise_dot(self.shingles, i, j)
        union = self.counts[i] + self.counts[j] - inter
        return np.divide(inter, union, out=np.zeros(len(i)), where=union > 0)

    def _intersections(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Shared shingles of many pairs, read off row blocks of S @ S.T (the product the search runs)
        rather than pair by pair: exact, and several times faster for hundreds of thousands of pairs."""
        import scipy.sparse as sp

        n, shingles = len(self), self.shingles
        block = search.rows_per_block(n)
        low, high = np.minimum(i, j), np.maximum(i, j)
        out = np.zeros(len(i))
        by_block = np.argsort(low // block, kind="stable")
        starts = np.searchsorted((low // block)[by_block], np.arange(0, n // block + 2))

        def run(number: int) -> None:
            wanted = by_block[starts[number] : starts[number + 1]]
            if not len(wanted):
                return
            b0, b1 = number * block, min(n, (number + 1) * block)
            product = sp.csr_matrix(search.rows_from(shingles, b0) @ shingles[b0:b1].T)
            product.sort_indices()  # row-major with sorted columns: the codes below come out sorted
            width = b1 - b0
            rows = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
            codes = rows * width + product.indices
            keys = (high[wanted] - b0) * width + (low[wanted] - b0)
            at = np.minimum(np.searchsorted(codes, keys), max(len(codes) - 1, 0))
            hit = codes[at] == keys if len(codes) else np.zeros(len(keys), bool)
            out[wanted[hit]] = product.data[at[hit]]

        with ThreadPoolExecutor(workers()) as pool:
            list(pool.map(run, range(len(starts) - 1)))
        same = i == j
        out[same] = self.counts[i[same]]
        return out

    def search(self, threshold: float) -> Found:
        shingles, counts = self.shingles, self.counts
        t = threshold - 1e-12

        def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
            product = (search.rows_from(shingles, b0) @ shingles[b0:b1].T).tocoo()
            j, i, inter = product.row.astype(np.int64) + b0, product.col.astype(np.int64) + b0, product.data
            keep = j > i
            i, j, inter = i[keep], j[keep], inter[keep]
            union = counts[i] + counts[j] - inter
            keep = inter >= t * union
            return i[keep], j[keep], inter[keep] / union[keep]

        i, j, v = search.blocked(len(self), run)
        return Found(i, j, v)

    def dense(self, index: np.ndarray) -> np.ndarray:
        s = self.shingles[index]
        inter = (s @ s.T).toarray().astype(float)
        counts = self.counts[index].astype(float)
        union = counts[:, None] + counts[None, :] - inter
        return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)

    def say(self, value: float) -> str:
        return copy_phrase(value)

    def check(self, threshold: float) -> None:
        super().check(threshold)
        refuse_copies(self.source, f"the {self.name} score", threshold)


def refuse_copies(source: Any, what: str, threshold: float) -> None:
    """Raise TooLargeError when verbatim copies alone (every copy pair scores 1 on body, and at least 0.99
    on same role, whatever the minimum) would list more pairs than agentkit lists."""
    copies = source.holdings.copies
    count = pair_count(copies)
    if threshold <= 1.0 and count > search.MAX_LISTED_PAIRS:
        raise TooLargeError(
            f"{what} of these {len(source.agents):,} agents would list at least {count:,} pairs of verbatim "
            f"copies ({source.holdings.describe(copies, 'body')}; about {gigabytes(count)}), more than agentkit "
            f"lists ({search.MAX_LISTED_PAIRS:,}), and no minimum score removes copies: keep one file of each "
            "body (or set the copies aside), or compare a sample of the files"
        )
