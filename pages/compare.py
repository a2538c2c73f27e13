"""Compare page: 2-8 optimizers from one start, on one problem, with one minibatch seed; overlaid
paths, loss curves, a synchronised animation, a results table, fair learning-rate tuning and a
predict-then-reveal mode. The whole state lives in the URL (``optviz.app_state.encode_compare``)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

import optviz
from optviz.app_state import (
    COMPARE_DEFAULTS,
    STUDY_STEPS,
    CompareConfig,
    budget_steps,
    compare_load,
    default_config,
    default_hparams,
    encode_compare,
    is_compare_key,
    optimizers_by_family,
    parse_compare,
    with_changes,
)
from optviz.compare import (
    MAX_OPTIMIZERS,
    MIN_OPTIMIZERS,
    SCAN_POINTS,
    compare,
    entry_labels,
    entry_optimizer,
    hparams_table,
    is_entry,
    next_copy,
    results_table,
    split_entry,
    table_csv,
    tune_learning_rates,
    with_tuned_rates,
)
from optviz.export import standalone_html
from optviz.i18n import t, tr
from optviz.optimizers import MODIFIERS
from optviz.optimizers.modifiers import CHAIN_MARK
from optviz.plots.compare import loss_curves_figure, overlay_figure, race_figure
from optviz.plots.style import SpecFigure
from webui import ui
from webui.click import start_on_click
from webui.livechart import live_chart
from webui.memo import Memo
from webui.shell import current_language, presenting, route_through_app

P = "cmp."  # prefix of every control key on this page
LOADED = "cmp:loaded"  # the URL has been read into the controls in this session
REVEALED = "cmp:revealed"
CACHE_ENTRIES = 32

route_through_app()
lang = current_language()
present = presenting()


# The runs and scans are shared by every session (read-only, no copy per rerun: st.cache_data unpickled
# a copy of every run on every rerun), so their views can be shared too (ui.of_run).
_RUNS = Memo(None, CACHE_ENTRIES, name="pages.compare:runs")
_SCANS = Memo(None, CACHE_ENTRIES, name="pages.compare:scans")


def _compare(setups: tuple, args: tuple) -> dict:
    def compute() -> dict:
        problem = ui.cached_problem(args[0], dict(args[1]))
        runs = compare({k: dict(hp) for k, hp in setups}, problem, **ui.run_kwargs(args))
        return {name: ui.freeze_run(trace) for name, trace in runs.items()}

    return _RUNS.get((setups, args), compute)


def _tune(setups: tuple, args: tuple) -> dict:
    def compute() -> dict:
        problem = ui.cached_problem(args[0], dict(args[1]))
        return tune_learning_rates({k: dict(hp) for k, hp in setups}, problem, **ui.run_kwargs(args))

    return _SCANS.get((setups, args), compute)


def paths_view(traces: dict, presentation: bool, language: str) -> tuple[SpecFigure, tuple]:
    """The paths chart (clickable) and its window, built once per set of runs (ui.of_run)."""
    fig = overlay_figure(traces, presentation=presentation, clickable=True, lang=language)
    if presentation:  # above the fold of a 1280 x 720 projector, the legend's names above the plot
        ui.fit_height(fig, ui.PRESENT_UNDER_TABS_HEIGHT, legend_above=True, legend_width=ui.LEGEND_FULL_WIDTH)
    return ui.frozen_figure(fig), (tuple(fig.layout.xaxis.range), tuple(fig.layout.yaxis.range))


def _control_values(config: CompareConfig) -> dict:
    """The controls' values that show ``config`` (read from the URL on a session's first visit)."""
    values = {f"{P}opts": list(config.optimizers), f"{P}fair": config.fair}
    for key, hp in config.hparams.items():
        values.update({ui.hparam_keys(entry_optimizer(key), P, key)[name]: v for name, v in hp.items()})
    values.update(ui.run_settings_values(P, config.base))
    return values


warnings = ui.load_url_once(LOADED, parse_compare, _control_values)
st.title(t("nav.compare", lang))
st.caption(t("compare.caption", lang))
ui.show_warnings(warnings, lang)


# --- controls --------------------------------------------------------------------------------------
def _valid_entries(v) -> bool:
    return isinstance(v, list) and len(v) <= MAX_OPTIMIZERS and all(is_entry(e) for e in v)


def _entry_label(name: str) -> str:
    """'Adaptive · Adam', and 'Adaptive · Adam #2' for its copy."""
    key, copy = split_entry(name)
    return ui.optimizer_label(key, lang) + (f" #{copy}" if copy > 1 else "")


def _modified(name: str) -> list[str]:
    """Composite keys that wrap ``name``'s optimizer in one more modifier ('cautious-adamw' for 'adamw')."""
    inner = entry_optimizer(name)
    return [k for k in (f"{m}{CHAIN_MARK}{inner}" for m in MODIFIERS) if is_entry(k)]


