"""The body score's words and shingles: word 5-shingles of every body as a sparse 0/1 matrix.

Words are runs of ASCII letters, digits, `_` and non-ASCII characters, ASCII case-folded; punctuation
and Markdown markup separate words (`word_tokens`). A shingle is a run of SHINGLE words; a body of 1 to
SHINGLE - 1 words has one shingle, all its words. Everything works on bytes, without a Python object
per word (`agentkit._overlap.words`), so 10,000 bodies take about a second.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from agentkit._overlap.words import GOLD, M2, joined, mix, word_keys

if TYPE_CHECKING:
    import scipy.sparse as sp

__all__ = [
    "SHINGLE",
    "UNICODE_SEPARATORS",
    "copy_phrase",
    "shingle_sets",
    "word_bytes",
    "word_tokens",
    "workers",
]

SHINGLE = 5  # words per shingle


def workers() -> int:
    """Threads for numpy and scipy work that releases the GIL (this machine has two cores to share)."""
    return max(1, min(2, os.cpu_count() or 1))


# Byte classes: ASCII letters, digits, `_` and every byte of a multi-byte UTF-8 character are word
# bytes, everything else separates words. Working on bytes keeps offsets exact and is fast.
_WORD_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c == 95 or c >= 128) else 32 for c in range(256))
# Unicode punctuation that would otherwise glue words together: general punctuation (dashes, quotes,
# bullets, ellipsis), Latin-1 symbols (nbsp, guillemets), arrows, box drawing and geometric shapes.
UNICODE_SEPARATORS = re.compile(
    rb"\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xc2[\xa0-\xbf]|\xe2\x86[\x90-\xbf]|\xe2[\x94\x95][\x80-\xbf]"
    rb"|\xe2\x96[\xa0-\xbf]|\xe2\x97[\x80-\xbf]"
)


def _blank(match: re.Match[bytes]) -> bytes:
    return b" " * len(match.group())


def word_bytes(body: str) -> bytes:
    """The body as UTF-8 with every separator byte turned into a space (same length, same offsets)."""
    data = body.encode("utf-8", "surrogatepass").lower()
    if not data.isascii():
        data = UNICODE_SEPARATORS.sub(_blank, data)
    return data.translate(_WORD_BYTES)


def word_tokens(body: str) -> list[bytes]:
    """The words of a body as the `body` score sees them (UTF-8 bytes, ASCII lower-cased)."""
    return word_bytes(body).split()


def _shingle_hashes(bodies: Sequence[str], k: int = SHINGLE) -> tuple[np.ndarray, np.ndarray]:
    """64-bit hashes of every word k-shingle of every body, and the index of the body each came from.

    A body of 1 to k-1 words has one shingle (all its words). Duplicates within a body are kept.
    Bodies are taken 1,000 at a time so that temporaries stay small.
    """
    starts = range(0, len(bodies), 1000)
    if len(bodies) <= 1000:
        parts = [_chunk_hashes(bodies, 0, k)] if bodies else []
    else:  # numpy releases the GIL: two chunks overlap
        with ThreadPoolExecutor(workers()) as pool:
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
    data, starts, ends, text_start = joined([word_bytes(b) for b in bodies])
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
    parts = workers()
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


def copy_phrase(body: float) -> str:
    """The body score in words: "verbatim copy: 0.76 of the body".

    The body score is the Jaccard similarity of the two bodies' sets of five-word runs: 0.76 means that
    of all distinct five-word runs found in either body, 76 in 100 are found, word for word, in both.
    From 0.5 on, the same-role verdict counts the pair as a copy of one agent (`verdict.COPY`).
    """
    return f"verbatim copy: {body:.2f} of the body"
