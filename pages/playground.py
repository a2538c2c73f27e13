"""Playground: pick an optimizer, move its sliders, watch it train (five views on one step cursor).

The page only reads controls, calls optviz and shows figures. Its state lives in the controls'
stores (webui/ui.py); the URL is parsed once per session by optviz.app_state and rewritten on every
run, so a copied link reproduces the exact run.
"""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple

import streamlit as st

import optviz
from optviz import app_state as state
from optviz import settings
from optviz.explain import by_hand, diagnose
from optviz.export import standalone_html
from optviz.i18n import t, tr
from optviz.optimizers.modifiers import composite_key
from optviz.plots import data as data_view
from optviz.plots import internals, space
from optviz.plots.cursor import cursor_payload
from optviz.problems import FiniteSum
from optviz.spec import Param
from webui import ui
from webui.click import start_on_click
from webui.cursor import step_cursor, stored_step
from webui.livechart import live_chart
from webui.preview import first_screen_figures, preview_sliders, run_window, within_budget, yield_to_previews
from webui.shell import (
    LANG_KEY,
    PRESENT_KEY,
    app_params,
    current_language,
    page_guard,
    presenting,
    route_through_app,
)

P = "pg."
LOADED = "pg:loaded"
CLICKED = "pg:clicked"  # a click on the path chart set the start: the body's run is followed by the page's
WRITTEN = "pg:urls"  # the query parameters this page wrote on its latest runs (small strings)
WRITTEN_KEPT = 32
FIRST_SCREEN_LOG = "optviz.playground"  # where a first screen that differs from its page would be logged
STEPS_PARAM = settings.steps_param(state.DEFAULT_STEPS)
GRAD_NOISE_PARAM = settings.GRAD_NOISE
SEED_PARAM = settings.SEED

route_through_app()
lang = current_language()
present = presenting()


# --- configuration <-> controls -------------------------------------------------------------------
def load_url() -> list[state.ParseWarning]:
    """Set every control from the URL on a session's first run, or when the URL was changed from outside
    (a lesson or another page navigated here with new settings); return what had to be fixed.

    A URL this page wrote itself on a recent run is not "from outside": when keys are pressed faster
    than runs finish, a rerun can start while the address bar still shows an older run's values, and
    reading them back would undo the newer presses."""
    current = {k: v for k, v in ui.query_params().items() if state.is_managed_key(k)}
    if st.session_state.get(LOADED) and (not current or current in st.session_state.get(WRITTEN, [])):
        return []
    config, warnings = state.parse_playground(ui.query_params(), ignore=(LANG_KEY, PRESENT_KEY))
    ui.set_values(ui.playground_values(config, P))
    st.session_state[LOADED] = True
    return warnings


def remember_written(addresses: list[dict[str, list[str]]]) -> None:
    """Keep the addresses this run is about to write (newest first), so that load_url knows them."""
    earlier = [w for w in st.session_state.get(WRITTEN, []) if w not in addresses]
    st.session_state[WRITTEN] = [*reversed(addresses), *earlier][:WRITTEN_KEPT]


def reset() -> None:
    """Back to the seed's example (the reset button's callback)."""
    ui.clear_values(P)
    ui.set_values(ui.playground_values(state.default_config(), P))


def problem_label(key: str) -> str:
    if key in state.CUSTOM_PROBLEMS:
        return t(f"playground.problem.{key}", lang)
    return tr(optviz.PROBLEMS[key].name, lang)


def custom_query(kind: str) -> dict[str, str]:
    """The custom problem's inputs as URL parameters (for the share link)."""
    from webui.custom_problem import custom_query

    return custom_query(kind)


def custom_problem(kind: str) -> optviz.Problem | None:
    """The user's own problem from webui/custom_problem.py (imported lazily: it may not exist)."""
    try:
        from webui.custom_problem import custom_problem_controls
    except ImportError:
        st.info(t("playground.custom_missing", lang))
        return None
    return custom_problem_controls(kind, lang)