def _add_modified(name: str, key: str) -> None:
    """A run of ``key`` (``name``'s optimizer in a modifier), from ``name``'s settings: AdamW against
    Cautious AdamW against Lookahead(AdamW)."""
    chosen = list(ui.get_value(f"{P}opts", []))
    new = key if key not in chosen else next_copy(key, chosen)
    if new is None or len(chosen) >= MAX_OPTIMIZERS:
        return
    mine, theirs = ui.hparam_keys(entry_optimizer(name), P, name), ui.hparam_keys(key, P, new)
    values = {theirs[p]: ui.get_value(mine[p]) for p in mine if p in theirs}
    ui.set_values({k: v for k, v in values.items() if v is not None})
    ui.set_values({f"{P}opts": [*chosen, new]})


def _add_copy(name: str) -> None:
    """Another run of ``name``'s optimizer, starting from ``name``'s current settings (change one, compare)."""
    chosen = list(ui.get_value(f"{P}opts", []))
    new = next_copy(name, chosen)
    if new is None or len(chosen) >= MAX_OPTIMIZERS:
        return
    key = entry_optimizer(name)
    mine, theirs = ui.hparam_keys(key, P, name), ui.hparam_keys(key, P, new)
    ui.set_values({theirs[p]: ui.get_value(mine[p]) for p in mine if ui.get_value(mine[p]) is not None})
    ui.set_values({f"{P}opts": [*chosen, new]})


with st.sidebar:
    stored = ui.get_value(f"{P}opts", [])
    plain = optimizers_by_family()
    # copies ('adam~2') and modifier chains ('cautious-adamw') are options once they are chosen
    copies = (
        [e for e in stored if isinstance(e, str) and e not in plain and is_entry(e)]
        if isinstance(stored, list)
        else []
    )
    chosen = ui.bound(
        st.multiselect, f"{P}opts", list(COMPARE_DEFAULTS), valid=_valid_entries,
        label=t("compare.optimizers", lang), options=plain + copies,
        format_func=_entry_label, max_selections=MAX_OPTIMIZERS,
        help=t("compare.optimizers_help", lang), coerce=list,
    )  # fmt: skip
    # untouched hyperparameters follow the problem's page defaults, as on the Playground
    base = ui.run_settings_controls(
        P, lang, default_config(steps=STUDY_STEPS),
        on_problem_change=lambda old, new: [
            ui.follow_scene_defaults(P, entry_optimizer(e), old, new, slot=e) for e in chosen
        ],
    )  # fmt: skip
    fair = ui.toggle(
        f"{P}fair", t("compare.fair", lang), help=t("compare.fair_help", lang, points=SCAN_POINTS)
    )
    predict = ui.toggle(f"{P}predict", t("compare.predict", lang), help=t("compare.predict_help", lang))
    st.subheader(t("compare.hparams", lang))
    hparams = {}
    for key in chosen:
        opt_key = entry_optimizer(key)
        with st.expander(_entry_label(key).split(" · ", 1)[-1]):
            hparams[key] = ui.hparam_controls(
                opt_key, lang, P, defaults=default_hparams(opt_key, base.problem), slot=key
            )
            # the same optimizer twice, one setting apart: Adam's beta2 = 0.9 against 0.999
            st.button(
                t("compare.add_copy", lang), key=f"{P}copy.{key}", icon=":material/content_copy:",
                on_click=_add_copy, args=(key,), disabled=len(chosen) >= MAX_OPTIMIZERS,
                help=t("compare.add_copy_help", lang),
            )  # fmt: skip
            # the same optimizer inside a modifier: AdamW against Cautious AdamW and Lookahead(AdamW)
            for wrapped in _modified(key):
                st.button(
                    t("compare.add_modified", lang, name=tr(optviz.OPTIMIZERS[wrapped].name, lang)),
                    key=f"{P}wrap.{key}.{wrapped}", icon=":material/layers:", on_click=_add_modified,
                    args=(key, wrapped), disabled=len(chosen) >= MAX_OPTIMIZERS,
                    help=t("compare.add_modified_help", lang),
                )  # fmt: skip

config = CompareConfig(optimizers=tuple(chosen), hparams=hparams, base=base, fair=fair)
encoded = encode_compare(config)
ui.sync_query_params(encoded, is_compare_key)

if len(chosen) < MIN_OPTIMIZERS:
    st.info(t("compare.too_few", lang))
    st.stop()

# --- runs ------------------------------------------------------------------------------------------
steps, over = budget_steps(
    base.steps, base.problem_params.get("n"), base.batch_size, compare_load(chosen, fair)
)
if over is not None:  # every run and fair-mode scan together stay within optviz.budget
    st.warning(t("state.warn.over_budget", lang, **over.fields))  # numbers only
    base = with_changes(base, steps=steps)
setups = tuple((k, ui.items(hparams[k])) for k in chosen)
args = ui.run_args(base)
try:
    scans = _tune(setups, args) if fair else {}
    run_setups = with_tuned_rates(dict((k, dict(hp)) for k, hp in setups), scans) if fair else None
    traces = _compare(tuple((k, ui.items(hp)) for k, hp in run_setups.items()) if fair else setups, args)
