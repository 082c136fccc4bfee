"""Same-role verdict: how likely two agents do the same job, as a calibrated probability.

The overlap scores rank pairs well but do not say what a value means, and two of them (description,
topic) are fitted on the set they are given, so one pair scores differently among 2 agents and among
650. The verdict answers "do these two do the same job?" with a probability that depends on the pair
alone:

- Term weights (IDF) come from reference tables shipped with the package (`verdict_model.json`:
  document frequencies of names, descriptions and whole texts of 594 distinct real agents), never
  from the set, so a pair gets the same probability alone, among the 13 sample agents, or among
  10,000 agents.
- A logistic regression on three cosines, fitted and validated on a labelled reference set built from
  five real collections (`scripts/same_role/`, `docs/same-role.md`):

  * `topic`: sublinear TF-IDF of name (twice), description and body; stop words, generic agent prose
    and terms found in more than half the reference agents weigh 0; entered as log(x + 0.02);
  * `description`: the same over the descriptions alone; log(x + 0.02);
  * `name`: the same over the words of the name without its plugin (`own_name`), no stop words, job
    titles (developer, architect, expert, ...) at a fifth of their weight, so `backend-developer`
    meets `backend-architect` and `backend-security-coder` does not meet `mobile-security-coder`.

- A copy rule: two bodies sharing half or more of their five-word runs (the body score, exact Jaccard
  of word 5-shingles, which depends on the pair alone) are versions of one agent, at least
  COPY_PROBABILITY whatever their names.

The tools score plays no part: tools say what an agent may do, not what it is for, and an agent
without `tools` holds every tool. Tools overlap alone never makes a pair "possible".

"Same job" means that either agent could take the other's requests: a backend architect and a backend
developer do; a Python generalist and a Django specialist do not. The probability is calibrated on
pairs of agents from real collections (about 1 pair in 360 across collections is the same job): it is
P(same job) for a pair about which nothing else is known. On pairs from different collections held
out of the fit it is slightly under-confident above 0.5 (0.59 predicted, 0.75 observed), and within
one collection, where siblings such as `c4-component` / `c4-context` look alike, over-confident.

Bands (`verdict`): likely >= LIKELY (0.5: more likely than not; the default verdict), possible >=
POSSIBLE (0.15: recall 0.95), else unlikely. `SameRole.pairs` lists pairs at a band, `SameRole.groups`
groups agents (average linkage, so a group does not chain through an agent that resembles two roles).
Large sets score only candidate pairs that can reach the band (see `SameRole.candidates`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.words import joined, word_keys

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp

__all__ = [
    "FEATURES",
    "LIKELY",
    "POSSIBLE",
    "Model",
    "SameRole",
    "copy_phrase",
    "probability",
    "same_role",
    "verdict",
]

MODEL_FILE = Path(__file__).with_name("verdict_model.json")
FEATURES = ("topic", "description", "name", "body")
# The bands, chosen on held-out collections by scripts/same_role/fit.py (which also writes them into
# the model file; the two must agree): likely is the default verdict.
LIKELY = 0.5
POSSIBLE = 0.15
DENSE = 1500  # sets up to this size score every pair from whole N x N matrices
# Copies: two bodies sharing half or more of their distinct five-word runs are versions of one agent.
# On the corpora all 105 pairs at body >= 0.8 are one role (none falls in 0.3-0.8; templates shared by
# a collection reach 0.1-0.2), while names (which the regression leans on) say nothing about a renamed
# copy, so this rule is not learned: a copy's probability is at least COPY_PROBABILITY, (105 + 1) / (105 + 2).
COPY = 0.5
COPY_PROBABILITY = 0.99

# -- words and terms --------------------------------------------------------------------------------------

# Bytes that belong to words: ASCII letters and digits, `_`, `+` and `#` (c++, c#) and every byte of a
# multi-byte UTF-8 character; everything else separates words. Texts are lower-cased UTF-8 bytes.
_PROSE_BYTES = bytes(
    c if (48 <= c <= 57 or 97 <= c <= 122 or c in (95, 35, 43) or c >= 128) else 32 for c in range(256)
)
# Names split on everything but letters and digits (`api_designer`, `c#-pro`).
_NAME_BYTES = bytes(c if (48 <= c <= 57 or 97 <= c <= 122 or c >= 128) else 32 for c in range(256))
# Unicode punctuation that would glue words together (dashes, quotes, bullets, arrows, box drawing):
# the same ranges as the body score's word splitter in agentkit._overlap.
_UNICODE_SEPARATORS = re.compile(
    rb"\xe2\x80[\x80-\xbf]|\xe2\x81[\x80-\xaf]|\xc2[\xa0-\xbf]|\xe2\x86[\x90-\xbf]|\xe2[\x94\x95][\x80-\xbf]"
    rb"|\xe2\x96[\xa0-\xbf]|\xe2\x97[\x80-\xbf]"
)
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
def _stop() -> frozenset[str]:
    from agentkit._overlap.route import stop_words

    return stop_words()


@cache
def _term(word: str, name: bool) -> str | None:
    """The term a word counts as, or None: in prose, stop words, generic agent prose, words of one
    character and words starting with a digit are dropped; in names every word counts."""
    if name:
        word = NAME_ALIASES.get(word, word)
    elif len(word) < 2 or not word[0].isalpha() or word in _stop():
        return None
    term = stem(ALIASES.get(word, word))
    return term if name or term not in _stop() else None


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
        data = _UNICODE_SEPARATORS.sub(lambda m: b" " * len(m.group()), data)
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
    from agentkit._overlap.route import display_name

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
    return frozenset(_term(w, True) for w in TITLE_WORDS) - {None}


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
    return np.clip(_dot(x, i, j), 0.0, 1.0)


def body_jaccard(shingles: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Exact Jaccard of rows of a 0/1 shingle matrix (the body score)."""
    inter = _dot(shingles, i, j)
    sizes = np.diff(shingles.indptr)
    union = sizes[i] + sizes[j] - inter
    return np.divide(inter, union, out=np.zeros(len(i)), where=union > 0)


