"""Sweep page: a heatmap of one optimizer over two of its hyperparameters (click a cell to open it in
the Playground, or on the Networks page for a network scene) and learning-rate sensitivity curves of
several optimizers, on a 2-D problem or a network scene of the Networks page. The whole state lives in
the URL (``optviz.app_state.encode_sweep``)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import streamlit as st

import optviz
from optviz.app_state import (
    MAX_RESOLUTION,
    NET_SENSITIVITY_DEFAULTS,
    SENSITIVITY_DEFAULTS,
    STUDY_STEPS,
    SWEEP_METRICS,
    SweepConfig,
    cell_config,
    default_axes,
    default_config,
    default_hparams,
    default_range,
    encode_sweep,
    is_sweep_key,
    network_cell,
    optimizers_by_family,
    parse_sweep,
    playground_url,
    sweep_budget,
    with_changes,
)
from optviz.compare import MAX_OPTIMIZERS, SCAN_POINTS, LearningRateScan, learning_rate_scan
from optviz.i18n import t
from optviz.nets.scenes import SCENES
from optviz.network_state import networks_url, scene_problem
from optviz.optimizers.modifiers import composite_key, split_key
from optviz.plots.style import SpecFigure
from optviz.plots.sweep import axis_values, best_cell, cell_from_selection, heatmap_figure, sensitivity_figure
from webui import ui
from webui.memo import Memo, memo
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
    return optviz.sweep(
        optimizer, _problem(args), grid=grid, hparams=dict(fixed), progress=progress, **ui.run_kwargs(args)
    )


@memo(4 * CACHE_ENTRIES)
def _scan(optimizer: str, args: tuple, progress=None) -> LearningRateScan:
    scan = learning_rate_scan(
        optimizer, _problem(args), hparams=default_hparams(optimizer), **ui.run_kwargs(args)
    )
    for values in (scan.learning_rates, scan.final_loss, scan.steps_to_converge, scan.diverged_at):
        values.flags.writeable = False  # shared by every session
    return scan


#: The scans of one set of optimizers, as one shared object, so their chart is built once (ui.of_run).
#: Plain keys and no copies: st.cache_data unpickled a copy of every scan on every rerun.
_SCAN_SETS: Memo[dict] = Memo(None, CACHE_ENTRIES, name="pages.sweep:scan_sets")


def _scans(optimizers: tuple[str, ...], args: tuple) -> dict:
    return _SCAN_SETS.get((optimizers, args), lambda: {key: _scan(key, args) for key in optimizers})


def sensitivity_view(scans: dict, args: tuple, presentation: bool, language: str) -> SpecFigure:
    """The sensitivity chart of shared scans, built once per set of scans (ui.of_run)."""
    return ui.frozen_figure(
        sensitivity_figure(scans, _problem(args), presentation=presentation, lang=language)
    )


def _args(config: SweepConfig) -> tuple:
    """``ui.run_args`` of the sweep's base, whose second entry holds a network scene's control values
    (choices are text) in place of a 2-D problem's parameters."""
    args = ui.run_args(config.base)
    if config.is_network:
        args = (args[0], tuple(sorted(config.scene_values.items())), *args[2:])
    return args


def _problem(args: tuple) -> optviz.Problem:
    """The problem of ``_args``: a network scene's instance or a registry 2-D problem (both shared)."""
    if args[0] in SCENES:
        return scene_problem(args[0], dict(args[1]))
    return ui.cached_problem(args[0], dict(args[1]))


def _kind_changed(old: str | None, new: str) -> None:
    """Switching between a 2-D problem and a network: the sensitivity scans start from that kind's
    default (none on a network, where four scans would cost more than the grid)."""
    if (old in SCENES) != (new in SCENES):
        ui.set_values({f"{P}sens": list(NET_SENSITIVITY_DEFAULTS if new in SCENES else SENSITIVITY_DEFAULTS)})


