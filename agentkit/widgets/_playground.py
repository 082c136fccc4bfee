"""The Playground: run one prompt through several agents side by side, streaming."""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit._reader.agent import Agent, AgentSet
from agentkit.widgets._base import Panel, as_agent_set, text_label
from agentkit.widgets._logic import (
    common_root,
    frame_html,
    unique_labels,
)

# -- Playground ------------------------------------------------------------------------------------


class Playground(Panel):
    """Run one prompt through several agents (or two versions of one) side by side, streaming.

    Pick agents in `picker`, write the `prompt`, choose a `model` (default: each agent's own), click
    `run_button` (or call `run()`); `stop_button` cuts the runs short. `wait()` blocks until they finish;
    `results` holds the RunResults (or the error text) in pane order. Works with no key in replay mode
    (`AGENTKIT_REPLAY=1`), answering from recorded runs.
    """

    def __init__(
        self,
        agents: AgentSet | Iterable[Agent] | str | Path | dict[str, Agent],
        prompt: str = "",
        *,
        selected: Sequence[str] | None = None,
    ) -> None:
        if isinstance(agents, dict):
            self.choices: dict[str, Agent] = dict(agents)
        else:
            agent_set = as_agent_set(agents)
            usable = [a for a in agent_set if a.loaded and isinstance(a.name, str)]
            self.choices = unique_labels(usable, common_root(a.path for a in agent_set))
        labels = list(self.choices)
        self.picker = w.SelectMultiple(
            options=labels,
            value=tuple(selected or labels[:2]),
            rows=6,
            description="Agents",
            layout=w.Layout(width="420px"),
        )
        self.prompt = w.Textarea(
            value=prompt,
            description="Prompt",
            continuous_update=False,
            layout=w.Layout(width="640px", height="90px"),
        )
        from agentkit.live._prices import model_table

        self.model = w.Dropdown(
            options=[("each agent's own", None), *((m, m) for m in model_table())], description="Model"
        )
        self.run_button = w.Button(description="Run", button_style="primary", icon="play")
        self.stop_button = w.Button(description="Stop", button_style="warning", icon="stop", disabled=True)
        self.status = text_label(cls="agentkit-run-status")
        self.panes = w.HBox(layout=w.Layout(flex_flow="row wrap"))
        self.history = w.HTML()
        self.results: list[Any] = []
        self._threads: list[threading.Thread] = []
        self._stop = threading.Event()
        self._lock = threading.Lock()

        self.run_button.on_click(lambda _b: self.run())
        self.stop_button.on_click(lambda _b: self.stop())
        self.widget = w.VBox(
            [
                w.HBox([self.picker, self.model]),
                self.prompt,
                w.HBox([self.run_button, self.stop_button]),
                self.status,
                self.panes,
                w.HTML("<b>History</b>"),
                self.history,
            ]
        )
        self.refresh_history()

    @classmethod
    def versions(cls, saved: Agent, edited: Agent, prompt: str = "") -> Playground:
        """Saved against edited version of one agent, side by side."""
        name = saved.name if isinstance(saved.name, str) else saved.path.stem
        return cls({f"{name} (saved)": saved, f"{name} (edited)": edited}, prompt)

    def __repr__(self) -> str:
        return f"Playground({len(self.choices)} agents)"

    @property
    def running(self) -> bool:
        return any(t.is_alive() for t in self._threads)

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
        self.results = [None] * len(labels)
        texts = [w.HTML(value="") for _ in labels]
        stats = [text_label("running…", "agentkit-run-stats") for _ in labels]
        self.panes.children = [
            w.VBox(
                [w.HTML(f"<b>{html.escape(label)}</b>"), text, stat],
                layout=w.Layout(width="48%", border="1px solid #ddd", padding="4px", margin="2px"),
            )
            for label, text, stat in zip(labels, texts, stats, strict=True)
        ]
        self.status.value = f"running {len(labels)} agent{'s' if len(labels) > 1 else ''}…"
        self.run_button.disabled, self.stop_button.disabled = True, False
        self._threads = [
            threading.Thread(
                target=self._one,
                args=(i, self.choices[label], prompt, texts[i], stats[i]),
                daemon=True,
                name=f"agentkit-playground-{i}",
            )
            for i, label in enumerate(labels)
        ]
        for t in self._threads:
            t.start()
        threading.Thread(target=self._finish, daemon=True, name="agentkit-playground-join").start()
        if wait:
            self.wait()

    def _one(self, index: int, agent: Agent, prompt: str, text: w.HTML, stat: w.Label) -> None:
        from agentkit import live

        parts: list[str] = []

        def on_text(chunk: str) -> None:  # a worker thread: setting a widget's value is safe
            parts.append(chunk)
            text.value = _pre("".join(parts))

        try:
            result = live.run(agent, prompt, model=self.model.value, on_text=on_text, stop=self._stop)
        except live.LiveError as exc:
            self.results[index] = str(exc)
            text.value = f"<div style='color:#c62828'>{html.escape(str(exc))}</div>"
            stat.value = "failed"
            return
        self.results[index] = result
        text.value = _pre(result.text)
        stat.value = run_summary(result)

    def _finish(self) -> None:
        for t in list(self._threads):
            t.join()
        done = [r for r in self.results if not isinstance(r, str) and r is not None]
        failed = len(self.results) - len(done)
        stopped = sum(not r.complete for r in done)
        parts = (
            [f"{len(done) - stopped} complete"]
            + ([f"{stopped} stopped"] if stopped else [])
            + ([f"{failed} failed"] if failed else [])
        )
        self.status.value = "done: " + ", ".join(parts)
        self.run_button.disabled, self.stop_button.disabled = False, True
        self.refresh_history()

    def stop(self) -> None:
        """Cut every running stream short (the partial text is kept and recorded)."""
        self._stop.set()
        self.status.value = "stopping…"

    def wait(self, timeout: float | None = 120) -> None:
        for t in list(self._threads):
            t.join(timeout)
        # Let the joiner thread finish its bookkeeping too.
        for t in threading.enumerate():
            if t.name == "agentkit-playground-join":
                t.join(timeout)

    def refresh_history(self) -> None:
        from agentkit import live

        frame = live.history(limit=20)
        columns = [
            c
            for c in (
                "timestamp",
                "agent",
                "model",
                "prompt",
                "input_tokens",
                "output_tokens",
                "latency_s",
                "cost_usd",
                "complete",
            )
            if c in frame.columns
        ]
        self.history.value = frame_html(
            frame[columns].round({"latency_s": 2, "cost_usd": 5}) if len(frame) else frame
        )

    def results_text(self) -> str:
        """One block per pane: label, summary without timings (stable across runs), the answer."""
        out = []
        for label, r in zip(self.picker.value, self.results, strict=False):
            if r is None or isinstance(r, str):
                out.append(f"[{label}] {r or 'not run'}")
            else:
                out.append(f"[{label}] {run_summary(r, timing=False)}\n{r.text}")
        return "\n\n".join(out)


def _pre(text: str) -> str:
    return f"<pre style='white-space:pre-wrap;margin:0'>{html.escape(text)}</pre>"


def run_summary(result: Any, *, timing: bool = True) -> str:
    """`model · 12 in / 40 out tokens · 1.2 s · $0.00031 · cached`; timings left out on request."""
    parts = [result.model, f"{result.input_tokens} in / {result.output_tokens} out tokens"]
    if timing and result.latency_s is not None:
        parts.append(f"{result.latency_s:.1f} s")
    parts.append("cost unknown" if result.cost_usd is None else f"${result.cost_usd:.5f}")
    if timing and result.cached:
        parts.append("recorded")
    if not result.complete:
        parts.append(f"incomplete ({result.error})")
    return " · ".join(parts)
