"""Jupyter widgets (ipywidgets 8) to explore, compare, edit and try agents. Import it explicitly:

    import agentkit
    from agentkit.widgets import Explorer, OverlapExplorer, Editor, Playground
    agents = agentkit.load(".claude/agents")
    Explorer(agents)                       # filter, sort, read findings and the rendered prompt
    OverlapExplorer(agents)                # heatmap, shared passages side by side, groups, conflicts
    editor = Editor(agents["code-reviewer"], agents=agents)   # form, live lint, diff, save, fix, export
    Playground(agents)                     # run agents side by side through the Anthropic API

Each class displays itself and exposes its controls as attributes (`explorer.search`, `editor.description`,
`editor.save_button`, ...), so a notebook can drive it: set `.value`, call `.click()`, read the labels.
The logic lives in the library (`agentkit.widgets._logic` and the modules it calls) and is tested without
a browser.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w

import agentkit
from agentkit._errors import AgentkitError, ConflictError, EditError
from agentkit._reader.agent import Agent, AgentSet
from agentkit._reader.claude_code import BUILTIN_TOOLS, COLORS, MODEL_ALIASES, PERMISSION_MODES
from agentkit.widgets._logic import (
    ALL,
    SORT_KEYS,
    AgentRow,
    FormValues,
    agent_rows,
    choices,
    common_root,
    detail_html,
    detail_text,
    diff_html,
    dropdown_options,
    figure_png,
    filter_rows,
    findings_html,
    findings_text,
    form_changes,
    form_values,
    frame_html,
    groups_html,
    rows_html,
    rows_text,
    short_path,
    side_by_side_html,
    sort_rows,
    unique_labels,
)

__all__ = ["Editor", "Explorer", "OverlapExplorer", "Playground"]


def _as_set(agents: AgentSet | Iterable[Agent] | str | Path) -> AgentSet:
    if isinstance(agents, AgentSet):
        return agents
    if isinstance(agents, str | Path):
        from agentkit import load

        return load(agents)
    return AgentSet(agents)


def _findings(agents: Iterable[Agent] | Agent) -> list[Any]:
    from agentkit._lint.engine import findings

    return findings(agents)


class _Panel:
    """A composite widget: `.widget` is the root box; displaying the panel displays it."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # short and stable: nbval compares it
        return bundle


def _label(value: str = "", cls: str = "") -> w.Label:
    label = w.Label(value=value)
    if cls:
        label.add_class(cls)
    return label


# -- Explorer --------------------------------------------------------------------------------------


class Explorer(_Panel):
    """A filterable, sortable table of agents and a detail pane for the one picked.

    Controls: `search`, `status` (loaded/shadowed/dropped), `parse`, `scope`, `model`, `sort_by`,
    `descending`, `picker`. Read `rows` (what the table shows), `selected`, `table_text()`, `detail_text()`.
    """

    def __init__(self, agents: AgentSet | Iterable[Agent] | str | Path) -> None:
        self.agents = _as_set(agents)
        self.root = common_root(a.path for a in self.agents)
        self.findings = _findings(list(self.agents))
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
        self.count = _label(cls="agentkit-count")
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


# -- OverlapExplorer ------------------------------------------------------------------------------


