"""Streamlit helpers shared by the pages: registry-generated controls, URL sync, share link, cached runs.

Controls keep their value in the session's *store* (``stores()``, one plain dict in session state, by
control key); the widget with key ``<key>`` is drawn from the store on every run and copies itself back
on change. So a value survives page switches and optimizer switches, can be set before the widget exists
(from a URL, a lesson, the reset button) with ``set_values``, and one control can swap between a slider
and a typed entry (``<key>:typed``) without losing its value. Every widget has a stable key; a page
renders controls for several optimizers at once by giving each its own ``prefix``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import math
import pickle
import re
import time
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import Any, TypeVar
from urllib.parse import urlencode, urljoin

import streamlit as st

import optviz
from optviz.app_state import (
    ParseWarning,
    PlaygroundConfig,
    carried_learning_rate,
    default_hparams,
    optimizers_by_family,
)
from optviz.i18n import t, tr
from optviz.optimizers.modifiers import split_key
from optviz.plots import style
from optviz.settings import RunSettings
from optviz.spec import Param

from .memo import Memo

R = TypeVar("R")

STORES = "optviz:stores"
TYPED = ":typed"
RUN_CACHE_ENTRIES = 64


# --- the value store -------------------------------------------------------------------------------
def stores() -> dict[str, Any]:
    """This session's control values by control key: one plain dict, one session-state entry.

    One entry, not one per control: each keyed ``st.number_input`` copies the whole session state
    (``filtered_state``) and each session-state read takes a lock and looks through widget ids, so
    the Playground's ~40 stores cost a slider notch about 3 ms of server time as entries of their own.
    Within ``stores_held`` the dict is looked up once per page run, not on each of ~40 calls."""
    held = _HELD.get()
    return _looked_up() if held is None else held


def _looked_up() -> dict[str, Any]:
    state = st.session_state
    held = state.get(STORES)
    if held is None:
        held = state[STORES] = {}
    return held


#: This run's store while a page runs (``stores_held``). A context variable: each session's script runs
#: in its own thread.
_HELD: ContextVar[dict[str, Any] | None] = ContextVar("optviz_stores", default=None)


@contextlib.contextmanager
def stores_held() -> Iterator[None]:
    """Look the store up once for what runs inside (a page's run: its callbacks have run already, and
    nothing in a run replaces the store's dict)."""
    token = _HELD.set(_looked_up())
    try:
        yield
    finally:
        _HELD.reset(token)


def get_value(key: str, default: Any = None) -> Any:
    """Current value of the control ``key`` (``default`` if it was never set)."""
    return stores().get(key, default)


def set_values(values: Mapping[str, Any]) -> None:
    """Set controls by key before they are drawn (from a URL, a lesson, a reset)."""
    stores().update(values)


def clear_values(prefix: str) -> None:
    """Forget every control whose key starts with ``prefix`` (so they return to their defaults)."""
    held = stores()
    for key in [k for k in held if k.startswith(prefix)]:
        del held[key]


#: False while a page reads its controls without drawing them (``values_only``). A context variable: each
#: session's script runs in its own thread.
_DRAWING: ContextVar[bool] = ContextVar("optviz_drawing", default=True)


#: How long a page waits after sending its first screen before it builds the rest (seconds).
HEAD_START_S = 0.025


def head_start() -> None:
    """Let what the page sent so far reach the browser and be drawn before the rest follows.

    Streamlit's browser draws every element that has arrived in one batch: with the sidebar's ~30
    widgets, the numbers and the charts below arriving right behind the first screen, a slider notch
    redrew the path chart only once all of them were drawn. A short pause splits the batch (notch p50
    237 -> 181 ms, ``benchmarks/bench_browser.py``). It costs no CPU: the script's thread sleeps,
    and the rest of the page follows about as soon as before."""
    time.sleep(HEAD_START_S)


@contextlib.contextmanager
def values_only() -> Iterator[None]:
    """Controls return their stored values and draw nothing: a page's first pass, which draws its charts
    before its controls (the widgets' changes are already in the stores when a rerun starts)."""
    token = _DRAWING.set(False)
    try:
        yield
    finally:
        _DRAWING.reset(token)


def drawing() -> bool:
    """Whether controls are drawn (False inside ``values_only``)."""
    return _DRAWING.get()


def drawn_in(box: Any) -> Any:
    """Draw into ``box`` (a container), or, without one, read the controls' values only."""
    return values_only() if box is None else box


def section(label: str, *, expanded: bool = True) -> Any:
    """An expander for a group of controls (nothing while ``values_only``)."""
    return st.expander(label, expanded=expanded) if _DRAWING.get() else contextlib.nullcontext()


def _copy_back(
    widget_key: str,
    key: str,
    coerce: Callable[[Any], Any] | None,
    after: Callable[[Any, Any], None] | None = None,
) -> None:
    held = stores()
    before = held.get(key)
    value = st.session_state[widget_key]
    held[key] = coerce(value) if coerce else value
    if after is not None:
        after(before, held[key])


#: Widgets whose value the browser keeps as a number or a switch, not as a translated label.
_KEEPS_ITS_VALUE = (st.slider, st.select_slider, st.number_input, st.toggle, st.checkbox)


def bound(
    widget: Callable[..., Any] | None,
    key: str,
    default: Any,
    *,
    valid: Callable[[Any], bool] = lambda v: True,
    widget_key: str | None = None,
    shown: Callable[[Any], Any] | None = None,
    coerce: Callable[[Any], Any] | None = None,
    after: Callable[[Any, Any], None] | None = None,
    held: dict[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Draw ``widget`` for the control ``key`` from its store and return the stored value.

    ``valid`` rejects a stale stored value (it falls back to ``default``), ``shown`` maps the stored
    value to what the widget displays, ``coerce`` cleans what the widget returns (e.g. float noise).
    ``after(old, new)`` runs when a person changes the widget (not when a URL or lesson sets it).
    Inside ``values_only`` nothing is drawn (``widget`` may then be None). ``held``: ``stores()``, when
    the caller has it already.
    """
    held = stores() if held is None else held
    if key not in held or not _safe(valid, held[key]):
        held[key] = default
    if not _DRAWING.get():
        return held[key]
    state = st.session_state
    wkey = widget_key or key
    value = shown(held[key]) if shown else held[key]
    # A number or a switch is set only when it shows something else (a URL, a lesson or a reset
    # changed the store, or the widget is new): setting it sends the run's value to the browser as
    # an order, and a key pressed while the run was going would be undone. A choice is set on every
    # run: the browser keeps it as its label, which changes with the language.
    if widget not in _KEEPS_ITS_VALUE or wkey not in state or not _same(state[wkey], value):
        state[wkey] = value
    if widget is st.slider:
        # the value it shows anyway: without one, st.slider reads the whole session state to guess
        # whether it is a range slider (about 0.1 ms a slider and rerun)
        kwargs["value"] = value
    widget(key=wkey, on_change=_copy_back, args=(wkey, key, coerce, after), **kwargs)
    return held[key]


def _same(a: Any, b: Any) -> bool:
    """Whether two control values are equal (and of the same type, so 1 and True differ)."""
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError):
        return False


def _safe(check: Callable[[Any], bool], value: Any) -> bool:
    try:
        return bool(check(value))
    except (TypeError, ValueError):
        return False


# --- one control per declared Param ---------------------------------------------------------------
@functools.lru_cache(maxsize=4096)
def format_value(x: float) -> str:
    """A number as a control shows it: 0.01, 0.999, 1e-08, 5000. Cached: a select slider formats
    every one of its options on every rerun."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e7:
        return str(int(x))
    return f"{x:.6g}"


#: Learning-rate slider notches within a decade: fine enough to reach the interesting bands without
#: typing (on the 20:1 ravine SGD zig-zags for 0.25 <= lr < 0.5 and diverges from 0.5).
FINE_MANTISSAS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8)
#: Hyperparameters whose slider uses ``FINE_MANTISSAS`` (others keep 1, 2, 5).
FINE_PARAMS = ("learning_rate",)


@functools.lru_cache(maxsize=1024)
def log_options(param: Param) -> tuple[float, ...]:
    """Round values 1, 2, 5 x 10^k inside the range (of the value, or of 1 - value for ``log1m``),
    plus the default, so a slider covers decades evenly and always offers the default. The learning rate
    gets finer notches (``FINE_MANTISSAS``). Computed once per parameter (every slider, every rerun)."""
    mantissas = FINE_MANTISSAS if param.name in FINE_PARAMS else (1, 2, 5)
    if param.scale == "log1m":
        lo, hi = max(1.0 - param.high, 1e-12), max(1.0 - param.low, 1e-12)
    else:
        lo, hi = param.low, param.high
    values = set()
    for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(hi)) + 1):
        for mantissa in mantissas:
            x = float(f"{mantissa}e{k}")
            if lo * (1 - 1e-12) <= x <= hi * (1 + 1e-12):
                values.add(x)
    if param.scale == "log1m":
        values = {round(1.0 - x, 12) for x in values}
        values = {x for x in values if param.low <= x <= param.high}
    if param.integer:
        values = {float(round(x)) for x in values if param.low <= round(x) <= param.high}
    values.add(float(param.default))
    return tuple(sorted(values))


