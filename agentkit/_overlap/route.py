"""Offline routing: which agent would Claude pick for a request, judged from names and descriptions.

Claude Code shows the main model one line per agent (`- name: description`) and lets it pick. We
approximate that choice with text similarity: TF-IDF over words (stop words and generic agent
prose removed) plus character n-grams (so "deploy" meets "deployment"), fitted on the agents'
descriptions. Scores are cosines in [0, 1]. The same featurisation gives the `description` score
of `agentkit.overlap`, so two agents whose descriptions score high there compete here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import scipy.sparse as sp

__all__ = ["Router", "conflicts", "route"]

# Words every agent file uses whatever its subject: they say nothing about what the agent covers.
AGENT_STOP_WORDS = frozenset(
    """
    agent agents subagent subagents expert experts expertise specialist specialists specialized specializing
    specializes specialise specialised senior professional use uses used using usage proactively proactive
    focus focused focuses focusing area areas approach approaches output outputs ensure ensures ensuring best
    practice practices provide provides providing comprehensive deep strong help helps helping task tasks
    need needs needed work works working including include includes implement implements
    implementing user users assistant example examples context commentary invoked invoke always must
    should will world class high quality effective efficient efficiently robust key core master masters
    mastery advanced modern capabilities capability knowledge skill skills experience experienced role
    responsibilities responsibility guidelines guideline principles principle process processes workflow
    workflows deliverables deliverable checklist excellence excel excels like also etc e g eg ie via based
    within across new make makes making create creates creating handle handles handling ve ll don let lets
    want wants s t d m re specific specifically appropriate relevant various ready level levels clear
    clearly thorough thoroughly solutions solution requirements requirement patterns pattern development
    tools tool team teams project projects code system systems strategies strategy
    """.split()
)

_TAGS = re.compile(r"</?[A-Za-z_][\w-]*>")  # <example>, </commentary>: markup, not content
_ESCAPED_NEWLINES = re.compile(r"\\n")
_TOKEN = r"(?u)\b\w[\w+#]*"  # keeps c++ and c#


# English stop words: scikit-learn's list (from the Glasgow Information Retrieval Group), written out so that
# scoring a pair does not import scikit-learn (a second of start-up).
ENGLISH_STOP_WORDS = frozenset(
    """
    a about above across after afterwards again against all almost alone along already also although
    always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere
    are around as at back be became because become becomes becoming been before beforehand behind being
    below beside besides between beyond bill both bottom but by call can cannot cant co con could
    couldnt cry de describe detail do done down due during each eg eight either eleven else elsewhere
    empty enough etc even ever every everyone everything everywhere except few fifteen fifty fill find
    fire first five for former formerly forty found four from front full further get give go had has
    hasnt have he hence her here hereafter hereby herein hereupon hers herself him himself his how
    however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly least
    less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my
    myself name namely neither never nevertheless next nine no nobody none noone nor not nothing now
    nowhere of off often on once one only onto or other others otherwise our ours ourselves out over own
    part per perhaps please put rather re same see seem seemed seeming seems serious several she should
    show side since sincere six sixty so some somehow someone something sometime sometimes somewhere
    still such system take ten than that the their them themselves then thence there thereafter thereby
    therefore therein thereupon these they thick thin third this those though three through throughout
    thru thus to together too top toward towards twelve twenty two un under until up upon us very via
    was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within
    without would yet you your yours yourself yourselves
    """.split()
)


@cache
def stop_words() -> frozenset[str]:
    """English stop words plus generic agent prose."""
    return ENGLISH_STOP_WORDS | AGENT_STOP_WORDS


def clean_text(text: str) -> str:
    """Lower-case text without markup tags, literal `\\n`, or stop words (what the n-grams see)."""
    text = _ESCAPED_NEWLINES.sub(" ", _TAGS.sub(" ", text)).lower()
    stop = stop_words()
    return " ".join(w for w in re.findall(_TOKEN, text) if w not in stop)


class TextVectors:
    """Unit-length rows: half word TF-IDF (1-2 grams), half character 3-5-gram TF-IDF, both fitted on
    the texts given to `fit`. The cosine of two rows is the mean of the word and character cosines."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.words = TfidfVectorizer(
            token_pattern=_TOKEN, ngram_range=(1, 2), sublinear_tf=True, lowercase=False
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


def description_text(agent: Any) -> str:
    description = getattr(agent, "description", None)
    return description if isinstance(description, str) else ""


def display_name(agent: Any) -> str:
    """The name Claude Code shows (`plugin:name` for plugin agents), else the file name."""
    for value in (getattr(agent, "qualified_name", None), getattr(agent, "name", None)):
        if isinstance(value, str) and value:
            return value
    return agent.path.stem


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
    """Rank the agents a request would most likely be routed to, from their names and descriptions.

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
