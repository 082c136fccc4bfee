"""The Evaluator: run a suite and read it as a matrix of cases x versions; click a cell to see why."""

from __future__ import annotations

import html
import threading
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit.widgets._base import Panel, panel_box, row, text_label
from agentkit.widgets._logic import error_text, frame_html

PASS, MIXED, FAIL, NOT_RUN = "success", "warning", "danger", ""


def cell_style(passed: int, total: int, errors: int = 0) -> str:
    """The button style of a cell: every sample passed, some did, none did, or nothing yet."""
    if total == 0:
        return NOT_RUN
    if passed == total:
        return PASS
    return MIXED if passed or errors else FAIL


def change_style(before: list[Any], now: list[Any]) -> str | None:
    """The style of a cell beside another run: better (green), worse (red), or None (as it is)."""
    if not before or not now:
        return None
    rate = lambda samples: sum(s.passed for s in samples) / len(samples)  # noqa: E731
    if rate(now) > rate(before):
        return PASS
    if rate(now) < rate(before):
        return FAIL
    return None


def _pre(text: str) -> str:
    return "<pre style='white-space:pre-wrap;margin:0'>" + html.escape(text) + "</pre>"


def detail_html(text: str) -> str:
    """The cell detail as preformatted text, failed checks in red and passed ones in green."""
    lines = []
    for line in text.splitlines():
        escaped = html.escape(line)
        stripped = line.lstrip()
        if stripped.startswith("✗") or stripped.startswith("error:"):
            escaped = f"<span style='color:#c62828'>{escaped}</span>"
        elif stripped.startswith("✓"):
            escaped = f"<span style='color:#2e7d32'>{escaped}</span>"
        elif stripped.startswith("-- sample"):
            escaped = f"<b>{escaped}</b>"
        lines.append(escaped)
    return "<pre style='white-space:pre-wrap;margin:0'>" + "\n".join(lines) + "</pre>"


