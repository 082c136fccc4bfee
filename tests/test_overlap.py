"""Overlap and routing: scores, pair search, groups, passages, coverage, plots, routing, CLI.

Real-data tests use ../shared/corpora and skip when it is absent; the rest build small sets here.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest
from conftest import SAMPLE_AGENTS
from hypothesis import given, settings
from hypothesis import strategies as st

import agentkit
from agentkit._overlap.overlap import KINDS, Overlap, overlap
from agentkit._overlap.shingles import word_tokens
from agentkit._reader.claude_code import BUILTIN_TOOLS
from agentkit.live._routing.estimate import Router, conflicts, route

# -- helpers ----------------------------------------------------------------------------------------------


def agent(
    name: str, description: str, body: str, tools: str | None = None, folder: str = "mem"
) -> agentkit.Agent:
    tools_line = f"tools: {tools}\n" if tools is not None else ""
    text = f"---\nname: {name}\ndescription: {description}\n{tools_line}---\n{body}"
    return agentkit.loads(text, f"{folder}/{name}.md")


def shingle_set(body: str) -> set[tuple[bytes, ...]]:
    """Reference word 5-shingles with plain Python sets (independent of the hashing/sparse path)."""
    words = word_tokens(body)
    if len(words) < 5:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 5]) for i in range(len(words) - 4)}


def jaccard(x: set, y: set) -> float:
    return len(x & y) / len(x | y) if x | y else 0.0


def collection(a: agentkit.Agent) -> str:
    parts = Path(a.path).parts
    return parts[parts.index("corpora") + 1]


# Five takes on one role (web accessibility review), written independently: few shared phrases.
VARIANTS = {
    "a11y-auditor": (
        "Audits web interfaces for accessibility problems against WCAG 2.2 and reports fixes.",
        "Read, Grep, Glob",
        """You audit web front ends for accessibility. Work through the interface the way a disabled person
would meet it, and compare what you find with WCAG 2.2 level AA.

## What to check
- Every image has a text alternative; decorative images are hidden from assistive technology.
- Colour contrast reaches 4.5:1 for body text and 3:1 for large text and interface controls.
- Everything works with a keyboard alone: tab order follows the reading order, focus is always visible,
  and nothing traps the focus.
- Forms: each input has a programmatic label, errors are announced and explained in words.
- ARIA is used only where native HTML cannot express the role, and roles, states and properties are valid.
- Headings form an outline; landmarks (main, nav, banner) let screen reader users jump around.
- Motion and flashing respect prefers-reduced-motion; no content flashes more than three times a second.

## How to report
List each barrier with the WCAG success criterion it fails, who it affects (screen reader users,
keyboard users, people with low vision), the exact element, and a code fix. Order findings by impact.
""",
    ),
    "accessibility-reviewer": (
        "Reviews UI code so people using screen readers, keyboards or magnifiers can use the product.",
        None,
        """Your job is making sure the product can be used by everyone, including people who rely on screen
readers such as NVDA, JAWS and VoiceOver, people who cannot use a mouse, and people with low vision or
colour blindness.

When you review a component:
1. Read the markup. Prefer semantic elements (button, nav, label, table headers) over div soup.
2. Try the keyboard path: can you reach, operate and leave every control? Is the focus indicator visible?
3. Check names and roles: icon buttons need an accessible name, custom widgets need correct aria roles
   and aria-expanded / aria-selected states.
4. Measure text and icon contrast ratios and flag anything under the WCAG AA thresholds.
5. Look at dynamic content: live regions for toasts and errors, focus management when dialogs open and close.
6. Check zoom to 200 percent and reflow at 320 CSS pixels without horizontal scrolling.

Explain every issue plainly, cite the WCAG criterion, and show the corrected code. Mention the automated
tools that can catch it next time (axe-core, Lighthouse, pa11y) but never rely on them alone.
""",
    ),
    "inclusive-design-checker": (
        "Checks designs and components for inclusive, accessible interaction (contrast, focus, assistive tech).",
        "Read, Edit",
        """You are an inclusive design reviewer. Screens and components reach you before release and you decide
whether disabled users can complete the task.

Keyboard and focus: tab through the page. Focus order must be logical, the focus ring clearly visible,
skip links present, modal dialogs must trap and then restore focus.

Screen readers: every control needs an accessible name and role. Alt text describes the purpose of an
image, not its pixels. Announce status changes with aria-live. Tables need header cells.

Vision: contrast ratio of at least 4.5 to 1 for normal text; never use colour as the only way to convey
meaning; text must stay readable when zoomed.

Cognition and motion: clear error messages next to the field, consistent navigation, no autoplaying
animation without a pause control, honour reduced motion settings.

Conformance: map each finding to WCAG success criteria (A, AA) and rate severity as blocker, major or
minor. Suggest the smallest change to markup or CSS that removes the barrier.
""",
    ),
    "wcag-compliance": (
        "WCAG conformance specialist; use for accessibility audits, VPAT prep and remediation plans.",
        None,
        """Act as a WCAG conformance analyst. You assess pages and apps for conformance with WCAG 2.1 and 2.2
at level AA, prepare evidence for a VPAT or accessibility statement, and plan remediation.

Method
- Perceivable: text alternatives for non-text content, captions and transcripts for media, sufficient
  contrast, content that adapts to zoom and reflow.
- Operable: full keyboard operability, visible focus, no keyboard traps, enough time, no seizure-inducing
  flashes, descriptive page titles and link text.
- Understandable: language of page set, predictable behaviour, input labels and instructions, error
  identification and suggestions.
- Robust: valid name, role, value for every user interface component so assistive technologies such
  as screen readers interpret it.

Test with a screen reader and keyboard only, then confirm with automated checkers like axe.
Deliver a table of failures: criterion number, level, location, impact on users, recommended fix,
and effort. Retest after fixes and record the conformance level reached.
""",
    ),
    "screen-reader-tester": (
        "Tests apps with screen readers and keyboard-only navigation and files accessibility bugs.",
        "Read, Bash",
        """You test software the way blind and low-vision users experience it. Turn on VoiceOver, NVDA or
