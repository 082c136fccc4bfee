"""The offline routing estimate: which agent would Claude pick for a request, judged from names and
descriptions alone. Free and instant, but an estimate: it knows nothing of the built-in agents, the skills,
CLAUDE.md or the main agent's choice to do the work itself, which Claude Code's own routing weighs
(`agentkit.live.route`; `benchmarks/route.py` measures how often the two agree).

Claude Code shows the main model one line per agent (`- name: description`) and lets it pick. We
approximate that choice with text similarity: TF-IDF over words (stop words and generic agent
prose removed) plus character n-grams (so "deploy" meets "deployment"), fitted on the agents'
descriptions. Scores are cosines in [0, 1]. The same featurisation gives the `description` score
of `agentkit.overlap`, so two agents whose descriptions score high there compete here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from agentkit._overlap.text import ENGLISH_STOP_WORDS as ENGLISH_STOP_WORDS  # re-exported
from agentkit._overlap.text import TOKEN, clean_text, description_text, display_name
from agentkit._overlap.text import stop_words as stop_words  # re-exported

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["Router", "conflicts", "route"]


class TextVectors:
    """Unit-length rows: half word TF-IDF (1-2 grams), half character 3-5-gram TF-IDF, both fitted on
    the texts given to `fit`. The cosine of two rows is the mean of the word and character cosines."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(
            token_pattern=TOKEN, ngram_range=(1, 2), sublinear_tf=True, lowercase=False
        )
        self.chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, lowercase=False
        )
        self.fitted = False

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        cleaned = [clean_text(t) for t in texts]
        if not any(cleaned):  # nothing to learn a vocabulary from: every row is zero
            import scipy.sparse as sp

            return sp.csr_matrix((len(texts), 1))
        self.fitted = True
        return self._join(self.words.fit_transform(cleaned), self.chars.fit_transform(cleaned))

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        if not self.fitted:
            import scipy.sparse as sp

            return sp.csr_matrix((len(texts), 1))
        cleaned = [clean_text(t) for t in texts]
        return self._join(self.words.transform(cleaned), self.chars.transform(cleaned))

    @staticmethod
    def _join(words: sp.csr_matrix, chars: sp.csr_matrix) -> sp.csr_matrix:
        import scipy.sparse as sp
        from sklearn.preprocessing import normalize

        both = sp.hstack([words * np.sqrt(0.5), chars * np.sqrt(0.5)], format="csr")
        # A text with no word left after stop words still has character n-grams: renormalise.
        return normalize(both, copy=False)


def routable(agents: Iterable[Any]) -> list[Any]:
    """The agents Claude Code would offer: loaded, named, not shadowed by another file."""
    return [
        a
        for a in agents
        if getattr(a, "loaded", True)
        and getattr(a, "shadowed_by", None) is None
        and isinstance(getattr(a, "name", None), str)
    ]


class Router:
    """Description-based routing over a fixed set of agents (fit once, ask many requests).

    The text for each agent is its name (hyphens as spaces) followed by its description, as in the
    `- name: description` line Claude sees.
    """

    def __init__(self, agents: Iterable[Any]) -> None:
        self.agents = routable(agents)
        self.names = [display_name(a) for a in self.agents]
        texts = [
            f"{n.replace('-', ' ').replace(':', ' ')}. {description_text(a)}"
            for n, a in zip(self.names, self.agents, strict=True)
        ]
        self.vectors = TextVectors()
        self.matrix = self.vectors.fit_transform(texts) if texts else None

    def scores(self, request: str) -> np.ndarray:
        """Cosine between the request and every agent, in `self.agents` order."""
        if self.matrix is None:
            return np.zeros(0)
        query = self.vectors.transform([request])
        return np.clip((self.matrix @ query.T).toarray().ravel(), 0.0, 1.0)

    def route(self, request: str, top: int | None = 5) -> pd.DataFrame:
        """The `top` agents (all with top=None), best first: name, path, score, rank (1-based)."""
        import pandas as pd

        scores = self.scores(request)
        order = np.lexsort((np.arange(len(scores)), -scores))  # ties keep file order: stable output
        if top is not None:
            order = order[:top]
        return pd.DataFrame(
            {
                "name": [self.names[i] for i in order],
                "path": [str(self.agents[i].path) for i in order],
                "score": scores[order].astype(float),
                "rank": np.arange(1, len(order) + 1),
            }
        )


def route(agents: Iterable[Any] | Router, request: str, top: int | None = 5) -> pd.DataFrame:
    """Estimate which agents a request would be routed to, from their names and descriptions alone (an
    estimate: Claude Code's own routing, with its built-in agents and the option to do the work itself, is
    `agentkit.live.route`).

    Returns a DataFrame with columns name, path, score (cosine in [0, 1]) and rank (1 = best).
    Only agents Claude Code would offer are ranked (loaded, named, not shadowed). To ask many
    requests of one set, build a `Router(agents)` once and pass it instead of the agents.

    >>> import agentkit
    >>> agents = [agentkit.loads("---\\nname: sql-pro\\ndescription: Writes and tunes SQL queries.\\n---\\n"),
    ...           agentkit.loads("---\\nname: css-pro\\ndescription: Styles web pages with CSS.\\n---\\n")]
    >>> agentkit.route(agents, "tune this slow SQL query", top=1)["name"].tolist()
    ['sql-pro']
    """
    router = agents if isinstance(agents, Router) else Router(agents)
    return router.route(request, top)


def conflicts(
    agents: Iterable[Any] | Router,
    requests: Iterable[str],
    margin: float = 0.05,
    min_score: float = 0.1,
) -> pd.DataFrame:
    """Requests that several agents claim about equally: a routing coin toss.

    For each request, the agents whose score is within `margin` of the best score, relatively
    (score >= best * (1 - margin): cosines of short requests are small, so a fixed gap would mean
    different things), among those scoring at least `min_score` (below that nobody really claims it).
    A request is listed when two or more agents qualify. Columns: request, agents (names, best
    first), paths, scores, gap (best minus the runner-up's score).
    """
    import pandas as pd

    router = agents if isinstance(agents, Router) else Router(agents)
    rows = []
    for request in requests:
        scores = router.scores(request)
        if len(scores) < 2:
            continue
        best = float(scores.max())
        close = np.flatnonzero((scores >= best * (1.0 - margin)) & (scores >= min_score))
        if len(close) < 2:
            continue
        close = close[np.lexsort((close, -scores[close]))]
        rows.append(
            {
                "request": request,
                "agents": [router.names[i] for i in close],
                "paths": [str(router.agents[i].path) for i in close],
                "scores": [float(scores[i]) for i in close],
                "gap": float(scores[close[0]] - scores[close[1]]),
            }
        )
    return pd.DataFrame(rows, columns=["request", "agents", "paths", "scores", "gap"])
