"""Smoke tests for the browser harness (tests/browser.py): JupyterLab and Voila in headless Chromium.

They use a throwaway notebook written to a temporary folder: a Text, a Button and a Label; clicking the
button copies the text into the label (in the kernel). Skipped when Chromium or playwright is missing,
failed instead where AGENTKIT_REQUIRE names `browser` (CI installs Chromium with .ci/install-browser).
Screenshots land in tests/_artifacts/.
"""

from __future__ import annotations

import json
from pathlib import Path

import browser
import pytest
from conftest import require

SMOKE_SOURCE = """\
import ipywidgets as widgets

text = widgets.Text(description="Input")
button = widgets.Button(description="Copy")
label = widgets.Label(value="(empty)")


def copy(_):
    label.value = text.value


button.on_click(copy)
widgets.VBox([text, button, label])"""


def write_smoke_notebook(folder: Path) -> Path:
    """Write the throwaway widget notebook (plain JSON, nbformat 4) and return its path."""

    def cell(source: str) -> dict:
        return {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": source}

    nb = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"},
            "language_info": {"name": "python"},
        },
        "cells": [cell(SMOKE_SOURCE), cell("print('last cell ran')")],
    }
    for i, c in enumerate(nb["cells"]):
        c["id"] = f"smoke-{i}"
    path = folder / "widget_smoke.ipynb"
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def round_trip(page, value: str) -> None:
    """Type into the Text, click Copy, and check the Label the kernel updated."""
    from playwright.sync_api import expect

    label = page.locator(browser.LABEL)
    expect(label).to_have_text("(empty)")
    page.locator(browser.TEXT_INPUT).fill(value)
    page.locator(browser.BUTTON, has_text="Copy").click()
    expect(label).to_have_text(value, timeout=30_000)


def need(*servers: str) -> None:
    """Skip without Chromium/playwright/the server, or fail where AGENTKIT_REQUIRE names `browser`."""
    reason = browser.skip_reason(*servers)
    if reason:
        require("browser", reason)


@pytest.mark.timeout(300)
def test_jupyterlab_widget_round_trip(tmp_path: Path) -> None:
    need("lab")
    nb = write_smoke_notebook(tmp_path)
    with browser.jupyterlab(tmp_path) as lab, browser.chromium() as ctx:
        page = ctx.pages[0]
        with browser.on_failure(page, "smoke-lab", lab):
            browser.open_notebook(page, lab, nb.name)
            browser.run_all_cells(page)
            browser.wait_for_widgets(page, browser.TEXT_INPUT)
            assert browser.notebook_errors(page) == []
            assert "last cell ran" in browser.cell_outputs(page)[-1]
            round_trip(page, "hello from playwright")
            path = browser.screenshot(page, "smoke-lab")
            kernels = lab.child_pids()
    assert kernels, "no kernel process seen while the notebook ran"
    assert path.is_file() and path.stat().st_size > 0
    assert lab.process.poll() is not None, "JupyterLab still running after the with block"
    assert not [pid for pid in kernels if browser.pid_alive(pid)], "kernel left running"


@pytest.mark.timeout(300)
def test_voila_renders_widgets(tmp_path: Path) -> None:
    need("voila")
    nb = write_smoke_notebook(tmp_path)
    with browser.voila(nb) as app, browser.chromium() as ctx:
        page = ctx.pages[0]
        with browser.on_failure(page, "smoke-voila", app):
            browser.open_voila(page, app)
            browser.wait_for_widgets(page, browser.BUTTON)
            round_trip(page, "voila works")
            path = browser.screenshot(page, "smoke-voila")
            kernels = app.child_pids()
    assert kernels, "no kernel process seen while the app ran"
    assert path.is_file() and path.stat().st_size > 0
    assert app.process.poll() is not None, "Voila still running after the with block"
    assert not [pid for pid in kernels if browser.pid_alive(pid)], "kernel left running"
