"""Optimizer internals: one panel per quantity over the steps, chosen from the registry's declarations.

The panels are the gradient, the update, every declared state variable and derived quantity of the
optimizer (m, v, m_hat, v_hat, momentum buffers, the effective step size ...), and the learning rate
when a schedule changes it. Per-coordinate quantities draw one line per parameter.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..i18n import t, tr
from ..optimizers import OPTIMIZERS
from ..runner import Trace
from .style import (
    CURSOR_COLOR,
    LINE_WIDTH,
    display_indices,
    figure,
    log_ticks,
    optimizer_color,
    screen_floats,
)

PANEL_HEIGHT = 150
PANEL_TICKS = 4  # at most this many labels on a panel's y axis (a panel is about 100 pixels tall)
LOG_RANGE = 100.0  # a positive series spanning more than this factor gets a log axis


@dataclass(frozen=True)
class Series:
    """One quantity recorded per step (row i belongs to step i + 1): (k, 2) or (k,) values."""

    name: str
    symbol: str
    meaning: str
    values: np.ndarray
    key: str | None = None  # translation key of ``meaning`` when it is not a registry text

    def meaning_in(self, lang: str) -> str:
        """``meaning`` in ``lang``: a keyed UI string, or a registry text translated by ``tr``."""
        return t(self.key, lang) if self.key else tr(self.meaning, lang)

    @property
    def per_coordinate(self) -> bool:
        return self.values.ndim == 2


def internal_series(trace: Trace) -> list[Series]:
    """Gradient, update, every declared state and derived variable, and the scheduled learning rate."""
    opt = OPTIMIZERS[trace.optimizer]
    out = [
        Series("grad", "g", t("plot.internals.grad"), trace.grads, "plot.internals.grad"),
        Series("update", r"\Delta\theta", t("plot.internals.update"), trace.updates, "plot.internals.update"),
    ]
    for var in opt.all_state:
        if var.name in trace.state and not var.packed:
            out.append(
                Series(var.name, var.symbol or var.name, var.meaning, np.asarray(trace.state[var.name]))
            )
    if trace.schedule != "constant":
        out.append(Series("lr", r"\eta_t", t("plot.internals.lr"), np.asarray(trace.lr), "plot.internals.lr"))
    return out


def axis_type(values: np.ndarray) -> str:
    """'log' for a positive series spanning more than LOG_RANGE, else 'linear'."""
    v = np.asarray(values, dtype=float)
    v = v[np.isfinite(v)]
    # compared as a product: max / min overflows when min is near the smallest float (nadam, lr 10)
    if len(v) and np.all(v > 0) and v.max() > LOG_RANGE * v.min():
        return "log"
    return "linear"


def internals_figure(
    trace: Trace,
    cursor: int | None = None,
    *,
    names: tuple[str, ...] | None = None,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Stacked panels sharing the step axis, with the cursor step marked across all of them."""
    k = trace.k
    cursor = k if cursor is None else int(min(max(cursor, 0), k))
    series = [s for s in internal_series(trace) if names is None or s.name in names]
    n = max(len(series), 1)
    gap = 0.35 / n if n > 1 else 0.0
    height = (1.0 - gap * (n - 1)) / n
    color = optimizer_color(trace.optimizer)
    coord = trace.problem.param_names
    data: list[dict] = []
    layout: dict = {}
    steps = np.arange(1, k + 1)
    idx = display_indices(k - 1, include=(cursor - 1,)) if k else np.arange(0)
    for i, s in enumerate(series):
        axis_x, axis_y = ("x", "y") if i == 0 else (f"x{i + 1}", f"y{i + 1}")
        top = 1.0 - i * (height + gap)
        values = s.values[idx]
        lines = (
            [(values[:, 0], coord[0], "solid"), (values[:, 1], coord[1], "dash")]
            if s.per_coordinate
            else [(values, None, "solid")]
        )
        for y, cname, dash in lines:
            ok = np.isfinite(y)
            data.append(
                {
                    "type": "scatter", "x": steps[idx][ok], "y": screen_floats(y[ok]), "mode": "lines",
                    "xaxis": axis_x, "yaxis": axis_y, "name": f"{s.name} ({cname})" if cname else s.name,
                    "showlegend": False,
                    "line": {"color": color, "width": LINE_WIDTH * 0.75, "dash": dash},
                    "hovertemplate": f"{s.name}{'[' + cname + ']' if cname else ''}, "
                    + t("plot.step", lang) + " %{x}: %{y:.6g}<extra></extra>",
                }
            )  # fmt: skip
        key_x, key_y = ("xaxis", "yaxis") if i == 0 else (f"xaxis{i + 1}", f"yaxis{i + 1}")
        kind = axis_type(s.values)
        layout[key_y] = {
            "domain": [max(top - height, 0.0), top], "anchor": axis_x, "type": kind,
            "exponentformat": "power", "title": {"text": s.name}, "nticks": PANEL_TICKS,
            **(log_ticks(s.values, PANEL_TICKS) if kind == "log" else {}),
        }  # fmt: skip
        layout[key_x] = {
            "anchor": axis_y, **({"matches": "x"} if i else {}), "range": [0.5, max(k, 1) + 0.5],
            "showticklabels": i == n - 1,
        }  # fmt: skip
        layout.setdefault("annotations", []).append(
            {
                "text": f"<b>{s.name}</b>: {s.meaning_in(lang)}", "xref": "paper", "yref": "paper",
                "x": 0, "y": top, "xanchor": "left", "yanchor": "bottom", "showarrow": False,
                "font": {"size": 11},
            }
        )  # fmt: skip
    last_x = "xaxis" if n == 1 else f"xaxis{n}"
    layout.setdefault(last_x, {})["title"] = {"text": t("plot.step", lang)}
    if any(s.per_coordinate for s in series):
        layout["annotations"].append(
            {"text": t("plot.coords_legend", lang, a=coord[0], b=coord[1]), "xref": "paper", "yref": "paper",
             "x": 1, "y": 1, "xanchor": "right", "yanchor": "bottom", "showarrow": False}
        )  # fmt: skip
    if cursor >= 1:
        layout["shapes"] = [
            {"type": "line", "xref": "x", "yref": "paper", "x0": cursor, "x1": cursor, "y0": 0, "y1": 1,
             "line": {"color": CURSOR_COLOR, "width": 1}}
        ]  # fmt: skip
    layout["title"] = {"text": t("plot.internals_title", lang)}
    layout["margin"] = {"l": 100, "r": 25, "t": 60, "b": 70}  # fits ticks and legend: see plots.style
    return figure(data, layout, presentation=presentation, height=PANEL_HEIGHT * n + 100)
