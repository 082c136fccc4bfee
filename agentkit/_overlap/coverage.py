"""Coverage: what each agent of a family covers and misses, as topics x agents.

Topics are the section headings the agents use (`## Testing`, a bold line, or a short line ending in a
colon; numbering and punctuation removed) and the key terms of the family (highest summed TF-IDF over its
agents, relative to the whole set). Cells: 2 = the agent has a heading about it, 1 = its text mentions it
(all the topic's words appear, light stemming), 0 = it misses it. Topics covered by most agents come first.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.text import clean_text, description_text, stop_words

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["content_words", "coverage", "headings", "set_terms"]


def set_terms(agents: list[Any]) -> tuple[np.ndarray, Any]:
    """The terms and the word and bigram TF-IDF of description + body over the whole set (for coverage
    key terms)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = [
        clean_text(f"{description_text(a)}\n{a.body if isinstance(a.body, str) else ''}") for a in agents
    ]
    vectorizer = TfidfVectorizer(
        token_pattern=r"(?u)\b[^\W\d_][\w+#]+", ngram_range=(1, 2), sublinear_tf=True, lowercase=False
    )
    try:
        matrix = vectorizer.fit_transform(texts).tocsr()
    except ValueError:  # no term at all
        return np.zeros(0, str), None
    return vectorizer.get_feature_names_out(), matrix  # the names once: they cost seconds


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


def content_words(text: str) -> list[str]:
    stop = stop_words()
    return [_stem(w) for w in re.findall(r"[a-z][a-z0-9+#]*", text.lower()) if w not in stop and len(w) > 1]


def headings(body: str) -> list[str]:
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


def coverage(
    agents: list[Any], labels: list[str], weights: np.ndarray, terms: np.ndarray, max_topics: int
) -> pd.DataFrame:
    import pandas as pd

    bodies = [a.body if isinstance(a.body, str) else "" for a in agents]
    per_agent = [headings(body) for body in bodies]
    heading_words = [[set(content_words(h)) for h in hs] for hs in per_agent]
    text_words = [
        set(content_words(f"{description_text(a)}\n{body}")) for a, body in zip(agents, bodies, strict=True)
    ]

    # Heading topics: keyed by their content words so "Testing Strategy" and "Test strategies" meet.
    by_key: dict[frozenset[str], Counter[str]] = {}
    for hs in per_agent:
        for h in dict.fromkeys(hs):
            key = frozenset(content_words(h))
            if key:
                by_key.setdefault(key, Counter())[h] += 1
    need = 2 if len(agents) >= 3 else 1
    topics: list[tuple[str, frozenset[str]]] = []
    for key, spellings in by_key.items():
        if sum(1 for hw in heading_words if key in hw) >= need:
            topics.append((spellings.most_common(1)[0][0], key))

    # Key terms: what sets this family apart from the whole set.
    for term in _key_terms(weights, terms, 15):
        key = frozenset(content_words(term))
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
