"""A bounded classroom load test, loopback only: concurrent sessions, rerun latency, server memory.

1. ``--concurrent`` sessions (default 30) open the Playground at once, each on its own
   optimizer/learning-rate start, and each moves the learning-rate slider ``--changes`` times
   (default 10). Reported: errors, p50/p95 rerun latency and the server's RSS.
2. ``--sequential`` sessions (default 300) open, move the slider once and close, one after another;
   the server's RSS is printed every 25 sessions, to show that memory levels off (caches are bounded
   and session state holds only small values). Streamlit keeps a closed session for
   ``server.disconnectedSessionTTL`` (120 s) in case its browser reconnects, so memory can only level
   off once sessions older than that are dropped: run enough sessions to pass that window.

``--client ws`` (the default) speaks Streamlit's websocket protocol directly, as a browser tab
does: it sends the slider's new value and times the server's answer, from the change to the
parameter-space chart's message and to the end of the rerun. An error is an exception element, a
run that did not finish successfully, a timeout or a dropped connection. This measures the server;
``--client browser`` drives headless Chromium pages instead (latency from the key press to the
redrawn chart, errors are exception boxes and timeouts), where 30 tabs drawing charts on two cores
dominate the numbers.

Targets: by default one plain ``streamlit run serve.py`` (no proxy). ``--replicas N`` starts the
deployment of ``deploy/`` instead (nginx in front of N replicas, on free loopback ports) and reports
the RSS of every replica and how many websockets each one served; ``--replicas 1,2`` runs the same
load against 1 and then 2 replicas and prints the throughput ratio. ``--base URL`` targets a server
or load balancer that is already running (no memory figures then). Each websocket client first
loads the page, as a browser does, and sends back an affinity cookie if the page's answer set one
(``deploy/``'s nginx names the replica in the websocket's answer instead: the websocket goes to the
replica with the fewest open sessions).

``--classroom`` is the classroom profile: 40 sessions (unless ``--concurrent`` says otherwise), each
waiting a think time drawn uniformly from 1-3 s (``--think``) before every slider change, seeded
(``--seed``), so two runs make the same requests at the same moments. ``--same-link`` puts every
session on the app's default page (a class on one link: Adam, learning rate 0.01, on the seed's data),
each moving the learning rate one notch up or down at random (seeded by the session's number). The
server's CPU per change is printed twice: over the whole phase (page openings included), and from the
moment the last page opened. Without ``--classroom`` there is no think time: every session changes
the slider as soon as the previous rerun finished (the throughput load).
Throughput is slider changes answered per second of the phase's wall time. The machine's load
average is printed before and after each phase: on a shared machine the numbers are pessimistic.

Every request goes to 127.0.0.1 (or ``--base``); every wait has a timeout; the script stops by
itself. Usage: ``python benchmarks/load_test.py [--client ws|browser] [--concurrent 30]
[--changes 10] [--sequential 300] [--classroom] [--think 1:3] [--seed 0] [--same-link]
[--replicas 1,2 | --base URL]``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parents[1]
#: The one-server target's launcher: streamlit writing each script run's CPU time down.
TIMED_SERVER = Path(__file__).resolve().with_name("timed_server.py")
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from e2e.browser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    DIGEST_JS,
    EXCEPTION,
    IDLE,
    free_port,
    key_selector,
    running_server,
)

import deploy  # noqa: E402
import optviz  # noqa: E402

#: (began, ended) of every answered slider change in the current phase: throughput is measured over
#: the window from the first change to the last answer, so the page openings before it do not count.
ANSWERED: list[tuple[float, float]] = []
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
        + DIGEST_JS
        + ")(el); return d !== null && d !== before; }"
    )
    await page.wait_for_function(js, arg=[CHART, before], timeout=TIMEOUT_MS, polling=50)


async def digest(page) -> str | None:
    return await page.locator(CHART).first.evaluate(DIGEST_JS)


async def session(
    browser, base: str, index: int, changes: int, latencies: list[float], errors: list[str], think=None
):
    """One visitor: open the Playground, move the learning-rate slider ``changes`` times (after a
    think time ``think()`` seconds before each change, when given)."""
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
            if think is not None:
                await asyncio.sleep(think())
            before = await digest(page)
            await slider.focus()
            began = time.perf_counter()
            await page.keyboard.press("ArrowRight")
            await wait_change(page, before)
            ANSWERED.append((began, time.perf_counter()))
            latencies.append((ANSWERED[-1][1] - began) * 1000)
        await page.wait_for_selector(IDLE)
        shown = await page.locator(EXCEPTION).count()
        if shown:
            errors.append(f"session {index}: {shown} exception box(es)")
    except Exception as error:  # noqa: BLE001 - a load test counts failures
        errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
    finally:
        await context.close()


WS_TIMEOUT_S = TIMEOUT_MS / 1000


#: The app's default page (``--same-link``): Adam at its default learning rate on the seed's data.
SAME_LINK = ("adam", "")


def start_query(index: int, same_link: bool = False) -> tuple[str, str]:
    """Session ``index``'s optimizer and start URL query: every optimizer in turn, at its lowest rate
    (or, ``same_link``, every session on the app's default page: ``SAME_LINK``)."""
    if same_link:
        return SAME_LINK
    optimizers = list(optviz.OPTIMIZERS)
    opt = optimizers[index % len(optimizers)]
    low = optviz.OPTIMIZERS[opt].param("learning_rate").low
    return opt, f"opt={opt}&learning_rate={low:g}&problem=rosenbrock&steps=200"


#: How a run the load test asked for ends well: the whole page, or the fragment the widget is in.
FINISHED = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)


