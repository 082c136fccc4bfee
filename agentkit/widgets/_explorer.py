"""The Explorer: browse a set of agents, filter and sort, read each one as Claude Code reads it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit import Agent, AgentSet
from agentkit.widgets._base import FULL_WIDTH, Panel, as_agent_set, findings_of, panel_box, row, text_label
from agentkit.widgets._logic import (
    ALL,
    SORT_KEYS,
    AgentRow,
    Cell,
    agent_rows,
    choices,
    column_flex,
    common_root,
    detail_html,
    detail_text,
    filter_rows,
    header_cells,
    row_cells,
    rows_text,
    selection_after,
    sort_after_click,
    sort_rows,
    table_columns,
)

#: Rows the table shows at most (each row is a few widgets); search or filter to reach the others.
MAX_ROWS = 100

# -- Explorer --------------------------------------------------------------------------------------


def _cell_button(flex: str, cell: Cell) -> w.Button:
    """A table cell: a flat button (the stylesheet takes its chrome off) as wide as its column's share."""
    button = w.Button(
        description=cell.text,
        tooltip=cell.tooltip or cell.text,
        layout=w.Layout(flex=flex, min_width="0", width="auto"),
    )
    if cell.color:
        button.style.text_color = cell.color
    if cell.bold:
        button.style.font_weight = "bold"
    return button


class Explorer(Panel):
    """A filterable, sortable table of agents and a detail pane for the one picked.

    Click a row to select it (or call `select(name or file)`); click a column header to sort by it.
    Controls: `search`, `status` (loaded/shadowed/dropped), `parse`, `scope`, `model`, `sort_by`,
    `descending`. Read `rows` (what the table shows), `selected`, `table_text()`, `detail_text()`.
    """

    SHOWS_HINT = True

    def __init__(self, agents: AgentSet | Iterable[Agent] | str | Path) -> None:
        self.agents = as_agent_set(agents)
        self.root = common_root(a.path for a in self.agents)
        self.findings = findings_of(list(self.agents))
        self.all_rows: list[AgentRow] = agent_rows(list(self.agents), self.findings, self.root)
        self.rows: list[AgentRow] = []
        self.columns = table_columns(self.all_rows)
        self.flex = column_flex(self.all_rows, self.columns)
        self.selected_index: int | None = None  # position in `agents` of the selected agent
        self._row_views: dict[int, w.HBox] = {}  # built on first show, then reused

        layout = w.Layout(width="170px")
        self.search = w.Text(
            placeholder="name, description or prompt",
            description="Search",
            continuous_update=True,
            layout=w.Layout(width="320px", max_width=FULL_WIDTH),
        )
        self.status = w.Dropdown(
            options=choices(self.all_rows, "status"), description="Status", layout=layout
        )
        self.parse = w.Dropdown(options=choices(self.all_rows, "parse"), description="Parse", layout=layout)
        self.scope = w.Dropdown(
            options=choices(self.all_rows, "scope"),
            description="Scope",
            # Only agents found by `agentkit.discover` have a scope: no filter for a plain folder.
            layout=w.Layout(width="170px", display=None if "scope" in self.columns else "none"),
        )
        self.model = w.Dropdown(options=choices(self.all_rows, "model"), description="Model", layout=layout)
        self.sort_by = w.Dropdown(options=list(SORT_KEYS), value="file", description="Sort by", layout=layout)
        self.descending = w.Checkbox(
            value=False, description="descending", indent=False, layout=w.Layout(width="110px")
        )
        self.count = text_label(cls="agentkit-count")
        self.header_buttons = [
            _cell_button(self.flex[column], cell)
            for column, cell in zip(self.columns, header_cells("file", False, self.columns), strict=True)
        ]
        for column, button in zip(self.columns, self.header_buttons, strict=True):
            button.on_click(lambda _b, column=column: self.sort_by_column(column))
        self.header = row(*self.header_buttons, flex_flow="row nowrap")
        self.header.add_class("agentkit-row")
        self.header.add_class("agentkit-row-head")
        self.table = w.VBox()
        self.table.add_class("agentkit-explorer-table")
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
        self.widget = panel_box(
            [
                row(self.search, self.status, self.parse),
                row(self.scope, self.model, self.sort_by, self.descending),
                self.count,
                self.header,
                self.table,
                self.detail,
            ],
            "explorer",
        )
        self._refresh()

    def __repr__(self) -> str:
        return f"Explorer({len(self.agents)} agents)"

    @property
    def selected(self) -> Agent | None:
        index = self.selected_index
        return None if index is None else self.agents[index]

    def select(self, key: str | int) -> Agent:
        """Select an agent by name, file or position in the set (what a click on its row does), clearing
        the filters if they hide it."""
        if isinstance(key, int):
            index = key
            agent = self.agents[index]
        else:
            agent = self.agents[key]
            index = next(i for i, a in enumerate(self.agents) if a is agent)
        if index not in [r.index for r in self.rows]:
            self.reset()
        self._set_selected(index)
        return agent

    def sort_by_column(self, column: str) -> None:
        """What a click on a column header does: sort by it, or reverse the order if it is the sort column."""
        after = sort_after_click(column, self.sort_by.value, self.descending.value)
        if after is None:
            return
        with self.widget.hold_trait_notifications():
            self.sort_by.value, self.descending.value = after
        self._refresh()

    def reset(self) -> None:
        """Clear every filter and the sort order."""
        with self.widget.hold_trait_notifications():
            self.search.value = ""
            for control in (self.status, self.parse, self.scope, self.model):
                control.value = ALL
            self.sort_by.value = "file"
            self.descending.value = False
        self._refresh()

    def row_view(self, index: int) -> w.HBox:
        """The table row of the agent at `index` in the set (its cells are buttons: a click selects it)."""
        view = self._row_views.get(index)
        if view is None:
            agent_row = self.all_rows[index]
            cells = [
                _cell_button(self.flex[c], cell)
                for c, cell in zip(self.columns, row_cells(agent_row, self.columns), strict=True)
            ]
            for cell in cells:
                cell.on_click(lambda _b, index=index: self._set_selected(index))
            view = row(*cells, flex_flow="row nowrap")
            view.add_class("agentkit-row")
            self._row_views[index] = view
        return view

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
        shown = self.rows[:MAX_ROWS]
        self.table.children = [self.row_view(r.index) for r in shown]
        for button, cell in zip(
            self.header_buttons,
            header_cells(self.sort_by.value, self.descending.value, self.columns),
            strict=True,
        ):
            button.description, button.tooltip = cell.text, cell.tooltip or cell.text
        more = (
            f" (the first {MAX_ROWS}: search or filter to see the others)"
            if len(shown) < len(self.rows)
            else ""
        )
        self.count.value = f"{len(self.rows)} of {len(self.all_rows)} agents shown{more}"
        self._set_selected(selection_after(shown, self.selected_index))

    def _set_selected(self, index: int | None) -> None:
        previous, self.selected_index = self.selected_index, index
        if index == previous and self.detail.value:
            return  # a keystroke in the search box that keeps the selection: nothing to redraw
        if previous is not None and previous != index and previous in self._row_views:
            self._row_views[previous].remove_class("agentkit-selected")
        if index is not None:
            self.row_view(index).add_class("agentkit-selected")
        self._show()

    def _show(self) -> None:
        agent = self.selected
        if agent is None:
            self.detail.value = "<i>no agent matches: change the search or the filters</i>"
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
