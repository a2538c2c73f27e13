"""Shared look of every chart: one colour per optimizer, layout defaults, presentation mode, display limits.

Every figure builder in ``optviz.plots`` takes ``presentation: bool = False`` and finishes with
``apply_style(fig, presentation)``, so a projector-sized chart is the same figure with bigger fonts,
thicker lines, larger markers and more height.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from ..optimizers import OPTIMIZERS

#: 20 colours that stay distinct on white and on a projector; optimizer i in registry order gets PALETTE[i].
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#636363",
    "#a55194", "#637939", "#d6616b", "#000000",
)  # fmt: skip
FALLBACK_COLOR = "#7f7f7f"  # anything not in the registry (a custom run, a reference line)

FONT_FAMILY = "Inter, 'Segoe UI', 'Noto Sans SC', 'PingFang SC', sans-serif"
FONT_SIZE = 13
LINE_WIDTH = 2.0
MARKER_SIZE = 7.0
HEIGHT = 420

#: Presentation mode: fonts this large, lines and markers this many times thicker, charts this tall.
PRESENT_FONT_SIZE = 22
PRESENT_SCALE = 2.0
PRESENT_HEIGHT = 640

#: At most this many points per trace are sent to the browser; statistics still use every step.
MAX_POINTS = 1500

GRID_COLOR = "#e5e8ee"
AXIS_COLOR = "#9aa0a6"
START_COLOR = "#2ca02c"
OPTIMUM_COLOR = "#000000"
CURSOR_COLOR = "#d62728"
DIVERGED_COLOR = "#d62728"
CONVERGED_COLOR = "#2ca02c"


def figure(data: list[dict], layout: dict | None = None, frames: list[dict] | None = None) -> go.Figure:
    """A Figure from plain trace/layout/frame dicts, skipping Plotly's per-property validation.

    Validation costs about four times the build itself (it converts every array, in every animation
    frame); the page rebuilds its charts on each rerun, so builders assemble dicts and the tests
    validate every builder's output instead (``go.Figure(fig.to_dict())``).
    """
    spec: dict = {"data": data, "layout": layout or {}}
    if frames:
        spec["frames"] = frames
    return go.Figure(spec, _validate=False)


def optimizer_color(key: str) -> str:
    """The colour of optimizer ``key`` in every chart of every page (registry order picks it)."""
    keys = list(OPTIMIZERS)
    if key not in keys:
        return FALLBACK_COLOR
    return PALETTE[keys.index(key) % len(PALETTE)]


def font_size(presentation: bool = False) -> int:
    """Base font size in pixels."""
    return PRESENT_FONT_SIZE if presentation else FONT_SIZE


def line_width(presentation: bool = False, base: float = LINE_WIDTH) -> float:
    """A line width, scaled up for a projector."""
    return base * (PRESENT_SCALE if presentation else 1.0)


def base_layout(presentation: bool = False, height: int | None = None) -> dict:
    """Layout defaults shared by every chart: white template, readable fonts, tight margins."""
    size = font_size(presentation)
    return {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "colorway": list(PALETTE),
        "font": {"family": FONT_FAMILY, "size": size},
        "title": {"font": {"size": round(size * 1.25)}},
        "legend": {"font": {"size": size}},
        "height": round((height or HEIGHT) * (PRESENT_HEIGHT / HEIGHT if presentation else 1)),
        "margin": {"l": 60, "r": 20, "t": 50, "b": 50},
        "hoverlabel": {"font": {"size": size}},
    }


def apply_style(fig: go.Figure, presentation: bool = False, height: int | None = None) -> go.Figure:
    """Apply the shared layout and, in presentation mode, scale every line and marker up (in place).

    Builders set line widths and marker sizes at normal size; this is the one place that enlarges them,
    so presentation mode looks the same in every chart.
    """
    layout = base_layout(presentation, height)
    if fig.layout.margin.to_plotly_json():  # a builder's own margins win
        del layout["margin"]
    fig.update_layout(layout)
    size = font_size(presentation)
    axes = {"title_font_size": size, "tickfont_size": size, "gridcolor": GRID_COLOR, "linecolor": AXIS_COLOR}
    fig.update_xaxes(**axes)
    fig.update_yaxes(**axes)
    fig.update_annotations(font_size=size)
    if presentation:
        _scale_traces(fig.data)
        for frame in fig.frames or ():
            _scale_traces(frame.data)
    return fig


def _scale_traces(traces) -> None:
    for trace in traces:
        line = getattr(trace, "line", None)
        if line is not None and "width" in line and line.width is not None:
            line.width = line.width * PRESENT_SCALE
        marker = getattr(trace, "marker", None)
        if marker is not None and "size" in marker and marker.size is not None:
            size = marker.size
            marker.size = size * PRESENT_SCALE if np.isscalar(size) else np.asarray(size) * PRESENT_SCALE


def display_indices(k: int, max_points: int = MAX_POINTS, include: tuple[int, ...] = ()) -> np.ndarray:
    """Indices 0..k to draw: all of them if few, else about ``max_points`` spread half evenly, half
    geometrically (early steps move most), always keeping 0, k and every index in ``include``."""
    if k + 1 <= max_points:
        return np.arange(k + 1)
    budget = max_points - 2 - len(include)
    even = np.linspace(0, k, budget // 2)
    early = np.geomspace(1, k, budget - budget // 2)
    extra = [i for i in include if 0 <= i <= k]
    idx = np.concatenate([[0, k], even, early, extra]).round().astype(int)
    return np.unique(idx)


def downsample(x: np.ndarray, max_points: int = MAX_POINTS) -> np.ndarray:
    """Evenly chosen indices of an array of length ``len(x)`` (for data scatters, not step series)."""
    n = len(x)
    if n <= max_points:
        return np.arange(n)
    return np.unique(np.linspace(0, n - 1, max_points).round().astype(int))
