"""Overlap between agents: which of them do the same job, copy each other, or compete for requests.

The verdict first: for each pair, the probability that the two agents do the same job (`same_role`,
calibrated on real collections; see `agentkit._overlap.verdict` and docs/same-role.md), said in words
("same role: likely, 0.93"). Then four scores per pair, each in [0, 1], which say why:

- `description`: how alike the two descriptions are (cosine of TF-IDF weighted by reference tables shipped
  with the package; stop words and generic agent prose weigh nothing). Claude routes by description, so a
  high score means the two agents compete for the same requests.
- `body`: verbatim overlap, the exact Jaccard similarity of the sets of word 5-shingles of the two
  bodies ("verbatim copy: 0.76 of the body"). Words are runs of letters, digits, `_` and non-ASCII
  characters, ASCII case-folded; punctuation and Markdown markup separate words. Two bodies with no
  shingle at all (empty) score 0.
- `topic`: how alike the agents are in what they cover even when worded differently: cosine of the same
  weighting over name (twice), description and body; terms most agents use weigh nothing.
- `tools`: Jaccard similarity of the tool sets. An agent without `tools` (or with `*`) inherits every
  tool, so it counts as holding all tools: Claude Code's built-in tools plus every tool any agent of
  the set names. Two agents that both grant no tool at all score 1 (they grant the same). A property,
  shown in columns: tools overlap alone never lists a pair.

Every score and the verdict depend on the pair alone, never on the rest of the set: a pair reads the
same in a set of two as among 10,000. `overlap(agents)` computes nothing up front; each score is
computed (once) when first needed, so asking only for body pairs of 10,000 agents tokenises no
description.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._errors import TooLargeError
from agentkit._overlap.route import (
    clean_text,
    description_text,
    display_name,
    stop_words,
)
from agentkit._overlap.verdict import SameRole
from agentkit._overlap.words import GOLD, M2, joined, mix, word_keys
from agentkit._progress import progress
from agentkit._reader.claude_code import BUILTIN_TOOLS

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp
    from matplotlib.figure import Figure

    from agentkit._overlap.guidance import MergeGuidance

__all__ = [
    "COLUMNS",
    "KINDS",
    "Group",
    "Overlap",
    "Passage",
    "overlap",
    "shingle_sets",
    "word_tokens",
]

KINDS = ("description", "body", "topic", "tools")
COLUMNS = ("same_role", *KINDS)  # what a pairs table can show: the verdict, then the four scores
SHINGLE = 5  # words per shingle


# -- words and shingles ------------------------------------------------------------------------------------

# Byte classes: ASCII letters, digits, `_` and every byte of a multi-byte UTF-8 character are word
# bytes, everything else separates words. Working on bytes keeps offsets exact and is fast.
_WORD_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95 or c >= 128) else 32 for c in range(256))
# Unicode punctuation that would otherwise glue words together: general punctuation (dashes, quotes,
# bullets, ellipsis), Latin-1 symbols (nbsp, guillemets), arrows, box drawing and geometric shapes.
_UNICODE_SEPARATORS = re.compile(
    rb"\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xc2[\xa0-\xbf]|\xe2\x86[\x90-\xbf]|\xe2[\x94\x95][\x80-\xbf]"
    rb"|\xe2\x96[\xa0-\xbf]|\xe2\x97[\x80-\xbf]"
)


def _blank(match: re.Match[bytes]) -> bytes:
    return b" " * len(match.group())


def _word_bytes(body: str) -> bytes:
    """The body as UTF-8 with every separator byte turned into a space (same length, same offsets)."""
    data = body.encode("utf-8", "surrogatepass").lower()
    if not data.isascii():
        data = _UNICODE_SEPARATORS.sub(_blank, data)
    return data.translate(_WORD_BYTES)


def word_tokens(body: str) -> list[bytes]:
    """The words of a body as the `body` score sees them (UTF-8 bytes, ASCII lower-cased)."""
    return _word_bytes(body).split()


def _shingle_hashes(bodies: Sequence[str], k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every word k-shingle of every body, and the index of the body each came from.

    A body of 1 to k-1 words has one shingle (all its words). Duplicates within a body are kept.
    Bodies are taken 1,000 at a time so that temporaries stay small.
    """
    starts = range(0, len(bodies), 1000)
    if len(bodies) <= 1000:
        parts = [_chunk_hashes(bodies, 0, k)] if bodies else []
    else:  # numpy releases the GIL: two chunks overlap
        with ThreadPoolExecutor(_workers()) as pool:
            parts = list(pool.map(lambda c: _chunk_hashes(bodies[c : c + 1000], c, k), starts))
    if not parts:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    return np.concatenate([h for h, _ in parts]), np.concatenate([o for _, o in parts])


