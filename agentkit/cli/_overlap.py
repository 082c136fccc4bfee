"""`agentkit overlap PATH... [--format table|json] [--min-score X] [--kind K] [--group-threshold T]`.

Lists the pairs of agents that overlap (a pair is listed when any of its four scores reaches
--min-score, or with --kind K when that score does) and the near-duplicate groups. Exit codes: 0
done, 2 a usage error (missing path).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

KINDS = ("description", "body", "topic", "tools")  # agentkit._overlap.KINDS, without importing numpy here
GROUP_KINDS = ("body", "description", "topic")  # tools groups are mostly "inherits everything": noise


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "overlap",
        help="pairs of agents that duplicate each other or compete for the same requests",
        description="Score every pair of agents on description (routing confusion), body (verbatim "
        "Jaccard of word 5-shingles), topic (what they cover) and tools, each in [0, 1].",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="agent files or folders (searched recursively)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument(
        "--min-score",
        type=float,
        default=0.5,
        metavar="X",
        help="list a pair when any score (or the --kind score) reaches X; 0 lists every pair (default 0.5)",
    )
    p.add_argument("--kind", choices=KINDS, help="only this score decides which pairs are listed and grouped")
    p.add_argument(
        "--group-threshold",
        type=float,
        default=0.8,
        metavar="T",
        help="group agents linked by a score >= T (default 0.8); groups use --kind, else body, "
        "description and topic",
    )
    p.add_argument("--limit", type=int, metavar="N", help="show at most N pairs (table default 50; 0 = all)")
    p.set_defaults(func=handle)


def handle(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"agentkit overlap: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return 2

    import agentkit
    from agentkit._overlap.scores import overlap

    result = overlap(agentkit.load(*args.paths))
    pairs = result.pairs(min_score=args.min_score, kind=args.kind)
    limit = args.limit if args.limit is not None else (None if args.format == "json" else 50)
    shown = pairs if not limit else pairs.head(limit)
    group_kinds = [args.kind] if args.kind else list(GROUP_KINDS)
    groups = [g for kind in group_kinds for g in result.groups(kind, args.group_threshold)]

    if args.format == "json":
        document = {
            "agents": len(result),
            "min_score": args.min_score,
            "kind": args.kind,
            "pairs": [
                {
                    "a": row.a,
                    "b": row.b,
                    "a_name": row.a_name,
                    "b_name": row.b_name,
                    **{k: float(getattr(row, k)) for k in KINDS},
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
        json.dump(document, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0

    out = sys.stdout
    which = f"the {args.kind} score" if args.kind else "a score"
    out.write(f"{len(result)} agents; {len(pairs)} pairs where {which} reaches {args.min_score:g}\n")
    if len(shown):
        out.write(f"\n{'descr':>6}{'body':>6}{'topic':>6}{'tools':>6}  agents\n")
        for row in shown.itertuples(index=False):
            scores = "".join(f"{getattr(row, k):6.2f}" for k in KINDS)
            out.write(f"{scores}  {row.a_label}  <->  {row.b_label}\n")
        if len(shown) < len(pairs):
            out.write(f"... {len(pairs) - len(shown)} more (--limit 0 shows all)\n")
    if groups:
        out.write(f"\nGroups (linked by a score >= {args.group_threshold:g}):\n")
        for g in groups:
            span = (
                f"{g.min_score:.2f}"
                if abs(g.max_score - g.min_score) < 0.005
                else (f"{g.min_score:.2f}-{g.max_score:.2f}")
            )
            out.write(f"  {g.kind:11} {len(g):3} agents, {span}: {', '.join(g.labels)}\n")
    return 0
