"""Slider change -> redrawn chart, in a real browser: p50/p95 over 20 changes (goal: p50 <= 150 ms).

Starts ``streamlit run serve.py`` on a free loopback port, opens the Playground in Debian's Chromium,
and moves the learning_rate and beta1 sliders in turn, one notch at a time with the keyboard, so no
run comes from the cache. Each latency is taken on the page's own clock: from the key press (its
keydown event) to the end of the paint of the first animation frame in which the parameter-space
chart holds different data and is shown (a chart Streamlit has just mounted holds its data a frame or
more before it is visible). A frame's paint has ended when a message posted in its animation-frame
callback is handled. The time Playwright needs to hear of it is printed beside it: that answer waits
for whatever the page does next (the next charts' redraws), which no person waits for.

The Playground asks the focused slider's two neighbouring notches ahead (``webui/preview.js``): a
person who presses a key after the focus lands finds that notch's charts in hand, as this benchmark
does (it focuses, lets the page settle, then presses). ``--no-ahead`` measures pages that never ask
ahead (each press asks the route itself); ``--ahead-ab`` both kinds side by side on one server.

Each change starts from a settled page (the script idle, every chart drawn), as a student moves a
slider one notch and looks; ``--back-to-back`` instead presses the next key as soon as the chart
changes, while the rest of the page is still being drawn, which adds the previous change's
remaining work to the next one's latency.

``--switch`` measures an optimizer switch instead (goal: p50 <= 300 ms): a click on an option of the
Optimizer select box to the first frame of the path chart drawn with the new optimizer's run, going
round ``SWITCH_TO`` from a settled page each time.

``--cursor`` measures the step cursor instead (goal: <= 50 ms at any run length): a key press on it to
the first animation frame that shows the cursor's star at the new step, drawn by the browser alone,
for runs of 300 and 10,000 steps, beside one learning-rate notch on the same page (a server rerun),
so the ratio of the two is measured in one process; then the Networks page's cursor (its stars on the
loss slice) for runs of 300 and 2,000 steps.

``--against REF`` measures slider notches (with ``--switch``: optimizer switches) on this checkout and on
commit REF side by side (two servers,
``--rounds`` rounds of ``--changes`` notches on each in turn): this machine's speed drifts by a fifth
within an hour, more than most changes it is meant to show.

Usage: ``python benchmarks/bench_browser.py [--changes N] [--back-to-back] [--url QUERY] [--switch] [--cursor]
[--against REF [--rounds R]]``; the
default page is Adam on Rosenbrock for 300 steps, from lr 1e-5 (``--url ""`` is the app's own
default page: Adam on the linear regression, 1,000 steps, with the data chart as a fourth view).
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e.browser import (  # noqa: E402
    DIGEST_JS,
    SHOWN_JS,
    chart_digest,
    key_selector,
    launch,
    open_app,
    open_select,
    running_server,
    wait_chart_change,
    wait_idle,
)

import optviz  # noqa: E402
from optviz.i18n import tr  # noqa: E402

URL = "opt=adam&learning_rate=0.00001&problem=rosenbrock&steps=300"
#: Two sliders, moved in turn, so every change is a (learning_rate, beta1) pair not run before.
SLIDERS = [key_selector(f"pg.hp.adam.{name}") + ' input[type="range"]' for name in ("learning_rate", "beta1")]
CHART = key_selector("pg.chart.space")
SETTLE_S = 0.3  # after the last frame: the browser's idle work (garbage collection, hover set-up)


def settle(page) -> None:
    """Wait for the script to finish and the browser to draw what it sent (two idle frames)."""
    wait_idle(page)
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")
    time.sleep(SETTLE_S)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


#: True once the browser drew the cursor's star for step n on the chart (the readout says n, a star is drawn).
DRAWN_JS = """([el, n, chart]) => el.dataset.step === String(n)
  && !!document.querySelector(chart + ' svg.optviz-cursor polygon[data-mark="cursor"]')"""


def cursor_latency(page, url: str, changes: int, steps: int, page_key: str = "pg") -> None:
    """Key press on the step cursor -> its star drawn at the new step, ``changes`` times from a settled page,
    then, on the Playground, one learning-rate notch (a server rerun) for comparison. ``page_key`` "net":
    the Networks page, its star on every path of the loss slice."""
    cursor = key_selector(f"{page_key}.cursor") + " .optviz-step"
    chart = key_selector("pg.chart.space" if page_key == "pg" else "net.chart.landscape")
    open_app(page, url)
    page.wait_for_selector(chart + " .js-plotly-plot")
    page.locator(cursor + "[data-step]").wait_for()
    thumb = page.locator(cursor + ' input[type="range"]')
    box = page.locator(cursor).element_handle()  # inside the component's shadow root
    steps = int(thumb.get_attribute("max"))  # what the page ran (a link asking for more is cut to budget)
    latencies = []
    for i in range(changes):
        settle(page)
        thumb.focus()
        n = steps - 1 - i
        began = time.perf_counter()
        page.keyboard.press("ArrowLeft")
        page.wait_for_function(DRAWN_JS, arg=[box, n, chart], polling="raf")
        latencies.append((time.perf_counter() - began) * 1000)
        # the step then goes to the server: the next move starts once that rerun is drawn
        page.wait_for_function(f"() => new URLSearchParams(location.search).get('cursor') === '{n}'")
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(
        f"{'Networks' if page_key == 'net' else 'Playground'}, {steps} steps: step cursor key -> star drawn"
        f" over {len(latencies)} moves: p50 {p50:.0f} ms   p95 {p95:.0f} ms   max {max(latencies):.0f} ms"
        f"   (goal <= 50 ms: {'met' if p95 <= 50 else 'NOT met'})"
    )
    if page_key != "pg":
        return
    settle(page)
    slider = page.locator(SLIDERS[0])
    before = chart_digest(page.locator(CHART))
    slider.focus()
    settle(page)
    began = time.perf_counter()
    page.keyboard.press("ArrowRight")
    wait_chart_change(page, CHART, before, polling="raf", shown=True)
    rerun = (time.perf_counter() - began) * 1000
    print(
        f"  one learning-rate notch on the same page (server rerun): {rerun:.0f} ms;"
        f" ratio rerun / cursor p50 = {rerun / p50:.1f}"
    )


#: Optimizers the switch benchmark goes round (each differs from the one before it).
SWITCH_TO = ["sgd", "momentum", "rmsprop", "adam", "adamw", "lion", "adagrad", "nadam"]


def switch_latency(page, url: str, changes: int) -> list[float]:
    """Click on an option of the Optimizer select -> the path chart drawn with that optimizer's run."""
    open_app(page, url)
    page.wait_for_selector(CHART + " .js-plotly-plot")
    latencies = []
    for i in range(changes):
        name = tr(optviz.OPTIMIZERS[SWITCH_TO[(i + 1) % len(SWITCH_TO)]].name, "en")
        before = chart_digest(page.locator(CHART))
        options = open_select(page, "pg.opt")
        page.keyboard.type(name)  # the list shows only what fits: filter it as a person would
        option = options.filter(has_text=re.compile(rf"(^|· ){re.escape(name)}$")).first
        option.wait_for()
        settle(page)
        box = option.bounding_box()
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        began = time.perf_counter()
        page.mouse.down()
        page.mouse.up()
        wait_chart_change(page, CHART, before, polling="raf", shown=True)
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