async def ws_rerun(ws, query: str, widgets: list | None, wanted: str, fragment: str = "") -> dict:
    """Ask for a rerun (with ``widgets``' new values) and read the answer up to the end of the run:
    the element whose id ends with ``wanted`` and the fragment it was drawn by, the ms to the space
    chart and to the end, the new URL query, exception messages and the finish status.

    With ``fragment`` (a fragment id) only that fragment reruns, as the browser asks when the changed
    widget was drawn by a fragment (the Playground's body)."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    state = ClientState(
        query_string=query, widget_states=WidgetStates(widgets=widgets or []), fragment_id=fragment
    )
    began = time.perf_counter()
    out: dict = {
        "element": None,
        "fragment": "",
        "chart_ms": None,
        "query": query,
        "exceptions": [],
        "began": began,
    }
    await ws.send(BackMsg(rerun_script=state).SerializeToString())
    while True:
        msg = ForwardMsg.FromString(await asyncio.wait_for(ws.recv(), WS_TIMEOUT_S))
        kind = msg.WhichOneof("type")
        if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            inner = getattr(element, element.WhichOneof("type"))
            element_id = getattr(inner, "id", "")
            if element_id.endswith(wanted):
                out["element"], out["fragment"] = inner, msg.delta.fragment_id
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


NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def page_cookie(base: str) -> str | None:
    """Load the page as a browser does first; return the affinity cookie a load balancer set, if any."""
    with NO_PROXY.open(f"{base}/", timeout=WS_TIMEOUT_S) as r:
        r.read()
        for header in r.headers.get_all("Set-Cookie") or []:
            if header.startswith("optviz_replica="):
                return header.split(";", 1)[0]
    return None


#: Called by a websocket session once its page has opened (``phases`` counts openings with it).
ON_OPENED = [lambda: None]


async def ws_session(base: str, index: int, changes: int, latencies: list[float], errors: list[str],
                     chart_latencies: list[float], think=None, same_link: bool = False) -> None:  # fmt: skip
    """One visitor over a websocket: load the page (and keep an affinity cookie if it set one), open the Playground,
    move the learning-rate slider ``changes`` times, after ``think()`` seconds before each change: up from
    its lowest notch, or (``same_link``) one notch up or down at random from the default page's rate."""
    import websockets
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    opt, query = start_query(index, same_link)
    walk = random.Random(index)
    key = f"pg.hp.{opt}.learning_rate"
    try:
        cookie = await asyncio.to_thread(page_cookie, base)
        async with websockets.connect(
            base.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"], max_size=None,
            open_timeout=WS_TIMEOUT_S, proxy=None, additional_headers={"Cookie": cookie} if cookie else None,
        ) as ws:  # fmt: skip
            answer = await ws_rerun(ws, query, None, key)
            slider = answer["element"]
            if slider is None or answer["status"] not in FINISHED or answer["exceptions"]:
                errors.append(
                    f"session {index}: first run: status {answer['status']}, {answer['exceptions'][:1]}"
                )
                return
            ON_OPENED[0]()
            options, fragment = list(slider.options), answer["fragment"]
            param = optviz.OPTIMIZERS[opt].param("learning_rate")
            at = options.index(f"{param.default if same_link else param.low:g}")
            for _ in range(changes):
                if think is not None:
                    await asyncio.sleep(think())
                if same_link:
                    at = min(max(at + walk.choice((-1, 1)), 0), len(options) - 1)
                else:
                    at = at + 1 if at + 1 < len(options) else at - 1
                value = WidgetState(id=slider.id, string_array_value={"data": [options[at]]})
                answer = await ws_rerun(ws, answer["query"], [value], key, fragment)
                if answer["status"] not in FINISHED or answer["exceptions"] or answer["chart_ms"] is None:
                    errors.append(
                        f"session {index}: status {answer['status']}, chart "
                        f"{'missing' if answer['chart_ms'] is None else 'sent'}, {answer['exceptions'][:1]}"
                    )
                    continue
                ANSWERED.append((answer["began"], answer["began"] + answer["finished_ms"] / 1000))
                latencies.append(answer["finished_ms"])
                chart_latencies.append(answer["chart_ms"])
    except Exception as error:  # noqa: BLE001 - a load test counts failures
        errors.append(f"session {index}: {type(error).__name__}: {str(error).splitlines()[0][:120]}")


