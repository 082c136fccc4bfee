"""The RouteExplorer: will Claude Code hand a request to an agent? Bars per outcome, before and after an edit."""

from __future__ import annotations

import html
import os
import threading
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit.widgets._base import FULL_WIDTH, Panel, panel_box, row, text_label
from agentkit.widgets._logic import error_text

_BAR = "display:inline-block;height:10px;vertical-align:middle;background:{color};width:{width}px"
_NOT_REAL = "background:#fff3cd;color:#7a4d00;border:1px solid #e0c36a;border-radius:3px;padding:0 4px"
_REAL = "background:#e8f5e9;color:#1b5e20;border:1px solid #a5d6a7;border-radius:3px;padding:0 4px"
BAR_PX = 160
NO_EDIT = "(no edit)"


def source_badge(route: Any) -> str:
    style = _REAL if route.real else _NOT_REAL
    return f"<span style='{style}'>{html.escape(route.source_label)}</span>"


def _cell(route: Any, label: str, color: str) -> str:
    n = len(route.answered)
    k = route.picks.get(label, 0)
    if not n:
        return "<td>no answer</td>"
    low, high = route.interval(label)
    width = round(BAR_PX * k / n)
    bar = _BAR.format(color=color, width=width) + ";margin-right:6px"
    rest = _BAR.format(color="#e0e0e0", width=BAR_PX - width)
    share = f"{k}/{n} · {k / n:.0%} <span style='color:#666'>({low:.0%}–{high:.0%})</span>"
    return (
        f"<td style='white-space:nowrap'><span style='{bar}'></span>"
        f"<span style='{rest}'></span></td><td style='white-space:nowrap'>{share}</td>"
    )


def routes_html(after: Any, before: Any | None = None) -> str:
    """A table of outcomes (the labels any sample gave) with a bar, count, share and 95% interval each;
    with `before`, the project as it is beside the changed one. Each column says where its answers came from."""
    routes = [r for r in (before, after) if r is not None]
    labels = [
        lab
        for lab in dict.fromkeys(lab for r in routes for lab in r.labels)
        if any(r.picks.get(lab) for r in routes)
    ]
    heads = ["as it is", "with the edit"] if before is not None else ["answers"]
    head = "".join(
        f"<th colspan='2'>{h}<br>{source_badge(r)}</th>" for h, r in zip(heads, routes, strict=True)
    )
    rows = []
    for label in labels:
        builtin = any(r.builtin(label) for r in routes)
        name = html.escape(label) + (" <span style='color:#666'>(built-in)</span>" if builtin else "")
        color = "#9e9e9e" if label == "(self)" else ("#90caf9" if builtin else "#1976d2")
        cells = "".join(_cell(r, label, color) for r in routes)
        rows.append(f"<tr><td style='white-space:nowrap'>{name}</td>{cells}</tr>")
    if not rows:
        rows.append(f"<tr><td colspan='{1 + 2 * len(routes)}'>no sample was answered</td></tr>")
    table = f"<table><tr><th>what Claude Code did first</th>{head}</tr>{''.join(rows)}</table>"
    notes = []
    for name, r in zip(heads, routes, strict=True):
        cost = r.cost_usd
        money = "no price for this model" if cost is None else f"${cost:.4f}"
        failed = f", {r.errors} failed" if r.errors else ""
        notes.append(
            f"{html.escape(name)}: Claude Code {html.escape(r.claude_code)} · {html.escape(r.model)} · "
            f"{len(r.answered)} of {len(r.samples)} samples{failed} · {money}"
            + (f" · {r.cached} from the history" if r.cached else "")
        )
    if after.capture.changes:
        notes.append("edit: " + html.escape("; ".join(after.capture.changes)))
    words = next((s.words for s in after.answered if s.words), "")
    if words:
        notes.append(f"the model's words before its first action: <i>{html.escape(words[:300])}</i>")
    return table + "".join(f"<div style='color:#555;font-size:12px'>{n}</div>" for n in notes)


def project_agents(
    project: str | os.PathLike[str], config_dir: str | os.PathLike[str] | None = None
) -> dict[str, Any]:
    """name -> the agent Claude Code uses for it in the project: the project's own, and the user's (from
    `config_dir`'s agents folder when given, else from ~/.claude)."""
    from agentkit import discover, load

    found = list(discover(project))
    if config_dir is not None:
        found = [a for a in found if a.scope != "user"]
        folder = Path(config_dir) / "agents"
        if folder.is_dir():
            found += [a for a in load(folder) if a.shadowed_by is None]
    usable = [a for a in found if a.loaded and a.shadowed_by is None and isinstance(a.name, str)]
    by_name: dict[str, Any] = {}
    for agent in usable:  # the project's agent wins a name over the user's, as in Claude Code
        if agent.name not in by_name or agent.scope == "project":
            by_name[agent.name] = agent
    return {name: by_name[name] for name in sorted(by_name, key=str.lower)}


