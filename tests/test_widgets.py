"""agentkit.widgets without a browser: the pure functions behind the widgets, then each widget built on the
sample agents and driven the way a notebook drives it (set `.value`, call `.click()`), checking state and
files. Live runs go to the session's fake Messages API (tests/conftest.py)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import time
from pathlib import Path

import pytest

import agentkit
from agentkit._reader.claude_code import BUILTIN_TOOLS
from agentkit.widgets import _logic as logic

ipywidgets = pytest.importorskip("ipywidgets")
from agentkit.widgets import Editor, Explorer, OverlapExplorer, Playground  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "agents"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A scratch copy of the sample agents (editing tests write to it)."""
    target = tmp_path / "agents"
    shutil.copytree(SAMPLES, target)
    return target


@pytest.fixture(scope="module")
def samples() -> agentkit.AgentSet:
    return agentkit.load(SAMPLES)


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    a, b = before.splitlines(), after.splitlines()
    assert len(a) == len(b), "lines were added or removed"
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


# -- pure functions -----------------------------------------------------------------------------------


def test_paths_are_shown_relative_to_the_common_folder(samples) -> None:
    root = logic.common_root(a.path for a in samples)
    assert root == SAMPLES
    assert logic.short_path(SAMPLES / "legacy" / "sql-helper.md", root) == "legacy/sql-helper.md"
    assert logic.short_path("/elsewhere/x.md", root) == "/elsewhere/x.md"
    assert logic.common_root([]) is None


def test_rows_filters_and_sorting(samples) -> None:
    rows = logic.agent_rows(list(samples), agentkit.lint(samples).itertuples())
    by_file = {r.file: r for r in rows}
    assert len(rows) == 13
    assert by_file["release-manager.md"].status == "dropped" and by_file["release-manager.md"].errors == 1
    assert "not valid YAML" in by_file["release-manager.md"].reason
    assert by_file["pr-review-helper.md"].parse == "fallback"
    assert by_file["reviewer-strict.md"].tools == "(all)"
    assert by_file["frontend-dev.md"].warnings == 2

    assert [r.file for r in logic.filter_rows(rows, "MySQL")] == ["legacy/sql-helper.md"]
    assert [r.file for r in logic.filter_rows(rows, status="dropped")] == ["release-manager.md"]
    assert {r.name for r in logic.filter_rows(rows, model="opus")} == {
        "planner",
        "strict-reviewer",
        "security-auditor",
    }
    assert logic.filter_rows(rows, "review", parse="fallback")[0].name == "pr-review-helper"
    assert logic.filter_rows(rows, "no such words anywhere") == []

    ordered = logic.sort_rows(rows, "findings", descending=True)
    assert ordered[0].findings == 2 and ordered[-1].findings == 0
    assert [r.file for r in logic.sort_rows(rows, "name")][:2] == ["release-manager.md", "code-reviewer.md"]
    with pytest.raises(ValueError, match="cannot sort"):
        logic.sort_rows(rows, "colour")
    assert logic.choices(rows, "parse") == ["(all)", "failed", "fallback", "strict"]
    text = logic.rows_text(rows[:2])
    assert text.splitlines()[0].split() == ["file", "name", "status", "parse", "model", "E/W/I"]


def test_html_escapes_agent_text() -> None:
    agent = agentkit.loads(
        "---\nname: x\ndescription: <b>bold</b>. Use when needed.\n---\n<script>alert(1)</script>\n",
        path="x.md",
    )
    detail = logic.detail_html(agent, [])
    assert "<script>" not in detail and "&lt;script&gt;" in detail
    assert "<script>" not in logic.diff_html("+<script>")


def test_untouched_form_changes_nothing_for_every_sample(samples) -> None:
    for agent in samples:
        assert logic.form_changes(agent, logic.form_values(agent, BUILTIN_TOOLS)) == {}, agent.path


def test_form_changes_name_only_what_differs(samples) -> None:
    agent = samples["frontend-dev"]
    values = logic.form_values(agent, BUILTIN_TOOLS)
    assert values.tools == ("Read", "Write", "Edit", "Glob")
    assert values.extra_tools == "Grepp, Bash(npm run:*)"
    assert values.color == "pink" and values.permission_mode == logic.UNSET

    from dataclasses import replace

    fixed = replace(values, tools=(*values.tools, "Grep"), extra_tools="Bash(npm run:*)")
    assert logic.form_changes(agent, fixed) == {
        "tools": ["Read", "Write", "Edit", "Glob", "Bash(npm run:*)", "Grep"]
    }
    assert logic.form_changes(agent, replace(values, inherit_tools=True)) == {"tools": None}
    assert logic.form_changes(agent, replace(values, model=logic.UNSET, color="red")) == {
        "model": None,
        "color": "red",
    }
    assert logic.form_changes(agent, replace(values, other="maxTurns: 5")) == {"maxTurns": 5}


def test_other_keys_round_trip_and_errors() -> None:
    fields = {
        "allowed-tools": "Read, Grep",
        "maxTurns": 3,
        "background": True,
        "mcpServers": ["github"],
        "effort": "yes",
        "initialPrompt": "line one\nline two",
        "memory": "123",
    }
    assert logic.parse_other(logic.other_text(fields)) == fields
    assert logic.parse_other("\n# a comment\n  \n") == {}
    with pytest.raises(ValueError, match="line 2: write 'key: value'"):
        logic.parse_other("maxTurns: 3\nnot a pair")
    with pytest.raises(ValueError, match="has its own field"):
        logic.parse_other("model: opus")
    with pytest.raises(ValueError, match="not a YAML value"):
        logic.parse_other("hooks: {unclosed")


