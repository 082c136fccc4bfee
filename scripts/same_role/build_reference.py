"""Build the labelled reference set for the same-role verdict from the shared corpora.

    python scripts/same_role/build_reference.py [--corpora ../shared/corpora] [--out benchmarks/results/same_role]

A pair of agents does *the same job* when either could take the other's requests: someone holding
both would keep one. Same scope, whatever the wording or emphasis: a backend architect and a backend
developer do the same job; a Python specialist and a Django specialist do not (one's scope is a
framework inside the other's); neither do a mobile generalist and a Flutter specialist.

Labels come from the agents' names, normalised (`role_of`), then corrected by the short, reviewed
lists below (`ROLE_ALIASES`, `AGENT_ROLES`, `UNSURE`), each entry with its reason:

1. The name Claude Code shows, without a wshobson plugin prefix (`api-scaffolding-backend-architect`
   is the plugin `api-scaffolding`'s `backend-architect.md`; `llm-finetuning-architect.md` keeps its
   name), lower case, `full-stack` as `fullstack`.
2. Token synonyms (`TOKEN_SYNONYMS`: golang = go, postgresql = postgres, nodejs = node, ...) and
   phrase synonyms (`PHRASE_SYNONYMS`: machine-learning = ml, mobile-app = mobile, ...).
3. Trailing job-title words carry no scope and go (`SUFFIXES`: expert, pro, specialist, engineer,
   developer, architect, master, agent, dev), but never the last word: `backend-architect`,
   `backend-developer` -> `backend`; `architect` stays `architect`.
4. `ROLE_ALIASES`: different normalised names for the same job, decided by reading both agents.
5. `AGENT_ROLES`: single agents whose name misleads: a wshobson pipeline stage called `review`, and
   same names for different jobs (VoltAgent's `risk-manager` handles enterprise risk, the two others
   trading portfolios; its `business-analyst` gathers requirements, the two others build KPI
   dashboards).
6. A pair is labelled 1 when both roles are equal, else 0, except pairs of roles listed in `UNSURE`
   (read, and honestly borderline: left out of fitting and of every measured number).

Only pairs of agents from *different* collections are labelled (the task). Byte-identical copies of
one agent inside a collection (wshobson ships one agent in up to six plugins) are one agent: the
reference keeps the first path of each copy group and records how many copies it stands for, so a
role copied six times does not weigh six times.

How the lists were made: the name rules first; then the pairs the rules label 1 that a first model
scored lowest, and the pairs labelled 0 that it scored highest, within and across collections, were
read (descriptions, then bodies where needed) and decided one by one. Every decision is in the lists
below with its reason; everything else is the name rules.

Writes `agents.csv` (one row per corpus agent: collection, path, name, role, the rule that gave it,
copy group, how many copies a kept agent stands for) and `pairs.csv` (the labelled pairs that are
same-role or unsure, and every other pair the shipped model gives 0.05 or more, with the features
and that probability), never the corpus texts.
"""

from __future__ import annotations

import argparse
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
OUT = ROOT / "benchmarks" / "results" / "same_role"

SUFFIXES = frozenset("expert pro specialist engineer developer architect master agent dev".split())
TOKEN_SYNONYMS = {
    "golang": "go",
    "postgresql": "postgres",
    "nodejs": "node",
    "administrator": "admin",
    "db": "database",
}
PHRASE_SYNONYMS = {  # whole-word phrases, applied to the hyphenated name before suffixes go
    "machine-learning": "ml",
    "mobile-app": "mobile",
    "full-stack": "fullstack",
    "architect-review": "architect-reviewer",
    "database-optimization": "database-optimizer",
    "vector-db": "vector-database",
}

# Different normalised names, same job (read both agents): role -> the role it is the same as.
ROLE_ALIASES = {
    "accessibility-tester": ("accessibility", "WCAG audits and fixes, as the accessibility experts"),
    "market-research-analyst": ("market-researcher", "market research and competitor analysis"),
    "nextjs-app-router": ("nextjs", "Next.js apps; the App Router is current Next.js"),
    "expo-react-native": ("expo", "Expo is React Native: the same Expo apps"),
    "csharp": ("dotnet", "C# and .NET application developers cover the same code"),
    "dotnet-core": ("dotnet", "C# / .NET (Core) application developer"),
    "devops-incident-responder": ("devops-troubleshooter", "production outages: logs, root cause, fix"),
    "command": ("cli", "davepoon's command-expert builds CLI commands, as cli-developer"),
    "mcp-server": ("mcp", "builds MCP servers, as mcp-developer and mcp-expert"),
    "docs": ("documentation", "docs-architect writes software documentation from code"),
    "scientific-literature-researcher": ("academic-researcher", "searches scholarly literature"),
    "postgres-pglite": ("postgres", "lst97's postgres-pro: a PostgreSQL expert that also knows PGlite"),
}

