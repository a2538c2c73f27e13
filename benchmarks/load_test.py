"""A bounded classroom load test, loopback only: concurrent sessions, rerun latency, server memory.

1. ``--concurrent`` sessions (default 30) open the Playground at once, each on its own
   optimizer/learning-rate start, and each moves the learning-rate slider ``--changes`` times
   (default 10). Reported: errors, p50/p95 rerun latency and the server's RSS.
2. ``--sequential`` sessions (default 300) open, move the slider once and close, one after another;
   the server's RSS is printed every 25 sessions, to show that memory levels off (caches are bounded
   and session state holds only small values).

``--client ws`` (the default) speaks Streamlit's websocket protocol directly, as a browser tab
does: it sends the slider's new value and times the server's answer, from the change to the
parameter-space chart's message and to the end of the rerun. An error is an exception element, a
run that did not finish successfully, a timeout or a dropped connection. This measures the server;
``--client browser`` drives headless Chromium pages instead (latency from the key press to the
redrawn chart, errors are exception boxes and timeouts), where 30 tabs drawing charts on two cores
dominate the numbers.

Every request goes to 127.0.0.1; every wait has a timeout; the script stops by itself.
Usage: ``python benchmarks/load_test.py [--client ws|browser] [--concurrent 30] [--changes 10]
[--sequential 300]``.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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
    opt, query = start_query(index)
    context = await browser.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        await page.goto(f"{base}/?{query}")
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


WS_TIMEOUT_S = TIMEOUT_MS / 1000


def start_query(index: int) -> tuple[str, str]:
    """Session ``index``'s optimizer and start URL query: every optimizer in turn, at its lowest rate."""
    optimizers = list(optviz.OPTIMIZERS)
    opt = optimizers[index % len(optimizers)]
    low = optviz.OPTIMIZERS[opt].param("learning_rate").low
    return opt, f"opt={opt}&learning_rate={low:g}&problem=rosenbrock&steps=200"