TalkBack and complete the main user journeys without looking at the screen and without a mouse.

During each journey note:
* what the screen reader announces for each control (name, role, state) and whether it makes sense;
* focus jumps, lost focus after a dialog closes, or elements that cannot be reached by tabbing;
* images announced as file names because alt text is missing;
* form fields without labels, and validation errors that are shown visually but never announced;
* headings and landmarks that are missing, so navigation by heading is impossible;
* low contrast text and content that breaks when magnified.

File one bug per barrier with steps to reproduce, the screen reader and browser used, expected versus
actual announcement, the WCAG criterion, and a suggested ARIA or HTML fix. Retest each fix with the
same assistive technology before closing the bug.
""",
    ),
}


def variant_agents(folder: str = "variants") -> list[agentkit.Agent]:
    return [agent(name, d, body, tools, folder) for name, (d, tools, body) in VARIANTS.items()]


def write_agents(folder: Path, agents: list[agentkit.Agent]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for a in agents:
        (folder / Path(a.path).name).write_text(a.text, encoding="utf-8")


@pytest.fixture(scope="module")
def corpus(corpus_agents) -> Overlap:
    return overlap(corpus_agents)


# -- body: exact Jaccard of word 5-shingles ---------------------------------------------------------------


def test_word_tokens_split_on_punctuation_and_fold_ascii_case():
    assert word_tokens("Hello, World! snake_case x2 — em–dash “quoted” naïve") == [
        b"hello",
        b"world",
        b"snake_case",
        b"x2",
        b"em",
        b"dash",
        b"quoted",
        "naïve".encode(),
    ]
    assert word_tokens("**Bold** `code()` ## Heading\n- item") == [b"bold", b"code", b"heading", b"item"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from("alpha beta gamma delta eps zeta eta theta".split()), min_size=0, max_size=40
        ),
        min_size=2,
        max_size=7,
    )
)
def test_body_score_is_the_exact_jaccard_of_shingle_sets(word_lists):
    bodies = [" ".join(words) + "\n" for words in word_lists]
    agents = [agent(f"a{k}", "Does things.", body) for k, body in enumerate(bodies)]
    result = overlap(agents)
    sets = [shingle_set(b) for b in bodies]
    i, j = np.triu_indices(len(agents), 1)
    expected = np.array([jaccard(sets[x], sets[y]) for x, y in zip(i, j, strict=True)])
    assert np.allclose(result.scores("body", i, j), expected, atol=1e-12)
    # The thresholded search finds exactly the pairs at or above the threshold.
    found = result.pairs(min_score=0.5, kind="body", scores=("body",))
    listed = {(result.index(a), result.index(b)) for a, b in zip(found["a"], found["b"], strict=True)}
    assert listed == {(x, y) for x, y, v in zip(i, j, expected, strict=True) if v >= 0.5}


def test_body_score_matches_python_sets_on_real_pairs(corpus):
    rng = np.random.default_rng(0)
    top = corpus.pairs(min_score=0.3, kind="body", scores=("body",))
    pairs = [(corpus.index(a), corpus.index(b)) for a, b in zip(top["a"][:60], top["b"][:60], strict=True)]
    pairs += [tuple(rng.choice(len(corpus), 2, replace=False)) for _ in range(140)]
    i, j = np.array(pairs).T
    sets = {x: shingle_set(corpus.agents[x].body) for x in set(i) | set(j)}
    expected = [jaccard(sets[x], sets[y]) for x, y in pairs]
    assert np.abs(corpus.scores("body", i, j) - expected).max() <= 1e-9  # exact (the bar is 0.05)


def test_identical_bodies_in_the_corpora_score_one_and_group_together(corpus):
    by_hash = defaultdict(list)
    for x, a in enumerate(corpus.agents):
        by_hash[hashlib.sha256(a.body.encode("utf-8", "surrogatepass")).hexdigest()].append(x)
    truth = [members for members in by_hash.values() if len(members) > 1]
    assert len(truth) >= 25  # about 30 groups in wshobson__agents alone
    found = corpus.pairs(min_score=1.0, kind="body", scores=("body",))
    listed = {
        frozenset((corpus.index(a), corpus.index(b))) for a, b in zip(found["a"], found["b"], strict=True)
    }
    groups = corpus.groups("body", 1.0)
    group_of = {corpus.index(a): k for k, g in enumerate(groups) for a in g.agents}
    for members in truth:
        for x, y in combinations(members, 2):
            assert frozenset((x, y)) in listed
        assert len({group_of.get(x) for x in members}) == 1 and group_of.get(members[0]) is not None
        assert groups[group_of[members[0]]].min_score == 1.0


def test_reordered_near_copy_is_the_closest_body_after_an_exact_copy(corpus_agents, tmp_path):
    counts = defaultdict(int)
    for a in corpus_agents.loaded:
        counts[a.body] += 1
    original = next(
        a
        for a in sorted(corpus_agents.loaded, key=lambda a: str(a.path))
        if counts[a.body] == 1 and len(re.findall(r"^## ", a.body, re.M)) >= 4 and len(a.body) > 2500
    )
    head, *sections = re.split(r"(?m)^(?=## )", original.body)
    text = original.text
    front = text[: len(text) - len(original.body)]
    (tmp_path / "exact-copy.md").write_text(text, encoding="utf-8")
    (tmp_path / "reordered-copy.md").write_text(front + head + "".join(reversed(sections)), encoding="utf-8")
    planted = list(agentkit.load(tmp_path))
    result = overlap(list(corpus_agents) + planted)
    ranking = result.neighbours(original, "body", top=3)
    assert [Path(p).name for p in ranking["path"][:2]] == ["exact-copy.md", "reordered-copy.md"]
    assert ranking["score"][0] == 1.0
    assert 0.9 < ranking["score"][1] < 1.0
    assert ranking["score"][1] - ranking["score"][2] > 0.3  # and well clear of anything else

    # Its shared passages point at the right lines of both files.
    reordered = planted[[Path(a.path).name for a in planted].index("reordered-copy.md")]
    passages = result.passages(original, reordered)
    assert len(passages) >= len(sections)
    lines_a = original.text.splitlines()
    lines_b = reordered.text.splitlines()
    covered = 0
    for p in passages:
        words = word_tokens(p.text)
        assert len(words) == p.words >= 5
        for lines, (first, last) in ((lines_a, p.a_lines), (lines_b, p.b_lines)):
            segment = word_tokens("\n".join(lines[first - 1 : last]))
            assert words[0] in word_tokens(lines[first - 1]) and words[-1] in word_tokens(lines[last - 1])
            assert any(segment[k : k + len(words)] == words for k in range(len(segment) - len(words) + 1))
        covered += p.words
    assert covered >= 0.9 * len(word_tokens(original.body))


# -- description: copies between collections --------------------------------------------------------------


def test_descriptions_copied_between_collections_score_high(corpus):
    def norm(text):
        return re.sub(r"\s+", " ", text).strip().lower()

    by_text = defaultdict(list)
    for x, a in enumerate(corpus.agents):
        if isinstance(a.description, str) and a.description.strip():
            by_text[norm(a.description)].append(x)
    truth = [
        (x, y)
        for members in by_text.values()
        for x, y in combinations(members, 2)
        if collection(corpus.agents[x]) != collection(corpus.agents[y])
    ]
    assert len(truth) >= 5  # davepoon copies from wshobson, lst97 from wshobson
    found = corpus.pairs(min_score=0.9, kind="description")
    listed = {
        frozenset((corpus.index(a), corpus.index(b))) for a, b in zip(found["a"], found["b"], strict=True)
    }
    for x, y in truth:
        assert corpus.score("description", x, y) >= 0.99
        assert frozenset((x, y)) in listed


# -- topic ------------------------------------------------------------------------------------------------


def test_topic_neighbours_share_the_role(corpus):
    body = corpus.matrix("body").to_numpy()
    topic = corpus.matrix("topic").to_numpy()
    stems = [Path(a.path).stem for a in corpus.agents]
    roles = [
        "python",
        "rust",
        "golang",
        "kubernetes",
        "terraform",
        "graphql",
        "security",
        "backend",
        "java",
        "debug",
        "mobile",
    ]
    hits = total = 0
    for role in roles:
        for x in [x for x, s in enumerate(stems) if role in s]:
            row = topic[x].copy()
            row[x] = -1
            row[body[x] >= 0.9] = -1  # copies of itself would make this trivial
            top = np.argsort(-row)[:5]
            hits += any(role in stems[y] for y in top)
            total += 1
    assert total >= 60
    assert hits / total >= 0.8

    backend = corpus.neighbours("backend-developer", "topic", top=8)
    assert sum("backend" in name for name in backend["name"]) >= 3


def test_variants_of_one_role_are_each_others_topic_neighbours(corpus_agents):
    unrelated = re.compile(
        r"access|a11y|wcag|ui|ux|front|design|screen|test|qa|css|react|vue|angular|web|"
        r"mobile|html|inclusive|review",
        re.I,
    )
    seen = set()
    pool = []
    for a in sorted(corpus_agents.loaded, key=lambda a: str(a.path)):
        if a.body in seen or unrelated.search(Path(a.path).stem) or unrelated.search(a.description or ""):
            continue
        seen.add(a.body)
        pool.append(a)
    others = pool[:: max(1, len(pool) // 60)][:60]
    assert len(others) == 60
    variants = variant_agents()
    result = overlap(others + variants)
    for v in variants:
        closest = result.neighbours(v, "topic", top=4)
        mates = sum(p.startswith("variants/") for p in closest["path"])
        assert mates >= 3, (v.name, closest[["label", "score"]].to_string())


def test_topic_ignores_generic_agent_prose():
    generic = (
        "You are an expert specialist. Ensure best practices and provide comprehensive, high quality work."
    )
    a = agent("pg", "Tunes PostgreSQL.", f"{generic}\nTune PostgreSQL indexes, vacuum and query plans.")
    b = agent("css", "Styles pages.", f"{generic}\nWrite CSS grid layouts, flexbox and animations.")
    c = agent("db", "Tunes databases.", "Analyse slow PostgreSQL query plans and add the missing indexes.")
    result = overlap([a, b, c])
    assert result.score("topic", "pg", "db") > result.score("topic", "pg", "css")
    assert result.score("topic", "pg", "css") < 0.05


# -- tools ------------------------------------------------------------------------------------------------


def test_tools_jaccard_treats_missing_tools_as_all_tools():
    agents = [
        agent("inherit-1", "d", "x"),
        agent("inherit-2", "d", "x"),
        agent("star", "d", "x", "'*'"),
        agent("read-grep", "d", "x", "Read, Grep"),
        agent("read", "d", "x", "Read"),
        agent("none-1", "d", "x", "[]"),
        agent("none-2", "d", "x", "[]"),
        agent("mcp", "d", "x", "Read, mcp__github__create_issue"),
    ]
    result = overlap(agents)
    everything = len(set(BUILTIN_TOOLS) | {"mcp__github__create_issue"})
    assert result.score("tools", "inherit-1", "inherit-2") == 1.0
    assert result.score("tools", "inherit-1", "star") == 1.0
    assert result.score("tools", "read-grep", "read") == 0.5
    assert result.score("tools", "inherit-1", "read") == pytest.approx(1 / everything)
    assert result.score("tools", "none-1", "none-2") == 1.0
    assert result.score("tools", "none-1", "read") == 0.0
    assert result.score("tools", "mcp", "inherit-1") == pytest.approx(2 / everything)


# -- pairs, matrix, groups --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind,threshold", [("description", 0.35), ("body", 0.2), ("topic", 0.4), ("tools", 0.8)]
)
def test_thresholded_pair_search_agrees_with_the_dense_matrix(corpus, kind, threshold):
    dense = corpus.matrix(kind).to_numpy()
    assert dense.shape == (len(corpus), len(corpus))
    assert np.allclose(dense, dense.T) and np.all(np.diag(dense) == 1.0)
    assert dense.min() >= 0.0 and dense.max() <= 1.0
    found = corpus.pairs(min_score=threshold, kind=kind, scores=(kind,))
    listed = {(corpus.index(a), corpus.index(b)) for a, b in zip(found["a"], found["b"], strict=True)}
    i, j = np.triu_indices(len(corpus), 1)
    sure = {(x, y) for x, y in zip(i, j, strict=True) if dense[x, y] >= threshold + 1e-9}
    maybe = {(x, y) for x, y in zip(i, j, strict=True) if dense[x, y] >= threshold - 1e-9}
    assert sure <= listed <= maybe
    assert np.allclose(
        found[kind].to_numpy(),
        [dense[corpus.index(a), corpus.index(b)] for a, b in zip(found["a"], found["b"], strict=True)],
    )


def test_pairs_lists_the_pairs_whose_chosen_score_reaches_min_score():
    agents = variant_agents() + [agent("a11y-copy", VARIANTS["a11y-auditor"][0], VARIANTS["a11y-auditor"][2])]
    result = overlap(agents)
    every = result.pairs(min_score=0)
    assert len(every) == len(agents) * (len(agents) - 1) // 2
    assert list(every.columns) == [
        *["a", "b", "a_name", "b_name", "a_label", "b_label"],
        *["same_role", "verdict", "description", "routing", "body", "copy", "topic", "tools"],
    ]
    numbers = ["same_role", *KINDS]
    assert ((every[numbers] >= 0) & (every[numbers] <= 1)).all().all()
    assert list(every["same_role"]) == sorted(every["same_role"], reverse=True)  # most likely first
    for kind in ("same_role", "body", "description", "topic"):
        for threshold in (0.2, 0.5):
            some = result.pairs(min_score=threshold, kind=kind, scores=[kind])
            assert list(some.columns)[6] == kind and set(some.columns) <= set(every.columns)
            expected = every[every[kind] >= threshold - 1e-9]
            assert set(zip(some["a"], some["b"], strict=True)) == set(
                zip(expected["a"], expected["b"], strict=True)
            ), (kind, threshold)
    # The default lists the pairs that possibly do the same job: tools overlap alone lists nothing.
    default = result.pairs()
    assert set(zip(default["a"], default["b"], strict=True)) == set(
        zip(*every[every["same_role"] >= 0.15][["a", "b"]].values.T, strict=True)
    )
    assert every.iloc[0][["a_name", "b_name"]].tolist() in (
        ["a11y-auditor", "a11y-copy"],
        ["a11y-copy", "a11y-auditor"],
    )
    assert every.iloc[0]["verdict"] == f"same role: likely, {every.iloc[0]['same_role']:.2f}"
    assert every.iloc[0]["copy"] == "verbatim copy: 1.00 of the body"


def test_tools_overlap_alone_never_lists_a_pair():
    same_tools = [
        agent("sql-tuner", "Tunes slow SQL queries. Use for database performance.", "Index the slow joins."),
        agent("poet", "Writes sonnets about the sea. Use for poems.", "Rhyme, metre and imagery."),
    ]
    result = overlap(same_tools)
    assert result.score("tools", 0, 1) == 1.0  # both inherit every tool
    assert result.pairs().empty and result.groups() == []


def test_groups_report_min_and_max_over_their_pairs():
    base = VARIANTS["a11y-auditor"][2]
    lines = base.splitlines()
    agents = [
        agent("one", "d", base),
        agent("two", "d", base),
        agent("three", "d", "\n".join(lines[:-3]) + "\n"),  # loses its last lines
        agent("other", "d", VARIANTS["wcag-compliance"][2]),
    ]
    result = overlap(agents)
    groups = result.groups("body", 0.6)
    assert len(groups) == 1
    group = groups[0]
    assert sorted(group.labels) == ["one", "three", "two"]
    assert group.max_score == 1.0
    expected = result.score("body", "one", "three")
    assert group.min_score == pytest.approx(expected) and expected < 1.0


# -- coverage ---------------------------------------------------------------------------------------------


def test_coverage_shows_what_each_agent_covers_and_misses():
    family = [
        agent(
            "a",
            "d",
            "## Testing\nWrite unit tests first.\n## Security\nValidate every input.\n"
            "## Performance\nProfile before optimizing.\n",
        ),
        agent(
            "b",
            "d",
            "## Testing strategy\nTests run in CI.\n## Security\nRotate secrets.\n"
            "Mind the performance of hot loops.\n",
        ),
        agent("c", "d", "## Deployment\nShip with blue green releases.\n## Monitoring\nAlert on errors.\n"),
        agent("d", "d", "## Deployment\nRoll back quickly.\n## Performance\nCache responses.\n"),
    ]
    table = overlap(family).coverage()
    assert list(table.columns) == ["a", "b", "c", "d"]
    assert table.loc["testing"].tolist() == [2, 2, 0, 0]
    assert table.loc["security"].tolist() == [2, 2, 0, 0]
    assert table.loc["performance"].tolist() == [2, 1, 0, 2]
    assert table.loc["deployment"].tolist() == [0, 0, 2, 2]
    assert set(np.unique(table.to_numpy())) <= {0, 1, 2}


def test_coverage_of_a_real_family(corpus):
    family = [label for label in corpus.labels if re.search(r"backend-(developer|architect)", label)]
    table = corpus.coverage(family)
    assert list(table.columns) == family and len(table) >= 5
    assert (table.to_numpy() > 0).any(axis=1).all()  # every topic is covered by someone


# -- plots ------------------------------------------------------------------------------------------------


def test_heatmap_and_dendrogram_return_figures():
    from matplotlib.figure import Figure

    result = overlap(
        variant_agents() + [agent("sql", "Tunes SQL.", "Index the slow joins and rewrite queries.")]
    )
    for figure in (result.heatmap("topic"), result.dendrogram("body"), result.heatmap("description")):
        assert isinstance(figure, Figure) and figure.axes
        png = io.BytesIO()
        figure.savefig(png, format="png")
        assert png.getvalue().startswith(b"\x89PNG")
    # Clustered: the five variants end up next to each other, the SQL agent at an end.
    order = [t.get_text() for t in result.heatmap("topic").axes[0].get_xticklabels()]
    assert order.index("sql") in (0, len(order) - 1)


# -- routing ----------------------------------------------------------------------------------------------

ROUTING = [
    agent("sql-tuner", "Tunes slow SQL queries and database indexes in PostgreSQL and MySQL.", "x"),
    agent("css-stylist", "Writes CSS layouts, animations and responsive styles for web pages.", "x"),
    agent("k8s-operator", "Deploys and debugs Kubernetes workloads, Helm charts and manifests.", "x"),
    # Near-identical descriptions under names that do not tell them apart: a coin toss for Claude.
    agent("scribe", "Writes release notes and changelogs from git history.", "x"),
    agent("chronicler", "Writes changelogs and release notes from the git history.", "x"),
]


@pytest.mark.parametrize(
    "request_text,expected",
    [
        ("this postgres query is slow, can you add an index?", "sql-tuner"),
        ("center this div with flexbox and add a fade animation", "css-stylist"),
        ("my helm chart fails to deploy the pod", "k8s-operator"),
    ],
)
def test_route_ranks_the_obvious_agent_first(request_text, expected):
    ranked = route(ROUTING, request_text)
    assert list(ranked.columns) == ["name", "path", "score", "rank"]
    assert ranked["name"][0] == expected and ranked["rank"].tolist() == list(range(1, len(ranked) + 1))
    assert ranked["score"][0] > ranked["score"][1]
    assert agentkit.route(ROUTING, request_text, top=1)["name"].tolist() == [expected]


@pytest.mark.parametrize(
    "request_text,word",
    [
        ("Tune this slow PostgreSQL query", "postgres"),
        ("Our Terraform plan fails with a state lock error", "terraform"),
        ("Design a GraphQL schema for our API", "graphql"),
        ("Optimize my Rust code using async tokio", "rust"),
        ("Set up Stripe subscriptions and payments", "stripe|payment"),
    ],
)
def test_route_on_the_corpora(corpus_agents, request_text, word):
    router = Router(corpus_agents)
    assert re.search(word, route(router, request_text, top=1)["name"][0])


def test_conflicts_flag_requests_two_near_identical_descriptions_claim():
    found = conflicts(ROUTING, ["write the release notes for v2 from git", "tune this slow sql query"])
    assert found["request"].tolist() == ["write the release notes for v2 from git"]
    assert sorted(found["agents"][0]) == ["chronicler", "scribe"]
    scores = found["scores"][0]
    assert len(scores) == 2 and scores[0] >= scores[1] >= 0.95 * scores[0]
    assert conflicts(ROUTING[:4], ["write the release notes for v2 from git"]).empty


def test_description_score_flags_the_same_competitors():
    result = overlap(ROUTING)
    top = result.pairs(min_score=0.6, kind="description")
    assert {frozenset((a, b)) for a, b in zip(top["a_name"], top["b_name"], strict=True)} == {
        frozenset(("scribe", "chronicler"))
    }


# -- CLI --------------------------------------------------------------------------------------------------


def run_cli(capsys, *argv: str) -> tuple[int, str]:
    from agentkit.cli import main

    code = main(["overlap", *argv])
    return code, capsys.readouterr().out


def test_cli_json_shape_and_min_score_semantics(tmp_path, capsys):
    agents = variant_agents() + [
        agent("a11y-copy", VARIANTS["a11y-auditor"][0], VARIANTS["a11y-auditor"][2]),
        agent("sql-tuner", "Tunes SQL.", "Index the slow joins. Rewrite the queries."),
    ]
    write_agents(tmp_path, agents)
    code, out = run_cli(capsys, str(tmp_path), "--format", "json", "--min-score", "0")
    assert code == 0
    document = json.loads(out)
    assert {"pairs", "groups", "agents", "kind"} <= set(document) and document["kind"] == "same_role"
    every = document["pairs"]
    assert len(every) == len(agents) * (len(agents) - 1) // 2
    for pair in every:
        assert {"a", "b", "same_role", "verdict", "routing", "copy", *KINDS} <= set(pair)
        assert Path(pair["a"]).exists() and Path(pair["b"]).exists()
        assert all(0.0 <= pair[k] <= 1.0 for k in ("same_role", *KINDS))
        assert pair["verdict"].startswith("same role: ") and pair["verdict"].endswith(
            f"{pair['same_role']:.2f}"
        )

    def key(pair):
        return frozenset((pair["a"], pair["b"]))

    for threshold in ("0.3", "0.6"):
        _, out = run_cli(capsys, str(tmp_path), "--format", "json", "--min-score", threshold)
        listed = {key(p) for p in json.loads(out)["pairs"]}
        assert listed == {key(p) for p in every if p["same_role"] >= float(threshold)}
        _, out = run_cli(
            capsys, str(tmp_path), "--format", "json", "--min-score", threshold, "--kind", "body"
        )
        document = json.loads(out)
        assert {key(p) for p in document["pairs"]} == {key(p) for p in every if p["body"] >= float(threshold)}
        assert all(set(p) == {"a", "b", "a_name", "b_name", "body", "copy"} for p in document["pairs"])
        assert all(g["kind"] == "body" for g in document["groups"])

    groups = json.loads(run_cli(capsys, str(tmp_path), "--format", "json")[1])["groups"]
    copies = [
        g for g in groups if sorted(Path(p).name for p in g["agents"]) == ["a11y-auditor.md", "a11y-copy.md"]
    ]
    assert len(copies) == 1 and copies[0]["kind"] == "same_role" and copies[0]["min_score"] >= 0.99
    assert copies[0]["keep"] in copies[0]["names"] and "Keep " in copies[0]["guidance"]


def test_cli_table_says_what_the_numbers_mean(tmp_path, capsys):
    write_agents(tmp_path, variant_agents())
    code, out = run_cli(capsys, str(tmp_path), "--min-score", "0.001")
    assert code == 0 and out.startswith("5 agents: ") and "<->" in out
    assert "same role: " in out and "verdict: a calibrated probability" in out
    code, _ = run_cli(capsys, str(tmp_path / "missing"))
    assert code == 2
    for bad in (["--min-score", "nan"], ["--min-score", "2"], ["--limit", "-5"], ["--kind", "nope"]):
        assert run_cli(capsys, str(tmp_path), *bad)[0] == 2, bad


# -- merge guidance ----------------------------------------------------------------------------------------


def test_merge_guidance_says_what_each_version_adds() -> None:
    agents = agentkit.load(SAMPLE_AGENTS)
    trio = ["code-reviewer", "pr-review-helper", "strict-reviewer"]
    guide = agentkit.overlap(agents).merge_guidance(trio)
    members = guide.members.set_index("label")
    assert list(members.index) == trio
    # pr-review-helper is organised differently: its sections are what the others lack.
    assert "gather context" in members.at["pr-review-helper", "only_sections"]
    assert members.at["strict-reviewer", "only_tools"] == ["(all tools)"]  # it inherits every tool
    assert members.at["code-reviewer", "tools"] == "Read, Grep, Glob, Bash"
    assert guide.keep in trio and members.at[guide.keep, "topics_covered"] == members["topics_covered"].max()
    # Every pair is rated; the scores are the overlap's description scores.
    result = agentkit.overlap(agents)
    assert len(guide.competing) == 3
    for row in guide.competing.itertuples():
        assert row.description == pytest.approx(result.score("description", row.a, row.b))
    assert "From pr-review-helper, carry over what code-reviewer does not say:" in guide.summary()


def test_merge_guidance_quotes_whole_sentences_or_list_items_of_the_source(corpus) -> None:
    """Issue 23: "carry over" listed loose words ("carry over before implementing i check taskmaster task
    for research context"). Each passage is quoted whole, as the member's file writes it (list items with
    their continuation lines), and says something the kept version does not."""
    from agentkit._overlap.guidance import passages_of

    samples = agentkit.overlap(agentkit.load(SAMPLE_AGENTS))
    guide = samples.merge_guidance(["data-analyst (data-analyst.md)", "data-analyst (legacy/sql-helper.md)"])
    assert guide.keep == "data-analyst (data-analyst.md)"
    helper = guide.members.set_index("label").at["data-analyst (legacy/sql-helper.md)", "carry_over"]
    assert (
        "Dates are stored in UTC. Convert with `CONVERT_TZ(created_at, '+00:00', 'Europe/Berlin')` when the user asks for local days."
        in helper
    )
    lines = guide.summary().splitlines()
    assert (
        lines[1]
        == "From data-analyst (legacy/sql-helper.md), carry over what data-analyst (data-analyst.md) does not say:"
    )
    assert lines[2] == f'  "{helper[0]}"'
    # On the real families: every quote is one whole passage of its member, never a bag of words.
    checked = 0
    for group in corpus.groups()[:40]:
        guide = corpus.merge_guidance(group.agents)
        for row in guide.members.itertuples(index=False):
            member = corpus.agents[corpus.index(row.label)]
            whole = passages_of(member.body)
            for quote in row.carry_over:
                assert quote in whole and len(quote.split()) >= 5, (row.label, quote)
                assert f'  "{quote}"' in guide.summary().splitlines()
                checked += 1
    assert checked >= 30
    # Nothing to quote: said so.
    twins = agentkit.overlap(
        [
            agent("a", "Tunes SQL.", "Index the slow joins.\n"),
            agent("b", "Tunes SQL.", "Index the slow joins.\n"),
        ]
    )
    assert (
        twins.merge_guidance(["a", "b"]).summary().splitlines()[1]
        == "The other version says nothing that a lacks."
    )


def test_passages_are_whole_sentences_and_list_items() -> None:
    from agentkit._overlap.guidance import passages_of

    body = (
        "# Title\nFirst sentence here. Second one follows! A third?\n\n- an item that goes\n  on to a second line\n"
        "1. numbered item\n```\ncode is left out\n```\n| a | table |\n> a quote\nLast paragraph line one\nline two.\n"
    )
    assert passages_of(body) == [
        "First sentence here.",
        "Second one follows!",
        "A third?",
        "an item that goes on to a second line",
        "numbered item",
        "Last paragraph line one line two.",
    ]


def test_merge_guidance_needs_two_agents() -> None:
    result = agentkit.overlap(agentkit.load(SAMPLE_AGENTS))
    with pytest.raises(ValueError, match="at least two"):
        result.merge_guidance(["code-reviewer"])


def test_the_stop_words_are_scikit_learns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from agentkit.live._routing.estimate import ENGLISH_STOP_WORDS as ours

    assert ours == frozenset(ENGLISH_STOP_WORDS)


def test_body_scores_of_many_pairs_match_pair_by_pair(corpus_agents) -> None:
    # Past MANY_PAIRS, body scores are read off block products: exact, as pair by pair.
    from agentkit._overlap import score_body, search

    result = overlap(corpus_agents)
    rng = np.random.default_rng(3)
    n = len(result)
    i, j = rng.integers(0, n, 30_000), rng.integers(0, n, 30_000)
    found = result.scores("body", i, j)
    counts = result.scorer("body").counts
    inter = search.rowwise_dot(result.shingles, i, j)
    union = counts[i] + counts[j] - inter
    expected = np.divide(inter, union, out=np.zeros(len(i)), where=union > 0)
    assert len(i) > score_body.MANY_PAIRS and np.array_equal(found, expected)
    assert (found > 0).sum() > 100 and (found[i == j] == 1).all()


# -- limits: what would not fit in bounded memory is refused up front, with what to do instead --------------

GOOD = "---\nname: {name}\ndescription: Does {name} things. Use when {name} is needed.\n---\nYou do {name}.\n"


def cli(capsys, *args: str) -> tuple[int, str, str]:
    from agentkit.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def one_line_error(err: str) -> bool:
    return "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.fixture
def many_agents(tmp_path: Path) -> Path:
    for index in range(40):
        tools = "" if index % 2 else "tools: Read, Grep\n"
        text = GOOD.format(name=f"agent{index}").replace("---\nYou", f"{tools}---\nYou") + f"Topic {index}.\n"
        (tmp_path / f"a{index:02d}.md").write_text(text)
    return tmp_path


def test_overlap_refuses_up_front_with_what_it_would_need(many_agents, monkeypatch, capsys) -> None:
    from agentkit._overlap import score_description, score_same_role, search

    result = agentkit.overlap(agentkit.load(many_agents))
    tools = result.scorer("tools")
    assert tools.pair_count(0.5) == len(tools.search(0.5)) == 2 * (20 * 19 // 2)
    monkeypatch.setattr(search, "MAX_LISTED_PAIRS", 100)
    with pytest.raises(agentkit.TooLargeError, match=r"tools score of 40 agents reaches 0.5 for 380 pairs"):
        result.pairs(min_score=0.5, kind="tools")
    with pytest.raises(agentkit.TooLargeError, match="780 pairs, and a minimum score of 0 lists every one"):
        result.pairs(min_score=0, kind="body")
    monkeypatch.setattr(score_description.DescriptionScore, "max_compared", 500)
    monkeypatch.setattr(score_same_role.SameRoleScore, "max_compared", 500)
    with pytest.raises(
        agentkit.TooLargeError, match=r"description score of 40 agents would compare 780 pairs"
    ):
        result.pairs(kind="description")
    # Refused before any work starts, background work included (at 100,000 agents it took 1.3 GB).
    started: list[tuple[str, ...]] = []
    monkeypatch.setattr(Overlap, "prefetch", lambda self, *features: started.append(features))
    with pytest.raises(
        agentkit.TooLargeError, match=r"same-role verdict of 40 agents would compare 780 pairs.*--kind body"
    ):
        result.pairs()
    assert started == [] and "shingles" not in result.scorer("body").__dict__
    assert "same_role" not in result.__dict__ or "fields" not in result.same_role.__dict__
    # The command says the same in one line, exit 1, before doing the work.
    code, out, err = cli(capsys, "overlap", str(many_agents))
    assert code == 1 and out == "" and one_line_error(err) and "would compare 780 pairs" in err
    assert started == []  # the command started nothing in the background either


@pytest.mark.parametrize("rows", [512, 8])
def test_a_search_stops_as_soon_as_it_finds_too_many(many_agents, monkeypatch, rows) -> None:
    """Still bounded while searching (one block, then many small ones), and still a message."""
    from agentkit._overlap import search, verdict

    monkeypatch.setattr(search, "MAX_LISTED_PAIRS", 3)
    monkeypatch.setattr(search, "MOST_ROWS", rows)
    for kind in ("description", "topic"):
        with pytest.raises(agentkit.TooLargeError, match="more than 3 pairs"):
            agentkit.overlap(agentkit.load(many_agents)).pairs(min_score=0.05, kind=kind)
    monkeypatch.setattr(verdict, "DENSE", 10)  # the same-role search, block by block
    with pytest.raises(agentkit.TooLargeError, match="more than 3 pairs"):
        agentkit.overlap(agentkit.load(many_agents)).pairs(min_score=0.001)
    monkeypatch.setattr(search, "MAX_LISTED_PAIRS", 10**6)
    monkeypatch.setattr(verdict, "MAX_CANDIDATES", 5)
    with pytest.raises(agentkit.TooLargeError, match="more than 5 candidate pairs"):
        agentkit.overlap(agentkit.load(many_agents)).pairs(min_score=0.001)


def test_verbatim_copies_are_refused_up_front(tmp_path: Path, capsys) -> None:
    """Thousands of copies of one agent make millions of pairs scoring 1, which no minimum score removes:
    counted from the bodies' hashes before any shingle is made, the message says so and names them."""
    text = GOOD.format(name="copied") + "Review the code for bugs, races and missing tests.\n"
    for index in range(3400):  # 3400 * 3399 / 2 = 5.78 million pairs, above the 5 million agentkit lists
        (tmp_path / f"c{index:04d}.md").write_text(text)
    (tmp_path / "other.md").write_text(
        GOOD.format(name="other") + "Write release notes from the changelog.\n"
    )
    for kind in ("body", "same_role"):
        code, out, err = cli(capsys, "overlap", str(tmp_path), "--kind", kind)
        assert code == 1 and out == "" and one_line_error(err)
        assert (
            "at least 5,778,300 pairs of verbatim copies (1 set of files with the same body (the largest: "
            in err
        )
        assert "3,400 files like" in err and "c0000.md" in err and "keep one file of each body" in err
    result = agentkit.overlap(agentkit.load(tmp_path))
    with pytest.raises(agentkit.TooLargeError, match="no minimum score removes copies"):
        result.pairs(0.99, kind="body")
    assert "shingles" not in result.scorer("body").__dict__  # refused before any work


