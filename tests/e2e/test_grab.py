"""Grab the picture (issue 14): a click on the parameter-space contour sets the start point, and the run
follows at once, in the Playground and in Compare; also after the animation played and in presentation
mode. A person clicks a spot of the chart; the start controls, the URL and the drawn path's first point
must all move there (within two of the 1/300-of-the-window steps the start is rounded to)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from optviz.plots.space import CLICK_STEPS

from .browser import CHART, key_selector, open_app, press_slider, wait_idle

PG_CHART = key_selector("pg.chart.space") + " " + CHART
CMP_CHART = key_selector("cmp.paths_chart") + " " + CHART

#: Data coordinates -> page pixels through the chart's own axes (l2p, plus the plot area's offset).
_TO_PIXELS_JS = """([sel, fx, fy]) => {
  const gd = document.querySelector(sel), L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis, r = gd.getBoundingClientRect();
  const x = xa.range[0] + fx * (xa.range[1] - xa.range[0]), y = ya.range[0] + fy * (ya.range[1] - ya.range[0]);
  return {x, y, px: r.left + xa._offset + xa.l2p(x), py: r.top + ya._offset + ya.l2p(y),
          cell: [(xa.range[1] - xa.range[0]) / CELLS, (ya.range[1] - ya.range[0]) / CELLS]};
}""".replace("CELLS", str(CLICK_STEPS // 2))


def _click(page, chart: str, fx: float, fy: float) -> dict:
    """Click the chart at fractions (fx, fy) of its axes' ranges; return the aimed data point and a cell."""
    gd = page.locator(chart).first
    gd.wait_for()
    # the click's component is loaded after the page's script has run: a click before it hooked the chart
    # is lost (a person who clicks again gets it; Playwright can be that early)
    page.wait_for_function(
        "sel => { const gd = document.querySelector(sel); return !!(gd && gd.__optvizClick); }", arg=chart
    )
    gd.scroll_into_view_if_needed()
    aim = page.evaluate(_TO_PIXELS_JS, [chart, fx, fy])
    page.mouse.move(aim["px"], aim["py"])
    page.mouse.click(aim["px"], aim["py"])
    return aim


def _input(key: str) -> str:
    """The number entry of the typed control ``key`` (its widget key ends in ":typed", see webui.ui)."""
    return key_selector(key + ":typed") + " input"


def _number(page, key: str) -> float:
    return float(page.locator(_input(key)).first.input_value())


def _wait_start(page, keys: list[str], aim: dict) -> tuple[float, float]:
    """Wait until the start controls hold a point within two rounding steps of ``aim``; return it."""
    inputs = [_input(k) for k in keys]
    page.wait_for_function(
        """([sels, aim]) => sels.every((s, i) => {
             const el = document.querySelector(s); if (!el) return false;
             const v = parseFloat(el.value), want = i ? aim.y : aim.x;
             return Math.abs(v - want) <= aim.cell[i] + 1e-9; })""",
        arg=[inputs, aim],
    )
    wait_idle(page)
    return _number(page, keys[0]), _number(page, keys[1])


def _url_start(page) -> tuple[float, float]:
    x, y = parse_qs(urlparse(page.url).query)["start"][0].split(",")
    return float(x), float(y)


def _assert_path_starts(page, chart: str, name: str, start: tuple[float, float]) -> None:
    page.wait_for_function(
        """([sel, name, s]) => { const gd = document.querySelector(sel); if (!gd || !gd._fullData) return false;
             const t = gd._fullData.find((t) => t.name === name);
             return !!t && Math.abs(t.x[0] - s[0]) < 1e-3 && Math.abs(t.y[0] - s[1]) < 1e-3; }""",
        arg=[chart, name, list(start)],
    )


def _grab_playground(page, fx: float, fy: float) -> tuple[float, float]:
    keys = ["pg.start.rosenbrock.0", "pg.start.rosenbrock.1"]
    before = (_number(page, keys[0]), _number(page, keys[1]))
    aim = _click(page, PG_CHART, fx, fy)
    start = _wait_start(page, keys, aim)
    assert start != before
    assert abs(start[0] - aim["x"]) <= aim["cell"][0] and abs(start[1] - aim["y"]) <= aim["cell"][1]
    assert _url_start(page) == pytest.approx(start)
    _assert_path_starts(page, PG_CHART, "path", start)
    return start