def linear_step(param: Param) -> float:
    """Slider step for a linear parameter: a power of ten giving about 1,000 positions, fine enough
    that the default lies on the grid."""
    if param.integer:
        return 1
    step = 10.0 ** math.floor(math.log10((param.high - param.low) / 1000))
    while (
        step > 1e-9
        and abs((param.default - param.low) / step - round((param.default - param.low) / step)) > 1e-6
    ):
        step /= 10
    return step


def _decimals(step: float) -> int:
    return max(0, -math.floor(math.log10(step))) if step < 1 else 0


def clamp(param: Param, value: Any) -> float:
    """``value`` forced into the parameter's range (and to a whole number if declared so)."""
    x = min(max(float(value), param.low), param.high)
    return int(round(x)) if param.integer else x


def param_control(
    param: Param,
    key: str,
    lang: str,
    *,
    typed: bool = False,
    default: float | None = None,
    label: str | None = None,
    help_extra: str = "",
) -> float:
    """One control for ``param``: a log-spaced select slider (``log``/``log1m``), a linear slider, or a
    typed number entry (``typed=True``, or whole numbers with a huge range such as seeds)."""
    default = param.default if default is None else default
    default = int(default) if param.integer else float(default)

    def valid(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

    def in_range(v: Any) -> Any:
        return clamp(param, v)

    held = stores()
    if key in held and valid(held[key]):
        held[key] = in_range(held[key])
    if not _DRAWING.get():
        return bound(None, key, default, valid=valid, held=held)  # the value only: no label, help or options
    label = label or (f"{param.name} (${param.symbol}$)" if param.symbol else param.name)
    help_text = _param_help(param, lang, default) + help_extra
    common = {"label": label, "help": help_text}
    if typed or _entry_only(param):
        number = int if param.integer else float
        return bound(
            st.number_input, key, default, valid=valid, widget_key=key + TYPED,
            shown=number, coerce=number,
            min_value=number(param.low), max_value=number(param.high),
            step=1 if param.integer else None, format=None if param.integer else "%g", held=held, **common,
        )  # fmt: skip
    if param.log:
        options = slider_options(param, held.get(key, default))
        return bound(
            st.select_slider, key, default, valid=valid, options=options, format_func=format_value,
            shown=float, coerce=(lambda v: int(v)) if param.integer else float, held=held, **common,
        )  # fmt: skip
    step = linear_step(param)
    if param.integer:
        return bound(
            st.slider, key, default, valid=valid, shown=int, coerce=int,
            min_value=int(param.low), max_value=int(param.high), step=1, held=held, **common,
        )  # fmt: skip
    digits = _slider_digits(step)
    return bound(
        st.slider, key, default, valid=valid, shown=float,
        coerce=lambda v: round(float(v), digits),
        min_value=float(param.low), max_value=float(param.high), step=step, held=held, **common,
    )  # fmt: skip


def slider_spec(param: Param, key: str, *, typed: bool = False) -> dict[str, Any] | None:
    """How the browser reads the value of ``param_control(param, key, typed=typed)``'s slider from its
    position (``webui.preview``): ``{"options": [...]}``, the values of a select slider's positions, or
    ``{"digits": d}``, a slider's own value rounded as the control rounds it; with the parameter's
    ``default`` (what a link that leaves it out means). None for a number entry."""
    if typed or _entry_only(param):
        return None
    default = float(param.default)
    if param.log:
        return {"options": list(slider_options(param, stores().get(key, default))), "default": default}
    return {"digits": 0 if param.integer else _slider_digits(linear_step(param)), "default": default}


def _entry_only(param: Param) -> bool:
    """Whole numbers with a huge linear range (seeds) get a number entry, never a slider."""
    return param.integer and param.high - param.low > 10_000 and not param.log


def _slider_digits(step: float) -> int:
    """The decimals a linear slider of ``step`` rounds its value to (the float noise of its steps)."""
    return _decimals(step) + 2


def slider_options(param: Param, current: Any) -> tuple[float, ...]:
    """The options of a log parameter's select slider: ``log_options`` plus the current value (a typed or
    linked value between two notches stays on the slider)."""
    options = log_options(param)
    number = isinstance(current, (int, float)) and not isinstance(current, bool)
    if number and math.isfinite(current) and current not in options:
        options = tuple(sorted({*options, float(current)}))
    return options


@functools.lru_cache(maxsize=1024)
def _param_help(param: Param, lang: str, default: float) -> str:
    scale = {"log": "ui.scale_log", "log1m": "ui.scale_log1m", "linear": "ui.scale_linear"}[param.scale]
    return (
        tr(param.help, lang)
        + "  \n"
        + t(
            "ui.param_range", lang, low=format_value(param.low), high=format_value(param.high),
            default=format_value(default), scale=t(scale, lang),
        )
    )  # fmt: skip


def params_controls(
    params: Sequence[Param],
    prefix: str,
    lang: str,
    *,
    typed: bool = False,
    defaults: Mapping[str, float] | None = None,
) -> dict[str, float]:
    """One control per declared parameter, keyed ``<prefix><name>``; returns name -> value."""
    defaults = defaults or {}
    return {
        p.name: param_control(p, f"{prefix}{p.name}", lang, typed=typed, default=defaults.get(p.name))
        for p in params
    }


def scene_controls(scene: Any, prefix: str, lang: str) -> dict[str, Any]:
    """A network scene's controls (``optviz.nets.scenes.Scene``): a select per declared choice and a
    control per declared number, keyed ``<prefix><name>``; returns name -> value. The Networks and
    Sweep pages draw scenes with it."""
    values: dict[str, Any] = {}
    for c in scene.choices:
        values[c.name] = choice_select(
            f"{prefix}{c.name}", c.options, c.default, t(f"net.choice.{c.name}", lang),
            format_func=lambda v: tr(v, lang), help=tr(c.help, lang),
        )  # fmt: skip
    values.update(params_controls(scene.params, prefix, lang))
    return values


def scene_control_values(prefix: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Control values (for ``set_values``) that make ``scene_controls(scene, prefix, ...)`` show
    ``values``."""
    return {f"{prefix}{k}": v for k, v in values.items()}


def scene_label(key: str, lang: str) -> str:
    """'Network · MLP classifier' or '2-D · Rosenbrock': a problem select that offers both kinds."""
    if key in optviz.PROBLEMS:
        return f"{t('ui.kind.surface', lang)} · {tr(optviz.PROBLEMS[key].name, lang)}"
    from optviz.nets.scenes import SCENES

    return f"{t('ui.kind.network', lang)} · {tr(SCENES[key].name, lang)}"


def hparam_controls(
    optimizer: str,
    lang: str,
    prefix: str,
    *,
    typed: bool = False,
    defaults: Mapping[str, float] | None = None,
    slot: str | None = None,
) -> dict[str, float]:
    """Controls for every hyperparameter of ``optimizer``, keyed ``<prefix><slot>.<name>``; the slot is
    the optimizer's key unless a page runs it more than once (Compare's 'adam~2').

    Each optimizer keeps its own values, so switching optimizers (or showing several, as the Compare
    page does with one slot per run) never mixes them up.
    """
    opt = optviz.OPTIMIZERS[optimizer]
    return params_controls(opt.hparams, f"{prefix}{slot or optimizer}.", lang, typed=typed, defaults=defaults)


def hparam_keys(optimizer: str, prefix: str, slot: str | None = None) -> dict[str, str]:
    """Control key of each hyperparameter of ``optimizer`` under ``prefix`` (for ``set_values``)."""
    return {name: f"{prefix}{slot or optimizer}.{name}" for name in optviz.OPTIMIZERS[optimizer].hparam_names}


def modifier_toggles(prefix: str, lang: str) -> tuple[str, ...]:
    """One toggle per modifier (Lookahead, SAM, Cautious) bound to ``<prefix>mod.<key>``; returns the
    chosen keys in registry order, the order of the chain they make ('lookahead-sam-adam')."""
    return tuple(
        m.key
        for m in optviz.MODIFIERS.values()
        if toggle(f"{prefix}mod.{m.key}", tr(m.name, lang), help=tr(m.summary, lang))
    )


def modifier_controls(
    modifiers: Sequence[str], lang: str, prefix: str, *, typed: bool = False
) -> dict[str, float]:
    """Controls for the chosen modifiers' hyperparameters under their namespaced names, keyed
    ``<prefix><modifier>.<name>`` ('pg.hp.lookahead.k'): a modifier keeps its settings whichever optimizer
    it wraps, as an optimizer keeps its own whatever it is wrapped in."""
    out: dict[str, float] = {}
    for key in modifiers:
        m = optviz.MODIFIERS[key]
        params = [dataclasses.replace(p, name=m.hparam(p.name)) for p in m.hparams]
        out.update(params_controls(params, prefix, lang, typed=typed))
    return out


def family_label(family: str, lang: str) -> str:
    return t(f"ui.family.{family}", lang)


def optimizer_label(key: str, lang: str) -> str:
    """'Adaptive · Adam': the display name with its family, so the select reads as grouped."""
    opt = optviz.OPTIMIZERS[key]
    return f"{family_label(opt.family, lang)} · {tr(opt.name, lang)}"


@functools.lru_cache(maxsize=8)
def optimizer_labels(lang: str) -> dict[str, str]:
    """The optimizer select's options by label (label -> optimizer), as ``optimizer_select`` shows them."""
    return {optimizer_label(k, lang): k for k in optimizers_by_family()}


def optimizer_select(
    key: str,
    lang: str,
    *,
    default: str = "adam",
    label: str | None = None,
    after: Callable[[Any, Any], None] | None = None,
) -> str:
    """A select of every optimizer by display name, grouped classic / adaptive / frontier."""
    options = optimizers_by_family()
    return choice_select(
        key, options, default, label or t("ui.optimizer", lang),
        format_func=lambda k: optimizer_label(k, lang),
        help=t("ui.optimizer_help", lang), after=after,
    )  # fmt: skip


def choice_select(
    key: str,
    options: Sequence[str],
    default: str,
    label: str,
    *,
    format_func: Callable[[Any], str] = str,
    help: str | None = None,
    after: Callable[[Any, Any], None] | None = None,
) -> str:
    """A select box bound to the store ``key``; a stored value no longer offered falls back to ``default``."""
    options = list(options)
    return bound(
        st.selectbox, key, default, valid=lambda v: v in options, after=after,
        label=label, options=options, format_func=format_func, help=help,
    )  # fmt: skip


def toggle(key: str, label: str, *, default: bool = False, help: str | None = None) -> bool:
    """A toggle bound to the store ``key``."""
    return bound(st.toggle, key, default, valid=lambda v: isinstance(v, bool), label=label, help=help)


# --- layout ------------------------------------------------------------------------------------------
#: Every chart's toolbar: no Plotly logo; the camera saves a PNG at twice the screen's resolution.
CHART_CONFIG: dict[str, Any] = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "png", "filename": "optviz", "scale": 2},
}


