"""webui.preview: the route that redraws the Playground's first screen as a slider moves draws exactly what
the page's rerun then sends (byte for byte), within the same budget, and never fails a visitor."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import random
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlencode

import pytest
from page_runs import component_data, open_page
from starlette.requests import Request

from optviz import app_state as state
from webui import memo, preview, ui
from webui.livechart import figure_data, read_payload

LINKS = {
    "the seed's example": {},
    "presentation, in Chinese": {"present": "true", "lang": "zh"},
    "a scrubbed cursor": {"cursor": "40"},
    "a modifier, a start and a schedule": {
        "opt": "lookahead-adam",
        "learning_rate": "0.02",
        "lookahead.k": "7",
        "problem": "rosenbrock",
        "start": "-1.5,2",
        "steps": "200",
        "schedule": "cosine",
    },  # fmt: skip
}


def browser_link(at, data: dict) -> dict[str, str]:
    """The link preview.js starts from: the address bar's parameters as the page wrote them, with the
    component's app-wide ones (``link`` in preview.js)."""
    shown = {k: v if isinstance(v, str) else v[-1] for k, v in at.query_params.items()}
    return {**shown, **data["app"]}


def page_charts(at) -> dict[str, tuple[dict, str]]:
    """The first screen's live charts as the page sent them: key -> (head, figure JSON)."""
    out = {}
    for el in at.get("bidi_component"):
        key = el.proto.id.rsplit("-", 1)[-1]
        if key in preview.CHARTS:
            out[key] = read_payload(el.proto.bytes)
    return out


@pytest.mark.parametrize("link", LINKS.values(), ids=list(LINKS))
def test_the_preview_draws_the_figures_the_page_sends(link):
    at = open_page("playground", **link)
    sent = page_charts(at)
    query = browser_link(at, component_data(at, "pg.preview"))  # the link the browser starts from
    memo.clear_all()  # built again from the link alone, not found in the page's cache
    raw = preview.first_screen_payload(query)
    assert raw is not None
    head, figures = preview.read_payload(raw)
    for i, key in enumerate(preview.CHARTS):
        page_head, page_figure = sent[key]
        assert figures[i] == page_figure, key  # the rerun finds the same figure drawn and leaves it
        assert head["configs"][i] == page_head["config"] and head["heights"][i] == page_head["height"]


def test_the_browser_starts_from_the_pages_link_and_every_slider_it_shows():
    """The component's data: the app-wide parameters (added to the link the page writes), and each
    slider's values exactly as its select slider offers them, and its default."""
    at = open_page("playground", opt="adamw", lang="zh")
    data = component_data(at, "pg.preview")
    assert data["route"] == preview.ROUTE and data["charts"] == [ui.key_class(k) for k in preview.CHARTS]
    assert data["app"] == {"lang": "zh"}
    query = browser_link(at, data)
    assert query["opt"] == "adamw" and query["lang"] == "zh"
    assert state.parse_playground(query)[0].optimizer == "adamw"
    names = {spec["name"] for spec in data["sliders"].values()}
    assert {"learning_rate", "beta1", "beta2", "epsilon", "weight_decay"} <= names
    assert {f"problem.{p}" for p in ("noise", "w_true", "b_true")} <= names
    for name in ("learning_rate", "beta1", "beta2", "epsilon"):
        spec = data["sliders"][ui.key_class(f"pg.hp.adamw.{name}")]
        slider = at.select_slider(key=f"pg.hp.adamw.{name}")
        assert slider.options == [ui.format_value(x) for x in spec["options"]], name
        assert (
            float(query[name])
            == slider.value
            == spec["options"][slider.options.index(ui.format_value(slider.value))]
        )
    linear = data["sliders"][ui.key_class("pg.hp.adamw.weight_decay")]
    assert set(linear) == {"name", "digits", "default"}
    assert linear["default"] == float(query["weight_decay"]) == state.default_hparams("adamw")["weight_decay"]
    noise = data["sliders"][
        ui.key_class("pg.pp.linear_regression.noise")
    ]  # left out of a link at its default
    assert (
        "problem.noise" not in query
        and noise["default"] == at.slider(key="pg.pp.linear_regression.noise").value
    )


def test_typed_entry_has_no_sliders_to_preview():
    at = open_page("playground", typed="1")
    assert all(not c.proto.id.endswith("-pg.preview") for c in at.get("bidi_component"))


def test_a_visitors_own_problem_is_left_to_the_page():
    for problem in state.CUSTOM_PROBLEMS:  # a formula or an uploaded CSV: built by the page's controls
        assert preview.first_screen_payload({"problem": [problem], "formula": ["x**2 + y**2"]}) is None


