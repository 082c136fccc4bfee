"""The overlap's pictures: a clustered heatmap and a dendrogram of one score, as matplotlib figures that
Jupyter shows as pictures whatever the backend and whether pyplot was imported."""

from __future__ import annotations

import io
from collections.abc import Sequence

import numpy as np
from matplotlib.figure import Figure as MatplotlibFigure


class Figure(MatplotlibFigure):
    """A matplotlib `Figure` that displays itself as a PNG image in Jupyter.

    The heatmap and dendrogram are built without pyplot (so nothing keeps them alive in pyplot's figure
    registry). IPython shows a bare `Figure` as an image only after matplotlib's inline backend has
    registered its formatter, which happens when pyplot is imported; otherwise the cell shows
    `<Figure size 800x392 with 1 Axes>` and no picture. `_repr_png_` makes the image independent of that.
    """

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png", bbox_inches="tight")
        return buffer.getvalue()


def clustering(values: np.ndarray) -> np.ndarray:
    """Average-linkage hierarchical clustering of a score matrix on distance 1 - score (scipy linkage)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    if len(values) < 2:
        raise ValueError("clustering needs at least two agents")
    distance = 1.0 - values
    np.fill_diagonal(distance, 0.0)
    distance = np.clip((distance + distance.T) / 2, 0.0, 1.0)
    return linkage(squareform(distance, checks=False), method="average", optimal_ordering=len(values) <= 300)


def heatmap(values: np.ndarray, labels: Sequence[str], kind: str, max_labels: int = 60) -> Figure:
    """A score matrix (rows and columns already in the order to show) with its labels."""
    labelled = len(values) <= max_labels
    shown = [short(label) for label in labels] if labelled else []
    # Room for the cells (0.2 inch each when labelled) plus the longest label at 7 points.
    side = min(max(3.0, 0.2 * len(values)), 20.0) if labelled else 8.0
    margin = 0.055 * max(map(len, shown), default=0) + 0.4
    fig = Figure(figsize=(side + margin + 1.4, side + margin + 0.6), layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(values, vmin=0.0, vmax=1.0, cmap="viridis", interpolation="nearest")
    fig.colorbar(image, ax=ax, label=f"{kind} score", shrink=0.6)
    if labelled:
        ax.set_xticks(range(len(values)), shown, rotation=90, fontsize=7)
        ax.set_yticks(range(len(values)), shown, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    ax.set_title(f"{kind} overlap, {len(values)} agents (clustered)")
    return fig


def dendrogram(tree: np.ndarray, labels: Sequence[str], kind: str, max_labels: int = 120) -> Figure:
    """A clustering tree (`clustering`) of agents with these labels, leaves on the left."""
    from scipy.cluster.hierarchy import dendrogram as draw

    labelled = len(labels) <= max_labels
    shown = [short(label) for label in labels]
    margin = 0.055 * max(map(len, shown), default=0) if labelled else 0.0
    fig = Figure(figsize=(max(8.0, 5 + margin), min(2 + 0.16 * len(labels), 30)), layout="constrained")
    ax = fig.add_subplot()
    draw(
        tree,
        ax=ax,
        labels=shown if labelled else None,
        no_labels=not labelled,
        orientation="left",
        leaf_font_size=7,
        color_threshold=0.5,
    )
    ax.set_xlabel(f"1 - {kind} score")
    ax.set_title(f"{kind} clustering, {len(labels)} agents")
    return fig


def short(label: str, width: int = 48) -> str:
    """A label cut in the middle to fit a tick (the start names the agent, the end the file)."""
    if len(label) <= width:
        return label
    keep = (width - 1) // 2
    return f"{label[:keep]}…{label[-(width - 1 - keep) :]}"
