"""The notebooks as a person meets them: JupyterLab in Chromium, 1280 px wide, Run All, look, click.

One test per notebooks/*.ipynb, all on one JupyterLab (serving a copy of notebooks/ and agents/, so
the repository's notebooks keep their committed outputs). Each test opens its notebook in a fresh
workspace and checks, before running it, that the first cell says how to bring the widgets to life
and that every widget cell shows a note in place of its widget; then runs all cells and checks that
- no cell raised;
- every widget fits its cell: nothing sticks out of the cell's output area, and no box cuts off or
  scrolls sideways the content it holds (bounding boxes, in the page);
- no word of a table header or cell is broken across lines ("mod e", "cos t_u sd": each word's
  rectangles, in the page, lie on one line);
- every figure is a picture (an `<img>` that loaded; no `<Figure size ...>` text);
- what the notebook's widget is for works with a mouse (the per-notebook checks below).
Screenshots of every widget output, after the checks, go to tests/_artifacts/screenshots/ (their paths
are listed at the end of the run, by tests/conftest.py). 01-explore is also served as a Voila app.

A missing Chromium or playwright skips these tests, or fails them where AGENTKIT_REQUIRE names
`browser` (CI: .ci/run installs Chromium with .ci/install-browser).
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import browser
import pytest
from conftest import require

ROOT = Path(__file__).resolve().parent.parent
VIEWPORT = (1280, 900)
NEW_DESCRIPTION = "Reviews diffs for bugs. Use when a branch or a pull request needs a review."
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

pytestmark = pytest.mark.timeout(300)


def _need(*servers: str) -> None:
    reason = browser.skip_reason(*servers)
    if reason:
        require("browser", reason)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of what the notebooks read: notebooks/, agents/, evals/ (JupyterLab may write to what it serves)."""
    root = tmp_path_factory.mktemp("site")
    for folder in ("notebooks", "agents", "evals"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def edit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where notebook 03 copies the agents it edits (AGENTKIT_EDIT_DIR, in the kernels' environment)."""
    return tmp_path_factory.mktemp("edit")


@pytest.fixture(scope="module")
def lab(site: Path, edit_dir: Path) -> Iterator[browser.Server]:
    _need("lab")
    with browser.jupyterlab(site, extra_env={"AGENTKIT_EDIT_DIR": str(edit_dir)}) as server:
        yield server


@pytest.fixture(scope="module")
def context() -> Iterator[Any]:
    """One Chromium for the module's tests (each opens its own pages)."""
    _need()
    with browser.chromium(viewport=VIEWPORT) as ctx:
        yield ctx


def widget_outputs_in_file(notebook: Path) -> int:
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(WIDGET_VIEW in output.get("data", {}) for cell in cells for output in cell.get("outputs", []))


def first_open_problems(page: Any, notebook: Path) -> list[str]:
    """What a person opening the notebook sees before running it: the first cell must say to run it,
    and every widget cell must show a note (not only `Explorer(13 agents)`)."""
    problems = []
    first = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Cell").first.inner_text()
    if "Run All Cells" not in first:
        problems.append(
            f"the first cell does not say to run the notebook (Run > Run All Cells): {first[:120]!r}"
        )
    expected = widget_outputs_in_file(notebook)
    notes = page.get_by_text("is an interactive widget: run the notebook").count()
    if notes != expected:
        problems.append(f"{expected} widget cells, {notes} of them say how to bring the widget to life")
    return problems


# -- what each notebook's widget is for ---------------------------------------------------------------


def check_explore(page: Any, ctx: dict[str, Any]) -> None:
    """Clicking a row of the Explorer selects it: the row is marked and the detail pane shows it."""
    from playwright.sync_api import expect

    detail = page.locator(".agentkit-detail h3").first
    expect(detail).to_have_text("code-reviewer.md")
    row = page.locator(".agentkit-explorer-table .agentkit-row", has_text="dotnet-backend.md").first
    row.scroll_into_view_if_needed()
    row.locator("button", has_text="strict").first.click()  # a cell in the middle of the row
    expect(detail).to_have_text("dotnet-backend.md", timeout=30_000)
    expect(page.locator(".agentkit-detail").first).to_contain_text("AK201")
    expect(page.locator(".agentkit-row.agentkit-selected")).to_have_count(1)
    expect(page.locator(".agentkit-row.agentkit-selected").first).to_contain_text("dotnet-backend.md")
    header = page.locator(".agentkit-row-head button", has_text="findings").first
    header.click()  # sort by findings, most first
    expect(header).to_have_text("findings ▼", timeout=30_000)


def both_columns_visible(page: Any) -> None:
    """Both columns of the comparison are on screen at once, inside the cell, side by side."""
    columns = page.locator(".agentkit-compare .agentkit-column")
    assert columns.count() == 2
    columns.first.scroll_into_view_if_needed()
    area = page.locator(".jp-OutputArea-output", has=page.locator(".agentkit-compare")).first.bounding_box()
    boxes = [columns.nth(i).bounding_box() for i in range(2)]
    viewport = page.viewport_size
    for box in boxes:
        assert box is not None and box["width"] >= 250, boxes
        assert area["x"] - 3 <= box["x"] and box["x"] + box["width"] <= area["x"] + area["width"] + 3, (
            area,
            boxes,
        )
        assert 0 <= box["x"] and box["x"] + box["width"] <= viewport["width"], boxes
        assert box["y"] < viewport["height"] and box["y"] + min(box["height"], 100) > 0, boxes
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 2, f"the columns are not side by side at this width: {boxes}"


def check_overlap(page: Any, ctx: dict[str, Any]) -> None:
    """The comparison shows both files; with the description score, both descriptions and what they share."""
    from playwright.sync_api import expect

    compare = page.locator(".agentkit-compare").first
    expect(compare).to_contain_text("code-reviewer.md")
    expect(compare).to_contain_text("reviewer-strict.md")
    both_columns_visible(page)
    page.locator(".agentkit-overlap .widget-dropdown select").first.select_option("description")
    expect(compare).to_contain_text("reviewer-strict.md: description", timeout=30_000)
    expect(compare.locator("mark.agentkit-shared-phrase").first).to_be_visible()
    expect(compare).not_to_contain_text("You are a demanding senior engineer")  # the body is not shown
    page.wait_for_timeout(300)
    both_columns_visible(page)
    ctx["problems"] += [
        f"after picking the description score: {p}" for p in browser.widget_layout_problems(page)
    ]


def check_edit(page: Any, ctx: dict[str, Any]) -> None:
    """Type a new description, click Save: the file on disk changes in its description line only."""
    from playwright.sync_api import expect

    target = ctx["edit_dir"] / "agents" / "code-reviewer.md"
    status = page.locator(".agentkit-status").first
    expect(status).to_have_text("code-reviewer.md: no changes")
    before = target.read_text(encoding="utf-8")
    box = page.locator(".agentkit-description textarea").first
    box.scroll_into_view_if_needed()
    box.fill("")
    box.press_sequentially(NEW_DESCRIPTION, delay=5)  # keystrokes: validated as they arrive
    expect(status).to_have_text("code-reviewer.md: unsaved changes (description)", timeout=30_000)
    # The status changes at the first keystroke; Save only once the kernel has the whole text (the diff
    # preview shows it), or a loaded machine saves a description cut short.
    expect(page.locator(".agentkit-diff").first).to_contain_text(NEW_DESCRIPTION, timeout=30_000)
    page.locator("button.agentkit-save").first.click()
    expect(status).to_have_text("saved code-reviewer.md", timeout=30_000)
    after = target.read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    old_line = next(line for line in before.splitlines() if line.startswith("description:"))
    assert changed == [f"- {old_line}", f"+ description: {NEW_DESCRIPTION}"]
    assert NEW_DESCRIPTION not in (ROOT / "agents" / "code-reviewer.md").read_text(encoding="utf-8")


def check_try_prompts(page: Any, ctx: dict[str, Any]) -> None:
    """The Playground says where its answers come from: here the local stand-in, not Claude."""
    playground = page.locator(".jp-OutputArea-output", has=page.locator(".jupyter-widgets")).first
    if "stand-in" not in playground.inner_text():
        ctx["problems"].append(
            "the Playground does not say that its answers come from agentkit's stand-in, not from Claude "
            "(no 'stand-in' in the widget)"
        )


def check_evaluate(page: Any, ctx: dict[str, Any]) -> None:
    """The Evaluator: a click on a matrix cell shows that cell's checks, and says the answers are the stand-in's."""
    from playwright.sync_api import expect

    status = page.locator(".agentkit-eval-status").first
    expect(status).to_contain_text("done: 54 samples", timeout=60_000)
    cell = page.locator(".agentkit-eval-matrix button[title='sql-injection x code-reviewer']").first
    expect(cell).to_have_text("3/3")
    cell.click()
    detail = page.locator(".agentkit-eval-detail").first
    expect(detail).to_contain_text("sql-injection x code-reviewer (claude-sonnet-5-5)", timeout=30_000)
    expect(detail).to_contain_text("answer (from the stand-in, not Claude)")


def check_route(page: Any, ctx: dict[str, Any]) -> None:
    """The RouteExplorer: the edit of the cells above shows before and after, labelled as the stand-in's
    picks; a click on Ask Claude Code asks again and says so."""
    from playwright.sync_api import expect

    panel = page.locator(".agentkit-route").first
    expect(panel).to_contain_text("with the edit", timeout=60_000)
    expect(panel).to_contain_text("stand-in API — not Claude's answer")
    status = panel.locator(".agentkit-text").first
    page.evaluate(
        "() => { for (const e of document.querySelectorAll('.agentkit-route .agentkit-text')) e.textContent = ''; }"
    )
    panel.locator("button", has_text="Ask Claude Code").first.click()
    expect(status).to_contain_text("most often: code-reviewer", timeout=120_000)


def check_usage(page: Any, ctx: dict[str, Any]) -> None:
    """The UsageExplorer: pick a never-used agent, click Open in Explorer: the Explorer shows it; pick an
    agent: the requests that reached it are listed."""
    from playwright.sync_api import expect

    expect(page.locator(".agentkit-usage-status").first).to_contain_text("8 sessions, 7 agent invocations")
    page.locator(".agentkit-usage-unused select").first.select_option("frontend-dev")
    page.locator("button.agentkit-usage-open").first.click()
    detail = page.locator(".agentkit-usage .agentkit-detail h3").first
    expect(detail).to_have_text("frontend-dev.md", timeout=30_000)
    page.locator(".agentkit-usage .widget-dropdown select").last.select_option("docs-writer")
    requests = page.locator(".agentkit-usage-requests").first
    expect(requests).to_contain_text("Update the README for the new --dry-run flag", timeout=30_000)
    expect(requests).not_to_contain_text("Review my changes")


#: What a notebook's widget is for, checked with the mouse. Every notebooks/*.ipynb is tested (the checks
#: above for all of them); a line here adds the check of its own.
NOTEBOOKS: dict[str, Callable[[Any, dict[str, Any]], None] | None] = {
    "01-explore": check_explore,
    "02-overlap": check_overlap,
    "03-edit-and-export": check_edit,
    "04-try-prompts": check_try_prompts,
    "05-evaluate": check_evaluate,
    "06-route": check_route,
    "07-usage": check_usage,
}


@pytest.mark.parametrize("name", sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")))
def test_notebook_in_jupyterlab(
    name: str, lab: browser.Server, context: Any, site: Path, edit_dir: Path
) -> None:
    notebook = site / "notebooks" / f"{name}.ipynb"
    page = context.new_page()
    try:
        with browser.on_failure(page, f"notebook-{name}", lab):
            browser.open_notebook(page, lab, f"notebooks/{name}.ipynb", workspace=name)
            problems = first_open_problems(page, notebook)
            first_open = browser.screenshot(page, f"{name}-0-before-run-all", folder=browser.SCREENSHOTS)
            browser.run_all_cells(page)
            browser.wait_for_widget_outputs(page, widget_outputs_in_file(notebook))
            errors = browser.notebook_errors(page)
            assert errors == [], f"cells raised:\n{errors[0][:2000]}"
            problems += browser.widget_layout_problems(page)
            problems += browser.broken_words(page)
            problems += browser.figure_problems(page)
            ctx = {"edit_dir": edit_dir, "problems": problems}
            check = NOTEBOOKS.get(name)
            if check is not None:
                check(page, ctx)
            shots = browser.screenshot_outputs(
                page,
                name,
                ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output:has(.jupyter-widgets)",
            )
            print("screenshots:", first_open, *shots, sep="\n  ")
            assert shots, "no widget output to take a picture of"
            assert problems == [], f"{name} at {VIEWPORT[0]} px wide:\n" + "\n".join(problems)
    finally:
        page.close()
        lab.shutdown_kernels()


def test_explorer_as_a_voila_app(context: Any) -> None:
    """01-explore served by Voila: the table, search, a click on the dropped file, and it fits."""
    from playwright.sync_api import expect

    _need("voila")
    page = context.new_page()
    with browser.voila(ROOT / "notebooks" / "01-explore.ipynb") as app:
        with browser.on_failure(page, "explore-voila", app):
            browser.open_voila(page, app, selector=".agentkit-explorer-table")
            table = page.locator(".agentkit-explorer-table").first
            for file in ("code-reviewer.md", "release-manager.md", "legacy/sql-helper.md"):
                expect(table).to_contain_text(file)
            count = page.locator(".agentkit-count").first
            expect(count).to_have_text("13 of 13 agents shown")

            page.locator(browser.TEXT_INPUT).first.fill("mysql")
            expect(count).to_have_text(re.compile(r"^[12] of 13 agents shown$"), timeout=30_000)
            expect(table).to_contain_text("legacy/sql-helper.md")
            expect(table).not_to_contain_text("code-reviewer.md")

            page.locator(browser.TEXT_INPUT).first.fill("")
            expect(count).to_have_text("13 of 13 agents shown", timeout=30_000)
            table.locator(".agentkit-row", has_text="release-manager.md").first.click()
            dropped = page.locator(".agentkit-detail .agentkit-dropped").first
            expect(dropped).to_contain_text("Claude Code does not load this file", timeout=30_000)
            problems = browser.widget_layout_problems(page, selector=".jp-OutputArea-output")
            problems += browser.broken_words(page)
            assert problems == [], "\n".join(problems)
            print("screenshot:", browser.screenshot(page, "explore-voila", folder=browser.SCREENSHOTS))
    page.close()