class OverlapExplorer(_Panel):
    """Where agents overlap: a heatmap, the most similar pairs, a side-by-side view of a pair with the
    passages they share highlighted, near-duplicate groups, and routing conflicts for sample requests.

    Controls: `kind` (description, body, topic, tools), `threshold` (pairs and groups), `pair` (the top
    pairs) or `first`/`second`, `requests` (one per line) and `margin`. Read `pairs_text()`,
    `groups_text()`, `passages_text()`, `conflicts_text()`; `overlap` is the `agentkit.overlap` result.
    """

    def __init__(
        self,
        agents: AgentSet | Iterable[Agent] | str | Path,
        requests: Sequence[str] = (),
        *,
        kind: str = "topic",
        threshold: float = 0.3,
        margin: float = 0.05,
    ) -> None:
        from agentkit._overlap.scores import KINDS, overlap

        self.agents = _as_set(agents)
        self.root = common_root(a.path for a in self.agents)
        self.overlap = overlap(self.agents)
        labels = list(self.overlap.labels)
        self.conflict_frame: Any = None

        self.kind = w.Dropdown(options=list(KINDS), value=kind, description="Score")
        self.threshold = w.FloatSlider(
            value=threshold,
            min=0.05,
            max=1.0,
            step=0.05,
            description="At least",
            continuous_update=False,
            readout_format=".2f",
        )
        self.heatmap = w.Output(layout=w.Layout(width="520px"))
        self.pairs = w.HTML()
        self.pairs.add_class("agentkit-pairs")
        self.pair = w.Dropdown(description="Top pairs", layout=w.Layout(width="520px"))
        self.first = w.Dropdown(options=labels, description="Agent A")
        self.second = w.Dropdown(
            options=labels, value=labels[1] if len(labels) > 1 else None, description="Agent B"
        )
        self.pair_label = _label(cls="agentkit-pair")
        self.side_by_side = w.HTML()
        self.groups = w.HTML()
        self.requests = w.Textarea(
            value="\n".join(requests),
            description="Requests",
            placeholder="one request per line",
            continuous_update=False,
            layout=w.Layout(width="640px", height="90px"),
        )
        self.margin = w.FloatSlider(
            value=margin,
            min=0.0,
            max=0.5,
            step=0.05,
            description="Margin",
            continuous_update=False,
            readout_format=".2f",
        )
        self.conflicts = w.HTML()

        self.kind.observe(self._redraw, names="value")
        self.threshold.observe(self._rescore, names="value")
        self.pair.observe(self._pick_pair, names="value")
        self.first.observe(self._show_pair, names="value")
        self.second.observe(self._show_pair, names="value")
        self.requests.observe(self._route, names="value")
        self.margin.observe(self._route, names="value")
        self.widget = w.VBox(
            [
                w.HBox([self.kind, self.threshold]),
                w.HBox([self.heatmap, w.VBox([w.HTML("<b>Most similar pairs</b>"), self.pairs])]),
                w.HTML("<b>Near-duplicate groups</b>"),
                self.groups,
                w.HTML("<b>Compare two agents</b> (shared passages highlighted)"),
                self.pair,
                w.HBox([self.first, self.second]),
                self.pair_label,
                self.side_by_side,
                w.HTML("<b>Routing conflicts</b>: requests several agents claim about equally"),
                w.HBox([self.requests, self.margin]),
                self.conflicts,
            ]
        )
        self._redraw()
        self._route()

    def __repr__(self) -> str:
        return f"OverlapExplorer({len(self.overlap.labels)} agents)"

    def _redraw(self, _change: Any = None) -> None:
        import matplotlib.pyplot as plt
        from IPython.display import Image

        figure = self.overlap.heatmap(self.kind.value)
        png = figure_png(figure)  # PNG bytes ourselves: the figure formatter depends on the backend
        plt.close(figure)
        self.heatmap.outputs = ()
        # append_display_data, not `with out:` (under nbval that output would land in the cell).
        self.heatmap.append_display_data(Image(data=png, format="png"))
        self._rescore()

    def pair_frame(self) -> Any:
        """The pairs whose score of the chosen kind reaches the threshold, best first."""
        kind = self.kind.value
        frame = self.overlap.pairs(min_score=self.threshold.value, kind=kind)
        frame = frame.sort_values(kind, ascending=False, kind="stable")
        return frame[["a_label", "b_label", *[k for k in frame.columns if k in self.kind.options]]]

    def _rescore(self, _change: Any = None) -> None:
        frame = self.pair_frame()
        self.pairs.value = frame_html(frame.round(2), max_rows=12)
        kind = self.kind.value
        options = [
            (f"{a} ~ {b} ({score:.2f})", (a, b))
            for a, b, score in zip(frame["a_label"], frame["b_label"], frame[kind], strict=True)
        ]
        self.pair.options = [("(pick a pair)", None), *options]
        self.pair.value = options[0][1] if options else None
        self.groups.value = groups_html(self.group_list())
        self._show_pair()

    def group_list(self) -> list[Any]:
        return [g for g in self.overlap.groups(self.kind.value, self.threshold.value) if len(g) > 1]

    def _pick_pair(self, change: Any) -> None:
        if change["new"] is not None:
            a, b = change["new"]
            with self.widget.hold_trait_notifications():
                self.first.value, self.second.value = a, b
            self._show_pair()

    def _show_pair(self, _change: Any = None) -> None:
        a, b = self.first.value, self.second.value
        if a is None or b is None or a == b:
            self.pair_label.value = "pick two different agents"
            self.side_by_side.value = ""
            return
        agent_a = self.overlap.agents[self.overlap.index(a)]
        agent_b = self.overlap.agents[self.overlap.index(b)]
        found = self.overlap.passages(a, b)
        score = self.overlap.score(self.kind.value, a, b)
        words = sum(p.words for p in found)
        self.pair_label.value = (
            f"{a} ~ {b}: {self.kind.value} score {score:.2f}, {len(found)} shared passages ({words} words)"
        )
        self.side_by_side.value = side_by_side_html(
            agent_a.text,
            agent_b.text,
            [p.a_lines for p in found],
            [p.b_lines for p in found],
            short_path(agent_a.path, self.root),
            short_path(agent_b.path, self.root),
        )

    def _route(self, _change: Any = None) -> None:
        from agentkit._overlap.route import conflicts

        requests = [r.strip() for r in self.requests.value.split("\n") if r.strip()]
        if not requests:
            self.conflict_frame = None
            self.conflicts.value = "<i>write a few requests your users send, one per line</i>"
            return
        frame = conflicts(self.agents, requests, margin=self.margin.value)
        self.conflict_frame = frame
        shown = frame.assign(
            scores=[", ".join(f"{s:.2f}" for s in v) for v in frame["scores"]],
            agents=[", ".join(v) for v in frame["agents"]],
        ).drop(columns=["paths"])
        self.conflicts.value = (
            frame_html(shown.round({"gap": 3}))
            if len(frame)
            else (f"<i>no conflict: each of the {len(requests)} requests has a clear winner</i>")
        )

    def pairs_text(self, n: int = 8) -> str:
        frame = self.pair_frame().head(n)
        return frame.round(2).to_string(index=False) if len(frame) else "no pair reaches the threshold"

    def groups_text(self) -> str:
        return (
            "\n".join(
                f"{', '.join(g.labels)}  ({g.min_score:.2f}-{g.max_score:.2f})" for g in self.group_list()
            )
            or "no group at this threshold"
        )

    def passages_text(self, limit: int = 10) -> str:
        a, b = self.first.value, self.second.value
        lines = [self.pair_label.value]
        found = self.overlap.passages(a, b) if a and b and a != b else []
        for p in found[:limit]:
            lines.append(f"  lines {_span(p.a_lines)} ~ {_span(p.b_lines)}: {p.text!r}")
        if len(found) > limit:
            lines.append(f"  ... and {len(found) - limit} more")
        return "\n".join(lines)

    def conflicts_text(self) -> str:
        frame = self.conflict_frame
        if frame is None:
            return "no requests"
        if not len(frame):
            return "no conflict"
        return "\n".join(
            f"{r}: {', '.join(a)} (gap {g:.3f})"
            for r, a, g in zip(frame["request"], frame["agents"], frame["gap"], strict=True)
        )