def test_merge_tools_keeps_the_existing_order() -> None:
    assert logic.merge_tools(["Bash", "Read"], ("Read", "Bash", "Grep"), "mcp__github__*") == [
        "Bash",
        "Read",
        "Grep",
        "mcp__github__*",
    ]
    assert logic.merge_tools(None, ("Read",), "Agent(a, b)") == ["Read", "Agent(a, b)"]
    assert logic.merge_tools(["Read"], (), "") == []


def test_side_by_side_marks_shared_lines_and_wraps() -> None:
    long_line = "word " * 200
    out = logic.side_by_side_html("a\nb\nc", f"x\nb\n{long_line}", [(2, 2)], [(2, 2)], "one.md", "two.md")
    # One tinted line per file.
    assert out.count(f"display:flex;background:{logic.SHARED_PASSAGE};") == 2
    assert "one.md" in out and "two.md" in out
    # Long lines wrap inside their column; nothing is laid out as unbreakable preformatted text.
    assert "white-space:pre'" not in out and "white-space:pre;" not in out and logic.WRAP in out
    assert out.count("class='agentkit-column'") == 2 and "flex-wrap:wrap" in out


def test_detail_and_diff_wrap_long_lines(samples) -> None:
    detail = logic.detail_html(samples["pr-review-helper"], [])
    diff = logic.diff_html("+description: " + "x" * 2000)
    for html in (detail, diff):
        assert "white-space:pre'" not in html and "white-space:pre;" not in html
        assert logic.WRAP in html


def test_shared_terms_of_two_descriptions() -> None:
    a = "Reviews a pull request before merge. Use for C# code: pull requests, branches."
    b = "Use when the user asks for a review of the pull request. <example>c#</example>\\nMerge it."
    terms = logic.shared_terms(a, b)
    # Stop words and generic agent words (use, code) never count; case does not matter.
    assert terms.words == ("pull", "request", "merge", "c#")
    assert terms.phrases == ("pull request",)
    assert [a[start:end] for start, end, kind in terms.spans_a if kind == "phrase"] == ["pull request"]
    assert [b[start:end] for start, end, kind in terms.spans_b] == ["pull request", "c#", "Merge"]
    # A clause break (here the comma) ends a phrase.
    assert logic.shared_terms("merge, parser tests", "merge parser tests").phrases == ("parser tests",)
    assert logic.shared_terms("merge parser tests", "merge the parser tests").phrases == (
        "merge parser tests",
    )
    assert logic.shared_terms("", "anything at all") == logic.SharedTerms((), (), (), ())
    html = logic.highlighted_html(a, terms.spans_a)
    # merge, C# and the second "pull" ("Reviews" and "requests" are other words than "review", "request").
    assert html.count("agentkit-shared-phrase") == 1 and html.count("agentkit-shared-word") == 3
    assert logic.highlighted_html("<b> x", [(3, 5, "word")]).startswith("&lt;b&gt;<mark")


def test_explorer_cells_sorting_and_selection_logic(samples) -> None:
    rows = logic.agent_rows(list(samples), agentkit.lint(samples).itertuples(), SAMPLES)
    by_file = {r.file: r for r in rows}
    cells = logic.row_cells(by_file["release-manager.md"])
    assert [c.text for c in cells] == ["release-manager.md", "–", "dropped", "failed", "–", "–", "–", "1E"]
    # A plain folder has no scopes: no scope column.
    columns = logic.table_columns(rows)
    assert columns == ("file", "name", "status", "parse", "model", "tools", "findings")
    assert [c.text for c in logic.row_cells(by_file["release-manager.md"], columns)][2:4] == [
        "dropped",
        "failed",
    ]
    scoped = [dataclasses.replace(rows[0], scope="project"), *rows[1:]]
    assert logic.table_columns(scoped) == logic.TABLE_COLUMNS
    assert cells[2].color == logic.SEVERITY_COLORS["error"] and "not valid YAML" in cells[2].tooltip
    assert cells[7].tooltip == "1 error"
    frontend = logic.row_cells(by_file["frontend-dev.md"])
    assert frontend[1] == logic.Cell("frontend-dev", "frontend-dev", bold=True)
    assert frontend[7].text == "2W" and frontend[7].tooltip == "2 warnings"
    assert len(cells) == len(logic.TABLE_COLUMNS) == len(logic.COLUMN_FLEX)

    header = logic.header_cells("findings", True, columns)
    assert [c.text for c in header][-2:] == ["tools", "findings ▼"] and header[-2].tooltip == ""
    assert logic.sort_after_click("name", "file", False) == ("name", False)
    assert logic.sort_after_click("name", "name", False) == ("name", True)
    assert logic.sort_after_click("findings", "file", False) == ("findings", True)  # most findings first
    assert logic.sort_after_click("tools", "file", False) is None

    assert logic.selection_after(rows[3:6], rows[4].index) == rows[4].index  # still shown: kept
    assert logic.selection_after(rows[3:6], rows[0].index) == rows[3].index  # hidden: the first row
    assert logic.selection_after([], rows[0].index) is None