# --- sidebar: every control generated from the registries ----------------------------------------
# The sidebar's boxes: the hyperparameters are drawn by the page body, a fragment (``body``), so that a
# slider notch or a step-cursor stop reruns only the body; the optimizer and problem controls and the run
# settings (the start included) are drawn by the full run, after the body (a change to one of them reruns
# the page). Those other controls were about a fifth of a notch's server time (py-spy), and the browser
# redrew them on every notch. The start's two number entries were another tenth (``st.number_input``
# copies the whole session state): a click on the chart that sets the start reruns the body, which draws
# the new run at once, then the whole page, which shows the new start in them.
def optimizer_controls() -> tuple[str, tuple[str, ...], bool]:
    """The optimizer select, its modifiers and the typed-entry switch (values only in ``values_only``)."""
    draw = ui.drawing()
    if draw:
        st.header(t("playground.controls", lang))
    scene = ui.get_value(P + "problem", state.DEFAULT_PROBLEM)
    base_key = ui.optimizer_select(
        P + "opt", lang, default=state.DEFAULT_OPTIMIZER,
        after=lambda old, new: ui.carry_learning_rate(P, old, new, scene),
    )  # fmt: skip
    if draw:
        st.caption(tr(optviz.OPTIMIZERS[base_key].summary, lang))
        # modifiers wrap the chosen optimizer: the run's key is the chain ('lookahead-adam')
        st.markdown(t("playground.modifiers", lang), help=t("playground.modifiers_help", lang))
    modifiers = ui.modifier_toggles(P, lang)
    typed = ui.toggle(P + "typed", t("playground.typed", lang), help=t("playground.typed_help", lang))
    return base_key, modifiers, bool(typed)


def problem_section(base_key: str, typed: bool) -> tuple[str, dict[str, Any]]:
    """The problem select and its parameters (values only in ``values_only``)."""
    with ui.section(t("playground.problem_section", lang)):
        problem_key = ui.choice_select(
            P + "problem", state.problem_choices(), state.DEFAULT_PROBLEM, t("playground.problem", lang),
            format_func=problem_label,
            after=lambda old, new: ui.follow_scene_defaults(P + "hp.", base_key, old, new),
        )  # fmt: skip
        spec = optviz.PROBLEMS.get(problem_key)
        params = ui.params_controls(spec.params, f"{P}pp.{problem_key}.", lang, typed=typed) if spec else {}
    return problem_key, params


def problem_controls(hp_box: Any = None, known: ui.PlaygroundControls | None = None) -> ui.PlaygroundControls:
    """Every optimizer and problem control's value; the hyperparameters drawn into ``hp_box`` (values only
    without a box, and always for the boxes the full run draws). ``known``: those values, read before in
    this run (the first screen's pass), not read again."""
    if known is None:
        with ui.values_only():
            base_key, modifiers, typed = optimizer_controls()
            problem_key, problem_params = problem_section(base_key, typed)
    else:
        base_key, modifiers, typed = known.base_key, known.modifiers, known.typed
        problem_key, problem_params = known.problem_key, known.problem_params
    opt = optviz.OPTIMIZERS[composite_key(base_key, modifiers)]
    with ui.drawn_in(hp_box), ui.section(t("playground.hparams", lang, name=tr(opt.name, lang))):
        hparams = ui.hparam_controls(
            base_key, lang, P + "hp.", typed=typed, defaults=state.default_hparams(base_key, problem_key)
        )
        for key in modifiers:
            if ui.drawing():
                st.caption(tr(optviz.MODIFIERS[key].name, lang))
            hparams.update(ui.modifier_controls([key], lang, P + "hp.", typed=typed))
    return ui.PlaygroundControls(base_key, modifiers, typed, hparams, problem_key, problem_params)


#: The run section's three boxes.
RUN_GROUPS = ("steps", "start", "rest")


def settings_shape(problem: optviz.Problem | None) -> tuple[Any, ...] | None:
    """What the run settings drawn by the full run show of a problem (None: none drawn): whether it has a
    batch size, and of how many terms; its parameters' names and its own start."""
    if problem is None:
        return None
    start = tuple(float(v) for v in problem.start)
    return isinstance(problem, FiniteSum), getattr(problem, "n", None), tuple(problem.param_names), start


def follow_settings(built: dict[str, Any], problem: optviz.Problem | None) -> None:
    """Rerun the whole page when a rerun of the body alone built a problem the page's run settings do not
    show (a new CSV or formula of the custom problem, in the body): the full run redraws them for it."""
    if not built["full run"] and built.get("settings") != settings_shape(problem):
        st.rerun()