#: Watches one key press on the page's clock (``window.__notch``): its keydown's time, and the end of the
#: paint of the first frame that shows the chart under ``sel`` with data other than ``before``.
WATCH_JS = (
    """([sel, before]) => { const digest = """
    + DIGEST_JS
    + """, shown = """
    + SHOWN_JS
    + """;
  const w = (window.__notch = { key: null, seen: null }), done = new MessageChannel();
  done.port1.onmessage = () => { w.seen = performance.now(); };  // handled once that frame is painted
  document.addEventListener('keydown', (e) => { w.key = e.timeStamp; }, { capture: true, once: true });
  const tick = () => {
    const el = document.querySelector(sel), d = el && digest(el);
    const gd = el && (el.matches('.js-plotly-plot') ? el : el.querySelector('.js-plotly-plot'));
    if (w.key !== null && d !== null && d !== before && gd && shown(gd)) return done.port2.postMessage(0);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick); }"""
)


def notch_latencies(
    page, url: str, changes: int, back_to_back: bool = False, heard: list[float] | None = None
) -> tuple[list[float], list[str]]:
    """Open ``url`` and move the learning_rate and beta1 sliders in turn, one notch each: the ms from each key
    press to the end of the paint of the first frame that shows the redrawn path chart (the page's clock),
    and the values set. ``heard`` gets the ms until Playwright heard of it (this process's clock)."""
    open_app(page, url)
    page.wait_for_selector(CHART + " .js-plotly-plot")
    latencies, values = [], []
    for i in range(changes):
        slider = page.locator(SLIDERS[i % len(SLIDERS)])
        at_end = slider.get_attribute("value") == slider.get_attribute("max")
        before = chart_digest(page.locator(CHART))
        slider.focus()
        if not back_to_back:
            settle(page)
        page.evaluate(WATCH_JS, [CHART, before])
        began = time.perf_counter()
        page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
        page.wait_for_function("() => window.__notch.seen !== null", polling="raf")
        if heard is not None:
            heard.append((time.perf_counter() - began) * 1000)
        latencies.append(page.evaluate("() => window.__notch.seen - window.__notch.key"))
        values.append(slider.get_attribute("aria-valuetext"))
    return latencies, values