def test_unique_labels_add_the_file_for_shared_names(samples) -> None:
    labels = logic.unique_labels([a for a in samples if a.loaded], SAMPLES)
    assert "data-analyst (legacy/sql-helper.md)" in labels and "data-analyst (data-analyst.md)" in labels
    assert "code-reviewer" in labels


# -- Explorer -------------------------------------------------------------------------------------------


def test_explorer_filters_sorts_and_shows_details(samples) -> None:
    explorer = Explorer(samples)
    assert repr(explorer) == "Explorer(13 agents)"
    assert explorer._repr_mimebundle_()["text/plain"] == "Explorer(13 agents)"
    assert explorer.count.value == "13 of 13 agents shown"
    assert "release-manager.md" in shown_files(explorer)

    explorer.search.value = "mysql"
    assert [r.file for r in explorer.rows] == ["legacy/sql-helper.md"]
    assert explorer.selected.path.name == "sql-helper.md"
    assert shown_files(explorer) == ["legacy/sql-helper.md"]

    explorer.search.value = ""
    explorer.status.value = "dropped"
    assert explorer.count.value == "1 of 13 agents shown"
    assert (
        "agentkit-dropped" in explorer.detail.value
        and "Claude Code does not load this file" in explorer.detail.value
    )
    assert "reason: its front matter is not valid YAML" in explorer.detail_text()

    explorer.reset()
    explorer.sort_by.value = "findings"
    explorer.descending.value = True
    assert explorer.rows[0].findings == 2
    explorer.select("dotnet-backend")
    assert "AK201" in explorer.detail.value and "line 3" in explorer.detail_text()
    explorer.status.value = "dropped"  # hides the selection: the first visible row is picked
    assert explorer.selected.path.name == "release-manager.md"
    explorer.search.value = "nothing matches this"
    assert explorer.selected is None and explorer.detail_text() == "no agent selected"
    explorer.select("code-reviewer")  # clears the filters that hide it
    assert explorer.count.value == "13 of 13 agents shown" and explorer.selected.name == "code-reviewer"


def shown_files(explorer: Explorer) -> list[str]:
    """The file column of the rows the table displays."""
    return [view.children[0].description for view in explorer.table.children]


def test_explorer_selects_the_row_clicked_and_sorts_by_the_header_clicked(samples) -> None:
    explorer = Explorer(samples)
    first = explorer.table.children[0]
    assert explorer.selected.name == "code-reviewer" and "agentkit-selected" in first._dom_classes
    assert "<h3 style='margin:4px 0;overflow-wrap:anywhere'>code-reviewer.md</h3>" in explorer.detail.value

    dotnet = shown_files(explorer).index("dotnet-backend.md")
    explorer.table.children[dotnet].children[2].click()  # any cell of the row: here its status
    assert explorer.selected.name == "dotnet-backend"
    assert "dotnet-backend.md</h3>" in explorer.detail.value and "AK201" in explorer.detail.value
    assert "agentkit-selected" in explorer.table.children[dotnet]._dom_classes
    assert "agentkit-selected" not in first._dom_classes  # one selected row at a time

    assert explorer.scope.layout.display == "none"  # no scope in a plain folder
    findings = explorer.header_buttons[explorer.columns.index("findings")]
    findings.click()
    assert (explorer.sort_by.value, explorer.descending.value) == ("findings", True)
    assert findings.description == "findings ▼" and explorer.rows[0].findings == 2
    assert explorer.selected.name == "dotnet-backend"  # sorting keeps the selection
    findings.click()
    assert explorer.descending.value is False and explorer.rows[-1].findings == 2
    explorer.header_buttons[explorer.columns.index("tools")].click()  # not sortable: nothing happens
    assert explorer.sort_by.value == "findings"

    explorer.search.value = "mysql"  # the same row widgets are reused, not rebuilt
    assert explorer.table.children == (explorer.row_view(explorer.rows[0].index),)


def test_panels_fit_the_cell_and_say_how_to_bring_them_to_life(samples, folder: Path) -> None:
    panels = [Explorer(samples), OverlapExplorer(samples), Editor(agentkit.load(folder)["code-reviewer"])]
    for panel in panels:
        root = panel.widget
        assert "agentkit-panel" in root._dom_classes and root.layout.max_width == "100%"
        style = root.children[0]
        assert style.value.startswith("<style>") and style.layout.display == "none"
        bundle = panel._repr_mimebundle_()
        assert bundle["text/plain"] == repr(panel)
        assert "Run All Cells" in bundle["text/html"] and repr(panel) in bundle["text/html"]
        # Every box of controls wraps its children when the cell is narrower than they are.
        boxes = [root]
        while boxes:
            box = boxes.pop()
            for child in getattr(box, "children", ()):
                if isinstance(child, ipywidgets.HBox) and "agentkit-row" not in child._dom_classes:
                    assert child.layout.flex_flow == "row wrap", (type(panel).__name__, child)
                boxes.append(child)


def test_explorer_takes_a_folder(folder: Path) -> None:
    assert len(Explorer(folder).rows) == 13


# -- Editor ---------------------------------------------------------------------------------------------


