"""The Evaluator widget, driven without a browser against the stand-in Messages API."""

from __future__ import annotations

from pathlib import Path

import pytest

from agentkit import evals
from agentkit._errors import LiveError
from agentkit.widgets import Evaluator
from agentkit.widgets._evaluator import cell_style, detail_html
from tests.test_evals import REVIEWER, STRICT


@pytest.fixture
def suite_file(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("AGENTKIT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("AGENTKIT_REPLAY", raising=False)
    (tmp_path / "agents").mkdir()
    (tmp_path / "agents" / "reviewer.md").write_text(REVIEWER)
    (tmp_path / "agents" / "strict.md").write_text(STRICT)
    path = tmp_path / "suite.yaml"
    path.write_text(
        "description: two reviewers\n"
        "agents: [agents/reviewer.md, agents/strict.md]\n"
        "repeat: 2\n"
        "cases:\n"
        "  - {id: kind, prompt: Review k, assert: [{type: contains, value: carefully}]}\n"
        "  - {id: any, prompt: Review l}\n"
    )
    return path


def test_cell_styles_and_detail_markup() -> None:
    assert [cell_style(2, 2), cell_style(1, 2), cell_style(0, 2), cell_style(0, 0)] == [
        "success",
        "warning",
        "danger",
        "",
    ]
    assert cell_style(0, 2, errors=1) == "warning"  # an error is not a verdict on the agent
    marked = detail_html('-- sample 1: FAIL\n   ✗ contains "<x>": no\n   ✓ cost 1: ok')
    assert "<b>-- sample 1: FAIL</b>" in marked
    assert "<span style='color:#c62828'>   ✗ contains &quot;&lt;x&gt;&quot;: no</span>" in marked


def test_evaluator_runs_fills_the_matrix_and_explains_a_cell(suite_file, fake_api) -> None:
    evaluator = Evaluator(suite_file)
    assert repr(evaluator) == "Evaluator(suite.yaml: 2 versions x 2 cases x 2 samples)"
    assert evaluator.status.value == "8 samples to run: click Run"
    assert evaluator.cell("kind", "strict").description == "-"
    evaluator.run_button.click()
    evaluator.wait()
    assert evaluator.status.value == "done: 8 samples, 6 pass, 2 fail, 0 errors; 0 from recorded answers"
    assert fake_api.count == 8 and evaluator.progress.value == 8
    assert evaluator.cell("kind", "reviewer").description == "2/2"
    assert evaluator.cell("kind", "reviewer").button_style == "success"
    assert (evaluator.cell("kind", "strict").description, evaluator.cell("kind", "strict").button_style) == (
        "0/2",
        "danger",
    )
    assert "stand-in Messages API" in evaluator.banner.value
    evaluator.cell("kind", "strict").click()
    text = evaluator.detail_text()
    assert text.startswith("kind x strict (claude-opus-5-5): 0 of 2 samples pass")
    assert '✗ contains "carefully": no "carefully" in the answer' in text
    assert "answer (from the stand-in, not Claude):" in text
    assert "color:#c62828" in evaluator.detail.value
    assert evaluator.verdict.value.startswith("reviewer's pass rate is 50 points higher than strict's")
    evaluator.compare_a.value, evaluator.compare_b.value = "strict", "reviewer"
    assert "(paired permutation test over cases, p=1)" in evaluator.verdict.value
    assert evaluator.matrix_text().splitlines()[-2:] == ["kind      2/2    0/2", "any       2/2    2/2"]

    evaluator.run(wait=True)  # again: every answer is recorded now
    assert fake_api.count == 8
    assert evaluator.status.value.endswith("8 from recorded answers")


def test_evaluator_reports_a_replay_miss_in_its_status(suite_file, fake_api, monkeypatch) -> None:
    monkeypatch.setenv("AGENTKIT_REPLAY", "1")
    evaluator = Evaluator(suite_file)
    evaluator.run(wait=True)
    assert evaluator.status.value.startswith(
        "failed: replay mode (AGENTKIT_REPLAY=1): 8 of 8 samples are not recorded"
    )
    assert not evaluator.run_button.disabled and evaluator.stop_button.disabled


def test_evaluator_shows_given_results_and_routing(suite_file, fake_api) -> None:
    results = evals.run(suite_file, progress=False)
    evaluator = Evaluator(results.suite, results)
    assert evaluator.cell("any", "strict").description == "2/2"
    assert "pass_rate" in evaluator.summary_text().splitlines()[0]
    routed = suite_file.parent / "routing.yaml"
    routed.write_text(
        "routing:\n  agents: [agents/]\n  routers: [offline]\n  requests:\n"
        "    - {request: strict review before the release, expect: strict}\n"
    )
    routing = Evaluator(routed, evals.run(routed, progress=False))
    assert "agents · offline router: 1/1 correct" in routing.routing.value


def test_evaluator_stop_when_nothing_runs_keeps_the_summary(suite_file, fake_api) -> None:
    evaluator = Evaluator(suite_file)
    evaluator.stop()
    assert evaluator.status.value == "8 samples to run: click Run"
    evaluator.run(wait=True)
    done = evaluator.status.value
    assert done.startswith("done: 8 samples")
    evaluator.stop()
    assert evaluator.status.value == done and not evaluator.running


def test_evaluator_after_a_failed_run_shows_the_previous_results(suite_file, fake_api, monkeypatch) -> None:
    evaluator = Evaluator(suite_file)
    evaluator.run(wait=True)
    cells = {key: (b.description, b.button_style) for key, b in evaluator._buttons.items()}
    matrix, summary = evaluator.matrix_text(), evaluator.summary.value
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    evaluator.ask_again.value = True
    evaluator.run(wait=True)
    assert evaluator.status.value.startswith("failed: ")
    assert evaluator.status.value.endswith("; the matrix shows the previous results")
    assert {key: (b.description, b.button_style) for key, b in evaluator._buttons.items()} == cells
    assert evaluator.matrix_text() == matrix and evaluator.summary.value == summary
    assert evaluator.progress.value == 8


def test_evaluator_failing_on_its_first_run_shows_no_results(suite_file, fake_api, monkeypatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY")
    evaluator = Evaluator(suite_file)
    evaluator.run(wait=True)
    assert evaluator.status.value.startswith("failed: ") and "previous" not in evaluator.status.value
    assert {b.description for b in evaluator._buttons.values()} == {"-"}
    assert evaluator.matrix_text() == "not run yet" and evaluator.progress.value == 0


def _bad_suites(tmp_path: Path, suite_file: Path) -> dict[str, Path]:
    import os

    bad = {
        "invalid YAML": "cases: [unclosed",
        "empty": "",
        "missing agent": "agents: [agents/nobody.md]\ncases:\n  - {id: a, prompt: p}\n",
    }
    paths = {}
    for what, text in bad.items():
        paths[what] = suite_file.parent / f"{what.replace(' ', '-')}.yaml"
        paths[what].write_text(text)
    paths["binary"] = suite_file.parent / "binary.yaml"
    paths["binary"].write_bytes(b"\xff\xfe\x00\x81\x00")
    paths["folder"] = suite_file.parent / "agents"
    if hasattr(os, "mkfifo"):
        paths["fifo"] = suite_file.parent / "fifo.yaml"
        os.mkfifo(paths["fifo"])
    return paths


def test_evaluator_on_a_suite_it_cannot_read_shows_why(tmp_path, suite_file, fake_api) -> None:
    for what, path in _bad_suites(tmp_path, suite_file).items():
        evaluator = Evaluator(path)  # no traceback
        assert evaluator.status.value.startswith("failed: cannot load the suite: "), what
        assert evaluator.run_button.disabled, what
        assert repr(evaluator) == f"Evaluator({path.name}: not loaded)"
        evaluator.run(wait=True)
        assert evaluator.status.value.startswith("failed: cannot load the suite: "), what
        assert evaluator.matrix_text() == "not run yet" and evaluator._buttons == {}
        evaluator.stop()


@pytest.mark.parametrize(
    ("error", "shown"),
    [
        (LiveError("the prompt holds a lone surrogate"), "failed: the prompt holds a lone surrogate"),
        (RuntimeError("boom"), "failed: unexpected error: RuntimeError: boom"),
    ],
)
def test_evaluator_worker_shows_any_error(suite_file, fake_api, monkeypatch, error, shown) -> None:
    def fail(*_args, **_kwargs):
        raise error

    monkeypatch.setattr(evals, "run", fail)
    evaluator = Evaluator(suite_file)
    evaluator.run(wait=True)
    assert not evaluator.running and evaluator.status.value == shown
    assert {b.description for b in evaluator._buttons.values()} == {"-"}
    assert not evaluator.run_button.disabled and evaluator.stop_button.disabled


def test_evaluator_when_live_run_raises_in_a_sample(suite_file, fake_api, monkeypatch) -> None:
    from agentkit import live

    def fail(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(live, "run", fail)
    evaluator = Evaluator(suite_file)
    evaluator.run(wait=True)
    assert not evaluator.running and not evaluator.status.value.startswith("running")
    assert "boom" in evaluator.status.value or evaluator.status.value.startswith("done:")
    assert "…" not in {b.description for b in evaluator._buttons.values()}


def test_evaluator_shows_two_runs_side_by_side(suite_file, fake_api) -> None:
    before = Evaluator(suite_file)
    before.run(wait=True)
    first = before.results.run_id
    # An edit of the strict reviewer's body: the stand-in echoes its first words, and they now hold "carefully".
    strict = suite_file.parent / "agents" / "strict.md"
    strict.write_text(
        STRICT.replace("You are a demanding reviewer", "You review carefully, a demanding reviewer")
    )
    after = Evaluator(suite_file)
    after.run(wait=True)
    assert [value for _, value in after.runs_picker.options][:3] == [None, after.results.run_id, first]
    after.runs_picker.value = first  # what a click in the picker does
    assert after.cell("kind", "strict").description == "0/2 → 2/2"
    assert after.cell("kind", "strict").button_style == "success"
    assert after.cell("kind", "reviewer").description == "2/2 → 2/2"
    text = after.changes_text()
    assert text.splitlines()[:3] == [
        f"run {first} -> run {after.results.run_id}: 0 regressed, 1 fixed, 3 stayed",
        "Fixed:",
        "  strict:kind: 0/2 -> 2/2",
    ]
    assert "strict:kind: 0/2 -&gt; 2/2" in after.changes.value
    # Results in hand work too (a notebook's two runs, replayed: nothing stored), and so does going back.
    before.compare_with(after.results, name="edited")
    assert before.cell("kind", "strict").description == "2/2 → 0/2"
    assert before.cell("kind", "strict").button_style == "danger"
    assert "1 regressed" in before.changes_text()
    before.compare_with(None)
    assert before.cell("kind", "strict").description == "0/2" and before.changes.value == ""