@dataclass
class Target:
    """What the load goes to: ``base`` URL, the server processes to watch, and the deployment if any."""

    base: str
    pids: list[int] = field(default_factory=list)
    deployment: deploy.Deployment | None = None
    label: str = ""
    #: where the server writes each script run's CPU ms (benchmarks/timed_server.py), if it does
    runs_log: Path | None = None

    def runs(self) -> list[float]:
        """CPU ms of every script run so far, in order (none without ``runs_log``)."""
        return [] if self.runs_log is None else read_runs(self.runs_log)

    def rss(self) -> str:
        if not self.pids:
            return "n/a (server not started by this script)"
        sizes = [rss_mb(pid) for pid in self.pids]
        each = ", ".join(f"{mb:.0f}" for mb in sizes)
        return f"{sum(sizes):.0f} MB" + (f" (replicas: {each} MB)" if len(sizes) > 1 else "")

    def cpu(self) -> float:
        return sum(cpu_s(pid) for pid in self.pids)

    def spread(self) -> str:
        """Websockets served per replica, from nginx's access log (a websocket is logged when it closes)."""
        if self.deployment is None:
            return ""
        counts = [0] * self.deployment.replicas
        for seen in self.deployment.routes().values():
            for route in seen:
                if route.replica is not None and "/_stcore/stream" in route.request:
                    counts[route.replica] += 1
        return "  websockets per replica so far: " + ", ".join(f"#{i}: {n}" for i, n in enumerate(counts))


@contextlib.contextmanager
def timed_server(root: Path | None = None):
    """``running_server`` started by benchmarks/timed_server.py: yields ``(base, process, runs_log)``, the
    log holding each script run's CPU ms (``read_runs``). ``root``: the tree whose app it serves."""
    with tempfile.TemporaryDirectory() as folder:
        runs_log = Path(folder) / "runs.txt"
        env = {"OPTVIZ_RUN_CPU_LOG": str(runs_log)}
        with running_server(launcher=TIMED_SERVER, env=env, root=root) as (base, proc):
            yield base, proc, runs_log


def unpack(ref: str, folder: Path) -> Path:
    """The tree of commit ``ref`` written into ``folder`` (``git archive``: files only, no repository)."""
    archive = subprocess.Popen(
        ["git", "-C", str(ROOT), "archive", "--format=tar", ref], stdout=subprocess.PIPE
    )
    subprocess.run(["tar", "-x", "-C", str(folder)], stdin=archive.stdout, check=True)
    if archive.wait() != 0:
        raise SystemExit(f"git archive {ref} failed")
    return folder


