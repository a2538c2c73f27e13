"""Hyperparameter landscapes: a heatmap over two hyperparameters and learning-rate sensitivity curves.

Axes follow each hyperparameter's declared scale: a ``log`` parameter is drawn on a log axis, a
``log1m`` one (a decay rate near 1) on a reversed log axis of ``1 - value`` labelled with the value
itself, so 0.9, 0.99 and 0.999 are evenly spaced. ``axis_values`` lays grid values out along the same
scale, so every heatmap cell has the same width on screen.

Heatmap traces, in order: the metric (diverged and, for steps-to-converge, never-converged cells are
gaps, never colours), the diverged cells in one flat colour, the never-converged cells in another,
the best cell, and an invisible layer of one point per cell that carries the hover text and makes a
click selectable (Plotly heatmaps cannot be selected).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import plotly.graph_objects as go

from ..compare import LearningRateScan
from ..i18n import t, tr
from ..nets.base import NetworkProblem
from ..optimizers import get_optimizer
from ..problems import Problem
from ..spec import Param
from ..sweep import SweepResult
from .style import DIVERGED_COLOR, MARKER_SIZE, apply_style, line_width, log_ticks, optimizer_color

MAX_RESOLUTION = 200
METRICS = ("final_loss", "steps_to_converge")
DIVERGED_FILL = "#3a3a3a"  # dark grey: outside every colour scale used here
NOT_CONVERGED_FILL = "#d9d9d9"
LOSS_COLORSCALE = "Viridis"
STEPS_COLORSCALE = "Cividis"
#: Heatmap trace indices (tests and the page rely on this order).
VALUES, DIVERGED, NOT_CONVERGED, BEST, CELLS = range(5)


# --- axes ------------------------------------------------------------------------------------------
def axis_values(param: Param, low: float, high: float, n: int) -> np.ndarray:
    """``n`` values from ``low`` to ``high`` evenly spaced along ``param``'s declared scale."""
    n = int(n)
    if not 2 <= n <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be between 2 and {MAX_RESOLUTION}, got {n}")
    low, high = float(param.check(low, param.name)), float(param.check(high, param.name))
    if not low < high:
        raise ValueError(f"{param.name}: the range start ({low:g}) must be below its end ({high:g})")
    if param.scale == "log":
        values = np.geomspace(low, high, n)
    elif param.scale == "log1m":
        values = 1.0 - np.geomspace(1.0 - low, 1.0 - high, n)
    else:
        values = np.linspace(low, high, n)
    values[0], values[-1] = low, high  # exact ends, never a rounding step outside the range
    values = np.clip(values, low, high)
    if param.integer:
        values = np.unique(np.round(values))
    return values


def _drawn(param: Param, values: np.ndarray) -> np.ndarray:
    """Where values sit on the drawn axis (1 - value for a log1m parameter)."""
    return 1.0 - values if param.scale == "log1m" else np.asarray(values, dtype=float)


def _edges(param: Param, values: np.ndarray) -> np.ndarray:
    """Cell boundaries on the drawn axis: geometric midpoints on a log axis, arithmetic otherwise."""
    x = _drawn(param, values)
    if len(x) == 1:
        return np.array([x[0] * 0.9, x[0] * 1.1]) if param.log else np.array([x[0] - 0.5, x[0] + 0.5])
    if param.log:
        lx = np.log10(x)
        mid = (lx[1:] + lx[:-1]) / 2
        return 10.0 ** np.concatenate([[2 * lx[0] - mid[0]], mid, [2 * lx[-1] - mid[-1]]])
    mid = (x[1:] + x[:-1]) / 2
    return np.concatenate([[2 * x[0] - mid[0]], mid, [2 * x[-1] - mid[-1]]])


#: Log axes labelled 10^k at each decade only: students read 1e-6 better than "1µ", and 2s and 5s clutter.
LOG_TICKS = {"dtick": 1, "exponentformat": "power"}


