"""Several optimizers on one problem: overlaid paths on one contour, overlaid loss curves, and one
synchronised animation of every path.

Each optimizer keeps its registry colour (``optimizer_color``) in every chart and one legend group, so
clicking its legend entry hides all of its traces. Paths are downsampled for display
(``display_indices``); the statistics behind them use every step. Points are drawn through the
problem's ``plane`` (the identity for a 2-D problem).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from ..compare import entry_dash, entry_labels, entry_optimizer
from ..i18n import t
from ..problems import Problem
from ..runner import Trace
from .curves import loss_axis_type
from .space import CONTOUR_RESOLUTION, LogLoss, decade_ticks, log_loss, plot_window
from .style import (
    DIVERGED_COLOR,
    LINE_WIDTH,
    MARKER_SIZE,
    OPTIMUM_COLOR,
    START_COLOR,
    apply_style,
    display_indices,
    figure,
    optimizer_color,
)

MAX_FRAMES = 100
FRAME_MS = 60


def _first(traces: Mapping[str, Trace]) -> Trace:
    if not traces:
        raise ValueError("nothing to plot: no traces given")
    return next(iter(traces.values()))


def _window(traces: Mapping[str, Trace]):
    problem = _first(traces).problem
    return plot_window(problem, np.concatenate([tr.params for tr in traces.values()]))


def _contour(surface: LogLoss, problem: Problem, lang: str, *, clickable: bool = False) -> go.Contour:
    """The log10-loss background shared by the overlay and the animation; ``clickable`` says in its
    hover that a click picks a new start."""
    ticks = decade_ticks(surface)
    a, b = problem.plane.labels
    title = t("compare.fig.loss", lang)
    if surface.shift:
        title = t("compare.fig.loss_shifted", lang, shift=f"{-surface.shift:.3g}")
    return go.Contour(
        x=surface.xs, y=surface.ys, z=surface.z.astype(np.float32), colorscale="Greys",
        reversescale=True, ncontours=24, opacity=0.6, contours={"coloring": "fill", "showlines": True},
        line={"width": 0.5, "color": "rgba(255,255,255,0.6)"}, name=title, showlegend=False,
        colorbar={"title": {"text": title, "side": "right"}, "tickvals": ticks,
                  "ticktext": [f"10<sup>{k}</sup>" for k in ticks]},
        hovertemplate=f"{a}=%{{x:.3g}}, {b}=%{{y:.3g}}"
        + (f"<br><i>{t('compare.fig.click_start', lang)}</i>" if clickable else "") + "<extra></extra>",
    )  # fmt: skip


def _landmarks(problem: Problem, start: np.ndarray, lang: str) -> list[go.Scatter]:
    """The shared start point and the known minima."""
    plane = problem.plane
    start = plane.project(start)
    out = [
        go.Scatter(
            x=start[:1], y=start[1:], mode="markers", name=t("compare.fig.start", lang),
            marker={"symbol": "square", "size": MARKER_SIZE + 3, "color": START_COLOR,
                    "line": {"color": "white", "width": 1}},
        )
    ]  # fmt: skip
    if len(problem.minima):
        minima = plane.project(problem.minima)
        out.append(
            go.Scatter(
                x=minima[:, 0], y=minima[:, 1], mode="markers",
                name=t("compare.fig.optimum", lang),
                marker={"symbol": "x", "size": MARKER_SIZE + 5, "color": OPTIMUM_COLOR,
                        "line": {"color": "white", "width": 1}},
            )
        )  # fmt: skip
    return out


def _axes(fig: go.Figure, problem: Problem, window) -> None:
    (x0, x1), (y0, y1) = window
    a, b = problem.plane.labels
    fig.update_xaxes(title_text=a, range=[x0, x1], autorange=False, showgrid=False, zeroline=False)
    fig.update_yaxes(title_text=b, range=[y0, y1], autorange=False, showgrid=False, zeroline=False)


def _end_label(tr: Trace, lang: str) -> str:
    if tr.diverged_at is not None:
        return t("compare.fig.diverged_at", lang, step=tr.diverged_at)
    return t("compare.fig.final", lang, loss=f"{tr.final_loss:.4g}")


def overlay_figure(
    traces: Mapping[str, Trace],
    *,
    reveal: bool = True,
    resolution: int = CONTOUR_RESOLUTION,
    presentation: bool = False,
    clickable: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Every path on one log-loss contour, one colour per optimizer.

    Traces: the contour, then per optimizer its path and its end point (an x where it diverged), then
    the start and the minima. With ``reveal=False`` the paths are left out altogether (not merely
    hidden, so nobody can peek through the legend) for a predict-then-reveal moment.
    ``clickable`` says in the contour's hover that a click picks a new start (``space.start_from_click``).
    """
    first = _first(traces)
    problem = first.problem
    window = _window(traces) if reveal else plot_window(problem, first.params[:1])
    fig = go.Figure([_contour(log_loss(problem, window, resolution), problem, lang, clickable=clickable)])
    if reveal:
        labels = entry_labels(traces, lang)
        for key, tr in traces.items():
            name, color, dash = labels[key], optimizer_color(entry_optimizer(key)), entry_dash(key)
            idx = display_indices(tr.k)
            xy = problem.plane.project(tr.params)
            fig.add_trace(
                go.Scatter(
                    x=xy[idx, 0], y=xy[idx, 1], mode="lines", name=name, legendgroup=key,
                    line={"color": color, "width": LINE_WIDTH, "dash": dash}, customdata=idx,
                    hovertemplate=f"{name}<br>{t('compare.fig.step', lang)} %{{customdata}}<extra></extra>",
                )
            )  # fmt: skip
            end = xy[-1:]
            dead = tr.diverged_at is not None
            fig.add_trace(
                go.Scatter(
                    x=end[:, 0], y=end[:, 1], mode="markers", name=_end_label(tr, lang), legendgroup=key,
                    showlegend=False,
                    marker={"symbol": "x" if dead else "circle", "size": MARKER_SIZE + 3, "color": color,
                            "line": {"color": DIVERGED_COLOR if dead else "white", "width": 1.5}},
                    hovertemplate=f"{name}: {_end_label(tr, lang)}<extra></extra>",
                )
            )  # fmt: skip
    for trace in _landmarks(problem, first.start, lang):
        fig.add_trace(trace)
    _axes(fig, problem, window)
    title = t("compare.fig.paths_title", lang) if reveal else t("compare.fig.predict_title", lang)
    fig.update_layout(title={"text": title}, legend={"orientation": "h", "y": -0.18, "x": 0},
                      margin={"b": 110})  # fmt: skip
    return apply_style(fig, presentation, height=540)


