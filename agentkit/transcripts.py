"""Claude Code's own transcripts, read once and summarised many times (`agentkit.usage` does both in one
call; the usage widget reads once, then summarises for every choice of project and days).

    read(config_dir, project)   every session under the config folder (or one project's) -> a Tally
    summarize(tally, project, since, until)  a Tally -> a `Usage` for one project and some days
    Tally                       what one read kept: sessions, runs, answers, requests, problems
    Usage                       the tables and figures (also `agentkit.Usage`)
    day_of(value, what)         a day as `since`/`until` take it ('2026-05-01', a date, a datetime), or
                                a UsageError naming `what`
"""

from agentkit._usage import Tally, Usage, read, summarize
from agentkit._usage._frames import day_of

__all__ = ["Tally", "Usage", "day_of", "read", "summarize"]
