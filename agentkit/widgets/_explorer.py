"""The Explorer: browse a set of agents, filter and sort, read each one as Claude Code reads it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit._reader.agent import Agent, AgentSet
from agentkit.widgets._base import Panel, as_agent_set, findings_of, text_label
from agentkit.widgets._logic import (
    ALL,
    SORT_KEYS,
    AgentRow,
    agent_rows,
    choices,
    common_root,
    detail_html,
    detail_text,
    filter_rows,
    rows_html,
    rows_text,
    sort_rows,
)

# -- Explorer --------------------------------------------------------------------------------------


class Explorer(Panel):
    """A filterable, sortable table of agents and a detail pane for the one picked.

    Controls: `search`, `status` (loaded/shadowed/dropped), `parse`, `scope`, `model`, `sort_by`,
    `descending`, `picker`. Read `rows` (what the table shows), `selected`, `table_text()`, `detail_text()`.
    """

    def __init__(self, agents: AgentSet | Iterable[Agent] | str | Path) -> None:
        self.agents = as_agent_set(agents)
        self.root = common_root(a.path for a in self.agents)
        self.findings = findings_of(list(self.agents))
        self.all_rows: list[AgentRow] = agent_rows(list(self.agents), self.findings, self.root)
        self.rows: list[AgentRow] = []

        layout = w.Layout(width="170px")
        self.search = w.Text(
            placeholder="search name, description, prompt",
            description="Search",
            continuous_update=True,
            layout=w.Layout(width="320px"),
        )
        self.status = w.Dropdown(
            options=choices(self.all_rows, "status"), description="Status", layout=layout
        )
        self.parse = w.Dropdown(options=choices(self.all_rows, "parse"), description="Parse", layout=layout)
        self.scope = w.Dropdown(options=choices(self.all_rows, "scope"), description="Scope", layout=layout)
        self.model = w.Dropdown(options=choices(self.all_rows, "model"), description="Model", layout=layout)
        self.sort_by = w.Dropdown(options=list(SORT_KEYS), value="file", description="Sort by", layout=layout)
        self.descending = w.Checkbox(
            value=False, description="descending", indent=False, layout=w.Layout(width="110px")
        )
        self.count = text_label(cls="agentkit-count")
        self.table = w.HTML()
        self.table.add_class("agentkit-explorer-table")
        self.picker = w.Select(options=[], rows=8, description="Agent", layout=w.Layout(width="420px"))
        self.detail = w.HTML()
        self.detail.add_class("agentkit-detail")

        for control in (
            self.search,
            self.status,
            self.parse,
            self.scope,
            self.model,
            self.sort_by,
            self.descending,
        ):
            control.observe(self._refresh, names="value")
        self.picker.observe(self._show, names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.search, self.status, self.parse]),
                w.HBox([self.scope, self.model, self.sort_by, self.descending]),
                self.count,
                self.table,
                w.HBox([self.picker]),
                self.detail,
            ]
        )
        self._refresh()

    def __repr__(self) -> str:
        return f"Explorer({len(self.agents)} agents)"

    @property
    def selected(self) -> Agent | None:
        index = self.picker.value
        return None if index is None else self.agents[index]

    def select(self, key: str) -> Agent:
        """Pick an agent by name or file (clearing the filters if they hide it)."""
        agent = self.agents[key]
        index = next(i for i, a in enumerate(self.agents) if a is agent)
        if index not in [r.index for r in self.rows]:
            self.reset()
        self.picker.value = index
        return agent

    def reset(self) -> None:
        """Clear every filter and the sort order."""
        with self.widget.hold_trait_notifications():
            self.search.value = ""
            for control in (self.status, self.parse, self.scope, self.model):
                control.value = ALL
            self.sort_by.value = "file"
            self.descending.value = False
        self._refresh()

    def _refresh(self, _change: Any = None) -> None:
        rows = filter_rows(
            self.all_rows,
            self.search.value,
            self.status.value,
            self.parse.value,
            self.scope.value,
            self.model.value,
        )
        self.rows = sort_rows(rows, self.sort_by.value, self.descending.value)
        current = self.picker.value
        options = [(f"{r.file}  ({r.name or r.status})", r.index) for r in self.rows]
        keep = current if current in [r.index for r in self.rows] else None
        self.picker.options = options
        self.picker.value = keep if keep is not None else (options[0][1] if options else None)
        self.count.value = f"{len(self.rows)} of {len(self.all_rows)} agents shown"
        self.table.value = rows_html(self.rows, self.picker.value)
        self._show()

    def _show(self, _change: Any = None) -> None:
        agent = self.selected
        self.table.value = rows_html(self.rows, self.picker.value)
        if agent is None:
            self.detail.value = "<i>no agent selected</i>"
            return
        self.detail.value = detail_html(agent, self._agent_findings(agent), self.root)

    def _agent_findings(self, agent: Agent) -> list[Any]:
        return [f for f in self.findings if f.path == str(agent.path)]

    def table_text(self) -> str:
        """The table as it stands, as fixed-width text."""
        return rows_text(self.rows)

    def detail_text(self) -> str:
        agent = self.selected
        return (
            "no agent selected"
            if agent is None
            else detail_text(agent, self._agent_findings(agent), self.root)
        )