def _word_hashes(bodies: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """A 64-bit value per word of each body (in order) and the number of words of each body.

    Vectorised: the bodies are joined with spaces and each word read as 8-byte little-endian
    chunks straight from the buffer, so no Python object is made per word. A word of up to 8 bytes
    is its own bytes (then bijectively mixed): no two short words collide; longer words chain
    their chunks through the mixer.
    """
    data, starts, ends, text_start = joined([_word_bytes(b) for b in bodies])
    values = mix(word_keys(data, starts, ends))
    first_word = np.searchsorted(starts, text_start)
    counts = np.diff(np.append(first_word, len(starts)))
    return values, counts


def _chunk_hashes(bodies: Sequence[str], offset: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    words, counts = _word_hashes(bodies)
    total = len(words)
    m = max(total - k + 1, 0)
    hashes = words[:m].copy()
    with np.errstate(over="ignore"):
        for s in range(1, k):  # a polynomial in the word values, mod 2**64 (in place: no temporaries)
            hashes *= GOLD
            hashes += words[s : m + s]
    owner = np.repeat(np.arange(len(counts)), counts)[:m]
    ends = np.cumsum(counts)
    keep = np.arange(m) + k <= ends[owner]  # drop shingles that run into the next body
    hashes, owner = hashes[keep], owner[keep]
    short = np.flatnonzero((counts > 0) & (counts < k))
    if len(short):  # a body of 1..k-1 words: one shingle of all its words, its own polynomial
        extra = np.zeros(len(short), np.uint64)
        with np.errstate(over="ignore"):
            for n, body in enumerate(short):
                value = np.uint64(counts[body])
                for w in words[ends[body] - counts[body] : ends[body]]:
                    value = value * M2 + w
                extra[n] = value
        hashes = np.concatenate([hashes, mix(extra)])
        owner = np.concatenate([owner, short])
        order = np.argsort(owner, kind="stable")  # keep owner sorted (shingle_sets relies on it)
        hashes, owner = hashes[order], owner[order]
    return hashes, owner + offset


def _sort_in_parts(key: np.ndarray, rows: np.ndarray) -> None:
    """Sort `key` (row * width + column) in place, `rows` (row * width, ascending) saying where each row's
    values sit: parts cut at row boundaries are sorted on their own threads (numpy releases the GIL),
    and since every value of a part is below every value of the next, together they are sorted."""
    parts = _workers()
    if parts < 2 or len(key) < 1_000_000:
        key.sort()
        return
    cuts = [0, *(int(np.searchsorted(rows, rows[len(rows) * p // parts])) for p in range(1, parts)), len(key)]
    with ThreadPoolExecutor(parts) as pool:
        list(pool.map(lambda ab: key[ab[0] : ab[1]].sort(), zip(cuts[:-1], cuts[1:], strict=True)))


def shingle_sets(bodies: Sequence[str], k: int = SHINGLE) -> sp.csr_matrix:
    """A 0/1 CSR matrix, one row per body, one column per distinct word k-shingle of all bodies."""
    import pandas as pd
    import scipy.sparse as sp

    n = len(bodies)
    hashes, owner = _shingle_hashes(bodies, k)
    column, distinct = pd.factorize(hashes)  # a hash table: much faster than sorting for the ids
    del hashes
    width = max(len(distinct), 1)
    # Sorting row * width + column sorts each row's columns (owner is sorted already) and puts a
    # shingle repeated in one body next to itself. Large temporaries cost page faults: work in place.
    key = column
    np.multiply(owner, width, out=owner)
    key += owner
    _sort_in_parts(key, owner)
    key -= owner  # back to column ids, now in order within each row
    repeat = np.zeros(len(key), bool)
    np.equal(key[1:], key[:-1], out=repeat[1:])
    repeat[1:] &= owner[1:] == owner[:-1]
    per_row = np.bincount(owner // width, minlength=n)
    if repeat.any():
        per_row -= np.bincount(owner[repeat] // width, minlength=n)
        key = key[~repeat]
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(per_row, out=indptr[1:])
    index_type = np.int32 if max(width, len(key)) < 2**31 else np.int64
    return sp.csr_matrix(
        (np.ones(len(key), np.int32), key.astype(index_type), indptr.astype(index_type)), shape=(n, width)
    )


# -- pair search ------------------------------------------------------------------------------------------

_BLOCK = 512
_DENSE_UP_TO = 3000  # sets this small may keep whole N x N score matrices (72 MB each at most)
_MANY_PAIRS = 20_000  # from this many pairs, body scores come from block products (see _intersections)
# Bounds on one call, checked before the work starts (issue 10: large sets finish in bounded memory or
# are refused up front). A listed pair costs about 300 bytes as a table row, so 5 million is ~1.5 GB.
MAX_LISTED_PAIRS = 5_000_000
# Pairs compared per score: 200 million (20,000 agents) take about a minute each for description and
# topic on a laptop core; body compares sparse shingle sets and goes further (1.25 billion: 50,000).
MAX_COMPARED_PAIRS = {"description": 200_000_000, "topic": 200_000_000, "body": 1_250_000_000}


def _workers() -> int:
    return max(1, min(2, os.cpu_count() or 1))


class _TooManyPairs(Exception):
    pass


def _blocked(n: int, block: int, run: Callable[[int, int], tuple[np.ndarray, ...]]) -> list[np.ndarray]:
    """Run `run(b0, b1)` over row blocks (two threads: scipy and BLAS release the GIL) and concatenate.

    Stops with _TooManyPairs once the blocks found more than MAX_LISTED_PAIRS (memory stays bounded).
    """
    starts = range(0, n, block)
    if n <= block:
        parts = [run(0, n)]
    else:
        parts = []
        found = 0
        pool = ThreadPoolExecutor(_workers())
        try:
            blocks = pool.map(lambda b0: run(b0, min(n, b0 + block)), starts)
            for part in progress(blocks, total=len(starts), desc="comparing", min_items=20):
                parts.append(part)
                found += len(part[0])
                if found > MAX_LISTED_PAIRS:
                    raise _TooManyPairs
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    if not parts:
        return [np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)]
    return [np.concatenate(column) for column in zip(*parts, strict=True)]


def _rows_from(matrix: sp.csr_matrix, start: int) -> sp.csr_matrix:
    """Rows start.. of a CSR matrix as a view (slicing would copy tens of MB per block)."""
    import scipy.sparse as sp

    first = matrix.indptr[start]
    return sp.csr_matrix(
        (matrix.data[first:], matrix.indices[first:], matrix.indptr[start:] - first),
        shape=(matrix.shape[0] - start, matrix.shape[1]),
    )


def _all_pairs(n: int) -> tuple[np.ndarray, np.ndarray]:
    i, j = np.triu_indices(n, 1)
    return i.astype(np.int64), j.astype(np.int64)


def _cosine_pairs(x: Any, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Pairs i < j of unit rows with cosine >= threshold (> 0), by row blocks of x @ x.T."""
    import scipy.sparse as sp

    n = x.shape[0]

    def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
        # Rows b0.. against the block: only j >= b0 is computed, half the work of the full product.
        product = (_rows_from(x, b0) if sp.issparse(x) else x[b0:]) @ x[b0:b1].T
        if sp.issparse(product):
            product = product.tocoo()
            jj, ii, values = product.row, product.col, product.data
        else:
            jj, ii = np.nonzero(product >= threshold)
            values = product[jj, ii]
        jj, ii = jj.astype(np.int64) + b0, ii.astype(np.int64) + b0
        keep = (jj > ii) & (values >= threshold)
        return ii[keep], jj[keep], np.minimum(values[keep], 1.0)

    i, j, s = _blocked(n, _BLOCK, run)
    return i, j, s


def _rowwise_dot(x: Any, i: np.ndarray, j: np.ndarray, chunk: int = 20000) -> np.ndarray:
    import scipy.sparse as sp

    out = np.empty(len(i))
    for c in range(0, len(i), chunk):
        a, b = x[i[c : c + chunk]], x[j[c : c + chunk]]
        out[c : c + chunk] = (
            np.asarray(a.multiply(b).sum(axis=1)).ravel() if sp.issparse(a) else (a * b).sum(1)
        )
    return out


# -- results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Agents linked by pairs scoring at least `threshold` (connected components of that graph).

    `min_score`/`max_score` are over every pair inside the group, linked directly or not.
    """

    kind: str
    threshold: float
    agents: list[Any]
    labels: list[str]
    min_score: float
    max_score: float

    @property
    def paths(self) -> list[Path]:
        return [a.path for a in self.agents]

    def __len__(self) -> int:
        return len(self.agents)


@dataclass(frozen=True)
class Passage:
    """A maximal run of shared words between two bodies; lines are 1-based lines of each file."""

    text: str  # as written in the first agent's file
    a_lines: tuple[int, int]
    b_lines: tuple[int, int]
    words: int


# -- the overlap object -----------------------------------------------------------------------------------


def overlap(
    agents: Iterable[Any], *, loaded_only: bool = True, topic_dimensions: int | None = None
) -> Overlap:
    """Compare every agent with every other: see `Overlap`.

    `agents` is any iterable of Agent (an AgentSet, a list). Files Claude Code does not load (a
    README, a broken file) are left out unless `loaded_only=False`. `topic_dimensions` turns on LSA
    for the topic score (see `topic_vectors`).
    """
    return Overlap(agents, loaded_only=loaded_only, topic_dimensions=topic_dimensions)


class Overlap:
    """Pairwise overlap of a set of agents. Build with `agentkit.overlap(agents)`.

    `agents` and `labels` give the order used everywhere; labels are the agents' names, made
    unique with their path when names repeat. Anywhere an agent is expected you may pass the Agent,
    its label, its path, or its position.
    """

    def __init__(
        self, agents: Iterable[Any], *, loaded_only: bool = True, topic_dimensions: int | None = None
    ) -> None:
        self.agents: list[Any] = [a for a in agents if a.loaded or not loaded_only]
        self.topic_dimensions = topic_dimensions
        self._cache: dict[tuple[str, float], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._dense_cache: dict[str, np.ndarray] = {}
        self._sections: dict[int, list[str]] = {}

    def __len__(self) -> int:
        return len(self.agents)

    def __repr__(self) -> str:
        return f"<Overlap of {len(self)} agents>"

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

    def prefetch(self, *features: str) -> None:
        """Start computing `features` ("shingles", "same_role") in a background thread now, to overlap with
        other work on a second core (the verdict's tokenising holds the GIL; the shingles' numpy work
        mostly does not). Each is still computed once: cached_property waits for the thread's result."""
        import threading

        for feature in features:
            if feature in self.__dict__:  # computed already
                continue
            threading.Thread(target=getattr, args=(self, feature), daemon=True).start()

    # -- features (each computed once, on first use) --------------------------------------------------
    @cached_property
    def shingles(self) -> sp.csr_matrix:
        """0/1 agents x distinct word 5-shingles of the bodies (CSR)."""
        return shingle_sets([a.body if isinstance(a.body, str) else "" for a in self.agents])

    @cached_property
    def _shingle_counts(self) -> np.ndarray:
        return np.diff(self.shingles.indptr).astype(np.int64)

    @cached_property
    def same_role(self) -> SameRole:
        """Same-role probabilities of pairs (`agentkit._overlap.verdict`): each depends on the pair alone."""
        return SameRole(self.agents, overlap=self)

    @cached_property
    def description_vectors(self) -> sp.csr_matrix:
        """Unit rows of the descriptions, weighted by the shipped reference tables (see `verdict.vectors`):
        a pair's score does not depend on the rest of the set."""
        return self.same_role.vectors["description"]

    @cached_property
    def topic_vectors(self) -> Any:
        """Unit rows of name (twice), description and body, weighted by the shipped reference tables;
        projected by LSA to `topic_dimensions` when that is set."""
        vectors = self.same_role.vectors["topic"]
        dimensions = self.topic_dimensions
        if dimensions and len(self) > 2 and vectors.shape[1] > 2:
            from sklearn.decomposition import TruncatedSVD
            from sklearn.preprocessing import normalize

            k = min(dimensions, len(self) - 1, vectors.shape[1] - 1)
            return normalize(TruncatedSVD(n_components=k, random_state=0).fit_transform(vectors))
        return vectors

    @cached_property
    def _tool_sets(self) -> tuple[np.ndarray, np.ndarray]:
        """(index of each agent's tool set among the distinct sets, Jaccard between distinct sets)."""
        everything = set(BUILTIN_TOOLS)
        for a in self.agents:
            everything.update(t for t in (a.tools or ()) if t != "*")
        sets = [
            frozenset(everything) if a.tools is None or "*" in a.tools else frozenset(a.tools)
            for a in self.agents
        ]
        distinct = list(dict.fromkeys(sets))
        position = {s: k for k, s in enumerate(distinct)}
        jaccard = np.array(
            [[len(x & y) / len(x | y) if x | y else 1.0 for y in distinct] for x in distinct]
        ).reshape(len(distinct), len(distinct))
        return np.array([position[s] for s in sets], np.int64), jaccard

    # -- scores -----------------------------------------------------------------------------------------
    def scores(self, kind: str, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> np.ndarray:
        """The `kind` score of the pairs (i[k], j[k]) (positions in `agents`), vectorised."""
        _check_kind(kind)
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        if len(self) <= _DENSE_UP_TO and len(i) > 2000:  # many pairs of a small set: one dense matrix
            return self._full(kind)[i, j]
        if kind == "body":
            inter = self._intersections(i, j) if len(i) > _MANY_PAIRS else _rowwise_dot(self.shingles, i, j)
            union = self._shingle_counts[i] + self._shingle_counts[j] - inter
            return np.divide(inter, union, out=np.zeros(len(i)), where=union > 0)
        if kind == "tools":
            which, jaccard = self._tool_sets
            return jaccard[which[i], which[j]]
        vectors = self.description_vectors if kind == "description" else self.topic_vectors
        return np.clip(_rowwise_dot(vectors, i, j), 0.0, 1.0)

    def _intersections(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Shared shingles of many pairs, read off row blocks of S @ S.T (the product the body search runs)
        rather than pair by pair: exact, and several times faster for hundreds of thousands of pairs."""
        import scipy.sparse as sp

        n, shingles = len(self), self.shingles
        low, high = np.minimum(i, j), np.maximum(i, j)
        out = np.zeros(len(i))
        by_block = np.argsort(low // _BLOCK, kind="stable")
        starts = np.searchsorted((low // _BLOCK)[by_block], np.arange(0, n // _BLOCK + 2))

        def run(block: int) -> None:
            wanted = by_block[starts[block] : starts[block + 1]]
            if not len(wanted):
                return
            b0, b1 = block * _BLOCK, min(n, (block + 1) * _BLOCK)
            product = sp.csr_matrix(_rows_from(shingles, b0) @ shingles[b0:b1].T)
            product.sort_indices()  # row-major with sorted columns: the codes below come out sorted
            width = b1 - b0
            rows = np.repeat(np.arange(product.shape[0], dtype=np.int64), np.diff(product.indptr))
            codes = rows * width + product.indices
            keys = (high[wanted] - b0) * width + (low[wanted] - b0)
            at = np.minimum(np.searchsorted(codes, keys), max(len(codes) - 1, 0))
            hit = codes[at] == keys if len(codes) else np.zeros(len(keys), bool)
            out[wanted[hit]] = product.data[at[hit]]

        with ThreadPoolExecutor(_workers()) as pool:
            list(pool.map(run, range(len(starts) - 1)))
        same = i == j
        out[same] = self._shingle_counts[i[same]]
        return out

    def _full(self, kind: str) -> np.ndarray:
        """The whole dense matrix of one score, kept (small sets only)."""
        if kind not in self._dense_cache:
            self._dense_cache[kind] = self._dense(kind, np.arange(len(self)))
        return self._dense_cache[kind]

    def score(self, kind: str, a: Any, b: Any) -> float:
        """The `kind` score of one pair (`same_role`: the probability that they do the same job)."""
        _check_column(kind)
        return float(self.column(kind, [self.index(a)], [self.index(b)])[0])

    def check_size(self, kinds: Sequence[str], threshold: float) -> None:
        """Raise TooLargeError, before any work, when finding the pairs of `kinds` at `threshold` would
        compare or list more pairs than agentkit allows (MAX_COMPARED_PAIRS, MAX_LISTED_PAIRS)."""
        n = len(self)
        compared = n * (n - 1) // 2
        smaller = "compare fewer agents at once (one folder, or a slice of the set)"
        if threshold <= 0 and compared > MAX_LISTED_PAIRS:
            raise TooLargeError(
                f"{n:,} agents make {compared:,} pairs, and a minimum score of 0 lists every one "
                f"(agentkit lists at most {MAX_LISTED_PAIRS:,}); give a minimum score above 0, or {smaller}"
            )
        for kind in dict.fromkeys(kinds):
            _check_kind(kind)
            if kind == "tools":
                count = self._tool_pair_count(threshold)
                if count > MAX_LISTED_PAIRS:
                    raise TooLargeError(
                        f"the tools score of {n:,} agents reaches {threshold:g} for {count:,} pairs (agents "
                        f"that inherit every tool all match), more than the {MAX_LISTED_PAIRS:,} agentkit "
                        "lists; let other scores decide (--kind body, description or topic; kind= in "
                        "Python), or raise the minimum score"
                    )
            elif compared > MAX_COMPARED_PAIRS[kind]:
                limit = MAX_COMPARED_PAIRS[kind]
                agents = int((2 * limit) ** 0.5)
                raise TooLargeError(
                    f"the {kind} score of {n:,} agents would compare {compared:,} pairs, more than agentkit "
                    f"compares at once ({limit:,}: about {agents:,} agents); {smaller}"
                    + (
                        ", or compare only verbatim copies (--kind body)"
                        if kind != "body" and compared <= MAX_COMPARED_PAIRS["body"]
                        else ""
                    )
                )

    def _tool_pair_count(self, threshold: float) -> int:
        """How many pairs reach `threshold` on tools, counted from the distinct tool sets (no listing)."""
        which, jaccard = self._tool_sets
        sizes = np.bincount(which, minlength=len(jaccard)).astype(np.float64)
        reach = (jaccard >= threshold - 1e-12).astype(np.float64)
        ordered = sizes @ reach @ sizes - float(np.dot(np.diag(reach), sizes))  # (a, b) with a != b
        return int(round(ordered / 2))

    def pairs_at_least(self, kind: str, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, score) of every pair i < j whose `kind` score is >= threshold, sorted by (i, j).

        Pairs below the threshold are never materialised (except threshold <= 0: every pair, from
        the dense matrix, for small sets).
        """
        _check_kind(kind)
        key = (kind, float(threshold))
        lower = [t for k, t in self._cache if k == kind and 0 < t <= threshold]
        if key not in self._cache and lower and threshold > 0:  # filter what a lower threshold found
            i, j, v = self._cache[(kind, max(lower))]
            keep = v >= threshold - 1e-12
            self._cache[key] = (i[keep], j[keep], v[keep])
        if key not in self._cache:
            try:
                self._search(kind, threshold, key)
            except _TooManyPairs:
                raise TooLargeError(
                    f"the {kind} score reaches {threshold:g} for more than {MAX_LISTED_PAIRS:,} pairs of "
                    f"these {len(self):,} agents, more than agentkit lists; {self._fewer_pairs_advice()}"
                ) from None
        return self._cache[key]

    def _fewer_pairs_advice(self) -> str:
        """What to do when too many pairs score high. Verbatim copies score 1 on every kind, so when their
        pairs alone fill most of the list, a higher minimum score cannot help: say so, and where."""
        copies: dict[str, list[int]] = {}
        for position, agent in enumerate(self.agents):
            body = agent.body.strip() if isinstance(agent.body, str) else ""
            if body:
                copies.setdefault(body, []).append(position)
        sets = [members for members in copies.values() if len(members) > 1]
        copy_pairs = sum(len(m) * (len(m) - 1) // 2 for m in sets)
        if copy_pairs * 2 < MAX_LISTED_PAIRS:
            return "raise the minimum score"
        largest = max(sets, key=len)
        return (
            f"{sum(map(len, sets)):,} of them share their body with another ({len(largest):,} files have "
            f"the body of {self.paths[largest[0]]}), and such copies match at every minimum score: keep "
            "one file of each body (or set the copies aside) and compare again"
        )

    def _search(self, kind: str, threshold: float, key: tuple[str, float]) -> None:
        if threshold <= 0:
            i, j = _all_pairs(len(self))
            found = (
                i,
                j,
                self._full(kind)[i, j] if len(self) <= _DENSE_UP_TO else self.scores(kind, i, j),
            )
        elif kind == "body":
            found = self._body_pairs(threshold)
        elif kind == "tools":
            if self._tool_pair_count(threshold) > MAX_LISTED_PAIRS:
                raise _TooManyPairs  # count first: listing them is what would not fit
            found = self._tool_pairs(threshold)
        else:
            vectors = self.description_vectors if kind == "description" else self.topic_vectors
            found = _cosine_pairs(vectors, threshold - 1e-12)
        if len(found[0]) > MAX_LISTED_PAIRS:
            raise _TooManyPairs
        order = np.lexsort((found[1], found[0]))
        self._cache[key] = (found[0][order], found[1][order], found[2][order])

    def _body_pairs(self, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Exact: intersections are the entries of S @ S.T; a pair with Jaccard > 0 shares a shingle,
        # so the sparse product sees it. Row blocks keep memory bounded.
        shingles, counts = self.shingles, self._shingle_counts
        t = threshold - 1e-12

        def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
            product = (_rows_from(shingles, b0) @ shingles[b0:b1].T).tocoo()
            j, i, inter = product.row.astype(np.int64) + b0, product.col.astype(np.int64) + b0, product.data
            keep = j > i
            i, j, inter = i[keep], j[keep], inter[keep]
            union = counts[i] + counts[j] - inter
            keep = inter >= t * union
            return i[keep], j[keep], inter[keep] / union[keep]

        i, j, v = _blocked(len(self), _BLOCK, run)
        return i, j, v

    def _tool_pairs(self, threshold: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        # Few distinct tool sets: compare the sets, then expand to the agents holding them.
        which, jaccard = self._tool_sets
        members = [np.flatnonzero(which == g) for g in range(len(jaccard))]
        parts = [np.zeros(0, np.int64)]
        for g, h in zip(*np.nonzero(jaccard >= threshold - 1e-12), strict=True):
            if g > h:
                continue
            a, b = (m.ravel() for m in np.meshgrid(members[g], members[h], indexing="ij"))
            keep = a != b
            a, b = a[keep], b[keep]
            parts.append(np.minimum(a, b) * len(self) + np.maximum(a, b))
        code = np.unique(np.concatenate(parts))
        i, j = code // max(len(self), 1), code % max(len(self), 1)
        return i, j, jaccard[which[i], which[j]]

    # -- public tables --------------------------------------------------------------------------------
    def pairs(
        self,
        min_score: float | None = None,
        kind: str = "same_role",
        scores: Sequence[str] = COLUMNS,
    ) -> pd.DataFrame:
        """One row per pair of agents whose `kind` score reaches `min_score`, best first.

        By default (`kind="same_role"`) the pairs that likely do the same job (probability >= LIKELY, 0.5;
        pass `min_score=0.15`, POSSIBLE, for the possible ones too), with the verdict in words. With a score kind
        (description, body, topic, tools) the pairs where that score reaches `min_score` (default 0.5);
        `min_score=0` lists every pair (N*(N-1)/2 rows: only for small sets). Pairs below the threshold
        are never materialised, and `scores` chooses the columns computed: asking for body alone on
        10,000 agents tokenises no description.

        Columns: a, b (paths as text), a_name, b_name, a_label, b_label, then for each of `scores`:
        same_role (a probability) with `verdict` ("same role: likely, 0.93"), description with `routing`
        (what the description score means for routing), body with `copy` ("verbatim copy: 0.76 of the
        body"), topic, tools. Sorted by the selecting score, then by position.
        """
        import pandas as pd

        from agentkit._overlap.guidance import competition
        from agentkit._overlap.verdict import LIKELY, copy_phrase, verdict

        scores = list(scores)
        for k in [kind, *scores]:
            _check_column(k)
        if min_score is None:
            min_score = LIKELY if kind == "same_role" else 0.5
        self.check_size([_searched_as(kind)], min_score)
        if kind == "same_role":  # only now: a refused request starts no work (100,000 agents: 1.3 GB)
            self.prefetch("shingles")  # the copies need them; built beside the verdict's vectors
        known: dict[str, np.ndarray] = {}  # scores the search computed already, reused for the columns
        if kind == "same_role":
            i, j, selected, features = self.same_role.scored_features(min_score)
            if self.topic_dimensions is None:  # the overlap's topic and description are the verdict's
                known = {k: features[k] for k in ("topic", "description")}
        else:
            i, j, selected = self.pairs_at_least(kind, min_score)
        order = np.lexsort((j, i, -selected)) if len(i) else np.zeros(0, np.int64)
        i, j, selected = i[order], j[order], selected[order]
        known = {k: np.clip(v[order], 0.0, 1.0) for k, v in known.items()}
        frame = pd.DataFrame(
            {
                "a": [self.paths[x] for x in i],
                "b": [self.paths[x] for x in j],
                "a_name": [self.names[x] for x in i],
                "b_name": [self.names[x] for x in j],
                "a_label": [self.labels[x] for x in i],
                "b_label": [self.labels[x] for x in j],
            }
        )
        for k in scores:
            values = selected if k == kind else known[k] if k in known else self.column(k, i, j)
            frame[k] = values.astype(float)
            if k == "same_role":
                frame["verdict"] = [verdict(float(p)) for p in values]
            elif k == "description":
                frame["routing"] = [competition(float(x)) for x in values]
            elif k == "body":
                frame["copy"] = [copy_phrase(float(x)) for x in values]
        return frame

    def _known_column(self, kind: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """`column`, reading the values a pair search already found (i < j) instead of scoring them again."""
        if kind == "same_role":
            return self.column(kind, i, j)  # SameRole remembers what it scored
        searched = [t for k, t in self._cache if k == kind and t > 0]
        if not searched:
            return self.column(kind, i, j)
        fi, fj, fv = self._cache[(kind, min(searched))]
        n = max(len(self), 1)
        codes, wanted = fi * n + fj, i * n + j  # the cache is sorted by (i, j): so are its codes
        at = np.minimum(np.searchsorted(codes, wanted), max(len(codes) - 1, 0))
        hit = codes[at] == wanted if len(codes) else np.zeros(len(wanted), bool)
        values = np.empty(len(wanted))
        values[hit] = fv[at[hit]]
        if (~hit).any():
            values[~hit] = self.column(kind, i[~hit], j[~hit])
        return values

    def column(self, kind: str, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> np.ndarray:
        """The `kind` values of pairs: one of the four scores, or `same_role` (the probability)."""
        if kind == "same_role":
            return self.same_role.probability(i, j)
        return self.scores(kind, i, j)

    def matrix(self, kind: str = "same_role", agents: Iterable[Any] | None = None) -> pd.DataFrame:
        """The dense N x N table of one score (index and columns: labels; diagonal 1).

        `agents` restricts it to some agents (Agent, label, path or position each).
        """
        import pandas as pd

        _check_column(kind)
        index = self.positions(agents)
        values = self._dense(kind, index)
        labels = [self.labels[x] for x in index]
        return pd.DataFrame(values, index=labels, columns=labels)

    def _dense(self, kind: str, index: np.ndarray) -> np.ndarray:
        if kind == "same_role":
            a, b = (m.ravel() for m in np.meshgrid(index, index, indexing="ij"))
            values = self.same_role.probability(a, b).reshape(len(index), len(index))
        elif kind == "body":
            s = self.shingles[index]
            inter = (s @ s.T).toarray().astype(float)
            counts = self._shingle_counts[index].astype(float)
            union = counts[:, None] + counts[None, :] - inter
            values = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        elif kind == "tools":
            which, jaccard = self._tool_sets
            values = jaccard[np.ix_(which[index], which[index])]
        else:
            vectors = (self.description_vectors if kind == "description" else self.topic_vectors)[index]
            product = vectors @ vectors.T
            values = np.clip(product.toarray() if hasattr(product, "toarray") else product, 0.0, 1.0)
        values = np.array(values, dtype=float)
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

        By default, agents that do the same job: linked by pairs with a same-role probability >=
        `threshold` (default LIKELY), grouped by average linkage inside those links, so five differently
        worded versions of one role form one group while an agent resembling two roles does not chain
        them (`SameRole.groups`). With a score kind: near-duplicates, agents linked by pairs whose
        score is >= threshold (default 0.8), single linkage (connected components), so a chain a~b~c is
        one group even when a and c differ more. Each group reports the min and max value over all its
        pairs, linked directly or not.
        """
        import scipy.sparse as sp
        from scipy.sparse.csgraph import connected_components

        from agentkit._overlap.verdict import LIKELY

        _check_column(kind)
        n = len(self)
        self.check_size([_searched_as(kind)], 0.8 if threshold is None else threshold)
        if kind == "same_role":
            threshold = LIKELY if threshold is None else threshold
            members_list = [np.asarray(m, np.int64) for m in self.same_role.groups(threshold)]
        else:
            threshold = 0.8 if threshold is None else threshold
            i, j, _ = self.pairs_at_least(kind, threshold)
            graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
            _, component = connected_components(graph, directed=False)
            by_component = np.split(
                np.argsort(component, kind="stable"), np.cumsum(np.bincount(component))[:-1]
            )
            members_list = [m for m in by_component if len(m) > 1]
        # Every pair inside every group, scored in one call (min and max are over all of them).
        pair_index = [np.triu_indices(len(m), 1) for m in members_list]
        firsts = [m[a] for m, (a, _) in zip(members_list, pair_index, strict=True)]
        seconds = [m[b] for m, (_, b) in zip(members_list, pair_index, strict=True)]
        every = (
            self._known_column(kind, np.concatenate(firsts), np.concatenate(seconds))
            if members_list
            else np.zeros(0)
        )
        bounds = np.cumsum([0, *(len(f) for f in firsts)])
        groups = []
        for k, members in enumerate(members_list):
            values = every[bounds[k] : bounds[k + 1]]
            groups.append(
                Group(
                    kind,
                    threshold,
                    [self.agents[x] for x in members],
                    [self.labels[x] for x in members],
                    float(values.min()),
                    float(values.max()),
                )
            )
        groups.sort(key=lambda g: (-len(g), -g.max_score, g.labels[0]))
        return groups

    # -- shared passages ------------------------------------------------------------------------------
    def passages(self, a: Any, b: Any, min_words: int = SHINGLE) -> list[Passage]:
        """The passages two bodies share: maximal runs of shared word 5-shingles, in file order of `a`.

        Each is reported once (runs are picked longest first, never overlapping in either file) with
        its text as written in `a` and its 1-based line range in each file. `min_words` (at least 5)
        drops shorter runs.
        """
        return shared_passages(self.agents[self.index(a)], self.agents[self.index(b)], min_words)

    # -- coverage ---------------------------------------------------------------------------------------
    def sections(self, agent: Any) -> list[str]:
        """The agent's section headings, normalised (lower case, numbering and punctuation removed)."""
        x = self.index(agent)
        if x not in self._sections:
            body = self.agents[x].body
            self._sections[x] = _headings(body if isinstance(body, str) else "")
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
        (see `agentkit._overlap.guidance`). `members`: a Group's `agents`, or Agents/labels/paths."""
        from agentkit._overlap.guidance import merge_guidance

        return merge_guidance(self, members)

    def coverage(self, agents_subset: Iterable[Any] | None = None, max_topics: int = 40) -> pd.DataFrame:
        """What each agent of a family covers and misses: topics x agents (columns: labels).

        Topics are the section headings the agents use (`## Testing`, a bold line, or a short line
        ending in a colon; numbering and punctuation removed) and the key terms of the family (highest summed TF-IDF over its agents, relative to
        the whole set). Cells: 2 = the agent has a heading about it, 1 = its text mentions it (all
        the topic's words appear, light stemming), 0 = it misses it. Topics covered by most agents
        come first.
        """
        index = self.positions(agents_subset)
        terms, matrix = self._terms
        weights = np.asarray(matrix[index].sum(axis=0)).ravel() if matrix is not None else np.zeros(0)
        agents = [self.agents[x] for x in index]
        return _coverage(agents, [self.labels[x] for x in index], weights, terms, max_topics)

    @cached_property
    def _terms(self) -> tuple[np.ndarray, Any]:
        """The terms and the word and bigram TF-IDF of description + body over the whole set (for
        coverage key terms)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        texts = [
            clean_text(f"{description_text(a)}\n{a.body if isinstance(a.body, str) else ''}")
            for a in self.agents
        ]
        vectorizer = TfidfVectorizer(
            token_pattern=r"(?u)\b[^\W\d_][\w+#]+", ngram_range=(1, 2), sublinear_tf=True, lowercase=False
        )
        try:
            matrix = vectorizer.fit_transform(texts).tocsr()
        except ValueError:  # no term at all
            return np.zeros(0, str), None
        return vectorizer.get_feature_names_out(), matrix  # the names once: they cost seconds

    # -- plots ------------------------------------------------------------------------------------------
    def linkage(self, kind: str = "topic", agents: Iterable[Any] | None = None) -> np.ndarray:
        """Average-linkage hierarchical clustering on distance 1 - score (scipy linkage matrix)."""
        from scipy.cluster.hierarchy import linkage
        from scipy.spatial.distance import squareform

        index = self.positions(agents)
        if len(index) < 2:
            raise ValueError("clustering needs at least two agents")
        distance = 1.0 - self._dense(kind, index)
        np.fill_diagonal(distance, 0.0)
        distance = np.clip((distance + distance.T) / 2, 0.0, 1.0)
        return linkage(
            squareform(distance, checks=False), method="average", optimal_ordering=len(index) <= 300
        )

    def heatmap(
        self, kind: str = "topic", agents: Iterable[Any] | None = None, max_labels: int = 60
    ) -> Figure:
        """The score matrix with rows and columns in hierarchical-clustering order (a matplotlib Figure).

        Similar agents end up next to each other, so duplicated families show as bright blocks.
        Tick labels are drawn when there are at most `max_labels` agents.
        """
        from scipy.cluster.hierarchy import leaves_list

        from agentkit._overlap.figures import Figure  # shows itself as an image in Jupyter

        index = self.positions(agents)
        order = index[leaves_list(self.linkage(kind, index))] if len(index) > 1 else index
        values = self._dense(kind, order)
        labelled = len(order) <= max_labels
        labels = [_short(self.labels[x]) for x in order] if labelled else []
        # Room for the cells (0.2 inch each when labelled) plus the longest label at 7 points.
        side = min(max(3.0, 0.2 * len(order)), 20.0) if labelled else 8.0
        margin = 0.055 * max(map(len, labels), default=0) + 0.4
        fig = Figure(figsize=(side + margin + 1.4, side + margin + 0.6), layout="constrained")
        ax = fig.add_subplot()
        image = ax.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis", interpolation="nearest")
        fig.colorbar(image, ax=ax, label=f"{kind} score", shrink=0.6)
        if labelled:
            ax.set_xticks(range(len(order)), labels, rotation=90, fontsize=7)
            ax.set_yticks(range(len(order)), labels, fontsize=7)
        else:
            ax.set_xticks([])
            ax.set_yticks([])
        ax.set_title(f"{kind} overlap, {len(order)} agents (clustered)")
        return fig

    def dendrogram(
        self, kind: str = "topic", agents: Iterable[Any] | None = None, max_labels: int = 120
    ) -> Figure:
        """The hierarchical clustering tree (distance 1 - score) as a matplotlib Figure."""
        from scipy.cluster.hierarchy import dendrogram

        from agentkit._overlap.figures import Figure  # shows itself as an image in Jupyter

        index = self.positions(agents)
        tree = self.linkage(kind, index)
        labelled = len(index) <= max_labels
        labels = [_short(self.labels[x]) for x in index]
        margin = 0.055 * max(map(len, labels), default=0) if labelled else 0.0
        fig = Figure(figsize=(max(8.0, 5 + margin), min(2 + 0.16 * len(index), 30)), layout="constrained")
        ax = fig.add_subplot()
        dendrogram(
            tree,
            ax=ax,
            labels=labels if labelled else None,
            no_labels=not labelled,
            orientation="left",
            leaf_font_size=7,
            color_threshold=0.5,
        )
        ax.set_xlabel(f"1 - {kind} score")
        ax.set_title(f"{kind} clustering, {len(index)} agents")
        return fig

    # -- lookups --------------------------------------------------------------------------------------
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


def _short(label: str, width: int = 48) -> str:
    """A label cut in the middle to fit a tick (the start names the agent, the end the file)."""
    if len(label) <= width:
        return label
    keep = (width - 1) // 2
    return f"{label[:keep]}…{label[-(width - 1 - keep) :]}"


def _searched_as(kind: str) -> str:
    # The same-role verdict finds its candidates by description (and name) cosine, as that score does.
    return "description" if kind == "same_role" else kind


def _check_column(kind: str) -> None:
    if kind not in COLUMNS:
        raise ValueError(f"unknown score {kind!r}: use one of {', '.join(COLUMNS)}")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown score {kind!r}: use one of {', '.join(KINDS)}")


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


def _positions(body: str) -> tuple[list[bytes], list[tuple[int, int]], bytes]:
    data = _word_bytes(body)
    spans = [m.span() for m in re.finditer(rb"[^ ]+", data)]
    return [data[s:e] for s, e in spans], spans, body.encode("utf-8", "surrogatepass")


def _body_line(agent: Any) -> int:
    return int(getattr(agent, "body_start_line", 1) or 1)


def shared_passages(a: Any, b: Any, min_words: int = SHINGLE) -> list[Passage]:
    """Maximal runs of word shingles that bodies `a` and `b` share (see `Overlap.passages`)."""
    k = SHINGLE
    words_a, spans_a, raw_a = _positions(a.body)
    words_b, spans_b, raw_b = _positions(b.body)
    where: dict[tuple[bytes, ...], list[int]] = {}
    for q in range(len(words_b) - k + 1):
        where.setdefault(tuple(words_b[q : q + k]), []).append(q)
    # run[(p, q)]: length of the diagonal run of matching shingles ending at a's p and b's q.
    run: dict[tuple[int, int], int] = {}
    for p in range(len(words_a) - k + 1):
        for q in where.get(tuple(words_a[p : p + k]), ())[:64]:  # cap: repeated filler phrases
            run[p, q] = run.get((p - 1, q - 1), 0) + 1
    ends = [(length, p, q) for (p, q), length in run.items() if (p + 1, q + 1) not in run]
    ends.sort(key=lambda t: (-t[0], t[1], t[2]))
    taken_a = np.zeros(len(words_a), bool)
    taken_b = np.zeros(len(words_b), bool)
    picked = []
    for length, p_end, q_end in ends:
        p0, q0 = p_end - length + 1, q_end - length + 1
        p1, q1 = p_end + k, q_end + k  # exclusive word ends
        if p1 - p0 < max(min_words, k) or taken_a[p0:p1].any() or taken_b[q0:q1].any():
            continue
        taken_a[p0:p1] = True
        taken_b[q0:q1] = True
        picked.append((p0, p1, q0, q1))
    picked.sort()
    line_a, line_b = _body_line(a), _body_line(b)
    out = []
    for p0, p1, q0, q1 in picked:
        start, end = spans_a[p0][0], spans_a[p1 - 1][1]
        out.append(
            Passage(
                text=raw_a[start:end].decode("utf-8", "surrogatepass"),
                a_lines=(line_a + raw_a.count(b"\n", 0, start), line_a + raw_a.count(b"\n", 0, end)),
                b_lines=(
                    line_b + raw_b.count(b"\n", 0, spans_b[q0][0]),
                    line_b + raw_b.count(b"\n", 0, spans_b[q1 - 1][1]),
                ),
                words=p1 - p0,
            )
        )
    return out


# -- coverage ---------------------------------------------------------------------------------------------

# Section headings as agent files write them: Markdown headings, a bold line, or a short line that
# ends in a colon ("Backend development checklist:", VoltAgent's style).
_HEADING = re.compile(
    r"^ {0,3}#{1,6}[ \t]+(.+?)[ \t#]*$"
    r"|^ {0,3}\*\*([^*\n]{2,80})\*\*:?[ \t]*$"
    r"|^([A-Z][^\n:*#`|-]{2,60}):[ \t]*$",
    re.M,
)
_NUMBERING = re.compile(r"^(?:(?:step|phase|part)\s+)?(?:\d+(?:\.\d+)*[.):]?|[ivxlc]+[.)])\s+|^[\W_]+", re.I)


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _content_words(text: str) -> list[str]:
    stop = stop_words()
    return [_stem(w) for w in re.findall(r"[a-z][a-z0-9+#]*", text.lower()) if w not in stop and len(w) > 1]


def _headings(body: str) -> list[str]:
    """Normalised section headings: lower case, numbering, emoji and punctuation removed."""
    out = []
    for match in _HEADING.finditer(body):
        heading = next(g for g in match.groups() if g is not None)
        text = _NUMBERING.sub("", heading.strip()).lower()
        text = re.sub(r"[^\w+#/&' -]+", " ", text)
        text = re.sub(r"\s+", " ", text).strip(" -/&'")
        if text and any(c.isalpha() for c in text):
            out.append(text)
    return out


def _coverage(
    agents: list[Any], labels: list[str], weights: np.ndarray, terms: np.ndarray, max_topics: int
) -> pd.DataFrame:
    import pandas as pd

    bodies = [a.body if isinstance(a.body, str) else "" for a in agents]
    headings = [_headings(body) for body in bodies]
    heading_words = [[set(_content_words(h)) for h in hs] for hs in headings]
    text_words = [
        set(_content_words(f"{description_text(a)}\n{body}")) for a, body in zip(agents, bodies, strict=True)
    ]

    # Heading topics: keyed by their content words so "Testing Strategy" and "Test strategies" meet.
    by_key: dict[frozenset[str], Counter[str]] = {}
    for hs in headings:
        for h in dict.fromkeys(hs):
            key = frozenset(_content_words(h))
            if key:
                by_key.setdefault(key, Counter())[h] += 1
    need = 2 if len(agents) >= 3 else 1
    topics: list[tuple[str, frozenset[str]]] = []
    for key, spellings in by_key.items():
        if sum(1 for hw in heading_words if key in hw) >= need:
            topics.append((spellings.most_common(1)[0][0], key))

    # Key terms: what sets this family apart from the whole set.
    for term in _key_terms(weights, terms, 15):
        key = frozenset(_content_words(term))
        if key and all(key != k for _, k in topics):
            topics.append((term, key))

    rows = {}
    for topic, key in topics:
        rows[topic] = [
            2 if any(key <= hw for hw in hws) else 1 if key <= words else 0
            for hws, words in zip(heading_words, text_words, strict=True)
        ]
    table = (
        pd.DataFrame.from_dict(rows, orient="index", columns=labels, dtype=int)
        if rows
        else (pd.DataFrame(columns=labels, dtype=int))
    )
    if len(table):
        covered = (table > 0).sum(axis=1)
        sections = (table == 2).sum(axis=1)
        order = sorted(table.index, key=lambda t: (-covered[t], -sections[t], t))
        table = table.loc[order[:max_topics]]
    table.index.name = "topic"
    return table


def _key_terms(weights: np.ndarray, terms: np.ndarray, count: int) -> list[str]:
    """The `count` heaviest terms, skipping one that contains or is contained in a term already kept."""
    out: list[str] = []
    for x in np.argsort(-weights, kind="stable"):
        term = str(terms[x])
        if weights[x] <= 0:
            break
        if any(term in t or t in term for t in out):  # "unit" and "unit tests": keep one
            continue
        out.append(term)
        if len(out) == count:
            break
    return out
