"""Views of networks with many parameters: a loss-landscape slice with the paths, the honest caveat
beside it, the classifier's decision boundary over training, train/test curves, per-block internals
and the matrix problem's singular values.

A slice is the loss on ``theta_ref + a d1 + b d2``. ``pca_plane`` takes the directions from the
paths themselves (the top two principal directions of ``theta_t - theta_ref`` over every compared
path together, so all paths share one plane); the problem's ``random_plane`` gives filter-normalised
random directions (Li et al. 2018). A path is drawn as its projection, and its loss is generally not
the slice's loss under the projected point: ``caveat_figure`` shows both, step by step.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from ..i18n import t
from ..i18n import tr as translate
from ..layout import Plane
from ..nets import MLP, Dataset, MatrixFactorisation, NetworkProblem
from ..optimizers import get_optimizer
from ..problems import Window
from ..runner import Trace
from .curves import loss_axis_type
from .space import LogLoss, decade_ticks, log_loss
from .style import (
    CURSOR_COLOR,
    LINE_WIDTH,
    LOSS_CONTOUR,
    MARKER_SIZE,
    PALETTE,
    START_COLOR,
    display_indices,
    figure,
    log_ticks,
    optimizer_color,
)

#: Points per side of a loss slice: 41 x 41 = 1,681 configurations, one batched loss call.
SLICE_RESOLUTION = 41
#: Path points used to find the principal directions and drawn per path (every step counts in the curves).
PATH_POINTS = 400
#: Decision-boundary grid: points per side, and animation frames (the chart is resent on every rerun:
#: 40 x 40 probabilities as whole percents in uint8 are 1.6 KB a frame).
BOUNDARY_RESOLUTION = 40
BOUNDARY_FRAMES = 12
#: The boundary's window: the data sets lie in about [-1, 1]^2, jitter included.
BOUNDARY_WINDOW = ((-1.6, 1.6), (-1.6, 1.6))
CLASS_COLORS = ("#1f77b4", "#ff7f0e")
#: Share of the paths' extent added around them in a slice window.
SLICE_MARGIN = 0.35


def _first(traces: Mapping[str, Trace]) -> Trace:
    if not traces:
        raise ValueError("nothing to plot: no traces given")
    return next(iter(traces.values()))


def _name(key: str, lang: str) -> str:
    return translate(get_optimizer(key).name, lang)


def _cursor(cursor: int | None, k: int) -> int:
    return k if cursor is None else int(min(max(cursor, 0), k))


# --- the plane -------------------------------------------------------------------------------------
def pca_plane(traces: Mapping[str, Trace], lang: str = "en") -> Plane:
    """The plane through the first path's final point spanned by the top two principal directions of
    ``theta_t - theta_ref`` over every path together (not centred, as Li et al. 2018), so several
    optimizers' paths share one plane. Axis labels say how much of the paths' spread each direction
    holds. A path too short to span two directions falls back to the filter-normalised plane."""
    first = _first(traces)
    problem = first.problem
    ref = first.params[-1]
    M = np.concatenate([tr.params[display_indices(tr.k, PATH_POINTS)] - ref for tr in traces.values()])
    directions, variances = top_two_directions(M)
    total = float(np.sum(M * M))
    if directions is None or not variances[1] > 1e-12 * total:
        return problem.random_plane(0, origin=ref)
    start = first.params[0] - ref
    directions *= np.where(directions @ start < 0, -1.0, 1.0)[:, None]  # the start at positive coordinates
    labels = tuple(t("net.pc", lang, i=i + 1, share=f"{100 * variances[i] / total:.0f}") for i in range(2))
    return Plane(ref, directions, labels)


#: Orthogonal iterations of ``top_two_directions`` at most (each multiplies by C^4).
PCA_ITERATIONS = 200


def top_two_directions(M: np.ndarray) -> tuple[np.ndarray | None, np.ndarray]:
    """The top two right singular vectors of ``M`` (rows, D) as (2, D) orthonormal rows, and their
    squared singular values (largest first); ``(None, zeros)`` when M has fewer than two rows.

    Orthogonal iteration on C^4 (C = M^T M) with a final 2 x 2 Rayleigh-Ritz step, by matrix products
    only: LAPACK's SVD runs on OpenBLAS's thread pool, which took 30 ms to 1 s for an 800 x 105 path
    matrix on the shared 2-core server (5 ms on one thread); these products take a few ms.
    """
    if len(M) < 2:
        return None, np.zeros(2)
    C = M.T @ M
    C4 = C @ C
    C4 = C4 @ C4
    scale = np.abs(C4).max()
    if not scale > 0:
        return None, np.zeros(2)
    C4 /= scale
    V = np.random.default_rng(0).standard_normal((C.shape[0], 2))
    V = _orthonormal(V)
    for _ in range(PCA_ITERATIONS):
        W = _orthonormal(C4 @ V)
        done = np.abs(np.abs(np.sum(W * V, axis=0)) - 1.0).max() < 1e-15
        V = W
        if done:
            break
    H = V.T @ C @ V  # 2 x 2: the Rayleigh-Ritz step picks the best pair inside span(V)
    values, R = np.linalg.eigh(H)
    order = np.argsort(values)[::-1]
    return (V @ R[:, order]).T.copy(), np.maximum(values[order], 0.0)


def _orthonormal(W: np.ndarray) -> np.ndarray:
    """Gram-Schmidt on the two columns of W (D, 2); a zero column is replaced by a fixed unit vector."""
    q1 = W[:, 0] / max(np.linalg.norm(W[:, 0]), 1e-300)
    w2 = W[:, 1] - (q1 @ W[:, 1]) * q1
    w2 -= (q1 @ w2) * q1  # twice is enough (Kahan)
    n2 = np.linalg.norm(w2)
    if not n2 > 1e-300:
        w2 = np.zeros_like(q1)
        w2[int(np.argmin(np.abs(q1)))] = 1.0
        w2 -= (q1 @ w2) * q1
        n2 = np.linalg.norm(w2)
    return np.stack([q1, w2 / n2], axis=1)


def filter_plane(problem: NetworkProblem, traces: Mapping[str, Trace], lang: str = "en") -> Plane:
    """Filter-normalised random directions (Li et al. 2018) through the first path's final point."""
    plane = problem.random_plane(0, origin=_first(traces).params[-1])
    return Plane(plane.origin, plane.directions, (t("net.dir", lang, i=1), t("net.dir", lang, i=2)))


