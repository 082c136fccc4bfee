"""The same-role verdict's words and terms: names, descriptions and bodies as term counts, weighted by
reference tables of document frequencies into unit rows whose cosines are the verdict's features.

Words are lower-cased, a few spellings unified (front-end = frontend, .NET = dotnet, machine learning =
ml), a few aliases applied (nodejs = node, k8s = kubernetes) and lightly stemmed (reviewers -> review).
Everything is vectorised: only distinct words go through Python, so 10,000 bodies take about a second.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.search import rowwise_dot
from agentkit._overlap.shingles import UNICODE_SEPARATORS
from agentkit._overlap.text import display_name, stop_words
from agentkit._overlap.words import joined, word_keys

if TYPE_CHECKING:
    import scipy.sparse as sp

# Bytes that belong to words: ASCII letters and digits, `_`, `+` and `#` (c++, c#) and every byte of a
# multi-byte UTF-8 character; everything else separates words. Texts are lower-cased UTF-8 bytes.
_PROSE_BYTES = bytes(
    c if (48 <= c <= 57 or 97 <= c <= 122 or c in (95, 35, 43) or c >= 128) else 32 for c in range(256)
)
# Names split on everything but letters and digits (`api_designer`, `c#-pro`).
_NAME_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32 for c in range(256))
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
# Spellings of one thing, replaced in the lower-cased bytes before words are split.
SPELLINGS = (
    (b"\\n", b" "),  # a literal \n in a one-line description
    (b"front-end", b"frontend"),
    (b"front end", b"frontend"),
    (b"back-end", b"backend"),
    (b"back end", b"backend"),
    (b"full-stack", b"fullstack"),
    (b"full stack", b"fullstack"),
    (b"machine learning", b"ml"),
    (b"machine-learning", b"ml"),
    (b".js", b"js"),  # node.js, next.js, vue.js
    (b".net", b" dotnet"),  # .net, asp.net
)
# Other names of one technology (whole words, before stemming).
ALIASES = {
    "nodejs": "node",
    "reactjs": "react",
    "vuejs": "vue",
    "postgresql": "postgres",
    "k8s": "kubernetes",
    "csharp": "c#",
    "db": "database",
    "administrator": "admin",
    "docs": "documentation",
    "doc": "documentation",
    "a11y": "accessibility",
}
# Aliases that hold in names only, where a short word is a technology ("go" is a stop word in prose).
NAME_ALIASES = {"go": "golang", "js": "javascript", "ts": "typescript", "py": "python", "cs": "c#"}
_SUFFIXES = ("ing", "ed", "er", "es", "s")
# Job titles say how an agent presents itself, not what it covers: in names they weigh TITLE_WEIGHT
# of their IDF, so `backend-developer` meets `backend-architect` and `backend-security-coder` does not
# meet `mobile-security-coder` on the title.
TITLE_WORDS = frozenset(
    "expert experts pro pros specialist specialists engineer engineers developer developers dev devs "
    "architect architects master masters agent agents coder coders consultant assistant helper "
    "professional guru ninja wizard".split()
)
TITLE_WEIGHT = 0.2


def stem(word: str) -> str:
    """Light suffix stripping, at most twice: reviewers -> reviewer -> review, testing -> test."""
    for _ in range(2):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= 4:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word


@cache
def _term(word: str, name: bool) -> str | None:
    """The term a word counts as, or None: in prose, stop words, generic agent prose, words of one
    character and words starting with a digit are dropped; in names every word counts."""
    if name:
        word = NAME_ALIASES.get(word, word)
    elif len(word) < 2 or not word[0].isalpha() or word in stop_words():
        return None
    term = stem(ALIASES.get(word, word))
    return term if name or term not in stop_words() else None


def _prepared(text: Any, name: bool) -> bytes:
    """Lower-cased UTF-8 with spellings unified and every separator byte turned into a space."""
    if not isinstance(text, str) or not text:
        return b""
    if name:
        text = _CAMEL.sub(" ", text)
    data = text.encode("utf-8", "surrogatepass").lower()
    for old, new in SPELLINGS:
        if old in data:
            data = data.replace(old, new)
    if not data.isascii():
        data = UNICODE_SEPARATORS.sub(lambda m: b" " * len(m.group()), data)
    return data.translate(_NAME_BYTES if name else _PROSE_BYTES)


def _word_codes(parts: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray, list[bytes]]:
    """The words of space-separated byte strings, without a Python object per word.

    Returns, for every word in order, a code (its index among the distinct words) and the index of
    the text it is in, and the distinct words. Each word is read as 8-byte chunks from one buffer and
    keyed by a 64-bit value (its first 8 bytes and length, exact; longer words chain their chunks
    through a mixer), the technique of the body score's shingles in agentkit._overlap.
    """
    import pandas as pd

    data, starts, ends, text_start = joined(parts)
    values = word_keys(data, starts, ends)
    owner = np.searchsorted(text_start, starts, side="right") - 1
    codes, distinct = pd.factorize(values)
    first = np.zeros(len(distinct), np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the first occurrence of each
    return codes, owner, [data[starts[f] : ends[f]] for f in first]


def term_counts(texts: Sequence[Any], vocabulary: dict[str, int], *, name: bool = False) -> sp.csr_matrix:
    """Counts of terms per text (texts x vocabulary), new terms appended to `vocabulary`.

    Vectorised: only distinct words go through `_term`, so 10,000 bodies take about a second.
    """
    import scipy.sparse as sp

    codes, owner, words = _word_codes([_prepared(t, name) for t in texts])
    column = np.full(len(words), -1, np.int64)
    for k, word in enumerate(words):
        term = _term(word.decode("utf-8", "replace"), name)
        if term is not None:
            column[k] = vocabulary.setdefault(term, len(vocabulary))
    columns = column[codes]
    keep = columns >= 0
    counts = sp.coo_matrix(
        (np.ones(int(keep.sum())), (owner[keep], columns[keep])), shape=(len(texts), max(len(vocabulary), 1))
    )
    return counts.tocsr()


def own_name(agent: Any) -> str:
    """The agent's name without its plugin: `plugin:name` -> name, and in a plugin folder
    (`plugins/<plugin>/agents/<file>.md`) a name written as `<plugin>-<file>` -> the file's name.

    Plugin agents often repeat their plugin in the name; two agents of one plugin would otherwise look
    alike by name (`cicd-automation-cloud-architect`, `cicd-automation-kubernetes-architect`). A name
    that merely starts with the plugin's (`llm-finetuning-architect.md` in `llm-finetuning`) is kept.
    """
    name = display_name(agent).rsplit(":", 1)[-1]
    path = Path(str(getattr(agent, "path", "") or ""))
    if path.parent.name == "agents" and path.parent.parent.parent.name == "plugins":
        plugin = path.parent.parent.name
        if name == f"{plugin}-{path.stem}":
            return path.stem
    return name


@dataclass
class Fields:
    """Term counts of each agent's name, description and body, in one column space (`terms`)."""

    name: sp.csr_matrix
    description: sp.csr_matrix
    body: sp.csr_matrix
    terms: list[str]

    @classmethod
    def of(cls, agents: Sequence[Any]) -> Fields:
        vocabulary: dict[str, int] = {}
        name = term_counts([own_name(a) for a in agents], vocabulary, name=True)
        description = term_counts([getattr(a, "description", None) for a in agents], vocabulary)
        body = term_counts([getattr(a, "body", None) for a in agents], vocabulary)
        vocabulary.setdefault("", len(vocabulary))  # no text at all: one empty column, never counted
        width = len(vocabulary)
        name, description, body = (_widen(m, width) for m in (name, description, body))
        return cls(name, description, body, list(vocabulary))

    @property
    def text(self) -> sp.csr_matrix:
        """Name twice, description and body: what the topic feature reads."""
        return (2 * self.name + self.description + self.body).tocsr()


