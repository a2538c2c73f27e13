"""Shared look of every chart: one colour per optimizer, layout defaults, presentation mode, display limits.

Every figure builder in ``optviz.plots`` takes ``presentation: bool = False`` and finishes with
``figure(data, layout, presentation=...)`` (or ``apply_style(fig, presentation)`` when it built ``go``
objects); both go through ``style_spec``, so a projector-sized chart is the same figure with bigger
fonts, thicker lines, larger markers and more height.

Margins: the Playground's builders set margins wide enough for their tick labels, legend, colour bar
and animation controls at the normal font size. Plotly grows a margin that is too small
(``autoexpand``) only by laying the whole chart out a second time, which was a third of the browser's
drawing time for the parameter-space chart, and that chart is redrawn after every slider move.
"""

from __future__ import annotations

import base64
import re
from typing import Any

import numpy as np
import plotly.graph_objects as go
from plotly.colors import PLOTLY_SCALES

from ..optimizers import MODIFIERS, OPTIMIZERS
from ..optimizers.modifiers import split_key

#: 40 colours that stay distinct on white and on a projector; optimizer i in registry order gets PALETTE[i]
#: (room for the contract's whole second wave, the 19 first ones plus 11, and 10 for modifier chains).
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#393b79", "#e6550d", "#31a354", "#843c39", "#7b4173", "#3182bd", "#636363",
    "#a55194", "#637939", "#d6616b", "#000000", "#5254a3", "#bd9e39", "#ad494a", "#8ca252",
    "#ce6dbd", "#fd8d3c", "#6b6ecf", "#8c6d31", "#e7969c", "#74c476",
    # 17 more, so modifier chains keep spare colours as the registry grows (47: with 26 or 30 optimizers
    # the chains lookahead-adam, sam-adam, cautious-adam and lookahead-sgd still get four different ones)
    "#9c9ede", "#b5cf6b", "#e7ba52", "#de9ed6", "#6baed6", "#fdae6b", "#a1d99b", "#756bb1", "#9e9ac8",
    "#969696", "#aec7e8", "#ffbb78", "#98df8a", "#ff9896", "#c5b0d5", "#c49c94", "#f7b6d2",
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
PRESENT_INK = "#000000"

#: At most this many points per trace are sent to the browser; statistics still use every step.
MAX_POINTS = 1500


def _reversed_over_white(scale: list, alpha: float) -> list[list]:
    """The Plotly colour scale ``scale`` reversed, each colour drawn at opacity ``alpha`` over white and
    written as the opaque colour that results."""
    out = []
    for at, c in reversed(scale):
        rgb = [int(c[j : j + 2], 16) for j in (1, 3, 5)]
        out.append([1.0 - at, "rgb({},{},{})".format(*(round(alpha * v + (1 - alpha) * 255) for v in rgb))])
    return out


#: The loss contours of every parameter-space chart: reversed Viridis at 85 % over the white plot, with
#: faint white level lines. The fade is baked into opaque colours rather than set as the trace's
#: ``opacity``: a translucent trace is blended as a layer of its own on every redraw (5-8 ms of the path
#: chart's 30-35 ms Plotly.react in Chromium, and that chart is redrawn after every slider move).
LOSS_CONTOUR = {
    "colorscale": _reversed_over_white(PLOTLY_SCALES["Viridis"], 0.85),  # plotly.js's own Viridis
    "ncontours": 24,
    "contours": {"coloring": "fill", "showlines": True},
    "line": {"width": 0.5, "color": "rgba(255,255,255,0.43)"},
}

GRID_COLOR = "#e5e8ee"
AXIS_COLOR = "#9aa0a6"
START_COLOR = "#2ca02c"
OPTIMUM_COLOR = "#000000"
CURSOR_COLOR = "#d62728"
DIVERGED_COLOR = "#d62728"
CONVERGED_COLOR = "#2ca02c"


#: A log axis labels whole decades, at most this many (more pile up on a 420-pixel chart).
MAX_LOG_LABELS = 7