def run_controls(
    c: ui.PlaygroundControls, problem: optviz.Problem, boxes: dict[str, Any] | None = None
) -> state.PlaygroundConfig:
    """The run section's controls (steps; the start; schedule, batch, noise, seed), each group drawn into
    its box of ``boxes`` (``RUN_GROUPS``; values only for a group without one), and the configuration."""
    typed, boxes = c.typed, boxes or {}
    with ui.drawn_in(boxes.get("steps")):
        steps = ui.param_control(
            STEPS_PARAM, P + "steps", lang, typed=typed, label=t("playground.steps", lang)
        )
    with ui.drawn_in(boxes.get("start")):
        starts = []
        for i, name in enumerate(problem.param_names):
            default = float(min(max(problem.start[i], -state.START_LIMIT), state.START_LIMIT))
            param = Param(
                f"start_{name}", default, -state.START_LIMIT, state.START_LIMIT, "linear", "Start point."
            )
            starts.append(
                ui.param_control(param, f"{P}start.{c.problem_key}.{i}", lang, typed=True,
                                 label=t("playground.start", lang, name=name))
            )  # fmt: skip
    start = None if tuple(starts) == tuple(float(v) for v in problem.start) else (starts[0], starts[1])
    with ui.drawn_in(boxes.get("rest")):
        schedule = ui.choice_select(
            P + "schedule", list(optviz.SCHEDULES), "constant", t("playground.schedule", lang),
            format_func=lambda k: tr(optviz.SCHEDULES[k].name, lang),
            help=tr(optviz.SCHEDULES["constant"].summary, lang),
        )  # fmt: skip
        schedule_params = ui.params_controls(
            optviz.SCHEDULES[schedule].params, f"{P}sp.{schedule}.", lang, typed=typed
        )
        batch_size = None
        if isinstance(problem, FiniteSum):  # a sum of data points or terms
            n = problem.n
            chosen = ui.param_control(
                settings.batch_param(n), f"{P}batch.{c.problem_key}", lang, typed=typed,
                label=t("playground.batch", lang, n=n),
            )  # fmt: skip
            batch_size = None if chosen >= n else int(chosen)
        grad_noise = ui.param_control(
            GRAD_NOISE_PARAM, P + "grad_noise", lang, typed=typed, label=t("playground.grad_noise", lang)
        )
        seed = 0
        if batch_size is not None or grad_noise:
            seed = ui.param_control(
                SEED_PARAM, P + "seed", lang, typed=True, label=t("playground.seed", lang)
            )
    return state.PlaygroundConfig(
        optimizer=composite_key(c.base_key, c.modifiers), hparams=c.hparams, problem=c.problem_key,
        problem_params=c.problem_params, steps=int(steps), start=start, schedule=schedule,
        schedule_params=schedule_params, batch_size=batch_size, grad_noise=float(grad_noise), seed=int(seed),
    )  # fmt: skip


def run(config: state.PlaygroundConfig, problem: optviz.Problem, custom: bool) -> optviz.Trace:
    """The recorded run of ``config`` (shared between sessions). Raises ValueError on a bad run."""
    return ui.cached_run(
        config.optimizer, problem if custom else config.problem, config.problem_params,
        **state.run_kwargs(config),
    )  # fmt: skip


def first_screen(trace: optviz.Trace, cursor: int, window: Any, config: state.PlaygroundConfig) -> None:
    """The sentence saying what the student is looking at and the two main charts, side by side on a wide
    screen and on a projector (Streamlit stacks the columns on a phone)."""
    opt = optviz.OPTIMIZERS[config.optimizer]
    st.caption(
        t("playground.looking_at", lang, optimizer=tr(opt.name, lang), problem=problem_label(config.problem))
    )  # fmt: skip
    left, right = st.columns(2)
    space_fig, loss_fig, space_config = ui.of_run(first_screen_figures, trace, cursor, window, present, lang)
    with left:
        live_chart(space_fig, key="pg.chart.space", config=space_config)
    with right:
        live_chart(loss_fig, key="pg.chart.loss", config=ui.CHART_CONFIG)


def early_first_screen() -> tuple[ui.PlaygroundControls, state.PlaygroundConfig, int] | None:
    """Draw the first screen before the sidebar, from the controls' stored values, and return what it
    showed (None when it could not: a custom problem's controls, a bad problem or run).

    Streamlit's browser draws a rerun's elements in batches as they arrive, and the sidebar's ~30 widgets
    made the path chart wait for them (25-55 ms of a slider notch, 75 ms of an optimizer switch, measured
    with benchmarks/bench_browser.py)."""
    with ui.values_only():
        c = problem_controls()
        spec = optviz.PROBLEMS.get(c.problem_key)
        if spec is None:
            return None
        try:
            problem = ui.cached_problem(c.problem_key, c.problem_params)
            config, _ = within_budget(run_controls(c, problem), problem)
            trace = run(config, problem, custom=False)
        except ValueError:
            return None  # said where the page draws it
        cursor = step_cursor_value(trace)
    first_screen(trace, cursor, ui.of_run(run_window, trace, problem)[0], config)
    return c, config, cursor