# Agents whose name misleads, read one by one: path below the corpora -> (role, reason).
VOLT = "VoltAgent__awesome-claude-code-subagents/categories/"
AGENT_ROLES = {
    "wshobson__agents/plugins/ship-mate/agents/review.md": (
        "code-reviewer",
        "ship-mate's `review` is a pull-request code reviewer",
    ),
    "wshobson__agents/plugins/ship-mate/agents/qa.md": (
        "qa-pipeline-stage",
        "tests one story's acceptance criteria inside ship-mate's pipeline, not a QA strategist",
    ),
    "davepoon__claude-code-subagents-collection/subagents/review-agent.md": (
        "vault-review",
        "validates other agents' edits of a knowledge vault, not code review",
    ),
    VOLT + "07-specialized-domains/risk-manager.md": (
        "enterprise-risk-manager",
        "enterprise risk (operational, regulatory); the other risk-managers guard trading portfolios",
    ),
    "davepoon__claude-code-subagents-collection/subagents/business-analyst.md": (
        "business-metrics-analyst",
        "KPIs, dashboards and revenue models; VoltAgent's business-analyst gathers requirements",
    ),
    "wshobson__agents/plugins/business-analytics/agents/business-analyst.md": (
        "business-metrics-analyst",
        "KPIs, dashboards and predictive models, as davepoon's",
    ),
    VOLT + "09-meta-orchestration/context-manager.md": (
        "context-files-manager",
        "lays out the files a multi-agent workflow shares; the others engineer context and memory",
    ),
}

# Pairs of roles that are honestly borderline after reading: excluded from fitting and measuring.
UNSURE = {
    frozenset(("ui-designer", "ui-ux-designer")): "UI design vs UI and UX design",
    frozenset(("ux-designer", "ui-ux-designer")): "UX design vs UI and UX design",
    frozenset(("incident-responder", "devops-troubleshooter")): "incident response vs outage debugging",
    frozenset(("laravel", "laravel-vue")): "Laravel vs Laravel with a Vue front end",
    frozenset(("aspnet-core", "dotnet")): "ASP.NET Core vs C#/.NET",
    frozenset(("dotnet-framework-4.8", "dotnet")): "legacy .NET Framework vs current .NET",
    frozenset(("react-native", "expo")): "bare React Native vs Expo",
    frozenset(("qa", "qa-pipeline-stage")): "QA strategy vs a pipeline stage testing acceptance criteria",
    frozenset(("context-manager", "context-files-manager")): "context engineering vs shared context files",
    frozenset(("academic-research-synthesizer", "academic-researcher")): "synthesis vs search",
    frozenset(("code-review-preshipment", "code-reviewer")): "a pre-ship review of all changes",
    frozenset(("team-reviewer", "code-reviewer")): "one review dimension inside an agent team",
    frozenset(("business-metrics-analyst", "data-analyst")): "business KPIs vs data analysis",
}


@dataclass(frozen=True)
class Agent:
    collection: str
    path: str  # relative to the corpora folder
    name: str
    role: str
    group: str  # copy group: collection + sha1 of the body
    rule: str  # which rule gave the role


def _strip_plugin(name: str, path: Path) -> str:
    """wshobson names are `<plugin>-<file name>`; the plugin is the folder above `agents/`."""
    if path.parent.name == "agents" and path.parent.parent.parent.name == "plugins":
        if name == f"{path.parent.parent.name}-{path.stem}":
            return path.stem
    return name


def normalise(name: str) -> str:
    """Steps 1-3: the role a name says, before the manual lists."""
    text = name.lower().replace("_", "-").replace(" ", "-")
    for phrase, same in PHRASE_SYNONYMS.items():
        text = re.sub(rf"(?<![a-z0-9]){re.escape(phrase)}(?![a-z0-9])", same, text)
    words = [TOKEN_SYNONYMS.get(w, w) for w in text.split("-") if w]
    while len(words) > 1 and words[-1] in SUFFIXES:
        words.pop()
    return "-".join(words)


def role_of(name: str, path: Path, relative: str) -> tuple[str, str]:
    """(role, rule) of one agent."""
    if relative in AGENT_ROLES:
        return AGENT_ROLES[relative][0], "agent override"
    role = normalise(_strip_plugin(name, path))
    if role in ROLE_ALIASES and ROLE_ALIASES[role][0] != role:
        return ROLE_ALIASES[role][0], f"alias of {role}"
    return role, "name"