def test_editor_previews_validates_and_saves_one_line(folder: Path) -> None:
    agents = agentkit.load(folder)
    editor = Editor(agents["code-reviewer"], agents=agents)
    assert repr(editor) == "Editor(code-reviewer.md)"
    assert editor.status.value == "code-reviewer.md: no changes" and editor.diff == ""
    assert editor.edited is editor.agent

    editor.description.value = "Reviews code."
    assert [f.rule for f in editor.findings] == ["AK601"]
    assert "AK601" in editor.findings_view.value
    new = "Reviews diffs for bugs. Use when a pull request needs a review."
    editor.description.value = new
    assert editor.findings == []
    assert editor.status.value == "code-reviewer.md: unsaved changes (description)"
    assert editor.diff.startswith("--- a/code-reviewer.md\n+++ b/code-reviewer.md\n")
    assert f"+description: {new}" in editor.diff and editor.diff == editor.pending_diff()
    assert (
        agentkit.diff(editor.edited).split("\n", 2)[2] == editor.diff.split("\n", 2)[2]
    )  # same as Agent.diff

    path = folder / "code-reviewer.md"
    before = path.read_text()
    editor.save_button.click()
    assert editor.status.value == "saved code-reviewer.md"
    assert changed_lines(before, path.read_text())[0][1] == f"description: {new}"
    assert len(changed_lines(before, path.read_text())) == 1
    assert editor.diff == "" and editor.agent.disk_text == path.read_text()
    editor.save_button.click()
    assert editor.status.value == "code-reviewer.md: nothing to save"


def test_editor_conflict_then_overwrite(folder: Path) -> None:
    editor = Editor(folder / "code-reviewer.md")
    path = folder / "code-reviewer.md"
    path.write_text(path.read_text() + "\nSomeone else's line.\n")
    editor.model.value = "opus"
    editor.save_button.click()
    assert editor.status.value.startswith("conflict: code-reviewer.md changed on disk since it was loaded")
    assert str(folder) not in editor.status.value
    assert editor.overwrite_button.layout.display == ""
    assert "Someone else's line." in path.read_text()

    editor.overwrite_button.click()
    assert editor.status.value == "saved code-reviewer.md (overwrote the file on disk)"
    assert editor.overwrite_button.layout.display == "none"
    text = path.read_text()
    assert "model: opus" in text and "Someone else's line." not in text


def test_editor_apply_fixes_then_save(folder: Path) -> None:
    agents = agentkit.load(folder)
    editor = Editor(agents["test-writer"], agents=agents)
    assert editor.extra_tools.value == "MultiEdit"
    assert editor.apply_fixes() == []
    assert editor.status.value.startswith("fixes: nothing to fix; AK402 would change what Claude Code reads")
    editor.unsafe_fixes.value = True
    assert editor.apply_fixes() == ["AK402"]
    assert editor.status.value == "fixes: AK402 (not saved yet)"
    assert (
        "-tools: Read, Write, Edit, MultiEdit, Bash, Glob, Grep\n+tools: Read, Write, Edit, Bash, Glob, Grep"
        in editor.diff
    )
    assert editor.extra_tools.value == "" and editor.findings == []
    before = (folder / "test-writer.md").read_text()
    editor.save_button.click()
    assert changed_lines(before, (folder / "test-writer.md").read_text()) == [
        (
            "tools: Read, Write, Edit, MultiEdit, Bash, Glob, Grep",
            "tools: Read, Write, Edit, Bash, Glob, Grep",
        )
    ]

    editor.select("reviewer-strict.md")
    assert editor.inherit_tools.value and editor.tools.disabled
    assert editor.other.value == "allowed-tools: Read, Grep, Glob, Bash"
    editor.fix_button.click()
    assert editor.status.value == "fixes: AK406 (not saved yet)"
    assert editor.other.value == "" and not editor.inherit_tools.value
    assert editor.edited.tools == ["Read", "Grep", "Glob", "Bash"]

    editor.select("code-reviewer")
    assert editor.status.value.endswith("(unsaved changes to the previous file were discarded)")
    editor.fix_button.click()
    assert editor.status.value == "fixes: nothing to fix"


def test_editor_tools_model_and_other_keys(folder: Path) -> None:
    editor = Editor(folder / "frontend-dev.md")
    editor.tools.value = (*editor.tools.value, "Grep")
    editor.extra_tools.value = "Bash, mcp__github__create_issue"
    assert editor.edited.tools == [
        "Read",
        "Write",
        "Edit",
        "Glob",
        "Grep",
        "Bash",
        "mcp__github__create_issue",
    ]
    assert editor.findings == []
    editor.inherit_tools.value = True
    assert editor.tools.disabled and editor.extra_tools.disabled
    assert editor.edited.tools is None and "-tools:" in editor.diff and "+tools" not in editor.diff
    editor.inherit_tools.value = False

    editor.model.value = "(not set)"
    editor.color.value = "cyan"
    editor.permission_mode.value = "plan"
    editor.other.value = "maxTurns: 12"
    edited = editor.edited
    assert edited.model is None and edited.color == "cyan"
    assert edited.fields["permissionMode"] == "plan" and edited.fields["maxTurns"] == 12

    editor.other.value = "maxTurns 12"
    assert editor.edited is None and editor.error == "other keys, line 1: write 'key: value'"
    assert editor.status.value.startswith("cannot apply:")
    before = (folder / "frontend-dev.md").read_text()
    assert editor.save() is None and editor.status.value.startswith("not saved:")
    assert (folder / "frontend-dev.md").read_text() == before

    editor.revert_button.click()
    assert editor.status.value == "frontend-dev.md: no changes"