def preview_controls(c: ui.PlaygroundControls, spec: Any) -> dict[str, tuple[str, Any]]:
    """The sliders whose move the preview draws: widget key -> (link parameter, ``ui.slider_spec``); the
    optimizer's and its modifiers' hyperparameters and the problem's parameters."""
    keys = ui.hparam_keys(c.base_key, P + "hp.")
    params = [(keys[p.name], p.name, p) for p in optviz.OPTIMIZERS[c.base_key].hparams]
    for key in c.modifiers:
        m = optviz.MODIFIERS[key]
        params += [(f"{P}hp.{m.hparam(p.name)}", m.hparam(p.name), p) for p in m.hparams]
    params += [(f"{P}pp.{c.problem_key}.{p.name}", f"problem.{p.name}", p) for p in spec.params]
    return {key: (name, ui.slider_spec(param, key)) for key, name, param in params}


def kept_hparams(problem_key: str) -> dict[str, dict[str, float]]:
    """For each optimizer, the hyperparameters this page keeps at something other than their defaults
    for ``problem_key`` (what a switch to it shows: ``webui.preview.switched_query``)."""
    held, out = ui.stores(), {}
    for key in state.optimizers_by_family():  # the select's options (its toggles add the modifiers)
        keys = ui.hparam_keys(key, P + "hp.")
        for name, default in state.default_hparams(key, problem_key).items():
            value = held.get(keys[name])
            if isinstance(value, (int, float)) and not isinstance(value, bool) and value != default:
                out.setdefault(key, {})[name] = value
    return out


def step_cursor_value(trace: optviz.Trace) -> int:
    """The step the cursor stands on (the last step unless the person moved it)."""
    return trace.k if trace.k < 1 else stored_step(P + "cursor", trace.k)


class Shown(NamedTuple):
    """The run the page shows, as its body built it (what the exports write)."""

    trace: optviz.Trace
    config: state.PlaygroundConfig
    url: str


def exports(built: dict[str, Any]) -> None:
    """The CSV, JSON and HTML downloads of the run shown. Drawn by the full run (three buttons are a
    tenth of a notch's server time): each file is written when it is asked for, from ``built["shown"]``,
    which every run of the body sets, so it is the run on the screen, however many notches ago the
    buttons were drawn. ``body`` reruns the page when a run of its own fails, so they go with it."""
    shown: Shown = built["shown"]
    export = st.container(horizontal=True)  # one element, not four
    stem = f"optviz-{shown.config.optimizer}-{shown.config.problem}"

    def now() -> Shown:  # (a file asked for while the body reruns gets the run shown until then)
        return built.get("shown", shown)

    def as_json() -> str:
        s = now()
        return json.dumps({"playground": s.config.to_dict(), "run": s.trace.config(), "url": s.url}, indent=2)

    def as_html() -> str:
        s = now()
        name = optviz.OPTIMIZERS[s.config.optimizer].name
        return standalone_html(space.path_figure(s.trace, lang=lang), title=f"optviz: {name}")

    export.download_button(
        t("playground.csv", lang), data=lambda: now().trace.to_csv(), file_name=f"{stem}.csv",
        mime="text/csv", key="pg.dl.csv", on_click="ignore",
    )  # fmt: skip
    export.download_button(
        t("playground.json", lang), data=as_json, file_name=f"{stem}.json", mime="application/json",
        key="pg.dl.json", on_click="ignore",
    )  # fmt: skip
    export.download_button(
        t("playground.html", lang), data=as_html, file_name=f"{stem}.html", mime="text/html",
        key="pg.dl.html", on_click="ignore",
    )  # fmt: skip
    st.caption(t("playground.png_hint", lang))


def slider_preview(built: dict[str, Any]) -> None:
    """The sliders' preview: drawn by the full run, it reads the page's link from the address bar when a
    slider moves (drawn by the body, it was a component and 12 KB of data on every notch)."""
    c: ui.PlaygroundControls = built["controls"]
    spec = optviz.PROBLEMS.get(c.problem_key)
    # a slider's move or a switch redraws the first screen at once (webui/preview.py)
    if spec is not None and not c.typed:
        preview_sliders(
            P + "preview", app_params(), preview_controls(c, spec),
            switch=(P + "opt", ui.optimizer_labels(lang), kept_hparams(c.problem_key)),
        )  # fmt: skip