def test_a_click_on_the_playground_contour_sets_the_start(page, server):
    open_app(page, f"{server}/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300")
    _grab_playground(page, 0.25, 0.8)
    # the selection is applied once: a typed start afterwards stays (it is not undone by the old click)
    box = page.locator(_input("pg.start.rosenbrock.0")).first
    box.fill("0.5")
    box.press("Enter")
    page.wait_for_function("() => new URLSearchParams(location.search).get('start')?.startsWith('0.5,')")
    wait_idle(page)
    assert _number(page, "pg.start.rosenbrock.0") == 0.5
    # a second click elsewhere moves it again
    _grab_playground(page, 0.7, 0.3)


def test_a_click_after_slider_notches_sets_the_start_of_the_run_shown(page, server):
    """The start's entries are drawn by the page's full run: after notches that only reran the page's
    body, a click still sets the start (the body draws the new run, then the page reruns), and the
    entries show the clicked point."""
    open_app(page, f"{server}/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300")
    wait_idle(page)
    press_slider(page, "pg.hp.adam.learning_rate", "ArrowLeft", 2)
    page.wait_for_function("() => new URLSearchParams(location.search).get('learning_rate') !== '0.05'")
    wait_idle(page)
    lr = parse_qs(urlparse(page.url).query)["learning_rate"][0]
    start = _grab_playground(page, 0.3, 0.7)
    assert parse_qs(urlparse(page.url).query)["learning_rate"][0] == lr  # the notches are kept
    assert _grab_playground(page, 0.8, 0.2) != start


def test_a_click_still_sets_the_start_after_play(page, server):
    open_app(page, f"{server}/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300")
    chart = page.locator(PG_CHART).first
    chart.wait_for()
    # the step cursor's Play draws its marks over the chart; they never catch the click
    box = page.locator(key_selector("pg.cursor") + " .optviz-step")
    box.locator("button").click()
    page.wait_for_function("el => el.dataset.step === '300'", arg=box.element_handle())
    page.wait_for_timeout(600)  # the step goes to the server
    wait_idle(page)
    _grab_playground(page, 0.3, 0.3)


def test_a_click_sets_the_start_in_presentation_mode(page, server):
    open_app(page, f"{server}/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300&present=true")
    _grab_playground(page, 0.75, 0.75)


def test_a_click_on_the_compare_paths_sets_the_shared_start(page, server):
    open_app(page, f"{server}/compare?problem=rosenbrock&steps=300")
    keys = ["cmp.start.rosenbrock.x", "cmp.start.rosenbrock.y"]
    before = (_number(page, keys[0]), _number(page, keys[1]))
    aim = _click(page, CMP_CHART, 0.3, 0.75)
    start = _wait_start(page, keys, aim)
    assert start != before
    assert _url_start(page) == pytest.approx(start)
    names = page.evaluate(
        "sel => document.querySelector(sel)._fullData.filter(t => t.mode === 'lines').map(t => t.name)",
        CMP_CHART,
    )
    assert len(names) >= 2
    for name in names:  # every optimizer's path starts at the clicked point
        _assert_path_starts(page, CMP_CHART, name, start)


def _hover_text(page, chart: str, trace: str | None, i: int = 0, at: tuple[float, float] = (0, 0)) -> str:
    """Move the mouse onto point ``i`` of the trace named ``trace`` (or onto fractions ``at`` of the axes)
    and return the hover label's text."""
    page.locator(chart).first.scroll_into_view_if_needed()
    if trace is None:
        aim = page.evaluate(_TO_PIXELS_JS, [chart, *at])
        x, y = aim["px"], aim["py"]
    else:
        x, y = page.evaluate(
            """([sel, name, i]) => { const gd = document.querySelector(sel), L = gd._fullLayout;
                 const r = gd.getBoundingClientRect(), t = gd._fullData.find((t) => t.name === name);
                 return [r.left + L.xaxis._offset + L.xaxis.l2p(t.x[i]), r.top + L.yaxis._offset + L.yaxis.l2p(t.y[i])]; }""",
            [chart, trace, i],
        )
    page.mouse.move(x + 1, y + 1)
    label = page.locator(chart + " .hoverlayer .hovertext").first
    label.wait_for()
    return label.text_content()


def test_the_grid_keeps_the_path_hover_and_repeats_the_contour_values(page, server):
    open_app(page, f"{server}/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300")
    assert _hover_text(page, PG_CHART, "path", 40).startswith("step ")  # the path's own label wins on it
    page.mouse.move(1, 1)
    away = _hover_text(page, PG_CHART, None, at=(0.9, 0.1))  # far from the path: the grid's label
    assert "click to start here" in away and "log10 loss=" in away and "x=" in away
