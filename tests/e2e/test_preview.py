"""The Playground's preview in Chromium: a slider's key press or drag redraws the path and loss charts from
``/optviz/preview`` while Streamlit's rerun is still on its way (here: held back), with exactly the figures
the rerun then brings; without the route, the rerun alone redraws them."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import numpy as np

import optviz
from optviz import app_state

from .browser import (
    chart_digest,
    key_selector,
    open_app,
    open_select,
    wait_chart_change,
    wait_idle,
    wait_preview_ready,
)

SPACE, LOSS = (key_selector(f"pg.chart.{name}") for name in ("space", "loss"))
LR = key_selector("pg.hp.adam.learning_rate") + ' input[type="range"]'
FIGURE_JS = "el => el.querySelector('.optviz-chart').__optvizLive.figure"
PATH_END_JS = (
    "el => { const d = el.querySelector('.js-plotly-plot')._fullData[1]; return [d.x.at(-1), d.y.at(-1)]; }"
)
STREAM = re.compile(r"/_stcore/stream")


class HeldStream:
    """Streamlit's websocket, relayed by Playwright: while ``held``, the server's messages wait here, so
    the page sees no rerun until ``release``."""

    def __init__(self, page) -> None:
        self.held, self.waiting, self.routes = False, [], []
        page.route_web_socket(STREAM, self._route)

    def _route(self, ws) -> None:
        server = ws.connect_to_server()
        ws.on_message(lambda message: server.send(message))
        server.on_message(
            lambda message: self.waiting.append((ws, message)) if self.held else ws.send(message)
        )
        self.routes.append(ws)

    def wait_held(self, page, timeout_s: float = 20) -> None:
        """Until the server has sent something the page has not seen (the rerun is on its way): a move
        drawn from an answer asked ahead is redrawn before the server has answered anything."""
        for _ in range(int(timeout_s / 0.05)):
            if self.waiting:
                return
            page.wait_for_timeout(50)  # Playwright's callbacks (the relay) run while it waits
        raise AssertionError("the rerun never came")

    def release(self) -> None:
        self.held = False
        while self.waiting:
            ws, message = self.waiting.pop(0)
            ws.send(message)


def _lr(page) -> str:
    return parse_qs(urlparse(page.url).query)["learning_rate"][0]


def _path_end(lr: float) -> np.ndarray:
    config = app_state.default_config()
    config = app_state.with_changes(config, hparams={**config.hparams, "learning_rate": lr})
    trace = optviz.run(config.optimizer, app_state.build_problem(config), **app_state.run_kwargs(config))
    return trace.params[-1].astype(np.float32)


def _asked(page) -> list[tuple[str, bool]]:
    """Every preview request the page makes: (its link's learning rate, asked ahead)."""
    asked: list[tuple[str, bool]] = []

    def seen(r) -> None:
        if "/optviz/preview?" in r.url:
            lr = parse_qs(urlparse(r.url).query)["learning_rate"][0]
            asked.append((lr, r.headers.get("x-optviz-ahead") == "1"))

    page.on("request", seen)
    return asked


def _wait_asked_ahead(page, answers: int) -> None:
    """Until the page holds ``answers`` answers asked ahead and none is on its way."""
    page.wait_for_function(
        "(n) => window.__optvizPreview.ahead.size === n && !window.__optvizPreview.aheadBusy", arg=answers
    )


def test_a_key_press_redraws_the_first_screen_before_the_rerun_with_the_reruns_figures(page, server):
    """Focus on the learning-rate slider asks its two neighbouring notches ahead; the key press then draws
    the one it moves to at once, with the rerun held back, and the rerun brings the very same figures."""
    stream = HeldStream(page)
    asked = _asked(page)
    open_app(page, server + "/")
    wait_idle(page)
    wait_preview_ready(page)
    assert asked == []  # drawing the sliders is not moving them
    before = {chart: chart_digest(page.locator(chart)) for chart in (SPACE, LOSS)}
    assert _lr(page) == "0.01"
    page.locator(LR).focus()
    _wait_asked_ahead(page, 2)
    assert len(asked) == 2 and all(ahead for _, ahead in asked), asked
    up, down = sorted((float(lr) for lr, _ in asked), reverse=True)
    assert down < 0.01 < up
    stream.held = True
    page.keyboard.press("ArrowRight")
    for chart in (SPACE, LOSS):  # redrawn with no rerun: the server's messages are all held
        wait_chart_change(page, chart, before[chart], shown=True)
    stream.wait_held(page)  # the rerun was on its way
    lr = float(page.locator(LR).get_attribute("aria-valuetext"))
    assert lr == up and len(asked) == 2  # drawn from the answer asked ahead: no request of its own
    assert np.allclose(page.locator(SPACE).evaluate(PATH_END_JS), _path_end(lr))  # the new run's end
    previewed = {chart: page.locator(chart).evaluate(FIGURE_JS) for chart in (SPACE, LOSS)}
    stream.release()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('learning_rate') === '{lr:g}'")
    wait_idle(page)
    for chart in (SPACE, LOSS):  # the rerun brought the very figures the preview drew
        assert page.locator(chart).evaluate(FIGURE_JS) == previewed[chart]
    # the new link's neighbours are asked ahead in turn: the next notch up, and 0.01 back down
    _wait_asked_ahead(page, 4)
    later = sorted(float(v) for v, _ in asked[2:])
    assert len(asked) == 4 and later[0] == 0.01 and later[1] > lr, asked


def test_a_notch_past_those_asked_ahead_asks_the_route_itself(page, server):
    """Two notches with the rerun held back: the first is drawn from the answer asked ahead; the second,
    which nobody asked ahead (the page still shows the old link), asks the route itself."""
    stream = HeldStream(page)
    asked = _asked(page)
    open_app(page, server + "/")
    wait_idle(page)
    wait_preview_ready(page)
    page.locator(LR).focus()
    _wait_asked_ahead(page, 2)
    stream.held = True
    before = chart_digest(page.locator(SPACE))
    page.keyboard.press("ArrowRight")
    before = wait_chart_change(page, SPACE, before, shown=True)
    with page.expect_response(lambda r: "/optviz/preview?" in r.url and r.status == 200):
        page.keyboard.press("ArrowRight")
    wait_chart_change(page, SPACE, before, shown=True)
    lr = float(page.locator(LR).get_attribute("aria-valuetext"))
    assert len(asked) == 3 and asked[2] == (f"{lr:g}", False), asked  # its own request
    assert lr > max(float(v) for v, _ in asked[:2])
    assert np.allclose(page.locator(SPACE).evaluate(PATH_END_JS), _path_end(lr))
    stream.release()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('learning_rate') === '{lr:g}'")


def test_a_drag_redraws_the_path_while_the_slider_is_held(page, server):
    """Streamlit sends a dragged slider's value when it is let go; the preview follows the drag."""
    stream = HeldStream(page)
    open_app(page, server + "/")
    wait_idle(page)
    wait_preview_ready(page)
    before = chart_digest(page.locator(SPACE))
    thumb = page.locator(LR).locator("xpath=../..")  # react-aria: the thumb holds a hidden range input
    thumb.scroll_into_view_if_needed()
    track, at = thumb.locator("xpath=..").bounding_box(), thumb.bounding_box()
    x0, y = at["x"] + at["width"] / 2, at["y"] + at["height"] / 2
    stream.held = True
    page.mouse.move(x0, y)
    page.mouse.down()
    page.mouse.move(x0 - track["width"] * 0.15, y, steps=6)  # to a smaller learning rate, button held
    wait_chart_change(page, SPACE, before, shown=True)
    lr = float(page.locator(LR).get_attribute("aria-valuetext"))
    assert lr < 0.01
    page.wait_for_function(  # the last position's run, drawn while the button is still down
        "([el, end]) => { const d = el.querySelector('.js-plotly-plot')._fullData[1];"
        " return Math.abs(d.x.at(-1) - end[0]) < 1e-6 && Math.abs(d.y.at(-1) - end[1]) < 1e-6; }",
        arg=[page.locator(SPACE).element_handle(), _path_end(lr).tolist()],
    )
    page.mouse.up()
    stream.release()
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('learning_rate') === '{lr:g}'")
    wait_idle(page)
    assert np.allclose(page.locator(SPACE).evaluate(PATH_END_JS), _path_end(lr))


def test_without_the_route_the_rerun_redraws_the_charts(page, server):
    """A server without the route (``streamlit run app.py``), or a request that fails: nothing changes for
    the person but the wait."""
    page.route("**/optviz/preview?**", lambda route: route.abort())
    open_app(page, server + "/")
    wait_idle(page)
    wait_preview_ready(page)
    before = chart_digest(page.locator(SPACE))
    page.locator(LR).focus()
    page.keyboard.press("ArrowLeft")
    wait_chart_change(page, SPACE, before, shown=True)
    page.wait_for_function("() => new URLSearchParams(location.search).get('learning_rate') !== '0.01'")
    wait_idle(page)
    lr = float(_lr(page))
    assert lr < 0.01
    assert np.allclose(page.locator(SPACE).evaluate(PATH_END_JS), _path_end(lr))


#: Each live chart's Plotly.react (start, end) and every animation frame, from the page's clock.
DRAWS_JS = """() => { window.__draws = []; window.__frames = [];
  const P = window.Plotly, react = P.react;
  P.react = function (gd, ...rest) {
    const key = (gd.closest('[class*="st-key-pg-chart-"]').className.match(/st-key-(pg-chart-\\w+)/) || [])[1];
    const began = performance.now(), drawn = react.call(this, gd, ...rest);
    window.__draws.push([key, began, performance.now()]); return drawn; };
  const tick = (t) => { window.__frames.push(performance.now()); requestAnimationFrame(tick); };
  requestAnimationFrame(tick); }"""


def test_a_notch_shows_the_path_chart_before_the_other_charts_are_drawn(page, server):
    """One chart redrawn per frame, in the page's order: drawn in one task, the charts after the path
    chart kept it off the screen until the last was done."""
    open_app(page, server + "/")
    wait_idle(page)
    wait_preview_ready(page)
    page.wait_for_function(
        "() => window.Plotly && document.querySelectorAll('.optviz-chart .main-svg').length >= 4"
    )
    page.evaluate(DRAWS_JS)
    before = chart_digest(page.locator(SPACE))
    page.locator(LR).focus()
    page.keyboard.press("ArrowRight")
    wait_chart_change(page, SPACE, before, shown=True)
    wait_idle(page)
    draws, frames = page.evaluate("() => [window.__draws, window.__frames]")
    keys = [key for key, _, _ in draws]
    # the path chart among the first two (a preview that lands between the rerun's path and loss charts
    # redraws the loss chart from it while the rerun's path chart is drawn)
    assert "pg-chart-space" in keys[:2] and "pg-chart-loss" in keys, keys
    for (_, _, done), (_, began, _) in zip(draws, draws[1:]):
        assert any(done <= f <= began for f in frames), "a frame between two charts' redraws"


def test_a_click_on_another_optimizer_redraws_the_first_screen_before_the_rerun(page, server):
    """The optimizer select: the switch's run (SGD, carrying the learning rate the person chose) is drawn
    from the route while the rerun is held back, and the rerun brings the same figures."""
    stream = HeldStream(page)
    open_app(page, server + "/?learning_rate=0.05")
    wait_idle(page)
    wait_preview_ready(page)
    before = {chart: chart_digest(page.locator(chart)) for chart in (SPACE, LOSS)}
    options = open_select(page, "pg.opt")
    page.keyboard.type("SGD")
    option = options.filter(has_text=re.compile(r"(^|· )SGD$")).first
    option.wait_for()
    stream.held = True
    with page.expect_response(
        lambda r: "/optviz/preview?" in r.url and "switch=sgd" in r.url and r.status == 200
    ):
        option.click()
    for chart in (SPACE, LOSS):
        wait_chart_change(page, chart, before[chart], shown=True)
    stream.wait_held(page)  # the rerun was on its way
    config = app_state.with_changes(app_state.default_config(), optimizer="sgd",
                                    hparams={**app_state.default_hparams("sgd", "linear_regression"), "learning_rate": 0.05})  # fmt: skip
    trace = optviz.run("sgd", app_state.build_problem(config), **app_state.run_kwargs(config))
    assert np.allclose(page.locator(SPACE).evaluate(PATH_END_JS), trace.params[-1].astype(np.float32))
    previewed = {chart: page.locator(chart).evaluate(FIGURE_JS) for chart in (SPACE, LOSS)}
    stream.release()
    page.wait_for_function("() => new URLSearchParams(location.search).get('opt') === 'sgd'")
    wait_idle(page)
    assert _lr(page) == "0.05"  # carried: the person's choice, not Adam's page default
    for chart in (SPACE, LOSS):
        assert page.locator(chart).evaluate(FIGURE_JS) == previewed[chart]
