"""Check the same-role verdict on agent collections it has never seen (validation only, nothing is fitted).

    python scripts/same_role/unseen.py FOLDER [FOLDER ...] [--json OUT]

Each FOLDER is one collection (for example a public MIT or Apache collection fetched for the purpose;
its files are read here and never copied into the project). Reports, through the public API:

1. within each collection: the pairs at the likely band (a collection's author rarely writes the same
   role twice, so these are mostly siblings: agents for other platforms or other stages of one workflow),
   and how many of them have names that contrast (each name has a word the other lacks);
2. every same-role group (all collections together), and the lowest pair inside each: a group shown as
   likely must not hold a pair below likely;
3. across collections: precision and recall of the likely band against labels made from the names alone
   (build_reference.role_of: the same normalised name is the same role). A rough check: names in a new
   collection use job titles the reference does not know (guru, wizard, craftsman), which count as
   different roles here although they are not.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import build_reference as br  # noqa: E402

import agentkit  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    report: dict = {"collections": {}, "groups_below_threshold": [], "cross": {}}
    collection_of: dict[str, str] = {}
    everyone = []
    for folder in args.folders:
        agents = list(agentkit.load(folder).loaded)
        everyone += agents
        for a in agents:
            collection_of[str(a.path)] = folder.name
        result = agentkit.overlap(agents)
        likely = result.pairs()
        names = list(zip(likely["a_name"], likely["b_name"], likely["same_role"].round(2), strict=True))
        report["collections"][folder.name] = {"agents": len(agents), "likely_pairs": names}
        print(f"{folder.name}: {len(agents)} agents, {len(names)} likely pairs within the collection")
        for a, b, p in names:
            print(f"    {p:.2f}  {a} <-> {b}")

    result = agentkit.overlap(everyone)
    for threshold in (0.5, 0.15):
        for group in result.groups("same_role", threshold):
            if group.min_score < threshold:
                report["groups_below_threshold"].append((threshold, group.labels, group.min_score))
    print(f"groups holding a pair below their threshold: {len(report['groups_below_threshold'])}")

    pairs = result.pairs(0.5, scores=["same_role"])
    flagged = {
        frozenset((a, b))
        for a, b in zip(pairs["a"], pairs["b"], strict=True)
        if collection_of[a] != collection_of[b]
    }
    role = {str(a.path): br.role_of(a.name, Path(a.path), "")[0] for a in everyone}
    same = {
        frozenset((str(a.path), str(b.path)))
        for a, b in combinations(everyone, 2)
        if collection_of[str(a.path)] != collection_of[str(b.path)] and role[str(a.path)] == role[str(b.path)]
    }
    hit = len(flagged & same)
    report["cross"] = {
        "flagged": len(flagged),
        "same_name_pairs": len(same),
        "precision_by_names": hit / max(len(flagged), 1),
        "recall_by_names": hit / max(len(same), 1),
    }
    print(
        f"across collections: {len(flagged)} likely pairs; against name labels: precision "
        f"{report['cross']['precision_by_names']:.3f}, recall {report['cross']['recall_by_names']:.3f} "
        f"({len(same)} pairs with the same normalised name)"
    )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