def _cell_url(values: dict) -> tuple[str, dict[str, str]]:
    """The link that opens a cell (the Playground, or the Networks page for a network: with what that
    page cannot carry, name -> value, for the caption)."""
    if config.is_network:
        net, dropped = network_cell(config, values)
        return networks_url(net), dropped
    return playground_url(cell_config(config, values)), {}


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
    values.update(ui.run_settings_values(P, base, config.scene_values))
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
    base, scene_values = ui.run_settings_controls(
        P, lang, default_config(optimizer, steps=STUDY_STEPS), scenes=True, on_problem_change=_kind_changed
    )
    sensitivity = ui.bound(
        st.multiselect, f"{P}sens", list(SENSITIVITY_DEFAULTS),
        valid=lambda v: isinstance(v, list) and set(v) <= set(optviz.OPTIMIZERS),
        label=t("sweep.sensitivity_optimizers", lang), options=optimizers_by_family(),
        format_func=lambda k: ui.optimizer_label(k, lang), max_selections=MAX_OPTIMIZERS, coerce=list,
    )  # fmt: skip

base = with_changes(base, optimizer=optimizer, hparams=hparams)
config = SweepConfig(
    base=base, x=x, y=y, x_range=ranges[x], y_range=ranges[y], resolution=int(resolution),
    metric=metric, sensitivity=tuple(sensitivity), scene_values=scene_values,
)  # fmt: skip
encoded = encode_sweep(config)
ui.sync_query_params(encoded, is_sweep_key)

# --- heatmap -----------------------------------------------------------------------------------------
# the grid and the sensitivity scans together stay within optviz.budget (a network's grid first)
config, cuts = sweep_budget(config)
for cut in cuts:
    st.warning(t(f"state.warn.{cut.code}", lang, **cut.fields))  # numbers only
base, resolution = config.base, config.resolution
args = _args(config)
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
        event = ui.chart(
            ui.shared_figure(heatmap_figure, result, metric, presentation=present, lang=lang),
            key=f"{P}heatmap", config=ui.CHART_CONFIG, on_select="rerun", selection_mode="points",
        )  # fmt: skip
        st.caption(t("sweep.click_hint_network" if config.is_network else "sweep.click_hint", lang))
        cell = cell_from_selection(event.selection if event else None, result.shape)
        if cell is not None:
            values = result.config(cell)
            shown = ", ".join(f"{n} = {ui.format_value(values[n])}" for n in (x, y))
            st.markdown(t("sweep.clicked", lang, values=shown))
            url, dropped = _cell_url(values)
            st.link_button(
                t("sweep.open_network" if config.is_network else "sweep.open", lang),
                ui.absolute_url(url),
                type="primary",
            )
            if dropped:
                names = ", ".join(f"{k} = {v}" for k, v in dropped.items())
                st.caption(t("sweep.not_carried", lang, names=names))
        # Fallback where a click cannot be read: links to the best cells.
        order = result.final_loss.ravel().argsort(kind="stable")
        best = [i for i in order if not result.diverged.ravel()[i]][:BEST_LINKS]
        top = best_cell(result, metric)
        if best:
            lines, not_carried = [], {}
            for flat in best:
                index = tuple(int(i) for i in divmod(int(flat), result.shape[1]))
                values = result.config(index)
                label = ", ".join(f"{n} = {ui.format_value(values[n])}" for n in (x, y))
                loss = ui.format_value(float(result.final_loss[index]))
                star = " ★" if index == top else ""
                url, dropped = _cell_url(values)
                not_carried.update(dropped)
                lines.append(f"- [{label}]({ui.absolute_url(url)}): {loss}{star}")
            heading = "sweep.best_links_network" if config.is_network else "sweep.best_links"
            st.markdown(t(heading, lang) + "\n" + "\n".join(lines))
            if not_carried:  # the swept or fixed values the Networks page cannot run
                st.caption(t("sweep.not_carried", lang, names=", ".join(not_carried)))

# --- sensitivity -------------------------------------------------------------------------------------
st.subheader(t("sweep.sensitivity", lang), help=t("sweep.sensitivity_help", lang, points=SCAN_POINTS))
if not sensitivity:
    st.info(t("sweep.sensitivity_empty", lang))
else:
    try:
        scans = _scans(tuple(sensitivity), args)
    except ValueError as err:
        st.error(t("sweep.error", lang, message=ui.plain(err)))
    else:
        ui.chart(
            ui.of_run(sensitivity_view, scans, args, present, lang),
            key=f"{P}sensitivity",
            config=ui.CHART_CONFIG,
        )

# --- share: at the end, as on the other pages (above the heatmap it pushed it out of a projector's first screen)
ui.share_link("/sweep?" + urlencode(encoded, safe=","), lang)