class RateSession:
    """One websocket session on a timed server (``timed_server``) moving Adam's learning rate on the app's
    default page, a change at a time, asking like the browser for a rerun of the fragment that drew the
    slider: over six values in turn (a value chosen before: the run and its views come from the shared
    stores) or, ``new``, up the slider, a value never chosen before per change. What ``block`` measures
    is kept: each change's ms to the end of its rerun, each script run's CPU ms, and the server's CPU ms
    per change over each block (/proc)."""

    KEY = "pg.hp.adam.learning_rate"
    #: ``preview``: also ask, as the browser does ~15 ms before its rerun, the Playground's preview route
    #: for the new value (a tree without the route answers 404), so /proc counts what a browser costs.
    PREVIEW_LEAD_S = 0.015

    def __init__(self, base: str, pid: int, runs_log: Path, *, new: bool, preview: bool = False) -> None:
        self.base, self.pid, self.runs_log, self.new, self.preview = base, pid, runs_log, new, preview
        self.changes = 0
        self.walls: list[float] = []
        self.runs: list[float] = []
        self.per_change: list[float] = []

    async def open(self) -> None:
        import websockets

        url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        self.ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None, proxy=None)
        self.answer = await ws_rerun(self.ws, "", None, self.KEY)
        self.options = list(self.answer["element"].options)
        self.start = self.options.index("0.01")

    async def change(self) -> None:
        """The next value's change, up to the end of its rerun and the server's last sends."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        i, options = self.changes, self.options
        pick = options[(self.start - 6 + i) % len(options)] if self.new else options[self.start + (i % 6) - 3]
        value = WidgetState(id=self.answer["element"].id, string_array_value={"data": [pick]})
        asked = None
        if self.preview:
            asked = asyncio.create_task(asyncio.to_thread(self._preview, float(pick)))
            await asyncio.sleep(self.PREVIEW_LEAD_S)
        self.answer = await ws_rerun(
            self.ws, self.answer["query"], [value], self.KEY, self.answer["fragment"]
        )
        assert self.answer["status"] in FINISHED and not self.answer["exceptions"], self.answer
        if asked is not None:
            assert await asked in (200, 404)
        self.changes += 1
        await asyncio.sleep(0.02)  # the server's last sends after the run's end

    #: What Chromium sends: the server gzips what it answers a browser.
    BROWSER_ENCODINGS = "gzip, deflate, br, zstd"

    def _preview(self, learning_rate: float) -> int:
        """GET the preview of the default page with ``learning_rate``, as a browser asks: its HTTP status."""
        import urllib.error
        import urllib.request
        from urllib.parse import urlencode

        from optviz import app_state

        query = {**app_state.encode_playground(app_state.default_config()), "lang": "en"}
        query["learning_rate"] = repr(learning_rate)
        try:
            asked = urllib.request.Request(
                f"{self.base}/optviz/preview?{urlencode(query)}",
                headers={"Accept-Encoding": self.BROWSER_ENCODINGS},
            )
            with urllib.request.urlopen(asked, timeout=30) as r:
                r.read()
                return r.status
        except urllib.error.HTTPError as error:
            return error.code

    async def block(self, changes: int) -> None:
        """``changes`` changes, measured."""
        counted, before = len(read_runs(self.runs_log)), cpu_s(self.pid)
        for _ in range(changes):
            await self.change()
            self.walls.append(self.answer["finished_ms"])
        self.per_change.append((cpu_s(self.pid) - before) * 1e3 / changes)
        runs = read_runs(self.runs_log)[counted:]
        assert len(runs) == changes, (len(runs), changes)  # one run per change, in sequence
        self.runs += runs


def read_runs(runs_log: Path) -> list[float]:
    """CPU ms of every script run written to ``runs_log`` so far, in order."""
    return [float(line) for line in runs_log.read_text().split()] if runs_log.exists() else []


def other_threads_ms(runs: list[float], spent_s: float, changes: int) -> float:
    """The server's CPU per change outside its script runs (event loop, websocket): what /proc counted over
    ``changes`` changes (``spent_s``) less the runs' own time."""
    return (1000 * spent_s - sum(runs)) / changes


