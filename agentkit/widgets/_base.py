"""What the widgets share: the panel base class, labels, turning input into an AgentSet."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit._reader.agent import Agent, AgentSet


def as_agent_set(agents: AgentSet | Iterable[Agent] | str | Path) -> AgentSet:
    if isinstance(agents, AgentSet):
        return agents
    if isinstance(agents, str | Path):
        from agentkit import load

        return load(agents)
    return AgentSet(agents)


def findings_of(agents: Iterable[Agent] | Agent) -> list[Any]:
    from agentkit._lint.engine import findings

    return findings(agents)


class Panel:
    """A composite widget: `.widget` is the root box; displaying the panel displays it."""

    widget: w.Widget

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        bundle["text/plain"] = repr(self)  # short and stable: nbval compares it
        return bundle


def text_label(value: str = "", cls: str = "") -> w.Label:
    label = w.Label(value=value)
    if cls:
        label.add_class(cls)
    return label