def test_editor_on_a_dropped_agent(folder: Path) -> None:
    editor = Editor(folder / "release-manager.md")
    assert editor.status.value.startswith("release-manager.md: Claude Code drops this file:")
    assert editor.name.value == "" and editor.description.value == ""
    editor.model.value = "opus"  # the block still fails to parse: the edit is refused, not written
    assert editor.edited is None and "nothing was changed" in editor.error
    assert str(folder) not in editor.error


def test_editor_name_must_be_valid(folder: Path) -> None:
    editor = Editor(folder / "planner.md")
    editor.name.value = "bad:name"
    assert editor.edited is not None and not editor.edited.loaded
    assert any(f.severity == "error" for f in editor.findings)


def test_editor_exports_a_folder_and_agents_json(folder: Path, tmp_path: Path) -> None:
    agents = agentkit.load(folder)
    editor = Editor(agents["test-writer"], agents=agents)
    editor.unsafe_fixes.value = True
    editor.fix_button.click()  # exported with the fix, although not saved
    editor.export_path.value = str(tmp_path / "out")
    editor.export_button.click()
    assert editor.export_status.value == "exported 11 files to out/, skipped 2"
    assert "MultiEdit" not in (tmp_path / "out" / "test-writer.md").read_text()
    assert "MultiEdit" in (folder / "test-writer.md").read_text()
    editor.export_button.click()
    assert editor.export_status.value == "exported 0 files to out/, skipped 13"
    editor.export_overwrite.value = True
    editor.export_button.click()
    assert editor.export_status.value == "exported 11 files to out/, skipped 2"

    editor.export_format.value = "json"
    editor.export_path.value = str(tmp_path / "agents.json")
    editor.export_button.click()
    data = json.loads((tmp_path / "agents.json").read_text())
    assert editor.export_status.value == "exported 11 agents to agents.json"
    assert data["test-writer"]["tools"] == ["Read", "Write", "Edit", "Bash", "Glob", "Grep"]
    assert editor.export(tmp_path / "dir-for-json", fmt="json") == [tmp_path / "dir-for-json" / "agents.json"]

    editor.export_path.value = ""
    assert editor.export() == [] and editor.export_status.value == "export: choose a folder or file first"


# -- OverlapExplorer ------------------------------------------------------------------------------------


def test_overlap_explorer(samples) -> None:
    requests = ["review my pull request before I merge it", "tune this slow SQL query"]
    view = OverlapExplorer(samples, requests, threshold=0.15)  # possible: the reviewers' near-copy is 0.25
    assert repr(view) == "OverlapExplorer(12 agents)"
    assert len(view.heatmap.outputs) == 1 and "image/png" in view.heatmap.outputs[0]["data"]
    assert view.pairs_text().splitlines()[1].split()[:2] == ["data-analyst", "(data-analyst.md)"]
    assert "same role: likely, 0.85" in view.pairs_text() and "same role: possible, 0.25" in view.pairs_text()
    assert view.groups_text().splitlines()[1].startswith("code-reviewer, strict-reviewer  (0.25")
    view.pair.value = ("code-reviewer", "strict-reviewer")
    assert (view.first.value, view.second.value) == ("code-reviewer", "strict-reviewer")
    assert view.pair_label.value.startswith("code-reviewer ~ strict-reviewer: same role: possible, 0.25")
    assert "shared passages" in view.pair_label.value
    assert "background:#fff3b0" in view.side_by_side.value
    assert "lines 12-14 ~ 31-33" in view.passages_text()

    view.kind.value = "description"
    view.threshold.value = 0.45
    assert set(view.groups_text().split("  (")[0].split(", ")) == {
        "code-reviewer",
        "pr-review-helper",
        "strict-reviewer",
    }
    assert len(view.heatmap.outputs) == 1
    view.pair.value = ("pr-review-helper", "strict-reviewer")
    # Description mode compares the descriptions, not the bodies.
    assert view.pair_label.value == (
        "pr-review-helper ~ strict-reviewer: description score 0.53, the descriptions share 1 phrase and 8 words"
    )
    assert "agentkit-shared-phrase" in view.side_by_side.value
    assert "pr-review-helper.md: description" in view.side_by_side.value
    assert "You help developers" not in view.side_by_side.value  # no body text
    assert "their descriptions" in view.compare_title.value
    assert view.passages_text().splitlines()[1:] == [
        "  phrases: 'pull request'",
        "  words: pull, request, merged, asks, branch, review, diff, changes",
    ]
    view.second.value = "pr-review-helper"
    assert view.pair_label.value == "pick two different agents"

    assert view.conflicts_text() == "no conflict"
    view.margin.value = 0.25
    assert view.conflicts_text().startswith(
        "review my pull request before I merge it: pr-review-helper, strict-reviewer"
    )
    view.requests.value = ""
    assert view.conflicts_text() == "no requests"
    view.kind.value = "body"
    view.first.value, view.second.value = "code-reviewer", "strict-reviewer"
    assert "shared passages" in view.pair_label.value and "the two files" in view.compare_title.value
    view.threshold.value = 1.0
    assert view.pairs_text() == "no pair reaches the threshold"


# -- Playground -----------------------------------------------------------------------------------------


