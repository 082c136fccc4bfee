"""Invocations and cost per agent over time, as matplotlib figures a notebook shows as pictures."""

from __future__ import annotations

from typing import Protocol

import matplotlib
import pandas as pd
from matplotlib.ticker import MaxNLocator

from agentkit._overlap.figures import Figure


class UsageTables(Protocol):
    """What the figures read of a `Usage` (described here, so that `_result`, which draws with this
    module, is not imported back)."""

    @property
    def answers(self) -> pd.DataFrame: ...

    @property
    def invocations(self) -> pd.DataFrame: ...

    def over_time(self, value: str = "invocations") -> pd.DataFrame: ...


MAIN_THREAD = "(main thread)"
TITLES = {
    "invocations": "Agent invocations per day",
    "cost_usd": "Cost per day, by agent (USD at list prices)",
}


def per_day(usage: UsageTables, value: str) -> pd.DataFrame:
    """Every day from the first to the last (gaps as zeros) by agent: the runs started that day, or the
    cost of the answers given that day (the main thread as one more column)."""
    if value == "invocations":
        table = usage.over_time("invocations")
    elif value == "cost_usd":
        answers = usage.answers.dropna(subset=["day"]).copy()
        answers["agent"] = answers.agent.fillna(MAIN_THREAD)
        table = answers.pivot_table(
            index="day", columns="agent", values="cost_usd", aggfunc="sum", fill_value=0.0
        )
    else:
        raise ValueError("value must be 'invocations' or 'cost_usd'")
    if table.empty:
        return table
    seen = [*table.index, *usage.answers.day.dropna()]  # both figures span the same days
    days = pd.date_range(min(seen), max(seen), freq="D").strftime("%Y-%m-%d")
    return table.reindex(days, fill_value=0)


def colours(usage: UsageTables) -> dict[str, object]:
    """One colour per agent, the same in every figure of this usage."""
    names = sorted({str(a) for a in usage.invocations.agent.dropna()})
    palette = [tuple(rgba[:3]) for rgba in matplotlib.colormaps["tab10"](range(10))]  # its ten colours
    return {name: palette[i % len(palette)] for i, name in enumerate(names)} | {MAIN_THREAD: "#b0b0b0"}


def over_time(usage: UsageTables, value: str = "invocations") -> Figure:
    """Stacked bars, one colour per agent, one bar per day."""
    table = per_day(usage, value)
    figure = Figure(figsize=(8.5, 3.4), layout="constrained")
    axes = figure.add_subplot()
    axes.set_title(TITLES[value], fontsize=11, loc="left")
    if table.empty:
        axes.text(0.5, 0.5, "nothing in these days", ha="center", va="center", transform=axes.transAxes)
        axes.set_axis_off()
        return figure
    order = list(table.sum().sort_values(ascending=False).index)
    if MAIN_THREAD in order:  # the main thread first, in grey: the agents' share is what stands out
        order.remove(MAIN_THREAD)
        order.insert(0, MAIN_THREAD)
    palette = colours(usage)
    bottom = pd.Series(0.0, index=table.index)
    positions = range(len(table.index))
    for agent in order:
        colour = palette.get(str(agent))
        axes.bar(
            positions,
            table[agent].values,
            bottom=bottom.to_numpy(),
            label=str(agent),
            color=colour,
            width=0.8,
        )
        bottom = bottom + table[agent]
    step = max(1, len(table.index) // 10)
    axes.set_xticks(list(positions)[::step], [d[5:] for d in table.index[::step]], fontsize=8)
    axes.set_xlabel("day (UTC)", fontsize=9)
    axes.tick_params(axis="y", labelsize=8)
    if value == "invocations":
        locator = axes.yaxis.get_major_locator()
        if isinstance(locator, MaxNLocator):  # the default AutoLocator is one
            locator.set_params(integer=True)
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    return figure
