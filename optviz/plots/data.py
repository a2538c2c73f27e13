"""Data space for linear regression: the points, the line at the cursor step, the true line, and the
minibatch the cursor step used."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..problems import LinearRegression
from ..runner import Trace
from .style import (
    CURSOR_COLOR,
    LINE_WIDTH,
    MARKER_SIZE,
    OPTIMUM_COLOR,
    downsample,
    figure,
    optimizer_color,
)


def batch_at(trace: Trace, cursor: int) -> np.ndarray | None:
    """Indices of the minibatch used by step ``cursor`` (1-based), or None for full batch / step 0."""
    problem = trace.problem
    if not isinstance(problem, LinearRegression) or trace.batch_size is None or cursor < 1:
        return None
    return problem.batch_indices(cursor - 1, trace.batch_size, trace.seed)


def data_figure(
    trace: Trace,
    cursor: int | None = None,
    *,
    true_line: tuple[float, float] | None = None,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Scatter of (x, y), the fitted line w*x + b at the cursor, the true line and the least-squares fit."""
    problem = trace.problem
    if not isinstance(problem, LinearRegression):
        raise ValueError(f"the data view needs a linear-regression problem, not {problem.key!r}")
    k = trace.k
    cursor = k if cursor is None else int(min(max(cursor, 0), k))
    x, y = problem.x, problem.y
    # SVG markers: at most MAX_POINTS of them, and no WebGL context to create on every redraw (in
    # Chromium, creating one cost more than drawing the rest of the chart)
    shown = downsample(x)
    lo, hi = float(x.min()), float(x.max())
    xs = np.array([lo, hi])
    w, b = trace.params[cursor]
    data: list[dict] = [
        {
            "type": "scatter", "x": x[shown], "y": y[shown], "mode": "markers",
            "name": t("plot.data", lang, n=problem.n),
            "marker": {"size": MARKER_SIZE - 2, "color": "rgba(100,100,100,0.45)"},
        }
    ]  # fmt: skip
    batch = batch_at(trace, cursor)
    if batch is not None:
        drawn = batch[downsample(batch)]  # a batch of 999,999 points is drawn like the data: MAX_POINTS
        data.append(
            {
                "type": "scatter", "x": x[drawn], "y": y[drawn], "mode": "markers",
                "name": t("plot.batch", lang, size=len(batch), step=cursor),
                "marker": {"size": MARKER_SIZE + 1, "color": CURSOR_COLOR, "line": {"color": "white", "width": 1}},
            }
        )  # fmt: skip
    if true_line is not None:
        tw, tb = true_line
        data.append(
            {
                "type": "scatter", "x": xs, "y": tw * xs + tb, "mode": "lines",
                "name": t("plot.true_line", lang, w=f"{tw:.4g}", b=f"{tb:.4g}"),
                "line": {"color": OPTIMUM_COLOR, "width": LINE_WIDTH / 2, "dash": "dash"},
            }
        )  # fmt: skip
    ow, ob = problem.minima[0]
    data.append(
        {
            "type": "scatter", "x": xs, "y": ow * xs + ob, "mode": "lines",
            "name": t("plot.lsq_line", lang, w=f"{ow:.4g}", b=f"{ob:.4g}"),
            "line": {"color": "#999999", "width": LINE_WIDTH / 2, "dash": "dot"},
        }
    )  # fmt: skip
    data.append(
        {
            "type": "scatter", "x": xs, "y": w * xs + b, "mode": "lines",
            "name": t("plot.fit_line", lang, step=cursor, w=f"{w:.4g}", b=f"{b:.4g}"),
            "line": {"color": optimizer_color(trace.optimizer), "width": LINE_WIDTH * 1.5},
        }
    )  # fmt: skip
    layout = {
        "title": {"text": t("plot.data_title", lang)},
        "xaxis": {"title": {"text": "x"}, "range": [lo, hi]},
        "yaxis": {"title": {"text": "y"}, "range": y_range(y, w * xs + b)},
        "legend": {"orientation": "h", "y": -0.25, "x": 0},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 160},  # fits ticks and legend: see plots.style
    }
    return figure(data, layout, presentation=presentation)


#: The y range grows to show the model line, by at most this many data spans beyond the data.
MAX_LINE_REACH = 2.0


def y_range(y: np.ndarray, line: np.ndarray) -> list[float]:
    """The data's y range (plus 10%) widened to show the model line at the cursor, so an early model
    far from the data is in view; a runaway line widens it by at most MAX_LINE_REACH data spans."""
    y0, y1 = float(np.min(y)), float(np.max(y))
    span = (y1 - y0) or 1.0
    line = np.asarray(line, dtype=float)
    line = line[np.isfinite(line)]
    if len(line):
        y0 = min(y0, max(float(line.min()), y0 - MAX_LINE_REACH * span))
        y1 = max(y1, min(float(line.max()), y1 + MAX_LINE_REACH * span))
    pad = 0.1 * ((y1 - y0) or 1.0)
    return [y0 - pad, y1 + pad]