def test_playground_runs_side_by_side(samples, fake_api) -> None:
    playground = Playground(samples, "Say hello to the widget test.", selected=["code-reviewer", "planner"])
    assert "data-analyst (legacy/sql-helper.md)" in playground.picker.options
    playground.run_button.click()
    playground.wait()
    assert playground.status.value == "done: 2 complete"
    first, second = playground.results
    assert (
        first.complete
        and first.agent == "code-reviewer"
        and "user=Say hello to the widget test." in first.text
    )
    assert second.model.startswith("claude-opus")
    pane = playground.panes.children[0]
    assert "user=Say hello" in pane.children[1].value
    assert "in /" in pane.children[2].value and "$" in pane.children[2].value
    assert "code-reviewer" in playground.history.value and "planner" in playground.history.value
    assert fake_api.count == 2
    assert "[code-reviewer] claude-sonnet" in playground.results_text()

    playground.run(wait=True)  # the same run again answers from the history
    assert all(r.cached for r in playground.results) and fake_api.count == 2
    playground.model.value = "haiku"
    playground.run(wait=True)
    assert {r.model for r in playground.results} == {agentkit.live.resolve_model("haiku")}


def test_playground_stop_keeps_the_partial_text(samples, fake_api) -> None:
    playground = Playground(samples, "[[chunks:400]] [[delay:0.01]] stop me", selected=["docs-writer"])
    playground.run()
    assert playground.running and not playground.stop_button.disabled
    deadline = time.monotonic() + 30
    while "tok3 " not in playground.panes.children[0].children[1].value and time.monotonic() < deadline:
        time.sleep(0.02)
    playground.stop_button.click()
    playground.wait()
    result = playground.results[0]
    assert not result.complete and result.error == "stopped" and result.text.startswith("tok0 tok1 tok2 tok3")
    assert playground.status.value == "done: 0 complete, 1 stopped"
    assert playground.stop_button.disabled and not playground.run_button.disabled


def test_playground_versions_and_errors(samples, fake_api, monkeypatch) -> None:
    saved = samples["code-reviewer"]
    edited = agentkit.edit(saved, body="You are terse.\n")
    playground = Playground.versions(saved, edited, "Compare the versions, please.")
    assert list(playground.picker.value) == ["code-reviewer (saved)", "code-reviewer (edited)"]
    playground.run(wait=True)
    saved_run, edited_run = playground.results
    assert "system=You are a senior engineer" in saved_run.text and "system=You are terse." in edited_run.text

    # Replay mode with no key: recorded runs answer, others say they were not recorded.
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    playground.run(wait=True)
    assert all(r.cached for r in playground.results)
    playground.prompt.value = "A prompt nobody recorded."
    playground.run(wait=True)
    assert playground.status.value == "done: 0 complete, 2 failed"
    assert all("replay mode" in r for r in playground.results)
    assert "replay mode" in playground.panes.children[0].children[1].value

    monkeypatch.delenv("AGENTKIT_REPLAY")
    playground.run(wait=True)
    assert all("ANTHROPIC_API_KEY" in r for r in playground.results)
    assert fake_api.count == 2

    playground.picker.value = ()
    playground.run()
    assert playground.status.value == "pick at least one agent and write a prompt"


# -- what notebooks show and leave behind ------------------------------------------------------------


