"""Networks: 1-3 optimizers train a real little network from the same weights on the same minibatches;
the loss slice through their paths (and its honest caveat), the decision boundary over training,
train/test curves, per-block norms and, for the matrix problem, singular values, on one step cursor.

The page reads controls, calls optviz and shows figures; its state lives in the URL
(``optviz.network_state``) and the scenes come from ``optviz.nets.scenes.SCENES``.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlencode

import streamlit as st

import optviz
from optviz.app_state import optimizers_by_family
from optviz.export import standalone_html
from optviz.i18n import t, tr
from optviz.layout import Plane
from optviz.nets.scenes import MAX_NET_OPTIMIZERS, SCENES, train
from optviz.network_state import (
    DEFAULT_SCENE,
    PLANES,
    STEPS_PARAM,
    NetworkConfig,
    budget_net_steps,
    data_points,
    encode_networks,
    is_networks_key,
    parse_networks,
    scene_problem,
)
from optviz.plots import networks as views
from optviz.plots.cursor import paths_payload
from optviz.plots.style import SpecFigure
from optviz.settings import SEED, RunSettings, batch_param
from webui import ui
from webui.cursor import step_cursor
from webui.livechart import live_chart
from webui.shell import current_language, presenting, route_through_app

P = "net."  # prefix of every control key on this page
LOADED = "net:loaded"
CACHE_ENTRIES = 8

route_through_app()
lang = current_language()
present = presenting()


@st.cache_resource(max_entries=CACHE_ENTRIES, show_spinner=False)
def _runs(key: tuple) -> dict:
    """The traces of ``NetworkConfig.key()`` (shared, never changed: a cursor move reuses them)."""
    scene, values, rates, steps, batch_size, seed = key
    problem = scene_problem(scene, dict(values))
    setups = {opt: {**optviz.OPTIMIZERS[opt].defaults, "learning_rate": lr} for opt, lr in rates}
    return train(problem, setups, RunSettings(steps, batch_size=batch_size, seed=seed))


@st.cache_resource(max_entries=CACHE_ENTRIES, show_spinner=False)
def _landscape(key: tuple, plane: str, lang: str) -> views.Landscape:
    traces = _runs(key)
    problem = next(iter(traces.values())).problem
    flat = views.pca_plane(traces, lang) if plane == "pca" else views.filter_plane(problem, traces, lang)
    return views.landscape(traces, flat)


def landscape_view(
    traces: dict, key: tuple, plane: str, cursor: int, presentation: bool, language: str
) -> SpecFigure:
    """The loss slice with every path, built once per runs, plane and cursor (ui.of_run): a rerun that
    changes none of them (another chart's control, a classmate on the same link) reuses it."""
    fig = views.landscape_figure(
        traces, _landscape(key, plane, language), cursor, presentation=presentation, lang=language
    )
    if presentation:  # the slice and its caveat side by side above the fold of a 1280 x 720 projector
        ui.fit_height(fig, ui.PRESENT_FIRST_SCREEN_HEIGHT, legend_above=True)
    return ui.frozen_figure(fig)


def caveat_view(traces: dict, plane: Plane, cursor: int, presentation: bool, language: str) -> SpecFigure:
    """The caveat beside the slice, built once per runs, plane and cursor (ui.of_run). On a projector it
    fits the first screen without its legend: the slice's legend names the colours and the caption
    under both says what the dashed lines are."""
    fig = views.caveat_figure(traces, plane, cursor, presentation=presentation, lang=language)
    if presentation:
        ui.fit_height(fig, ui.PRESENT_FIRST_SCREEN_HEIGHT)
    return ui.frozen_figure(fig)


def _control_values(config: NetworkConfig) -> dict:
    """The controls' values that show ``config`` (read from the URL on a session's first visit)."""
    s = config.scene
    values = {f"{P}scene": s, f"{P}opts": list(config.optimizers), f"{P}steps": config.steps}
    values.update(ui.scene_control_values(f"{P}scene.{s}.", config.scene_values))
    values.update({f"{P}lr.{s}.{k}": lr for k, lr in config.learning_rates.items()})
    n = data_points(SCENES[s], config.scene_values)
    values.update({f"{P}batch.{s}": config.batch_size or n, f"{P}seed": config.seed})
    values.update({f"{P}plane": config.plane, f"{P}focus": config.focus, f"{P}cursor": config.cursor})
    return values


warnings = ui.load_url_once(LOADED, parse_networks, _control_values)
st.title(t("net.title", lang))
st.caption(t("net.caption", lang))
ui.show_warnings(warnings, lang)

# --- controls, every one generated from the scene registry -----------------------------------------
with st.sidebar:
    st.header(t("net.controls", lang))
    scene_key = ui.choice_select(
        f"{P}scene", list(SCENES), DEFAULT_SCENE, t("net.scene", lang),
        format_func=lambda k: tr(SCENES[k].name, lang),
    )  # fmt: skip
    scene = SCENES[scene_key]
    st.caption(tr(scene.summary, lang))
    values = ui.scene_controls(scene, f"{P}scene.{scene_key}.", lang)
    chosen = ui.bound(
        st.multiselect, f"{P}opts", list(scene.default_optimizers),
        valid=lambda v: isinstance(v, list) and len(v) <= MAX_NET_OPTIMIZERS and all(k in optviz.OPTIMIZERS for k in v),
        label=t("net.optimizers", lang), options=optimizers_by_family(), max_selections=MAX_NET_OPTIMIZERS,
        format_func=lambda k: ui.optimizer_label(k, lang), help=t("net.optimizers_help", lang), coerce=list,
    )  # fmt: skip
    rates = {}
    for key in chosen:
        rates[key] = float(
            ui.param_control(
                optviz.OPTIMIZERS[key].param("learning_rate"), f"{P}lr.{scene_key}.{key}", lang,
                default=scene.default_hparams(key)["learning_rate"],
                label=t("net.lr", lang, name=tr(optviz.OPTIMIZERS[key].name, lang)),
            )
        )  # fmt: skip
    steps = int(ui.param_control(STEPS_PARAM, f"{P}steps", lang, label=t("net.steps", lang)))
    n = data_points(scene, values)
    batch_size, seed = None, 0
    if n is not None:
        size = int(
            ui.param_control(batch_param(n), f"{P}batch.{scene_key}", lang, label=t("net.batch", lang, n=n))
        )
        batch_size = None if size >= n else size
    if batch_size is not None:
        seed = int(ui.param_control(SEED, f"{P}seed", lang, typed=True, label=t("net.seed", lang)))
    focus = chosen[-1] if chosen else ""
    if len(chosen) > 1:
        focus = ui.choice_select(
            f"{P}focus", chosen, chosen[-1], t("net.focus", lang),
            format_func=lambda key: tr(optviz.OPTIMIZERS[key].name, lang),
        )  # fmt: skip
    plane = ui.bound(
        st.segmented_control, f"{P}plane", "pca", valid=lambda v: v in PLANES,
        coerce=lambda v: "pca" if v is None else v, label=t("net.plane", lang), options=list(PLANES),
        format_func=lambda v: t(f"net.plane.{v}", lang), help=t("net.plane_help", lang),
    )  # fmt: skip

if not chosen:
    st.info(t("net.too_few", lang))
    st.stop()

config = NetworkConfig(
    scene=scene_key, scene_values=values, optimizers=tuple(chosen), learning_rates=rates, steps=steps,
    batch_size=batch_size, seed=seed, plane=plane, focus=focus,
)  # fmt: skip
allowed, over = budget_net_steps(config)  # no view may cost more than optviz.budget allows
if over is not None:
    st.warning(t("state.warn.over_budget", lang, **over.fields))  # numbers only
    config = dataclasses.replace(config, steps=allowed)
try:
    traces = _runs(config.key())
except ValueError as error:
    st.error(t("net.bad_run", lang, error=ui.plain(error)))
    st.stop()
problem = next(iter(traces.values())).problem

# --- the step cursor and the URL ---------------------------------------------------------------------
# The first screen shows the picture: the slice and its caveat come before the cursor (drawn into this
# box once the cursor is known).
first_screen = st.container()
k = max(tr_.k for tr_ in traces.values())
cursor = k
slice_view = _landscape(config.key(), config.plane, lang)
if k >= 1:
    # scrubbed and played in the browser (a star on every path, a line on every chart over the steps);
    # the decision boundary and the singular values follow when the person stops
    stored = step_cursor(
        f"{P}cursor", ui.of_run(paths_payload, traces, slice_view.plane),
        {"paths": f"{P}chart.landscape", "steps": [f"{P}chart.caveat", f"{P}chart.curves", f"{P}chart.layers"]},
        lang, presentation=present, label_key="net.cursor", help_key="net.cursor_help",
    )  # fmt: skip
    cursor = k if stored is None else min(int(stored), k)
config = dataclasses.replace(config, cursor=None if cursor >= k else cursor)
encoded = encode_networks(config)
ui.sync_query_params(encoded, is_networks_key)

# --- views -------------------------------------------------------------------------------------------
with first_screen:
    left, right = st.columns(2)
    with left:
        live_chart(
            ui.of_run(landscape_view, traces, config.key(), config.plane, cursor, present, lang),
            key=f"{P}chart.landscape", config=ui.CHART_CONFIG,
        )  # fmt: skip
    with right:
        live_chart(
            ui.of_run(caveat_view, traces, slice_view.plane, cursor, present, lang),
            key=f"{P}chart.caveat", config=ui.CHART_CONFIG,
        )  # fmt: skip
    st.caption(t("net.caveat_note", lang, dim=problem.dim))

left, right = st.columns(2)
with left:
    if scene.kind == "classifier":
        boundary = ui.shared_figure(
            views.boundary_figure, traces[focus], cursor, presentation=present, lang=lang
        )
        live_chart(boundary, key=f"{P}chart.boundary", config=ui.chart_config(boundary))
    elif scene.kind == "matrix":
        live_chart(
            ui.shared_figure(views.singular_values_figure, traces, cursor, presentation=present, lang=lang),
            key=f"{P}chart.sv", config=ui.CHART_CONFIG,
        )  # fmt: skip
with right if scene.kind != "regression" else left:
    live_chart(
        ui.shared_figure(views.curves_figure, traces, cursor, presentation=present, lang=lang),
        key=f"{P}chart.curves", config=ui.CHART_CONFIG,
    )  # fmt: skip
live_chart(
    ui.shared_figure(views.layers_figure, traces[focus], cursor, presentation=present, lang=lang),
    key=f"{P}chart.layers", config=ui.CHART_CONFIG,
)  # fmt: skip

cols = st.columns(1 + len(chosen))
cols[0].metric(t("net.metric.params", lang), f"{problem.dim}")
for col, (key, trace) in zip(cols[1:], traces.items()):
    name = tr(optviz.OPTIMIZERS[key].name, lang)
    shown = f"{trace.final_loss:.4g}"
    if trace.diverged_at is not None:
        shown = t("net.metric.diverged", lang, step=trace.diverged_at)
    col.metric(t("net.metric.loss", lang, name=name), shown)

downloads = st.columns(2)
focus_name = tr(optviz.OPTIMIZERS[focus].name, lang)
downloads[0].download_button(
    t("net.csv", lang, name=focus_name), data=traces[focus].to_csv, file_name=f"optviz-{scene_key}-{focus}.csv",
    mime="text/csv", key=f"{P}dl.csv", on_click="ignore",
)  # fmt: skip
if scene.kind == "classifier":  # built only when clicked: plotly.js inlined is ~5 MB
    downloads[1].download_button(
        t("net.html_boundary", lang),
        data=lambda: standalone_html(views.boundary_figure(traces[focus], lang=lang), title="optviz: networks"),
        file_name=f"optviz-{scene_key}-boundary.html", mime="text/html", key=f"{P}dl.html", on_click="ignore",
    )  # fmt: skip
else:
    downloads[1].download_button(
        t("net.html_landscape", lang),
        data=lambda: standalone_html(views.landscape_figure(traces, slice_view, lang=lang), title="optviz: networks"),
        file_name=f"optviz-{scene_key}-slice.html", mime="text/html", key=f"{P}dl.html", on_click="ignore",
    )  # fmt: skip
ui.share_link("/networks?" + urlencode(encoded, safe=","), lang)