class Evaluator(Panel):
    """Run an evaluation suite; see cases x versions as a matrix of pass counts, a cell's answers and
    failed checks, the summary with 95% intervals, a paired comparison of two versions, and routing.

    `run_button` (or `run()`) starts the suite in a worker thread; cells fill in as samples finish;
    `stop_button` stops it. `wait()` blocks until it is done. `cell(case, version)` is a cell's button
    (click it, or call `select`); read `detail_text()`, `matrix_text()`, `summary_text()`, and
    `verdict.value` after setting `compare_a` and `compare_b`. `results` holds the EvalResults. Answers
    that did not come from Claude (the stand-in test server) are labelled as such in `banner`.
    """

    SHOWS_HINT = True

    def __init__(self, suite: Any, results: Any = None, *, concurrency: int | None = None) -> None:
        from agentkit import evals

        self.error: str | None = None
        self._name = suite.path.name if isinstance(suite, evals.Suite) and suite.path else "suite"
        if isinstance(suite, str | Path):
            self._name = Path(suite).name or "suite"
        # A suite that cannot be read is shown in the status, with Run disabled: never a traceback.
        self.suite: Any = None
        try:
            self.suite = suite if isinstance(suite, evals.Suite) else evals.load_suite(suite)
        except Exception as exc:
            self.error = f"cannot load the suite: {error_text(exc)}"
        self.results = results
        self.baseline: Any = None  # another run shown beside this one: EvalResults or a stored run
        self.baseline_name = ""
        self.concurrency = concurrency
        self.selected: tuple[str, str] | None = None
        versions = self.suite.versions if self.suite is not None else []
        axes = [m or "(own)" for m in self.suite.models] if self.suite is not None else ["(own)"]

        self.run_button = w.Button(description="Run", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.ask_again = w.Checkbox(
            value=False, description="ask again (ignore recorded answers)", indent=False
        )
        self.model = w.Dropdown(options=axes, value=axes[0], description="Model", disabled=len(axes) < 2)
        runs = self.suite.runs if self.suite is not None else 0
        self.progress = w.IntProgress(value=0, min=0, max=max(runs, 1), description="Samples")
        self.status = text_label(cls="agentkit-eval-status")
        self.banner = w.HTML()
        self._buttons: dict[tuple[str, str], w.Button] = {}
        self.matrix = w.GridBox(layout=w.Layout(grid_gap="2px"))
        self.matrix.add_class("agentkit-eval-matrix")
        self.detail = w.HTML()
        self.detail.add_class("agentkit-eval-detail")
        self.summary = w.HTML()
        self.compare_a = w.Dropdown(
            options=versions, value=versions[0] if versions else None, description="A"
        )
        self.compare_b = w.Dropdown(
            options=versions, value=versions[1] if len(versions) > 1 else None, description="B"
        )
        self.verdict = text_label(cls="agentkit-eval-verdict")
        self.runs_picker = w.Dropdown(options=[("(none)", None)], value=None, description="Beside")
        self.runs_picker.observe(lambda c: self._picked(c["new"]), names="value")
        self.changes = w.HTML()
        self.changes.add_class("agentkit-eval-changes")
        self.routing = w.HTML()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._tallies: dict[tuple[str, str], list[int]] = {}

        self.run_button.on_click(lambda _b: self.run())
        self.stop_button.on_click(lambda _b: self.stop())
        self.model.observe(lambda _c: self.refresh(), names="value")
        for control in (self.compare_a, self.compare_b):
            control.observe(lambda _c: self.refresh_verdict(), names="value")
        self._build_matrix()
        self.widget = panel_box(
            [
                w.HTML(f"<b>{html.escape(self._title())}</b>"),
                row(self.run_button, self.stop_button, self.ask_again, self.model),
                row(self.progress, self.status),
                self.banner,
                row(self.runs_picker),
                self.matrix,
                self.changes,
                self.detail,
                w.HTML("<b>Summary</b> (pass rate with its 95% Wilson interval)"),
                self.summary,
                row(self.compare_a, self.compare_b),
                self.verdict,
                self.routing,
            ],
            "evaluator",
        )
        self.list_runs()
        if self.suite is None:
            self.run_button.disabled = True
            self.status.value = f"failed: {self.error}"
        elif results is not None:
            self.refresh()
        else:
            self.status.value = f"{self.suite.runs} samples to run: click Run"

    def _title(self) -> str:
        if self.suite is None:
            return self._name
        name = self.suite.path.name if self.suite.path else "suite"
        return f"{name}: {self.suite.description}" if self.suite.description else name

    def __repr__(self) -> str:
        s = self.suite
        if s is None:
            return f"Evaluator({self._name}: not loaded)"
        name = s.path.name if s.path else "suite"
        return f"Evaluator({name}: {len(s.agents)} versions x {len(s.cases)} cases x {s.repeat} samples)"

    # -- the matrix --------------------------------------------------------------------------------
    def _build_matrix(self) -> None:
        versions = self.suite.versions if self.suite is not None else []
        header = [w.HTML("<b>case</b>")] + [w.HTML(f"<b>{html.escape(v)}</b>") for v in versions]
        rows: list[w.Widget] = list(header)
        for case in self.suite.cases if self.suite is not None else []:
            rows.append(w.HTML(html.escape(case.id)))
            for version in versions:
                button = w.Button(
                    description="-", tooltip=f"{case.id} x {version}", layout=w.Layout(width="auto")
                )
                button.on_click(lambda _b, c=case.id, v=version: self.select(c, v))
                self._buttons[(case.id, version)] = button
                rows.append(button)
        self.matrix.children = rows
        self.matrix.layout.grid_template_columns = (
            f"minmax(140px, max-content) repeat({len(versions)}, 140px)"
        )

    def cell(self, case: str, version: str) -> w.Button:
        return self._buttons[(case, version)]

    def select(self, case: str, version: str) -> None:
        """Show one cell: every sample's checks, the failed ones first in mind, and the answers."""
        self.selected = (case, version)
        self.detail.value = detail_html(self.detail_text())

    def detail_text(self) -> str:
        if self.selected is None:
            return "click a cell to see its answers and checks"
        if self.results is None:
            return f"{self.selected[0]} x {self.selected[1]}: not run yet"
        return self.results.detail(*self.selected, model=self.model.value)

    def matrix_text(self) -> str:
        if self.results is None:
            return "not run yet"
        return self.results.matrix_text(self.model.value)

    def summary_text(self) -> str:
        if self.results is None:
            return "not run yet"
        table = self.results.summary()
        table = table[table["model_axis"] == self.model.value]
        columns = [
            "version",
            "model",
            "passed",
            "failed",
            "errors",
            "pass_rate",
            "ci_low",
            "ci_high",
            "flaky",
        ]
        return table[columns].round(3).to_string(index=False)

    # -- another run beside this one ---------------------------------------------------------------
    def list_runs(self) -> None:
        """Fill the Beside picker with the stored runs of this suite (newest first)."""
        from agentkit import evals

        options: list[tuple[str, Any]] = [("(none)", None)]
        try:
            stored = evals.runs(50)
        except Exception:  # an unreadable history: nothing to pick, said nowhere louder than here
            stored = None
        if stored is not None and self.suite is not None and self.suite.path is not None:
            mine = stored[stored["suite"] == str(self.suite.path)]
            for _, run in mine.iterrows():
                shown = f"run {run['run_id']} · {run['created'][:16]} · {run['passed']}/{run['samples']} pass"
                options.append((shown, run["run_id"]))
        self.runs_picker.options = options

    def _picked(self, run_id: Any) -> None:
        if run_id is None:
            self.compare_with(None)
        elif self.baseline is None or getattr(self.baseline, "run_id", None) != run_id:
            self.compare_with(run_id)

    def compare_with(self, run: Any, name: str | None = None) -> None:
        """Show another run beside this one: each cell reads "before -> now", coloured by what changed,
        and the changes are listed below the matrix. `run` is EvalResults, a stored run's id (or a unique
        start of one), or None to show this run alone."""
        from agentkit import evals

        if isinstance(run, str):
            try:
                run = evals.load_run(run)
            except Exception as e:
                self.status.value = f"cannot show run {run}: {error_text(e)}"
                return
        self.baseline = run
        self.baseline_name = name or (f"run {run.run_id}" if run is not None and run.run_id else "before")
        self._draw_cells()
        self.changes.value = "" if run is None else _pre(self.changes_text())

    def changes_text(self) -> str:
        """Case by case, what changed from the run beside this one to this one."""
        from agentkit import evals

        if self.baseline is None or self.results is None:
            return ""
        now = f"run {self.results.run_id}" if self.results.run_id else "this run"
        return evals.diff(self.baseline, self.results, names=(self.baseline_name, now)).text()

    # -- running -----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, *, wait: bool = False) -> None:
        """Run the suite in a worker thread; cells fill in as samples finish."""
        if self.running:
            self.status.value = "already running: Stop first"
            return
        if self.suite is None:
            self.status.value = f"failed: {self.error}"
            return
        self._stop = threading.Event()
        self._tallies = {}
        self.error = None
        self.progress.value = 0
        for button in self._buttons.values():
            button.description, button.button_style = "…", NOT_RUN
        self.status.value = f"running {self.suite.runs} samples…"
        self.run_button.disabled, self.stop_button.disabled = True, False
        self._thread = threading.Thread(target=self._work, daemon=True, name="agentkit-evaluator")
        self._thread.start()
        if wait:
            self.wait()

    def _on_result(self, sample: Any, done: int, total: int) -> None:  # a worker thread
        self.progress.value = done
        if sample.model_axis != self.model.value:
            return
        tally = self._tallies.setdefault((sample.case, sample.version), [0, 0, 0])
        tally[0] += sample.passed
        tally[1] += 1
        tally[2] += sample.status == "error"
        button = self._buttons[(sample.case, sample.version)]
        button.description = f"{tally[0]}/{tally[1]}"
        button.button_style = cell_style(*tally)

    def _work(self) -> None:
        from agentkit import AgentkitError, evals

        try:
            self.results = evals.run(
                self.suite,
                concurrency=self.concurrency,
                no_cache=self.ask_again.value,
                progress=False,
                on_result=self._on_result,
                stop=self._stop,
            )
        except Exception as e:  # a worker thread: whatever goes wrong is shown, never lost
            self.error = (
                error_text(e) if isinstance(e, AgentkitError) else f"unexpected error: {error_text(e)}"
            )
        finally:
            self.run_button.disabled, self.stop_button.disabled = False, True
            try:
                self.refresh()
            except Exception as e:
                self.status.value = f"failed to show the results: {error_text(e)}"

    def stop(self) -> None:
        """Stop after the samples already running; what finished is kept. Does nothing when nothing runs."""
        if not self.running:
            return
        self._stop.set()
        self.status.value = "stopping…"

    def wait(self, timeout: float | None = 600) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    # -- showing results ---------------------------------------------------------------------------
    def refresh(self) -> None:
        """Redraw everything from `results` (after a run, or when the model changes)."""
        results = self.results
        if self.error is not None:
            # The run failed: the cells, like matrix_text() and the summary, show the results from before.
            self._draw_cells()
            self.progress.value = len(results.samples) if results is not None else 0
            shown = "; the matrix shows the previous results" if results is not None else ""
            self.status.value = f"failed: {self.error}{shown}"
            return
        if results is None:
            return
        self._draw_cells()
        self.progress.value = len(results.samples)
        recorded = sum(s.cached for s in results.samples)
        judged = [s for s in results.samples if s.status != "error"]
        self.status.value = (
            f"{'stopped' if results.stopped else 'done'}: {len(results.samples)} samples, "
            f"{sum(s.passed for s in judged)} pass, {len(judged) - sum(s.passed for s in judged)} fail, "
            f"{len(results.samples) - len(judged)} errors; {recorded} from recorded answers"
        )
        note = results.source_note()
        self.banner.value = (
            f"<p style='color:#a15c00;margin:0'><b>{html.escape(note)}</b></p>" if note else ""
        )
        import pandas as pd

        table = results.summary()
        table = table[table["model_axis"] == self.model.value]
        columns = {  # the columns a person compares versions by; summary() has them all
            "version": table["version"],
            "model": table["model"],
            "passed": [f"{p} of {n}" for p, n in zip(table["passed"], table["samples"], strict=True)],
            "pass rate (95% interval)": [
                f"{r:.0%} ({lo:.0%}-{hi:.0%})"
                for r, lo, hi in zip(table["pass_rate"], table["ci_low"], table["ci_high"], strict=True)
            ],
            "cases always passing": table["cases_all_pass"],
            "flaky cases": table["flaky"],
            "mean score": table["mean_score"].round(2),
            "cost USD": table["cost_usd"].round(4),
            "answers from": table["source"],
        }
        self.summary.value = frame_html(pd.DataFrame(columns))
        self.routing.value = "" if results.routing is None else self._routing_html(results.routing)
        self.refresh_verdict()
        if self.baseline is not None:
            self.changes.value = _pre(self.changes_text())
        self.list_runs()
        if self.selected is not None:
            self.select(*self.selected)

    def _draw_cells(self) -> None:
        """Every cell from `results` ("-" where nothing ran); with a run beside, "before -> now"."""
        axis = self.model.value
        for (case, version), button in self._buttons.items():
            samples = (
                self.results.select(case=case, version=version, model=axis)
                if self.results is not None
                else []
            )
            passed = sum(s.passed for s in samples)
            errors = sum(s.status == "error" for s in samples)
            now = f"{passed}/{len(samples)}" if samples else "-"
            button.description = now
            button.button_style = cell_style(passed, len(samples), errors)
            if self.baseline is not None:
                before = [
                    s
                    for s in self.baseline.samples
                    if (s.case, s.version, s.model_axis) == (case, version, axis)
                ]
                was = f"{sum(s.passed for s in before)}/{len(before)}" if before else "-"
                button.description = f"{was} → {now}"
                button.button_style = change_style(before, samples) or button.button_style

    def refresh_verdict(self) -> None:
        a, b = self.compare_a.value, self.compare_b.value
        if self.results is None or a is None or b is None:
            self.verdict.value = ""
        elif a == b:
            self.verdict.value = "pick two different versions to compare"
        else:
            self.verdict.value = self.results.compare(a, b, model=self.model.value).sentence

    @staticmethod
    def _routing_html(routing: Any) -> str:
        text = routing.text()
        return "<b>Routing</b><pre style='white-space:pre-wrap;margin:0'>" + html.escape(text) + "</pre>"
