"""The Playground's first screen redrawn from a slider's new position before the page's rerun.

A slider notch reruns the page through Streamlit: the browser then handles a new session message, a
status change and the elements that come before the charts, and the charts follow the whole script's
start. The same two charts can come sooner. The browser asks ``GET /optviz/preview?<the page's link
with the slider's new value>`` (one request, no session) and redraws the path and loss charts in place.
The rerun follows and finds them drawn: both build the figures through one shared cache
(``ui.cached_run``, ``ui.of_run``), so the rerun's figure is the same bytes and the live chart leaves it.

The browser also asks ahead, for the slider that has the focus, the notch either side of its position
(header ``AHEAD``), so a key press usually finds its answer in hand; a rerun never waits for those.

The route is served by ``serve.py`` (``st.App``). Under a plain ``streamlit run app.py`` it does not
exist: the request fails and the page works as before, on its rerun alone.
"""

from __future__ import annotations

import gzip
import itertools
import json
import logging
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import optviz
from optviz import app_state as state
from optviz.i18n import normalise
from optviz.optimizers.modifiers import composite_key, is_composite, split_key
from optviz.plots import curves, space

from . import ui
from .livechart import figure_data

#: The route, under the app's own path (the browser resolves it against the page's base URL).
ROUTE = "optviz/preview"
#: The live charts the payload redraws, in its order (the Playground's first screen).
CHARTS = ("pg.chart.space", "pg.chart.loss")
LOGGER = logging.getLogger("optviz.preview")


# --- what the first screen shows (the page and the route build it the same way) -----------------------
def within_budget(
    config: state.PlaygroundConfig, problem: optviz.Problem
) -> tuple[state.PlaygroundConfig, Any]:
    """``config`` with no more steps than optviz.budget allows for it, and the budget's message (or None)."""
    steps, over = state.budget_steps(
        config.steps,
        getattr(problem, "n", None),
        config.batch_size,
        formula_nodes=getattr(problem, "nodes", 0),
        optimizers=[config.optimizer],
    )
    return (config if over is None else state.with_changes(config, steps=steps)), over


def run_window(trace: optviz.Trace, problem: optviz.Problem) -> tuple[Any, bool]:
    """The parameter-space window that shows the run's path, and whether the contours' log loss had to be
    shifted to be drawn (the loss reaches 0 or below in it)."""
    window = space.plot_window(problem, trace.params)
    return window, space.log_loss(problem, window, 40).shift


def first_screen_figures(
    trace: optviz.Trace, cursor: int, window: Any, presentation: bool, language: str
) -> tuple[Any, Any, dict[str, Any]]:
    """The first screen's path and loss figures and the path chart's toolbar (built once: ui.of_run)."""
    # a click on the chart sets the start (the page's start_on_click)
    # no in-chart Play or frame slider: the step cursor below plays every view at once
    space_fig = space.path_figure(
        trace, cursor, window=window, frames=0, presentation=presentation, clickable=True, lang=language
    )
    loss_fig = curves.loss_figure(trace, cursor, presentation=presentation, lang=language)
    if presentation:  # both charts above the fold of a 1280 x 720 projector
        ui.fit_height(space_fig, ui.PRESENT_FIRST_SCREEN_HEIGHT)
        ui.fit_height(loss_fig, ui.PRESENT_FIRST_SCREEN_HEIGHT)
    return space_fig, loss_fig, ui.chart_config(space_fig)


#: An optimizer switch asked of the route: ``switch=<optimizer>`` and, for each of its hyperparameters the
#: page keeps at something other than its default, ``kept.<name>=<value>``.
SWITCH, KEPT = "switch", "kept."


def switched_query(query: Mapping[str, str | list[str]]) -> dict[str, list[str]]:
    """The link the Playground shows after its optimizer select switches ``query``'s optimizer to
    ``query["switch"]`` (``query`` itself without a switch): the new optimizer's hyperparameters are its
    defaults for the problem or the values the page kept for it, and the learning rate carried as the
    page's switch carries it (``carried_learning_rate``); its modifiers and everything else stay."""
    out = {k: list(v) if isinstance(v, list) else [v] for k, v in query.items()}
    new = _last(out.pop(SWITCH, None))
    kept = {k[len(KEPT) :]: _last(out.pop(k)) for k in list(out) if k.startswith(KEPT)}
    if new not in optviz.OPTIMIZERS or is_composite(new):
        return out
    config, _ = state.parse_playground(out)
    modifiers, old = split_key(config.optimizer)
    hparams: dict[str, Any] = state.default_hparams(new, config.problem)
    hparams.update({name: kept[name] for name in hparams if kept.get(name) is not None})
    carried = state.carried_learning_rate(old, new, config.hparams.get("learning_rate"), config.problem)
    if carried is not None and "learning_rate" in hparams:
        hparams["learning_rate"] = carried
    for name in optviz.OPTIMIZERS[old].hparam_names:
        out.pop(name, None)
    out["opt"] = [composite_key(new, modifiers)]
    out.update({name: [str(value)] for name, value in hparams.items()})  # parse_playground checks them
    return out