def load_reference(corpora: Path = CORPORA) -> list[tuple[Agent, object]]:
    """Every loaded corpus agent with its role, and the Agent object (texts stay in memory only)."""
    import agentkit

    out = []
    for agent in agentkit.load(corpora).loaded:
        relative = Path(agent.path).resolve().relative_to(corpora.resolve()).as_posix()
        collection = relative.split("/", 1)[0]
        role, rule = role_of(agent.name, Path(agent.path), relative)
        body = agent.body if isinstance(agent.body, str) else ""
        group = f"{collection}:{hashlib.sha1(body.encode('utf-8', 'surrogatepass')).hexdigest()[:12]}"
        out.append((Agent(collection, relative, agent.name, role, group, rule), agent))
    return out


def representatives(reference: Sequence[tuple[Agent, object]]) -> tuple[list[int], dict[int, int]]:
    """Positions of the first agent of each copy group, and how many copies each stands for."""
    first: dict[str, int] = {}
    copies: dict[int, int] = {}
    for x, (info, _) in enumerate(reference):
        keep = first.setdefault(info.group, x)
        copies[keep] = copies.get(keep, 0) + 1
    return sorted(first.values()), copies


def label(a: Agent, b: Agent) -> float:
    """1 same job, 0 different, nan unsure (left out)."""
    if frozenset((a.role, b.role)) in UNSURE:
        return float("nan")
    return 1.0 if a.role == b.role else 0.0


def labelled_pairs(reference: Sequence[tuple[Agent, object]]):
    """(i, j, label, within) over all pairs of representatives, i < j (positions in `reference`);
    `within` marks the pairs of one collection."""
    import numpy as np

    keep, _ = representatives(reference)
    keep = np.array(keep)
    i, j = np.triu_indices(len(keep), 1)
    i, j = keep[i], keep[j]
    collections = np.array([info.collection for info, _ in reference])
    y = np.array([label(reference[a][0], reference[b][0]) for a, b in zip(i, j, strict=True)])
    return i, j, y, collections[i] == collections[j]


def cross_pairs(reference: Sequence[tuple[Agent, object]]):
    """(i, j, label) over representatives from different collections, i < j (positions in reference)."""
    i, j, y, within = labelled_pairs(reference)
    return i[~within], j[~within], y[~within]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    import numpy as np
    import pandas as pd

    from agentkit._overlap import verdict as v

    reference = load_reference(args.corpora)
    keep, copies = representatives(reference)
    agents = pd.DataFrame([vars(info) for info, _ in reference])
    agents["copies"] = [copies.get(x, 0) for x in range(len(reference))]
    i, j, y, within = labelled_pairs(reference)
    cross = ~within
    print(
        f"{len(reference)} agents, {len(keep)} after merging copies; {int(cross.sum())} cross-collection "
        f"pairs: {int(np.nansum(y[cross]))} same role, {int(np.isnan(y[cross]).sum())} unsure; "
        f"{int(within.sum())} within collections: {int(np.nansum(y[within]))} same role, "
        f"{int(np.isnan(y[within]).sum())} unsure"
    )
    verdicts = v.SameRole([agent for _, agent in reference])
    features = verdicts.features(i, j)
    p = verdicts.model.probability(features)
    shown = (y == 1) | np.isnan(y) | (p >= 0.05)
    pairs = pd.DataFrame(
        {
            "a": [reference[x][0].path for x in i[shown]],
            "b": [reference[x][0].path for x in j[shown]],
            "a_role": [reference[x][0].role for x in i[shown]],
            "b_role": [reference[x][0].role for x in j[shown]],
            "across_collections": cross[shown],
            "label": pd.array(np.where(np.isnan(y[shown]), -1, y[shown]).astype(int)).astype(str),
            **{k: np.round(features[k][shown], 4) for k in v.FEATURES},
            "probability": np.round(p[shown], 4),
        }
    )
    pairs["label"] = pairs["label"].replace({"-1": "unsure", "1": "same", "0": "different"})
    args.out.mkdir(parents=True, exist_ok=True)
    agents.to_csv(args.out / "agents.csv", index=False)
    pairs.sort_values(["label", "probability"], ascending=[True, False]).to_csv(
        args.out / "pairs.csv", index=False
    )
    print(f"wrote {args.out / 'agents.csv'} and {args.out / 'pairs.csv'} ({len(pairs)} pairs)")


if __name__ == "__main__":
    main()
