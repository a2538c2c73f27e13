"""What a person sees, in a real browser: pages render their charts, sliders redraw them, a shared
URL restores the exact state, the animation plays, and no element ever shows an exception.

The ``page`` fixture fails a test whose page shows a Streamlit exception box when it ends.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import optviz
from optviz import app_state
from optviz.i18n import t as translate
from webui.ui import format_value as ui_format

from .browser import CHART, chart_digest, key_selector, open_app, open_expander, wait_chart_change, wait_idle

# url path of each page in app.py's navigation (the Playground is the default page, at "/")
PAGES = ["", "compare", "sweep", "learn"]
SPACE = key_selector("pg.chart.space")
LOSS = key_selector("pg.chart.loss")


def _plot_summary(page) -> list[dict]:
    """For every Plotly chart on the page: how many traces it holds and whether its SVG was drawn."""
    return page.eval_on_selector_all(
        CHART,
        "els => els.map(gd => ({traces: (gd.data || []).length, drawn: !!gd.querySelector('.main-svg')}))",
    )


@pytest.mark.parametrize("path", PAGES, ids=[p or "playground" for p in PAGES])
def test_each_page_loads_and_draws_its_charts(page, server, path):
    open_app(page, f"{server}/{path}")
    if path == "learn":  # a card draws its example chart once its expander is opened
        first = next(iter(optviz.OPTIMIZERS))
        page.locator(key_selector(f"learn.card.{first}") + " summary").first.click()
    page.wait_for_selector(CHART, state="attached")
    wait_idle(page)
    charts = _plot_summary(page)
    assert charts and all(c["traces"] >= 1 and c["drawn"] for c in charts), charts
    assert page.locator('[data-testid="stException"]').count() == 0


def _space_data(page) -> dict:
    """The parameter-space chart's path: the trace whose points move with the optimizer."""
    return page.eval_on_selector(
        SPACE + " " + CHART,
        # _fullData holds decoded arrays (data may keep Plotly's base64 "bdata" form)
        """gd => gd._fullData.map(t => ({type: t.type, name: t.name,
              x: t.x ? Array.from(t.x) : null, y: t.y ? Array.from(t.y) : null}))""",
    )


def test_moving_a_slider_redraws_the_chart_with_new_data(page, server):
    open_app(page, f"{server}/?opt=sgd&learning_rate=0.0005&problem=rosenbrock&steps=200")
    page.wait_for_selector(SPACE + " " + CHART)
    before_space = chart_digest(page.locator(SPACE))
    before_loss = chart_digest(page.locator(LOSS))
    slider = page.locator(key_selector("pg.hp.sgd.learning_rate") + ' input[type="range"]')
    old_value = slider.get_attribute("aria-valuetext")
    slider.focus()
    page.keyboard.press("ArrowRight")
    after_space = wait_chart_change(page, SPACE, before_space)
    wait_idle(page)
    new_value = slider.get_attribute("aria-valuetext")
    assert new_value != old_value
    assert after_space != before_space
    assert chart_digest(page.locator(LOSS)) != before_loss
    # The URL follows the slider, and the drawn path is the run at the new learning rate.
    query = parse_qs(urlparse(page.url).query)
    lr = float(query["learning_rate"][0])
    assert lr > 0.0005 and new_value == ui_format(lr)
    trace = optviz.run("sgd", "rosenbrock", steps=200, hparams={"learning_rate": lr})
    _assert_path_drawn(page, trace)


