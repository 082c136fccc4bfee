"""Same-role verdict (issue 12): calibrated P(same job) per pair, on real data.

The corpus tests skip cleanly when ../shared/corpora is absent; the others use the sample agents and
agents written here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import agentkit
from agentkit._overlap import verdict as v
from agentkit._overlap.overlap import overlap

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts" / "same_role"


def agent(name: str, description: str, body: str, tools: str | None = None) -> agentkit.Agent:
    tools_line = f"tools: {tools}\n" if tools is not None else ""
    return agentkit.loads(
        f"---\nname: {name}\ndescription: {description}\n{tools_line}---\n{body}\n", path=f"{name}.md"
    )


@pytest.fixture(scope="module")
def sample():
    return overlap(agentkit.load(ROOT / "agents"))


# -- the shipped model and its words --------------------------------------------------------------------


def test_the_shipped_model_is_small_and_agrees_with_the_module():
    model = v.shipped_model()
    assert v.MODEL_FILE.stat().st_size < 100_000
    assert (model.likely, model.possible) == (v.LIKELY, v.POSSIBLE)
    assert set(model.weights) == {"topic", "description", "name", "extra"}
    # More alike, more likely; a name made of words the other name lacks (a specialisation), less.
    assert all(model.weights[k][2] > 0 for k in ("topic", "description", "name"))
    assert model.weights["extra"][2] < 0
    assert model.documents > 500 and len(model.df["text"]) > 1000


def test_verdict_and_copy_wording():
    assert v.verdict(0.934) == "same role: likely, 0.93"
    assert v.verdict(v.LIKELY) == f"same role: likely, {v.LIKELY:.2f}"
    assert v.verdict(0.3) == "same role: possible, 0.30"
    assert v.verdict(0.01) == "same role: unlikely, 0.01"
    assert v.copy_phrase(0.76) == "verbatim copy: 0.76 of the body"
    assert v.copy_phrase(0.0) == "verbatim copy: 0.00 of the body"


def test_names_lose_their_plugin_and_titles_weigh_little():
    assert v.own_name(agent("cicd-automation-cloud-architect", "x", "y")) == "cicd-automation-cloud-architect"
    plugin = agentkit.loads(
        "---\nname: cicd-automation-cloud-architect\ndescription: d\n---\nb\n",
        path="plugins/cicd-automation/agents/cloud-architect.md",
    )
    assert v.own_name(plugin) == "cloud-architect"
    own = agentkit.loads(
        "---\nname: llm-finetuning-architect\ndescription: d\n---\nb\n",
        path="plugins/llm-finetuning/agents/llm-finetuning-architect.md",
    )
    assert v.own_name(own) == "llm-finetuning-architect"
    pair = v.same_role(
        [
            agent("backend-developer", "a", "b"),
            agent("backend-architect", "c", "d"),
            agent("backend-security-coder", "e", "f"),
            agent("mobile-security-coder", "g", "h"),
        ]
    )
    name = pair.features([0, 2], [1, 3])["name"]
    assert name[0] > 0.9  # same scope, different title
    assert name[1] < 0.6  # same title, different scope


# -- behaviour on small sets --------------------------------------------------------------------------------


def test_tools_overlap_alone_is_never_likely():
    unrelated = [
        ("sql-tuner", "Tunes slow SQL queries and database indexes.", "Index the joins; read query plans."),
        ("css-stylist", "Writes CSS layouts and animations.", "Use grid and flexbox; keep selectors flat."),
        ("k8s-operator", "Deploys and debugs Kubernetes workloads.", "Check pods, events and Helm values."),
        ("scribe", "Writes release notes from git history.", "Group commits by feature; link pull requests."),
    ]
    for tools in ("Read, Grep, Glob, Bash", None):  # the same tools, or all tools inherited
        agents = [agent(n, d, b, tools) for n, d, b in unrelated]
        result = overlap(agents)
        assert result.pairs(min_score=0.99, kind="tools", scores=("tools",))["tools"].eq(1.0).all()
        verdicts = v.same_role(result)
        i, j = np.triu_indices(len(agents), 1)
        assert (verdicts.probability(i, j) < v.POSSIBLE).all()
        assert verdicts.pairs(v.POSSIBLE).empty and verdicts.groups() == []


def test_a_renamed_copy_is_the_same_role():
    body = "Review the diff for correctness, naming, tests and security. " * 20
    verdicts = v.same_role(
        [
            agent("code-reviewer", "Reviews diffs.", body),
            agent("gatekeeper", "Checks changes before merge.", body),
        ]
    )
    p = verdicts.probability([0], [1])[0]
    assert p >= v.COPY_PROBABILITY
    row = verdicts.pairs().iloc[0]
    assert row["verdict"] == v.verdict(p) and row["copy"] == "verbatim copy: 1.00 of the body"


def test_sample_agents_group_sensibly(sample):
    verdicts = v.same_role(sample)
    labels = lambda groups: sorted(sorted(sample.labels[x] for x in g) for g in groups)  # noqa: E731
    data = ["data-analyst (data-analyst.md)", "data-analyst (legacy/sql-helper.md)"]
    # The shadowed second data analyst is likely the same job ...
    assert labels(verdicts.groups()) == [data]
    # ... the strict near-copy of the code reviewer only possibly: `code-` and `strict-reviewer` are names
    # that contrast (each has a word the other lacks, as `aws-` and `azure-infrastructure` do), so its
    # content alone has to carry it (topic 0.82, description 0.56, 0.26 of the body shared).
    assert labels(verdicts.groups(v.POSSIBLE)) == [["code-reviewer", "strict-reviewer"], data]
    assert (
        v.POSSIBLE
        <= verdicts.probability([sample.index("code-reviewer")], [sample.index("strict-reviewer")])[0]
    )
    table = verdicts.pairs(v.POSSIBLE)
    i, j, p = verdicts.scored(v.POSSIBLE)
    assert len(table) == len(i) and sorted(table["probability"]) == sorted(p)
    assert {"probability", "verdict", "copy", *v.FEATURES} <= set(table.columns)
    assert table["probability"].is_monotonic_decreasing
    assert table["verdict"].str.match(r"same role: (likely|possible), \d\.\d\d$").all()
    # Agents with different jobs are unlikely, whatever their tools.
    p = verdicts.probability([sample.index("docs-writer")], [sample.index("security-auditor")])
    assert p[0] < v.POSSIBLE


def test_a_pair_gets_the_same_verdict_alone_and_among_others(sample):
    everyone = v.same_role(sample)
    n = len(sample)
    for a, b in [(x, y) for x in range(n) for y in range(x + 1, n)]:
        alone = v.probability(sample.agents[a], sample.agents[b])
        assert alone == pytest.approx(everyone.probability([a], [b])[0], abs=1e-9)


# -- the corpora -----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def corpus(corpus_agents):
    return overlap(corpus_agents)


@pytest.fixture(scope="module")
def reference(corpora):
    sys.path.insert(0, str(SCRIPTS))
    try:
        import fit
    finally:
        sys.path.remove(str(SCRIPTS))
    return fit, fit.Reference(corpora)


def test_held_out_precision_and_recall_meet_the_goal(reference):
    """Leave one collection out: tables and regression never see the held-out collection."""
    fit, ref = reference
    pooled, per = fit.held_out(ref, fit.SPEC)
    cross = ~ref.within
    assert int(ref.y[cross].sum()) >= 300
    measured = {"pooled": fit.scores(ref.y[cross], pooled[cross], v.LIKELY, v.POSSIBLE)}
    for c in ref.collections:
        test = ref.involves(c)
        mine = cross[test]
        measured[c] = fit.scores(ref.y[test][mine], per[c][mine], v.LIKELY, v.POSSIBLE)
    for name, s in measured.items():
        assert s["likely_precision"] >= fit.GOAL_PRECISION, (name, s)
        assert s["likely_recall"] >= fit.GOAL_RECALL, (name, s)
        assert s["roc_auc"] >= 0.99, (name, s)
    # The bands the module ships are the ones the validation chooses.
    assert fit.choose_bands(ref.y[cross], pooled[cross])[:2] == (v.LIKELY, v.POSSIBLE)


def test_the_backend_versions_form_one_group(corpus):
    """Four authors' backend developer/architect (wshobson ships its version in six plugins)."""
    verdicts = v.same_role(corpus)
    family = {
        x for x, a in enumerate(corpus.agents) if a.path.stem in ("backend-developer", "backend-architect")
    }
    authors = {corpus.paths[x].split("__")[0].rsplit("/", 1)[-1] for x in family}
    assert len(family) == 9 and len(authors) == 4
    found = [set(g) for g in verdicts.groups() if family & set(g)]
    assert found == [family]
    # Alone, the four distinct versions form one group too.
    distinct = list({corpus.agents[x].body: corpus.agents[x] for x in sorted(family)}.values())
    assert len(distinct) == 4
    assert v.same_role(distinct).groups() == [[0, 1, 2, 3]]


