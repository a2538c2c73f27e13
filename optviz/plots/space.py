"""Parameter space: log10 loss contours with the animated trajectory, and the optional 3-D surface.

Plotly contours are linear, so the contour shows log10(loss) with colour-bar ticks labelled 10^k.
A loss that reaches zero or below (the saddle is unbounded below) is first shifted by the window's
minimum, and the colour-bar title says so. The animation's frames update only the path traces; the
contour is drawn once and both axes have fixed ranges.

Every point is drawn through a ``Plane`` (``plane.project``; default ``problem.plane``, the identity
for a 2-D problem), and the contour is the loss on that plane, so no figure reads coordinates itself.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..layout import Plane
from ..problems import LinearRegression, Problem, Window
from ..runner import Trace
from .style import (
    CURSOR_COLOR,
    LINE_WIDTH,
    LOSS_CONTOUR,
    MARKER_SIZE,
    MAX_POINTS,
    OPTIMUM_COLOR,
    START_COLOR,
    display_indices,
    figure,
    optimizer_color,
)

#: Grid points per side of the loss contour: filled bands look the same as at 100 at the chart's size,
#: and the chart is resent on every slider move (56 x 56 float32 is about 19 KB of JSON). Messages over
#: about 64 KB reached Chromium 25-70 ms later on loopback than smaller ones.
CONTOUR_RESOLUTION = 56
SURFACE_RESOLUTION = 60
#: The animation is part of the chart the browser receives and redraws on every slider move, so frames
#: are lean: 20 frames of at most 80 path points each; the static path and the last frame keep up to
#: MAX_POINTS.
MAX_FRAMES = 20
FRAME_POINTS = 80
CLICK_STEPS = 300  # a clicked start is rounded to about 1/300 of the window (start_from_click)
ARROWS = 12  # direction markers along the path
DYNAMIC_RANGE = 10.0  # decades of loss shown below the window's maximum


@dataclass(frozen=True)
class LogLoss:
    """log10 of the (shifted) loss on a grid: ``z[j, i]`` at ``(xs[i], ys[j])``; ``shift`` was
    subtracted first (0 unless the loss reaches zero or below in the window). ``defined`` is False
    when the loss is finite at no grid point (a visitor's formula, a window panned off its domain):
    ``z`` is then flat zero and the figures say so instead of raising."""

    xs: np.ndarray
    ys: np.ndarray
    z: np.ndarray
    shift: float
    floor: float
    defined: bool = True

    def of(self, loss: np.ndarray) -> np.ndarray:
        """The same transform applied to loss values (e.g. along the path), clipped to the floor."""
        with np.errstate(all="ignore"):
            out = np.log10(np.maximum(np.asarray(loss, dtype=float) - self.shift, self.floor))
        return np.where(np.isfinite(out), out, float(np.max(self.z)))


def log_loss(
    problem: Problem, window: Window, resolution: int = CONTOUR_RESOLUTION, plane: Plane | None = None
) -> LogLoss:
    """log10 loss on a grid over ``window`` of ``plane`` (default: the problem's); shifted by the window
    minimum when the loss is not > 0."""
    xs, ys, loss = problem.contour_grid(resolution, window, plane)
    finite = np.isfinite(loss)
    if not finite.any():
        return LogLoss(xs, ys, np.zeros(loss.shape), 0.0, 1.0, defined=False)
    lo, hi = float(loss[finite].min()), float(loss[finite].max())
    shift = lo if lo <= 0 else 0.0
    with np.errstate(all="ignore"):
        top = max(hi - shift, np.finfo(float).tiny)  # inf when the window's loss spans beyond 1.8e308
    if not math.isfinite(top):
        top = np.finfo(float).max
    floor = top * 10.0**-DYNAMIC_RANGE
    with np.errstate(all="ignore"):
        z = np.log10(np.maximum(loss - shift, floor))
    z = np.where(finite & np.isfinite(z), z, math.log10(top))
    return LogLoss(xs, ys, z, shift, floor)


def _not_finite_note(surface: LogLoss, lang: str) -> list[dict]:
    """An annotation saying the loss is not finite anywhere in the window (none when it is)."""
    if surface.defined:
        return []
    return [
        {"text": t("plot.not_finite", lang), "xref": "paper", "yref": "paper", "x": 0.5, "y": 0.5,
         "showarrow": False, "font": {"size": 14}, "bgcolor": "rgba(255,255,255,0.8)"}
    ]  # fmt: skip


def plot_window(
    problem: Problem, params: np.ndarray, grow: float = 2.0, plane: Plane | None = None
) -> Window:
    """The problem's window widened to show the path (by at most ``grow`` widths on each side); the path
    ``params`` (..., D) is seen through ``plane`` (default: the problem's)."""
    return _window_for(problem, (plane or problem.plane).project(np.asarray(params, dtype=float)), grow)


def _window_for(problem: Problem, xy: np.ndarray, grow: float = 2.0) -> Window:
    """``plot_window`` for points already in plane coordinates (..., 2)."""
    (x0, x1), (y0, y1) = problem.window
    w, h = x1 - x0, y1 - y0
    pts = np.asarray(xy, dtype=float).reshape(-1, 2)
    pts = pts[np.isfinite(pts).all(axis=1)]
    if len(pts):
        px0, py0 = pts.min(axis=0)
        px1, py1 = pts.max(axis=0)
        pad_x, pad_y = 0.05 * max(px1 - px0, w * 0.1), 0.05 * max(py1 - py0, h * 0.1)
        x0, x1 = max(min(x0, px0 - pad_x), x0 - grow * w), min(max(x1, px1 + pad_x), x1 + grow * w)
        y0, y1 = max(min(y0, py0 - pad_y), y0 - grow * h), min(max(y1, py1 + pad_y), y1 + grow * h)
    return (float(x0), float(x1)), (float(y0), float(y1))


def decade_ticks(surface: LogLoss, most: int = 8) -> list[int]:
    """The whole decades in the surface's log10 range, thinned evenly to at most ``most``: colour-bar
    ticks, labelled 10^k."""
    lo, hi = float(surface.z.min()), float(surface.z.max())
    ticks = list(range(math.ceil(lo), math.floor(hi) + 1))
    if len(ticks) > most:
        ticks = ticks[:: math.ceil(len(ticks) / most)]
    return ticks


def _colorbar(surface: LogLoss, lang: str) -> dict:
    ticks = decade_ticks(surface)
    title = t("plot.loss", lang)
    if surface.shift:
        title = t("plot.loss_shifted", lang, shift=f"{-surface.shift:.3g}")
    return {
        "title": {"text": title, "side": "right"},
        "tickvals": ticks,
        "ticktext": [f"10<sup>{k}</sup>" for k in ticks],
    }


def _frame_steps(k: int, frames: int) -> np.ndarray:
    return np.unique(np.linspace(0, k, min(frames, k + 1)).round().astype(int))


def _path_traces(xy_path: np.ndarray, upto: int, color: str, max_points: int, names: dict) -> list[dict]:
    """The path (plane coordinates, (k + 1, 2)) for steps 0..upto as two traces: the line (hover says
    the step), then arrow markers showing the direction of travel, the largest at the head.

    The arrows are a trace of their own, each arrow point after a size-0 copy of the point before it
    (``angleref="previous"`` turns an arrow away from the point before it in the trace): a marker on
    every point of the line cost the browser a drawn element per step, about half of a slider change's
    redraw of this chart at 1,000 steps."""
    idx = display_indices(upto, max_points)
    # float32 is finer than any screen can show and halves the JSON of the chart that is resent on every
    # slider move; the numbers themselves stay float64 in the trace, the CSV and the by-hand panel
    xy = xy_path[idx].astype(np.float32)
    n = len(idx)
    heads = (
        np.unique(np.linspace(1, n - 2, min(ARROWS, n - 2)).round().astype(int))
        if n > 2
        else np.zeros(0, int)
    )
    heads = np.append(heads, n - 1) if n > 1 else heads  # the head: a larger arrow
    pairs = np.stack([np.maximum(heads - 1, 0), heads], axis=1).ravel()
    size = np.zeros(len(pairs), dtype=np.uint8)
    size[1::2] = MARKER_SIZE + 3
    if n > 1:
        size[-1] = MARKER_SIZE + 6
    line = {
        "type": "scatter", "x": xy[:, 0], "y": xy[:, 1], "mode": "lines",
        "line": {"color": color, "width": LINE_WIDTH}, "name": names["path"],
        "customdata": idx.astype(np.uint16 if idx[-1] < 2**16 else np.int32), "hovertemplate": names["step"] + " %{customdata}<extra></extra>",
    }  # fmt: skip
    arrows = {
        "type": "scatter", "x": xy[pairs, 0], "y": xy[pairs, 1], "mode": "markers", "showlegend": False,
        "hoverinfo": "skip", "name": names["path"],
        "marker": {"color": color, "size": size, "symbol": "arrow", "angleref": "previous",
                   "line": {"width": 0}},
    }  # fmt: skip
    return [line, arrows]


def _changes(path: dict) -> dict:
    """What a frame changes in a path trace: the points, their step numbers (the line) and the arrow
    sizes (the arrows). Plotly merges a frame into the trace, so the style stays in the base trace only."""
    changes = {"x": path["x"], "y": path["y"]}
    if "customdata" in path:
        changes["customdata"] = path["customdata"]
    if "marker" in path:
        changes["marker"] = {"size": path["marker"]["size"]}
    return changes


def equal_scale(problem: Problem) -> bool:
    """True when both coordinates are the same kind of quantity (the 2-D test functions and typed
    formulas): their axes share one scale. A regression's w and b differ in units, so they do not."""
    return not isinstance(problem, LinearRegression)


def path_figure(
    trace: Trace,
    cursor: int | None = None,
    *,
    window: Window | None = None,
    resolution: int = CONTOUR_RESOLUTION,
    frames: int = MAX_FRAMES,
    presentation: bool = False,
    clickable: bool = False,
    plane: Plane | None = None,
    lang: str = "en",
) -> go.Figure:
    """Log-loss contours with the trajectory (direction arrows), start, optimum and cursor markers, and
    an animation of the path (play/pause and a frame slider) whose frames touch only the path traces.
    ``clickable`` says in the contour's hover that a click picks a new start (``start_from_click``).
    ``plane`` is the view (default ``problem.plane``)."""
    problem, k = trace.problem, trace.k
    plane = plane or problem.plane
    params = plane.project(trace.params)  # (k + 1, 2): what the chart draws
    cursor = k if cursor is None else int(min(max(cursor, 0), k))
    window = window or _window_for(problem, params)
    surface = log_loss(problem, window, resolution, plane)
    color = optimizer_color(trace.optimizer)
    a, b = plane.labels
    names = {
        "path": t("plot.path", lang),
        "step": t("plot.step", lang),
    }
    loss_name = t("plot.loss", lang)
    contour = {
        "type": "contour", "x": surface.xs, "y": surface.ys, "z": surface.z.astype(np.float32),
        **LOSS_CONTOUR,
        "colorbar": _colorbar(surface, lang), "name": loss_name,
        "hovertemplate": f"{a}=%{{x:.3g}}, {b}=%{{y:.3g}}<br>log10 {loss_name}=%{{z:.2f}}"
        + (f"<br><i>{t('plot.click_start', lang)}</i>" if clickable else "") + "<extra></extra>",
    }  # fmt: skip
    data = [contour, *_path_traces(params, cursor, color, MAX_POINTS, names)]
    data.append(
        {
            "type": "scatter", "x": params[:1, 0], "y": params[:1, 1], "mode": "markers",
            "name": t("plot.start", lang),
            "marker": {"symbol": "square", "size": MARKER_SIZE + 3, "color": START_COLOR,
                       "line": {"color": "white", "width": 1}},
        }
    )  # fmt: skip
    if len(problem.minima):
        minima = plane.project(problem.minima)
        data.append(
            {
                "type": "scatter", "x": minima[:, 0], "y": minima[:, 1], "mode": "markers",
                "name": t("plot.optimum", lang),
                "marker": {"symbol": "x", "size": MARKER_SIZE + 5, "color": OPTIMUM_COLOR,
                           "line": {"color": "white", "width": 1}},
            }
        )  # fmt: skip
    data.append(
        {
            "type": "scatter", "x": params[cursor : cursor + 1, 0], "y": params[cursor : cursor + 1, 1],
            "mode": "markers", "name": t("plot.cursor", lang, step=cursor),
            "marker": {"symbol": "star", "size": MARKER_SIZE + 8, "color": CURSOR_COLOR,
                       "line": {"color": "white", "width": 1}},
        }
    )  # fmt: skip
    (x0, x1), (y0, y1) = window
    layout = {
        # the title sits at the very top, above the play buttons and frame slider
        "title": {"text": t("plot.space_title", lang), "y": 0.99, "yref": "container", "yanchor": "top"},
        "xaxis": {"title": {"text": a}, "range": [x0, x1], "autorange": False, "showgrid": False,
                  "zeroline": False},
        "yaxis": {"title": {"text": b}, "range": [y0, y1], "autorange": False, "showgrid": False,
                  "zeroline": False},
        "legend": {"orientation": "h", "y": -0.18, "x": 0},
        "margin": {"l": 90, "r": 115, "t": 130, "b": 120},  # fits ticks and legend: see plots.style
        "annotations": _not_finite_note(surface, lang),
    }  # fmt: skip
    if equal_scale(problem):
        # one unit is as long on both axes, so a 20:1 ravine looks like one; the plot area shrinks along
        # the shorter side ("domain") instead of stretching the range past the contours
        layout["xaxis"]["constrain"] = "domain"
        layout["yaxis"].update(scaleanchor="x", scaleratio=1, constrain="domain")
    frame_list = _animate(layout, params, color, frames, cursor, names, lang)
    if not frame_list:  # no play buttons or frame slider above the plot: the title needs less room
        layout["margin"]["t"] = 60
    return figure(data, layout, frame_list, presentation=presentation, height=540)


def start_from_click(point: Mapping[str, Any] | None, window: Window) -> tuple[float, float] | None:
    """The start point a click on a path chart asks for (``{"x": ..., "y": ...}`` in data coordinates,
    as the page's click component reports it), or None for anything else.

    The point is clamped to ``window`` and rounded to about 1/300 of the window's width and height, so
    the start controls show short numbers (2.35, not 2.3548387) that still sit under the pointer."""
    try:
        x, y = float(point["x"]), float(point["y"])  # type: ignore[index]
    except (KeyError, TypeError, ValueError):
        return None
    if not (math.isfinite(x) and math.isfinite(y)):
        return None
    out = []
    for v, (lo, hi) in ((x, window[0]), (y, window[1])):
        step = (hi - lo) / CLICK_STEPS
        digits = max(0, -math.floor(math.log10(step))) if step > 0 else 6
        out.append(round(min(max(v, lo), hi), digits))
    return out[0], out[1]


PATH_TRACES = (1, 2)  # the path (line, then direction arrows and head): the only traces frames change


def _animate(layout: dict, params, color, frames, cursor, names, lang) -> list[dict]:
    """Frames (path traces only) plus play/pause buttons and a frame slider added to ``layout``."""
    # frames run from step 0 to the cursor, so the slider's last (and active) label is the cursor's step
    if cursor < 1 or frames < 2:
        return []
    steps = _frame_steps(cursor, frames)
    frame_list = [
        # the last frame is the path up to the cursor at full display detail: playback ends on the static path
        {"data": [_changes(tr) for tr in _path_traces(params, int(s), color, MAX_POINTS if s == cursor else FRAME_POINTS, names)],
         "traces": list(PATH_TRACES), "name": str(s)}
        for s in steps
    ]  # fmt: skip
    duration = 60
    # "redraw": True on every animate call: plotly.js (4.1) draws a frame by re-plotting only the
    # animatable traces (scatter) and drops every other layer of the subplot, so without a redraw after
    # each frame the contour disappears on Play and never comes back.
    play = {
        "label": "▶ " + t("plot.play", lang), "method": "animate",
        "args": [None, {"frame": {"duration": duration, "redraw": True}, "fromcurrent": True,
                        "transition": {"duration": 0}, "mode": "immediate"}],
    }  # fmt: skip
    pause = {
        "label": "❚❚ " + t("plot.pause", lang), "method": "animate",
        "args": [[None], {"frame": {"duration": 0, "redraw": True}, "mode": "immediate",
                          "transition": {"duration": 0}}],
    }  # fmt: skip
    active = len(steps) - 1  # the cursor's step
    layout["updatemenus"] = [
        {"type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 1.02,
         "xanchor": "left", "yanchor": "bottom", "pad": {"r": 6, "t": 0}, "buttons": [play, pause]},
    ]  # fmt: skip
    layout["sliders"] = [
        {
            # right of the buttons; frame numbers hidden (the current step is shown above the slider)
            "active": active, "x": 0.56, "len": 0.44, "y": 1.02, "yanchor": "bottom",
            "pad": {"t": 0, "b": 0}, "ticklen": 0, "minorticklen": 0, "font": {"color": "rgba(0,0,0,0)"},
            "currentvalue": {"prefix": t("plot.step", lang) + " ", "visible": True, "font": {"color": "#444"}},
            "steps": [
                {"label": str(s), "method": "animate",
                 "args": [[str(s)], {"mode": "immediate", "frame": {"duration": 0, "redraw": True},
                                     "transition": {"duration": 0}}]}
                for s in steps
            ],
        }
    ]  # fmt: skip
    return frame_list


def surface_figure(
    trace: Trace,
    cursor: int | None = None,
    *,
    window: Window | None = None,
    resolution: int = SURFACE_RESOLUTION,
    presentation: bool = False,
    plane: Plane | None = None,
    lang: str = "en",
) -> go.Figure:
    """3-D surface of log10 loss with the path drawn on it (downsampled) and the cursor marked; ``plane``
    is the view (default ``problem.plane``)."""
    problem, k = trace.problem, trace.k
    plane = plane or problem.plane
    params = plane.project(trace.params)
    cursor = k if cursor is None else int(min(max(cursor, 0), k))
    window = window or _window_for(problem, params)
    surface = log_loss(problem, window, resolution, plane)
    idx = display_indices(k)
    path_z = surface.of(trace.loss[idx])
    color = optimizer_color(trace.optimizer)
    a, b = plane.labels
    data = [
        {
            "type": "surface", "x": surface.xs, "y": surface.ys, "z": surface.z.astype(np.float32),
            "colorscale": "Viridis", "reversescale": True, "opacity": 0.9, "showscale": False,
            "name": t("plot.loss", lang),
        },
        {
            "type": "scatter3d", "x": params[idx, 0], "y": params[idx, 1], "z": path_z, "mode": "lines",
            "line": {"color": color, "width": LINE_WIDTH * 3}, "name": t("plot.path", lang),
        },
        {
            "type": "scatter3d", "x": params[cursor : cursor + 1, 0], "y": params[cursor : cursor + 1, 1],
            "z": surface.of(trace.loss[cursor : cursor + 1]), "mode": "markers",
            "marker": {"size": MARKER_SIZE, "color": CURSOR_COLOR}, "name": t("plot.cursor", lang, step=cursor),
        },
    ]  # fmt: skip
    ztitle = "log10 " + (
        t("plot.loss_shifted", lang, shift=f"{-surface.shift:.3g}") if surface.shift else t("plot.loss", lang)
    )
    layout = {
        "title": {"text": t("plot.surface_title", lang)},
        "scene": {"xaxis": {"title": {"text": a}}, "yaxis": {"title": {"text": b}},
                  "zaxis": {"title": {"text": ztitle}}},
        "margin": {"l": 0, "r": 0, "t": 40, "b": 0},
        "annotations": _not_finite_note(surface, lang),
    }  # fmt: skip
    return figure(data, layout, presentation=presentation, height=540)