class Payload:
    """A first screen's payload (``first_screen_payload``) and its gzip, made the first time a browser asks
    for it (every browser does): made once per payload, not once per request. Streamlit's server gzips
    each answer it sends at level 9 (3.2 ms for the default page's 60 KB, on the event loop's thread),
    and a notch asks the route about twice (its own notch, asked ahead, and the next)."""

    __slots__ = ("_gz", "raw")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self._gz: bytes | None = None

    def gzipped(self) -> bytes:
        """The payload gzipped (level 6: 1.4 ms, 57% of its size; level 9 gains 0.7% for twice the time)."""
        if self._gz is None:  # two threads may both make it once: the same bytes
            self._gz = gzip.compress(self.raw, compresslevel=6, mtime=0)
        return self._gz


def first_screen(query: Mapping[str, str | list[str]]) -> Payload | None:
    """The first screen's charts for the Playground link ``query`` (with its ``lang`` and ``present``; an
    optimizer switch: ``switched_query``), as the live charts take them: one line of JSON (each chart's
    toolbar and height), then one line per figure (``CHARTS``' order); one shared ``Payload`` per run and
    view. None where only the page can draw it: a visitor's own problem, or a problem or run the page
    reports as bad. Costs what the link's page run costs, no more (the budget)."""
    query = switched_query(query)
    lang = normalise(_last(query.get("lang")))
    present = _last(query.get("present")) == "true"
    config, _ = state.parse_playground(query)
    if config.problem not in optviz.PROBLEMS:
        return None
    try:
        problem = ui.cached_problem(config.problem, config.problem_params)
        config, _ = within_budget(config, problem)
        trace = ui.cached_run(
            config.optimizer, config.problem, config.problem_params, **state.run_kwargs(config)
        )
    except ValueError:
        return None
    cursor = trace.k if config.cursor is None else min(int(config.cursor), trace.k)
    window = ui.of_run(run_window, trace, problem)[0]
    return ui.of_run(_payload, trace, cursor, window, present, lang)


def _payload(trace: optviz.Trace, cursor: int, window: Any, present: bool, lang: str) -> Payload:
    space_fig, loss_fig, space_config = ui.of_run(first_screen_figures, trace, cursor, window, present, lang)
    figures = [figure_data(space_fig), figure_data(loss_fig)]
    head = {"configs": [space_config, ui.CHART_CONFIG], "heights": [height for _, height in figures]}
    return Payload(b"\n".join([json.dumps(head).encode(), *(figure for figure, _ in figures)]))


def first_screen_payload(query: Mapping[str, str | list[str]]) -> bytes | None:
    """``first_screen(query)``'s bytes (None: nothing to draw)."""
    payload = first_screen(query)
    return None if payload is None else payload.raw


def read_payload(raw: bytes) -> tuple[dict[str, Any], list[str]]:
    """``first_screen_payload`` read back: its head and the figures' JSON (what preview.js does)."""
    head, *figures = raw.split(b"\n")
    return json.loads(head), [f.decode() for f in figures]


def _last(value: str | list[str] | None) -> str | None:
    if isinstance(value, list):
        return value[-1] if value else None
    return value


# --- the route ----------------------------------------------------------------------------------------
#: Previews being computed now (ids), and the condition a rerun waits on (``yield_to_previews``).
_RUNNING: set[int] = set()
_CHANGED = threading.Condition()
_NEXT_ID = itertools.count()
#: How long a Playground rerun waits at most for the previews already being computed (seconds).
YIELD_S = 0.1