def key_class(key: str) -> str:
    """The class Streamlit gives the element of ``key``, without its ``st-key-`` prefix (every character
    outside [a-zA-Z0-9_-] becomes '-'): how a component's script finds another element on the page."""
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key)


def chart(fig: Any, key: str, *, config: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    """``st.plotly_chart`` with the figure's own look (``theme=None``): the builders style every chart
    (``optviz.plots.style``), and Streamlit's theme, applied in the browser on every redraw, added
    about 40 ms to a Playground slider change (``benchmarks/bench_browser.py``) for the same picture."""
    return st.plotly_chart(
        fig, key=key, config=CHART_CONFIG if config is None else config, theme=None, **kwargs
    )


def chart_config(fig: Any) -> dict[str, Any]:
    """The toolbar for ``fig``. A chart with Play/Pause has no camera: plotly.js draws its buttons and
    frame slider into every PNG (``toImage`` has no option to leave them out), so its animation is
    exported as an HTML file instead and its still picture by the page's static charts."""
    layout = fig.to_dict()["layout"]  # free for a figure not built yet (optviz.plots.style.SpecFigure)
    if layout.get("updatemenus") or layout.get("sliders"):
        return {**CHART_CONFIG, "modeBarButtonsToRemove": ["toImage"]}
    return CHART_CONFIG


#: Chart height in presentation mode for the charts of a page's first screen: with the title and the
#: one-line caption, two of them side by side fit above the fold of a 1280 x 720 projector.
PRESENT_FIRST_SCREEN_HEIGHT = 430
#: The same for a full-width chart under a row of tabs (Compare's paths): the tabs take 40 px of it.
PRESENT_UNDER_TABS_HEIGHT = PRESENT_FIRST_SCREEN_HEIGHT - 40
#: Width of a legend row on a full-width chart of a 1280 px projector (the plot's width, less margins).
LEGEND_FULL_WIDTH = 1100
#: Extra room above a presentation chart's title (pixels): its 27 px type overlaps the toolbar otherwise.
TITLE_CLEARANCE = 16
#: Labels on a shortened colour bar of a first-screen chart in presentation mode.
FIT_COLORBAR_LABELS = 4


#: Room for one row of legend above a fitted plot (pixels, presentation type), and the width of a row
#: on a half-width chart of a 1280 px projector (Chromium wrapped the Networks slice's legend after
#: 360-390 px: Plotly wraps a horizontal legend at the plot's width, less than the chart's).
LEGEND_ROW, LEGEND_ROW_WIDTH = 34, 360
#: Width of a legend entry's line sample and gaps, in font sizes.
LEGEND_SAMPLE = 2.5


def legend_rows(fig: Any, width: int = LEGEND_ROW_WIDTH) -> int:
    """How many rows a horizontal legend of ``fig`` takes in ``width`` pixels (an estimate: half an em a
    Latin character, one em a Chinese one, the line sample and gaps beside each entry)."""
    size = fig.layout.font.size or style.font_size(True)
    rows, used = 1, 0.0
    for trace in fig.data:
        if trace.showlegend is False or not trace.name:
            continue
        ems = sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in trace.name) + LEGEND_SAMPLE
        if used and used + ems * size > width:
            rows, used = rows + 1, 0.0
        used += ems * size
    return rows