def log_ticks(values: np.ndarray, max_labels: int = MAX_LOG_LABELS) -> dict:
    """Tick settings for a log axis over ``values``: labels only at powers of ten, every ``n``-th
    decade so that at most ``max_labels`` are drawn (1e-30 ... 1e3 gets 10^-30, 10^-25, ... 10^0).

    Plotly's automatic ticks label every decade (and 2s and 5s within one), which piles up when the
    loss spans tens of decades or the panel is small. Empty dict when the values span under a decade.
    """
    v = np.asarray(values, dtype=float).ravel()
    v = v[np.isfinite(v) & (v > 0)]
    if not len(v):
        return {}
    lo, hi = float(np.log10(v.min())), float(np.log10(v.max()))
    if hi - lo < 1:
        return {}
    step = 1
    for nice in (1, 2, 3, 5, 10, 20, 25, 50, 100):
        step = nice
        if np.floor(hi / nice) - np.ceil(lo / nice) + 1 <= max_labels:
            break
    return {"dtick": step, "tick0": 0, "exponentformat": "power", "minor": {"showgrid": False}}


def figure(
    data: list[dict],
    layout: dict | None = None,
    frames: list[dict] | None = None,
    *,
    presentation: bool = False,
    height: int | None = None,
) -> go.Figure:
    """A styled Figure (see ``style_spec``) from plain trace/layout/frame dicts, skipping Plotly's
    per-property validation.

    Validation and Plotly's ``update_*`` methods cost several times the build itself (they walk every
    property, in every animation frame); the Playground rebuilds its charts on each rerun, so builders
    assemble dicts and the tests validate every builder's output instead (``go.Figure(fig.to_dict())``).
    """
    spec = style_spec({"data": data, "layout": layout or {}, "frames": frames or []}, presentation, height)
    if not spec["frames"]:
        del spec["frames"]
    for trace in [*spec["data"], *(d for f in spec.get("frames", ()) for d in f.get("data", ()))]:
        trace.setdefault("type", "scatter")  # plotly.py's default, which its Figure would write
    return SpecFigure(typed_arrays(spec))


class SpecFigure(go.Figure):
    """A Figure that builds plotly.py's objects only when something reads them.

    Streamlit's ``st.plotly_chart`` needs nothing but ``to_dict()``: before the figure is built that is
    the spec itself (arrays already typed, as plotly.py's own ``to_dict`` returns them), so a rerun skips
    building and deep-copying plotly.py's property tree (most of a chart's server time). Any other use
    (``fig.layout``, ``fig.data``, ``update_layout``, ``to_json``, ``to_html``) builds the Figure first
    and then behaves as a ``go.Figure`` built from the same spec.
    """

    def __init__(self, spec: dict):
        self.__dict__["_spec"] = spec

    def _build(self) -> None:
        spec = self.__dict__.pop("_spec", None)
        if spec is not None:
            go.Figure.__init__(self, spec, _validate=False)

    def __getattr__(self, name: str):
        # only reached for attributes not set yet: plotly.py's internals of an unbuilt figure
        if "_spec" in self.__dict__:
            self._build()
            return getattr(self, name)
        raise AttributeError(name)

    def to_dict(self) -> dict:
        spec = self.__dict__.get("_spec")
        if spec is None:
            return super().to_dict()
        # traces are copied (one level, cheap): plotly.io.to_json pops their uids in place, and the figure
        # is read again after it was sent (the tests, a second chart from the same spec)
        out = {"data": [dict(trace) for trace in spec["data"]], "layout": spec["layout"]}
        if "frames" in spec:
            out["frames"] = [
                {**frame, "data": [dict(t) for t in frame.get("data", ())]} for frame in spec["frames"]
            ]
        return out


#: plotly.js names of the NumPy types it reads from base64 (plotly.py's own table).
_SHORT_TYPES = {"int8": "i1", "uint8": "u1", "int16": "i2", "uint16": "u2", "int32": "i4", "uint32": "u4",
                "float32": "f4", "float64": "f8"}  # fmt: skip