def yield_to_previews() -> None:
    """Wait (at most ``YIELD_S``) for the previews being computed when this is called: a slider's preview
    and its rerun start within ~20 ms of each other, and sharing the GIL both finish late, the preview
    that the browser is waiting for included. Previews asked later do not hold the caller."""
    with _CHANGED:
        earlier = set(_RUNNING)
        _CHANGED.wait_for(lambda: not (earlier & _RUNNING), timeout=YIELD_S)


#: The request header of a preview the browser asks ahead (a notch beside the focused slider's, not a move):
#: a rerun does not wait for it.
AHEAD = "X-Optviz-Ahead"


def _computed(query: Mapping[str, str | list[str]], ahead: bool = False) -> Payload | None:
    """``first_screen(query)``, counted among the previews being computed unless asked ``ahead``."""
    if ahead:
        return first_screen(query)
    me = next(_NEXT_ID)
    with _CHANGED:
        _RUNNING.add(me)
    try:
        return first_screen(query)
    finally:
        with _CHANGED:
            _RUNNING.discard(me)
            _CHANGED.notify_all()


async def endpoint(request: Any) -> Any:
    """``GET /optviz/preview``: 200 with the payload (gzipped for a browser that takes it: ``Payload``), or
    204 (nothing to draw: the rerun will). Never a traceback: an unexpected error is logged and answered
    204."""
    from starlette.concurrency import run_in_threadpool
    from starlette.responses import Response

    began = time.perf_counter()
    query: dict[str, list[str]] = {}
    for key, value in request.query_params.multi_items():
        query.setdefault(key, []).append(value)
    try:
        ahead = request.headers.get(AHEAD) == "1"
        body = await run_in_threadpool(_computed, query, ahead)  # the event loop keeps serving
    except Exception:
        LOGGER.exception("preview failed for %s", request.url.path)
        body = None
    # the server's part of the wait, for the browser's timing tools (Server-Timing)
    headers = {
        "Cache-Control": "no-store",
        "Server-Timing": f"preview;dur={(time.perf_counter() - began) * 1e3:.1f}",
    }
    if body is None:
        return Response(status_code=204, headers=headers)
    headers["Vary"] = "Accept-Encoding"
    if "gzip" in request.headers.get("accept-encoding", ""):  # (Streamlit's middleware leaves it as it is)
        headers["Content-Encoding"] = "gzip"
        return Response(body.gzipped(), media_type="application/octet-stream", headers=headers)
    return Response(body.raw, media_type="application/octet-stream", headers=headers)


def routes() -> list[Any]:
    """The app's own routes, for ``st.App(..., routes=routes())``."""
    from starlette.routing import Route

    return [Route("/" + ROUTE, endpoint, methods=["GET"])]


# --- the browser's side -------------------------------------------------------------------------------
_COMPONENT: Any = None


def preview_sliders(
    key: str,
    app: Mapping[str, str],
    sliders: Mapping[str, tuple[str, dict[str, Any] | None]],
    charts: Sequence[str] = CHARTS,
    switch: tuple[str, Mapping[str, str], Mapping[str, Mapping[str, float]]] | None = None,
) -> None:
    """Let every slider of ``sliders`` (widget key -> (its link parameter, ``ui.slider_spec``)) redraw
    ``charts`` through the route as soon as it moves: the browser asks for the page's link as the address
    bar shows it (the page rewrites it on every run), with the app-wide parameters ``app`` and the
    slider's new value. ``switch``: the optimizer select's widget key, its options' labels (label ->
    optimizer) and the hyperparameters the page keeps for each optimizer (``KEPT``): a click on an option
    redraws the charts of the switch.

    Nothing here changes with a notch, so a page draws it once per full run, outside the fragment that a
    notch reruns (a component is about 0.5 ms of server time per run it is drawn in)."""
    global _COMPONENT
    import streamlit as st

    if _COMPONENT is None:
        _COMPONENT = st.components.v2.component(
            "optviz_preview",
            html="",
            isolate_styles=False,  # in the page's DOM: it finds the sliders and charts by their key's class
            js=(Path(__file__).with_name("preview.js")).read_text(encoding="utf-8"),
        )
    data = {
        "route": ROUTE,
        "app": dict(app),
        "sliders": {ui.key_class(k): {"name": name, **spec} for k, (name, spec) in sliders.items() if spec},
        "charts": [ui.key_class(k) for k in charts],
    }
    if switch is not None:
        select, labels, kept = switch
        data["switch"] = {"select": ui.key_class(select), "labels": dict(labels), "kept": dict(kept)}
    _COMPONENT(key=key, data=data)