#: Watch the Playground's four charts on every animation frame until ``window.__optvizWatch.stop``: each
#: chart element seen, and each frame in which a chart was missing, hidden or zero-sized.
_WATCH_JS = """(keys) => {
  const w = window.__optvizWatch = {elements: {}, gaps: [], stop: false, stale: 0, fades: 0, dimmest: 1, staleKeys: []};
  const tick = () => {
    // the previous run's elements while a rerun replaces them: never faded, never animated (APP_CSS)
    for (const e of document.querySelectorAll('[data-stale="true"]')) {
      w.stale += 1;
      w.dimmest = Math.min(w.dimmest, parseFloat(getComputedStyle(e).opacity));
      const keyed = [...e.classList].find((c) => c.startsWith('st-key-'));
      if (keyed && !w.staleKeys.includes(keyed)) w.staleKeys.push(keyed);
    }
    // (the focused slider's own tick bar fades out by design: not a stale element)
    for (const a of document.getAnimations()) {
      const target = a.effect && a.effect.target;
      if (a.transitionProperty !== 'opacity' || !target || target.closest('[data-testid="stSlider"]')) continue;
      w.fades += 1;
      w.what = [...(w.what || []), `${target.tagName}.${target.className} in ${target.closest('[data-testid]')?.dataset.testid}`];
    }
    for (const key of keys) {
      const gd = document.querySelector(`.st-key-${key} .js-plotly-plot`);
      let shown = !!gd && gd.offsetWidth > 0;
      for (let e = gd; shown && e; e = e.parentElement) {
        const s = getComputedStyle(e);
        if (s.visibility === 'hidden' || s.display === 'none') shown = false;
      }
      if (!shown) w.gaps.push(key);
      if (gd) { gd.__optvizId = gd.__optvizId || Math.random(); w.elements[key] = [...new Set([...(w.elements[key] || []), gd.__optvizId])]; }
    }
    if (!w.stop) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}"""


def test_a_slider_notch_redraws_every_chart_in_place(page, server):
    """Issue 14: a change that needs a new run redraws the Playground's charts where they are. With
    st.plotly_chart every notch mounted new charts, hidden for a frame or more (the page flashed blank).
    Nothing fades meanwhile: Streamlit's delayed fade of the previous run's ~60 elements made Chromium
    composite and repaint the whole page on every notch. Only the page body reruns (a fragment): the
    optimizer and problem controls are never replaced by a notch (issue 15)."""
    open_app(page, f"{server}/?")
    keys = ["pg-chart-space", "pg-chart-loss", "pg-chart-data", "pg-chart-internals"]
    for key in keys:
        page.wait_for_selector(f".st-key-{key} .js-plotly-plot .main-svg")
    wait_idle(page)
    before = {k: chart_digest(page.locator(f".st-key-{k}")) for k in keys}
    page.evaluate(_WATCH_JS, keys)
    slider = page.locator(key_selector("pg.hp.adam.learning_rate") + ' input[type="range"]')
    slider.focus()
    for key in ("ArrowRight", "ArrowRight", "ArrowLeft"):  # two new runs, then one from the cache
        digest = chart_digest(page.locator(SPACE))
        page.keyboard.press(key)
        wait_chart_change(page, SPACE, digest, shown=True)
        wait_idle(page)
    watch = page.evaluate("() => { window.__optvizWatch.stop = true; return window.__optvizWatch; }")
    assert watch["gaps"] == [], f"charts missing or hidden in some frame: {sorted(set(watch['gaps']))}"
    assert all(len(watch["elements"][k]) == 1 for k in keys), watch["elements"]  # the same chart, redrawn
    assert watch["stale"] > 0  # the frames did see the previous run's elements during the reruns
    assert watch["fades"] == 0 and watch["dimmest"] == 1, sorted(set(watch.get("what", [])))
    rerun = set(watch["staleKeys"])
    # the body reran (which of its elements a frame catches stale depends on the rerun's speed: a run
    # asked ahead by the preview is in the cache, and the first elements are replaced within a frame)
    body = {f"st-key-{k}" for k in keys} | {"st-key-pg-hp-adam-learning_rate", "st-key-pg-by_hand_coord"}
    assert body & rerun, rerun
    outside = {
        "st-key-pg-opt",
        "st-key-pg-typed",
        "st-key-pg-problem",
        "st-key-pg-pp-linear_regression-noise",
    }
    assert not outside & rerun, rerun  # the optimizer and problem controls did not
    assert page.locator(".st-key-pg-opt").count() == page.locator(".st-key-pg-reset").count() == 1
    after = {k: chart_digest(page.locator(f".st-key-{k}")) for k in keys}
    assert all(after[k] != before[k] for k in keys)  # every view shows the new run
    assert page.locator(SPACE + " .js-plotly-plot .main-svg").count() >= 1