def fit_height(
    fig: Any, height: int, *, legend_above: bool = False, legend_width: int = LEGEND_ROW_WIDTH
) -> None:
    """Set a figure's height in place (its fonts stay). A legend placed below the plot is hidden (or, with
    ``legend_above``, put between the title and the plot, the top margin grown by the rows it takes: the
    chart that says which colour is which optimizer) and the bottom margin kept to the tick labels'
    needs, so the shorter figure still has a readable plot. ``legend_width``: the width a legend row may
    take (a half-width chart's by default)."""
    fig.layout["height"] = int(height)
    title = fig.layout.title
    if title.text and title.pad.t is not None:
        # a half-width chart's large title reaches under Plotly's toolbar at the right: start it lower
        title.pad.t += TITLE_CLEARANCE
        fig.layout.margin.t = (fig.layout.margin.t or 0) + TITLE_CLEARANCE
    legend = fig.layout.legend
    if legend.y is not None and legend.y < 0:
        # a projector's first screen has no room for a legend under the plot: the plot gets its rows
        if legend_above:
            legend.update(y=1.0, yanchor="bottom", x=0, xanchor="left")
            fig.layout.margin.t = (fig.layout.margin.t or 0) + LEGEND_ROW * legend_rows(fig, legend_width)
        else:
            fig.layout.showlegend = False
        fig.layout.margin.b = min(fig.layout.margin.b or 0, 70)
    if fig.layout.updatemenus:
        # Play/Pause and the frame slider above the plot take rows a short chart cannot spare (an equal-scale
        # path chart was 145 px tall): Play/Pause stack at the top right of the plot, the colour bar
        # shortens under them, the frame slider goes (the page's step cursor does its job), and the top
        # margin keeps the title's room only, as the charts beside it have
        fig.layout.sliders = []
        fig.layout.updatemenus[0].update(
            x=1.02, xanchor="left", y=1, yanchor="top", direction="down", pad={"t": 0, "r": 0}
        )
        for trace in fig.select_traces(selector={"type": "contour"}):
            bar = trace.colorbar
            bar.update(len=0.55, y=0, yanchor="bottom")
            if bar.tickvals is not None and len(bar.tickvals) > FIT_COLORBAR_LABELS:  # room for 4 labels
                every = math.ceil(len(bar.tickvals) / FIT_COLORBAR_LABELS)
                bar.update(tickvals=bar.tickvals[::every], ticktext=bar.ticktext[::every])
        top = style.base_layout()["margin"]["t"]
        fig.layout.margin.t = top + (style.TOOLBAR_BAND + TITLE_CLEARANCE if title.text else 0)