def _widen(matrix: sp.csr_matrix, width: int) -> sp.csr_matrix:
    import scipy.sparse as sp

    return sp.csr_matrix((matrix.data, matrix.indices, matrix.indptr), shape=(matrix.shape[0], width))


# -- reference statistics and vectors ---------------------------------------------------------------------

FIELDS = ("name", "description", "text")


def document_frequencies(fields: Fields, rows: Sequence[int] | None = None) -> dict[str, dict[str, int]]:
    """For each field (name, description, text), in how many agents (`rows`, default all) each term
    occurs. These are the reference tables: fitted once on the reference agents, then shipped."""
    out = {}
    for field in FIELDS:
        matrix = fields.text if field == "text" else getattr(fields, field)
        if rows is not None:
            matrix = matrix[np.asarray(rows, np.int64)]
        df = np.asarray((matrix > 0).sum(axis=0)).ravel()
        out[field] = {t: int(d) for t, d in zip(fields.terms, df, strict=False) if d > 0}
    return out


def idf(terms: Sequence[str], df: Mapping[str, int], documents: int, max_share: float = 1.0) -> np.ndarray:
    """Smoothed IDF, log((N + 1) / (df + 1)) + 1, from a reference table of N documents.

    A term the table does not hold counts as found in one document (the table keeps terms found in two
    or more), so rare and unseen terms weigh the most. Terms in more than `max_share` of the documents
    weigh 0.
    """
    counts = np.array([max(df.get(t, 1), 1) for t in terms], float)
    weights = np.log((documents + 1) / (counts + 1)) + 1.0
    weights[counts > max_share * documents] = 0.0
    return weights


