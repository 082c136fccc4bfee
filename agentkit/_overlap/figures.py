"""Matplotlib figures that Jupyter shows as pictures, whatever the backend and whether pyplot was imported."""

from __future__ import annotations

import io

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
