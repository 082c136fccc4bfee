"""The OverlapExplorer: which agents duplicate each other or compete for the same requests."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import ipywidgets as w

from agentkit import Agent, AgentSet
from agentkit.widgets._base import FULL_WIDTH, Panel, as_agent_set, panel_box, row, text_label
from agentkit.widgets._logic import (
    common_root,
    descriptions_html,
    figure_png,
    frame_html,
    groups_html,
    guidance_html,
    plural,
    shared_terms,
    short_path,
    side_by_side_html,
)

# -- OverlapExplorer ------------------------------------------------------------------------------


class OverlapExplorer(Panel):
    """Which agents do the same job: same-role groups with merge guidance (which version to keep, what the
    others add), a heatmap, the most similar pairs, a side-by-side view of a pair with the passages they
    share highlighted (and, on request, Claude's own answer whether it would confuse them), and routing
    conflicts for sample requests.

    Controls: `kind` (same_role, the default: a calibrated probability that two agents do the same job;
    or one score: description, body, topic, tools), `threshold` (pairs and groups), `pair` (the top
    pairs) or `first`/`second`, `requests` (one per line) and `margin`; `ask_claude` (or `ask()`). Read
    `pairs_text()`, `groups_text()`, `guidance_text()`, `passages_text()`, `conflicts_text()`; `overlap`
    is the `agentkit.overlap` result.
    With the `description` score the comparison shows the two descriptions and the phrases and words
    they share; with the others, the two files and the passages their bodies share.
    """

    SHOWS_HINT = True

    def __init__(
        self,
        agents: AgentSet | Iterable[Agent] | str | Path,
        requests: Sequence[str] = (),
        *,
        kind: str = "same_role",
        threshold: float = 0.5,
        margin: float = 0.05,
    ) -> None:
        import agentkit

        self.agents = as_agent_set(agents)
        self.root = common_root(a.path for a in self.agents)
        self.overlap = agentkit.overlap(self.agents)
        labels = list(self.overlap.labels)
        self.conflict_frame: Any = None

        self.kind = w.Dropdown(options=list(self.overlap.columns), value=kind, description="Score")
        self.threshold = w.FloatSlider(
            value=threshold,
            min=0.05,
            max=1.0,
            step=0.05,
            description="At least",
            continuous_update=False,
            readout_format=".2f",
        )
        self.heatmap = w.Output(layout=w.Layout(width="520px", max_width=FULL_WIDTH))
        self.pairs = w.HTML()
        self.pairs.add_class("agentkit-pairs")
        self.pair = w.Dropdown(description="Top pairs", layout=w.Layout(width="520px", max_width=FULL_WIDTH))
        self.first = w.Dropdown(options=labels, description="Agent A")
        self.second = w.Dropdown(
            options=labels, value=labels[1] if len(labels) > 1 else None, description="Agent B"
        )
        self.pair_label = text_label(cls="agentkit-pair")
        self.compare_title = w.HTML()
        self.side_by_side = w.HTML()
        self.side_by_side.add_class("agentkit-compare")
        self.groups = w.HTML()
        self.groups_title = w.HTML()
        self.guidance = w.HTML()
        self.guidance.add_class("agentkit-guidance")
        self.ask_claude = w.Button(
            description="Ask Claude",
            icon="comments",
            tooltip=(
                "Ask Claude whether it would confuse these two agents (one request, cached; needs an API key "
                "or a recorded answer). The offline verdict needs nothing."
            ),
        )
        self.claude_answer = text_label(cls="agentkit-claude-answer")
        self.requests = w.Textarea(
            value="\n".join(requests),
            description="Requests",
            placeholder="one request per line",
            continuous_update=False,
            layout=w.Layout(width="640px", max_width=FULL_WIDTH, height="90px"),
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
        self.ask_claude.on_click(lambda _b: self.ask())
        pairs_box = w.VBox(
            [w.HTML("<b>Most similar pairs</b>"), self.pairs],
            layout=w.Layout(min_width="0", max_width=FULL_WIDTH),
        )
        self.widget = panel_box(
            [
                row(self.kind, self.threshold),
                row(self.heatmap, pairs_box, grid_gap="8px 16px"),
                self.groups_title,
                self.groups,
                self.guidance,
                self.compare_title,
                self.pair,
                row(self.first, self.second),
                self.pair_label,
                row(self.ask_claude, self.claude_answer),
                self.side_by_side,
                w.HTML("<b>Routing conflicts</b>: requests several agents claim about equally"),
                row(self.requests, self.margin),
                self.conflicts,
            ],
            "overlap",
        )
        self._redraw()
        self._route()

    def __repr__(self) -> str:
        return f"OverlapExplorer({len(self.overlap.labels)} agents)"

    def _redraw(self, _change: Any = None) -> None:
        from IPython.display import Image

        figure = self.overlap.heatmap(self.kind.value)  # a bare Figure: pyplot never holds it
        png = figure_png(figure)  # PNG bytes ourselves: the figure formatter depends on the backend
        self.heatmap.outputs = ()
        # append_display_data, not `with out:` (under nbval that output would land in the cell).
        self.heatmap.append_display_data(Image(data=png, format="png"))
        self._rescore()

    def pair_frame(self) -> Any:
        """The pairs whose score of the chosen kind reaches the threshold, best first."""
        kind = self.kind.value
        frame = self.overlap.pairs(min_score=self.threshold.value, kind=kind)
        frame = frame.sort_values(kind, ascending=False, kind="stable")
        words = ["verdict"] if kind == "same_role" else []
        return frame[["a_label", "b_label", *words, *[k for k in frame.columns if k in self.kind.options]]]

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
        groups = self.group_list()
        same_role = kind == "same_role"
        self.groups_title.value = (
            "<b>Groups of agents that do the same job</b> (which version to keep, what the others add)"
            if same_role
            else f"<b>Groups by {kind}</b> (linked by a {kind} score at least the threshold)"
        )
        self.groups.value = groups_html(groups)
        self.guidance.value = guidance_html(self.guidance_list()) if same_role else ""
        self._show_pair()

    def guidance_list(self) -> list[Any]:
        """Merge guidance for each same-role group shown (`Overlap.merge_guidance`)."""
        if self.kind.value != "same_role":
            return []
        return [self.overlap.merge_guidance(g.agents) for g in self.group_list()]

    def guidance_text(self) -> str:
        return "\n\n".join(g.summary() for g in self.guidance_list()) or "no same-role group"

    def ask(self) -> Any:
        """Ask Claude (live, cached) whether it would confuse the two agents compared; show the answer."""
        from agentkit import AgentkitError, live

        a, b = self.first.value, self.second.value
        if a is None or b is None or a == b:
            self.claude_answer.value = "pick two different agents"
            return None
        agent_a = self.overlap.agents[self.overlap.index(a)]
        agent_b = self.overlap.agents[self.overlap.index(b)]
        try:
            answer = live.confusion(agent_a, agent_b)
        except AgentkitError as exc:
            self.claude_answer.value = f"not asked: {exc}"
            return None
        self.claude_answer.value = answer.words()
        return answer

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
        by_description = self.kind.value == "description"
        self.compare_title.value = "<b>Compare two agents</b> " + (
            "(their descriptions, which Claude routes by: the phrases and words both use are highlighted)"
            if by_description
            else "(the two files: the passages both bodies contain are highlighted)"
        )
        self.claude_answer.value = ""
        if a is None or b is None or a == b:
            self.pair_label.value = "pick two different agents"
            self.side_by_side.value = ""
            return
        agent_a = self.overlap.agents[self.overlap.index(a)]
        agent_b = self.overlap.agents[self.overlap.index(b)]
        score = self.overlap.score(self.kind.value, a, b)
        title_a, title_b = short_path(agent_a.path, self.root), short_path(agent_b.path, self.root)
        if by_description:
            text_a, text_b = _description(agent_a), _description(agent_b)
            terms = shared_terms(text_a, text_b)
            self.pair_label.value = (
                f"{a} ~ {b}: description score {score:.2f}, the descriptions share "
                f"{plural(len(terms.phrases), 'phrase')} and {plural(len(terms.words), 'word')}"
            )
            self.side_by_side.value = descriptions_html(
                text_a, text_b, terms, f"{title_a}: description", f"{title_b}: description"
            )
            return
        found = self.overlap.passages(a, b)
        words = sum(p.words for p in found)
        self.pair_label.value = (
            f"{a} ~ {b}: {self._score_words(score)}, {len(found)} shared passages ({words} words)"
        )
        self.side_by_side.value = side_by_side_html(
            agent_a.text,
            agent_b.text,
            [p.a_lines for p in found],
            [p.b_lines for p in found],
            title_a,
            title_b,
        )

    def _score_words(self, score: float) -> str:
        kind = self.kind.value
        return self.overlap.scorer(kind).say(score) if kind == "same_role" else f"{kind} score {score:.2f}"

    def _route(self, _change: Any = None) -> None:
        from agentkit import conflicts

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
        """What the comparison shows, as text: the shared passages of the bodies, or with the
        `description` score the phrases and words the two descriptions share."""
        a, b = self.first.value, self.second.value
        lines = [self.pair_label.value]
        if self.kind.value == "description":
            if a and b and a != b:
                terms = shared_terms(
                    _description(self.overlap.agents[self.overlap.index(a)]),
                    _description(self.overlap.agents[self.overlap.index(b)]),
                )
                lines.append(f"  phrases: {', '.join(repr(p) for p in terms.phrases) or '(none)'}")
                lines.append(f"  words: {', '.join(terms.words) or '(none)'}")
            return "\n".join(lines)
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


def _description(agent: Agent) -> str:
    return agent.description if isinstance(agent.description, str) else ""


def _span(lines: tuple[int, int]) -> str:
    return f"{lines[0]}" if lines[0] == lines[1] else f"{lines[0]}-{lines[1]}"