def test_clusters_of_one_name_and_description_are_refused_before_scoring(tmp_path: Path, monkeypatch) -> None:
    """Issue 25: sets with many near-identical agents passed the up-front limit and then went past 8 GB.
    Files that share a name and a description (their bodies differ) are likely the same role, every pair
    of them: what they would list is counted from hashes, one pair of each set scored, and the request
    refused before the set's words are even counted."""
    from agentkit._overlap import search

    for cluster in range(3):
        for member in range(20):
            body = f"Review pull requests for team {cluster}: check tests, naming and error handling. Note {member}.\n"
            text = f"---\nname: reviewer-{cluster}\ndescription: Reviews pull requests for the {cluster} team.\n---\n{body}"
            (tmp_path / f"r{cluster}-{member:02d}.md").write_text(text)
    result = agentkit.overlap(agentkit.load(tmp_path))
    monkeypatch.setattr(search, "MAX_LISTED_PAIRS", 400)  # 3 sets of 20 files: 570 pairs
    with pytest.raises(agentkit.TooLargeError) as refused:
        result.pairs()
    message = str(refused.value)
    assert "would list about 570 pairs (3 sets of files with the same name and description" in message
    assert "20 files like" in message and "GB" in message and "keep one file of each name" in message
    assert "same_role" not in result.__dict__ or "fields" not in result.same_role.__dict__  # no work done
    with pytest.raises(agentkit.TooLargeError, match="would list about 570 pairs"):
        result.groups()
    # With room for them, the same request lists them, and every set is one group.
    monkeypatch.setattr(search, "MAX_LISTED_PAIRS", 600)
    assert len(result.pairs()) == 570 and sorted(len(g) for g in result.groups()) == [20, 20, 20]