class RouteExplorer(Panel):
    """Will Claude Code hand a request to an agent? Type the request, pick how many samples, click
    **Ask Claude Code**: the pinned Claude Code builds its own request for `project` and the API answers it
    `samples` times; the bars count what each answer did first (an agent, built-in ones included, or
    `(self)`: the main agent doing the work). Pick an agent and edit its description to see the same request
    before and after the edit (the file is never written). `run()` and `wait()` drive it from code;
    `result` and `before` hold the Routes.
    """

    SHOWS_HINT = True

    def __init__(
        self,
        project: str | os.PathLike[str] = ".",
        request: str = "",
        *,
        samples: int = 5,
        config_dir: str | os.PathLike[str] | None = None,
        claude: str | os.PathLike[str] | None = None,
    ) -> None:
        self.project = Path(project)
        self.config_dir = config_dir
        self.claude = claude
        self.result: Any = None
        self.before: Any = None
        self._thread: threading.Thread | None = None
        problems = []
        try:
            self.agents = project_agents(self.project, config_dir)
        except Exception as exc:  # a folder that cannot be read: said in the status, never raised
            self.agents = {}
            problems.append(f"cannot read the project's agents: {error_text(exc)}")
        self.request = w.Textarea(
            value=request,
            placeholder="What a user would type to Claude Code",
            rows=2,
            layout=w.Layout(width=FULL_WIDTH),
        )
        self.samples = w.BoundedIntText(
            value=samples, min=1, max=100, description="Samples", layout=w.Layout(width="180px")
        )
        self.agent = w.Dropdown(
            options=[NO_EDIT, *self.agents],
            value=NO_EDIT,
            description="Edit",
            layout=w.Layout(width="320px", max_width="100%"),
        )
        self.description = w.Textarea(
            value="",
            placeholder="Pick an agent to edit its description (in memory only)",
            rows=3,
            disabled=True,
            layout=w.Layout(width=FULL_WIDTH),
        )
        self.run_button = w.Button(description="Ask Claude Code", button_style="primary", icon="play")
        self.status = text_label(problems[0] if problems else "")
        self.output = w.HTML()
        self.agent.observe(self._pick, names="value")
        self.run_button.on_click(lambda _b: self.run())
        self.widget = panel_box(
            [
                self.request,
                row(self.samples, self.agent, self.run_button),
                self.description,
                self.status,
                self.output,
            ],
            "route",
        )

    def __repr__(self) -> str:
        count = len(self.agents)
        return (
            f"<RouteExplorer {self.project.name or self.project}: {count} agent{'s' * (count != 1)} of yours>"
        )

    def _pick(self, change: dict[str, Any]) -> None:
        agent = self.agents.get(change["new"])
        self.description.disabled = agent is None
        self.description.value = (
            agent.description if agent is not None and isinstance(agent.description, str) else ""
        )

    def edited(self) -> Any | None:
        """The picked agent with the edited description, or None when nothing is edited."""
        import agentkit

        agent = self.agents.get(self.agent.value)
        if agent is None or self.description.value == (agent.description or ""):
            return None
        return agentkit.edit(agent, description=self.description.value)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def run(self, *, wait: bool = False) -> None:
        """Ask Claude Code in a worker thread (twice, before and after, when a description is edited)."""
        if self.running:
            return
        request = self.request.value.strip()
        if not request:
            self.status.value = "type a request first"
            return
        try:
            edited = self.edited()
        except Exception as exc:
            self.status.value = f"cannot make that edit: {error_text(exc)}"
            return
        self.run_button.disabled = True
        self.status.value = (
            "Claude Code is building its request..."
            if edited is None
            else "asking before and after the edit..."
        )
        self._thread = threading.Thread(target=self._work, args=(request, edited), daemon=True)
        self._thread.start()
        if wait:
            self.wait()

    def _work(self, request: str, edited: Any | None) -> None:
        from agentkit import live

        samples = int(self.samples.value)

        def route(agents: list[Any] | None) -> Any:
            return live.route(
                request,
                self.project,
                samples=samples,
                agents=agents,
                config_dir=self.config_dir,
                claude=self.claude,
            )

        try:  # a worker thread: whatever goes wrong is shown in the status
            before = route(None) if edited is not None else None
            after = route([edited] if edited is not None else None)
        except Exception as exc:
            self.status.value = error_text(exc)
        else:
            self.before, self.result = before, after
            self.output.value = routes_html(after, before)
            top = max(after.picks, key=lambda label: after.picks[label]) if after.picks else None
            self.status.value = (
                f"most often: {top} ({after.shares()[top]:.0%} of {len(after.answered)})"
                if top
                else "no sample was answered"
            ) + f" · {after.source_label}"
        finally:
            self.run_button.disabled = False

    def wait(self, timeout: float | None = 300) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def results_text(self) -> str:
        """The result as text: the bars (and before/after), without timings."""
        from agentkit import live

        if self.result is None:
            return self.status.value
        if self.before is not None:
            return live.side_by_side(self.before, self.result)
        return "\n".join([*self.result.bars(), f"answers from: {self.result.source_label}"])
