"""Modifiers in Chromium: a person switches Lookahead on beside Adam; the path is redrawn as
Lookahead(Adam)'s, its sync period slider appears, and the address bar names the chain; the link opens
it again with the toggle on."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import numpy as np

import optviz
from optviz import app_state

from .browser import CHART, chart_digest, key_selector, open_app, open_expander, wait_chart_change, wait_idle

SPACE = key_selector("pg.chart.space")
LOOKAHEAD = key_selector("pg.mod.lookahead")


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


#: The path trace's points: plotly keeps a figure's typed-array specs ({dtype, bdata}) in gd.data.
_PATH_JS = """(el) => {
  const dec = (v) => {
    if (ArrayBuffer.isView(v) || Array.isArray(v)) return Array.from(v);
    const bin = atob(v.bdata), bytes = new Uint8Array(bin.length);
    for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    return Array.from(new ({f4: Float32Array, f8: Float64Array}[v.dtype])(bytes.buffer));
  };
  const t = el.data.find((d) => d.name === 'path');
  return [dec(t.x), dec(t.y)];
}"""


def _path(page) -> np.ndarray:
    """The drawn path (as float32, the chart's precision) as (n, 2)."""
    return np.array(page.locator(SPACE + " " + CHART).first.evaluate(_PATH_JS)).T


def _slider_value(page, key: str) -> str | None:
    """A sidebar slider's value (scrolled to first: Streamlit draws controls below the fold later)."""
    box = page.locator(key_selector(key))
    box.scroll_into_view_if_needed()
    return box.locator('input[type="range"]').get_attribute("aria-valuetext")


def test_switching_lookahead_on_redraws_the_path_and_names_the_chain_in_the_link(page, server):
    open_app(page, server + "/?opt=adam&learning_rate=0.05&problem=rosenbrock&steps=200")
    page.wait_for_selector(SPACE + " " + CHART)
    before = chart_digest(page.locator(SPACE))
    assert not page.locator(LOOKAHEAD + ' input[type="checkbox"]').is_checked()
    assert page.locator(key_selector("pg.hp.lookahead.k")).count() == 0

    page.locator(LOOKAHEAD + " label").first.click()
    page.wait_for_function("() => location.search.includes('opt=lookahead-adam')")
    wait_chart_change(page, SPACE, before)
    wait_idle(page)
    query = _query(page)
    assert query["opt"] == "lookahead-adam" and query["learning_rate"] == "0.05"
    assert query["lookahead.k"] == "5" and query["lookahead.alpha"] == "0.5"
    assert page.locator(LOOKAHEAD + ' input[type="checkbox"]').is_checked()
    assert _slider_value(page, "pg.hp.lookahead.k") == "5"
    # the drawn path is Lookahead(Adam)'s, not Adam's
    config, _ = app_state.parse_playground(query)
    trace = optviz.run(config.optimizer, "rosenbrock", **app_state.run_kwargs(config))
    drawn = _path(page)
    np.testing.assert_allclose(drawn[-1], trace.params[-1], rtol=1e-6)
    adam = optviz.run("adam", "rosenbrock", steps=200, hparams={"learning_rate": 0.05})
    assert np.abs(drawn[-1] - adam.params[-1]).max() > 1e-3

    # the link opens the same run with the toggle on and the sync period it carries
    open_app(page, server + "/?opt=lookahead-adam&lookahead.k=3&problem=rosenbrock&steps=200")
    page.wait_for_selector(SPACE + " " + CHART)
    assert page.locator(LOOKAHEAD + ' input[type="checkbox"]').is_checked()
    assert _slider_value(page, "pg.hp.lookahead.k") == "3"
    assert _query(page)["opt"] == "lookahead-adam"


def test_compare_adds_cautious_adamw_beside_adamw_from_its_expander(page, server):
    """A person opens AdamW's settings in Compare and presses "Add Cautious AdamW": a third run appears,
    its chip in the optimizer list, its line in the legend, its key in the address bar, and its path is
    optviz.run's for the chain at AdamW's settings."""
    open_app(page, server + "/compare?opts=sgd,adamw&problem=rosenbrock&adamw.learning_rate=0.05")
    open_expander(page.locator('[data-testid="stExpander"] summary').filter(has_text="AdamW").first)
    page.locator(key_selector("cmp.wrap.adamw.cautious-adamw")).get_by_role(
        "button", name="Add Cautious AdamW"
    ).click()
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('opts') === 'sgd,adamw,cautious-adamw'"
    )
    wait_idle(page)
    assert "Cautious AdamW" in page.locator(key_selector("cmp.opts")).inner_text()
    paths = page.locator(key_selector("cmp.paths_chart") + " " + CHART)
    assert "Cautious AdamW" in paths.locator(".legend").text_content()
    ends = paths.evaluate(
        "gd => gd._fullData.filter(t => t.mode === 'lines' && t.name === 'Cautious AdamW')"
        ".map(t => [t.x[t.x.length - 1], t.y[t.y.length - 1]])"
    )
    config, warnings = app_state.parse_compare(parse_qs(urlparse(page.url).query))
    assert not warnings and config.hparams["cautious-adamw"]["learning_rate"] == 0.05
    base = config.base
    run = optviz.run(
        "cautious-adamw", base.problem, steps=base.steps, hparams=config.hparams["cautious-adamw"]
    )
    assert len(ends) == 1 and np.allclose(ends[0], run.params[-1], rtol=1e-5, atol=1e-6), (
        ends,
        run.params[-1],
    )
