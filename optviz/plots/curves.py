"""The loss curve: loss against step on a log axis, the optimum's loss as a reference line, the
converged or diverged step marked, and the step cursor."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..runner import Trace
from .style import (
    CONVERGED_COLOR,
    CURSOR_COLOR,
    DIVERGED_COLOR,
    LINE_WIDTH,
    MARKER_SIZE,
    OPTIMUM_COLOR,
    display_indices,
    figure,
    optimizer_color,
)


def loss_axis_type(loss: np.ndarray) -> str:
    """'log' when every loss is positive, else 'linear' (a loss can go below zero on the saddle)."""
    loss = np.asarray(loss, dtype=float)
    return "log" if len(loss) and bool(np.all(loss > 0)) else "linear"


def loss_figure(
    trace: Trace, cursor: int | None = None, *, presentation: bool = False, lang: str = "en"
) -> go.Figure:
    """Loss per step (downsampled to about 1,500 points; the marked steps are always kept)."""
    k = trace.k
    cursor = k if cursor is None else int(min(max(cursor, 0), k))
    marks = tuple(s for s in (cursor, trace.converged_at) if s is not None)
    idx = display_indices(k, include=marks)
    axis = loss_axis_type(trace.loss)
    color = optimizer_color(trace.optimizer)
    step_name = t("plot.step", lang)
    data: list[dict] = [
        {
            "type": "scatter", "x": idx, "y": trace.loss[idx], "mode": "lines", "name": t("plot.loss", lang),
            "line": {"color": color, "width": LINE_WIDTH},
            "hovertemplate": step_name + " %{x}: %{y:.6g}<extra></extra>",
        }
    ]  # fmt: skip
    shapes: list[dict] = []
    min_loss = trace.problem.min_loss
    if min_loss is not None and (axis == "linear" or min_loss > 0):
        data.append(
            {
                "type": "scatter", "x": [0, max(k, 1)], "y": [min_loss, min_loss], "mode": "lines",
                "name": t("plot.optimum_loss", lang, value=f"{min_loss:.4g}"),
                "line": {"color": OPTIMUM_COLOR, "width": LINE_WIDTH / 2, "dash": "dot"},
            }
        )  # fmt: skip
    if trace.converged_at is not None:
        c = trace.converged_at
        data.append(
            {
                "type": "scatter", "x": [c], "y": [trace.loss[c]], "mode": "markers",
                "name": t("plot.converged_at", lang, step=c),
                "marker": {"symbol": "diamond", "size": MARKER_SIZE + 4, "color": CONVERGED_COLOR},
            }
        )  # fmt: skip
        shapes.append(_vline(c, CONVERGED_COLOR, "dot"))
    if trace.diverged_at is not None:
        d = trace.diverged_at
        data.append(
            {
                "type": "scatter", "x": [k], "y": [trace.loss[k]], "mode": "markers",
                "name": t("plot.diverged_at", lang, step=d),
                "marker": {"symbol": "x", "size": MARKER_SIZE + 5, "color": DIVERGED_COLOR},
            }
        )  # fmt: skip
        shapes.append(_vline(d, DIVERGED_COLOR, "dash", 1.5))
    data.append(
        {
            "type": "scatter", "x": [cursor], "y": [trace.loss[cursor]], "mode": "markers",
            "name": t("plot.cursor", lang, step=cursor),
            "marker": {"symbol": "star", "size": MARKER_SIZE + 6, "color": CURSOR_COLOR},
        }
    )  # fmt: skip
    shapes.append(_vline(cursor, CURSOR_COLOR, "solid"))
    title = t("plot.loss_title", lang) if axis == "log" else t("plot.loss_title_linear", lang)
    layout = {
        "title": {"text": title},
        "xaxis": {"title": {"text": step_name}, "range": [0, max(k, 1, trace.diverged_at or 0)]},
        "yaxis": {
            "title": {"text": t("plot.loss", lang)},
            "type": axis,
            "exponentformat": "power",
            **_decade_ticks(np.append(trace.loss, trace.problem.min_loss or np.nan), axis),
        },
        "shapes": shapes,
        "legend": {"orientation": "h", "y": -0.25, "x": 0},
        "margin": {"l": 90, "r": 25, "t": 50, "b": 110},  # fits ticks and legend: see plots.style
    }
    return figure(data, layout, presentation=presentation)


def _decade_ticks(loss: np.ndarray, axis: str) -> dict:
    """Label only powers of ten when a log axis spans two decades or more (2 and 5 clutter it)."""
    positive = loss[loss > 0]
    if axis == "log" and len(positive) and positive.max() >= 100.0 * positive.min():  # no overflow
        return {"dtick": 1}
    return {}


def _vline(x: float, color: str, dash: str, width: float = 1.0) -> dict:
    """A vertical line at step ``x`` across the plot."""
    return {
        "type": "line", "xref": "x", "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
        "line": {"color": color, "width": width, "dash": dash},
    }  # fmt: skip