def test_verdicts_do_not_depend_on_the_rest_of_the_set(corpus):
    verdicts = v.same_role(corpus)
    rng = np.random.default_rng(12)
    i, j = rng.integers(0, len(corpus), 300), rng.integers(0, len(corpus), 300)
    i, j = i[i != j], j[i != j]
    top = verdicts.pairs(v.POSSIBLE).head(100)
    i = np.concatenate([i, [corpus.index(a) for a in top["a"]]])
    j = np.concatenate([j, [corpus.index(b) for b in top["b"]]])
    full = verdicts.probability(i, j)
    for k in range(len(i)):
        alone = v.same_role([corpus.agents[i[k]], corpus.agents[j[k]]]).probability([0], [1])[0]
        assert alone == pytest.approx(full[k], abs=1e-9)
    for size in (5, 13):
        some = rng.choice(len(corpus), size, replace=False)
        small = v.same_role([corpus.agents[x] for x in some])
        a, b = np.triu_indices(size, 1)
        assert np.allclose(small.probability(a, b), verdicts.probability(some[a], some[b]), atol=1e-9)


def test_candidate_search_misses_no_pair(corpus, monkeypatch):
    """Above DENSE agents only candidate pairs are scored; none that reaches the floor is missed."""
    verdicts = v.same_role(corpus)
    exact = {floor: verdicts._scored(floor)[:3] for floor in (v.LIKELY, v.POSSIBLE)}
    monkeypatch.setattr(v, "DENSE", 10)
    searched = v.same_role(corpus)
    for floor, (i, j, p) in exact.items():
        ci, cj = searched.candidates(floor)
        assert len(ci) < len(corpus) ** 2 / 4
        assert set(zip(i.tolist(), j.tolist(), strict=True)) <= set(
            zip(ci.tolist(), cj.tolist(), strict=True)
        )
        si, sj, sp_, _ = searched._scored(floor)
        assert (si.tolist(), sj.tolist()) == (i.tolist(), j.tolist()) and np.allclose(sp_, p)