def test_overlap_figures_show_as_pictures_without_pyplot(samples) -> None:
    """A notebook cell ending in `overlap.dendrogram()` shows the picture, not `<Figure size ...>`.

    Checked in a fresh interpreter: there pyplot and the inline backend's formatters were never loaded,
    as in a kernel where nothing imported pyplot."""
    import subprocess
    import sys

    script = """
import agentkit
from IPython.core.formatters import DisplayFormatter
overlap = agentkit.overlap(agentkit.load("agents"))
for figure in (overlap.dendrogram("topic"), overlap.heatmap("description")):
    data, _ = DisplayFormatter().format(figure)
    assert data["image/png"][:8] == b"\\x89PNG\\r\\n\\x1a\\n", sorted(data)
    print(data["text/plain"])
import sys
print("pyplot loaded:", "matplotlib.pyplot" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert out.splitlines() == [
        "<Figure size 800x392 with 1 Axes>",
        "<Figure size 672.5x592.5 with 2 Axes>",
        "pyplot loaded: False",
    ]


def test_scratch_folder_goes_when_the_kernel_is_killed() -> None:
    """nbval and JupyterLab stop kernels with SIGKILL (no atexit handler runs): the folder still goes."""
    import subprocess
    import sys

    kernel = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from agentkit.widgets import scratch_folder; folder = scratch_folder(); "
            "(folder / 'agents').mkdir(); print(folder, flush=True); import time; time.sleep(120)",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    folder = Path(kernel.stdout.readline().strip())
    assert folder.name.startswith("agentkit-edit-") and (folder / "agents").is_dir()
    kernel.kill()
    kernel.wait(timeout=30)
    deadline = time.monotonic() + 30
    while folder.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not folder.exists()
    kernel.stdout.close()


def test_notebook_03_under_nbval_leaves_no_scratch_folder(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    temp = tmp_path / "temp"
    temp.mkdir()
    env = {**os.environ, "TMPDIR": str(temp)}
    env.pop("AGENTKIT_EDIT_DIR", None)
    notebook = ROOT / "notebooks" / "03-edit-and-export.ipynb"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "--nbval-current-env",
         str(notebook)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:]
    assert " passed" in run.stdout
    deadline = time.monotonic() + 30
    while list(temp.glob("agentkit-edit-*")) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(temp.glob("agentkit-edit-*")) == []


def test_overlap_explorer_shows_merge_guidance_and_asks_claude_on_request(
    samples, fake_api, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("AGENTKIT_HOME", str(tmp_path / "home"))
    view = OverlapExplorer(samples, threshold=0.15)
    assert view.guidance_text().startswith("Keep data-analyst (data-analyst.md): it covers the most")
    assert "Keep code-reviewer" in view.guidance.value and "same job" in view.groups_title.value
    assert fake_api.count == 0  # offline by default: nothing is asked until the button is clicked
    view.pair.value = ("code-reviewer", "strict-reviewer")
    view.ask_claude.click()
    assert (
        view.claude_answer.value
        == "the stand-in's opinion: confused (share 0.33) · stand-in API — not Claude's answer"
    )
    assert fake_api.count == 1
    view.second.value = "planner"
    assert view.claude_answer.value == ""  # a new pair: the old answer is gone
    view.kind.value = "body"
    assert view.guidance.value == "" and "Groups by body" in view.groups_title.value


# -- reported failures: the Editor's other-keys box, runs that fail, panels that cannot start ----------


def write_agent(path: Path, name: str) -> None:
    path.write_text(f"---\nname: {name}\ndescription: Use when x\n---\nbody\n")


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        ("custom: .inf\nneg: -.inf\nn: .nan\n", "custom: .inf\nneg: -.inf\nn: .nan"),
        ("deep: [.inf, {k: .nan}]\n", 'deep: [.inf, {"k": .nan}]'),
        ("'': v\n", '"": v'),
        (": v\n", '"null": v'),  # Claude Code reads the empty key as "null"
        ("'a: b #c': 1\n'1': x\n", '"a: b #c": 1\n"1": x'),
    ],
)
def test_editor_other_keys_show_what_is_on_disk(tmp_path: Path, lines: str, shown: str) -> None:
    path = tmp_path / "a.md"
    path.write_text(f"---\nname: a\ndescription: Use when x\n{lines}---\nb\n")
    editor = Editor(path)
    assert editor.other.value == shown
    assert editor.status.value == "a.md: no changes" and editor.diff == ""
    assert logic.form_changes(editor.agent, editor.values()) == {}
    editor.description.value = "Use when y"
    assert editor.status.value == "a.md: unsaved changes (description)"
    assert editor.save() is not None and editor.status.value == "saved a.md"
    assert path.read_text() == f"---\nname: a\ndescription: Use when y\n{lines}---\nb\n"


def test_other_keys_read_each_line_as_yaml() -> None:
    assert logic.parse_other('x: ---\n"": v\nnull: w\n1: y\n"a: b": [.inf]') == {
        "x": "---",
        "": "v",
        "null": "w",
        "1": "y",
        "a: b": [float("inf")],
    }
    with pytest.raises(ValueError, match="line 2: write 'key: value'"):
        logic.parse_other("x: 1\n- y: 2")
    with pytest.raises(ValueError, match="line 1: not a YAML value"):
        logic.parse_other("a: b: c")


def test_the_other_keys_box_shows_each_key_as_edit_writes_it() -> None:
    """One YAML writer: the box holds the very line agentkit.edit writes for the key (a value YAML 1.1 tools
    would misread quoted, `---` escaped, null as null)."""
    agent = agentkit.loads("---\nname: a\ndescription: Use when x\n---\nb\n")
    values = {"effort": "yes", "x": "a --- b", "n": None, "m": {"k": [1.5, True]}, "on": "2024-01-01"}
    box = logic.other_text(values).split("\n")
    for (key, value), line in zip(values.items(), box, strict=True):
        written = agentkit.edit(agent, {key: agentkit.NULL if value is None else value})
        assert written.block_text.split("\n")[2] == line == agentkit.yaml_line(key, value)
    assert box[0] == 'effort: "yes"' and logic.parse_other("\n".join(box)) == values


def test_editor_writes_dashes_and_a_key_with_no_value_as_null(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\nname: a\ndescription: Use when x\nold: 1\n---\nb\n")
    editor = Editor(path)
    editor.other.value = "old: 1\nx: ---"
    assert editor.status.value == "a.md: unsaved changes (x)"
    editor.save()
    assert agentkit.load(tmp_path)[0].fields["x"] == "---"
    # `y:` is YAML's null: written as such (agentkit.NULL), not taken as "remove the key".
    editor.other.value = "old:\nx: ---\ny:"
    assert editor.status.value == "a.md: unsaved changes (old, y)"
    editor.save()
    assert (
        path.read_text()
        == '---\nname: a\ndescription: Use when x\nold: null\nx: "-\\u002d-"\ny: null\n---\nb\n'
    )
    assert editor.other.value == 'old: null\nx: "-\\u002d-"\ny: null' and editor.diff == ""


def test_playground_labels_answers_with_the_agents_it_ran(tmp_path: Path, fake_api) -> None:
    for name in "abc":
        write_agent(tmp_path / f"{name}.md", name)
    playground = Playground(tmp_path)
    playground.picker.value = ("a", "b")
    playground.prompt.value = "hi"
    playground.run()
    playground.picker.value = ("c",)
    playground.wait()
    blocks = playground.results_text().split("\n\n")
    assert [b[:3] for b in blocks] == ["[a]", "[b]"]
    assert [r.agent for r in playground.results] == ["a", "b"]


def test_playground_stop_when_nothing_runs_keeps_the_summary(tmp_path: Path, fake_api) -> None:
    write_agent(tmp_path / "a.md", "a")
    playground = Playground(tmp_path, "hi")
    playground.stop()
    assert playground.status.value == ""
    playground.run(wait=True)
    assert playground.status.value == "done: 1 complete"
    playground.stop()
    assert playground.status.value == "done: 1 complete" and not playground.running


@pytest.mark.parametrize("broken", ["home is a file", "bad config", "binary config"])
def test_playground_with_a_broken_home_shows_the_error(tmp_path: Path, monkeypatch, fake_api, broken) -> None:
    write_agent(tmp_path / "a.md", "a")
    home = tmp_path / "home"
    if broken == "home is a file":
        home.write_text("x")
    else:
        home.mkdir()
        config = home / "config.toml"
        config.write_bytes(b"[[[bad" if broken == "bad config" else b"\xff\xfe\x00\x81")
    monkeypatch.setenv("AGENTKIT_HOME", str(home))
    for replay in ("", "1"):
        monkeypatch.setenv("AGENTKIT_REPLAY", replay)
        playground = Playground(tmp_path, "hi")  # no traceback
        assert playground.status.value.startswith("cannot read ") and "config.toml" in playground.status.value
    monkeypatch.delenv("AGENTKIT_REPLAY")
    playground.run(wait=True)
    assert playground.status.value == "done: 0 complete, 1 failed"
    assert "config.toml" in playground.results[0]


def test_playground_worker_shows_any_error_and_finishes_its_pane(
    tmp_path: Path, monkeypatch, fake_api
) -> None:
    """live.run raising LiveError (a prompt with a lone surrogate) in one pane and a plain RuntimeError in
    the other: both panes say why and finish; nothing stays on "running…"."""
    write_agent(tmp_path / "a.md", "a")
    write_agent(tmp_path / "b.md", "b")
    errors = {"a": agentkit.LiveError("the prompt holds a lone surrogate"), "b": RuntimeError("boom")}

    def fail(agent, *_args, **_kwargs):
        raise errors[agent.name]

    monkeypatch.setattr(agentkit.live, "run", fail)
    playground = Playground(tmp_path, "x\ud800y")
    playground.run(wait=True)
    assert not playground.running and playground.status.value == "done: 0 complete, 2 failed"
    shown = ["the prompt holds a lone surrogate", "RuntimeError: boom"]
    assert playground.results == shown
    for pane, message in zip(playground.panes.children, shown, strict=True):
        assert message in pane.children[1].value and "failed" in pane.children[2].value
        assert "running" not in pane.children[2].value
    assert not playground.run_button.disabled and playground.stop_button.disabled


def test_tables_keep_words_whole(samples) -> None:
    """Issue 23: widget tables broke headers and values inside words ("mod e", "cos t_u sd", timestamps
    over three lines). Each column is laid out by what it holds; the browser tests measure the result."""
    import pandas as pd

    from agentkit.widgets._base import STYLESHEET

    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(["2026-12-05 08:50:26.758+00:00", "2026-12-05 09:00:01.000+00:00"]),
            "agent": ["code-reviewer", "strict-reviewer"],
            "cost_usd": [0.00212, 0.00001],
            "path": ["agents/legacy/sql-helper.md", "agents/code-reviewer.md"],
            "prompt": ["Review this change: `def total(xs): return sum(xs)`", None],
        }
    )
    table = logic.frame_html(frame)
    assert "<th class='agentkit-number'>cost usd</th>" in table  # wraps at the space, never inside a word
    assert "<td class='agentkit-number'>0.00001</td>" in table  # no exponent
    assert (
        "<td class='agentkit-time'><span class='agentkit-nowrap'>2026-12-05</span> "
        "<span class='agentkit-nowrap'>08:50:26+00:00</span></td>"
    ) in table
    assert "<td class='agentkit-path'>agents/<wbr>legacy/<wbr>sql-helper.md</td>" in table
    assert (
        "<td class='agentkit-prose'>Review this change:" in table
        and "<td class='agentkit-prose'>–</td>" in table
    )
    assert "<td class='agentkit-text'>code-reviewer</td>" in table
    assert logic.frame_html(frame.iloc[:0]) == "<i>nothing yet</i>"
    # Only prose may break inside a word (as a last resort); headers, numbers and names never do.
    rules = [r for r in STYLESHEET.split("\n") if " td" in r or " th" in r or "agentkit-number" in r]
    assert [r for r in rules if "overflow-wrap: anywhere" in r] == [
        ".agentkit-panel .widget-html-content td.agentkit-prose { overflow-wrap: anywhere; min-width: 10em; }"
    ]

    rows = logic.agent_rows(list(samples), [], None)
    flex = logic.column_flex(rows, logic.table_columns(rows))
    assert flex["name"] == logic.COLUMN_FLEX["name"]  # the wide columns share what is left
    # "shadowed" (8 characters) and the header "findings ▼" (10) fit their columns, in em: ch would
    # differ between the bold header and the rows.
    assert flex["status"] == "0 0 calc(6em + 12px)" and flex["findings"] == "0 0 calc(7.5em + 12px)"