def axis_layout(param: Param, values: np.ndarray) -> dict[str, Any]:
    """Plotly axis settings for ``param``: type, direction and (for log1m) ticks labelled as values."""
    if param.scale == "log":
        return {"type": "log", "title": {"text": param.name}, **LOG_TICKS, **log_ticks(values)}
    if param.scale == "log1m":
        drawn = _drawn(param, values)
        lo, hi = np.floor(np.log10(drawn.min()) + 1e-9), np.ceil(np.log10(drawn.max()) - 1e-9)
        ticks = 10.0 ** np.arange(lo, hi + 1)
        return {
            "type": "log",
            "autorange": "reversed",  # the value grows to the right as 1 - value shrinks
            "tickvals": ticks.tolist(),
            "ticktext": [f"{1 - v:.{max(0, int(-np.log10(v)))}f}" for v in ticks],
            "title": {"text": f"{param.name}  (log 1 − {param.name})"},
        }
    return {"type": "linear", "title": {"text": param.name}}


# --- metrics ---------------------------------------------------------------------------------------
def loss_gap(loss: np.ndarray, problem: Problem) -> np.ndarray:
    """Final loss above the known minimum (the loss itself when the minimum is 0 or unknown), kept
    positive for a log scale: a gap below 1e-16 of the minimum's size is shown as that floor."""
    loss = np.asarray(loss, dtype=float)
    ref = problem.min_loss or 0.0
    floor = 1e-16 * max(1.0, abs(ref))
    return np.maximum(loss - ref, floor)


def loss_label(problem: Problem, lang: str = "en") -> str:
    """Axis/colour-bar title for final losses on ``problem``."""
    if problem.min_loss:
        return t("sweep.fig.loss_gap", lang)
    return t("sweep.fig.final_loss", lang)


def best_cell(result: SweepResult, metric: str = "final_loss") -> tuple[int, ...] | None:
    """Index of the best cell: the fewest steps to converge (ties: lower loss) for that metric,
    else the lowest final loss; never a diverged cell; None if every cell diverged."""
    ok = ~result.diverged
    if not ok.any():
        return None
    if metric == "steps_to_converge":
        conv = ok & (result.steps_to_converge >= 0)
        if conv.any():
            steps = np.where(conv, result.steps_to_converge, np.iinfo(np.int64).max).ravel()
            loss = np.where(conv, result.final_loss, np.inf).ravel()
            return tuple(int(i) for i in np.unravel_index(np.lexsort((loss, steps))[0], result.shape))
    flat = np.argmin(np.where(ok, result.final_loss, np.inf))
    return tuple(int(i) for i in np.unravel_index(flat, result.shape))


def _gapped(z: np.ndarray, decimals: int = 6) -> list:
    """A heatmap's z as nested lists with None (JSON null: Plotly's gap) where a cell is not shown,
    so no NaN reaches the chart; values rounded to ``decimals`` (log10 colours need far fewer)."""
    z = np.asarray(z, dtype=float)
    shown = np.isfinite(z)
    rows = np.round(np.where(shown, z, 0.0), decimals).tolist()
    return [[v if ok else None for v, ok in zip(row, keep)] for row, keep in zip(rows, shown.tolist())]


def _check_metric(metric: str) -> None:
    if metric not in METRICS:
        raise ValueError(f"unknown metric {metric!r}; allowed: {', '.join(METRICS)}")


