"""`agentkit overlap`: which agents do the same job, copy each other, or compete for the same requests."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import click

from agentkit.cli._common import OK, echo_json_records, existing_paths, format_option, no_agents

# The built-in scores (agentkit._overlap.overlap.COLUMNS), written out so that `agentkit overlap --help` does
# not import numpy; tests/test_overlap.py checks that they are the same.
KINDS = ("same_role", "description", "body", "topic", "tools")
SCORES = ("description", "body", "topic", "tools")


def _unit_interval(_ctx: click.Context, _param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not (math.isfinite(value) and 0.0 <= value <= 1.0):  # nan too
        raise click.BadParameter(f"must be between 0 and 1, not {value}")
    return value


@click.command()
@existing_paths()
@format_option("table", "json")
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    default="same_role",
    show_default=True,
    help="What decides which pairs are listed and grouped: the same-role verdict, or one score (then "
    "only that score is computed).",
)
@click.option(
    "--min-score",
    type=float,
    callback=_unit_interval,
    help="List pairs from this value: a probability for same_role (default 0.5, 'likely'; 0.15 lists the "
    "'possible' ones too), else a score (default 0.5; 0 lists every pair).",
)
@click.option(
    "--group-threshold",
    type=float,
    callback=_unit_interval,
    help="Group agents from this value (default: 0.5, 'likely', for same_role; 0.8 for a score).",
)
@click.option("--limit", type=click.IntRange(min=0), help="Show at most N pairs (table default 30; 0 = all).")
@click.option(
    "--guidance",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    metavar="N",
    help="Say which version to keep, and what the others add, for the N largest same-role groups (0: none).",
)
@click.option(
    "--ask-claude",
    type=click.IntRange(min=1),
    metavar="N",
    help="Also ask Claude (one cached request per pair, needs ANTHROPIC_API_KEY) whether it would confuse "
    "each of the first N pairs: the live counterpart of the offline verdict.",
)
def overlap(
    paths: tuple[Path, ...],
    fmt: str,
    kind: str,
    min_score: float | None,
    group_threshold: float | None,
    limit: int | None,
    guidance: int,
    ask_claude: int | None,
) -> int:
    """Which agents under PATH... do the same job, and how alike each pair is.

    By default: groups of agents that likely do the same job (a calibrated probability, from pairs of real
    collections), then the pairs that likely do (--min-score 0.15: possibly), each with what its numbers mean: the verdict ("same
    role: likely, 0.93"), how much the descriptions compete for requests, how much of the body is a
    verbatim copy, how alike the topics and tool sets are. For each group, which version to keep and
    what the others add. Tools overlap alone never lists a pair.
    """
    import agentkit

    agents = agentkit.load(*paths)
    if not len(agents):
        return no_agents(paths)
    result = agentkit.overlap(agents)
    scores = list(KINDS) if kind == "same_role" else [kind]
    pairs = result.pairs(min_score, kind=kind, scores=scores)
    groups = result.groups(kind, group_threshold) if kind != "tools" else []
    guides = [result.merge_guidance(g.agents) for g in groups[:guidance]] if kind == "same_role" else []
    if limit is None:
        limit = 0 if fmt == "json" else 30
    shown = pairs if not limit else pairs.head(limit)
    if ask_claude:
        shown = _ask_claude(result, shown, ask_claude)

    if fmt == "json":
        echo_json_records(
            {
                "agents": len(result),
                "kind": kind,
                "min_score": min_score,
                "groups": [
                    {
                        "kind": g.kind,
                        "threshold": g.threshold,
                        "agents": [str(p) for p in g.paths],
                        "names": g.labels,
                        "min_score": g.min_score,
                        "max_score": g.max_score,
                        **({"keep": guide.keep, "guidance": guide.summary()} if guide else {}),
                    }
                    for g, guide in zip(groups, [*guides, *[None] * (len(groups) - len(guides))], strict=True)
                ],
            },
            "pairs",
            _pairs_table(shown, scores),  # hundreds of thousands: written in chunks, never all in memory
        )
        return OK

    out = sys.stdout
    out.write(_headline(len(result), kind, pairs, groups, min_score))
    if groups:
        out.write("\n" + _groups_text(kind, groups, guides, result.scorer(kind).say))
    if len(shown):
        out.write("\n" + _pairs_text(kind, shown))
        if len(shown) < len(pairs):
            out.write(f"... {len(pairs) - len(shown)} more (--limit 0 shows all)\n")
    return OK


def _ask_claude(result: Any, shown: Any, count: int) -> Any:
    """The pairs with a `claude` column: what Claude answers, live, for the first `count` of them."""
    from agentkit import live

    shown = shown.copy()
    answers: list[Any] = []
    for k, row in enumerate(shown.itertuples(index=False)):
        if k < count:
            answers.append(
                live.confusion(result.agents[result.index(row.a)], result.agents[result.index(row.b)])
            )
        else:
            answers.append(None)
    shown["claude"] = [a.words() if a is not None else "" for a in answers]
    shown["claude_confused"] = [a.confused if a is not None else None for a in answers]
    return shown


WORDS = {"same_role": "verdict", "description": "routing", "body": "copy"}  # each score's meaning, in words


def _pairs_table(shown: Any, scores: list[str]) -> Any:
    """The columns of the JSON pairs: who, then each score with its meaning in words."""
    columns = ["a", "b", "a_name", "b_name"]
    if "claude" in shown:
        columns += ["claude", "claude_confused"]
    for k in scores:
        columns += [k, *([WORDS[k]] if k in WORDS else [])]
    table = shown[columns]
    if "claude" in shown:  # only the pairs asked about carry Claude's answer
        table = table.assign(claude=table["claude"].where(table["claude"] != "", None))
    return table


def _headline(n: int, kind: str, pairs: Any, groups: list[Any], min_score: float | None) -> str:
    if kind == "same_role":
        floor = "likely" if min_score is None else f"with a probability of at least {min_score:g} to"
        grouped = (
            "that likely do the same job"
            if not groups or groups[0].threshold == 0.5
            else f"that do the same job with a probability of at least {groups[0].threshold:g} for every pair"
        )
        return (
            f"{n} agents: {len(groups)} group{'s' * (len(groups) != 1)} of agents {grouped}; "
            f"{len(pairs)} pair{'s' * (len(pairs) != 1)} {floor} do the same job\n"
        )
    return f"{n} agents; {len(pairs)} pairs where the {kind} score reaches {0.5 if min_score is None else min_score:g}\n"


def _groups_text(kind: str, groups: list[Any], guidance: list[Any], say: Any) -> str:
    if kind == "same_role":
        # Complete linkage: every pair inside a group reaches the threshold, so the heading holds for all.
        threshold = groups[0].threshold
        band = say(threshold).split(":", 1)[1].split(",")[0].strip()
        lines = [f"Same role ({band}: every pair in a group at least {threshold:.2f}):"]
    else:
        lines = [f"Groups by {kind}:"]
    for k, g in enumerate(groups):
        span = (
            f"{g.min_score:.2f}"
            if abs(g.max_score - g.min_score) < 0.005
            else f"{g.min_score:.2f}-{g.max_score:.2f}"
        )
        what = "probability" if kind == "same_role" else kind
        lines.append(f"  {len(g)} agents ({what} {span}): {', '.join(g.labels)}")
        if k < len(guidance):
            lines += [f"    {line}" for line in guidance[k].summary().splitlines()]
    return "\n".join(lines) + "\n"


def _pairs_text(kind: str, shown: Any) -> str:
    if kind != "same_role":
        lines = [f"{kind[:11]:>11}  agents"]
        lines += [
            f"{row[kind]:11.2f}  {row['a_label']}  <->  {row['b_label']}" for row in shown.to_dict("records")
        ]
        return "\n".join(lines) + "\n"
    lines = [
        "Pairs, most likely the same job first (verdict: a calibrated probability; description: how much "
        "the two compete for requests; body: share of the body copied word for word; topic and tools: "
        "how alike, 0 to 1):",
        f"  {'verdict':26}{'description':>12}{'body':>6}{'topic':>7}{'tools':>7}  agents",
    ]
    for row in shown.to_dict("records"):
        lines.append(
            f"  {row['verdict']:26}{row['description']:12.2f}{row['body']:6.2f}{row['topic']:7.2f}"
            f"{row['tools']:7.2f}  {row['a_label']}  <->  {row['b_label']}"
        )
        if row.get("claude"):
            lines.append(f"  {'':26}asked live: {row['claude']}")
    return "\n".join(lines) + "\n"
