"""Same-role verdict: how likely two agents do the same job, as a calibrated probability.

The verdict answers "do these two do the same job?" with a probability that depends on the pair alone:

- Term weights (IDF) come from reference tables shipped with the package (`verdict_model.json`:
  document frequencies of names, descriptions and whole texts of 594 distinct real agents), never
  from the set, so a pair gets the same probability alone, among the 13 sample agents, or among
  10,000 agents (`agentkit._overlap.terms`).
- A logistic regression on four features, fitted and validated on a labelled reference set built from
  five real collections (`scripts/same_role/`, `docs/same-role.md`):

  * `topic`: cosine of sublinear TF-IDF of name (twice), description and body; stop words, generic
    agent prose and terms found in more than half the reference agents weigh 0; entered as log(x + 0.02);
  * `description`: the same over the descriptions alone; log(x + 0.02);
  * `name`: the same over the words of the name without its plugin (`own_name`), job titles (developer,
    architect, expert, ...) at a fifth of their weight, so `backend-developer` meets
    `backend-architect`; but 0 when the names contrast, each having a word that says what it is about
    and that the other lacks (`aws-infrastructure-expert` / `azure-infrastructure-expert`,
    `task-checker` / `task-executor`): agents serving different platforms, or different stages of one
    workflow, are related, not the same role (`terms.NameWords.contrast`);
  * `extra`: the larger share of either name made of such words the other name lacks
    (`cloud-architect` / `cloud-cost-optimizer`): how much one is a specialisation of the other.

- A copy rule: two bodies sharing half or more of their five-word runs (the body score, exact Jaccard
  of word 5-shingles, which depends on the pair alone) are versions of one agent, at least
  COPY_PROBABILITY whatever their names.

The tools score plays no part: tools say what an agent may do, not what it is for, and an agent
without `tools` holds every tool. Tools overlap alone never makes a pair "possible".

"Same job" means that either agent could take the other's requests: a backend architect and a backend
developer do; a Python generalist and a Django specialist do not. The probability is calibrated on
pairs of agents from real collections (about 1 pair in 360 across collections is the same job): it is
P(same job) for a pair about which nothing else is known.

Bands (`verdict`): likely >= LIKELY (0.5: more likely than not; the default verdict), possible >=
POSSIBLE (0.15), else unlikely. `SameRole.pairs` lists pairs at a band, `SameRole.groups` groups agents
by complete linkage (every pair inside a group reaches the band). Large sets score only candidate pairs
that can reach the band, block by block in bounded memory (`SameRole.candidates`, `_search`).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._errors import TooLargeError
from agentkit._overlap import search
from agentkit._overlap.groups import complete
from agentkit._overlap.shingles import copy_phrase, shingle_sets
from agentkit._overlap.terms import Fields, NameWords, body_jaccard, name_words, own_name, rowwise, vectors
from agentkit._overlap.text import display_name

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
    "own_name",
    "probability",
    "same_role",
    "verdict",
]

MODEL_FILE = Path(__file__).with_name("verdict_model.json")
FEATURES = ("topic", "description", "name", "extra", "body")
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
# Candidate pairs a search scores at most (block by block, in bounded memory): about three minutes.
MAX_CANDIDATES = 50_000_000


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
        return float(self.terms(feature, np.array([value]))[0])

    def best(self, feature: str) -> float:
        """The most one feature can add to the logit (features range over [0, 1]; body below COPY, as
        copies are the copy rule's)."""
        return max(self.term(feature, 0.0), self.term(feature, COPY if feature == "body" else 1.0))

    def level(self, feature: str, term: float) -> float:
        """The feature value (in [0, 1]) at which the feature adds `term` to the logit (increasing ones)."""
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


@cache
def _band(probability: float, likely: float, possible: float) -> str:
    band = "likely" if probability >= likely else "possible" if probability >= possible else "unlikely"
    return f"same role: {band}, {probability:.2f}"


def verdict(probability: float, model: Model | None = None) -> str:
    """The verdict on one pair in words: "same role: likely, 0.93" (likely, possible or unlikely).

    Equal words are one string object (a table of millions of pairs holds a few hundred of them)."""
    model = model or shipped_model()
    return _band(round(float(probability), 4), model.likely, model.possible)


def probability(a: Any, b: Any, *, model: Model | None = None) -> float:
    """P(same job) of two agents (the same value as for that pair inside any set)."""
    return float(SameRole([a, b], model=model).probability([0], [1])[0])


# -- verdicts on a set of agents ----------------------------------------------------------------------------


class SameRole:
    """Same-role probabilities for pairs of a set of agents; each pair's value depends on the pair alone.

    Build with `same_role(agents_or_overlap)`. Positions (i, j) are positions in `agents` (the
    Overlap's order when built from one, whose body scores and copies it then reuses). Everything is
    computed on first use.
    """

    def __init__(self, agents: Iterable[Any], *, overlap: Any = None, model: Model | None = None) -> None:
        self.agents = list(agents)
        self.overlap = overlap
        self.model = model or shipped_model()
        self._cache: dict[float, tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]] = {}
        self._known: tuple[np.ndarray, np.ndarray] = (np.zeros(0, np.int64), np.zeros(0))  # sorted codes, P
        self._lock = threading.Lock()

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
    def names(self) -> NameWords:
        return name_words(self.fields, self.model.df, self.model.documents)

    @cached_property
    def _shingles(self) -> sp.csr_matrix:
        if self.overlap is not None:
            return self.overlap.shingles
        return shingle_sets([a.body if isinstance(a.body, str) else "" for a in self.agents])

    def body(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if self.overlap is not None:
            return np.asarray(self.overlap.scores("body", i, j), float)
        return body_jaccard(self._shingles, i, j)

    @cached_property
    def _dense(self) -> dict[str, np.ndarray]:
        """Whole N x N feature matrices (sets of up to DENSE agents)."""
        out = {}
        for k in ("topic", "description", "name"):
            x = self.vectors[k]
            out[k] = np.clip((x @ x.T).toarray(), 0.0, 1.0)
        names = self.names
        shared = (names.specific @ names.present.T).toarray()
        own = np.asarray(names.specific.sum(axis=1)).ravel()
        only_i, only_j = own[:, None] - shared, own[None, :] - shared
        total = np.where(names.total > 0, names.total, np.inf)
        out["name"] = np.where((only_i > 1e-9) & (only_j > 1e-9), 0.0, out["name"])
        out["extra"] = np.clip(np.maximum(only_i / total[:, None], only_j / total[None, :]), 0.0, 1.0)
        s = self._shingles
        inter = (s @ s.T).toarray().astype(float)
        sizes = np.diff(s.indptr).astype(float)
        union = sizes[:, None] + sizes[None, :] - inter
        out["body"] = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
        return out

    def names_features(self, i: np.ndarray, j: np.ndarray) -> dict[str, np.ndarray]:
        """The name (0 when the names contrast) and extra features of the pairs."""
        contrast, extra = self.names.contrast(i, j)
        return {"name": np.where(contrast, 0.0, rowwise(self.vectors["name"], i, j)), "extra": extra}

    def features(
        self, i: Sequence[int] | np.ndarray, j: Sequence[int] | np.ndarray, *, exact_body: bool = True
    ) -> dict[str, np.ndarray]:
        """The features of the pairs (i[k], j[k]).

        With `exact_body=False` (what the probability needs when the regression does not read the body
        score) a large set computes the body score of copies only and gives the other pairs 0: it is
        then only compared with COPY, and long bodies make it the costliest feature.
        """
        i, j = np.asarray(i, np.int64), np.asarray(j, np.int64)
        if len(self) <= DENSE and len(i) > 1000:
            return {k: m[i, j] for k, m in self._dense.items()}
        out = {k: rowwise(self.vectors[k], i, j) for k in ("topic", "description")}
        out.update(self.names_features(i, j))
        if exact_body or "body" in self.model.weights or len(self) <= DENSE:
            out["body"] = self.body(i, j)
        else:
            out["body"] = np.zeros(len(i))
            copy = self._is_copy(i, j)
            if copy.any():
                out["body"][copy] = self._copy_body(i[copy], j[copy])
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
        with self._lock:
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
        ci, cj, _ = self._copies
        return np.unique(np.concatenate([ci * n + cj, cj * n + ci]))

    @cached_property
    def _copies(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(i, j, body score) of the pairs i < j whose body score is >= COPY, sorted by (i, j) (the
        Overlap's, when it has them already)."""
        if self.overlap is not None:
            i, j, v = self.overlap.pairs_at_least("body", COPY)
            return np.asarray(i, np.int64), np.asarray(j, np.int64), np.asarray(v, float)
        shingles = self._shingles
        sizes = np.diff(shingles.indptr)

        def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
            inter = (search.rows_from(shingles, b0) @ shingles[b0:b1].T).tocoo()
            rows, cols = inter.col.astype(np.int64) + b0, inter.row.astype(np.int64) + b0
            union = sizes[rows] + sizes[cols] - inter.data
            keep = (cols > rows) & (inter.data >= COPY * union - 1e-9)
            return rows[keep], cols[keep], inter.data[keep] / union[keep]

        i, j, v = search.blocked(len(self), run)
        order = np.lexsort((j, i))
        return i[order], j[order], v[order]

    def _copy_body(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        """The body scores of pairs that are copies (i < j), read from the copy search."""
        ci, cj, cv = self._copies
        at = np.searchsorted(ci * len(self) + cj, i * len(self) + j)
        return cv[at]

    # -- candidates: the pairs that can reach a probability, without scoring all N^2 ---------------------
    def floors(self, min_probability: float, name_share: float = 0.1) -> dict[str, float]:
        """Floors for the name and description cosines such that a pair below both cannot reach
        `min_probability`, whatever its other features.

        The logit is a sum of one term per feature. A pair below both floors has a logit below the
        intercept + the best term of every other feature (`Model.best`) + the name and description
        terms at their floors; the floors share what is left to reach `min_probability` (name gets
        `name_share` of it). The name feature is at most the name cosine, so a floor on the cosine
        bounds it too. All zero when the other features alone could reach it.
        """
        m = self.model
        if not 0 < min_probability < 1:
            return {"name": 0.0, "description": 0.0}
        target = math.log(min_probability / (1 - min_probability))
        best = sum(m.best(f) for f in {*m.weights, "body"} - {"name", "description"})
        at = {f: m.term(f, 0.0) for f in ("name", "description")}
        room = target - m.intercept - best - sum(at.values())
        if room <= 0:
            return {"name": 0.0, "description": 0.0}
        return {
            "name": m.level("name", at["name"] + name_share * room),
            "description": m.level("description", at["description"] + (1 - name_share) * room),
        }

    def candidates(self, min_probability: float) -> tuple[np.ndarray, np.ndarray]:
        """Pairs i < j that may reach `min_probability`: every pair of a set of up to DENSE agents; above
        that, the pairs at or above a floor of the name or description cosine (`floors`) and the copies
        (body >= COPY). No pair that reaches `min_probability` is left out. (The search itself finds
        them block by block, `_search`; this lists them all at once.)"""
        n = len(self)
        if n <= DENSE:
            return search.all_pairs(n)
        codes = [_block_candidates(self, 0, n, self.floors(min_probability))]
        code = np.unique(np.concatenate(codes))
        return code // n, code % n

    def _scored(
        self, min_probability: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """(i, j, probability, features) of the pairs reaching `min_probability`, sorted by (i, j), cached
        per value; a lower value already scored is filtered instead of scored again."""
        key = float(min_probability)
        done = [k for k in self._cache if k <= key]
        if key not in self._cache and done:
            i, j, p, f = self._cache[max(done)]
            keep = p >= key
            self._cache[key] = (i[keep], j[keep], p[keep], {k: x[keep] for k, x in f.items()})
        if key not in self._cache:
            if len(self) <= DENSE:
                i, j = search.all_pairs(len(self))
                features = self.features(i, j)
                p = np.where(i == j, 1.0, self.model.probability(features)) if len(i) else np.zeros(0)
                keep = p >= key
                i, j, p = i[keep], j[keep], p[keep]
                features = {k: x[keep] for k, x in features.items()}
            else:
                i, j, p, features = _search(self, key)
            self._remember(i * len(self) + j, p)
            self._cache[key] = (i, j, p, features)
        return self._cache[key]

    def scored_features(
        self, min_probability: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
        """Like `scored`, with the features of each pair as computed for its probability: the topic,
        description, name and extra features exactly; the body score exactly for copies only (0 for the
        rest) on large sets."""
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
        features topic, description, name, extra and body, and copy ("verbatim copy: 0.76 of the body").
        """
        import pandas as pd

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

        Complete linkage over the pairs with P(same job) >= `min_probability` (default: the likely band):
        every pair inside a group reaches it, so a group shown as likely holds no pair that is not, and
        one agent that resembles two roles (a backend security coder between backend developers and
        mobile security coders) does not chain them. The cost grows with those pairs, not with N^2.
        """
        floor = self.model.likely if min_probability is None else min_probability
        i, j, p, _ = self._scored(floor)
        return complete(len(self), i, j, p, floor)


def _block_candidates(verdicts: SameRole, b0: int, b1: int, floors: Mapping[str, float]) -> np.ndarray:
    """Pair codes i * n + j (i in b0..b1-1, j > i) whose name or description cosine reaches its floor, and
    the copies among them. A floor of 0 takes every pair of the block."""
    import scipy.sparse as sp

    n = len(verdicts)
    if min(floors.values()) <= 0:  # every pair (i, j > i) of the block's rows
        lengths = n - 1 - np.arange(b0, b1, dtype=np.int64)
        rows = np.repeat(np.arange(b0, b1, dtype=np.int64), lengths)
        starts = np.repeat(np.cumsum(lengths) - lengths, lengths)
        return rows * n + (np.arange(len(rows), dtype=np.int64) - starts + rows + 1)
    codes = []
    for feature, floor in floors.items():
        x = verdicts.vectors[feature]
        product = sp.coo_matrix(search.rows_from(x, b0) @ x[b0:b1].T)
        rows, cols = product.col.astype(np.int64) + b0, product.row.astype(np.int64) + b0
        keep = (cols > rows) & (product.data >= floor - 1e-12)
        codes.append(rows[keep] * n + cols[keep])
    ci, cj, _ = verdicts._copies
    mine = (ci >= b0) & (ci < b1)
    codes.append(ci[mine] * n + cj[mine])
    return np.unique(np.concatenate(codes))


def _search(
    verdicts: SameRole, key: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """The pairs of a large set reaching probability `key`, block by block of rows: each block's candidates
    (`_block_candidates`) are scored in two steps (name, description and extra first; the topic cosine
    only for the pairs that could still reach `key`, and copies) and only the pairs reaching `key` kept.
    Memory stays bounded by the block; more than MAX_CANDIDATES candidates stop it (TooLargeError), more
    than search.MAX_LISTED_PAIRS pairs found too (search.TooManyPairs)."""
    m, n = verdicts.model, len(verdicts)
    floors = verdicts.floors(key)
    target = math.log(key / (1 - key)) if 0 < key < 1 else -np.inf
    topic_best = m.best("topic")
    counted = [0]
    lock = threading.Lock()
    verdicts._copies  # noqa: B018  (found once, before the threads share it)

    def run(b0: int, b1: int) -> tuple[np.ndarray, ...]:
        code = _block_candidates(verdicts, b0, b1, floors)
        with lock:
            counted[0] += len(code)
            if counted[0] > MAX_CANDIDATES:
                raise _TooManyCandidates
        i, j = code // n, code % n
        features = {"description": rowwise(verdicts.vectors["description"], i, j)}
        features.update(verdicts.names_features(i, j))
        partial = m.intercept + sum(m.terms(k, x) for k, x in features.items())
        copy = verdicts._is_copy(i, j)
        alive = copy | (partial + topic_best >= target)
        i, j, copy = i[alive], j[alive], copy[alive]
        features = {k: x[alive] for k, x in features.items()}
        features["topic"] = rowwise(verdicts.vectors["topic"], i, j)
        features["body"] = np.zeros(len(i))
        if copy.any():
            features["body"][copy] = verdicts._copy_body(i[copy], j[copy])
        p = m.probability(features) if len(i) else np.zeros(0)
        keep = p >= key
        return (i[keep], j[keep], p[keep], *(features[k][keep] for k in FEATURES))

    try:
        # Each candidate carries a dozen numbers while scored: smaller blocks than a plain search.
        i, j, p, *columns = search.blocked(n, run, search.rows_per_block(n, search.BLOCK_ENTRIES // 4))
    except _TooManyCandidates:
        raise TooLargeError(
            f"the same-role verdict of these {n:,} agents would score more than {MAX_CANDIDATES:,} candidate "
            "pairs (pairs whose names or descriptions are alike), more than agentkit scores at once: compare "
            "fewer agents at once (one folder, or a sample), or another score (--kind body)"
        ) from None
    if len(columns) < len(FEATURES):  # nothing found: blocked gives three empty columns
        columns = [np.zeros(0) for _ in FEATURES]
    order = np.lexsort((j, i))
    return i[order], j[order], p[order], {k: c[order] for k, c in zip(FEATURES, columns, strict=True)}


class _TooManyCandidates(Exception):
    pass


def same_role(agents: Any, *, model: Model | None = None) -> SameRole:
    """Same-role verdicts for a set of agents: an Overlap (its order and body scores are reused), or any
    iterable of Agent."""
    if hasattr(agents, "pairs_at_least") and hasattr(agents, "agents"):  # an Overlap
        return SameRole(agents.agents, overlap=agents, model=model)
    return SameRole(agents, model=model)
