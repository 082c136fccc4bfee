"""Shared passages: the maximal runs of words two bodies share, with their line ranges in both files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from agentkit._overlap.shingles import SHINGLE, word_bytes

__all__ = ["Passage", "shared_passages"]


@dataclass(frozen=True)
class Passage:
    """A maximal run of shared words between two bodies; lines are 1-based lines of each file."""

    text: str  # as written in the first agent's file
    a_lines: tuple[int, int]
    b_lines: tuple[int, int]
    words: int


def _positions(body: str) -> tuple[list[bytes], list[tuple[int, int]], bytes]:
    data = word_bytes(body)
    spans = [m.span() for m in re.finditer(rb"[^ ]+", data)]
    return [data[s:e] for s, e in spans], spans, body.encode("utf-8", "surrogatepass")


def _body_line(agent: Any) -> int:
    return int(getattr(agent, "body_start_line", 1) or 1)


def shared_passages(a: Any, b: Any, min_words: int = SHINGLE) -> list[Passage]:
    """Maximal runs of word shingles that bodies `a` and `b` share (`Overlap.passages`)."""
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