#: Keys whose arrays plotly.py leaves as lists (axis ranges and the like).
_LIST_KEYS = frozenset({"geojson", "layer", "layers", "range"})


def _typed(a: np.ndarray) -> dict | np.ndarray:
    """One array as plotly.js's typed-array spec ({"dtype", "bdata", "shape"}), as plotly.py writes it."""
    if a.size == 0:
        return a
    if a.dtype == np.int64 or a.dtype == np.uint64:  # plotly.js has no 64-bit integers: the smallest fit
        lo, hi = int(a.min()), int(a.max())
        kinds = ("int8", "int16", "int32") if a.dtype == np.int64 else ("uint8", "uint16", "uint32")
        fit = next((k for k in kinds if np.iinfo(k).min <= lo and hi <= np.iinfo(k).max), None)
        if fit is None:
            return a
        a = a.astype(fit)
    short = _SHORT_TYPES.get(str(a.dtype))
    if short is None:
        return a
    out = {"dtype": short, "bdata": base64.b64encode(np.ascontiguousarray(a)).decode("ascii")}
    if a.ndim > 1:
        out["shape"] = str(a.shape)[1:-1]
    return out


def typed_arrays(obj, key: str | None = None):
    """``obj`` with every NumPy array replaced by its typed-array spec: the JSON plotly.py would send,
    built without its per-array checks. They were most of a chart's server time (the path chart's 20
    animation frames: 29 ms of figure building and conversion per rerun, 8 ms this way)."""
    if isinstance(obj, np.ndarray):
        return obj if key in _LIST_KEYS else _typed(obj)
    if isinstance(obj, dict):
        return {k: typed_arrays(v, k) for k, v in obj.items()}
    if isinstance(obj, list):
        if obj and isinstance(obj[0], str):  # names, colours, tick labels: nothing to convert
            return obj
        return [typed_arrays(v, key) for v in obj]
    return obj


def optimizer_color(key: str) -> str:
    """The colour of optimizer ``key`` in every chart of every page (registry order picks it); a modifier
    chain ('lookahead-adam') takes one of the colours left after the registered optimizers."""
    keys = list(OPTIMIZERS)
    if key in keys:
        return PALETTE[keys.index(key) % len(PALETTE)]
    spare = len(PALETTE) - len(keys)
    if key in OPTIMIZERS and spare > 0:  # a modifier chain: a colour no registered optimizer has
        mods, base = split_key(key)
        slot = list(MODIFIERS).index(mods[0]) * len(keys) + keys.index(base) + len(mods) - 1
        return PALETTE[len(keys) + slot % spare]
    return FALLBACK_COLOR


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
    """``fig`` with the shared look (``style_spec``), as a new Figure; for builders that assemble
    ``go`` objects rather than dicts."""
    spec = fig.to_dict()
    return figure(spec["data"], spec["layout"], spec.get("frames"), presentation=presentation, height=height)


def style_spec(spec: dict, presentation: bool = False, height: int | None = None) -> dict:
    """Apply the shared look to a figure dict in place and return it: the base layout (its values win,
    except that a builder's own margins are kept), axis and annotation fonts, and in presentation mode
    every line and marker scaled up. The one place that styles charts, so presentation mode looks the
    same in every chart; builders set line widths and marker sizes at normal size."""
    layout = spec.setdefault("layout", {})
    # No Plotly template: plotly.js's own defaults plus this style (the default template was 7 KB more
    # JSON per chart and rerun); the app draws charts without Streamlit's theme (webui.ui.chart), and
    # export.standalone_html puts Plotly's default template back for a file opened on its own.
    layout["template"] = {}
    base = base_layout(presentation, height)
    if layout.get("margin"):  # a builder's own margins win
        del base["margin"]
    _merge(layout, base)
    _title_below_toolbar(layout, presentation)
    size = font_size(presentation)
    axis_style = {"title": {"font": {"size": size}}, "tickfont": {"size": size}, "gridcolor": GRID_COLOR,
                  "linecolor": AXIS_COLOR}  # fmt: skip
    if presentation:  # read from the back row: black axis titles and tick labels, not the theme's grey
        axis_style["title"]["font"]["color"] = axis_style["tickfont"]["color"] = PRESENT_INK
        # the large tick labels push the margins out rather than run under the axis titles
        axis_style["automargin"] = True
    axes = {"xaxis", "yaxis"} | {k for k in layout if _AXIS_KEY.fullmatch(k)}
    for key in sorted(axes):
        _merge(layout.setdefault(key, {}), axis_style)
    for note in layout.get("annotations", ()):
        _merge(note, {"font": {"size": size}})
    if presentation:
        for traces in [spec.get("data", ())] + [f.get("data", ()) for f in spec.get("frames") or ()]:
            _scale_traces(traces)
    return spec


