"""Pair search in bounded memory: the pairs i < j whose score reaches a threshold, found by row blocks.

A block of rows is compared with the rows after it (one sparse or dense product), its pairs at or above
the threshold kept, the rest dropped: no more than about BLOCK_ENTRIES pair entries exist at once, however
many agents there are, and the search stops as soon as it has found more than MAX_LISTED_PAIRS (it
raises TooManyPairs; the caller says what to do instead). Two threads share the blocks (scipy and BLAS
release the GIL).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.shingles import workers
from agentkit._progress import progress

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "BLOCK_ENTRIES",
    "MAX_LISTED_PAIRS",
    "TooManyPairs",
    "all_pairs",
    "blocked",
    "cosine_pairs",
    "rows_from",
    "rows_per_block",
    "rowwise_dot",
]

# Listing a pair costs about 450 bytes all told (budget.BYTES_PER_LISTED_PAIR): 5 million pairs of 10,000
# agents peak at 2.4 GB for the whole command, under the 4 GB a 20,000-agent run may use.
MAX_LISTED_PAIRS = 5_000_000
# Pair entries one block product may hold (a block of rows against every later row): with two blocks in
# flight, a few hundred MB at most, for any number of agents (512 rows of 10,000 agents; fewer blocks are
# faster: 2 million entries made the body search of 10,000 agents 30% slower).
BLOCK_ENTRIES = 5_120_000
MOST_ROWS = 512  # rows per block when the set is small (fewer, larger products are faster)


class TooManyPairs(Exception):
    """A search found more than MAX_LISTED_PAIRS pairs; it stopped as soon as it did."""


def rows_per_block(n: int, entries: int | None = None) -> int:
    """Rows compared per block for a set of `n`: MOST_ROWS, fewer when `n` is large so that one block
    product holds at most about `entries` (default BLOCK_ENTRIES) entries (20,000 agents: 256 rows)."""
    return max(8, min(MOST_ROWS, (entries or BLOCK_ENTRIES) // max(n, 1)))


def blocked(
    n: int, run: Callable[[int, int], tuple[np.ndarray, ...]], block: int | None = None
) -> list[np.ndarray]:
    """Run `run(b0, b1)` over row blocks (two threads) and concatenate the columns it returns.

    Raises TooManyPairs once the blocks found more than MAX_LISTED_PAIRS pairs (memory stays bounded).
    """
    block = block or rows_per_block(n)
    starts = range(0, n, block)
    if n <= block:
        parts = [run(0, n)]
        if len(parts[0][0]) > MAX_LISTED_PAIRS:
            raise TooManyPairs
    else:
        parts = []
        found = 0
        pool = ThreadPoolExecutor(workers())
        try:
            blocks = pool.map(lambda b0: run(b0, min(n, b0 + block)), starts)
            for part in progress(blocks, total=len(starts), desc="comparing", min_items=20):
                parts.append(part)
                found += len(part[0])
                if found > MAX_LISTED_PAIRS:
                    raise TooManyPairs
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    if not parts:
        return [np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)]
    return [np.concatenate(column) for column in zip(*parts, strict=True)]


def rows_from(matrix: sp.csr_matrix, start: int) -> sp.csr_matrix:
    """Rows start.. of a CSR matrix as a view (slicing would copy tens of MB per block)."""
    import scipy.sparse as sp

    first = matrix.indptr[start]
    return sp.csr_matrix(
        (matrix.data[first:], matrix.indices[first:], matrix.indptr[start:] - first),
        shape=(matrix.shape[0] - start, matrix.shape[1]),
    )


def all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(n, 1)
    return i.astype(np.int64), j.astype(np.int64)


def cosine_pairs(x: Any, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs i < j of unit rows (sparse or dense) with cosine >= threshold (> 0), by row blocks of x @ x.T,
    the cosines clipped to 1."""
    import scipy.sparse as sp

    # As booleans, not as type guards: the stubs' guard would make x and product a sparse base class.
    sparse = sp.issparse(x)

    def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
        # Rows b0.. against the block: only j >= b0 is computed, half the work of the full product.
        product = (rows_from(x, b0) if sparse else x[b0:]) @ x[b0:b1].T
        if sparse:
            product = product.tocoo()
            jj, ii, values = product.row, product.col, product.data
        else:
            jj, ii = np.nonzero(product >= threshold)
            values = product[jj, ii]
        jj, ii = jj.astype(np.int64) + b0, ii.astype(np.int64) + b0
        keep = (jj > ii) & (values >= threshold)
        return ii[keep], jj[keep], np.minimum(values[keep], 1.0)

    i, j, s = blocked(x.shape[0], run)
    return i, j, s


def rowwise_dot(x: Any, i: np.ndarray, j: np.ndarray, chunk: int = 20000) -> np.ndarray:
    """Dot products of the rows (i[k], j[k]) of a sparse or dense matrix, 20,000 pairs at a time."""
    import scipy.sparse as sp

    sparse = sp.issparse(x)  # a boolean, not the stubs' type guard (see cosine_pairs)
    out = np.empty(len(i))
    for c in range(0, len(i), chunk):
        a, b = x[i[c : c + chunk]], x[j[c : c + chunk]]
        out[c : c + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel() if sparse else (a * b).sum(1)
    return out