def test_a_link_over_the_budget_runs_no_more_steps_than_the_page():
    query = {"opt": ["lbfgs"], "problem": ["rosenbrock"], "steps": ["100000000"]}
    config, _ = state.parse_playground(query)
    budgeted, _ = preview.within_budget(config, ui.cached_problem(config.problem, config.problem_params))
    assert budgeted.steps < 100_000_000
    allowed = preview.first_screen_payload({**query, "steps": [str(budgeted.steps)]})
    assert preview.first_screen_payload(query) == allowed  # the same run: the budget's number of steps


def get(params, headers: tuple[tuple[bytes, bytes], ...] = ()) -> tuple[int, dict[str, str], bytes]:
    """``GET /optviz/preview?<params>`` answered by the app's route: status, headers, body."""
    (route,) = preview.routes()
    assert route.path == "/" + preview.ROUTE and route.methods >= {"GET"}
    scope = {"type": "http", "method": "GET", "path": route.path, "headers": list(headers),
             "query_string": urlencode(params).encode()}  # fmt: skip
    # on a thread of its own: a test process that drove Playwright's sync API has an event loop running
    with ThreadPoolExecutor(1) as pool:
        response = pool.submit(asyncio.run, route.endpoint(Request(scope))).result()
    return response.status_code, dict(response.headers), bytes(response.body)


def test_the_route_answers_a_link_with_its_payload():
    status, headers, body = get({"opt": "sgd", "learning_rate": "0.05"})
    assert status == 200 and headers["cache-control"] == "no-store"
    head, figures = preview.read_payload(body)
    assert len(figures) == len(preview.CHARTS) == len(head["configs"])
    assert json.loads(figures[0])["data"][0]["type"] == "contour"


def test_a_browser_gets_the_payload_gzipped_once_for_every_request(monkeypatch):
    """A browser asks with ``Accept-Encoding: gzip``: the route answers the payload gzipped, made once and
    kept with the payload, not made again for the next request (Streamlit's middleware would gzip each
    answer at level 9); a client that takes no gzip gets the bytes as they are."""
    made = []
    compress = gzip.compress
    monkeypatch.setattr(
        preview.gzip, "compress", lambda data, **kw: made.append(len(data)) or compress(data, **kw)
    )
    query = {"opt": "adam", "learning_rate": "0.004"}
    raw = preview.first_screen_payload({k: [v] for k, v in query.items()})
    browser = ((b"accept-encoding", b"gzip, deflate, br, zstd"),)
    answers = [get(query, browser) for _ in range(3)]
    for status, headers, body in answers:
        assert (
            status == 200 and headers["content-encoding"] == "gzip" and headers["vary"] == "Accept-Encoding"
        )
        assert gzip.decompress(body) == raw and len(body) < 0.7 * len(raw)
    assert made == [len(raw)]  # once, for three requests
    status, headers, body = get(query)
    assert status == 200 and "content-encoding" not in headers and body == raw


def test_the_route_never_fails_a_visitor(caplog):
    """Hostile and broken links get the payload or 204, never an error page; an unexpected failure is
    logged and answered 204 (the rerun then draws the page, with its own message)."""
    rng = random.Random(7)
    junk = [
        "",
        "nan",
        "inf",
        "-1e999",
        "<script>alert(1)</script>",
        "1" * 5000,
        "0x10",
        "\u202e",
        "%00",
        ",,,",
    ]
    keys = ["opt", "learning_rate", "problem", "steps", "start", "cursor", "lang", "present", "problem.noise"]
    for _ in range(60):
        params = [(rng.choice(keys), rng.choice(junk)) for _ in range(rng.randint(1, 5))]
        status, _, body = get(params)
        assert status in (200, 204), params
        assert b"Traceback" not in body
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(preview, "first_screen", lambda query: 1 / 0)
        with caplog.at_level(logging.ERROR, logger=preview.LOGGER.name):
            status, _, body = get({})
    assert status == 204 and body == b""
    assert "ZeroDivisionError" in caplog.text


def test_a_payload_figure_is_the_live_charts_bytes():
    """The route hands over the very bytes a live chart sends (``figure_data``), so a figure kept in the
    run cache is serialized once for both."""
    query = {"opt": ["adam"], "learning_rate": ["0.003"]}
    raw = preview.first_screen_payload(query)
    config, _ = state.parse_playground(query)
    problem = ui.cached_problem(config.problem, config.problem_params)
    trace = ui.cached_run(config.optimizer, config.problem, config.problem_params, **state.run_kwargs(config))
    window = ui.of_run(preview.run_window, trace, problem)[0]
    space_fig, loss_fig, _ = ui.of_run(preview.first_screen_figures, trace, trace.k, window, False, "en")
    assert raw.split(b"\n")[1:] == [figure_data(space_fig)[0], figure_data(loss_fig)[0]]


