"""The UsageExplorer: how agents were really used, from Claude Code's transcripts, for a project and days."""

from __future__ import annotations

import html
import math
import os
from datetime import date
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit import AgentSet, Usage
from agentkit.transcripts import read, summarize
from agentkit.widgets._base import Panel, panel_box, row, text_label
from agentkit.widgets._logic import figure_png, frame_html

ALL_PROJECTS = "(all projects)"
SELF = "(self)"
VALUES = (("invocations", "invocations"), ("cost", "cost_usd"))
AGENT_COLUMNS = ["agent", "builtin", "invocations", "failed", "cancelled", "input_tokens", "output_tokens"]


class UsageExplorer(Panel):
    """Pick a project and days; see invocations and cost per agent over time, the agents never used
    (open one in the Explorer), and the requests that reached each agent.

    The transcripts are read once; every choice is summed up from that read. Controls: `project`,
    `since`, `until` (dates, or None), `value` ("invocations" or "cost_usd"), `agent` (whose requests
    to list), `unused` and `open_button`. Read `usage` (the agentkit.Usage shown), `summary_text()`,
    `agents_text()`, `never_used_text()`, `requests_text()`.
    """

    SHOWS_HINT = True

    def __init__(
        self,
        config_dir: str | os.PathLike[str] | None = None,
        *,
        agents: AgentSet | None = None,
        project: str | None = None,
    ) -> None:
        self.tally = read(config_dir)
        self.agents = agents  # the agents to call used or not; default: what Claude Code would load
        self.explorer: Any = None
        self._discovered: dict[str, AgentSet] = {}
        projects = sorted({i.cwd or i.project for i in self.tally.sessions.values()})
        self.project = w.Dropdown(
            options=[ALL_PROJECTS, *projects],
            value=project if project in projects else ALL_PROJECTS,
            description="Project",
            layout=w.Layout(width="460px", max_width="100%"),
        )
        self.since = w.DatePicker(description="Since", layout=w.Layout(width="260px"))
        self.until = w.DatePicker(description="Until", layout=w.Layout(width="260px"))
        self.value = w.ToggleButtons(options=VALUES, value="invocations", description="Show")
        self.status = text_label(cls="agentkit-usage-status")
        self.figure = w.Output(layout=w.Layout(max_width="100%"))
        self.table = w.HTML()
        self.never_used = w.HTML()
        self.unused = w.Dropdown(description="Never used", layout=w.Layout(width="320px"))
        self.open_button = w.Button(description="Open in Explorer", icon="search")
        self.explorer_box = w.VBox()
        self.agent = w.Dropdown(description="Requests to", layout=w.Layout(width="320px"))
        self.requests = w.HTML()
        for control in (self.project, self.since, self.until):
            control.observe(self._refresh, names="value")
        self.value.observe(self._draw, names="value")
        self.agent.observe(self._show_requests, names="value")
        for control, name in (
            (self.unused, "unused"),
            (self.open_button, "open"),
            (self.requests, "requests"),
        ):
            control.add_class(f"agentkit-usage-{name}")
        self.open_button.on_click(lambda _b: self.open_in_explorer(self.unused.value))
        source = html.escape(str(self.tally.config))
        self.widget = panel_box(
            [
                w.HTML(f"<b>How are my agents used?</b> Transcripts in <code>{source}</code>"),
                row(self.project),
                row(self.since, self.until),
                self.status,
                self.value,
                self.figure,
                self.table,
                self.never_used,
                row(self.unused, self.open_button),
                self.explorer_box,
                self.agent,
                self.requests,
            ],
            "usage",
        )
        self.usage: Usage
        self._refresh()

    def __repr__(self) -> str:
        return f"UsageExplorer({len(self.tally.sessions)} sessions)"

    # -- what the controls do -------------------------------------------------------------------------
    def _refresh(self, _change: Any = None) -> None:
        project = None if self.project.value == ALL_PROJECTS else self.project.value
        since, until = self.since.value, self.until.value
        usage = summarize(self.tally, project, since, until)
        agents = self._agents(project)
        self.usage = usage.against(agents) if agents is not None else usage
        self.status.value = self.summary_text()
        if isinstance(since, date) and isinstance(until, date) and since > until:
            self.status.value += " ('Since' is after 'Until': no day is kept)"
        frame = self.usage.per_agent()
        self.table.value = frame_html(frame[AGENT_COLUMNS + ["cost_usd"]].round(4) if len(frame) else frame)
        self.never_used.value = _names_html("Never used", self.usage.never_used) + (
            _names_html("Used, no longer defined", self.usage.missing) if self.usage.missing else ""
        )
        self.unused.options = list(self.usage.never_used)
        self.open_button.disabled = not self.usage.never_used
        used = list(frame.agent) if len(frame) else []
        self.agent.options = [*used, SELF]
        self._draw()
        self._show_requests()

    def _agents(self, project: str | None) -> AgentSet | None:
        if self.agents is not None:
            return self.agents
        if project is not None and Path(project).is_dir():
            from agentkit import discover

            if project not in self._discovered:
                self._discovered[project] = discover(project, config_dir=self.tally.config).loaded
            return self._discovered[project]
        return None

    def _draw(self, _change: Any = None) -> None:
        from IPython.display import Image

        png = figure_png(self.usage.figure(self.value.value))
        self.figure.outputs = ()
        # append_display_data, not `with out:` (under nbval that output would land in the cell).
        self.figure.append_display_data(Image(data=png, format="png"))

    def _show_requests(self, _change: Any = None) -> None:
        agent = self.agent.value
        found = self.usage.requests_for(agent) if agent else []
        items = "".join(f"<li>{html.escape(r)}</li>" for r in found)
        self.requests.value = f"<ul style='margin:0'>{items}</ul>" if items else "<i>no request</i>"

    def open_in_explorer(self, name: str | None) -> Any:
        """Show the Explorer under the list, on the agents the usage was compared with, `name` selected."""
        from agentkit.widgets._explorer import Explorer

        agents = self._agents(None if self.project.value == ALL_PROJECTS else self.project.value)
        if name is None or agents is None:
            return None
        if self.explorer is None or self.explorer.agents is not agents:
            self.explorer = Explorer(agents)
        self.explorer.select(name)
        self.explorer_box.children = [self.explorer.widget]
        return self.explorer

    # -- what it shows, as text -----------------------------------------------------------------------
    def summary_text(self) -> str:
        u = self.usage
        days = f"{u.since or 'the start'} to {u.until or 'the end'}" if u.since or u.until else "all days"
        cost = u.main["cost_usd"] + u.subagents["cost_usd"]
        counts = (_count(u.sessions, "session"), _count(len(u.invocations), "agent invocation"))
        said = f"{counts[0]}, {counts[1]}, {_count(len(u.requests), 'request')} ({days})"
        if math.isnan(cost):
            return f"{said}; cost unknown: no price for {', '.join(u.unpriced_models)}"
        # "USD", not "$": a widget label typesets text between two "$" as LaTeX.
        return f"{said}; USD {cost:,.2f} at list prices, USD {u.subagents['cost_usd']:,.2f} of it in agents"

    def agents_text(self) -> str:
        frame = self.usage.per_agent()
        return frame[AGENT_COLUMNS].to_string(index=False) if len(frame) else "no agent was invoked"

    def never_used_text(self) -> str:
        return ", ".join(self.usage.never_used) or "(none)"

    def requests_text(self) -> str:
        return "\n".join(self.usage.requests_for(self.agent.value)) if self.agent.value else ""


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _names_html(title: str, names: tuple[str, ...]) -> str:
    shown = ", ".join(f"<code>{html.escape(n)}</code>" for n in names) if names else "<i>none</i>"
    return f"<div><b>{html.escape(title)}</b>: {shown}</div>"
