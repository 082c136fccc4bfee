"""The Editor: a front matter form with live validation, a diff preview, atomic save, fixes and export."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import ipywidgets as w

import agentkit
from agentkit import Agent, AgentkitError, AgentSet, ConflictError, EditError
from agentkit.reader import BUILTIN_TOOLS, COLORS, MODEL_ALIASES, PERMISSION_MODES
from agentkit.widgets._base import FULL_WIDTH, Panel, as_agent_set, findings_of, panel_box, row, text_label
from agentkit.widgets._logic import (
    FormValues,
    common_root,
    diff_html,
    dropdown_options,
    findings_html,
    findings_text,
    form_changes,
    form_values,
    short_path,
)

# -- Editor ----------------------------------------------------------------------------------------


class Editor(Panel):
    """A front matter form with lint as you type, a diff of what Save writes, Save (atomic, with conflict
    detection and Overwrite), Apply fixes and Export.

    `edited` is the Agent the form describes (None when the form cannot be applied: see `error`);
    `findings`, `diff` and the labels `status` and `export_status` tell the rest. With `agents=`, a
    `picker` switches between the set's files, and Export writes the whole set with the edit in place.
    """

    SHOWS_HINT = True

    def __init__(self, agent: Agent | str | Path, agents: AgentSet | Iterable[Agent] | None = None) -> None:
        if not isinstance(agent, Agent):
            from agentkit.reader import read_agent

            agent = read_agent(Path(agent))
        self.agents = as_agent_set(agents) if agents is not None else AgentSet([agent])
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

        wide = w.Layout(width="640px", max_width=FULL_WIDTH)
        self.picker = w.Dropdown(description="File", layout=wide)
        self.name = w.Text(description="name", continuous_update=True, layout=wide)
        self.description = w.Textarea(
            description="description",
            continuous_update=True,
            layout=w.Layout(width="640px", max_width=FULL_WIDTH, height="110px"),
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
        self.permission_mode = w.Dropdown(
            description="permissionMode", style={"description_width": "initial"}
        )
        self.other = w.Textarea(
            description="other keys",
            placeholder="key: value (one per line, YAML values)",
            continuous_update=False,
            layout=w.Layout(width="640px", max_width=FULL_WIDTH, height="70px"),
        )
        self.findings_view = w.HTML()
        self.findings_view.add_class("agentkit-editor-findings")
        self.diff_view = w.HTML()
        self.status = text_label(cls="agentkit-status")
        self.save_button = w.Button(description="Save", button_style="primary", icon="save")
        self.save_button.add_class("agentkit-save")
        self.overwrite_button = w.Button(
            description="Overwrite", button_style="danger", layout=w.Layout(display="none")
        )
        self.overwrite_button.add_class("agentkit-overwrite")
        self.revert_button = w.Button(description="Revert")
        self.fix_button = w.Button(description="Apply fixes", icon="wrench")
        self.unsafe_fixes = w.Checkbox(
            value=False,
            description="also fixes that change what Claude Code reads",
            indent=False,
            layout=w.Layout(width="auto"),
        )
        self.export_format = w.Dropdown(
            options=[("folder of .md files", "folder"), ("--agents JSON", "json")], description="Export as"
        )
        self.export_path = w.Text(
            description="to",
            placeholder="folder (or .json file)",
            layout=w.Layout(width="420px", max_width=FULL_WIDTH),
        )
        self.export_overwrite = w.Checkbox(
            description="overwrite", indent=False, layout=w.Layout(width="100px")
        )
        self.export_button = w.Button(description="Export", icon="download")
        self.export_status = text_label(cls="agentkit-export-status")

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
                row(self.tools, w.VBox([self.inherit_tools])),
                self.extra_tools,
                row(self.model, self.color),
                self.permission_mode,
                self.other,
            ]
        )
        actions = row(
            self.save_button, self.overwrite_button, self.revert_button, self.fix_button, self.unsafe_fixes
        )
        export = row(self.export_format, self.export_path, self.export_overwrite, self.export_button)
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
        self.widget = panel_box(children, "editor")
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
        self.findings = findings_of(self.edited)
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
