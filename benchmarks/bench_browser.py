"""Slider change -> redrawn chart, in a real browser: p50/p95 over 20 changes (goal: p50 < 300 ms).

Starts ``streamlit run app.py`` on a free loopback port, opens the Playground in Debian's Chromium,
and moves the learning_rate and beta1 sliders in turn, one notch at a time with the keyboard, so no
run comes from the cache. Each latency is the time from the key press to the first animation frame
in which the parameter-space chart holds different data.

Each change starts from a settled page (the script idle, every chart drawn), as a student moves a
slider one notch and looks; ``--back-to-back`` instead presses the next key as soon as the chart
changes, while the rest of the page is still being drawn, which adds the previous change's
remaining work to the next one's latency.

Usage: ``python benchmarks/bench_browser.py [--changes N] [--back-to-back] [--url QUERY]``; the
default page is Adam on Rosenbrock for 300 steps, from lr 1e-5 (``--url ""`` is the app's own
default page: Adam on the linear regression, 100 steps, with the data chart as a fourth view).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e.browser import (  # noqa: E402
    chart_digest,
    key_selector,
    launch,
    open_app,
    running_server,
    wait_chart_change,
    wait_idle,
)

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--back-to-back", action="store_true", help="do not wait for the page to settle")
    parser.add_argument("--url", default=URL, help="query string of the Playground page to measure")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with running_server() as (base, _), sync_playwright() as pw:
        browser = launch(pw)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        open_app(page, f"{base}/?{args.url}")
        page.wait_for_selector(CHART + " .js-plotly-plot")
        latencies, values = [], []
        for i in range(args.changes):
            slider = page.locator(SLIDERS[i % len(SLIDERS)])
            at_end = slider.get_attribute("value") == slider.get_attribute("max")
            before = chart_digest(page.locator(CHART))
            slider.focus()
            if not args.back_to_back:
                settle(page)
            began = time.perf_counter()
            page.keyboard.press("ArrowLeft" if at_end else "ArrowRight")
            wait_chart_change(page, CHART, before, polling="raf")
            latencies.append((time.perf_counter() - began) * 1000)
            values.append(slider.get_attribute("aria-valuetext"))
        browser.close()
    p50, p95 = statistics.median(latencies), percentile(latencies, 0.95)
    print(f"values set (learning_rate and beta1 in turn): {', '.join(values)}")
    mode = "back to back" if args.back_to_back else "each from a settled page"
    print(f"slider change -> redrawn chart over {len(latencies)} changes ({mode}):")
    print(
        f"  p50 {p50:.0f} ms   p95 {p95:.0f} ms   min {min(latencies):.0f} ms   max {max(latencies):.0f} ms"
    )
    print(f"  goal p50 < 300 ms: {'met' if p50 < 300 else 'NOT met'}")


if __name__ == "__main__":
    main()