def _span(lines: tuple[int, int]) -> str:
    return f"{lines[0]}" if lines[0] == lines[1] else f"{lines[0]}-{lines[1]}"


# -- Editor ----------------------------------------------------------------------------------------


class Editor(_Panel):
    """A front matter form with lint as you type, a diff of what Save writes, Save (atomic, with conflict
    detection and Overwrite), Apply fixes and Export.

    `edited` is the Agent the form describes (None when the form cannot be applied: see `error`);
    `findings`, `diff` and the labels `status` and `export_status` tell the rest. With `agents=`, a
    `picker` switches between the set's files, and Export writes the whole set with the edit in place.
    """

    def __init__(self, agent: Agent | str | Path, agents: AgentSet | Iterable[Agent] | None = None) -> None:
        if not isinstance(agent, Agent):
            from agentkit._reader.scan import read_agent

            agent = read_agent(Path(agent))
        self.agents = _as_set(agents) if agents is not None else AgentSet([agent])
        if agent not in list(self.agents):
            self.agents = AgentSet([*self.agents, agent])
        self.root = common_root(a.path for a in self.agents) or agent.path.parent
        self.agent: Agent = agent  # what the form edits (after Save or Apply fixes: the new version)
        self.edited: Agent | None = agent
        self.error: str | None = None
        self.findings: list[Any] = []
        self.export_report: agentkit.ExportReport | None = None
        self.diff = ""
        self._loading = False

        wide = w.Layout(width="640px")
        self.picker = w.Dropdown(description="File", layout=wide)
        self.name = w.Text(description="name", continuous_update=True, layout=wide)
        self.description = w.Textarea(
            description="description", continuous_update=True, layout=w.Layout(width="640px", height="110px")
        )
        self.description.add_class("agentkit-description")
        self.inherit_tools = w.Checkbox(description="inherit all tools (no 'tools' key)", indent=False)
        self.tools = w.SelectMultiple(options=list(BUILTIN_TOOLS), rows=8, description="tools")
        self.extra_tools = w.Text(
            description="other tools",
            placeholder="mcp__server__tool, Bash(git diff:*)",
            continuous_update=False,
            layout=wide,
        )
        self.model = w.Dropdown(description="model")
        self.color = w.Dropdown(description="color")
        self.permission_mode = w.Dropdown(description="permissionMode")
        self.other = w.Textarea(
            description="other keys",
            placeholder="key: value (one per line, YAML values)",
            continuous_update=False,
            layout=w.Layout(width="640px", height="70px"),
        )
        self.findings_view = w.HTML()
        self.findings_view.add_class("agentkit-editor-findings")
        self.diff_view = w.HTML()
        self.status = _label(cls="agentkit-status")
        self.save_button = w.Button(description="Save", button_style="primary", icon="save")
        self.save_button.add_class("agentkit-save")
        self.overwrite_button = w.Button(
            description="Overwrite", button_style="danger", layout=w.Layout(display="none")
        )
        self.overwrite_button.add_class("agentkit-overwrite")
        self.revert_button = w.Button(description="Revert")
        self.fix_button = w.Button(description="Apply fixes", icon="wrench")
        self.unsafe_fixes = w.Checkbox(
            value=False, description="also fixes that change what Claude Code reads", indent=False
        )
        self.export_format = w.Dropdown(
            options=[("folder of .md files", "folder"), ("--agents JSON", "json")], description="Export as"
        )
        self.export_path = w.Text(
            description="to", placeholder="folder (or .json file)", layout=w.Layout(width="420px")
        )
        self.export_overwrite = w.Checkbox(
            description="overwrite", indent=False, layout=w.Layout(width="100px")
        )
        self.export_button = w.Button(description="Export", icon="download")
        self.export_status = _label(cls="agentkit-export-status")

        self._controls = (
            self.name,
            self.description,
            self.inherit_tools,
            self.tools,
            self.extra_tools,
            self.model,
            self.color,
            self.permission_mode,
            self.other,
        )
        for control in self._controls:
            control.observe(self._changed, names="value")
        self.picker.observe(self._pick, names="value")
        self.save_button.on_click(lambda _b: self.save())
        self.overwrite_button.on_click(lambda _b: self.save(force=True))
        self.revert_button.on_click(lambda _b: self.revert())
        self.fix_button.on_click(lambda _b: self.apply_fixes())
        self.export_button.on_click(lambda _b: self.export())

        form = w.VBox(
            [
                self.name,
                self.description,
                w.HBox([self.tools, w.VBox([self.inherit_tools])]),
                self.extra_tools,
                w.HBox([self.model, self.color]),
                self.permission_mode,
                self.other,
            ]
        )
        actions = w.HBox(
            [self.save_button, self.overwrite_button, self.revert_button, self.fix_button, self.unsafe_fixes]
        )
        export = w.HBox([self.export_format, self.export_path, self.export_overwrite, self.export_button])
        children: list[w.Widget] = [
            form,
            actions,
            self.status,
            w.HTML("<b>Findings</b>"),
            self.findings_view,
            w.HTML("<b>What Save writes</b>"),
            self.diff_view,
            export,
            self.export_status,
        ]
        if len(self.agents) > 1:
            children.insert(0, self.picker)
        self.widget = w.VBox(children)
        self._set_picker()
        self.load(agent)

    def __repr__(self) -> str:
        return f"Editor({self.file})"

    @property
    def file(self) -> str:
        return short_path(self.agent.path, self.root)

    def _short(self, message: str) -> str:
        """Messages name files relative to the folder, never with a machine's absolute path."""
        for a in sorted(self.agents, key=lambda a: len(str(a.path)), reverse=True):
            message = message.replace(str(a.path), short_path(a.path, self.root))
        return message.replace(str(self.root) + "/", "")

    # -- the form --------------------------------------------------------------------------------
    def _set_picker(self) -> None:
        self._loading = True
        try:
            self.picker.options = [(short_path(a.path, self.root), i) for i, a in enumerate(self.agents)]
            self.picker.value = next(i for i, a in enumerate(self.agents) if a is self.agent)
        finally:
            self._loading = False

    def _pick(self, change: Any) -> None:
        if self._loading or change["new"] is None:
            return
        dirty = self.edited is None or bool(self.diff)  # anything Save would still write
        self.load(self.agents[change["new"]])
        if dirty:
            self.status.value += " (unsaved changes to the previous file were discarded)"

    def select(self, key: str) -> None:
        """Edit another file of the set, by name or file."""
        agent = self.agents[key]
        self.picker.value = next(i for i, a in enumerate(self.agents) if a is agent)

    def load(self, agent: Agent) -> None:
        """Fill the form from `agent` (the new starting point: Save writes relative to it)."""
        self.agent = agent
        values = form_values(agent, BUILTIN_TOOLS)
        self._loading = True
        try:
            self.name.value = values.name
            self.description.value = values.description
            self.inherit_tools.value = values.inherit_tools
            self.tools.value = values.tools
            self.tools.disabled = values.inherit_tools
            self.extra_tools.value = values.extra_tools
            self.extra_tools.disabled = values.inherit_tools
            self.model.options = dropdown_options(MODEL_ALIASES, values.model)
            self.model.value = values.model
            self.color.options = dropdown_options(COLORS, values.color)
            self.color.value = values.color
            self.permission_mode.options = dropdown_options(PERMISSION_MODES, values.permission_mode)
            self.permission_mode.value = values.permission_mode
            self.other.value = values.other
        finally:
            self._loading = False
        editable = agent.editable
        for button in (self.save_button, self.fix_button):
            button.disabled = not editable
        self.overwrite_button.layout.display = "none"
        self.validate()
        if not agent.loaded:
            self.status.value = f"{self.file}: Claude Code drops this file: {agent.reason}"

    def values(self) -> FormValues:
        return FormValues(
            name=self.name.value,
            description=self.description.value,
            inherit_tools=self.inherit_tools.value,
            tools=tuple(self.tools.value),
            extra_tools=self.extra_tools.value,
            model=self.model.value,
            color=self.color.value,
            permission_mode=self.permission_mode.value,
            other=self.other.value,
        )

    def _changed(self, _change: Any) -> None:
        if self._loading:
            return
        self.tools.disabled = self.extra_tools.disabled = self.inherit_tools.value
        self.overwrite_button.layout.display = "none"
        self.validate()

    def validate(self) -> None:
        """Apply the form to the agent, lint the result and preview the diff (runs on every change)."""
        try:
            changes = form_changes(self.agent, self.values())
            self.edited = agentkit.edit(self.agent, changes) if changes else self.agent
            self.error = None
        except (EditError, ValueError) as exc:
            self.edited, self.error = None, self._short(str(exc))
            changes = {}
        if self.edited is None:
            self.findings, self.diff = [], ""
            self.status.value = f"cannot apply: {self.error}"
            self.findings_view.value = ""
            self.diff_view.value = diff_html("", "nothing can be written until the form is fixed")
            return
        self.findings = _findings(self.edited)
        self.findings_view.value = findings_html(self.findings)
        self.diff = self.pending_diff()
        self.diff_view.value = diff_html(self.diff, "no changes: Save would write nothing")
        if self.diff:
            keys = ", ".join(changes) or "front matter"
            self.status.value = f"{self.file}: unsaved changes ({keys})"
        else:
            self.status.value = f"{self.file}: no changes"

    def pending_diff(self) -> str:
        """Unified diff from the file as loaded to what Save would write (`agentkit.diff`, relative names)."""
        if self.edited is None:
            return ""
        return agentkit.diff(replace(self.edited, path=Path(self.file)))

    def findings_text(self) -> str:
        return findings_text(self.findings)

    # -- actions ---------------------------------------------------------------------------------
    def save(self, force: bool = False) -> Agent | None:
        """Write `edited` atomically. On a conflict, show why and offer Overwrite (`save(force=True)`)."""
        if self.edited is None:
            self.status.value = f"not saved: {self.error}"
            return None
        if not self.diff:
            self.status.value = f"{self.file}: nothing to save"
            return self.agent
        try:
            saved = agentkit.save(self.edited, force=force)
        except ConflictError as exc:
            self.status.value = f"conflict: {self._short(str(exc))}. Overwrite replaces it with this version."
            self.overwrite_button.layout.display = ""
            return None
        except (AgentkitError, OSError) as exc:
            self.status.value = f"not saved: {self._short(str(exc))}"
            return None
        self._replace(saved)
        self.load(saved)
        self.status.value = f"saved {self.file}" + (" (overwrote the file on disk)" if force else "")
        return saved

    def revert(self) -> None:
        """Drop the form's changes (back to the version last loaded, saved or fixed)."""
        self.load(self.agent)

    def apply_fixes(self, unsafe: bool | None = None) -> list[str]:
        """Run the lint fixes on what the form describes; the form then shows the repaired agent.

        Fixes that change what Claude Code reads run only with `unsafe=True` (or the checkbox ticked).
        """
        if self.edited is None:
            self.status.value = f"cannot fix: {self.error}"
            return []
        result = agentkit.fix(self.edited, unsafe=self.unsafe_fixes.value if unsafe is None else unsafe)
        if result.changed:
            self.load(result.agent)
        fixed = ", ".join(result.fixed) or "nothing to fix"
        failed = f"; not fixed: {'; '.join(result.failed)}" if result.failed else ""
        skipped = (
            f"; {', '.join(result.skipped_unsafe)} would change what Claude Code reads (tick the box to apply)"
            if result.skipped_unsafe
            else ""
        )
        self.status.value = f"fixes: {fixed}{failed}{skipped}" + (
            " (not saved yet)" if result.changed else ""
        )
        return result.fixed

    def _replace(self, new: Agent) -> None:
        old = next((a for a in self.agents if a.path == new.path), None)
        self.agents = self.agents.with_agent(old, new) if old is not None else AgentSet([*self.agents, new])
        self._loading = True
        try:
            self.agent = new
            self._set_picker()
        finally:
            self._loading = False

    def export_set(self) -> AgentSet:
        """The set as Export writes it: the form's version in place of the file being edited."""
        current = self.edited or self.agent
        return AgentSet(current if a.path == self.agent.path else a for a in self.agents)

    def export(self, target: str | Path | None = None, fmt: str | None = None) -> list[Path]:
        """Export the set (with the edit) to a folder of files or a `claude --agents` JSON file."""
        target = Path(target if target is not None else self.export_path.value.strip() or "")
        fmt = fmt or self.export_format.value
        if not str(target) or str(target) == ".":
            self.export_status.value = "export: choose a folder or file first"
            return []
        agents = self.export_set()
        try:
            if fmt == "json":
                path = target / "agents.json" if target.is_dir() or not target.suffix else target
                if path.exists() and not self.export_overwrite.value:
                    self.export_status.value = f"export: {path.name} exists (tick overwrite)"
                    return []
                report = agentkit.export(agents, path, shape="agents-json", overwrite=True)
                exported = len(list(agents)) - len(report.skipped)
                self.export_status.value = f"exported {exported} agents to {path.name}"
                self.export_report = report
                return [path]
            report = agentkit.export(agents, target, overwrite=self.export_overwrite.value)
        except (AgentkitError, OSError) as exc:
            self.export_status.value = f"export failed: {self._short(str(exc))}"
            return []
        skipped = f", skipped {len(report.skipped)}" if report.skipped else ""
        self.export_status.value = f"exported {len(report.written)} files to {target.name}/{skipped}"
        self.export_report = report
        return report.written


# -- Playground ------------------------------------------------------------------------------------


class Playground(_Panel):
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
            agent_set = _as_set(agents)
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
        self.status = _label(cls="agentkit-run-status")
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
        stats = [_label("running…", "agentkit-run-stats") for _ in labels]
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