def loss_curves_figure(
    traces: Mapping[str, Trace], *, presentation: bool = False, lang: str = "en"
) -> go.Figure:
    """Loss against step for every optimizer (log y when every loss is positive).

    Traces: per optimizer its curve and its end marker (an x at the last finite step where it
    diverged), then a dotted line at the minimum's loss when that is known and positive.
    """
    problem = _first(traces).problem
    every = np.concatenate([tr.loss for tr in traces.values()])
    axis = loss_axis_type(every)
    longest = max(tr.k for tr in traces.values())
    fig = go.Figure()
    labels = entry_labels(traces, lang)
    for key, tr in traces.items():
        name, color, dash = labels[key], optimizer_color(entry_optimizer(key)), entry_dash(key)
        idx = display_indices(tr.k)
        dead = tr.diverged_at is not None
        fig.add_trace(
            go.Scatter(
                x=idx, y=tr.loss[idx], mode="lines", name=name, legendgroup=key,
                line={"color": color, "width": LINE_WIDTH, "dash": dash},
                hovertemplate=f"{name}<br>{t('compare.fig.step', lang)} %{{x}}: %{{y:.6g}}<extra></extra>",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=[tr.k], y=tr.loss[-1:], mode="markers", name=_end_label(tr, lang), legendgroup=key,
                showlegend=False,
                marker={"symbol": "x" if dead else "circle", "size": MARKER_SIZE + (4 if dead else 0),
                        "color": color},
                hovertemplate=f"{name}: {_end_label(tr, lang)}<extra></extra>",
            )
        )  # fmt: skip
    if problem.min_loss is not None and (axis == "linear" or problem.min_loss > 0):
        fig.add_trace(
            go.Scatter(
                x=[0, max(longest, 1)], y=[problem.min_loss] * 2, mode="lines",
                name=t("compare.fig.optimum_loss", lang, value=f"{problem.min_loss:.4g}"),
                line={"color": OPTIMUM_COLOR, "width": LINE_WIDTH / 2, "dash": "dot"},
            )
        )  # fmt: skip
    fig.update_xaxes(title_text=t("compare.fig.step", lang), range=[0, max(longest, 1)])
    fig.update_yaxes(title_text=t("compare.fig.loss", lang), type=axis, exponentformat="power")
    fig.update_layout(title={"text": t("compare.fig.loss_title", lang)},
                      legend={"orientation": "h", "y": -0.25, "x": 0}, margin={"b": 90})  # fmt: skip
    return apply_style(fig, presentation)