# --- the Playground's controls for a configuration ----------------------------------------------------
def carry_learning_rate(prefix: str, old: str, new: str, problem: str) -> None:
    """On an optimizer switch, give ``new`` the learning rate a person set on ``old`` when it lies in
    ``new``'s range (comparing two optimizers changes one thing at a time). An untouched page default is
    not a choice: then ``new`` keeps its own (Adam's 0.01 would make SGD diverge on Rosenbrock)."""
    if old not in optviz.OPTIMIZERS or new not in optviz.OPTIMIZERS or old == new:
        return
    value = get_value(f"{prefix}hp.{old}.learning_rate", default_hparams(old, problem).get("learning_rate"))
    carried = carried_learning_rate(old, new, value, problem)  # the preview's switch reads the same rule
    if carried is not None:
        set_values({f"{prefix}hp.{new}.learning_rate": carried})


def follow_scene_defaults(prefix: str, optimizer: str, old: str, new: str, slot: str | None = None) -> None:
    """On a problem switch, move ``optimizer``'s hyperparameters that still sit at the old problem's page
    defaults to the new problem's (Rosenbrock starts SGD at 0.002, not at a rate that diverges).
    ``prefix`` and ``slot`` are those the hyperparameter controls were drawn under (``hparam_controls``)."""
    if old == new or optimizer not in optviz.OPTIMIZERS:
        return
    before, after = default_hparams(optimizer, old), default_hparams(optimizer, new)
    keys = hparam_keys(optimizer, prefix, slot)
    for name, value in after.items():
        key = keys[name]
        if get_value(key, before[name]) == before[name] and value != before[name]:
            set_values({key: value})


@dataclasses.dataclass
class PlaygroundControls:
    """What the Playground's sidebar controls hold: everything a run needs but the problem's own object.
    (Declared here, not in the page: a page's script runs afresh on every rerun, and building a
    dataclass took about 0.25 ms of each.)"""

    base_key: str
    modifiers: tuple[str, ...]
    typed: bool
    hparams: dict[str, float]
    problem_key: str
    problem_params: dict[str, float]


def playground_values(config: PlaygroundConfig, prefix: str = "pg.") -> dict[str, Any]:
    """The Playground's control stores that show ``config``. Another page can open the Playground on a
    configuration with ``set_values(playground_values(config))`` and ``st.switch_page``, or link to
    ``optviz.app_state.playground_url(config)``."""
    p = prefix
    modifiers, optimizer = split_key(config.optimizer)  # 'lookahead-adam': Adam with Lookahead on
    values: dict[str, Any] = {
        p + "opt": optimizer,
        p + "problem": config.problem,
        p + "steps": config.steps,
        p + "schedule": config.schedule,
        p + "grad_noise": config.grad_noise,
        p + "seed": config.seed,
        p + "cursor": config.cursor,
        p + "typed": config.typed,
        p + "by_hand_coord": config.coord,
    }
    values.update({f"{p}mod.{m}": m in modifiers for m in optviz.MODIFIERS})
    # the optimizer's own settings under its key, a modifier's under its namespaced name ('lookahead.k')
    values.update(
        {f"{p}hp.{k}" if "." in k else f"{p}hp.{optimizer}.{k}": v for k, v in config.hparams.items()}
    )
    values.update({f"{p}pp.{config.problem}.{k}": v for k, v in config.problem_params.items()})
    values.update({f"{p}sp.{config.schedule}.{k}": v for k, v in config.schedule_params.items()})
    if config.start is not None:
        values[f"{p}start.{config.problem}.0"], values[f"{p}start.{config.problem}.1"] = config.start
    else:  # the problem's own start: forget a start typed earlier
        values[f"{p}start.{config.problem}.0"] = values[f"{p}start.{config.problem}.1"] = None
    values[f"{p}batch.{config.problem}"] = config.batch_size  # None: full batch (the control's default)
    return values


def display_math(latex: str) -> str:
    """``latex`` as a markdown block of display math: what ``st.latex`` sends, to follow other markdown in
    one element."""
    return f"$$\n{latex}\n$$"


# --- URL -----------------------------------------------------------------------------------------------
def query_params() -> dict[str, list[str]]:
    """The page's query parameters, every value as a list (repeated keys kept)."""
    qp = st.query_params
    return {k: qp.get_all(k) for k in qp}