def test_a_rerun_waits_for_the_previews_already_being_computed(monkeypatch):
    """A slider's preview and its rerun start together; the rerun lets the preview (which the browser is
    waiting for) finish first, for at most YIELD_S, and never waits for a preview asked after it."""
    import threading
    import time

    gates: dict[str, threading.Event] = {}
    monkeypatch.setattr(preview, "first_screen", lambda query: gates[query["id"]].wait(5) and None)

    def start(name: str) -> threading.Thread:
        gates[name] = threading.Event()
        before = len(preview._RUNNING)
        thread = threading.Thread(target=preview._computed, args=({"id": name},))
        thread.start()
        while len(preview._RUNNING) == before:
            time.sleep(0.001)
        return thread

    def timed_yield() -> float:
        began = time.perf_counter()
        preview.yield_to_previews()
        return time.perf_counter() - began

    assert timed_yield() < 0.01  # none running: no wait
    earlier = start("earlier")
    waited: list[float] = []
    rerun = threading.Thread(target=lambda: waited.append(timed_yield()))
    rerun.start()
    time.sleep(0.01)
    later = start("later")  # asked after the rerun began to wait: it must not hold it
    time.sleep(0.02)
    gates["earlier"].set()
    rerun.join(5)
    assert 0.025 <= waited[0] < preview.YIELD_S  # until the earlier preview was done
    assert (
        timed_yield() >= 0.9 * preview.YIELD_S
    )  # "later" still runs: a new rerun waits, but no longer than this
    gates["later"].set()
    earlier.join(5), later.join(5)
    assert not preview._RUNNING


def test_a_preview_asked_ahead_never_holds_a_rerun(monkeypatch):
    """The browser asks the focused slider's neighbouring notches ahead (header ``AHEAD``): same payload,
    but a rerun that starts meanwhile does not wait for it, as it waits for a move's own preview."""
    import threading

    query = {"opt": "adam", "learning_rate": "0.003"}
    (status, _, body), (own_status, _, own_body) = (
        get(query, ((preview.AHEAD.lower().encode(), b"1"),)),
        get(query),
    )
    assert status == own_status == 200 and body == own_body
    running, go = threading.Event(), threading.Event()

    def held(query):
        running.set()
        go.wait(5)

    monkeypatch.setattr(preview, "first_screen", held)
    ahead = threading.Thread(target=get, args=(query, ((preview.AHEAD.lower().encode(), b"1"),)))
    ahead.start()
    assert running.wait(5)
    assert not preview._RUNNING  # being computed, yet no rerun waits for it
    go.set()
    ahead.join(5)


def _switch_query(at, data: dict, optimizer: str) -> dict[str, str]:
    """What preview.js asks on a click on ``optimizer`` in the select (its data from the page)."""
    query = {**browser_link(at, data), preview.SWITCH: optimizer}
    query.update({preview.KEPT + k: str(v) for k, v in data["switch"]["kept"].get(optimizer, {}).items()})
    return query


@pytest.mark.parametrize(
    "link, visit, to",
    [
        ({}, None, "sgd"),  # the page default's learning rate is not carried
        ({"learning_rate": "0.02"}, None, "sgd"),  # a chosen one is
        ({"opt": "lookahead-adam", "learning_rate": "0.02", "lookahead.k": "7"}, None, "adamw"),
        ({"problem": "rosenbrock"}, ("adamw", "beta2", 0.99), "adamw"),  # kept from an earlier visit
        ({"learning_rate": "7"}, None, "sgd"),  # outside SGD's range: not carried
    ],
)
def test_a_switch_previews_the_settings_the_page_then_shows(link, visit, to):
    at = open_page("playground", **link)
    if visit is not None:  # the person set one of another optimizer's values, then came back
        optimizer, name, value = visit
        back = at.selectbox(key="pg.opt").value
        at.selectbox(key="pg.opt").set_value(optimizer).run()
        at.select_slider(key=f"pg.hp.{optimizer}.{name}").set_value(value).run()
        at.selectbox(key="pg.opt").set_value(back).run()
    data = component_data(at, "pg.preview")
    assert set(data["switch"]["labels"]) == set(at.selectbox(key="pg.opt").options)  # the labels it shows
    clicked = _switch_query(at, data, to)
    asked = preview.switched_query(clicked)
    at.selectbox(key="pg.opt").set_value(to).run()
    assert not at.exception
    shown = browser_link(at, component_data(at, "pg.preview"))
    assert state.parse_playground(asked)[0] == state.parse_playground(shown)[0]
    memo.clear_all()
    assert preview.first_screen_payload(clicked) == preview.first_screen_payload(shown)