# --- heatmap ---------------------------------------------------------------------------------------
def heatmap_figure(
    result: SweepResult,
    metric: str = "final_loss",
    *,
    lang: str = "en",
    presentation: bool = False,
) -> go.Figure:
    """Final loss (log colour) or steps-to-converge over a 2-D sweep; axes in ``result.grid`` order (x, y)."""
    _check_metric(metric)
    if len(result.grid) != 2:
        raise ValueError(f"a heatmap needs a 2-D sweep, got {len(result.grid)} swept hyperparameters")
    opt = get_optimizer(result.optimizer)
    (xname, xs), (yname, ys) = result.grid.items()
    xp, yp = opt.param(xname), opt.param(yname)
    ex, ey = _edges(xp, xs), _edges(yp, ys)
    diverged = result.diverged.T  # rows = y, columns = x
    converged = result.steps_to_converge.T >= 0
    gap = loss_gap(result.final_loss, result.problem).T

    if metric == "final_loss":
        shown = ~diverged
        with np.errstate(all="ignore"):
            z = np.where(shown, np.log10(gap), np.nan)
        finite = z[shown]
        lo, hi = (float(finite.min()), float(finite.max())) if finite.size else (0.0, 1.0)
        if hi - lo < 1e-9:
            lo, hi = lo - 0.5, hi + 0.5
        ticks = np.arange(np.ceil(lo), np.floor(hi) + 1)
        if len(ticks) > 8:
            ticks = ticks[:: int(np.ceil(len(ticks) / 8))]
        colorbar = {
            "title": {"text": loss_label(result.problem, lang), "side": "right"},
            "tickvals": ticks.tolist(),
            "ticktext": [f"1e{int(v)}" for v in ticks],
        }
        values = go.Heatmap(
            x=ex, y=ey, z=_gapped(z), zmin=lo, zmax=hi, colorscale=LOSS_COLORSCALE, colorbar=colorbar,
            hoverinfo="skip", name=loss_label(result.problem, lang), showlegend=False,
        )  # fmt: skip
        not_converged = np.zeros_like(diverged)
    else:
        shown = ~diverged & converged
        z = np.where(shown, result.steps_to_converge.T, np.nan).astype(float)
        values = go.Heatmap(
            x=ex, y=ey, z=_gapped(z), colorscale=STEPS_COLORSCALE,
            colorbar={"title": {"text": t("sweep.fig.steps", lang), "side": "right"}},
            hoverinfo="skip", name=t("sweep.fig.steps", lang), showlegend=False,
        )  # fmt: skip
        not_converged = ~diverged & ~converged

    def flat_layer(mask: np.ndarray, color: str, name: str) -> go.Heatmap:
        return go.Heatmap(
            x=ex, y=ey, z=_gapped(np.where(mask, 1.0, np.nan)), zmin=0, zmax=1,
            colorscale=[[0, color], [1, color]], showscale=False, hoverinfo="skip",
            name=name, showlegend=True, visible=True,
        )  # fmt: skip

    best = best_cell(result, metric)
    bx = [float(_drawn(xp, xs[best[0] : best[0] + 1])[0])] if best else []
    by = [float(_drawn(yp, ys[best[1] : best[1] + 1])[0])] if best else []
    best_trace = go.Scatter(
        x=bx, y=by, mode="markers", name=t("sweep.fig.best", lang), hoverinfo="skip",
        marker={"symbol": "star", "size": 2.2 * MARKER_SIZE, "color": "white",
                "line": {"color": "black", "width": 1.5}},
    )  # fmt: skip

    fig = go.Figure(
        [
            values,
            flat_layer(diverged, DIVERGED_FILL, t("sweep.fig.diverged", lang)),
            flat_layer(not_converged, NOT_CONVERGED_FILL, t("sweep.fig.not_converged", lang)),
            best_trace,
            _cell_layer(result, xp, yp, lang),
        ]
    )
    fig.update_layout(
        xaxis=axis_layout(xp, xs),
        yaxis=axis_layout(yp, ys),
        # the legend sits between the title and the plot: the top margin holds both, one above the other
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        margin={"l": 60, "r": 20, "t": 80, "b": 50},
        clickmode="event+select",
        dragmode=False,
        title={"text": t("sweep.fig.heatmap_title", lang, optimizer=tr(opt.name, lang), steps=result.steps)},
    )
    fig.update_xaxes(showgrid=False, zeroline=False)
    fig.update_yaxes(showgrid=False, zeroline=False)
    return apply_style(fig, presentation, height=520)