def test_a_new_csv_redraws_the_run_settings_the_page_draws(page, server):
    """The CSV box is in the page's body (a fragment) and the batch size in the run settings the full run
    draws: a new file with another number of points reruns the whole page, so the batch size says the
    new n and the path chart shows a run on the new points."""
    open_app(page, f"{server}/?problem=custom_csv")
    upload = page.locator(key_selector("custom_csv") + ' input[type="file"]')
    for rows in ([(0, 1), (1, 3), (2, 5)], [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]):
        digest = chart_digest(page.locator(SPACE)) if page.locator(SPACE + " " + CHART).count() else None
        data = "x,y\n" + "".join(f"{x},{y}\n" for x, y in rows)
        upload.set_input_files(
            files=[{"name": "points.csv", "mimeType": "text/csv", "buffer": data.encode()}]
        )
        page.get_by_text(f"{len(rows)} points loaded").wait_for()
        if digest is not None:
            wait_chart_change(page, SPACE, digest, shown=True)
        wait_idle(page)
        batch = translate("playground.batch", "en", n=len(rows))
        assert page.get_by_text(batch, exact=True).count() == 1, batch  # the sidebar's batch size, for this n
        assert page.locator('[data-testid="stException"]').count() == 0


def test_compare_redraws_its_paths_in_place_and_a_hidden_tab_when_it_is_shown(page, server):
    """Compare's charts are live charts too: a slider notch redraws the paths where they are (never hidden,
    one element throughout); the charts in the tabs not shown are drawn when their tab is opened, with
    the newest run."""
    open_app(page, f"{server}/compare?opts=sgd,adam&problem=rosenbrock&steps=300")
    paths = key_selector("cmp.paths_chart")
    page.wait_for_selector(paths + " .js-plotly-plot .main-svg")
    wait_idle(page)
    loss = page.locator(key_selector("cmp.loss_chart") + " .optviz-chart")
    assert loss.evaluate("gd => gd.parentElement.clientWidth") == 0  # in a tab not shown: not drawn yet
    assert loss.locator(".main-svg").count() == 0
    sent_first = loss.evaluate("gd => gd.__optvizLive.figure")
    page.evaluate(_WATCH_JS, ["cmp-paths_chart"])
    open_expander(page.locator('[data-testid="stExpander"] summary').filter(has_text="Adam").first)
    slider = page.locator(key_selector("cmp.adam.learning_rate") + ' input[type="range"]')
    slider.focus()
    for key in ("ArrowRight", "ArrowRight"):
        digest = chart_digest(page.locator(paths))
        page.keyboard.press(key)
        wait_chart_change(page, paths, digest, shown=True)
        wait_idle(page)
    watch = page.evaluate("() => { window.__optvizWatch.stop = true; return window.__optvizWatch; }")
    assert watch["gaps"] == [] and len(watch["elements"]["cmp-paths_chart"]) == 1, watch
    assert watch["fades"] == 0 and watch["dimmest"] == 1, sorted(set(watch.get("what", [])))
    page.get_by_role("tab", name=translate("compare.tab.loss", "en")).click()
    page.wait_for_function(
        "gd => !!gd.querySelector('.main-svg') && gd.parentElement.clientWidth > 0", arg=loss.element_handle()
    )
    wait_idle(page)
    live = loss.evaluate(
        "gd => [gd.__optvizLive.drawn, gd.__optvizLive.figure, gd._fullData.map((t) => t.name)]"
    )
    assert live[0] == live[1] != sent_first  # drawn once shown, with the newest run's figure
    assert any(name.startswith("Adam") for name in live[2]) and loss.evaluate("gd => gd.offsetWidth") > 300