# -- siblings: related roles, not the same role (issue 23, item 10) ----------------------------------------

CLOUD = (
    "You design, deploy and operate infrastructure on {cloud}: pick the services for each workload, write "
    "the infrastructure as code, and keep the bill down.\n## Services\n{services}\n## Costs\n{costs}\n"
)
STAGE = (
    "You are one stage of the task workflow: tasks come from the task board, move through "
    "implementation, checking and release, and each stage updates the task's status when it is done.\n"
)
SIBLINGS = {
    "aws-infrastructure-expert": (
        "AWS infrastructure specialist: EC2, VPC, IAM, S3 and cost control with the AWS CLI.",
        CLOUD.format(
            cloud="AWS",
            services="EC2 and Auto Scaling groups, Lambda, ECS on Fargate, S3 with lifecycle rules, RDS and "
            "Aurora, VPC subnets with NAT gateways, IAM roles and policies, CloudFormation stacks or the CDK.",
            costs="Read Cost Explorer by service and tag, buy Savings Plans and Reserved Instances for steady "
            "load, move cold objects to Glacier, run batch jobs on Spot.",
        ),
    ),
    "azure-infrastructure-expert": (
        "Azure infrastructure specialist: virtual machines, VNets, Entra ID and cost control with the Azure CLI.",
        CLOUD.format(
            cloud="Azure",
            services="App Service plans, Azure Functions, AKS clusters, Blob Storage tiers, Azure SQL and "
            "Cosmos DB, VNets with private endpoints, Entra ID and managed identities, Bicep templates.",
            costs="Use Azure Cost Management budgets, Azure Reservations and the Hybrid Benefit for Windows "
            "and SQL Server licences, Advisor recommendations, dev/test pricing.",
        ),
    ),
    "gcp-infrastructure-expert": (
        "Google Cloud infrastructure specialist: Compute Engine, VPC, IAM and cost control with gcloud.",
        CLOUD.format(
            cloud="Google Cloud",
            services="Compute Engine instance groups, Cloud Run, GKE Autopilot, Cloud Storage classes, Cloud "
            "SQL and Spanner, shared VPC, service accounts and IAM conditions, Terraform or Config Connector.",
            costs="Export billing to BigQuery, rely on sustained and committed use discounts, use preemptible "
            "VMs, set quotas per project.",
        ),
    ),
    "task-executor": (
        "Implements the next task from the task board: reads its details, writes the code, marks it done.",
        STAGE + "Take the next pending task, read its description and dependencies, implement it with tests, "
        "then set its status to review.",
    ),
    "task-checker": (
        "Checks tasks marked for review: runs the tests, compares the work with the task, passes or fails it.",
        STAGE + "Take a task in review, read what it asked for, run the tests and the linters, compare the "
        "change with the requirements, then set its status to done or send it back with the reasons.",
    ),
    "feature-implementation-agent": (
        "Implements business logic, data services and API integration for a task, test first.",
        STAGE + "Write the failing test for the behaviour, then the service code, models and API calls that "
        "make it pass; keep UI concerns out.",
    ),
    "testing-implementation-agent": (
        "Writes unit and integration test suites and test utilities for a task's components and services.",
        STAGE + "Write unit tests for each function, integration tests for each service, and the fixtures "
        "and helpers the suite needs; aim the tests at the task's acceptance criteria.",
    ),
}