except ValueError as err:
    st.error(t("compare.error", lang, message=ui.plain(err)))
    st.stop()

if fair:
    st.markdown(f"**{t('compare.fair_rates', lang)}**")
    rate_rows = []
    labels = entry_labels(hparams, lang)
    for key in chosen:
        best = scans[key].best_learning_rate
        set_lr = hparams[key]["learning_rate"]
        shown = (
            ui.format_value(best)
            if best is not None
            else t("compare.fair_none", lang, lr=ui.format_value(set_lr))
        )
        rate_rows.append(
            {
                t("compare.col.optimizer", lang): labels[key],
                t("compare.col.set_lr", lang): ui.format_value(set_lr),
                t("compare.col.tuned_lr", lang): shown,
            }
        )
    st.dataframe(rate_rows, hide_index=True, key=f"{P}fair_table")
    st.warning(t("compare.fair_caveat", lang))

# --- predict, then reveal ----------------------------------------------------------------------------
hidden = predict and not st.session_state.get(REVEALED, False)
if predict:
    if hidden:
        st.info(t("compare.predict_info", lang))
        if st.button(t("compare.reveal", lang), key=f"{P}reveal", type="primary"):
            st.session_state[REVEALED] = True
            st.rerun()
    elif st.button(t("compare.hide", lang), key=f"{P}hide"):
        st.session_state[REVEALED] = False
        st.rerun()

if hidden:
    live_chart(
        ui.shared_figure(overlay_figure, traces, presentation=present, lang=lang, reveal=False),
        key=f"{P}predict_chart",
        config=ui.CHART_CONFIG,
    )
    st.stop()

# --- views -------------------------------------------------------------------------------------------
paths_tab, race_tab, loss_tab = st.tabs(
    [t("compare.tab.paths", lang), t("compare.tab.race", lang), t("compare.tab.loss", lang)]
)
with paths_tab:
    # a click on the chart sets the shared start
    paths_fig, window = ui.of_run(paths_view, traces, present, lang)
    live_chart(paths_fig, key=f"{P}paths_chart", config=ui.CHART_CONFIG)
    start_on_click(f"{P}click", f"{P}paths_chart", window, [f"{P}start.{base.problem}.{c}" for c in "xy"])
with race_tab:
    race_fig = ui.shared_figure(race_figure, traces, presentation=present, lang=lang)
    live_chart(race_fig, key=f"{P}race_chart", config=ui.chart_config(race_fig))
with loss_tab:
    live_chart(
        ui.shared_figure(loss_curves_figure, traces, presentation=present, lang=lang),
        key=f"{P}loss_chart",
        config=ui.CHART_CONFIG,
    )

st.subheader(t("compare.results", lang), help=t("compare.results_help", lang))
rows = results_table(traces, lang)
# the events in words (never "None"); the distance only where the problem's minimum is known
columns = ["optimizer", "learning_rate", "final_loss", "optimum_distance", "outcome"]
if all(row["optimum_distance"] is None for row in rows):
    columns.remove("optimum_distance")
number = {"learning_rate", "final_loss", "optimum_distance"}
st.dataframe(
    [{c: row[c] for c in columns} for row in rows],
    hide_index=True,
    key=f"{P}results",
    column_config={
        c: (
            st.column_config.NumberColumn(t(f"compare.col.{c}", lang), format="%.4g")
            if c in number
            else st.column_config.TextColumn(t(f"compare.col.{c}", lang))
        )
        for c in columns
    },
)
# the settings side by side, one row per hyperparameter: narrow, nothing cut off
st.caption(t("compare.hparams_table", lang))
hparam_column = t("compare.col.hparam", lang)
st.dataframe(
    hparams_table(traces, lang), hide_index=True, key=f"{P}hparams",
    column_config={hparam_column: st.column_config.TextColumn(hparam_column, width="medium", pinned=True)},
)  # fmt: skip
downloads = st.columns(3)
downloads[0].download_button(
    t("compare.download", lang), table_csv(rows), file_name="optviz-compare.csv", mime="text/csv",
    key=f"{P}download",
)  # fmt: skip
downloads[1].download_button(  # built only when clicked: plotly.js inlined is ~5 MB
    t("compare.download_paths_html", lang),
    data=lambda: standalone_html(overlay_figure(traces, lang=lang), title="optviz: compare"),
    file_name="optviz-compare-paths.html", mime="text/html", key=f"{P}download_paths", on_click="ignore",
)  # fmt: skip
downloads[2].download_button(
    t("compare.download_race_html", lang),
    data=lambda: standalone_html(race_figure(traces, lang=lang), title="optviz: compare"),
    file_name="optviz-compare-animation.html", mime="text/html", key=f"{P}download_race", on_click="ignore",
)  # fmt: skip
ui.share_link("/compare?" + urlencode(encoded, safe=","), lang)