def _assert_path_drawn(page, trace: optviz.Trace) -> None:
    """Some trace of the space chart ends exactly at the run's final point."""
    end = trace.params[-1]
    for t in _space_data(page):
        if (
            t["x"] and t["y"] and len(t["x"]) >= 2
            and np.allclose([t["x"][-1], t["y"][-1]], end, rtol=1e-6, atol=1e-9)
        ):  # fmt: skip
            return
    ends = [(t["name"], t["x"][-1:], t["y"][-1:]) for t in _space_data(page) if t["type"] == "scatter"]
    raise AssertionError(f"no drawn path ends at {end}; drawn: {ends}; url {page.url}")


def test_a_shared_url_restores_the_exact_state(page, browser, server):
    config = app_state.with_changes(
        app_state.default_config("adam", "rosenbrock"),
        hparams={**app_state.default_hparams("adam"), "learning_rate": 0.05, "beta1": 0.8},
        steps=300,
        start=(-1.5, 2.0),
    )
    url = server + app_state.playground_url(config)
    open_app(page, url)
    page.wait_for_selector(SPACE + " " + CHART)
    # The controls show the URL's values, and the chart is that exact run.
    parsed, warnings = app_state.parse_playground(parse_qs(urlparse(page.url).query))
    assert warnings == [] and parsed.key() == config.key()
    trace = optviz.run("adam", "rosenbrock", **app_state.run_kwargs(config))
    _assert_path_drawn(page, trace)
    first = chart_digest(page.locator(SPACE))
    # The link the page shows opens the same state in a fresh browser context (a new session).
    shared = page.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert parse_qs(urlparse(shared).query) == parse_qs(urlparse(page.url).query)
    other = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        open_app(other, shared)
        other.wait_for_selector(SPACE + " " + CHART)
        assert chart_digest(other.locator(SPACE)) == first
        assert other.locator('[data-testid="stException"]').count() == 0
    finally:
        other.context.close()


def test_bad_urls_show_a_warning_and_a_working_page(page, server):
    open_app(page, f"{server}/?opt=nope&learning_rate=nan&steps=1e99&beta1=abc&opt=adam&start=1,2,3")
    page.wait_for_selector(SPACE + " " + CHART)
    warning = page.locator('[data-testid="stAlertContentWarning"]').first.inner_text()
    assert "learning_rate" in warning and "steps" in warning
    assert _plot_summary(page)


def test_a_typed_formula_is_drawn_and_a_malicious_one_is_refused(page, server):
    open_app(page, f"{server}/?problem=custom_formula&custom_f=" + "(x-1)**2%2B(y%2B2)**2")
    page.wait_for_selector(SPACE + " " + CHART)
    assert page.locator(".katex").count() >= 1  # the formula is shown typeset
    open_app(page, f"{server}/?problem=custom_formula&custom_f=" + "__import__('os').system('true')")
    error = page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert "not an allowed function" in error


def test_the_config_download_matches_the_url(page, server):
    """The JSON download names the same configuration as the URL it carries."""
    open_app(page, f"{server}/?opt=lion&learning_rate=0.0003&problem=booth&steps=50")
    with page.expect_download() as info:
        page.locator(key_selector("pg.dl.json") + " button").click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["playground"]["optimizer"] == "lion" and data["playground"]["steps"] == 50
    assert data["run"]["hparams"]["learning_rate"] == 0.0003