def _cell_layer(result: SweepResult, xp: Param, yp: Param, lang: str) -> go.Scattergl:
    """One invisible point per cell: hover text with every value, and a selectable click target."""
    (_, xs), (_, ys) = result.grid.items()
    nx, ny = len(xs), len(ys)
    ii, jj = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    ii, jj = ii.ravel(), jj.ravel()
    # numbers in customdata (a compact typed array); what happened, in words, in text (never -1)
    custom = np.column_stack([ii, jj, xs[ii], ys[jj], result.final_loss.ravel()])
    outcomes = outcome_texts(result.steps_to_converge.ravel(), result.diverged_at.ravel(), lang)
    # a network's cell opens on the Networks page, a 2-D problem's in the Playground
    click = "sweep.fig.click_network" if isinstance(result.problem, NetworkProblem) else "sweep.fig.click"
    hover = (
        f"{xp.name} = %{{customdata[2]:.4g}}<br>{yp.name} = %{{customdata[3]:.4g}}<br>"
        f"{t('sweep.fig.final_loss', lang)} = %{{customdata[4]:.4g}}<br>%{{text}}"
        f"<br><i>{t(click, lang)}</i><extra></extra>"
    )
    size = max(4.0, 360.0 / max(nx, ny))
    return go.Scattergl(
        x=_drawn(xp, xs[ii]), y=_drawn(yp, ys[jj]), customdata=custom, text=outcomes.tolist(), mode="markers",
        marker={"symbol": "square", "size": size, "color": "rgba(0,0,0,0)"},
        hovertemplate=hover, showlegend=False, name=t("sweep.fig.cells", lang),
        selected={"marker": {"color": "rgba(255,255,255,0.9)"}},
    )  # fmt: skip


def outcome_texts(steps_to_converge: np.ndarray, diverged_at: np.ndarray, lang: str = "en") -> np.ndarray:
    """Per cell, in words: "steps to converge = N", "did not converge" or "diverged at step N" (never -1)."""
    steps, dead = np.asarray(steps_to_converge), np.asarray(diverged_at)
    converged = t("sweep.fig.outcome_converged", lang, steps="\0").split("\0")
    diverged = t("sweep.fig.outcome_diverged", lang, step="\0").split("\0")
    out = np.full(steps.shape, t("sweep.fig.not_converged", lang), dtype=object)
    conv, gone = (steps >= 0) & (dead < 0), dead >= 0
    out[conv] = [f"{converged[0]}{n}{converged[1]}" for n in steps[conv].tolist()]
    out[gone] = [f"{diverged[0]}{n}{diverged[1]}" for n in dead[gone].tolist()]
    return out


def cell_from_selection(selection: Mapping[str, Any] | None, shape: Sequence[int]) -> tuple[int, int] | None:
    """The grid index of the clicked cell in a Streamlit plotly selection (``event.selection``), or None.

    Reads the cell layer's customdata (i, j, ...); a point from any other trace is ignored.
    """
    points = (selection or {}).get("points") or []
    for point in points:
        if point.get("curve_number", point.get("curveNumber")) not in (None, CELLS):
            continue
        custom = point.get("customdata")
        if isinstance(custom, Mapping):  # a typed-array row reaches Python as {"0": i, "1": j, ...}
            custom = [custom[k] for k in sorted(custom, key=lambda k: int(k))]
        if not custom or len(custom) < 2:
            continue
        i, j = int(custom[0]), int(custom[1])
        if 0 <= i < shape[0] and 0 <= j < shape[1]:
            return i, j
    return None