def test_cli_group_heading_holds_for_every_pair_of_every_group(capsys) -> None:
    """Issue 23: groups headed "Same role (likely)" showed members at probability 0.18-0.58."""
    for threshold, band in (("0.5", "likely"), ("0.15", "possible")):
        code, out = run_cli(capsys, str(SAMPLE_AGENTS), "--group-threshold", threshold, "--min-score", "0.01")
        heading = f"Same role ({band}: every pair in a group at least {float(threshold):.2f}):"
        assert code == 0 and heading in out.splitlines()
        spans = re.findall(r"^  \d+ agents \(probability ([\d.]+)(?:-[\d.]+)?\)", out, re.M)
        assert spans and all(float(low) >= float(threshold) for low in spans)


# -- the score registry -----------------------------------------------------------------------------------


def test_a_score_of_your_own_registers_as_the_built_in_ones_do(monkeypatch) -> None:
    """Every built-in score is a registered class; one of your own, with nothing but `values`, gets the
    pairs table, groups, matrix and size check the same way."""
    from agentkit._overlap import scores
    from agentkit.scores import Score, register, registered

    assert set(registered()) == set(KINDS) | {"same_role"}
    monkeypatch.setattr(scores, "_REGISTRY", dict(scores._REGISTRY))

    @register
    class SameModel(Score):
        name = "same_model"

        def values(self, i, j):
            models = [a.model for a in self.source.agents]
            return np.array([float(models[x] == models[y]) for x, y in zip(i, j, strict=True)])

    result = agentkit.overlap(agentkit.load(SAMPLE_AGENTS))
    assert result.columns == ("same_role", *KINDS, "same_model")
    pairs = result.pairs(1.0, kind="same_model", scores=["same_model", "body"])
    models = {a.name: a.model for a in result.agents}
    assert len(pairs) and all(
        models[a] == models[b] for a, b in zip(pairs["a_name"], pairs["b_name"], strict=True)
    )
    assert list(pairs.columns[6:]) == ["same_model", "body", "copy"]
    opus = sorted(label for label, a in zip(result.labels, result.agents, strict=True) if a.model == "opus")
    assert sorted(next(g.labels for g in result.groups("same_model", 1.0) if "planner" in g.labels)) == opus
    assert result.matrix("same_model").loc["planner", "security-auditor"] == 1.0
    with pytest.raises(ValueError, match="registered already"):
        register(type("Other", (Score,), {"name": "same_model"}))
    with pytest.raises(ValueError, match="unknown score 'nope'"):
        result.pairs(kind="nope")