def sibling_agents() -> list[agentkit.Agent]:
    return [agent(name, description, body) for name, (description, body) in SIBLINGS.items()]


def test_siblings_serving_other_platforms_or_stages_are_not_the_same_role():
    """Agents for different clouds, or different stages of one workflow, are related: they share words and
    templates, but each takes requests the other does not. Their names contrast (each has a word the
    other lacks); none is likely the same role, and none is grouped."""
    verdicts = v.same_role(sibling_agents())
    i, j = np.triu_indices(len(SIBLINGS), 1)
    p = verdicts.probability(i, j)
    names = list(SIBLINGS)
    likely = [
        (names[a], names[b], round(float(q), 2)) for a, b, q in zip(i, j, p, strict=True) if q >= v.LIKELY
    ]
    assert likely == []
    assert verdicts.groups() == []
    contrast, _ = verdicts.names.contrast(i, j)
    cloud = {(a, b) for a in range(3) for b in range(a + 1, 3)}
    assert all(contrast[k] for k in range(len(i)) if (i[k], j[k]) in cloud)


def test_versions_of_one_role_under_other_job_titles_stay_likely():
    """Recall on true same-role pairs: names that differ only in job titles do not contrast."""
    body = (
        "Design and build server-side services: REST and GraphQL APIs, database schemas, caching, queues, "
        "authentication and observability. Review API contracts, write integration tests, plan migrations."
    )
    verdicts = v.same_role(
        [
            agent("backend-developer", "Builds backend services and APIs with databases and queues.", body),
            agent(
                "backend-architect",
                "Designs backend APIs, services and database schemas.",
                body.replace("Design and build", "Plan and design"),
            ),
        ]
    )
    contrast, extra = verdicts.names.contrast(np.array([0]), np.array([1]))
    assert not contrast[0] and extra[0] == 0
    assert verdicts.probability([0], [1])[0] >= v.LIKELY


