"""A bounded classroom load test, loopback only: concurrent sessions, rerun latency, server memory.

1. ``--concurrent`` sessions (default 30) open the Playground at once in headless Chromium pages, each
   on its own optimizer/learning-rate start, and each moves a slider ``--changes`` times (default
   10). Reported: errors (exception boxes, timeouts), p50/p95 rerun latency (key press to redrawn
   chart) and the server's RSS.
2. ``--sequential`` sessions (default 300) open, move a slider once and close, one after another;
   the server's RSS is printed every 25 sessions, to show that memory levels off (caches are bounded
   and session state holds only small values).

Every request goes to 127.0.0.1; every wait has a timeout; the script stops by itself.
Usage: ``python benchmarks/load_test.py [--concurrent 30] [--changes 10] [--sequential 300]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e.browser import (  # noqa: E402
    _DIGEST_JS,
    CHROMIUM,
    CHROMIUM_ARGS,
    EXCEPTION,
    IDLE,
    free_port,
    key_selector,
    start_server,
    stop_server,
    wait_healthy,
)

import optviz  # noqa: E402

TIMEOUT_MS = 180_000  # per wait: 30 browsers on 2 cores are slow, but never unbounded
CHART = key_selector("pg.chart.space")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


async def wait_change(page, before: str | None) -> None:
    js = (
        "([sel, before]) => { const el = document.querySelector(sel); if (!el) return false; const d = ("
        + _DIGEST_JS
        + ")(el); return d !== null && d !== before; }"
    )
    await page.wait_for_function(js, arg=[CHART, before], timeout=TIMEOUT_MS, polling=50)


async def digest(page) -> str | None:
    return await page.locator(CHART).first.evaluate(_DIGEST_JS)


async def session(browser, base: str, index: int, changes: int, latencies: list[float], errors: list[str]):
    """One visitor: open the Playground, move the learning-rate slider ``changes`` times."""
    optimizers = list(optviz.OPTIMIZERS)
    opt = optimizers[index % len(optimizers)]
    low = optviz.OPTIMIZERS[opt].param("learning_rate").low
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        await page.goto(f"{base}/?opt={opt}&learning_rate={low:g}&problem=rosenbrock&steps=200")
        await page.wait_for_selector(IDLE)
        await page.wait_for_selector(CHART + " .js-plotly-plot")
        slider = page.locator(key_selector(f"pg.hp.{opt}.learning_rate") + ' input[type="range"]')
        for _ in range(changes):
            before = await digest(page)
            await slider.focus()
            began = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            await wait_change(page, before)
            latencies.append((time.perf_counter() - began) * 1000)
        await page.wait_for_selector(IDLE)
        shown = await page.locator(EXCEPTION).count()
        if shown:
            errors.append(f"session {index}: {shown} exception box(es)")
    except Exception as error:  # noqa: BLE001 - a load test counts failures
        errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        await context.close()


async def run(args) -> None:
    from playwright.async_api import async_playwright

    port = free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        print(f"server pid {proc.pid}, RSS at start {rss_mb(proc.pid):.0f} MB")
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
            if args.concurrent:  # phase 1 (skip with --concurrent 0)
                latencies: list[float] = []
                errors: list[str] = []
                began = time.perf_counter()
                await asyncio.gather(
                    *(
                        session(browser, base, i, args.changes, latencies, errors)
                        for i in range(args.concurrent)
                    )
                )
                wall = time.perf_counter() - began
                print(
                    f"\n{args.concurrent} concurrent sessions x {args.changes} slider changes in {wall:.0f} s:"
                    f"\n  errors {len(errors)}"
                    f"\n  rerun latency over {len(latencies)} changes: p50 {statistics.median(latencies):.0f} ms,"
                    f" p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
                    f"\n  server RSS after: {rss_mb(proc.pid):.0f} MB"
                )
                for e in errors[:10]:
                    print("  ", e)
            if args.sequential:
                print(f"\n{args.sequential} sessions in sequence (open, move a slider once, close):")
                seq_errors: list[str] = []
                seq_latencies: list[float] = []
                for i in range(args.sequential):
                    await session(browser, base, i, 1, seq_latencies, seq_errors)
                    if (i + 1) % 25 == 0:
                        print(
                            f"  after {i + 1:4d} sessions: server RSS {rss_mb(proc.pid):.0f} MB", flush=True
                        )
                print(
                    f"  errors {len(seq_errors)}; rerun latency p50 {statistics.median(seq_latencies):.0f} ms,"
                    f" p95 {percentile(seq_latencies, 0.95):.0f} ms"
                )
                for e in seq_errors[:10]:
                    print("  ", e)
            await browser.close()
    finally:
        stop_server(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrent", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--sequential", type=int, default=300)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