def sync_query_params(
    encoded: Mapping[str, str],
    managed: Callable[[str], bool],
    remember: Callable[[list[dict[str, list[str]]]], None] | None = None,
) -> None:
    """Make the URL show ``encoded``: set changed keys, drop stale keys the page manages, leave others.

    The address bar is sent on every run, even when this run's copy of it already matches: that copy
    is the URL as it was when the run was requested, and an older run that finished meanwhile may have
    written its own values since. (The browser ignores a query string equal to the one it shows.)

    ``remember`` is called, before anything is sent, with every address (managed keys only) the sends
    can leave in the browser, last one last. Each send may be where a newer rerun interrupts this one,
    so a page that must tell its own addresses from a visitor's records them first."""
    qp = st.query_params
    stale = [k for k in qp if managed(k) and k not in encoded]
    if remember is not None:
        shown = {k: qp.get_all(k) for k in qp if managed(k)}
        addresses = []
        for name in stale:
            del shown[name]
            addresses.append(dict(shown))
        remember([*addresses, {k: [v] for k, v in encoded.items()}])
    for name in stale:
        del qp[name]
    qp.update({name: value for name, value in encoded.items() if qp.get_all(name) != [value]})  # always sends


def load_url_once(
    loaded_key: str,
    parse: Callable[[Mapping[str, list[str]]], tuple[Any, list[ParseWarning]]],
    control_values: Callable[[Any], Mapping[str, Any]],
) -> list[ParseWarning]:
    """On the first run of a page in a session, set its controls from the URL: ``parse`` the query
    parameters into a configuration and ``set_values(control_values(config))``. Returns what had to
    be fixed in the URL on that run (to show once), and nothing on later runs."""
    if st.session_state.get(loaded_key):
        return []
    config, warnings = parse(query_params())
    set_values(control_values(config))
    st.session_state[loaded_key] = True
    return warnings


def absolute_url(relative: str) -> str:
    """``relative`` ('/?opt=...') joined to the address the user opened the app at, when known."""
    base = getattr(st.context, "url", None)
    return urljoin(base, relative) if base else relative


def share_link(relative: str, lang: str, extra: Mapping[str, str] | None = None) -> None:
    """Show the link that reproduces this page's state, ready to copy: ``relative`` plus ``extra``
    parameters and the app-wide ones (language, presentation mode)."""
    from webui.shell import app_params

    added = {**(extra or {}), **app_params()}
    if added:
        relative += ("&" if "?" in relative else "?") + urlencode(added, safe=",")
    st.caption(t("ui.share_link", lang))
    st.code(absolute_url(relative), language=None, wrap_lines=True)


def show_warnings(warnings: Iterable[ParseWarning], lang: str) -> None:
    """URL problems, translated, in one warning box; every quoted key or value shown literally."""
    lines = []
    for w in warnings:
        code = getattr(w, "code", None)
        if code and f"state.warn.{code}" in optviz.i18n.strings():
            lines.append(message(f"state.warn.{code}", lang, **w.fields))
        else:
            lines.append(plain(w))
    if lines:
        st.warning(t("ui.url_fixed", lang) + "\n\n" + "\n".join(f"- {x}" for x in lines))


# --- visitor text in messages --------------------------------------------------------------------------
#: Line breaks (a raw one would end the code span's paragraph and let the rest be parsed as markdown).
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\v\f\x85\u2028\u2029]")
#: Control and bidirectional-override characters: invisible, or able to make text read backwards.
_HIDDEN = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def plain(value: object) -> str:
    """``value`` (anything a visitor typed: a URL key or value, a formula, a CSV cell, a file name, an
    error text quoting one) as markdown that shows it literally: an inline code span. Inside a code
    span nothing is markup: no link, image, HTML, LaTeX, ``:color[...]``, emoji or autolink. The fence
    is longer than any run of backticks in the text, and line breaks become a visible '↵', so the text
    can never close the span or start a new block."""
    text = _HIDDEN.sub("\ufffd", _LINE_BREAKS.sub("↵", str(value)))
    # Streamlit's frontend rewrites ':material/' to ':material_' in the raw markdown (even inside code)
    # to find icons; a zero-width space keeps what the visitor typed on screen.
    text = text.replace(":material/", ":material\u200b/")
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    # CommonMark strips one space from each end when both ends are spaces: pad so the text survives,
    # and keep a backtick at either end from joining the fence.
    edge = text[:1] == "`" or text[-1:] == "`" or (text[:1] == text[-1:] == " " and text.strip() != "")
    pad = " " if edge or not text else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def plain_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Message fields with every text made ``plain`` (numbers stay numbers, so ``{x:.3g}`` works)."""
    return {
        k: v if isinstance(v, (int, float)) and not isinstance(v, bool) else plain(v)
        for k, v in fields.items()
    }


def message(key: str, lang: str, **fields: Any) -> str:
    """The UI string ``key`` with its fields shown literally: use it for every message that quotes
    something a visitor typed (the template is ours and stays markdown; the fields never are)."""
    return t(key, lang, **plain_fields(fields))


# --- cached runs -------------------------------------------------------------------------------------
def items(mapping: Mapping[str, Any] | None) -> tuple[tuple[str, float], ...]:
    """A mapping of numbers as a sorted tuple: a plain, hashable cache key."""
    return tuple(sorted((k, float(v)) for k, v in (mapping or {}).items()))


def run_args(base: PlaygroundConfig) -> tuple:
    """The shared run settings of a configuration as plain, hashable values (for st.cache_data): the
    problem, its parameters, then ``RunSettings.key()``."""
    return (base.problem, items(base.problem_params), *base.settings.key())


def run_kwargs(args: tuple) -> dict[str, Any]:
    """``run_args`` back as keyword arguments of optviz.run / sweep / compare (the problem aside)."""
    return RunSettings.from_key(args[2:]).kwargs()


def freeze_run(trace: optviz.Trace) -> optviz.Trace:
    """Make a run's arrays read-only: one cached run is shared by every session that asks for it."""
    for value in (trace.start, trace.params, trace.loss, trace.grads, trace.lr, *trace.state.values()):
        value.flags.writeable = False
    return trace


#: Recorded runs, shared by every session: a plain tuple key and no copy on a hit (``st.cache_data``
#: hashed its arguments and unpickled a copy of the run on every rerun, about 1.5 ms of a 24 ms rerun).
_RUNS: Memo[optviz.Trace] = Memo(None, RUN_CACHE_ENTRIES, name="webui.ui:runs")


