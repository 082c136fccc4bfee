"""The notebooks' widgets in a real browser: JupyterLab and Voila driven by headless Chromium.

- 03-edit-and-export.ipynb in JupyterLab: run all cells, type a new description into the Editor, click
  Save, and check that the file on disk changed in its description line only. The notebook copies the
  sample agents to `AGENTKIT_EDIT_DIR` (set here, through the server's environment) before editing.
  JupyterLab serves a copy of the notebook (it autosaves what it has open).
- 01-explore.ipynb as a Voila app: the table lists the sample agents, searching filters it, picking the
  dropped agent shows why it is dropped.
- 05-evaluate.ipynb as a Voila app: the Evaluator's matrix shows the replayed results, and clicking a cell
  shows its checks and the answer, labelled as the stand-in's.

Skipped when Chromium or playwright is missing (CI installs Chromium). Screenshots go to tests/_artifacts/.
"""

from __future__ import annotations

import difflib
import re
import shutil
from pathlib import Path

import browser
import pytest

ROOT = Path(__file__).resolve().parent.parent
NEW_DESCRIPTION = "Reviews diffs for bugs. Use when a branch or a pull request needs a review."


@pytest.mark.timeout(300)
@pytest.mark.skipif(bool(browser.skip_reason("lab")), reason=browser.skip_reason("lab") or "")
def test_edit_description_and_save_in_jupyterlab(tmp_path: Path) -> None:
    from playwright.sync_api import expect

    # Serve a copy of the notebook: JupyterLab autosaves open notebooks, and the repository's copy must
    # keep its committed outputs.
    site = tmp_path / "site"
    (site / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "03-edit-and-export.ipynb", site / "notebooks")
    shutil.copytree(ROOT / "agents", site / "agents")
    edit_dir = tmp_path / "edit"
    target = edit_dir / "agents" / "code-reviewer.md"
    with (
        browser.jupyterlab(site, extra_env={"AGENTKIT_EDIT_DIR": str(edit_dir)}) as lab,
        browser.chromium() as ctx,
    ):
        page = ctx.pages[0]
        with browser.on_failure(page, "edit-and-export", lab):
            browser.open_notebook(page, lab, "notebooks/03-edit-and-export.ipynb")
            browser.run_all_cells(page)
            browser.wait_for_widgets(page, ".agentkit-description textarea")
            assert browser.notebook_errors(page) == []
            status = page.locator(".agentkit-status").first
            expect(status).to_have_text("code-reviewer.md: no changes")
            before = target.read_text(encoding="utf-8")

            box = page.locator(".agentkit-description textarea").first
            box.scroll_into_view_if_needed()
            box.fill("")
            box.press_sequentially(NEW_DESCRIPTION, delay=5)  # keystrokes: validated as they arrive
            expect(status).to_have_text("code-reviewer.md: unsaved changes (description)", timeout=30_000)
            page.locator("button.agentkit-save").first.click()
            expect(status).to_have_text("saved code-reviewer.md", timeout=30_000)
            browser.screenshot(page, "edit-and-export")

    after = target.read_text(encoding="utf-8")
    changed = [line for line in difflib.ndiff(before.splitlines(), after.splitlines()) if line[:1] in "+-"]
    old_line = next(line for line in before.splitlines() if line.startswith("description:"))
    assert changed == [f"- {old_line}", f"+ description: {NEW_DESCRIPTION}"]
    assert not (ROOT / "agents" / "code-reviewer.md").read_text(encoding="utf-8").count(NEW_DESCRIPTION)


@pytest.mark.timeout(300)
@pytest.mark.skipif(bool(browser.skip_reason("voila")), reason=browser.skip_reason("voila") or "")
def test_explorer_as_a_voila_app() -> None:
    from playwright.sync_api import expect

    with browser.voila(ROOT / "notebooks" / "01-explore.ipynb") as app, browser.chromium() as ctx:
        page = ctx.pages[0]
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
            page.locator(".widget-select select").first.select_option(label="release-manager.md  (dropped)")
            dropped = page.locator(".agentkit-detail .agentkit-dropped").first
            expect(dropped).to_contain_text("Claude Code does not load this file", timeout=30_000)
            browser.screenshot(page, "explore-voila")


@pytest.mark.timeout(300)
@pytest.mark.skipif(bool(browser.skip_reason("voila")), reason=browser.skip_reason("voila") or "")
def test_evaluator_cell_click_as_a_voila_app() -> None:
    from playwright.sync_api import expect

    with browser.voila(ROOT / "notebooks" / "05-evaluate.ipynb") as app, browser.chromium() as ctx:
        page = ctx.pages[0]
        with browser.on_failure(page, "evaluate-voila", app):
            browser.open_voila(page, app, selector=".agentkit-eval-matrix")
            status = page.locator(".agentkit-eval-status").first
            expect(status).to_contain_text("done: 54 samples", timeout=60_000)
            cell = page.locator(".agentkit-eval-matrix button[title='sql-injection x code-reviewer']").first
            expect(cell).to_have_text("0/3")
            cell.click()
            detail = page.locator(".agentkit-eval-detail").first
            expect(detail).to_contain_text(
                "sql-injection x code-reviewer (claude-sonnet-5-5)", timeout=30_000
            )
            expect(detail).to_contain_text("answer (from the stand-in, not Claude)")
            browser.screenshot(page, "evaluate-voila")
