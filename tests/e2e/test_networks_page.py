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
