"""Agent text as the overlap and routing read it: stop words, cleaned text, the name Claude Code shows.

One home for these, used by the scores (`scores`, `verdict`, `coverage`) and by the offline router
(`live/_routing/estimate.py`), so that neither depends on the other.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

__all__ = [
    "AGENT_STOP_WORDS",
    "ENGLISH_STOP_WORDS",
    "TOKEN",
    "clean_text",
    "description_text",
    "description_words",
    "display_name",
    "stop_words",
]

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
TOKEN = r"(?u)\b\w[\w+#]*"  # keeps c++ and c#


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
    return " ".join(w for w in re.findall(TOKEN, text) if w not in stop)


def description_text(agent: Any) -> str:
    description = getattr(agent, "description", None)
    return description if isinstance(description, str) else ""


def display_name(agent: Any) -> str:
    """The name Claude Code shows (`plugin:name` for plugin agents), else the file name."""
    for value in (getattr(agent, "qualified_name", None), getattr(agent, "name", None)):
        if isinstance(value, str) and value:
            return value
    return agent.path.stem


_MARKUP = re.compile(f"{_TAGS.pattern}|{_ESCAPED_NEWLINES.pattern}")
_WORD = re.compile(TOKEN)


def description_words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) for each word of `text` that the description score counts: TOKEN
    runs outside markup tags and literal `\\n`, stop words and generic agent prose left out (the spans
    the widgets highlight)."""
    stop = stop_words()
    masked = _MARKUP.sub(lambda m: " " * len(m.group()), text)
    return [
        (m.start(), m.end(), word) for m in _WORD.finditer(masked) if (word := m.group().lower()) not in stop
    ]