def problem_token(problem: optviz.Problem) -> str:
    """A fingerprint of a problem instance, so runs on a user's own problem can be cached too."""
    return hashlib.sha1(pickle.dumps(problem)).hexdigest()


def cached_run(
    optimizer: str,
    problem: str | optviz.Problem,
    problem_params: Mapping[str, float] | None = None,
    *,
    steps: int,
    start: Sequence[float] | None = None,
    hparams: Mapping[str, float] | None = None,
    schedule: str | None = None,
    schedule_params: Mapping[str, float] | None = None,
    batch_size: int | None = None,
    grad_noise: float = 0.0,
    seed: int = 0,
) -> optviz.Trace:
    """``optviz.run`` cached on plain values and shared by every session (its arrays are read-only).
    Raises ValueError like ``run``.

    ``problem`` is a registry key (built from ``problem_params``) or a Problem instance (a user's own).
    """
    instance = problem if isinstance(problem, optviz.Problem) else None
    name = instance.key if instance is not None else str(problem)
    params = items(problem_params)
    hp, schedule, sp = items(hparams), schedule or "constant", items(schedule_params)
    start = (float(start[0]), float(start[1])) if start is not None else None
    batch_size = None if batch_size is None else int(batch_size)
    key = (
        optimizer, name, params, problem_token(instance) if instance is not None else "", int(steps), start,
        hp, schedule, sp, batch_size, float(grad_noise), int(seed),
    )  # fmt: skip

    def compute() -> optviz.Trace:
        prob = instance if instance is not None else cached_problem(name, dict(params))
        return freeze_run(optviz.run(
            optimizer, prob, steps=int(steps), start=start, hparams=dict(hp), schedule=schedule,
            schedule_params=dict(sp), batch_size=batch_size, grad_noise=float(grad_noise), seed=int(seed),
        ))  # fmt: skip

    return _RUNS.get(key, compute)


#: Problems, one shared instance per set of parameters (never changed after construction). A plain tuple
#: key: ``st.cache_resource`` hashed its arguments on every call (about 0.3 ms of a Playground rerun).
_PROBLEMS: Memo[optviz.Problem] = Memo(None, 16, name="webui.ui:problems")


def cached_problem(key: str, params: Mapping[str, float] | None = None) -> optviz.Problem:
    """A registry problem built once per set of parameters. Raises ValueError on bad parameters."""
    args = items(params)
    return _PROBLEMS.get((key, args), lambda: optviz.PROBLEMS[key](**dict(args)))


def frozen_figure(fig: Any) -> style.SpecFigure:
    """A built figure as the spec Streamlit sends (``to_dict`` once): a figure kept and shared
    (``of_run``) costs no conversion on later reruns."""
    return (
        fig
        if isinstance(fig, style.SpecFigure) and "_spec" in fig.__dict__
        else style.SpecFigure(fig.to_dict())
    )


#: Views of recorded runs kept for reuse (figures, windows, worked steps); each entry holds its run.
RUN_VIEWS_KEPT = 96
_RUN_VIEWS: Memo[tuple[optviz.Trace, Any]] = Memo(None, RUN_VIEWS_KEPT, name="webui.ui:run_views")


def of_run(view: Callable[..., R], trace: Any, *args: Hashable, **kwargs: Hashable) -> R:
    """``view(trace, *args, **kwargs)``, computed once per recorded run and arguments and shared by every
    rerun and session that asks again (a slider moved back, a classmate on the same setting): building a
    Playground's figures was about an eighth of its rerun's server time, the Compare page's two thirds.

    ``trace`` is a shared run (``cached_run``) or a shared result holding runs (the Compare page's), ``view``
    a module-level function of it and its hashable arguments only, and callers never change the result.
    The key holds the run's identity: its entry keeps the run alive, so no other object can take that
    id while the entry lives."""
    code = view.__code__
    key = (code.co_filename, view.__qualname__, id(trace), args, tuple(sorted(kwargs.items())))
    held, result = _RUN_VIEWS.get(key, lambda: (trace, view(trace, *args, **kwargs)))
    assert held is trace, "a run view keyed by a run it does not hold"
    return result


def _frozen_build(
    trace: Any, build: Callable[..., Any], *args: Hashable, **kwargs: Hashable
) -> style.SpecFigure:
    return frozen_figure(build(trace, *args, **kwargs))


def shared_figure(
    build: Callable[..., Any], trace: Any, *args: Hashable, **kwargs: Hashable
) -> style.SpecFigure:
    """``build(trace, *args, **kwargs)`` (a figure builder of ``optviz.plots``), built once per shared run
    or result and arguments (``of_run``) and kept as the spec Streamlit sends (``frozen_figure``)."""
    return of_run(_frozen_build, trace, build, *args, **kwargs)