def test_sibling_agents_of_one_collection_are_not_likely(corpus):
    """The corpora's sibling families: C4 diagram levels, SEO content stages, security coders by platform."""
    verdicts = v.same_role(corpus)
    families = [
        ("c4-code", "c4-component", "c4-container", "c4-context"),
        ("seo-content-auditor", "seo-content-planner", "seo-content-writer", "seo-content-refresher"),
        ("frontend-security-coder", "mobile-security-coder", "backend-security-coder"),
    ]
    for family in families:
        members = [x for x, a in enumerate(corpus.agents) if a.path.stem in family]
        bodies = {corpus.agents[x].body for x in members}
        assert len(bodies) >= len(family) - 1, family  # the family is there (copies across plugins merged)
        a, b = np.triu_indices(len(members), 1)
        pairs = [(members[x], members[y]) for x, y in zip(a, b, strict=True)]
        pairs = [(x, y) for x, y in pairs if corpus.agents[x].body != corpus.agents[y].body]
        p = verdicts.probability([x for x, _ in pairs], [y for _, y in pairs])
        assert (p < v.LIKELY).all(), [
            (corpus.labels[x], corpus.labels[y]) for (x, y), q in zip(pairs, p, strict=True) if q >= v.LIKELY
        ]


# -- groups: a group shown as likely holds no pair below likely ---------------------------------------------


def test_groups_never_show_a_pair_below_their_threshold(corpus):
    """Issue 23: groups headed "Same role (likely)" showed members at probability 0.18-0.58. Complete
    linkage: every pair inside a group reaches its threshold."""
    for threshold in (v.LIKELY, v.POSSIBLE):
        groups = corpus.groups("same_role", threshold)
        assert groups and max(len(g) for g in groups) >= 3
        for g in groups:
            assert g.min_score >= threshold - 1e-9, (threshold, g.labels, g.min_score)
            positions = [corpus.index(a) for a in g.agents]
            a, b = np.triu_indices(len(positions), 1)
            p = corpus.scores("same_role", np.array(positions)[a], np.array(positions)[b])
            assert p.min() == pytest.approx(g.min_score) and p.min() >= threshold - 1e-9


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_complete_linkage_groups_are_cliques_that_cannot_merge(data):
    """On random graphs, through scipy's linkage and through the sparse merge alike: every pair inside a
    group reaches the threshold, and no two groups (or lone agents) could merge."""
    from agentkit._overlap import groups as g

    n = data.draw(st.integers(2, 14))
    i, j = np.triu_indices(n, 1)
    p = np.array(
        data.draw(
            st.lists(st.sampled_from([0.1, 0.55, 0.6, 0.7, 0.8, 0.9, 1.0]), min_size=len(i), max_size=len(i))
        )
    )
    matrix = np.zeros((n, n))
    matrix[i, j] = matrix[j, i] = p
    for dense_up_to in (g.DENSE_COMPONENT, 0):
        g.DENSE_COMPONENT, saved = dense_up_to, g.DENSE_COMPONENT
        try:
            found = g.complete(n, i, j, p, 0.5)
        finally:
            g.DENSE_COMPONENT = saved
        clusters = [set(m) for m in found] + [{x} for x in range(n) if not any(x in m for m in found)]
        for members in found:
            assert all(matrix[a, b] >= 0.5 for a in members for b in members if a < b)
        for k, first in enumerate(clusters):
            for second in clusters[k + 1 :]:
                assert any(matrix[a, b] < 0.5 for a in first for b in second)