#: The learning rate each round of ``--against`` starts from (the first: the page's own): every notch of
#: every round is a run not made before.
ROUND_STARTS = ("", "0.005", "0.002", "0.001", "0.0005", "0.0002", "0.0001", "5e-05")


#: A page that never asks a preview ahead (webui/preview.js): its fetch of a request marked ahead fails,
#: so each move asks the route itself, as before the look-ahead.
NO_AHEAD_JS = """(() => { const f = window.fetch;
  window.fetch = (url, options) => options && options.headers && options.headers['X-Optviz-Ahead']
    ? Promise.reject(new Error('not asked ahead')) : f(url, options); })();"""


def against(args) -> None:
    """Slider notches (or, with ``--switch``, optimizer switches) on this checkout and on commit
    ``args.against`` side by side: two servers at once, one browser, ``args.rounds`` rounds of ``args.changes``
    notches on each in turn (a fresh page each round), so both see the machine's same drift. With
    ``--ahead-ab`` instead: one server (this checkout), pages with and without the look-ahead in turn."""
    import tempfile
    from contextlib import ExitStack

    from load_test import unpack
    from playwright.sync_api import sync_playwright

    with ExitStack() as stack:
        trees = {}  # name -> (server, a script every page of it runs first)
        if args.ahead_ab:
            base = stack.enter_context(running_server())[0]
            trees = {"without look-ahead": (base, NO_AHEAD_JS), "with look-ahead": (base, None)}
        else:
            other = unpack(args.against, Path(stack.enter_context(tempfile.TemporaryDirectory())))
            for name, root in ((args.against, other), ("this checkout", ROOT)):
                trees[name] = (stack.enter_context(running_server(root=root))[0], None)
        pw = stack.enter_context(sync_playwright())
        browser = launch(pw)
        seen = {name: [] for name in trees}
        heard = {name: [] for name in trees}
        for r in range(args.rounds):
            for i, (name, (base, script)) in enumerate(trees.items()):
                # each round (and, on one server, each page) from its own learning rate: a round that
                # repeated values already run would find every run in the server's cache
                at = (r * len(trees) + i) if args.ahead_ab else r
                start = (
                    f"&learning_rate={ROUND_STARTS[at % len(ROUND_STARTS)]}" if at % len(ROUND_STARTS) else ""
                )
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                if script:
                    page.add_init_script(script)
                url = f"{base}/?{args.url}{start}"
                if args.switch:
                    seen[name] += switch_latency(page, url, args.changes)
                else:
                    seen[name] += notch_latencies(page, url, args.changes, args.back_to_back, heard[name])[0]
                page.close()
        browser.close()
    what = "optimizer switch -> redrawn path chart" if args.switch else "slider change -> redrawn chart"
    print(f"{what}, {args.rounds} rounds of {args.changes} changes per page kind, in turn:")
    for name, latencies in seen.items():
        print(
            f"  {name:>18}: p50 {statistics.median(latencies):4.0f} ms   p95 {percentile(latencies, 0.95):4.0f} ms"
            + (
                f"   (heard by Playwright: p50 {statistics.median(heard[name]):4.0f} ms)"
                if heard[name]
                else ""
            )
        )
    (first, before), (second, after) = ((k, statistics.median(v)) for k, v in seen.items())
    print(f"  ratio of p50s, {second} / {first}: {after / before:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--back-to-back", action="store_true", help="do not wait for the page to settle")
    parser.add_argument("--url", default=URL, help="query string of the Playground page to measure")
    parser.add_argument("--cursor", action="store_true", help="measure the step cursor (browser only)")
    parser.add_argument("--switch", action="store_true", help="measure an optimizer switch")
    parser.add_argument("--against", help="a commit to measure slider notches against, side by side")
    parser.add_argument("--rounds", type=int, default=3, help="with --against: rounds per tree")
    parser.add_argument(
        "--ahead-ab", action="store_true", help="notches with and without the look-ahead, side by side"
    )
    parser.add_argument("--no-ahead", action="store_true", help="pages that never ask a preview ahead")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    if args.against or args.ahead_ab:
        against(args)
        return

    if args.switch:
        with running_server() as (base, _), sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            latencies = switch_latency(page, f"{base}/?{args.url}", args.changes)
            browser.close()
        p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
        print(f"optimizer switch (option click -> path chart redrawn) over {len(latencies)} switches:")
        print(
            f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   min {min(latencies):.0f} ms   max {max(latencies):.0f} ms"
        )
        print(f"  goal p50 <= 300 ms: {'met' if p50 <= 300 else 'NOT met'}")
        return

    if args.cursor:
        with running_server() as (base, _), sync_playwright() as pw:
            browser = launch(pw)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for steps in (300, 10_000):
                cursor_latency(page, f"{base}/?{URL}&steps={steps}", args.changes, steps)
            # the Networks page: SGD and Adam training the MLP classifier, the longest run its budget allows
            for steps in (300, 2_000):
                cursor_latency(page, f"{base}/networks?steps={steps}", args.changes, steps, page_key="net")
            browser.close()
        return

    with running_server() as (base, _), sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        if args.no_ahead:
            page.add_init_script(NO_AHEAD_JS)
        heard: list[float] = []
        latencies, values = notch_latencies(
            page, f"{base}/?{args.url}", args.changes, args.back_to_back, heard
        )
        browser.close()
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"values set (learning_rate and beta1 in turn): {', '.join(values)}")
    mode = "back to back" if args.back_to_back else "each from a settled page"
    mode += ", never asked ahead" if args.no_ahead else ""
    print(f"slider change -> redrawn chart painted over {len(latencies)} changes ({mode}):")
    print(
        f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   min {min(latencies):.0f} ms   max {max(latencies):.0f} ms"
    )
    print(
        f"  heard by Playwright: p50 {statistics.median(heard):.0f} ms   p95 {percentile(heard, 0.95):.0f} ms"
    )
    print(f"  goal p50 <= 150 ms (issue 14): {'met' if p50 <= 150 else 'NOT met'}")


if __name__ == "__main__":
    main()