def _heads(traces: Mapping[str, Trace], step: int) -> list[dict]:
    """Per optimizer, its position at ``step`` (its last finite point once it has diverged)."""
    out = []
    for tr in traces.values():
        upto = min(step, tr.k)
        x, y = tr.problem.plane.project(tr.params[upto]).tolist()
        out.append(
            {"type": "scatter", "x": [x], "y": [y], "marker": {"symbol": "x" if upto < step else "circle"}}
        )
    return out


def race_figure(
    traces: Mapping[str, Trace],
    *,
    frames: int = MAX_FRAMES,
    resolution: int = CONTOUR_RESOLUTION,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """One animation of every optimizer moving in step along its (faint) path, with play/pause and a
    frame slider.

    All optimizers share the frame's step number; one that diverged stops at its last finite point
    (drawn as an x). Traces: the contour, then per optimizer its faint path and its moving head, then
    the landmarks. Frames move only the heads (one point each), so even 8 paths x 1,000 steps
    animate from a small figure.
    """
    first = _first(traces)
    problem = first.problem
    window = _window(traces)
    fig = go.Figure([_contour(log_loss(problem, window, resolution), problem, lang)])
    longest = max(tr.k for tr in traces.values())
    labels = entry_labels(traces, lang)
    for key, tr in traces.items():
        name, color, dash = labels[key], optimizer_color(entry_optimizer(key)), entry_dash(key)
        idx = display_indices(tr.k)
        xy = problem.plane.project(tr.params)
        fig.add_trace(
            go.Scatter(
                x=xy[idx, 0], y=xy[idx, 1], mode="lines", name=name, legendgroup=key,
                line={"color": color, "width": LINE_WIDTH * 0.75, "dash": dash}, opacity=0.45, hoverinfo="skip",
            )
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(
                x=xy[:1, 0], y=xy[:1, 1], mode="markers", name=name, legendgroup=key,
                showlegend=False, marker={"color": color, "size": MARKER_SIZE + 5, "symbol": "circle",
                                          "line": {"color": "white", "width": 1.5}},
                hovertemplate=f"{name}<extra></extra>",
            )
        )  # fmt: skip
    for trace in _landmarks(problem, first.start, lang):
        fig.add_trace(trace)
    heads = list(range(2, 2 + 2 * len(traces), 2))
    steps = np.unique(np.linspace(0, longest, min(max(frames, 2), longest + 1)).round().astype(int))
    _player(fig, steps, lang)
    _axes(fig, problem, window)
    fig.update_layout(title={"text": t("compare.fig.race_title", lang)},
                      legend={"orientation": "h", "y": -0.18, "x": 0}, margin={"b": 110, "t": 90})  # fmt: skip
    # frames as plain dicts, handed to Plotly once, when the styled figure is built
    frame_list = [{"data": _heads(traces, int(s)), "traces": heads, "name": str(s)} for s in steps]
    spec = fig.to_dict()
    return figure(spec["data"], spec["layout"], frame_list, presentation=presentation, height=540)


def _player(fig: go.Figure, steps: np.ndarray, lang: str) -> None:
    # "redraw": True on every animate call: plotly.js (4.1) draws a frame by re-plotting only the
    # animatable traces (scatter) and drops the contour layer, which only a redraw brings back.
    still = {"duration": 0, "redraw": True}
    play = {
        "label": "▶ " + t("compare.fig.play", lang), "method": "animate",
        "args": [None, {"frame": {"duration": FRAME_MS, "redraw": True}, "fromcurrent": True,
                        "transition": {"duration": 0}, "mode": "immediate"}],
    }  # fmt: skip
    pause = {
        "label": "❚❚ " + t("compare.fig.pause", lang), "method": "animate",  # text fonts have ❚, not ⏸
        "args": [[None], {"frame": still, "mode": "immediate", "transition": {"duration": 0}}],
    }  # fmt: skip
    fig.update_layout(
        updatemenus=[
            {"type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 1.02,
             "xanchor": "left", "yanchor": "bottom", "pad": {"r": 6, "t": 0}, "buttons": [play, pause]},
        ],
        sliders=[
            {
                "active": 0, "x": 0.22, "len": 0.78, "y": 1.02, "yanchor": "bottom", "pad": {"t": 0, "b": 0},
                "currentvalue": {"prefix": t("compare.fig.step", lang) + " ", "visible": True},
                "steps": [
                    {"label": str(s), "method": "animate",
                     "args": [[str(s)], {"mode": "immediate", "frame": still, "transition": {"duration": 0}}]}
                    for s in steps
                ],
            }
        ],
    )  # fmt: skip


__all__ = ["loss_curves_figure", "overlay_figure", "race_figure"]