def _dot(x: sp.csr_matrix, i: np.ndarray, j: np.ndarray, chunk: int = 20000) -> np.ndarray:
    out = np.empty(len(i))
    for c in range(0, len(i), chunk):
        a, b = x[i[c : c + chunk]], x[j[c : c + chunk]]
        out[c : c + chunk] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return out


# -- the model --------------------------------------------------------------------------------------------


def _transform(kind: str, x: np.ndarray, offset: float) -> np.ndarray:
    if kind == "log":
        return np.log(x + offset)
    if kind == "linear":
        return x
    raise ValueError(f"unknown transform {kind!r}")


@dataclass(frozen=True)
class Model:
    """A fitted verdict: logistic regression weights, the bands, and the reference tables."""

    weights: dict[str, tuple[str, float, float]]  # feature -> (transform, offset, weight)
    intercept: float
    likely: float
    possible: float
    group_average: float
    documents: int
    df: dict[str, dict[str, int]]
    topic_max_share: float = 0.5
    about: str = ""

    def logit(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        total = np.full(len(next(iter(features.values()))), self.intercept)
        for name, (kind, offset, weight) in self.weights.items():
            total = total + weight * _transform(kind, np.asarray(features[name], float), offset)
        return total

    def terms(self, feature: str, values: np.ndarray) -> np.ndarray:
        """What one feature adds to the logit, per value (0 for a feature the regression does not use)."""
        if feature not in self.weights:
            return np.zeros(len(values))
        kind, offset, weight = self.weights[feature]
        return weight * _transform(kind, np.asarray(values, float), offset)

    def term(self, feature: str, value: float) -> float:
        """What one feature at `value` adds to the logit (0 for a feature the regression does not use)."""
        if feature not in self.weights:
            return 0.0
        kind, offset, weight = self.weights[feature]
        return float(weight * _transform(kind, np.array([value]), offset)[0])

    def level(self, feature: str, term: float) -> float:
        """The feature value (in [0, 1]) at which the feature adds `term` to the logit."""
        kind, offset, weight = self.weights[feature]
        if weight <= 0:
            return 1.0
        value = term / weight
        return float(np.clip(math.exp(value) - offset if kind == "log" else value, 0.0, 1.0))

    def probability(self, features: Mapping[str, np.ndarray]) -> np.ndarray:
        """P(same job) from the features of some pairs (arrays of one length): the logistic regression,
        and for copies (body >= COPY) at least COPY_PROBABILITY."""
        p = 1.0 / (1.0 + np.exp(-self.logit(features)))
        return np.where(np.asarray(features["body"]) >= COPY, np.maximum(p, COPY_PROBABILITY), p)

    # -- persistence: a small JSON file; document frequencies grouped by value to stay compact -----------
    def to_json(self) -> dict[str, Any]:
        tables = {}
        for field, table in self.df.items():
            by_value: dict[int, list[str]] = {}
            for term, count in table.items():
                if count >= 2:
                    by_value.setdefault(count, []).append(term)
            tables[field] = {str(c): " ".join(sorted(ts)) for c, ts in sorted(by_value.items())}
        return {
            "about": self.about,
            "weights": {k: list(v) for k, v in self.weights.items()},
            "intercept": self.intercept,
            "likely": self.likely,
            "possible": self.possible,
            "group_average": self.group_average,
            "documents": self.documents,
            "topic_max_share": self.topic_max_share,
            "document_frequencies": tables,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Model:
        df = {
            field: {term: int(count) for count, terms in table.items() for term in terms.split()}
            for field, table in data["document_frequencies"].items()
        }
        return cls(
            weights={k: (str(v[0]), float(v[1]), float(v[2])) for k, v in data["weights"].items()},
            intercept=float(data["intercept"]),
            likely=float(data["likely"]),
            possible=float(data["possible"]),
            group_average=float(data["group_average"]),
            documents=int(data["documents"]),
            df=df,
            topic_max_share=float(data.get("topic_max_share", 0.5)),
            about=str(data.get("about", "")),
        )

    def save(self, path: Path = MODEL_FILE) -> None:
        path.write_text(json.dumps(self.to_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


@cache
def shipped_model() -> Model:
    """The model shipped with the package (`agentkit/_overlap/verdict_model.json`)."""
    return Model.from_json(json.loads(MODEL_FILE.read_text(encoding="utf-8")))


# -- wording ------------------------------------------------------------------------------------------------


def verdict(probability: float, model: Model | None = None) -> str:
    """The verdict on one pair in words: "same role: likely, 0.93" (likely, possible or unlikely)."""
    model = model or shipped_model()
    band = (
        "likely"
        if probability >= model.likely
        else "possible"
        if probability >= model.possible
        else "unlikely"
    )
    return f"same role: {band}, {probability:.2f}"


def copy_phrase(body: float) -> str:
    """The body score in words: "verbatim copy: 0.76 of the body".

    The body score is the Jaccard similarity of the two bodies' sets of five-word runs: 0.76 means
    that of all distinct five-word runs found in either body, 76 in 100 are found, word for word, in
    both. From COPY (0.5) on, the pair counts as a copy of one agent (`Model.probability`).
    """
    return f"verbatim copy: {body:.2f} of the body"


def probability(a: Any, b: Any, *, model: Model | None = None) -> float:
    """P(same job) of two agents (the same value as for that pair inside any set)."""
    return float(SameRole([a, b], model=model).probability([0], [1])[0])


# -- verdicts on a set of agents ----------------------------------------------------------------------------


class SameRole:
    """Same-role probabilities for pairs of a set of agents; each pair's value depends on the pair alone.

    Build with `same_role(agents_or_overlap)`. Positions (i, j) are positions in `agents` (the
    Overlap's order when built from one). Everything is computed on first use.
    """

    def __init__(self, agents: Iterable[Any], *, overlap: Any = None, model: Model | None = None) -> None:
        self.agents = list(agents)
        self.overlap = overlap
        self.model = model or shipped_model()
        self._cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = {}
        self._known: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0))  # sorted codes, P

    def __len__(self) -> int:
        return len(self.agents)

    @cached_property
    def fields(self) -> Fields:
        return Fields.of(self.agents)

    @cached_property
    def vectors(self) -> dict[str, sp.csr_matrix]:
        m = self.model
        return vectors(self.fields, m.df, m.documents, m.topic_max_share)

    @cached_property
    def _shingles(self) -> sp.csr_matrix:
        if self.overlap is not None:
            return self.overlap.shingles
        from agentkit._overlap.scores import shingle_sets

        return shingle_sets([a.body if isinstance(a.body, str) else "" for a in self.agents])

    def body(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.overlap is not None:
            return np.asarray(self.overlap.scores("body", i, j), float)
        return body_jaccard(self._shingles, i, j)

    @cached_property
    def _dense(self) -> dict[str, np.ndarray]:
        """Whole N x N cosine matrices (sets of up to DENSE agents)."""
        out = {}
        for k in ("topic", "description", "name"):
            x = self.vectors[k]
            out[k] = np.clip((x @ x.T).toarray(), 0.0, 1.0)
        s = self._shingles
        inter = (s @ s.T).toarray().astype(float)
        sizes = np.diff(s.indptr).astype(float)
        union = sizes[:, None] + sizes[None, :] - inter
        out["body"] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        return out

    def features(
        self, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray, *, exact_body: bool = True
    ) -> dict[str, np.ndarray]:
        """The four features of the pairs (i[k], j[k]).

        With `exact_body=False` (what the probability needs when the regression does not read the body
        score) a large set computes the body score of copies only and gives the other pairs 0: it is
        then only compared with COPY, and long bodies make it the costliest feature.
        """
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        if len(self) <= DENSE and len(i) > 1000:
            return {k: m[i, j] for k, m in self._dense.items()}
        out = {k: rowwise(self.vectors[k], i, j) for k in ("topic", "description", "name")}
        if exact_body or "body" in self.model.weights or len(self) <= DENSE:
            out["body"] = self.body(i, j)
        else:
            out["body"] = np.zeros(len(i))
            copy = self._is_copy(i, j)
            if copy.any():
                out["body"][copy] = self.body(i[copy], j[copy])
        return out

    def probability(self, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray) -> np.ndarray:
        """P(same job) of the pairs (i[k], j[k]) (`Model.probability`, copies at least
        COPY_PROBABILITY); a pair of an agent with itself is 1. Pairs scored before are not scored again
        (groups ask for the pairs their search scored)."""
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        n = len(self)
        codes = np.minimum(i, j) * n + np.maximum(i, j)
        p = np.full(len(i), np.nan)
        known_codes, known_p = self._known
        if len(known_codes) and len(codes):
            at = np.minimum(np.searchsorted(known_codes, codes), len(known_codes) - 1)
            hit = known_codes[at] == codes
            p[hit] = known_p[at[hit]]
        todo = np.isnan(p)
        if todo.any():
            p[todo] = self.model.probability(self.features(i[todo], j[todo], exact_body=False))
            self._remember(codes[todo], p[todo])
        return np.where(i == j, 1.0, p)

    def _remember(self, codes: np.ndarray, p: np.ndarray) -> None:
        known_codes, known_p = self._known
        codes, first = np.unique(np.concatenate([known_codes, codes]), return_index=True)
        self._known = (codes, np.concatenate([known_p, p])[first])

    def _is_copy(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """Whether each pair is among the copies (body score >= COPY), either way round."""
        known = self._copy_codes
        if not len(known):
            return np.zeros(len(i), bool)
        codes = np.asarray(i, np.int64) * len(self) + np.asarray(j, np.int64)
        at = np.minimum(np.searchsorted(known, codes), len(known) - 1)
        return known[at] == codes

    @cached_property
    def _copy_codes(self) -> np.ndarray:
        """The copies as sorted pair codes i * n + j, both ways round (looked up many times)."""
        n = len(self)
        ci, cj = self._copy_pairs
        return np.unique(np.concatenate([ci * n + cj, cj * n + ci]))

    # -- candidates: the pairs that can reach a probability, without scoring all N^2 ---------------------
    def floors(self, min_probability: float, name_share: float = 0.1) -> dict[str, float]:
        """Floors for the name and description cosines such that a pair below both cannot reach
        `min_probability`, whatever its topic and (below COPY) body scores.

        The logit is a sum of one term per feature. A pair below both floors has a logit below the
        intercept + the best topic term + the best body term below COPY + the name and description
        terms at their floors; the floors share what is left to reach `min_probability` (name gets
        `name_share` of it). All zero when the topic and body alone could reach it.
        """
        m = self.model
        if not 0 < min_probability < 1:
            return {"name": 0.0, "description": 0.0}
        target = math.log(min_probability / (1 - min_probability))
        best = max(m.term("topic", 0.0), m.term("topic", 1.0)) + max(
            m.term("body", 0.0), m.term("body", COPY)
        )
        at = {f: m.term(f, 0.0) for f in ("name", "description")}
        room = target - m.intercept - best - sum(at.values())
        if room <= 0:
            return {"name": 0.0, "description": 0.0}
        return {
            "name": m.level("name", at["name"] + name_share * room),
            "description": m.level("description", at["description"] + (1 - name_share) * room),
        }

    def candidates(self, min_probability: float) -> tuple[np.ndarray, np.ndarray]:
        """Pairs i < j that may reach `min_probability`: every pair of a set of up to DENSE agents;
        above that, the pairs at or above a floor of the name or description cosine (`floors`, found
        by sparse products in row blocks: names and descriptions are short, so these are cheap) and
        the copies (body >= COPY). No pair that reaches `min_probability` is left out."""
        n = len(self)
        if n <= DENSE:
            i, j = np.triu_indices(n, 1)
            return i.astype(np.int64), j.astype(np.int64)
        codes = []
        for feature, floor in self.floors(min_probability).items():
            fi, fj = _pairs_at_least(self.vectors[feature], floor)
            codes.append(fi * n + fj)
        ci, cj = self._copy_pairs
        codes.append(ci * n + cj)
        code = np.unique(np.concatenate(codes))
        return code // n, code % n

    @cached_property
    def _copies(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, body score) of the pairs i < j whose body score is >= COPY (the Overlap's, when it has
        them already)."""
        if self.overlap is not None and hasattr(self.overlap, "pairs_at_least"):
            i, j, v = self.overlap.pairs_at_least("body", COPY)
            return np.asarray(i, np.int64), np.asarray(j, np.int64), np.asarray(v, float)
        shingles = self._shingles
        sizes = np.diff(shingles.indptr)
        found_i, found_j, found_v = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)], [np.zeros(0)]
        for b0 in range(0, len(self), 1024):
            inter = (shingles[b0 : b0 + 1024] @ shingles.T).tocoo()
            rows, cols = inter.row.astype(np.int64) + b0, inter.col.astype(np.int64)
            union = sizes[rows] + sizes[cols] - inter.data
            keep = (cols > rows) & (inter.data >= COPY * union - 1e-9)
            found_i.append(rows[keep])
            found_j.append(cols[keep])
            found_v.append(inter.data[keep] / union[keep])
        return np.concatenate(found_i), np.concatenate(found_j), np.concatenate(found_v)

    @property
    def _copy_pairs(self) -> tuple[np.ndarray, np.ndarray]:
        i, j, _ = self._copies
        return i, j

    def _copy_body(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The body scores of pairs that are copies (i < j), read from the copy search."""
        ci, cj, cv = self._copies
        n = len(self)
        codes = ci * n + cj
        order = np.argsort(codes)
        at = np.searchsorted(codes[order], i * n + j)
        return cv[order][at]

    def _scored(
        self, min_probability: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(i, j, probability, features) of the pairs reaching `min_probability`, cached per value.

        Large sets score the candidates in two steps: the name and description cosines first (short
        vectors: cheap), then the topic cosine only of the pairs that could still reach
        `min_probability` with a topic cosine of 1, or are copies. A lower value already scored is
        filtered instead of scored again.
        """
        key = float(min_probability)
        done = [k for k in self._cache if k <= key]
        if key not in self._cache and done:
            i, j, p, f = self._cache[max(done)]
            keep = p >= key
            self._cache[key] = (i[keep], j[keep], p[keep], {k: x[keep] for k, x in f.items()})
        if key not in self._cache:
            i, j = self.candidates(key)
            if len(self) <= DENSE:
                features = self.features(i, j)
            else:
                m = self.model
                features = {k: rowwise(self.vectors[k], i, j) for k in ("name", "description")}
                partial = m.intercept + sum(m.terms(k, x) for k, x in features.items())
                copy = self._is_copy(i, j)
                target = math.log(key / (1 - key)) if 0 < key < 1 else -np.inf
                alive = copy | (partial + max(m.term("topic", 0.0), m.term("topic", 1.0)) >= target)
                i, j, copy = i[alive], j[alive], copy[alive]
                features = {k: x[alive] for k, x in features.items()}
                features["topic"] = rowwise(self.vectors["topic"], i, j)
                if "body" in m.weights:  # a regression on the body score needs it for every pair
                    features["body"] = self.body(i, j)
                else:  # only the copy rule reads it: exact for copies, below COPY for the others
                    features["body"] = np.zeros(len(i))
                    if copy.any():
                        features["body"][copy] = self._copy_body(i[copy], j[copy])
            p = np.where(i == j, 1.0, self.model.probability(features)) if len(i) else np.zeros(0)
            keep = p >= key
            self._remember(i[keep] * len(self) + j[keep], p[keep])
            self._cache[key] = (i[keep], j[keep], p[keep], {k: x[keep] for k, x in features.items()})
        return self._cache[key]

    def scored_features(
        self, min_probability: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Like `scored`, with the features of each pair as computed for its probability: the topic,
        description and name cosines exactly; the body score exactly for copies only (0 for the rest)."""
        floor = self.model.likely if min_probability is None else min_probability
        return self._scored(floor)

    def scored(self, min_probability: float | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, probability) of every pair i < j with P(same job) >= `min_probability` (default: the
        likely band), as positions: what `pairs` lists, for callers that keep their own tables."""
        floor = self.model.likely if min_probability is None else min_probability
        i, j, p, _ = self._scored(floor)
        return i, j, p

    def pairs(self, min_probability: float | None = None) -> pd.DataFrame:
        """Pairs with P(same job) >= `min_probability` (default: the likely band), most likely first.

        Columns: a, b (paths), a_name, b_name, probability, verdict ("same role: likely, 0.93"), then the
        features topic, description, name and body, and copy ("verbatim copy: 0.76 of the body").
        """
        import pandas as pd

        from agentkit._overlap.route import display_name

        floor = self.model.likely if min_probability is None else min_probability
        i, j, p, features = self._scored(floor)
        features = {**features, "body": self.body(i, j)}  # exact body scores of the listed pairs
        order = np.lexsort((j, i, -p))
        paths = np.array([str(a.path) for a in self.agents], dtype=object)
        names = np.array([display_name(a) for a in self.agents], dtype=object)
        return pd.DataFrame(
            {
                "a": paths[i[order]],
                "b": paths[j[order]],
                "a_name": names[i[order]],
                "b_name": names[j[order]],
                "probability": p[order],
                "verdict": [verdict(float(x), self.model) for x in p[order]],
                **{k: features[k][order] for k in FEATURES},
                "copy": [copy_phrase(float(x)) for x in features["body"][order]],
            }
        )

    def groups(self, min_probability: float | None = None) -> list[list[int]]:
        """Groups of agents that do the same job, as sorted lists of positions, largest first.

        Agents are linked by pairs with P(same job) >= `min_probability` (default: the likely band);
        inside each connected component of those links, average linkage keeps merging two groups while
        the mean probability over all pairs across them is at least `group_average` (the model's level,
        0.4 at the likely band, scaled with `min_probability`). So a group is on average almost
        "likely" within, and one agent that resembles two roles (a backend security coder between
        backend developers and mobile security coders) does not chain them, as plain connected
        components would. The cost grows with the components, not with N^2.
        """
        floor = self.model.likely if min_probability is None else min_probability
        average = self.model.group_average * floor / self.model.likely
        i, j, _, _ = self._scored(floor)
        return _groups(len(self), i, j, lambda a, b: self.probability(a, b), average)


def _groups(
    n: int,
    i: np.ndarray,
    j: np.ndarray,
    probability: Callable[[np.ndarray, np.ndarray], np.ndarray],
    average: float,
) -> list[list[int]]:
    """Average-linkage groups at `average` inside the connected components of the links (i, j)."""
    import scipy.sparse as sp
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.sparse.csgraph import connected_components

    graph = sp.coo_matrix((np.ones(len(i)), (i, j)), shape=(n, n))
    _, component = connected_components(graph, directed=False)
    order = np.argsort(component, kind="stable")
    components = [m for m in np.split(order, np.flatnonzero(np.diff(component[order])) + 1) if len(m) > 1]
    # Every pair inside every component of three or more, scored in one call.
    big = [m for m in components if len(m) > 2]
    firsts, seconds = [], []
    for members in big:
        a, b = np.triu_indices(len(members), 1)
        firsts.append(members[a])
        seconds.append(members[b])
    scores = probability(np.concatenate(firsts), np.concatenate(seconds)) if big else np.zeros(0)
    found = [sorted(m.tolist()) for m in components if len(m) == 2]
    start = 0
    for members in big:
        count = len(members) * (len(members) - 1) // 2
        distance = np.clip(1.0 - scores[start : start + count], 0.0, 1.0)
        start += count
        labels = fcluster(linkage(distance, method="average"), t=1.0 - average + 1e-9, criterion="distance")
        for label in np.unique(labels):
            group = members[labels == label]
            if len(group) > 1:
                found.append(sorted(group.tolist()))
    found.sort(key=lambda m: (-len(m), m[0]))
    return found


def _pairs_at_least(x: sp.csr_matrix, floor: float, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Pairs i < j of unit rows whose cosine is >= floor, by row blocks of x @ x.T."""
    n = x.shape[0]
    xt = x.T.tocsc()
    found_i, found_j = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
    for b0 in range(0, n, block):
        product = (x[b0 : b0 + block] @ xt).tocoo()
        rows, cols = product.row.astype(np.int64) + b0, product.col.astype(np.int64)
        keep = (cols > rows) & (product.data >= floor - 1e-12)
        found_i.append(rows[keep])
        found_j.append(cols[keep])
    return np.concatenate(found_i), np.concatenate(found_j)


def same_role(agents: Any, *, model: Model | None = None) -> SameRole:
    """Same-role verdicts for a set of agents: an Overlap (its order and body scores are reused), or any
    iterable of Agent."""
    from agentkit._overlap.scores import Overlap

    if isinstance(agents, Overlap):
        return SameRole(agents.agents, overlap=agents, model=model)
    return SameRole(agents, model=model)