def test_the_downloads_follow_the_run_after_slider_notches(page, server):
    """The download buttons are drawn by the page's full run, not by the body a notch reruns: what they
    write is the run on the screen two notches later, in every format."""
    open_app(page, f"{server}/?opt=adam&learning_rate=0.01&problem=rosenbrock&steps=60")
    wait_idle(page)
    slider = page.locator(key_selector("pg.hp.adam.learning_rate") + ' input[type="range"]')
    slider.focus()
    for _ in range(2):
        before = chart_digest(page.locator(SPACE))
        page.keyboard.press("ArrowRight")
        wait_chart_change(page, SPACE, before)
    page.wait_for_function("() => new URLSearchParams(location.search).get('learning_rate') !== '0.01'")
    wait_idle(page)
    lr = float(parse_qs(urlparse(page.url).query)["learning_rate"][0])
    assert lr > 0.01 and slider.get_attribute("aria-valuetext") == ui_format(lr)
    files = {}
    for kind in ("json", "csv", "html"):
        with page.expect_download() as info:
            page.locator(key_selector(f"pg.dl.{kind}") + " button").click()
        files[kind] = Path(info.value.path()).read_text(encoding="utf-8")
        assert info.value.suggested_filename == f"optviz-adam-rosenbrock.{kind}"
    data = json.loads(files["json"])
    assert data["run"]["hparams"]["learning_rate"] == data["playground"]["hparams"]["learning_rate"] == lr
    assert f"learning_rate={lr:g}" in data["url"]
    config, _ = app_state.parse_playground(parse_qs(urlparse(page.url).query))
    trace = optviz.run(config.optimizer, app_state.build_problem(config), **app_state.run_kwargs(config))
    assert config.hparams["learning_rate"] == lr
    rows = files["csv"].strip().splitlines()
    assert len(rows) == 1 + trace.k + 1  # a header, then steps 0..k
    last = [float(v) for v in rows[-1].split(",")[1:3]]
    assert np.allclose(last, trace.params[-1], rtol=1e-6), (last, trace.params[-1])
    assert "optviz: Adam" in files["html"]


def test_a_formula_that_cannot_run_takes_the_downloads_away_and_a_good_one_brings_them_back(page, server):
    """The formula box is in the page's body, the downloads are drawn by its full run: a body run with no
    run to show reruns the page, so no button offers a run that is no longer on the screen."""
    open_app(page, f"{server}/?problem=custom_formula")
    wait_idle(page)
    buttons = page.locator(key_selector("pg.dl.json") + " button")
    assert buttons.count() == 1
    box = page.locator(key_selector("custom_f") + " input")
    box.fill("x**2 + z")
    box.press("Enter")
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    wait_idle(page)
    assert "unknown name" in page.locator('[data-testid="stAlertContentError"]').first.inner_text()
    assert buttons.count() == 0
    box.fill("(x-1)**2 + (y+2)**2")
    box.press("Enter")
    buttons.wait_for()
    wait_idle(page)
    with page.expect_download() as info:
        buttons.click()
    data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert data["playground"]["problem"] == "custom_formula" and "custom_f" in data["url"]


def test_a_shared_link_is_the_first_visit_of_a_fresh_server(browser):
    """Streamlit starts in its old multipage mode because pages/ exists; a first visitor arriving on
    /sweep must still get app.py's navigation, language switch and the link's settings."""
    from .browser import running_server

    with running_server() as (base, _):
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        open_app(page, f"{base}/sweep?res=12")
        page.wait_for_selector(CHART, state="attached")
        wait_idle(page)
        nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
        assert "Playground" in nav and "Sweep" in nav
        assert "shell" not in nav and "custom problem" not in nav  # no helper module listed as a page
        assert page.locator(key_selector("lang")).count() == 1
        assert "144 runs" in page.inner_text("body")  # res=12 from the link: 12 x 12 cells
        # a click on a heatmap cell offers that configuration in the Playground
        box = page.locator(key_selector("swp.heatmap") + " .nsewdrag").first.bounding_box()
        page.mouse.click(box["x"] + 0.75 * box["width"], box["y"] + 0.75 * box["height"])
        page.get_by_text("Open in the Playground").first.wait_for(timeout=30_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        page.close()