def unit_rows(counts: sp.csr_matrix, weights: np.ndarray) -> sp.csr_matrix:
    """Sublinear TF (1 + log count) times the weights, rows scaled to length 1 (empty rows stay 0)."""
    import scipy.sparse as sp

    m = counts.astype(float).tocsr(copy=True)
    m.data = 1.0 + np.log(m.data)
    m = (m @ sp.diags(weights)).tocsr()
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    return (sp.diags(scale) @ m).tocsr()


@cache
def _title_terms() -> frozenset[str]:
    return frozenset(t for t in (_term(w, True) for w in TITLE_WORDS) if t is not None)


def vectors(
    fields: Fields, df: Mapping[str, Mapping[str, int]], documents: int, topic_max_share: float = 0.5
) -> dict[str, sp.csr_matrix]:
    """Unit rows for the topic, description and name features, weighted by reference tables."""
    terms = fields.terms
    titles = _title_terms()
    name_weights = idf(terms, df["name"], documents) * np.array(
        [TITLE_WEIGHT if t in titles else 1.0 for t in terms]
    )
    return {
        "topic": unit_rows(fields.text, idf(terms, df["text"], documents, topic_max_share)),
        "description": unit_rows(fields.description, idf(terms, df["description"], documents)),
        "name": unit_rows(fields.name, name_weights),
    }


def rowwise(x: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Cosines of the pairs of unit rows (i[k], j[k]), clipped to [0, 1]."""
    return np.clip(rowwise_dot(x, i, j), 0.0, 1.0)


def body_jaccard(shingles: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Exact Jaccard of rows of a 0/1 shingle matrix (the body score)."""
    inter = rowwise_dot(shingles, i, j)
    sizes = np.diff(shingles.indptr)
    union = sizes[i] + sizes[j] - inter
    return np.divide(inter, union, out=np.zeros(len(i)), where=union > 0)


# -- what two names say apart -------------------------------------------------------------------------------


@dataclass(frozen=True)
class NameWords:
    """The words of each agent's name (without its plugin), weighted by their name IDF: `specific` holds
    the words that say what the agent is about (job titles and nothing else weigh 0), `present` is 1 for
    every word, `total` is each name's whole weight (job titles at TITLE_WEIGHT), as the name feature
    weighs them."""

    specific: sp.csr_matrix
    present: sp.csr_matrix
    total: np.ndarray

    def shared(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The specific weight the two names share (the same from either side)."""
        out = np.empty(len(i))
        for c in range(0, len(i), 20000):
            a, b = self.specific[i[c : c + 20000]], self.present[j[c : c + 20000]]
            out[c : c + 20000] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
        return out

    def contrast(
        self, i: np.ndarray, j: np.ndarray, shared: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(contrast, extra) of the pairs (i[k], j[k]).

        contrast: each name has a specific word the other lacks (`aws-infrastructure` / `azure-
        infrastructure`, `task-checker` / `task-executor`): the names say the two serve different
        platforms, or different stages of one workflow. extra: the larger share of either name made of
        specific words the other name lacks (`cloud-architect` / `cloud-cost-optimizer`: 0.68 of the
        second name), how much one is a specialisation of the other. Both 0 for names that differ only
        in job titles (`backend-developer` / `backend-architect`).
        """
        shared = self.shared(i, j) if shared is None else shared
        own = np.asarray(self.specific.sum(axis=1)).ravel()
        only_i, only_j = own[i] - shared, own[j] - shared
        contrast = (only_i > 1e-9) & (only_j > 1e-9)
        share_i = np.divide(only_i, self.total[i], out=np.zeros(len(i)), where=self.total[i] > 0)
        share_j = np.divide(only_j, self.total[j], out=np.zeros(len(i)), where=self.total[j] > 0)
        return contrast, np.clip(np.maximum(share_i, share_j), 0.0, 1.0)


def name_words(fields: Fields, df: Mapping[str, Mapping[str, int]], documents: int) -> NameWords:
    import scipy.sparse as sp

    terms = fields.terms
    titles = _title_terms()
    weight = idf(terms, df["name"], documents)
    title = np.array([t in titles for t in terms], bool)
    empty = np.array([t == "" for t in terms], bool)
    present = (fields.name > 0).astype(float).tocsr()
    specific = (present @ sp.diags(np.where(title | empty, 0.0, weight))).tocsr()
    whole = np.where(empty, 0.0, np.where(title, TITLE_WEIGHT * weight, weight))
    total = np.asarray((present @ sp.diags(whole)).sum(axis=1)).ravel()
    return NameWords(specific, present, total)