async def ws_rerun(ws, query: str, widgets: list | None, wanted: str) -> dict:
    """Ask for a rerun (with ``widgets``' new values) and read the answer up to the end of the run:
    the element whose id ends with ``wanted``, the ms to the space chart and to the end, the new URL
    query, exception messages and the finish status."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    state = ClientState(query_string=query, widget_states=WidgetStates(widgets=widgets or []))
    out: dict = {"element": None, "chart_ms": None, "query": query, "exceptions": []}
    began = time.perf_counter()
    await ws.send(BackMsg(rerun_script=state).SerializeToString())
    while True:
        msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), WS_TIMEOUT_S))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            inner = getattr(element, element.WhichOneof("type"))
            element_id = getattr(inner, "id", "")
            if element_id.endswith(wanted):
                out["element"] = inner
            if element_id.endswith("pg.chart.space") and out["chart_ms"] is None:
                out["chart_ms"] = (time.perf_counter() - began) * 1000
            if element.WhichOneof("type") == "exception":
                out["exceptions"].append(inner.message)
        elif kind == "page_info_changed":
            out["query"] = msg.page_info_changed.query_string
        elif kind == "script_finished":
            out["finished_ms"] = (time.perf_counter() - began) * 1000
            out["status"] = msg.script_finished
            return out


async def ws_session(port: int, index: int, changes: int, latencies: list[float], errors: list[str],
                     chart_latencies: list[float]) -> None:  # fmt: skip
    """One visitor over a websocket: open the Playground, move the learning-rate slider ``changes`` times."""
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    opt, query = start_query(index)
    key = f"pg.hp.{opt}.learning_rate"
    try:
        async with websockets.connect(
            f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"], max_size=None,
            open_timeout=WS_TIMEOUT_S,
        ) as ws:  # fmt: skip
            answer = await ws_rerun(ws, query, None, key)
            slider = answer["element"]
            if slider is None or answer["status"] != ForwardMsg.FINISHED_SUCCESSFULLY or answer["exceptions"]:
                errors.append(
                    f"session {index}: first run: status {answer['status']}, {answer['exceptions'][:1]}"
                )
                return
            options = list(slider.options)
            at = options.index(f"{optviz.OPTIMIZERS[opt].param('learning_rate').low:g}")
            for _ in range(changes):
                at = at + 1 if at + 1 < len(options) else at - 1
                value = WidgetState(id=slider.id, string_array_value={"data": [options[at]]})
                answer = await ws_rerun(ws, answer["query"], [value], key)
                if (
                    answer["status"] != ForwardMsg.FINISHED_SUCCESSFULLY
                    or answer["exceptions"]
                    or answer["chart_ms"] is None
                ):
                    errors.append(
                        f"session {index}: status {answer['status']}, chart "
                        f"{'missing' if answer['chart_ms'] is None else 'sent'}, {answer['exceptions'][:1]}"
                    )
                    continue
                latencies.append(answer["finished_ms"])
                chart_latencies.append(answer["chart_ms"])
    except Exception as error:  # noqa: BLE001 - a load test counts failures
        errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")


async def phases(args, proc, open_session, what: str, chart_too: bool) -> None:
    """Phase 1 (``--concurrent`` sessions at once) and phase 2 (``--sequential`` sessions one after
    another) with ``open_session(index, changes, latencies, errors, charts)``."""
    if args.concurrent:
        latencies: list[float] = []
        charts: list[float] = []
        errors: list[str] = []
        began = time.perf_counter()
        await asyncio.gather(
            *(open_session(i, args.changes, latencies, errors, charts) for i in range(args.concurrent))
        )
        wall = time.perf_counter() - began
        print(f"\n{args.concurrent} concurrent {what} x {args.changes} slider changes in {wall:.1f} s:")
        print(f"  errors {len(errors)}")
        if chart_too:
            print(
                f"  change -> parameter-space chart received, over {len(charts)} changes:"
                f" p50 {statistics.median(charts):.0f} ms, p95 {percentile(charts, 0.95):.0f} ms"
            )
        print(
            f"  {'change -> rerun finished' if chart_too else 'key press -> redrawn chart'}, over"
            f" {len(latencies)} changes: p50 {statistics.median(latencies):.0f} ms,"
            f" p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
        )
        print(f"  server RSS after: {rss_mb(proc.pid):.0f} MB")
        for e in errors[:10]:
            print("  ", e)
    if args.sequential:
        print(f"\n{args.sequential} {what} in sequence (open, move the slider once, close):")
        errors, latencies, charts = [], [], []
        for i in range(args.sequential):
            await open_session(i, 1, latencies, errors, charts)
            if (i + 1) % 25 == 0:
                print(f"  after {i + 1:4d} sessions: server RSS {rss_mb(proc.pid):.0f} MB", flush=True)
        print(
            f"  errors {len(errors)}; rerun latency p50 {statistics.median(latencies):.0f} ms,"
            f" p95 {percentile(latencies, 0.95):.0f} ms"
        )
        for e in errors[:10]:
            print("  ", e)


async def run(args) -> None:
    port = free_port()
    proc = start_server(port)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc)
        print(f"server pid {proc.pid}, RSS at start {rss_mb(proc.pid):.0f} MB")
        if args.client == "ws":

            async def open_ws(i, changes, latencies, errors, charts):
                await ws_session(port, i, changes, latencies, errors, charts)

            await phases(args, proc, open_ws, "websocket sessions", chart_too=True)
            return
        from playwright.async_api import async_playwright

        async with async_playwright() as pw:
            browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

            async def open_page(i, changes, latencies, errors, charts):
                await session(browser, base, i, changes, latencies, errors)

            await phases(args, proc, open_page, "browser sessions", chart_too=False)
            await browser.close()
    finally:
        stop_server(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("ws", "browser"), default="ws")
    parser.add_argument("--concurrent", type=int, default=30)
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--sequential", type=int, default=300)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