def cpu_s(pid: int) -> float:
    """User + system CPU seconds used so far by process ``pid`` (from /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


async def phases(args, target: Target, open_session, what: str, chart_too: bool) -> float | None:
    """Phase 1 (``--concurrent`` sessions at once) and phase 2 (``--sequential`` sessions one after
    another) with ``open_session(index, changes, latencies, errors, charts, think)``; returns phase 1's
    throughput (slider changes answered per second)."""
    throughput = None
    if args.concurrent:
        latencies: list[float] = []
        charts: list[float] = []
        errors: list[str] = []
        thinks = {}
        if args.think[1] > 0:
            for i in range(args.concurrent):
                rng = random.Random(args.seed * 100_003 + i)
                thinks[i] = lambda rng=rng: rng.uniform(*args.think)
        print(f"\n[{target.label}] before: {load()}")
        ANSWERED.clear()
        opened: dict = {"sessions": 0}

        def on_opened() -> None:  # the server's CPU once every page has opened: changes only from then on
            opened["sessions"] += 1
            if opened["sessions"] == args.concurrent and target.pids:
                opened.update(cpu=target.cpu(), answered=len(ANSWERED), runs=len(target.runs()))

        ON_OPENED[0] = on_opened
        server_cpu, client_cpu = target.cpu(), time.process_time()
        began = time.perf_counter()
        await asyncio.gather(
            *(
                open_session(i, args.changes, latencies, errors, charts, thinks.get(i))
                for i in range(args.concurrent)
            )
        )
        wall = time.perf_counter() - began
        server_cpu, client_cpu = target.cpu() - server_cpu, time.process_time() - client_cpu
        window = max(e for _, e in ANSWERED) - min(b for b, _ in ANSWERED) if ANSWERED else float("nan")
        throughput = len(ANSWERED) / window
        profile = (
            f"think time {args.think[0]:g}-{args.think[1]:g} s (seed {args.seed})"
            if thinks
            else "no think time"
        )
        print(
            f"[{target.label}] {args.concurrent} concurrent {what} x {args.changes} slider changes,"
            f" {profile}, in {wall:.1f} s:"
        )
        print(f"  errors {len(errors)}")
        if latencies and chart_too:
            print(
                f"  change -> parameter-space chart received, over {len(charts)} changes:"
                f" p50 {statistics.median(charts):.0f} ms, p95 {percentile(charts, 0.95):.0f} ms"
            )
        if latencies:
            print(
                f"  {'change -> rerun finished' if chart_too else 'key press -> redrawn chart'}, over"
                f" {len(latencies)} changes: p50 {statistics.median(latencies):.0f} ms,"
                f" p95 {percentile(latencies, 0.95):.0f} ms, max {max(latencies):.0f} ms"
            )
        print(
            f"  throughput {throughput:.2f} slider changes answered per second"
            f" ({len(ANSWERED)} over the {window:.1f} s from the first change to the last answer)"
        )
        if target.pids:
            print(
                f"  server CPU {server_cpu:.1f} s for {args.concurrent} page openings and {len(ANSWERED)} changes"
                f" ({1000 * server_cpu / max(1, len(ANSWERED)):.0f} ms per change, openings included;"
                f" {server_cpu / wall:.2f} cores busy on average);"
                f" this load generator used {client_cpu:.1f} s of CPU on the same machine"
            )
        if "cpu" in opened and len(ANSWERED) > opened["answered"]:
            changes = len(ANSWERED) - opened["answered"]
            spent = target.cpu() - opened["cpu"]
            print(
                f"  server CPU after the last page opened: {1000 * spent / changes:.1f} ms per change"
                f" ({changes} changes)"
            )
            runs = target.runs()[opened["runs"] :]
            if runs:  # per run: a median, which /proc's 10 ms ticks cannot give
                rest = other_threads_ms(runs, spent, changes)
                print(
                    f"  script runs after the last page opened: {len(runs)}, CPU per run median"
                    f" {statistics.median(runs):.1f} ms, mean {statistics.mean(runs):.1f} ms;"
                    f" the server's other threads (event loop, websocket) {rest:.1f} ms per change;"
                    f" median per change about {statistics.median(runs) + rest:.1f} ms"
                )
        print(f"  server RSS after: {target.rss()}")
        if target.deployment is not None:
            print(target.spread())
        print(f"  after: {load()}")
        for e in errors[:10]:
            print("  ", e)
    if args.sequential:
        print(f"\n[{target.label}] {args.sequential} {what} in sequence (open, move the slider once, close):")
        print(f"  before: {load()}; server RSS {target.rss()}")
        errors, latencies, charts = [], [], []
        for i in range(args.sequential):
            await open_session(i, 1, latencies, errors, charts, None)
            if (i + 1) % 25 == 0:
                print(f"  after {i + 1:4d} sessions: server RSS {target.rss()}", flush=True)
        print(
            f"  errors {len(errors)}; rerun latency p50 {statistics.median(latencies):.0f} ms,"
            f" p95 {percentile(latencies, 0.95):.0f} ms"
        )
        if target.deployment is not None:
            print(target.spread())
        print(f"  after: {load()}")
        for e in errors[:10]:
            print("  ", e)
    return throughput


async def drive(args, target: Target) -> float | None:
    """Run the phases against ``target`` with the chosen client; return phase 1's throughput."""
    if args.client == "ws":

        async def open_ws(i, changes, latencies, errors, charts, think):
            await ws_session(target.base, i, changes, latencies, errors, charts, think, args.same_link)

        return await phases(args, target, open_ws, "websocket sessions", chart_too=True)
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

        async def open_page(i, changes, latencies, errors, charts, think):
            await session(browser, target.base, i, changes, latencies, errors, think)

        try:
            return await phases(args, target, open_page, "browser sessions", chart_too=False)
        finally:
            await browser.close()