# --- sensitivity -----------------------------------------------------------------------------------
def sensitivity_figure(
    scans: Mapping[str, LearningRateScan],
    problem: Problem,
    *,
    lang: str = "en",
    presentation: bool = False,
) -> go.Figure:
    """Final loss against learning rate (log-log), one curve per optimizer at its other settings.

    Per optimizer, three traces in one legend group: the curve over the rates that did not diverge,
    a star at its lowest point (the lowest final loss; ties at the display floor go to the fewest
    steps to converge), and crosses along the top at the rates that diverged. A note says what the
    star and the crosses mean.
    """
    finite = [loss_gap(s.final_loss[~s.diverged], problem) for s in scans.values()]
    finite = np.concatenate(finite) if finite else np.array([])
    top = float(finite.max()) * 10 if finite.size else 1.0
    fig = go.Figure()
    for key, scan in scans.items():
        name, color = tr(get_optimizer(key).name, lang), optimizer_color(key)
        ok = ~scan.diverged
        gap = loss_gap(scan.final_loss, problem)
        steps = scan.steps_to_converge
        fig.add_trace(
            go.Scatter(
                x=scan.learning_rates[ok],
                y=gap[ok],
                customdata=outcome_texts(steps[ok], scan.diverged_at[ok], lang),
                mode="lines+markers",
                name=name,
                legendgroup=key,
                line={"color": color, "width": line_width()},
                marker={"color": color, "size": MARKER_SIZE * 0.7},
                hovertemplate=(
                    f"{name}<br>learning_rate = %{{x:.3g}}<br>{loss_label(problem, lang)} = %{{y:.3g}}"
                    "<br>%{customdata}<extra></extra>"
                ),
            )  # fmt: skip
        )
        best = lowest_point(gap, steps, scan.diverged)
        fig.add_trace(
            go.Scatter(
                x=[] if best is None else [float(scan.learning_rates[best])],
                y=[] if best is None else [float(gap[best])],
                mode="markers",
                name=t("sweep.fig.best_of", lang, optimizer=name),
                legendgroup=key,
                showlegend=False,
                marker={
                    "symbol": "star",
                    "size": 2.2 * MARKER_SIZE,
                    "color": color,
                    "line": {"color": "black", "width": 1},
                },
                hovertemplate=f"{name}: {t('sweep.fig.lowest', lang)}<br>learning_rate = %{{x:.3g}}<extra></extra>",
            )  # fmt: skip
        )
        dead = scan.diverged
        fig.add_trace(
            go.Scatter(
                x=scan.learning_rates[dead],
                y=np.full(int(dead.sum()), top),
                customdata=scan.diverged_at[dead],
                mode="markers",
                legendgroup=key,
                showlegend=False,
                name=t("sweep.fig.diverged_of", lang, optimizer=name),
                marker={
                    "symbol": "x-thin",
                    "size": MARKER_SIZE * 1.2,
                    "color": color,
                    "line": {"color": color, "width": 2},
                },
                hovertemplate=(
                    f"{name}: learning_rate = %{{x:.3g}}<br>{t('sweep.fig.diverged_at', lang)} "
                    "%{customdata}<extra></extra>"
                ),
            )  # fmt: skip
        )
    rates = np.concatenate([s.learning_rates for s in scans.values()]) if scans else np.array([])
    fig.update_layout(
        xaxis={"type": "log", "title": {"text": "learning_rate"}, **LOG_TICKS, **log_ticks(rates)},
        yaxis={
            "type": "log",
            "title": {"text": loss_label(problem, lang)},
            **LOG_TICKS,
            **log_ticks(np.append(finite, top)),
        },
        title={"text": t("sweep.fig.sensitivity_title", lang)},
        hovermode="closest",
    )
    if finite.size:
        fig.add_annotation(
            x=1, xref="paper", xanchor="right", y=np.log10(top), yref="y", yanchor="bottom",
            text=t("sweep.fig.diverged_row", lang), showarrow=False, font={"color": DIVERGED_COLOR},
        )  # fmt: skip
    fig.add_annotation(
        x=0, xref="paper", xanchor="left", y=1, yref="paper", yanchor="top",
        text=t("sweep.fig.lowest_note", lang), showarrow=False, bgcolor="rgba(255,255,255,0.7)",
    )  # fmt: skip
    return apply_style(fig, presentation)


def lowest_point(gap: np.ndarray, steps_to_converge: np.ndarray, diverged: np.ndarray) -> int | None:
    """Index of a curve's lowest point: the lowest (floored) loss gap, ties to the fewest steps to
    converge; never a diverged rate; None if every rate diverged."""
    ok = ~np.asarray(diverged, dtype=bool)
    if not ok.any():
        return None
    gap = np.where(ok, gap, np.inf)
    steps = np.asarray(steps_to_converge)
    steps = np.where(steps >= 0, steps, np.iinfo(np.int64).max)
    return int(np.lexsort((steps, gap))[0])


__all__ = [
    "METRICS",
    "MAX_RESOLUTION",
    "axis_layout",
    "axis_values",
    "best_cell",
    "cell_from_selection",
    "heatmap_figure",
    "loss_gap",
    "loss_label",
    "sensitivity_figure",
]