def test_the_overlap_package_has_no_import_cycle_and_no_huge_class() -> None:
    """Issue 24: `guidance <-> scores <-> verdict` imported each other (inside functions too), and `Overlap`
    was one class of about 700 lines. Every import counts here, late and TYPE_CHECKING ones included."""
    import ast

    package = Path(agentkit.__file__).parent / "_overlap"
    graph: dict[str, set[str]] = {}
    for module in package.glob("*.py"):
        tree = ast.parse(module.read_text("utf-8"))
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "agentkit._overlap":
                found |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("agentkit._overlap."):
                found.add(node.module.split(".")[2])
            elif isinstance(node, ast.Import):
                found |= {a.name.split(".")[2] for a in node.names if a.name.startswith("agentkit._overlap.")}
            elif isinstance(node, ast.ClassDef):
                assert node.end_lineno - node.lineno < 400, f"{module.name}: class {node.name} is too long"
        graph[module.stem] = found - {module.stem}

    def reachable(start: str) -> set[str]:
        seen: set[str] = set()
        todo = [start]
        while todo:
            for nxt in graph.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    assert [m for m in graph if m in reachable(m)] == []
    assert "overlap" not in set().union(*graph.values())  # nothing below imports the facade
    assert "route" not in set().union(*graph.values())  # the offline router stays on its own


def test_the_words_the_widgets_highlight_are_the_words_the_description_score_counts(corpus_agents) -> None:
    """One reading of a description's words (agentkit.scores.description_words, which the Overlap explorer
    highlights) for the score and the widgets: the same words as the score's cleaned text, in every corpus
    file, with spans that point at them."""
    from agentkit._overlap.text import clean_text
    from agentkit.scores import description_words

    tricky = "Use for C++ and c# <example>code</example> reviews.\\nProactively review PRs"
    for text in [tricky, *(a.description for a in corpus_agents if isinstance(a.description, str))]:
        words = description_words(text)
        assert [w for *_, w in words] == clean_text(text).split()
        assert all(text[start:end].lower() == word for start, end, word in words)
    assert [w for *_, w in description_words(tricky)] == ["c++", "c#", "reviews", "review", "prs"]


def test_the_command_line_offers_the_built_in_scores() -> None:
    """`agentkit overlap --kind` lists the scores without importing numpy: the same names as the registry's
    built-in ones, in the same order."""
    from agentkit._overlap.overlap import COLUMNS, KINDS
    from agentkit.cli import _overlap as command

    assert command.KINDS == COLUMNS and command.SCORES == KINDS