@st.fragment
def body(hp_box: Any, built: dict[str, Any]) -> None:
    """Everything a hyperparameter or the step cursor changes: the main page and the sidebar's
    hyperparameter box. A fragment: a change inside it reruns only it. Puts what it built in ``built``:
    the problem it ran on (the page's run settings need it) and the run it shows (the exports)."""
    before = built.get("shown")  # a run of the body that shows a run sets a new one
    with page_guard():
        page(hp_box, built)
    clicked = st.session_state.pop(CLICKED, False)
    if built["full run"]:
        return
    if before is not None and built.get("shown") is before:
        del built["shown"]
        st.rerun()  # no run shown now: the full run draws no exports for it
    if clicked:
        st.rerun()  # the new run is drawn; the start's entries, drawn by the full run, follow


def page(hp_box: Any, built: dict[str, Any]) -> None:
    """The page body (``body``)."""
    yield_to_previews()  # the browser is waiting for the preview of this very change, if any
    early = early_first_screen()
    if early is not None:
        ui.head_start()  # the path and loss charts are drawn before the rest arrives

    c = problem_controls(hp_box, known=None if early is None else early[0])
    base_key, modifiers, typed = c.base_key, c.modifiers, c.typed
    problem_key, problem_params = c.problem_key, c.problem_params
    spec = optviz.PROBLEMS.get(problem_key)
    opt_key = composite_key(base_key, modifiers)
    opt = optviz.OPTIMIZERS[opt_key]
    if spec is None:
        with st.expander(t("playground.custom_section", lang), expanded=True):
            problem = custom_problem(state.CUSTOM_PROBLEMS[problem_key])
        if problem is None:
            follow_settings(built, None)
            st.info(t("playground.custom_waiting", lang))
            return
    else:
        try:
            problem = ui.cached_problem(problem_key, problem_params)
        except ValueError as error:
            st.error(t("playground.bad_problem", lang, error=ui.plain(error)))
            return

    built.update(problem=problem, controls=c)
    follow_settings(built, problem)
    regression = isinstance(problem, optviz.LinearRegression)
    config, over = within_budget(run_controls(c, problem), problem)
    if over is not None:  # no view may cost more than optviz.budget allows
        st.warning(t("state.warn.over_budget", lang, **over.fields))  # numbers only
    try:
        trace = run(config, problem, custom=spec is None)
    except ValueError as error:
        st.error(t("playground.bad_run", lang, error=ui.plain(error)))
        return
    k = trace.k
    cursor = k
    window, shifted = ui.of_run(run_window, trace, problem)
    # the first screen comes before the step cursor (and the numbers); drawn above unless it could not be
    first_box = st.container() if early is None else None
    if k >= 1:
        # scrubbed and played in the browser (marks drawn over the charts); the step comes back when the person stops
        stored = step_cursor(
            P + "cursor", ui.of_run(cursor_payload, trace),
            {"space": "pg.chart.space", "loss": "pg.chart.loss", "data": "pg.chart.data", "internals": "pg.chart.internals"},
            lang, presentation=present,
        )  # fmt: skip
        cursor = k if stored is None else min(int(stored), k)
    if first_box is not None:
        with first_box:
            first_screen(trace, cursor, window, config)
    elif early[1:] != (config, cursor):  # the same stores read twice: never, unless a control reads otherwise
        logging.getLogger(FIRST_SCREEN_LOG).log(
            logging.ERROR, "first screen drawn from %s, page from %s", early[1:], (config, cursor)
        )
    config = state.with_changes(
        config,
        cursor=None if cursor >= k else cursor,
        typed=bool(typed),
        coord=int(ui.get_value(P + "by_hand_coord", 0) or 0),
    )
    url = state.playground_url(config)
    encoded = state.encode_playground(config)
    ui.sync_query_params(encoded, state.is_managed_key, remember=remember_written)
    # --- summary and explanations ---------------------------------------------------------------------
    # one row of four (a horizontal container is one element: four columns were five, and every element
    # costs the server and the browser on every rerun); it wraps on a phone
    numbers = st.container(horizontal=True)
    numbers.metric(t("playground.metric_loss", lang, step=k), f"{trace.final_loss:.4g}")
    numbers.metric(t("playground.metric_steps", lang), f"{k} / {trace.steps}")
    distance = trace.optimum_distance
    numbers.metric(t("playground.metric_distance", lang), "—" if distance is None else f"{distance:.3g}")
    status = (
        t("playground.status_diverged", lang, step=trace.diverged_at) if trace.diverged_at is not None
        else t("playground.status_converged", lang, step=trace.converged_at) if trace.converged_at is not None
        else t("playground.status_running", lang)
    )  # fmt: skip
    numbers.metric(t("playground.metric_status", lang), status)
    for finding in ui.of_run(diagnose, trace):
        show = {"error": st.error, "warning": st.warning, "success": st.success}.get(finding.level, st.info)
        show(t(f"explain.{finding.code}", lang, **finding.fields))

    # --- the five views -------------------------------------------------------------------------------
    if shifted:
        st.caption(t("playground.shift_note", lang))
    show_surface = ui.toggle(P + "surface", t("playground.surface", lang))
    if show_surface:
        ui.chart(
            ui.of_run(space.surface_figure, trace, cursor, window=window, presentation=present, lang=lang),
            key="pg.chart.surface", config=ui.CHART_CONFIG,
        )  # fmt: skip

    # The data view sits beside the update rule; the worked step gets the full width (its lines are long).
    data_col, rule_col = st.columns(2) if regression and not present else (st.container(), st.container())
    if regression:
        with data_col:
            true_line = (problem_params["w_true"], problem_params["b_true"]) if spec else None
            live_chart(
                ui.of_run(data_view.data_figure, trace, cursor, true_line=true_line, presentation=present, lang=lang),
                key="pg.chart.data", config=ui.CHART_CONFIG,
            )  # fmt: skip

    with rule_col:  # heading and rule in one element (each element costs the server about 0.2 ms a run)
        st.markdown(f"### {t('playground.by_hand', lang)}\n\n{ui.display_math(opt.latex)}")
    if k >= 1:
        step = max(cursor, 1)
        if cursor == 0:
            st.caption(t("playground.by_hand_step0", lang))
        working = ui.of_run(by_hand, trace, step)
        st.caption(t("playground.by_hand_caption", lang, step=step))
        # One coordinate at a time: typesetting both doubled the redraw time after a slider change.
        names = problem.param_names
        coord = ui.bound(
            st.segmented_control, P + "by_hand_coord", 0, valid=lambda v: v in (0, 1),
            coerce=lambda v: 0 if v is None else int(v),
            label=t("playground.coordinate_pick", lang), options=[0, 1], format_func=names.__getitem__,
        )  # fmt: skip
        st.markdown(
            f"{t('playground.coordinate', lang, name=names[coord])}\n\n{ui.display_math(working.latex(coord))}"
        )
    else:
        st.info(t("playground.no_steps", lang))

    if k >= 1:
        live_chart(ui.of_run(internals.internals_figure, trace, cursor, presentation=present, lang=lang),
                   key="pg.chart.internals", config=ui.CHART_CONFIG)  # fmt: skip

    # --- share and export -----------------------------------------------------------------------------
    st.subheader(t("playground.share", lang))
    ui.share_link(url, lang, custom_query(state.CUSTOM_PROBLEMS[problem_key]) if spec is None else None)
    start_on_click(
        P + "click", "pg.chart.space", window, [f"{P}start.{problem_key}.{i}" for i in (0, 1)],
        then=lambda: st.session_state.update({CLICKED: True}),
    )  # fmt: skip
    built["shown"] = Shown(trace, config, url)


warnings = load_url()
st.title(t("playground.title", lang))
ui.show_warnings(warnings, lang)
with st.sidebar:  # filled in this order; the body's boxes by the fragment, the others after it
    opt_box, hp_box, problem_box = (st.container() for _ in range(3))
    with ui.section(t("playground.run_section", lang)):
        run_boxes = {group: st.container() for group in RUN_GROUPS}
# what the body built (its problem, the controls it read, the run shown); the body's own reruns see this dict too
built: dict[str, Any] = {"full run": True}
body(hp_box, built)
if "shown" in built:
    exports(built)
    slider_preview(built)
with opt_box:
    base_key, _, typed = optimizer_controls()
with problem_box:
    problem_section(base_key, typed)
if "problem" in built:  # (none when the body could not build it: it says why)
    run_controls(built["controls"], built["problem"], run_boxes)
st.sidebar.button(t("playground.reset", lang), key=P + "reset", on_click=reset, width="stretch")
built.update({"full run": False, "settings": settings_shape(built.get("problem"))})