def slice_window(projected: Sequence[np.ndarray], margin: float = SLICE_MARGIN) -> Window:
    """A square window around the projected paths (plane coordinates, each (k + 1, 2)), with ``margin``
    of their extent on every side: PCA directions are orthonormal, so both axes share one scale."""
    pts = np.concatenate([np.asarray(p, dtype=float).reshape(-1, 2) for p in projected])
    pts = pts[np.isfinite(pts).all(axis=1)]
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * (1 + 2 * margin)
    return (float(centre[0] - half), float(centre[0] + half)), (
        float(centre[1] - half),
        float(centre[1] + half),
    )


def slice_loss(problem: NetworkProblem, plane: Plane, window: Window, resolution: int = SLICE_RESOLUTION):
    """``(xs, ys, Z)``: the loss at ``plane.lift(xs[i], ys[j])`` in ``Z[j, i]``, one batched call."""
    return problem.contour_grid(resolution, window, plane)


# --- the landscape and its caveat ------------------------------------------------------------------
@dataclass(frozen=True)
class Landscape:
    """A loss slice ready to draw: the plane, the window (plane coordinates) and log10 loss on it."""

    plane: Plane
    window: Window
    surface: LogLoss


def landscape(traces: Mapping[str, Trace], plane: Plane, resolution: int = SLICE_RESOLUTION) -> Landscape:
    """The slice around every projected path: ``resolution`` x ``resolution`` losses in one batched call
    (the part of the landscape view that does not move with the step cursor)."""
    problem = _first(traces).problem
    window = slice_window([plane.project(tr.params) for tr in traces.values()])
    return Landscape(plane, window, log_loss(problem, window, resolution, plane))


_NOTE = re.compile(r"(\s*)([(（])([^)）]*)([)）])$")