_AXIS_KEY = re.compile(r"[xy]axis\d+")

#: Plotly's toolbar (camera, zoom, ...) sits in the top-right corner of a chart, about 27 pixels tall,
#: over whatever is there: a title starts below this band (a title's pad is measured to its baseline
#: box, which reaches a few pixels higher), and the top margin grows by it.
TOOLBAR_BAND = 36
TITLE_INDENT = 4  # pixels between a chart's left edge and its title


def _title_below_toolbar(layout: dict, presentation: bool) -> None:
    """Pin a titled chart's title under the toolbar band and push everything below it down as much:
    the top margin and the chart's height both grow by the band, so the plot keeps its size and
    everything placed relative to it (legends, play buttons) keeps its place.

    Without this a left-aligned title runs under the toolbar on a half-width chart (and a centred one
    on any narrow chart). Charts without a title are left alone: only their top margin is the toolbar's.
    """
    title = layout.get("title")
    if not isinstance(title, dict) or not title.get("text"):
        return
    title.update(y=1, yref="container", yanchor="top", pad={"t": TOOLBAR_BAND, "l": TITLE_INDENT})
    # left and bold, as a heading over the chart (what Streamlit's theme did before the page dropped it)
    for k, v in (("x", 0), ("xref", "container"), ("xanchor", "left")):
        title.setdefault(k, v)
    title.setdefault("font", {}).setdefault("weight", "bold")
    margin = layout.setdefault("margin", {})
    base = base_layout(presentation)["margin"]
    margin.update({side: margin.get(side, base[side]) for side in base})
    margin["t"] = margin["t"] + TOOLBAR_BAND
    layout["height"] = layout["height"] + TOOLBAR_BAND


def _merge(target: dict, source: dict) -> None:
    """Recursive dict update: ``source`` wins, nested dicts are merged (as Plotly's update_layout)."""
    for key, value in source.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge(target[key], value)
        else:
            target[key] = _copy(value)


def _copy(value: Any) -> Any:
    """A copy of nested dicts and lists of plain values (copy.deepcopy's memo is most of its time)."""
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def _scale_traces(traces) -> None:
    """Thicker lines and bigger markers for a projector. Each trace gets new ``line`` and ``marker``
    dicts: a builder may share one between figures (``LOSS_CONTOUR``'s line), and scaling it in place
    doubled every later figure's width, in every session."""
    for trace in traces:
        line = trace.get("line")
        if isinstance(line, dict) and line.get("width") is not None:
            trace["line"] = {**line, "width": line["width"] * PRESENT_SCALE}
        marker = trace.get("marker")
        if isinstance(marker, dict) and marker.get("size") is not None:
            size = marker["size"]
            size = size * PRESENT_SCALE if np.isscalar(size) else np.asarray(size) * PRESENT_SCALE
            trace["marker"] = {**marker, "size": size}


def screen_floats(y: np.ndarray) -> np.ndarray:
    """Finite ``y`` as float32 (7 significant digits, finer than a chart or its 6-digit hover shows, and
    half the JSON of float64) unless a value lies outside 1e-30..1e30 in magnitude, where float32 would
    turn it into 0 or inf: then unchanged."""
    nonzero = np.abs(y[y != 0])
    if nonzero.size and (nonzero.max() > 1e30 or nonzero.min() < 1e-30):
        return y
    return y.astype(np.float32)


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
