"""Sweep page: a heatmap of one optimizer over two of its hyperparameters (click a cell to open it in
the Playground) and learning-rate sensitivity curves of several optimizers. The whole state lives in
the URL (``optviz.app_state.encode_sweep``)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import streamlit as st

import optviz
from optviz.app_state import (
    MAX_RESOLUTION,
    SENSITIVITY_DEFAULTS,
    STUDY_STEPS,
    SWEEP_METRICS,
    SweepConfig,
    budget_steps,
    cell_config,
    default_axes,
    default_config,
    default_hparams,
    default_range,
    encode_sweep,
    is_sweep_key,
    optimizers_by_family,
    parse_sweep,
    playground_url,
    sweep_load,
    with_changes,
)
from optviz.compare import MAX_OPTIMIZERS, SCAN_POINTS, learning_rate_scan
from optviz.i18n import t
from optviz.optimizers.modifiers import composite_key, split_key
from optviz.plots.sweep import axis_values, best_cell, cell_from_selection, heatmap_figure, sensitivity_figure
from webui import ui
from webui.memo import memo
from webui.shell import current_language, presenting, route_through_app

P = "swp."  # prefix of every control key on this page
LOADED = "swp:loaded"
CACHE_ENTRIES = 16
PROGRESS_AFTER = 0.3  # seconds: quicker sweeps never flash a progress bar
BEST_LINKS = 5

route_through_app()
lang = current_language()
present = presenting()


# Not st.cache_data: it would replay the progress bar drawn on a miss (into a slot made outside the
# function) on every hit, which fails; webui.memo caches only the result.
@memo(CACHE_ENTRIES)
def _sweep(
    optimizer: str, fixed: tuple, x: tuple, y: tuple, args: tuple, progress=None
) -> optviz.SweepResult:
    """The 2-D sweep; ``x``/``y`` are (name, low, high, n). ``progress`` is not part of the cache key."""
    opt = optviz.OPTIMIZERS[optimizer]
    grid = {name: axis_values(opt.param(name), lo, hi, n) for name, lo, hi, n in (x, y)}
    problem = ui.cached_problem(args[0], dict(args[1]))
    return optviz.sweep(
        optimizer, problem, grid=grid, hparams=dict(fixed), progress=progress, **ui.run_kwargs(args)
    )


@st.cache_data(max_entries=4 * CACHE_ENTRIES, show_spinner=False)
def _scan(optimizer: str, args: tuple):
    problem = ui.cached_problem(args[0], dict(args[1]))
    return learning_rate_scan(optimizer, problem, hparams=default_hparams(optimizer), **ui.run_kwargs(args))


class _Progress:
    """A progress callback that shows a bar only once a sweep has run for ``PROGRESS_AFTER`` seconds."""

    def __init__(self, slot, text: str) -> None:
        self.slot, self.text, self.bar, self.t0 = slot, text, None, time.perf_counter()

    def __call__(self, fraction: float) -> None:
        if self.bar is None and time.perf_counter() - self.t0 > PROGRESS_AFTER:
            self.bar = self.slot.progress(0.0, text=self.text)
        if self.bar is not None:
            self.bar.progress(min(max(fraction, 0.0), 1.0), text=self.text)


def _range_keys(optimizer: str, name: str) -> tuple[str, str]:
    return f"{P}range.{optimizer}.{name}.lo", f"{P}range.{optimizer}.{name}.hi"


def _control_values(config: SweepConfig) -> dict:
    """The controls' values that show ``config`` (read from the URL on a session's first visit)."""
    base = config.base
    opt = base.optimizer
    modifiers, optimizer = split_key(opt)  # 'sam-adam': Adam with SAM on
    values = {f"{P}opt": optimizer, f"{P}x.{opt}": config.x, f"{P}y.{opt}": config.y}
    values.update({f"{P}mod.{m}": m in modifiers for m in optviz.MODIFIERS})
    own = ui.hparam_keys(optimizer, P)
    values.update({own.get(name, f"{P}{name}"): v for name, v in base.hparams.items()})
    for name, (lo, hi) in ((config.x, config.x_range), (config.y, config.y_range)):
        klo, khi = _range_keys(opt, name)
        values.update({klo: lo, khi: hi})
    values.update(
        {f"{P}res": config.resolution, f"{P}metric": config.metric, f"{P}sens": list(config.sensitivity)}
    )
    values.update(ui.run_settings_values(P, base))
    return values


warnings = ui.load_url_once(LOADED, parse_sweep, _control_values)
st.title(t("nav.sweep", lang))
st.caption(t("sweep.caption", lang))
ui.show_warnings(warnings, lang)

# --- controls --------------------------------------------------------------------------------------
with st.sidebar:
    base_key = ui.optimizer_select(f"{P}opt", lang, default="adam")
    st.markdown(t("playground.modifiers", lang), help=t("playground.modifiers_help", lang))
    optimizer = composite_key(base_key, ui.modifier_toggles(P, lang))  # 'sam-adam' sweeps sam.rho too
    opt = optviz.OPTIMIZERS[optimizer]
    names = list(opt.hparam_names)
    dx, dy = default_axes(optimizer)
    x = ui.choice_select(f"{P}x.{optimizer}", names, dx, t("sweep.x", lang))
    y = ui.choice_select(f"{P}y.{optimizer}", names, dy if dy != x else dx, t("sweep.y", lang))
    ranges = {}
    for name in dict.fromkeys((x, y)):
        param, (lo0, hi0) = opt.param(name), default_range(optimizer, name)
        klo, khi = _range_keys(optimizer, name)
        cols = st.columns(2)
        with cols[0]:
            lo = ui.param_control(param, klo, lang, default=lo0, label=t("sweep.from", lang, name=name))
        with cols[1]:
            hi = ui.param_control(param, khi, lang, default=hi0, label=t("sweep.to", lang, name=name))
        ranges[name] = (float(lo), float(hi))
    resolution = ui.bound(
        st.slider, f"{P}res", 30, valid=lambda v: isinstance(v, int) and 2 <= v <= MAX_RESOLUTION,
        label=t("sweep.resolution", lang), min_value=2, max_value=MAX_RESOLUTION, step=1,
        help=t("sweep.resolution_help", lang), coerce=int,
    )  # fmt: skip
    metric = ui.bound(
        st.radio, f"{P}metric", SWEEP_METRICS[0], valid=lambda v: v in SWEEP_METRICS,
        label=t("sweep.metric", lang), options=list(SWEEP_METRICS),
        format_func=lambda m: t(f"sweep.metric.{m}", lang), horizontal=True,
    )  # fmt: skip
    with st.expander(t("sweep.fixed", lang)):
        st.caption(t("sweep.fixed_help", lang))
        hparams = ui.hparam_controls(base_key, lang, P, defaults=default_hparams(base_key))
        hparams.update(ui.modifier_controls(split_key(optimizer)[0], lang, P))
    base = ui.run_settings_controls(P, lang, default_config(optimizer, steps=STUDY_STEPS))
    sensitivity = ui.bound(
        st.multiselect, f"{P}sens", list(SENSITIVITY_DEFAULTS),
        valid=lambda v: isinstance(v, list) and set(v) <= set(optviz.OPTIMIZERS),
        label=t("sweep.sensitivity_optimizers", lang), options=optimizers_by_family(),
        format_func=lambda k: ui.optimizer_label(k, lang), max_selections=MAX_OPTIMIZERS, coerce=list,
    )  # fmt: skip

base = with_changes(base, optimizer=optimizer, hparams=hparams)
config = SweepConfig(
    base=base, x=x, y=y, x_range=ranges[x], y_range=ranges[y], resolution=int(resolution),
    metric=metric, sensitivity=tuple(sensitivity),
)  # fmt: skip
encoded = encode_sweep(config)
ui.sync_query_params(encoded, is_sweep_key)
ui.share_link("/sweep?" + urlencode(encoded, safe=","), lang)

# --- heatmap -----------------------------------------------------------------------------------------
steps, over = budget_steps(base.steps, base.problem_params.get("n"), base.batch_size,
                           sweep_load(int(resolution), sensitivity), optimizers=[base.optimizer])  # fmt: skip
if over is not None:  # the grid and the sensitivity scans together stay within optviz.budget
    st.warning(t("state.warn.over_budget", lang, **over.fields))  # numbers only
    base = with_changes(base, steps=steps)
args = ui.run_args(base)
if x == y:
    st.warning(t("sweep.same_axis", lang))
else:
    fixed = tuple((k, float(v)) for k, v in sorted(hparams.items()) if k not in (x, y))
    slot = st.empty()
    cells = int(resolution) ** 2
    progress = _Progress(slot, t("sweep.progress", lang, cells=f"{cells:,}", steps=base.steps))
    try:
        result = _sweep(
            optimizer,
            fixed,
            (x, *ranges[x], int(resolution)),
            (y, *ranges[y], int(resolution)),
            args,
            progress=progress,
        )
    except ValueError as err:
        result = None
        st.error(t("sweep.error", lang, message=ui.plain(err)))
    slot.empty()
    if result is not None:
        st.caption(
            t(
                "sweep.summary", lang, cells=f"{result.final_loss.size:,}", diverged=int(result.diverged.sum()),
                converged=int((result.steps_to_converge >= 0).sum()), steps=result.steps,
            )
        )  # fmt: skip
        event = st.plotly_chart(
            heatmap_figure(result, metric, presentation=present, lang=lang),
            key=f"{P}heatmap", config=ui.CHART_CONFIG, on_select="rerun", selection_mode="points",
        )  # fmt: skip
        st.caption(t("sweep.click_hint", lang))
        cell = cell_from_selection(event.selection if event else None, result.shape)
        if cell is not None:
            values = result.config(cell)
            shown = ", ".join(f"{n} = {ui.format_value(values[n])}" for n in (x, y))
            st.markdown(t("sweep.clicked", lang, values=shown))
            st.link_button(
                t("sweep.open", lang),
                ui.absolute_url(playground_url(cell_config(config, values))),
                type="primary",
            )
        # Fallback where a click cannot be read: links to the best cells.
        order = result.final_loss.ravel().argsort(kind="stable")
        best = [i for i in order if not result.diverged.ravel()[i]][:BEST_LINKS]
        top = best_cell(result, metric)
        if best:
            lines = []
            for flat in best:
                index = tuple(int(i) for i in divmod(int(flat), result.shape[1]))
                values = result.config(index)
                label = ", ".join(f"{n} = {ui.format_value(values[n])}" for n in (x, y))
                loss = ui.format_value(float(result.final_loss[index]))
                star = " ★" if index == top else ""
                lines.append(
                    f"- [{label}]({ui.absolute_url(playground_url(cell_config(config, values)))}): {loss}{star}"
                )
            st.markdown(t("sweep.best_links", lang) + "\n" + "\n".join(lines))

# --- sensitivity -------------------------------------------------------------------------------------
st.subheader(t("sweep.sensitivity", lang), help=t("sweep.sensitivity_help", lang, points=SCAN_POINTS))
if not sensitivity:
    st.info(t("sweep.sensitivity_empty", lang))
else:
    try:
        scans = {key: _scan(key, args) for key in sensitivity}
    except ValueError as err:
        st.error(t("sweep.error", lang, message=ui.plain(err)))
    else:
        problem = ui.cached_problem(args[0], dict(args[1]))
        st.plotly_chart(
            sensitivity_figure(scans, problem, presentation=present, lang=lang),
            key=f"{P}sensitivity",
            config=ui.CHART_CONFIG,
        )