# --- shared run settings (added for the Compare and Sweep pages) ---------------------------------------
def run_settings_values(
    prefix: str, base: PlaygroundConfig, scene_values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Control values (for ``set_values``) that make ``run_settings_controls(prefix, ...)`` show ``base``
    (and, when ``base.problem`` is a network scene, its ``scene_values``)."""
    P = prefix
    values: dict[str, Any] = {
        f"{P}problem": base.problem,
        f"{P}steps": base.steps,
        f"{P}schedule": base.schedule,
    }
    values.update(scene_control_values(f"{P}scene.{base.problem}.", scene_values or {}))
    values.update({f"{P}problem.{base.problem}.{k}": v for k, v in base.problem_params.items()})
    values.update({f"{P}schedule.{base.schedule}.{k}": v for k, v in base.schedule_params.items()})
    if base.start is not None:
        values.update(
            {f"{P}start.{base.problem}.x": base.start[0], f"{P}start.{base.problem}.y": base.start[1]}
        )
    if base.batch_size is not None:
        values[f"{P}batch.{base.problem}"] = base.batch_size
    values.update({f"{P}grad_noise": base.grad_noise, f"{P}seed": base.seed})
    return values


def run_settings_controls(
    prefix: str,
    lang: str,
    base: Any,
    *,
    on_problem_change: Callable[[Any, Any], None] | None = None,
    scenes: bool = False,
) -> Any:
    """Problem (registry problems only), its parameters, steps and the run settings (start, schedule,
    minibatch, gradient noise, seed) under ``prefix``; returns ``base`` (an app_state.PlaygroundConfig)
    with those fields replaced. Store values win over ``base``: seed the stores with ``set_values``.
    ``on_problem_change(old, new)`` runs when a person picks another problem.

    With ``scenes=True`` the problem select also offers the network scenes (labelled as networks,
    ``scene_label``); for a scene it returns ``(base, scene values)``, ``base.problem`` being the scene's
    key, and draws the scene's controls instead of a 2-D problem's parameters and start point (the
    schedule, minibatch, gradient noise and seed still apply). Without, it returns ``base``."""
    from optviz.app_state import START_PARAM, with_changes
    from optviz.nets.scenes import SCENES

    problems = list(optviz.PROBLEMS) + (list(SCENES) if scenes else [])
    problem = choice_select(
        f"{prefix}problem", problems, base.problem if base.problem in problems else problems[0],
        t("ui.run.problem", lang),
        format_func=(lambda k: scene_label(k, lang)) if scenes else (lambda k: tr(optviz.PROBLEMS[k].name, lang)),
        after=on_problem_change,
    )  # fmt: skip
    if problem in SCENES:
        return _scene_settings_controls(prefix, lang, base, problem)
    spec = optviz.PROBLEMS[problem]
    defaults = base.problem_params if base.problem == problem else spec.defaults
    problem_params = {}
    if spec.params:
        with st.expander(t("ui.run.problem_params", lang)):
            problem_params = params_controls(
                spec.params, f"{prefix}problem.{problem}.", lang, defaults=defaults
            )
    steps = _steps_control(prefix, lang, base)
    instance = cached_problem(problem, problem_params)
    with st.expander(t("ui.run.settings", lang)):
        start0 = base.start if (base.start is not None and base.problem == problem) else tuple(instance.start)
        a, b = instance.param_names
        sx = param_control(
            START_PARAM,
            f"{prefix}start.{problem}.x",
            lang,
            typed=True,
            default=start0[0],
            label=f"{t('ui.run.start', lang)} {a}",
        )
        sy = param_control(
            START_PARAM,
            f"{prefix}start.{problem}.y",
            lang,
            typed=True,
            default=start0[1],
            label=f"{t('ui.run.start', lang)} {b}",
        )
        start = None if (sx, sy) == tuple(float(v) for v in instance.start) else (float(sx), float(sy))
        schedule, schedule_params, batch_size, grad_noise, seed = _shared_run_controls(
            prefix, lang, base, problem, getattr(instance, "n", None)
        )
    out = with_changes(
        base, problem=problem, problem_params=problem_params or spec.defaults, steps=steps, start=start,
        schedule=schedule, schedule_params=schedule_params, batch_size=batch_size, grad_noise=grad_noise,
        seed=seed, cursor=None,
    )  # fmt: skip
    return (out, {}) if scenes else out


def _steps_control(prefix: str, lang: str, base: Any) -> int:
    """The number of steps (Compare's and Sweep's range, ``STUDY_STEPS``), 2-D problem or network."""
    from optviz.app_state import STUDY_STEPS
    from optviz.settings import steps_param

    label = t("ui.run.steps", lang)
    return int(
        param_control(steps_param(STUDY_STEPS), f"{prefix}steps", lang, default=base.steps, label=label)
    )


def _shared_run_controls(
    prefix: str, lang: str, base: Any, problem: str, n: int | None
) -> tuple[str, dict[str, float], int | None, float, int]:
    """The run settings every problem has (schedule and its parameters, a minibatch when the problem
    has ``n`` data points, gradient noise, seed): ``(schedule, schedule_params, batch_size, grad_noise,
    seed)``, ``batch_size`` None for the full batch."""
    from optviz.settings import GRAD_NOISE, SEED, batch_param

    schedule = choice_select(
        f"{prefix}schedule", list(optviz.SCHEDULES), base.schedule, t("ui.run.schedule", lang),
        format_func=lambda k: tr(optviz.SCHEDULES[k].name, lang),
    )  # fmt: skip
    sdefaults = base.schedule_params if base.schedule == schedule else None
    schedule_params = params_controls(
        optviz.SCHEDULES[schedule].params, f"{prefix}schedule.{schedule}.", lang, defaults=sdefaults
    )
    batch_size = None
    if n is not None:
        size = int(
            param_control(
                batch_param(n), f"{prefix}batch.{problem}", lang, default=base.batch_size or n,
                label=t("ui.run.batch", lang),
            )
        )  # fmt: skip
        batch_size = None if size >= n else size
    grad_noise = float(
        param_control(GRAD_NOISE, f"{prefix}grad_noise", lang, typed=True, default=base.grad_noise)
    )
    seed = int(param_control(SEED, f"{prefix}seed", lang, typed=True, default=base.seed))
    return schedule, schedule_params, batch_size, grad_noise, seed


def _scene_settings_controls(prefix: str, lang: str, base: Any, scene_key: str) -> tuple[Any, dict[str, Any]]:
    """``run_settings_controls`` for a network scene: its controls, steps, schedule, minibatch, gradient
    noise and seed (no start point: a network starts from its seeded initial weights)."""
    from optviz.app_state import with_changes
    from optviz.nets.scenes import SCENES
    from optviz.network_state import data_points

    scene = SCENES[scene_key]
    st.caption(tr(scene.summary, lang))
    with st.expander(t("ui.run.problem_params", lang), expanded=True):
        values = scene_controls(scene, f"{prefix}scene.{scene_key}.", lang)
    steps = _steps_control(prefix, lang, base)
    with st.expander(t("ui.run.settings", lang)):
        schedule, schedule_params, batch_size, grad_noise, seed = _shared_run_controls(
            prefix, lang, base, scene_key, data_points(scene, values)
        )
    out = with_changes(
        base, problem=scene_key, problem_params={}, steps=steps, start=None, schedule=schedule,
        schedule_params=schedule_params, batch_size=batch_size, grad_noise=grad_noise, seed=seed, cursor=None,
    )  # fmt: skip
    return out, values
