"""The Playground: run one prompt through several agents side by side, streaming."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit import Agent, AgentSet
from agentkit.widgets._base import FULL_WIDTH, Panel, as_agent_set, panel_box, row, text_label
from agentkit.widgets._logic import (
    claude_code_missing,
    common_root,
    error_text,
    frame_html,
    run_counts,
    unique_labels,
)

# Answer text wraps at word boundaries. A word longer than the pane breaks where it must: `anywhere`, unlike
# `break-word`, also lowers the text's minimum width, so one long token cannot widen a pane past the notebook.
_TEXT_STYLE = "white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere;margin:0;font-size:12px"
# The footer wraps too: a Label would clip it to one line ("recordec").
_FOOTER_STYLE = "white-space:normal;overflow-wrap:anywhere;color:#555;font-size:12px;line-height:1.4"
_NOT_REAL_STYLE = "background:#fff3cd;color:#7a4d00;border:1px solid #e0c36a;border-radius:3px;padding:0 4px"
_REAL_STYLE = "background:#e8f5e9;color:#1b5e20;border:1px solid #a5d6a7;border-radius:3px;padding:0 4px"
PICK_RECORDED = "(pick a recorded prompt)"


class Playground(Panel):
    """Run one prompt through several agents (or two versions of one) side by side, streaming.

    Pick agents in `picker`, write the `prompt`, choose a `model` (default: each agent's own) and a `mode`
    ("api": the body as the system prompt, no tools; "claude-code": Claude Code runs the agent with its
    tools), click `run_button` (or call `run()`); `stop_button` cuts the runs short. `wait()` blocks until
    they finish; `results` holds the RunResults (or the error text) in pane order. Each pane says where
    its answer came from (the Anthropic API, or agentkit's stand-in: not Claude's answer). Works with no
    key in replay mode (`AGENTKIT_REPLAY=1`), answering from recorded runs: `recorded` then offers the
    recorded prompts.

    `route_button` (or `route()`) asks the other question: would Claude Code hand this prompt to one of the
    selected agents at all? It sends Claude Code's own main-loop request for `project` with the selected
    agents added (`live.route`, a few samples) and shows what each answer did first, built-in agents and
    the main agent doing it itself included.
    """

    SHOWS_HINT = True

    def __init__(
        self,
        agents: AgentSet | Iterable[Agent] | str | Path | dict[str, Agent],
        prompt: str = "",
        *,
        selected: Sequence[str] | None = None,
        mode: str = "api",
        project: str | Path = ".",
        route_samples: int = 3,
    ) -> None:
        from agentkit import live

        self.project = Path(project)
        self.route_samples = route_samples
        self.route_result: Any = None
        problems: list[str] = []  # what went wrong building the panel: shown in its status, never raised
        self.choices: dict[str, Agent] = {}
        if isinstance(agents, dict):
            self.choices = dict(agents)
        else:
            try:
                agent_set = as_agent_set(agents)
            except Exception as exc:
                problems.append(f"cannot load the agents: {error_text(exc)}")
            else:
                usable = [a for a in agent_set if a.loaded and isinstance(a.name, str)]
                self.choices = unique_labels(usable, common_root(a.path for a in agent_set))
        try:
            models = list(live.model_table())
        except Exception as exc:  # a broken $AGENTKIT_HOME or config.toml: runs fail with the same message
            problems.append(error_text(exc))
            models = []
        labels = list(self.choices)
        self.picker = w.SelectMultiple(
            options=labels,
            value=tuple(selected or labels[:2]),
            rows=6,
            description="Agents",
            layout=w.Layout(width="420px", max_width="100%"),
        )
        self.prompt = w.Textarea(
            value=prompt,
            description="Prompt",
            continuous_update=False,
            layout=w.Layout(width="640px", max_width="100%", height="90px"),
        )
        self.model = w.Dropdown(
            options=[("each agent's own", None), *((m, m) for m in models)], description="Model"
        )
        self.mode = w.ToggleButtons(
            options=[("API", live.API), ("Claude Code", live.CLAUDE_CODE)],
            value=mode,
            description="Mode",
            tooltips=[
                "one request: the agent's body as the system prompt, no tools (fast)",
                "Claude Code runs the agent as a subagent, with its tools, in a scratch folder",
            ],
        )
        self.recorded = w.Dropdown(
            options=[PICK_RECORDED],
            value=PICK_RECORDED,
            description="Recorded",
            layout=w.Layout(width="640px", max_width="100%"),
        )
        self.run_button = w.Button(description="Run", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.route_button = w.Button(
            description="Would Claude Code delegate it?",
            icon="random",
            tooltip="Claude Code's own request for this project, with the selected agents added: what it does first",
            layout=w.Layout(width="auto"),
        )
        self.route_output = w.HTML()
        self.status = text_label(cls="agentkit-run-status")
        self.panes = w.HBox(layout=w.Layout(flex_flow="row wrap", width="100%", align_items="stretch"))
        self.history = w.HTML()
        self.results: list[Any] = []
        self.labels: list[str] = []  # the agents of the last run, in pane order (chosen when it started)
        self._threads: list[threading.Thread] = []  # this Playground's workers and joiner, nobody else's
        self._stop = threading.Event()

        self.run_button.on_click(lambda _b: self.run())
        self.stop_button.on_click(lambda _b: self.stop())
        self.route_button.on_click(lambda _b: self.route())
        self.recorded.observe(self._pick_recorded, names="value")
        self.picker.observe(lambda _c: self.refresh_recorded(), names="value")
        self.mode.observe(self._mode_changed, names="value")
        self.widget = panel_box(
            [
                row(self.picker, w.VBox([self.model, self.mode])),
                self.prompt,
                self.recorded,
                row(self.run_button, self.stop_button, self.route_button),
                self.status,
                self.route_output,
                self.panes,
                w.HTML("<b>History</b>"),
                self.history,
            ],
            "playground",
        )
        self.refresh_recorded()
        self.refresh_history()
        if missing := claude_code_missing(self.mode.value):
            self.mode.value = live.API
            problems.append(missing)
        if problems:
            self.status.value = "; ".join(problems)

    @classmethod
    def versions(cls, saved: Agent, edited: Agent, prompt: str = "", *, mode: str = "api") -> Playground:
        """Saved against edited version of one agent, side by side."""
        name = saved.name if isinstance(saved.name, str) else saved.path.stem
        return cls({f"{name} (saved)": saved, f"{name} (edited)": edited}, prompt, mode=mode)

    def __repr__(self) -> str:
        return f"Playground({len(self.choices)} agents)"

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

    # -- replay mode: recorded prompts to pick from -------------------------------------------------------

    def refresh_recorded(self) -> None:
        """In replay mode, offer the prompts recorded for the selected agents in the chosen mode."""
        from agentkit import live

        try:
            replay = live.replaying()
        except Exception as exc:
            self.status.value = error_text(exc)
            replay = False
        self.recorded.layout.display = None if replay else "none"
        if not replay:
            return
        names = [self.choices[label].name for label in self.picker.value if label in self.choices]
        try:
            per_agent = [live.recorded_prompts(name, mode=self.mode.value) for name in names]
        except Exception as exc:
            self.status.value = error_text(exc)
            per_agent = []
        everyone = set.intersection(*(set(p) for p in per_agent)) if per_agent else set()
        ordered: list[str] = []
        for prompts in per_agent:
            ordered += [p for p in prompts if p not in ordered]
        # Prompts recorded for every selected agent first: those answer in every pane.
        ordered.sort(key=lambda p: p not in everyone)
        self.recorded.options = [PICK_RECORDED, *ordered]
        self.recorded.value = self.prompt.value if self.prompt.value in ordered else PICK_RECORDED

    def _mode_changed(self, change: dict[str, Any]) -> None:
        """Claude Code mode where Claude Code is not installed falls back to API mode, and the status says
        what is missing and the command that installs it (its runs could only fail)."""
        from agentkit import live

        if missing := claude_code_missing(change["new"]):
            self.mode.value = live.API
            self.status.value = missing
            return
        self.refresh_recorded()

    def _pick_recorded(self, change: dict[str, Any]) -> None:
        if change["new"] not in (None, PICK_RECORDED):
            self.prompt.value = change["new"]

    # -- would Claude Code delegate it? -------------------------------------------------------------------

    def route(self, *, wait: bool = False) -> None:
        """Ask Claude Code's main loop `route_samples` times what it does first with the prompt, in `project`
        with the selected agents added; the bars go to `route_output`, the Route to `route_result`."""
        labels = list(self.picker.value)
        prompt = self.prompt.value
        if not labels or not prompt.strip():
            self.status.value = "pick at least one agent and write a prompt"
            return
        chosen = [self.choices[label] for label in labels]
        names = [a.name for a in chosen]
        if len(set(names)) < len(names):
            self.status.value = (
                "Claude Code lists one agent per name: pick agents with different names (to compare two "
                "versions of one agent, use the RouteExplorer of notebook 06)"
            )
            return
        self.route_button.disabled = True
        self.status.value = f"asking Claude Code {self.route_samples} times what it does first…"
        worker = threading.Thread(
            target=self._route, args=(prompt, chosen), daemon=True, name="agentkit-playground-route"
        )
        self._threads.append(worker)
        worker.start()
        if wait:
            worker.join(300)

    def _route(self, prompt: str, chosen: list[Any]) -> None:
        from agentkit import live
        from agentkit.widgets._route import routes_html

        try:
            self.route_result = live.route(prompt, self.project, samples=self.route_samples, agents=chosen)
            self.route_output.value = routes_html(self.route_result)
            routed = self.route_result
            self.status.value = (
                f"Claude Code {routed.claude_code}: {len(routed.answered)} of {len(routed.samples)} answers, "
                f"what each did first is below · answers from {routed.source_label}"
            )
        except Exception as exc:  # shown, never raised: a widget callback has no caller to catch it
            self.status.value = f"could not ask Claude Code: {error_text(exc)}"
        finally:
            self.route_button.disabled = False

    # -- running ------------------------------------------------------------------------------------------

    def run(self, *, wait: bool = False) -> None:
        """Start the selected agents on the prompt, each in a worker thread streaming into its pane."""
        if self.running:
            self.status.value = "already running: Stop first"
            return
        labels = list(self.picker.value)
        prompt = self.prompt.value
        if not labels or not prompt.strip():
            self.status.value = "pick at least one agent and write a prompt"
            return
        self._stop = threading.Event()
        self.labels = labels
        self.results = [None] * len(labels)
        fill = {"width": FULL_WIDTH, "min_width": "0"}  # may shrink to the pane's width
        heads = [w.HTML(_head(label), layout=w.Layout(**fill)) for label in labels]
        texts = [w.HTML(value="", layout=w.Layout(**fill)) for _ in labels]
        stats = [w.HTML(_footer("running…"), layout=w.Layout(**fill)) for _ in labels]
        for stat in stats:
            stat.add_class("agentkit-run-stats")
        self.panes.children = [
            w.VBox(
                [head, text, stat],
                layout=w.Layout(
                    flex="1 1 360px",  # side by side while each gets 360 px, else one under the other
                    min_width="0",
                    max_width="100%",
                    border="1px solid #ddd",
                    padding="4px",
                    margin="2px",
                ),
            )
            for head, text, stat in zip(heads, texts, stats, strict=True)
        ]
        mode = self.mode.value
        how = " in Claude Code" if mode == "claude-code" else ""
        self.status.value = f"running {len(labels)} agent{'s' if len(labels) > 1 else ''}{how}…"
        self.run_button.disabled, self.stop_button.disabled = True, False
        workers = [
            threading.Thread(
                target=self._one,
                args=(i, label, self.choices[label], prompt, mode, heads[i], texts[i], stats[i]),
                daemon=True,
                name=f"agentkit-playground-{i}",
            )
            for i, label in enumerate(labels)
        ]
        joiner = threading.Thread(
            target=self._finish, args=(workers,), daemon=True, name="agentkit-playground-join"
        )
        self._threads = [*workers, joiner]
        for t in workers:
            t.start()
        joiner.start()
        if wait:
            self.wait()

    def _one(
        self,
        index: int,
        label: str,
        agent: Agent,
        prompt: str,
        mode: str,
        head: w.HTML,
        text: w.HTML,
        stat: w.HTML,
    ) -> None:
        from agentkit import live

        parts: list[str] = []

        def on_text(chunk: str) -> None:  # a worker thread: setting a widget's value is safe
            parts.append(chunk)
            text.value = _pre("".join(parts))

        # A worker thread: whatever goes wrong is shown in its pane, which always finishes.
        try:
            result = live.run(
                agent, prompt, model=self.model.value, mode=mode, on_text=on_text, stop=self._stop
            )
            summary = result.summary()
        except Exception as exc:
            message = error_text(exc)
            self.results[index] = message
            text.value = f"<div style='color:#c62828;{_FOOTER_STYLE}'>{html.escape(message)}</div>"
            stat.value = _footer("failed")
            return
        self.results[index] = result
        head.value = _head(label, result)
        text.value = _pre(result.text)
        stat.value = _footer(summary)

    def _finish(self, workers: list[threading.Thread]) -> None:
        try:
            for t in workers:
                t.join()
            self.status.value = "done: " + run_counts(self.results)
        except Exception as exc:  # a worker thread: never let it die unseen
            self.status.value = f"done, but: {error_text(exc)}"
        finally:
            self.run_button.disabled, self.stop_button.disabled = False, True
        self.refresh_history()

    def stop(self) -> None:
        """Cut every running stream short (the partial text is kept and recorded). Does nothing when
        nothing runs."""
        if not self.running:
            return
        self._stop.set()
        self.status.value = "stopping…"

    def wait(self, timeout: float | None = 120) -> None:
        """Block until this Playground's runs and their bookkeeping are done (other Playgrounds' are not
        waited for)."""
        for t in list(self._threads):
            t.join(timeout)

    def refresh_history(self) -> None:
        from agentkit import live

        try:
            frame = live.history(limit=20)
        except Exception as exc:
            self.history.value = f"<div style='color:#c62828'>{html.escape(error_text(exc))}</div>"
            return
        columns = [
            c
            for c in (
                "timestamp",
                "agent",
                "mode",
                "model",
                "prompt",
                "input_tokens",
                "output_tokens",
                "latency_s",
                "cost_usd",
                "complete",
                "source",
            )
            if c in frame.columns
        ]
        self.history.value = frame_html(
            frame[columns].round({"latency_s": 2, "cost_usd": 5}) if len(frame) else frame
        )

    def results_text(self) -> str:
        """One block per pane: label, summary without timings (stable across runs), the answer. Each pane
        is labelled with the agent it ran, whatever the picker holds now."""
        out = []
        for label, r in zip(self.labels, self.results, strict=False):
            if r is None or isinstance(r, str):
                out.append(f"[{label}] {r or 'not run'}")
            else:
                out.append(f"[{label}] {r.summary(timing=False)}\n{r.text}")
        return "\n\n".join(out)


def _pre(text: str) -> str:
    return f"<pre style='{_TEXT_STYLE}'>{html.escape(text)}</pre>"


def _footer(text: str) -> str:
    return f"<div style='{_FOOTER_STYLE}'>{html.escape(text)}</div>"


def _head(label: str, result: Any = None) -> str:
    """The pane's title, and once the answer is in, where it came from (flagged unless it is Claude's)."""
    title = f"<b>{html.escape(label)}</b>"
    if result is None:
        return title
    style = _REAL_STYLE if result.real else _NOT_REAL_STYLE
    return f"{title} <span style='{style}'>{html.escape(result.source_label)}</span>"


def run_summary(result: Any, *, timing: bool = True) -> str:
    """The one-line summary of a run (kept for callers of the old name; RunResult.summary formats it)."""
    return str(result.summary(timing=timing))
