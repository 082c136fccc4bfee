"""Words as 64-bit keys, straight from a byte buffer: no Python object per word.

Used by the body score's shingles (`scores.py`) and by the same-role verdict's term counts (`verdict.py`).
Texts are joined with spaces; each word is read as 8-byte little-endian chunks through an unaligned view.
A word of up to 8 bytes keys as its own bytes (no two short words collide); a longer word chains its chunks
through splitmix64's mixer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

M1, M2, GOLD = np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB), np.uint64(0x9E3779B97F4A7C15)
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [2**64 - 1], np.uint64)  # keep the first n bytes


def mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: spreads structured 64-bit values over all bits."""
    x = x ^ (x >> np.uint64(30))
    x *= M1
    x ^= x >> np.uint64(27)
    x *= M2
    return x ^ (x >> np.uint64(31))


def joined(parts: Sequence[bytes]) -> tuple[bytes, np.ndarray, np.ndarray, np.ndarray]:
    """The texts joined with spaces (and room to read 8 bytes past the end), each word's start and end
    byte, and where each text starts (text k starts at byte 1 + the sizes before it + k)."""
    sizes = np.fromiter(map(len, parts), np.int64, len(parts))
    data = b" " + b" ".join(parts) + b" " + bytes(8)
    text = np.frombuffer(data, np.uint8)
    in_word = text[: len(text) - 8] != 32
    edges = np.flatnonzero(in_word[1:] != in_word[:-1]) + 1  # alternating word starts and ends
    return data, edges[0::2], edges[1::2], np.cumsum(sizes + 1) - sizes


def word_keys(data: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """A 64-bit key per word: its bytes (up to 8), longer words chained through the mixer, and the
    length folded in (so "a" and "a\\0" differ). Equal words get equal keys."""
    length = ends - starts
    view = np.ndarray((len(data) - 7,), dtype="<u8", buffer=data, strides=(1,))  # view[k]: bytes k..k+7
    values = view[starts] & _MASKS[np.minimum(length, 8)]
    longer = np.flatnonzero(length > 8)
    offset = 8
    with np.errstate(over="ignore"):
        while len(longer):
            chunk = view[starts[longer] + offset] & _MASKS[np.minimum(length[longer] - offset, 8)]
            values[longer] = mix(values[longer] ^ GOLD) + chunk
            offset += 8
            longer = longer[length[longer] > offset]
        values ^= length.astype(np.uint64) * M1
    return values
