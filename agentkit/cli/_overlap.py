"""`agentkit overlap`: pairs of agents that duplicate each other or compete for the same requests."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from agentkit.cli._common import OK, echo_json, existing_paths, format_option, no_agents

KINDS = (
    "description",
    "body",
    "topic",
    "tools",
)  # agentkit._overlap.scores.KINDS, without importing numpy here
GROUP_KINDS = ("body", "description", "topic")  # tools groups are mostly "inherits everything": noise


def _unit_interval(_ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0.0 <= value <= 1.0:  # also refuses nan
        raise click.BadParameter(f"must be between 0 and 1, not {value}")
    return value


@click.command()
@existing_paths()
@format_option("table", "json")
@click.option(
    "--min-score",
    type=float,
    default=0.5,
    show_default=True,
    callback=_unit_interval,
    help="List a pair when any score (or the --kind score) reaches X; 0 lists every pair.",
)
@click.option(
    "--kind",
    type=click.Choice(KINDS),
    help="Only this score decides which pairs are listed and grouped (and only it is computed).",
)
@click.option(
    "--group-threshold",
    type=float,
    default=0.8,
    show_default=True,
    callback=_unit_interval,
    help="Group agents linked by a score >= T.",
)
@click.option("--limit", type=click.IntRange(min=0), help="Show at most N pairs (table default 50; 0 = all).")
def overlap(
    paths: tuple[Path, ...],
    fmt: str,
    min_score: float,
    kind: str | None,
    group_threshold: float,
    limit: int | None,
) -> int:
    """Score every pair of agents under PATH... on description (routing confusion), body (verbatim
    Jaccard of word 5-shingles), topic (what they cover) and tools, each in [0, 1]."""
    import agentkit

    agents = agentkit.load(*paths)
    if not len(agents):
        return no_agents(paths)
    result = agentkit.overlap(agents)
    scores = [kind] if kind else list(KINDS)
    pairs = result.pairs(min_score=min_score, kind=kind, scores=scores)
    if limit is None:
        limit = 0 if fmt == "json" else 50
    shown = pairs if not limit else pairs.head(limit)
    group_kinds = [kind] if kind else list(GROUP_KINDS)
    groups = [g for k in group_kinds if k != "tools" for g in result.groups(k, group_threshold)]

    if fmt == "json":
        echo_json(
            {
                "agents": len(result),
                "min_score": min_score,
                "kind": kind,
                "pairs": [
                    {
                        "a": row.a,
                        "b": row.b,
                        "a_name": row.a_name,
                        "b_name": row.b_name,
                        **{k: float(getattr(row, k)) for k in scores},
                    }
                    for row in shown.itertuples(index=False)
                ],
                "groups": [
                    {
                        "kind": g.kind,
                        "threshold": g.threshold,
                        "agents": [str(p) for p in g.paths],
                        "names": g.labels,
                        "min_score": g.min_score,
                        "max_score": g.max_score,
                    }
                    for g in groups
                ],
            }
        )
        return OK

    out = sys.stdout
    which = f"the {kind} score" if kind else "a score"
    out.write(f"{len(result)} agents; {len(pairs)} pairs where {which} reaches {min_score:g}\n")
    if len(shown):
        head = "".join(f"{k[:5]:>6}" for k in scores)
        out.write(f"\n{head}  agents\n")
        for row in shown.itertuples(index=False):
            values = "".join(f"{getattr(row, k):6.2f}" for k in scores)
            out.write(f"{values}  {row.a_label}  <->  {row.b_label}\n")
        if len(shown) < len(pairs):
            out.write(f"... {len(pairs) - len(shown)} more (--limit 0 shows all)\n")
    if groups:
        out.write(f"\nGroups (linked by a score >= {group_threshold:g}):\n")
        for g in groups:
            span = (
                f"{g.min_score:.2f}"
                if abs(g.max_score - g.min_score) < 0.005
                else f"{g.min_score:.2f}-{g.max_score:.2f}"
            )
            out.write(f"  {g.kind:11} {len(g):3} agents, {span}: {', '.join(g.labels)}\n")
    return OK
