"""The Playground's step cursor in Chromium: keys and Play move every view in the browser at once (no rerun),
exactly where the server's own charts draw that step; when the person stops, the address bar and the
worked step follow."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np

import optviz
from optviz import app_state

from .browser import key_selector, open_app, wait_idle

CURSOR = key_selector("pg.cursor") + " .optviz-step"
SPACE, LOSS, DATA = (
    key_selector(f"pg.chart.{name}") + " .js-plotly-plot" for name in ("space", "loss", "data")
)

#: The cursor's star the browser drew on a chart (the mean of its ten vertices: its centre), as a page
#: position ("page") and in the chart's data coordinates ("data", read back through its axes); null if none.
OVERLAY_STAR_JS = """gd => { const s = gd.querySelector('svg.optviz-cursor polygon[data-mark="cursor"]');
  if (!s) return null; const box = gd.querySelector('svg.optviz-cursor').getBoundingClientRect();
  const p = s.getAttribute('points').trim().split(/\\s+/).map(q => q.split(',').map(Number));
  const cx = p.reduce((a, q) => a + q[0], 0) / p.length, cy = p.reduce((a, q) => a + q[1], 0) / p.length;
  const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis;
  return {page: [box.left + cx, box.top + cy], data: [xa.p2c(cx - xa._offset), ya.p2c(cy - ya._offset)]}; }"""
#: Page position of the cursor star Plotly itself draws (the server's figure: a star-marker trace).
PLOTLY_STAR_JS = """gd => { const sc = gd._fullData.filter(t => t.type === 'scatter');
  const i = sc.findIndex(t => t.marker && t.marker.symbol === 'star');
  const pt = gd.querySelectorAll('.scatterlayer .trace')[i].querySelector('path.point');
  const r = pt.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }"""
#: The browser's fitted line at the cursor, in data coordinates (its two ends, read back through the axes).
OVERLAY_LINE_JS = """gd => { const l = gd.querySelector('svg.optviz-cursor line[data-mark="model"]'); if (!l) return null;
  const L = gd._fullLayout, xa = L.xaxis, ya = L.yaxis, g = (a) => Number(l.getAttribute(a));
  return [[xa.p2c(g('x1') - xa._offset), ya.p2c(g('y1') - ya._offset)],
          [xa.p2c(g('x2') - xa._offset), ya.p2c(g('y2') - ya._offset)]]; }"""
MARKS_JS = "() => document.querySelectorAll('svg.optviz-cursor [data-mark]').length"


def _query(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlparse(page.url).query).items()}


def test_keys_move_every_view_at_once_where_the_server_draws_that_step(page, server):
    open_app(
        page, server + "/?cursor=40"
    )  # the seed's example (Adam, regression data, 1000 steps) at step 40
    trace = optviz.run("adam", app_state.build_problem(app_state.default_config()),
                       **app_state.run_kwargs(app_state.default_config()))  # fmt: skip
    wait_idle(page)
    page.locator(CURSOR + "[data-step]").wait_for()  # the component's script has run
    for chart in (SPACE, LOSS, DATA):  # what the person looks at before moving the cursor
        page.wait_for_selector(chart + " .main-svg")
    thumb = page.locator(CURSOR + ' input[type="range"]')
    assert thumb.get_attribute("max") == str(trace.k) and thumb.evaluate("e => e.value") == "40"
    thumb.focus()
    for _ in range(25):  # faster than any rerun: 25 presses in a burst
        page.keyboard.press("ArrowRight")
    n = 65
    # drawn by the browser before the server heard of it: star, loss line, fitted line, internals lines
    assert page.locator(CURSOR + " output").inner_text() == f"step {n} of {trace.k}"
    assert page.evaluate(MARKS_JS) >= 4
    star = page.locator(SPACE).evaluate(OVERLAY_STAR_JS)["page"]
    step_x, loss_y = page.locator(LOSS).evaluate(OVERLAY_STAR_JS)["data"]
    assert abs(step_x - n) < 1 and abs(loss_y / trace.loss[n] - 1) < 1e-2, (step_x, loss_y, trace.loss[n])
    w, b = trace.params[n]
    for x, y in page.locator(DATA).evaluate(OVERLAY_LINE_JS):
        assert abs(y - (w * x + b)) <= 1e-4 * max(1.0, abs(y)), (x, y, w, b)  # step 64 or 66 is 1e-2 off
    assert _query(page)["cursor"] == "40"  # nothing sent yet
    # when the keys stop, the step goes to the server once: address bar, worked step, charts
    page.wait_for_function(f"() => new URLSearchParams(location.search).get('cursor') === '{n}'")
    wait_idle(page)
    page.wait_for_function(MARKS_JS.replace("=>", "=> 0 ===", 1))  # the server's charts now draw it
    assert page.get_by_text(f"Step t = {n}: the rule above").count() == 1  # the worked step is step n
    # the browser's marks were exactly where Plotly draws the server's cursor for that step
    assert np.allclose(page.locator(SPACE).evaluate(PLOTLY_STAR_JS), star, atol=1.5)
    path_end = page.locator(SPACE).evaluate("gd => [gd._fullData[1].x.at(-1), gd._fullData[1].y.at(-1)]")
    assert np.allclose(path_end, trace.params[n].astype(np.float32))
    assert thumb.evaluate("e => e.value") == str(n)


def test_play_runs_every_view_over_the_run_and_ends_at_the_last_step(page, server):
    open_app(page, server + "/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=300&cursor=0")
    wait_idle(page)
    page.locator(CURSOR + "[data-step]").wait_for()
    contours = page.locator(SPACE).evaluate("gd => gd.querySelectorAll('.contourlayer path').length")
    assert contours > 0
    step = page.locator(CURSOR)
    assert step.get_attribute("data-step") == "0"
    step.locator("button").click()
    seen = []
    for _ in range(12):  # sample the playback: the step only moves forward, the star with it
        page.wait_for_timeout(90)
        shown = int(step.get_attribute("data-step"))
        seen.append(shown)
        if 0 < shown < 300:
            assert page.locator(SPACE).evaluate(OVERLAY_STAR_JS) is not None
    assert seen == sorted(seen) and len(set(seen)) >= 6, seen  # many frames, in order
    page.wait_for_function("el => el.dataset.step === '300'", arg=step.element_handle(), timeout=15_000)
    page.wait_for_function("() => !new URLSearchParams(location.search).has('cursor')")
    wait_idle(page)
    assert step.locator("button").inner_text().endswith("Play")
    # the contours stayed on every frame and after the last
    assert page.locator(SPACE).evaluate("gd => gd.querySelectorAll('.contourlayer path').length") == contours