def short_axis_title(text: str) -> str:
    """A slice axis's title without its note in brackets, keeping a percentage: 'PC2 (24%)' for
    'PC2 (24% of the paths' spread)', '主成分 2（24%）', 'random direction 1'."""

    def keep(m: re.Match) -> str:
        share = re.search(r"\d+%", m[3])
        return f"{m[1]}{m[2]}{share[0]}{m[4]}" if share else ""

    return _NOTE.sub(keep, text)


def landscape_figure(
    traces: Mapping[str, Trace],
    plane: Plane | Landscape,
    cursor: int | None = None,
    *,
    resolution: int = SLICE_RESOLUTION,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """log10 loss on the slice through ``plane`` (or a ready ``Landscape``), every path drawn as its
    projection (one colour per optimizer), the shared start and each path's point at the cursor step."""
    view = plane if isinstance(plane, Landscape) else landscape(traces, plane, resolution)
    plane, window, surface = view.plane, view.window, view.surface
    projected = {key: plane.project(tr.params) for key, tr in traces.items()}
    a, b = plane.labels
    if presentation:  # a projector's plot is shorter than the vertical title: only its percentage stays
        a, b = short_axis_title(a), short_axis_title(b)
    ticks = decade_ticks(surface)
    loss_name = t("plot.loss", lang)
    data: list[dict] = [
        {
            "type": "contour", "x": surface.xs, "y": surface.ys, "z": surface.z.astype(np.float32),
            **LOSS_CONTOUR, "name": loss_name, "showlegend": False,
            "colorbar": {"title": {"text": loss_name, "side": "right"}, "tickvals": ticks,
                         "ticktext": [f"10<sup>{k}</sup>" for k in ticks]},
            "hovertemplate": f"{a}=%{{x:.3g}}, {b}=%{{y:.3g}}<br>log10 {loss_name}=%{{z:.2f}}<extra></extra>",
        }
    ]  # fmt: skip
    for key, tr in traces.items():
        xy = projected[key]
        idx = display_indices(tr.k, PATH_POINTS)
        color = optimizer_color(key)
        c = _cursor(cursor, tr.k)
        data.append(
            {
                "type": "scatter", "x": xy[idx, 0].astype(np.float32), "y": xy[idx, 1].astype(np.float32),
                "mode": "lines", "line": {"color": color, "width": LINE_WIDTH}, "name": _name(key, lang),
                "legendgroup": key, "customdata": idx.astype(np.int32),
                "hovertemplate": t("plot.step", lang) + " %{customdata}<extra></extra>",
            }
        )  # fmt: skip
        data.append(
            {
                "type": "scatter", "x": xy[c : c + 1, 0], "y": xy[c : c + 1, 1], "mode": "markers",
                "legendgroup": key, "showlegend": False, "name": t("plot.cursor", lang, step=c),
                "marker": {"symbol": "star", "size": MARKER_SIZE + 7, "color": color,
                           "line": {"color": CURSOR_COLOR, "width": 1.5}},
            }
        )  # fmt: skip
    start = projected[next(iter(traces))][:1]
    data.append(
        {
            "type": "scatter", "x": start[:, 0], "y": start[:, 1], "mode": "markers",
            "name": t("plot.start", lang),
            "marker": {"symbol": "square", "size": MARKER_SIZE + 3, "color": START_COLOR,
                       "line": {"color": "white", "width": 1}},
        }
    )  # fmt: skip
    (x0, x1), (y0, y1) = window
    layout = {
        "title": {"text": t("net.landscape_title", lang)},
        "xaxis": {"title": {"text": a}, "range": [x0, x1], "autorange": False, "showgrid": False,
                  "zeroline": False, "constrain": "domain"},
        "yaxis": {"title": {"text": b}, "range": [y0, y1], "autorange": False, "showgrid": False,
                  "zeroline": False, "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
        "legend": {"orientation": "h", "y": -0.16, "x": 0},
        "margin": {"l": 70, "r": 40, "t": 60, "b": 90},
    }  # fmt: skip
    return figure(data, layout, presentation=presentation, height=520)


def caveat_losses(trace: Trace, plane: Plane) -> tuple[np.ndarray, np.ndarray]:
    """``(steps, loss on the slice under the projected point)``, at the displayed steps: the loss at
    ``plane.lift(plane.project(theta_t))``, which is the path's own loss only when theta_t lies on
    the plane."""
    idx = display_indices(trace.k, PATH_POINTS)
    P = trace.params[idx]
    with np.errstate(all="ignore"):
        return idx, trace.problem.loss(plane.lift(plane.project(P)))


def caveat_figure(
    traces: Mapping[str, Trace],
    plane: Plane,
    cursor: int | None = None,
    *,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """Per optimizer: the loss along its path (solid) beside the slice's loss under its projected
    point (dashed). Where they part, the picture on the slice is not what the network saw."""
    data: list[dict] = []
    values = []
    for key, tr in traces.items():
        color = optimizer_color(key)
        steps, under = caveat_losses(tr, plane)
        true = tr.loss[steps]
        values += [true, under]
        name = _name(key, lang)
        data.append(
            {"type": "scatter", "x": steps, "y": true, "mode": "lines", "legendgroup": key,
             "line": {"color": color, "width": LINE_WIDTH}, "name": t("net.caveat.path", lang, name=name)}
        )  # fmt: skip
        data.append(
            {"type": "scatter", "x": steps, "y": under, "mode": "lines", "legendgroup": key,
             "line": {"color": color, "width": LINE_WIDTH, "dash": "dash"},
             "name": t("net.caveat.slice", lang, name=name)}
        )  # fmt: skip
    all_values = np.concatenate(values) if values else np.ones(1)
    axis = loss_axis_type(all_values[np.isfinite(all_values)])
    k = max(tr.k for tr in traces.values())
    c = _cursor(cursor, k)
    layout = {
        "title": {"text": t("net.caveat_title", lang)},
        "xaxis": {"title": {"text": t("plot.step", lang)}},
        "yaxis": {"title": {"text": t("plot.loss", lang)}, "type": axis,
                  **(log_ticks(all_values) if axis == "log" else {})},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "shapes": [_vline(c)],
        "margin": {"l": 70, "r": 20, "t": 60, "b": 110},
    }  # fmt: skip
    return figure(data, layout, presentation=presentation, height=520)


def _vline(x: float, xref: str = "x") -> dict:
    return {"type": "line", "xref": xref, "yref": "paper", "x0": x, "x1": x, "y0": 0, "y1": 1,
            "line": {"color": CURSOR_COLOR, "width": 1.5}}  # fmt: skip


# --- the classifier --------------------------------------------------------------------------------
def boundary_grid(
    problem: MLP, params: np.ndarray, resolution: int = BOUNDARY_RESOLUTION
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xs, ys, Z)``: the network's logit at grid point ``(xs[i], ys[j])`` in ``Z[..., j, i]`` for
    parameters ``params`` (..., D), every configuration in one batched call."""
    (x0, x1), (y0, y1) = BOUNDARY_WINDOW
    xs, ys = np.linspace(x0, x1, resolution), np.linspace(y0, y1, resolution)
    X = np.stack(np.meshgrid(xs, ys), -1).reshape(-1, 2)  # row j, column i -> point (xs[i], ys[j])
    z = problem.logits(params, X)
    return xs, ys, z.reshape(z.shape[:-1] + (resolution, resolution))


def _percent(logits: np.ndarray) -> np.ndarray:
    """P(class 1) in whole percent as uint8 (what the chart draws; 1.6 KB a frame for 40 x 40)."""
    with np.errstate(over="ignore"):
        p = 1.0 / (1.0 + np.exp(-logits))
    return np.rint(100 * p).astype(np.uint8)


def frame_steps(cursor: int, frames: int = BOUNDARY_FRAMES) -> np.ndarray:
    """The animation's steps: evenly from 0 to the cursor (the last frame is the cursor's step)."""
    return np.unique(np.linspace(0, cursor, min(frames, cursor + 1)).round().astype(int))


def boundary_figure(
    trace: Trace,
    cursor: int | None = None,
    *,
    resolution: int = BOUNDARY_RESOLUTION,
    frames: int = BOUNDARY_FRAMES,
    presentation: bool = False,
    lang: str = "en",
) -> go.Figure:
    """The classifier's P(class 1) over the plane of inputs at the cursor step, the 50% boundary, the
    train points (filled) and test points (open), and Play/slider frames from step 0 to the cursor."""
    problem = trace.problem
    if not isinstance(problem, MLP):
        raise ValueError(f"a decision boundary needs the MLP classifier, not {type(problem).__name__}")
    c = _cursor(cursor, trace.k)
    steps = frame_steps(c, frames)
    xs, ys, Z = boundary_grid(problem, trace.params[steps], resolution)
    pct = _percent(Z)
    share = t("net.boundary.p1", lang)
    field_trace = {
        "type": "contour", "x": xs.astype(np.float32), "y": ys.astype(np.float32), "z": pct[-1],
        "zmin": 0, "zmax": 100, "autocontour": False, "contours": {"start": 0, "end": 100, "size": 10},
        "colorscale": [[0, "#9ecae1"], [0.5, "#f7f7f7"], [1, "#fdae6b"]], "opacity": 0.9,
        "line": {"width": 0.3, "color": "rgba(0,0,0,0.25)"}, "showlegend": False, "name": share,
        "colorbar": {"title": {"text": share, "side": "right"}, "ticksuffix": "%"},
        "hovertemplate": "x1=%{x:.2f}, x2=%{y:.2f}<br>" + share + " %{z}%<extra></extra>",
    }  # fmt: skip
    edge = {
        "type": "contour", "x": xs.astype(np.float32), "y": ys.astype(np.float32), "z": pct[-1],
        "autocontour": False, "contours": {"start": 50, "end": 50, "size": 1, "coloring": "none"},
        "line": {"width": 2.5, "color": "#333333"}, "showscale": False, "hoverinfo": "skip",
        "name": t("net.boundary.edge", lang), "showlegend": True,
    }  # fmt: skip
    data = [field_trace, edge]
    d = problem.data
    for split, X, y, symbol in (
        ("train", d.X_train, d.y_train, "circle"),
        ("test", d.X_test, d.y_test, "circle-open"),
    ):
        for cls in (0, 1):
            pts = X[y == cls].astype(np.float32)
            data.append(
                {
                    "type": "scatter", "x": pts[:, 0], "y": pts[:, 1], "mode": "markers",
                    "name": t(f"net.boundary.{split}", lang, cls=cls),
                    "marker": {"symbol": symbol, "size": MARKER_SIZE - 1, "color": CLASS_COLORS[cls],
                               "line": {"color": "white" if symbol == "circle" else CLASS_COLORS[cls],
                                        "width": 0.8 if symbol == "circle" else 1.5}},
                    "hoverinfo": "skip",
                }
            )  # fmt: skip
    acc_train = problem.accuracy(trace.params[steps], "train")
    acc_test = problem.accuracy(trace.params[steps], "test") if len(d.y_test) else acc_train * np.nan

    def title(i: int) -> str:
        return t("net.boundary_title", lang, step=int(steps[i]), train=f"{100 * acc_train[i]:.0f}",
                 test=f"{100 * acc_test[i]:.0f}")  # fmt: skip

    (x0, x1), (y0, y1) = BOUNDARY_WINDOW
    layout = {
        "title": {"text": title(len(steps) - 1)},
        "xaxis": {"title": {"text": "x1"}, "range": [x0, x1], "autorange": False, "constrain": "domain",
                  "showgrid": False, "zeroline": False},
        "yaxis": {"title": {"text": "x2"}, "range": [y0, y1], "autorange": False, "scaleanchor": "x",
                  "scaleratio": 1, "constrain": "domain", "showgrid": False, "zeroline": False},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "margin": {"l": 60, "r": 40, "t": 150, "b": 120},
    }  # fmt: skip
    frame_list = []
    if len(steps) > 1:
        frame_list = [
            {"name": str(int(s)), "data": [{"type": "contour", "z": pct[i]}, {"type": "contour", "z": pct[i]}], "traces": [0, 1],
             "layout": {"title": {"text": title(i)}}}
            for i, s in enumerate(steps)
        ]  # fmt: skip
        _play_controls(layout, steps, lang)
    return figure(data, layout, frame_list, presentation=presentation, height=560)


def _play_controls(layout: dict, steps: np.ndarray, lang: str) -> None:
    """Play/pause buttons and a frame slider (one position per frame) above the plot."""
    anim = {"frame": {"duration": 250, "redraw": True}, "fromcurrent": True, "transition": {"duration": 0},
            "mode": "immediate"}  # fmt: skip
    still = {"frame": {"duration": 0, "redraw": True}, "mode": "immediate", "transition": {"duration": 0}}
    layout["updatemenus"] = [
        {"type": "buttons", "direction": "left", "showactive": False, "x": 0, "y": 1.01, "xanchor": "left",
         "yanchor": "bottom", "pad": {"r": 6, "t": 0},
         "buttons": [{"label": "▶ " + t("plot.play", lang), "method": "animate", "args": [None, anim]},
                     {"label": "❚❚ " + t("plot.pause", lang), "method": "animate", "args": [[None], still]}]}
    ]  # fmt: skip
    layout["sliders"] = [
        # on its own row above the buttons: a half-width square chart has no room beside them
        {"active": len(steps) - 1, "x": 0, "len": 1, "y": 1.13, "yanchor": "bottom",
         "pad": {"t": 0, "b": 0}, "ticklen": 0, "minorticklen": 0, "font": {"color": "rgba(0,0,0,0)"},
         "currentvalue": {"prefix": t("plot.step", lang) + " ", "visible": True, "font": {"color": "#444"}},
         "steps": [{"label": str(int(s)), "method": "animate", "args": [[str(int(s))], still]} for s in steps]}
    ]  # fmt: skip


def on_test_split(problem: MLP) -> MLP:
    """The same network on the test split: its ``loss`` is the test loss (an empty split raises)."""
    d = problem.data
    if not len(d.y_test):
        raise ValueError("the data set has no test points")
    test = Dataset(d.name, d.X_test, d.y_test, d.X_test, d.y_test)
    return MLP(test, problem.hidden, problem.activation)


#: Floats in the hidden activations of one chunk of ``accuracy`` (1 MiB: MLP.accuracy on 400 configurations
#: of a 16-16 network on 800 points at once held 40 MB of activations and took 10 times longer).
ACCURACY_CHUNK_FLOATS = 1 << 17


def accuracy(problem: MLP, P: np.ndarray, split: str = "train") -> np.ndarray:
    """``problem.accuracy`` of every configuration in ``P`` (M, D), in chunks of rows that keep the
    network's activations small; each row is the same computation as on its own."""
    n = len(problem.data.y_train if split == "train" else problem.data.y_test)
    rows = max(1, ACCURACY_CHUNK_FLOATS // max(1, n * max(problem.sizes[1:])))
    return np.concatenate([problem.accuracy(P[i : i + rows], split) for i in range(0, len(P), rows)])


def curves_figure(
    traces: Mapping[str, Trace], cursor: int | None = None, *, presentation: bool = False, lang: str = "en"
) -> go.Figure:
    """Loss per step of every run (left) and, for the classifier, train and test loss (solid, dashed)
    and accuracy (right), with the step cursor."""
    first = _first(traces)
    problem = first.problem
    classifier = isinstance(problem, MLP) and len(problem.data.y_test) > 0
    test = on_test_split(problem) if classifier else None
    data: list[dict] = []
    losses = []
    for key, tr in traces.items():
        color, name = optimizer_color(key), _name(key, lang)
        idx = display_indices(tr.k)
        losses.append(tr.loss)
        few = display_indices(tr.k, PATH_POINTS)  # test loss and accuracy cost a pass over the data each
        data.append(
            {"type": "scatter", "x": idx, "y": tr.loss[idx], "mode": "lines", "legendgroup": key,
             "line": {"color": color, "width": LINE_WIDTH}, "name": t("net.curve.train_loss", lang, name=name)}
        )  # fmt: skip
        if test is None:
            continue
        test_loss = test.loss(tr.params[few])
        losses.append(test_loss)
        data.append(
            {"type": "scatter", "x": few, "y": test_loss, "mode": "lines", "legendgroup": key,
             "line": {"color": color, "width": LINE_WIDTH, "dash": "dash"},
             "name": t("net.curve.test_loss", lang, name=name)}
        )  # fmt: skip
        for split, dash in (("train", "solid"), ("test", "dash")):
            data.append(
                {"type": "scatter", "x": few, "y": 100 * accuracy(problem, tr.params[few], split),
                 "mode": "lines", "legendgroup": key, "showlegend": False, "xaxis": "x2", "yaxis": "y2",
                 "line": {"color": color, "width": LINE_WIDTH, "dash": dash},
                 "name": t(f"net.curve.{split}_acc", lang, name=name)}
            )  # fmt: skip
    values = np.concatenate(losses)
    axis = loss_axis_type(values)
    k = max(tr.k for tr in traces.values())
    c = _cursor(cursor, k)
    layout: dict = {
        "title": {"text": t("net.curves_title", lang)},
        "xaxis": {"title": {"text": t("plot.step", lang)}, "domain": [0, 0.42] if classifier else [0, 1]},
        "yaxis": {"title": {"text": t("plot.loss", lang)}, "type": axis,
                  **(log_ticks(values) if axis == "log" else {})},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "shapes": [_vline(c)],
        "margin": {"l": 70, "r": 20, "t": 60, "b": 100},
    }  # fmt: skip
    if classifier:
        layout["xaxis2"] = {"title": {"text": t("plot.step", lang)}, "domain": [0.6, 1], "anchor": "y2"}
        # named above the panel, not beside its axis: a half-width chart has no room between the panels
        layout["yaxis2"] = {"anchor": "x2", "range": [0, 101], "ticksuffix": "%"}
        layout["annotations"] = [
            {"text": t("net.accuracy", lang), "xref": "paper", "yref": "paper", "x": 0.8, "y": 1.0,
             "xanchor": "center", "yanchor": "bottom", "showarrow": False}
        ]  # fmt: skip
        layout["shapes"].append(_vline(c, "x2"))
    return figure(data, layout, presentation=presentation, height=420)


# --- per-block internals ---------------------------------------------------------------------------
@dataclass(frozen=True)
class BlockSeries:
    """Per-block series at the displayed steps: ``weights[b]`` = ||theta_b|| after each of ``steps``;
    at each of ``moved`` (t >= 1) ``updates[b]`` = ||theta_b,t - theta_b,t-1|| and ``effective[b]`` =
    that update over the gradient used at step t, ||g_b,t|| (SGD's is its learning rate; an adaptive
    method's differs per block)."""

    steps: np.ndarray
    weights: dict[str, np.ndarray]
    moved: np.ndarray
    updates: dict[str, np.ndarray]
    effective: dict[str, np.ndarray]


def block_norms(trace: Trace) -> BlockSeries:
    """The per-block weight norms, update norms and effective steps of ``trace`` (see BlockSeries)."""
    layout = trace.problem.layout
    idx = display_indices(trace.k)
    moved = idx[idx >= 1]
    U = trace.params[moved] - trace.params[moved - 1]
    G = trace.grads[moved - 1]  # row i of grads belongs to step i + 1
    weights, updates, effective = {}, {}, {}
    for b in layout.blocks:
        span = layout.span(b.name)
        weights[b.name] = np.linalg.norm(trace.params[idx, span], axis=-1)
        updates[b.name] = np.linalg.norm(U[:, span], axis=-1)
        g = np.linalg.norm(G[:, span], axis=-1)
        with np.errstate(divide="ignore", invalid="ignore"):
            effective[b.name] = np.where(g > 0, updates[b.name] / g, np.nan)
    return BlockSeries(idx, weights, moved, updates, effective)


#: The three panels of ``layers_figure`` side by side: weight norm, update norm, effective step.
LAYER_DOMAINS = ((0, 0.27), (0.365, 0.635), (0.73, 1))


def layers_figure(
    trace: Trace, cursor: int | None = None, *, presentation: bool = False, lang: str = "en"
) -> go.Figure:
    """One line per parameter block: its norm over the steps, the norm of each step's update to it, and
    the update over the gradient (log scales): which layers move, how fast, and how much the optimizer
    rescales each block's gradient."""
    series = block_norms(trace)
    data: list[dict] = []
    for i, name in enumerate(series.weights):
        color = PALETTE[i % len(PALETTE)]
        line = {"color": color, "width": LINE_WIDTH}
        data.append(
            {"type": "scatter", "x": series.steps, "y": series.weights[name], "mode": "lines",
             "legendgroup": name, "line": line, "name": name}
        )  # fmt: skip
        for axis, values in (("2", series.updates[name]), ("3", series.effective[name])):
            ok = np.isfinite(values)  # a zero gradient has no effective step: left out, not drawn as NaN
            data.append(
                {"type": "scatter", "x": series.moved[ok], "y": values[ok], "mode": "lines", "legendgroup": name,
                 "showlegend": False, "xaxis": "x" + axis, "yaxis": "y" + axis, "line": line, "name": name}
            )  # fmt: skip
    c = _cursor(cursor, trace.k)
    layout: dict = {
        "title": {"text": t("net.layers_title", lang, name=_name(trace.optimizer, lang))},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "shapes": [_vline(c, "x" + n) for n in ("", "2", "3")],
        "margin": {"l": 70, "r": 20, "t": 60, "b": 100},
        "annotations": [],
    }
    titles = ("net.layers.weight", "net.layers.update", "net.layers.effective")
    for n, (domain, title, values) in enumerate(
        zip(LAYER_DOMAINS, titles, (None, series.updates, series.effective), strict=True)
    ):
        suffix = "" if n == 0 else str(n + 1)
        layout[f"xaxis{suffix}"] = {"title": {"text": t("plot.step", lang)}, "domain": list(domain)}
        layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}"} if n else {}
        if n:
            layout[f"xaxis{suffix}"]["anchor"] = f"y{suffix}"
            v = np.concatenate(list(values.values()))
            positive = v[np.isfinite(v) & (v > 0)]
            layout[f"yaxis{suffix}"].update(type="log" if len(positive) else "linear", **log_ticks(positive))
        # each panel is named above itself (a title beside a middle axis would run into its neighbour)
        layout["annotations"].append(
            {"text": t(title, lang), "xref": "paper", "yref": "paper", "x": (domain[0] + domain[1]) / 2,
             "y": 1.0, "xanchor": "center", "yanchor": "bottom", "showarrow": False}
        )  # fmt: skip
    return figure(data, layout, presentation=presentation, height=420)


def singular_values_figure(
    traces: Mapping[str, Trace], cursor: int | None = None, *, presentation: bool = False, lang: str = "en"
) -> go.Figure:
    """The singular values of A B over the steps, one colour per optimizer, and the target's as dotted
    lines: plain gradient descent learns them one at a time, largest first."""
    problem = _first(traces).problem
    if not isinstance(problem, MatrixFactorisation):
        raise ValueError(f"singular values need the matrix problem, not {type(problem).__name__}")
    data: list[dict] = []
    r = len(problem.target_singular_values)
    for key, tr in traces.items():
        color, name = optimizer_color(key), _name(key, lang)
        idx = display_indices(tr.k)
        S = problem.singular_values(tr.params[idx])[:, :r]
        for j in range(r):
            data.append(
                {"type": "scatter", "x": idx, "y": S[:, j], "mode": "lines", "legendgroup": key,
                 "showlegend": j == 0, "name": name, "line": {"color": color, "width": LINE_WIDTH},
                 "hovertemplate": f"{name}: sigma{j + 1}=%{{y:.3g}}<extra></extra>"}
            )  # fmt: skip
    k = max(tr.k for tr in traces.values())
    shapes = [
        {"type": "line", "xref": "paper", "yref": "y", "x0": 0, "x1": 1, "y0": s, "y1": s,
         "line": {"color": "#555555", "width": 1, "dash": "dot"}}
        for s in problem.target_singular_values
    ]  # fmt: skip
    shapes.append(_vline(_cursor(cursor, k)))
    layout = {
        "title": {"text": t("net.sv_title", lang)},
        "xaxis": {"title": {"text": t("plot.step", lang)}},
        "yaxis": {"title": {"text": t("net.sv", lang)}, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.2, "x": 0},
        "shapes": shapes,
        "margin": {"l": 70, "r": 20, "t": 60, "b": 90},
    }  # fmt: skip
    return figure(data, layout, presentation=presentation, height=420)
