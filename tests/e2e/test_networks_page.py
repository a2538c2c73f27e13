"""The Networks page in Chromium: the decision boundary follows the step cursor and plays over training."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from .browser import CHART, key_selector, open_app, wait_idle

BOUNDARY = key_selector("net.chart.boundary") + " " + CHART
#: What the boundary chart shows: its title (step and accuracies) and the probability field it draws.
_BOUNDARY_JS = """(gd) => JSON.stringify([gd.layout.title.text, gd.data[0].z],
  (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v))"""


def _boundary(page) -> str:
    return page.locator(BOUNDARY).evaluate(_BOUNDARY_JS)


def test_the_boundary_follows_the_step_cursor_and_plays_over_training(page, server):
    open_app(page, f"{server}/networks")
    page.locator(BOUNDARY).wait_for()
    before = _boundary(page)
    assert "Step 300:" in before
    # move the step cursor to the start: the boundary is redrawn for the untrained network
    page.locator(key_selector("net.cursor") + ' input[type="range"]').focus()
    page.keyboard.press("Home")
    page.wait_for_function("() => new URLSearchParams(location.search).get('cursor') === '0'")
    wait_idle(page)
    page.wait_for_function(
        "([sel, before]) => { const gd = document.querySelector(sel);"
        f" return gd && gd.data && ({_BOUNDARY_JS})(gd) !== before; }}",
        arg=[BOUNDARY, before],
    )
    at_start = _boundary(page)
    assert "Step 0:" in at_start and at_start != before
    assert parse_qs(urlparse(page.url).query)["cursor"] == ["0"]
    # back to the end, then Play: the frames redraw the field from step 0 on
    page.locator(key_selector("net.cursor") + ' input[type="range"]').focus()
    page.keyboard.press("End")
    page.wait_for_function("() => !new URLSearchParams(location.search).has('cursor')")
    wait_idle(page)
    chart = page.locator(BOUNDARY)
    page.wait_for_function(
        "(sel) => { const gd = document.querySelector(sel); return gd && gd._fullLayout.sliders"
        " && gd._fullLayout.sliders.length; }",
        arg=BOUNDARY,
    )
    shown = _boundary(page)
    chart.locator(".updatemenu-button").first.click()
    page.wait_for_function(
        f"([sel, shown]) => ({_BOUNDARY_JS})(document.querySelector(sel)) !== shown",
        arg=[BOUNDARY, shown],
    )
    assert _boundary(page) != shown


LANDSCAPE = key_selector("net.chart.landscape") + " " + CHART
STEP_CHARTS = [key_selector(f"net.chart.{name}") + " " + CHART for name in ("caveat", "curves", "layers")]
#: Each run's star as the browser drew it on the slice: the centre of its ten vertices in the chart's
#: pixels, and its colour.
OVERLAY_STARS_JS = """gd => Array.from(gd.querySelectorAll('svg.optviz-cursor polygon[data-mark="cursor"]'))
  .map(s => { const p = s.getAttribute('points').trim().split(/\\s+/).map(q => q.split(',').map(Number));
    return [p.reduce((a, q) => a + q[0], 0) / p.length, p.reduce((a, q) => a + q[1], 0) / p.length,
            s.getAttribute('fill')]; })"""
#: Where Plotly draws the server's stars (one star-marker trace per run), in the same pixels, and colour.
PLOTLY_STARS_JS = """gd => { const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis;
  return gd._fullData.filter(t => t.marker && t.marker.symbol === 'star')
    .map(t => [xa._offset + xa.c2p(t.x[0]), ya._offset + ya.c2p(t.y[0]), t.marker.color]); }"""
#: The browser's lines on a chart over the steps (pixels), and where each panel draws step ``n``.
OVERLAY_LINES_JS = """([gd, n]) => { const L = gd._fullLayout;
  const panels = (L._subplots.cartesian || []).map(id => L['xaxis' + /^x(\\d*)/.exec(id)[1]]);
  return [Array.from(gd.querySelectorAll('svg.optviz-cursor line[data-mark="step"]'))
            .map(l => Number(l.getAttribute('x1'))), panels.map(xa => xa._offset + xa.c2p(n))]; }"""


def test_keys_move_every_run_on_the_slice_in_the_browser_where_the_server_draws_them(page, server):
    open_app(page, f"{server}/networks?cursor=200")
    page.locator(LANDSCAPE).wait_for()
    wait_idle(page)
    page.locator(key_selector("net.cursor") + " .optviz-step[data-step]").wait_for()
    thumb = page.locator(key_selector("net.cursor") + ' input[type="range"]')
    assert thumb.evaluate("e => e.value") == "200"
    thumb.focus()
    for _ in range(30):  # a burst, faster than any rerun
        page.keyboard.press("ArrowLeft")
    # drawn by this browser before the server heard of it: a star per run, a line on every step chart
    stars = page.locator(LANDSCAPE).evaluate(OVERLAY_STARS_JS)
    assert len(stars) == 2, stars  # SGD and Adam
    for chart in STEP_CHARTS:  # one line per panel, at step 170
        lines, expected = (
            page.locator(chart)
            .element_handle()
            .evaluate("(gd, n) => (" + OVERLAY_LINES_JS + ")([gd, n])", 170)
        )
        assert len(lines) == len(expected) > 0, (chart, lines, expected)
        assert all(min(abs(x - e) for e in expected) < 1 for x in lines), (chart, lines, expected)
    assert parse_qs(urlparse(page.url).query)["cursor"] == ["200"]  # nothing sent yet
    # when the keys stop the step goes to the server once; its charts then draw step 170 themselves,
    # the browser's marks hide, and they were exactly where Plotly draws the server's stars
    page.wait_for_function("() => new URLSearchParams(location.search).get('cursor') === '170'")
    wait_idle(page)
    page.wait_for_function(
        "(sel) => document.querySelector(sel).querySelectorAll('svg.optviz-cursor [data-mark]').length === 0",
        arg=LANDSCAPE,
    )
    server_stars = page.locator(LANDSCAPE).evaluate(PLOTLY_STARS_JS)
    assert sorted(c for *_, c in stars) == sorted(c for *_, c in server_stars)
    for x, y, color in stars:
        ((sx, sy),) = [(a, b) for a, b, c in server_stars if c == color]
        assert abs(x - sx) <= 1.5 and abs(y - sy) <= 1.5, (stars, server_stars)  # pixels
    assert "Step 170:" in _boundary(page)  # the decision boundary followed
