"""What the widgets share: the panel base class and its stylesheet, labels, turning input into an AgentSet."""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit import Agent, AgentSet


def as_agent_set(agents: AgentSet | Iterable[Agent] | str | Path) -> AgentSet:
    if isinstance(agents, AgentSet):
        return agents
    if isinstance(agents, str | Path):
        from agentkit import load

        return load(agents)
    return AgentSet(agents)


def findings_of(agents: Iterable[Agent] | Agent) -> list[Any]:
    from agentkit import findings

    return findings(agents)


# ipywidgets styles only the outside of a view (its Layout); what is inside (the content of an HTML
# widget, a Label's text, a Button's look) takes a stylesheet. A <style> element in a hidden HTML widget
# applies to the whole page, in JupyterLab, Notebook 7 and Voila alike; every rule is scoped to
# `.agentkit-panel`, so nothing else on the page changes.
STYLESHEET = """
.agentkit-panel { max-width: 100%; }
/* HTML content may shrink to the cell's width (ipywidgets sizes it to its widest line) and wraps. */
.agentkit-panel .widget-html, .agentkit-panel .widget-html-content { min-width: 0; max-width: 100%; }
.agentkit-panel .widget-html-content { line-height: 1.45; overflow-wrap: anywhere; }
.agentkit-panel .widget-html-content pre { white-space: pre-wrap; overflow-wrap: anywhere; }
/* Tables: no word breaks inside ("mod e", "cos t_u sd"). Headers wrap at spaces only; numbers and each half
   of a timestamp never wrap; names wrap at spaces and hyphens; paths after a slash (frame_html puts a <wbr>
   there); prose at spaces, and inside a word only when that word alone is wider than the column. A table
   too wide for its cell scrolls sideways inside itself instead (display: block makes it the scroll box). */
.agentkit-panel .widget-html-content table { display: block; max-width: 100%; overflow-x: auto; border-collapse: collapse; }
.agentkit-panel .widget-html-content td, .agentkit-panel .widget-html-content th {
  padding: 2px 5px; text-align: left; vertical-align: top; word-break: normal; overflow-wrap: normal; hyphens: manual;
}
.agentkit-panel .widget-html-content th { word-break: keep-all; vertical-align: bottom; }
.agentkit-panel .widget-html-content .agentkit-number { text-align: right; }
.agentkit-panel .widget-html-content td.agentkit-number { white-space: nowrap; }
.agentkit-panel .widget-html-content .agentkit-nowrap { white-space: nowrap; }
.agentkit-panel .widget-html-content td.agentkit-prose { overflow-wrap: anywhere; min-width: 10em; }
.agentkit-panel img { max-width: 100%; height: auto; }
/* Messages wrap instead of ending in an ellipsis. */
.agentkit-panel .agentkit-text { white-space: normal; overflow-wrap: anywhere; height: auto; min-height: var(--jp-widgets-inline-height, 28px); }
/* The Explorer's table: rows of flat buttons, one per cell, so that a click anywhere selects the row. */
.agentkit-panel .agentkit-row { width: 100%; border-bottom: 1px solid var(--jp-border-color2, #e0e0e0); }
/* Cells wrap rather than cut their text: every tool of the tools column stays readable. They wrap at spaces
   and hyphens; a word breaks inside only when it alone is wider than its column (the narrow columns are
   sized to their longest cell: widgets._logic.column_flex). Headers stay on one line. */
.agentkit-panel .agentkit-row .jupyter-button {
  min-width: 0; margin: 0; padding: 3px 6px; height: auto; min-height: 26px; line-height: 1.35;
  font-size: 12px; white-space: normal; word-break: normal; overflow-wrap: break-word; text-overflow: clip;
  background: transparent; box-shadow: none; border-radius: 0; text-align: left;
}
.agentkit-panel .agentkit-row-head .jupyter-button { white-space: nowrap; }
.agentkit-panel .agentkit-row .jupyter-button:focus { outline: 1px dotted var(--jp-brand-color1, #1976d2); }
.agentkit-panel .agentkit-row:hover .jupyter-button { background: var(--jp-layout-color2, #eeeeee); }
.agentkit-panel .agentkit-row.agentkit-selected .jupyter-button { background: var(--jp-brand-color3, #bbdefb); }
.agentkit-panel .agentkit-row-head { border-bottom: 1px solid var(--jp-border-color1, #999); }
.agentkit-panel .agentkit-row-head:hover .jupyter-button { background: transparent; }
.agentkit-panel .agentkit-row-head .jupyter-button:hover { text-decoration: underline; }
"""


#: `max_width` for a control that may take the whole width of its box: ipywidgets puts a 2 px margin on
#: each side of a control, so "100%" would stick out by 4 px.
FULL_WIDTH = "calc(100% - 4px)"


def stylesheet() -> w.HTML:
    """The panels' stylesheet as a hidden widget (put it in the panel's root box)."""
    return w.HTML(f"<style>{STYLESHEET}</style>", layout=w.Layout(display="none"))


def panel_box(children: Sequence[w.Widget], name: str) -> w.VBox:
    """A panel's root: its children, the stylesheet, and classes `agentkit-panel` and `agentkit-<name>`.
    It takes the cell's width and never more."""
    box = w.VBox([stylesheet(), *children], layout=w.Layout(max_width="100%"))
    box.add_class("agentkit-panel")
    box.add_class(f"agentkit-{name}")
    return box


def row(*children: w.Widget, **layout: Any) -> w.HBox:
    """Controls side by side that wrap onto the next line when the cell is too narrow for them
    (`layout` adds to or overrides the Layout)."""
    return w.HBox(list(children), layout=w.Layout(**{"flex_flow": "row wrap", "max_width": "100%", **layout}))


class Panel:
    """A composite widget: `.widget` is the root box; displaying the panel displays it.

    A panel with `SHOWS_HINT` adds an HTML stand-in to its display data. Front ends show it where they
    cannot show the live widget: a notebook opened from disk before its cells run (JupyterLab then shows
    the outputs that can be shown safely), a notebook rendered on GitHub or by nbconvert.
    """

    widget: w.Widget
    SHOWS_HINT = False

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # short and stable: nbval compares it
        if self.SHOWS_HINT:
            bundle["text/html"] = hint_html(repr(self))
        return bundle


def hint_html(what: str) -> str:
    """What a notebook shows in place of a widget it cannot show yet."""
    return (
        "<div style='border:1px dashed #999;padding:6px 10px;color:#555'>"
        f"<b>{html.escape(what)}</b> is an interactive widget: run the notebook "
        "(<b>Run &gt; Run All Cells</b>) to use it here.</div>"
    )


def text_label(value: str = "", cls: str = "") -> w.Label:
    """A Label for messages: its text wraps instead of being cut with an ellipsis."""
    label = w.Label(value=value)
    label.add_class("agentkit-text")
    if cls:
        label.add_class(cls)
    return label
