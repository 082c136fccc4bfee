"""How agents are really used: invocations, tokens and cost per agent, from Claude Code's own transcripts.

    import agentkit
    u = agentkit.usage()                       # $CLAUDE_CONFIG_DIR, else ~/.claude; every project
    u = agentkit.usage(project=".", since="2026-11-01")
    u.per_agent()                              # invocations, failures, tokens by kind, cost per agent
    u.never_used, u.missing                    # agents never invoked; agents invoked that are gone
    u.export_routing("routing.yaml")           # the requests, labelled with the agent Claude Code picked

Reading streams line by line (`_read`), finding the files is `_files`, the tables are `_frames`, the result
is `_result.Usage` (its routing suite is written by `live/_routing/cases.py`), the figures `_figures`.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from agentkit._usage._frames import build, day_of
from agentkit._usage._read import Tally, read
from agentkit._usage._result import Usage

__all__ = ["Tally", "Usage", "read", "summarize", "usage"]


def usage(
    config_dir: str | os.PathLike[str] | None = None,
    project: str | os.PathLike[str] | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
) -> Usage:
    """How agents were used, from the transcripts under `config_dir` (default: $CLAUDE_CONFIG_DIR, else
    ~/.claude). `project` (a working directory) keeps that project's sessions and names the agents Claude
    Code would load there, for `never_used`; `since` and `until` (days, inclusive, UTC) keep the answers,
    runs and requests of those days. Raises UsageError when there are no transcripts to read."""
    day_of(since, "since"), day_of(until, "until")  # a bad date fails before the read
    return summarize(read(config_dir, project), project, since, until)


def summarize(
    tally: Tally,
    project: str | os.PathLike[str] | None = None,
    since: str | date | datetime | None = None,
    until: str | date | datetime | None = None,
) -> Usage:
    """A Usage of what one read kept, for one project and some days (the widget reads once, then asks
    this for every choice of project and dates)."""
    first, last = day_of(since, "since"), day_of(until, "until")
    where = str(Path(project).expanduser().absolute()) if project is not None else None
    counts = {
        "files": tally.files,
        "lines": tally.lines,
        "bytes": tally.bytes,
        "duplicates": tally.duplicates,
        "replays": tally.replays,
        "copies": tally.copies,
    }
    return Usage(tally.config, where, first, last, build(tally, where, first, last), counts)