async def run(args) -> None:
    if args.base:
        await drive(args, Target(args.base.rstrip("/"), label=args.base))
        return
    if not args.replicas:
        with timed_server() as (base, proc, runs_log):
            print(f"server pid {proc.pid}, RSS at start {rss_mb(proc.pid):.0f} MB (one server, no proxy)")
            await drive(args, Target(base, [proc.pid], label="1 server, no proxy", runs_log=runs_log))
        return
    results = {}
    for n in args.replicas:
        with deploy.Deployment(replicas=n, port=free_port(), host="127.0.0.1") as d:
            target = Target(d.url, d.replica_pids(), d, label=f"nginx + {n} replica{'s' * (n > 1)}")
            print(f"\n{target.label} at {d.url}; RSS at start {target.rss()}")
            results[n] = await drive(args, target)
    if len(results) > 1 and all(results.values()):
        low, high = min(results), max(results)
        print(
            f"\nthroughput ratio {high} vs {low} replica(s): {results[high] / results[low]:.2f}"
            f" ({results[high]:.1f} / {results[low]:.1f} changes per second)"
        )


def think_range(text: str) -> tuple[float, float]:
    low, _, high = text.partition(":")
    low, high = float(low), float(high or low)
    if not 0 <= low <= high:
        raise argparse.ArgumentTypeError(
            f"think time must be MIN:MAX seconds with 0 <= MIN <= MAX, got {text}"
        )
    return low, high


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--client", choices=("ws", "browser"), default="ws")
    parser.add_argument(
        "--concurrent", type=int, default=None, help="sessions at once (30; 40 with --classroom)"
    )
    parser.add_argument("--changes", type=int, default=10)
    parser.add_argument("--sequential", type=int, default=300)
    parser.add_argument("--classroom", action="store_true", help="40 sessions, think time 1-3 s")
    parser.add_argument("--think", type=think_range, default=None, help="think time MIN:MAX s (0:0)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--same-link", action="store_true",
        help="every session on the app's default page, moving Adam's learning rate a notch at random",
    )  # fmt: skip
    target = parser.add_mutually_exclusive_group()
    target.add_argument(
        "--replicas", type=lambda text: [int(n) for n in text.split(",")], default=None,
        help="start deploy/ (nginx + N replicas) and load it; 1,2 runs both and prints the ratio",
    )  # fmt: skip
    target.add_argument("--base", help="load a running server or load balancer at this URL")
    args = parser.parse_args()
    if args.concurrent is None:
        args.concurrent = 40 if args.classroom else 30
    if args.think is None:
        args.think = (1.0, 3.0) if args.classroom else (0.0, 0.0)
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
