"""A first screen that teaches, seen in Chromium: the one-line explanation above the charts, the learning
rate a person set survives an optimizer switch, and a problem switch moves untouched defaults to the
scene's (SGD on Rosenbrock starts at a rate that does not diverge)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from optviz import app_state
from optviz.i18n import t

from .browser import CHART, choose, key_selector, open_app, open_expander, press_slider, wait_idle

SPACE = key_selector("pg.chart.space")


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def _metric(page, label: str) -> str:
    box = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return box.locator('[data-testid="stMetricValue"]').inner_text()


def test_the_first_screen_says_what_it_shows_and_runs_long_enough(page, server):
    open_app(page, server + "/")
    page.wait_for_selector(SPACE + " " + CHART)
    caption = page.get_by_text("What you see: Adam walking downhill on Linear regression")
    assert caption.count() == 1 and caption.is_visible()
    assert _query(page)["steps"] == str(app_state.DEFAULT_STEPS) == "1000"
    assert _metric(page, "steps run") == "1000 / 1000"
    open_app(page, server + "/?lang=zh")
    assert page.get_by_text("你看到的是：").count() == 1


def test_switching_optimizer_keeps_the_learning_rate_a_person_set(page, server):
    open_app(page, server + "/?opt=sgd&learning_rate=0.05")
    choose(page, "pg.opt", "momentum (heavy ball)")
    page.wait_for_function("() => location.search.includes('opt=momentum')")
    wait_idle(page)
    query = _query(page)
    assert query["opt"] == "momentum" and query["learning_rate"] == "0.05"
    slider = page.locator(key_selector("pg.hp.momentum.learning_rate") + ' input[type="range"]')
    assert slider.get_attribute("aria-valuetext") == "0.05"


def test_switching_to_rosenbrock_moves_an_untouched_rate_to_the_scene_default(page, server):
    open_app(page, server + "/?opt=sgd")
    assert _query(page)["learning_rate"] == "0.01"
    choose(page, "pg.problem", "Rosenbrock")
    page.wait_for_function("() => location.search.includes('problem=rosenbrock')")
    wait_idle(page)
    assert _query(page)["learning_rate"] == "0.002"
    assert "diverged" not in _metric(page, "status")


def test_compare_moves_untouched_rates_to_the_problems_defaults(page, server):
    """As on the Playground: SGD and momentum at their registry rates diverge on Rosenbrock."""
    open_app(page, server + "/compare?opts=sgd,momentum,adam")
    choose(page, "cmp.problem", "Rosenbrock")
    page.wait_for_function("() => location.search.includes('problem=rosenbrock')")
    wait_idle(page)
    query = _query(page)
    assert not any(k.endswith(".learning_rate") for k in query), query  # the scene's rates: nothing to carry
    config, warnings = app_state.parse_compare(parse_qs(urlparse(page.url).query))
    assert not warnings and config.hparams["sgd"]["learning_rate"] == 0.002
    table = page.locator('[data-testid="stDataFrame"]').first
    table.wait_for()
    assert "diverged" not in page.locator("body").inner_text().lower()


def test_compare_runs_adam_twice_with_a_different_beta2(page, server):
    """The classic question (Adam's beta2 = 0.9 against 0.999): a copy of Adam, one setting changed."""
    open_app(page, server + "/compare?opts=sgd,adam&problem=rosenbrock")
    open_expander(page.locator('[data-testid="stExpander"] summary').filter(has_text="Adam").first)
    page.locator(key_selector("cmp.copy.adam")).get_by_role(
        "button", name=t("compare.add_copy", "en")
    ).click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('opts') === 'sgd,adam,adam~2'")
    wait_idle(page)
    assert "Adam #2" in page.locator(key_selector("cmp.opts")).inner_text()
    # the copy's beta2 slider: three notches down from 0.999
    open_expander(page.locator('[data-testid="stExpander"] summary').filter(has_text="Adam #2").first)
    press_slider(page, "cmp.adam~2.beta2", "ArrowLeft", 3)
    page.wait_for_function("() => new URLSearchParams(location.search).has('adam~2.beta2')")
    wait_idle(page)
    beta2 = _query(page)["adam~2.beta2"]
    assert float(beta2) < 0.999
    paths = page.locator(key_selector("cmp.paths_chart") + " " + CHART)
    lines = paths.evaluate(
        "gd => gd._fullData.filter(t => t.mode === 'lines').map(t => [t.name, t.line.color, t.line.dash])"
    )
    first, copy = [x for x in lines if x[0].startswith("Adam")]
    assert first[0] == "Adam (beta2=0.999)" and copy[0] == f"Adam #2 (beta2={float(beta2):g})"
    assert first[1] == copy[1] and (first[2], copy[2]) == ("solid", "dash")  # one colour, the copy dashed
    assert "Adam #2" in paths.locator(".legend").text_content()


def test_the_learning_rate_slider_steps_into_the_ravines_zig_zag_band(page, server):
    open_app(page, server + "/?opt=sgd&problem=ill_conditioned&learning_rate=0.2")
    page.wait_for_selector(SPACE + " " + CHART)
    slider = page.locator(key_selector("pg.hp.sgd.learning_rate") + ' input[type="range"]')
    seen = []
    for _ in range(3):
        slider.focus()
        page.keyboard.press("ArrowRight")
        expected = ("0.25", "0.3", "0.4")[len(seen)]
        page.wait_for_function(f"() => location.search.includes('learning_rate={expected}&')")
        wait_idle(page)
        seen.append(slider.get_attribute("aria-valuetext"))
    assert seen == ["0.25", "0.3", "0.4"]
    assert "diverged" not in _metric(page, "status")


def _chart_box(page, key: str) -> dict:
    page.wait_for_selector(key_selector(key) + " " + CHART + " .main-svg")
    return page.locator(key_selector(key) + " " + CHART).first.bounding_box()


def test_projector_shows_both_charts_side_by_side_above_the_fold(sized_page, server):
    page = sized_page(1280, 720)
    open_app(page, server + "/?present=true")
    space, loss = _chart_box(page, "pg.chart.space"), _chart_box(page, "pg.chart.loss")
    for box in (space, loss):
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (space, loss)
    assert space["x"] + space["width"] <= loss["x"]  # side by side, the map on the left
    assert abs(space["y"] - loss["y"]) < 5
    # the equal-scale map keeps a plot a class can read (it was 145 px tall with Play/Pause above it),
    # and Play (the step cursor's) animates the path
    chart = page.locator(SPACE + " " + CHART)
    plot = chart.evaluate(
        """gd => { const L = gd._fullLayout, r = gd.getBoundingClientRect();
             return {right: r.left + L.xaxis._offset + L.xaxis._length, h: L._size.h,
                     points: gd.calcdata[1].length}; }"""
    )
    assert plot["h"] >= 200, plot
    # no buttons on the plot: the step cursor below the charts plays every view
    assert chart.locator(".updatemenu-button").count() == 0
    step = page.locator(key_selector("pg.cursor") + " .optviz-step")
    step.locator("button").click()
    page.wait_for_function(  # from the last step, Play starts over at 0 and moves on
        "el => Number(el.dataset.step) < Number(el.querySelector('input').max)", arg=step.element_handle()
    )


_OVERLAPS_JS = """gd => {
  const box = (e) => e && e.getBoundingClientRect();
  // boxes meet by more than 4 px (a text's box has a few empty pixels round its glyphs)
  const meet = (a, b) => !!a && !!b && a.left < b.right - 4 && b.left < a.right - 4 && a.top < b.bottom - 4 && b.top < a.bottom - 4;
  const chart = box(gd), title = box(gd.querySelector('.gtitle'));
  const items = [...gd.querySelectorAll('.legend .traces')].map(box), any = (b) => items.some((i) => meet(i, b));
  const plot = box(gd.querySelector('.nsewdrag')), ytitle = box(gd.querySelector('.g-ytitle'));
  const yticks = [...gd.querySelectorAll('.yaxislayer-above .ytick text')].map(box);
  return {inside: title.left >= chart.left && title.right <= chart.right + 1,
          legend_title: any(title), legend_plot: any(plot), legend_ytitle: any(ytitle), legend_items: items.length,
          ytitle_ticks: yticks.some((t) => meet(t, ytitle)), plot_h: plot.height};
}"""


@pytest.mark.parametrize("query", ["", "&lang=zh&opts=sgd,adam,muon"])
def test_projector_shows_the_network_slice_and_its_caveat_above_the_fold(sized_page, server, query):
    """Networks in presentation mode at 1280 x 720: the slice and its caveat side by side above the fold,
    the slice's legend (which colour is which optimizer) between its title and its plot, overlapping
    neither, in Chinese with three optimizers too; no title runs out of its chart and no axis title
    runs over its tick labels."""
    page = sized_page(1280, 720)
    open_app(page, f"{server}/networks?present=true{query}")
    slice_box, caveat = _chart_box(page, "net.chart.landscape"), _chart_box(page, "net.chart.caveat")
    for box in (slice_box, caveat):
        assert box["y"] >= 0 and box["y"] + box["height"] <= 720, (slice_box, caveat)
    assert slice_box["x"] + slice_box["width"] <= caveat["x"] and abs(slice_box["y"] - caveat["y"]) < 5
    wait_idle(page)
    for key in ("net.chart.landscape", "net.chart.caveat"):
        seen = page.locator(key_selector(key) + " " + CHART).evaluate(_OVERLAPS_JS)
        assert seen["inside"] and not seen["ytitle_ticks"], (key, seen)
        if key == "net.chart.landscape":
            assert seen["legend_items"] >= 3, seen  # the optimizers and the start, named
            assert not (seen["legend_title"] or seen["legend_plot"] or seen["legend_ytitle"]), seen
            assert seen["plot_h"] >= 140, seen


@pytest.mark.parametrize("query", ["", "&lang=zh&opts=sgd,momentum,nesterov,rmsprop,adam,adamw,lion,adagrad"])
def test_projector_shows_the_compare_paths_above_the_fold(sized_page, server, query):
    """Compare in presentation mode at 1280 x 720: the paths chart lies whole in the first screen, its
    legend (which colour is which optimizer) between its title and its plot, overlapping neither, with
    eight optimizers in Chinese too (two rows of names)."""
    page = sized_page(1280, 720)
    open_app(page, f"{server}/compare?present=true{query}")
    box = _chart_box(page, "cmp.paths_chart")
    assert box["y"] >= 0 and box["y"] + box["height"] <= 720, box
    wait_idle(page)
    seen = page.locator(key_selector("cmp.paths_chart") + " " + CHART).evaluate(_OVERLAPS_JS)
    assert seen["inside"] and not seen["ytitle_ticks"], seen
    assert seen["legend_items"] >= (10 if query else 6), seen  # the optimizers, the start and the minimum
    assert not (seen["legend_title"] or seen["legend_plot"] or seen["legend_ytitle"]), seen
    assert seen["plot_h"] >= 120, seen


def test_projector_shows_the_sweep_heatmap_before_its_share_link(sized_page, server):
    """Sweep in presentation mode at 1280 x 720: the heatmap starts in the first screen; the share link,
    which pushed it below the fold, comes at the end of the page as on the other pages."""
    page = sized_page(1280, 720)
    open_app(page, f"{server}/sweep?present=true")
    heat = _chart_box(page, "swp.heatmap")
    assert 0 <= heat["y"] < 720 - 200, heat  # most of the plot on the first screen, not its title only
    link = page.locator('[data-testid="stCode"]').filter(has_text="/sweep?").first.bounding_box()
    assert link["y"] > heat["y"] + heat["height"], (heat, link)


def test_phone_shows_the_path_chart_on_the_first_screen(sized_page, server):
    page = sized_page(390, 844)
    open_app(page, server + "/")
    space = _chart_box(page, "pg.chart.space")
    assert 0 <= space["y"] < 844 and space["width"] <= 390


def test_a_wide_equation_scrolls_inside_the_phone_screen(sized_page, server):
    """Adan's update rule is wider than a 390 px screen: it stays inside the screen and scrolls sideways."""
    page = sized_page(390, 844)
    open_app(page, server + "/?opt=adan&problem=rosenbrock")
    page.wait_for_selector(".katex-display")
    boxes = page.eval_on_selector_all(
        ".katex-display",
        """els => els.map(k => ({right: k.getBoundingClientRect().right, scroll: k.scrollWidth,
             client: k.clientWidth, overflow: getComputedStyle(k).overflowX}))""",
    )
    assert any(b["scroll"] > b["client"] for b in boxes), boxes  # there is a wide one
    for b in boxes:
        assert b["right"] <= 390, boxes
        assert b["scroll"] <= b["client"] or b["overflow"] in ("auto", "scroll"), boxes
