"""Browser-test plumbing shared by tests/e2e and benchmarks/: the app server, Chromium, page probes.

Loopback only: the server listens on 127.0.0.1 and the browser talks to nothing else.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip
STARTUP_TIMEOUT_S = 90
#: Generous: two cores are shared by the server, the browser and the test runner.
TIMEOUT_MS = 45_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(
    port: int,
    log_path: Path | None = None,
    *,
    launcher: Path | None = None,
    env: dict | None = None,
    root: Path | None = None,
) -> subprocess.Popen:
    """``streamlit run serve.py`` (the README's command) on 127.0.0.1:port, headless, no file watcher, no
    telemetry. ``launcher``: a script that starts streamlit itself (``python launcher run serve.py ...``);
    ``root``: the tree it runs (this checkout's by default; an older tree without serve.py runs app.py)."""
    root = root or ROOT
    entry = "serve.py" if (root / "serve.py").exists() else "app.py"
    cmd = [
        sys.executable, *([str(launcher)] if launcher else ["-m", "streamlit"]), "run", entry,
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false", "--server.runOnSave", "false",
    ]  # fmt: skip
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env or {}))
    return subprocess.Popen(cmd, cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env)


def wait_healthy(base: str, proc: subprocess.Popen, timeout: float = STARTUP_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                if r.status == 200 and r.read().strip() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not become healthy within {timeout} s")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


@contextmanager
def running_server(
    log_path: Path | None = None,
    *,
    launcher: Path | None = None,
    env: dict | None = None,
    root: Path | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """A started, healthy app server on a free port: yields ``(base_url, process)`` and stops it after.
    A server that never gets healthy raises with the end of its log (what a failing test should show)."""
    proc = start_server(port := free_port(), log_path, launcher=launcher, env=env, root=root)
    base = f"http://127.0.0.1:{port}"
    try:
        try:
            wait_healthy(base, proc)
        except RuntimeError as error:
            tail = log_path.read_text(errors="replace")[-3000:] if log_path and log_path.exists() else ""
            raise RuntimeError(f"{error}\n{tail}") from None
        yield base, proc
    finally:
        stop_server(proc)


APP = '[data-testid="stApp"]'
IDLE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
EXCEPTION = '[data-testid="stException"]'
CHART = ".js-plotly-plot"

#: Digest of a chart's drawn data (trace kinds and x/y values; contour z left out for speed).
DIGEST_JS = """(root) => {
  const gd = root.matches('.js-plotly-plot') ? root : root.querySelector('.js-plotly-plot');
  if (!gd || !gd.data) return null;
  const plain = (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v);
  return JSON.stringify(gd.data.map((t) => [t.type, t.name, t.x, t.y]), plain);
}"""


# --- Streamlit's websocket protocol, spoken as a browser does -------------------------------------------
class Element(NamedTuple):
    """One element a rerun sent: its id (which ends with its key), area (0 main, 1 sidebar), kind and
    message."""

    id: str
    area: int
    kind: str
    proto: Any


@contextmanager
def app_socket(base: str) -> Iterator[Any]:
    """A websocket session with the app at ``base``, as a browser tab opens one."""
    from websockets.sync.client import connect

    url = base.replace("http", "ws", 1) + "/_stcore/stream"
    with connect(url, subprotocols=["streamlit"], max_size=None, proxy=None) as ws:
        yield ws


def socket_rerun(ws, query: str, widgets: Iterable[Any] = ()) -> tuple[list[Element], str]:
    """Ask for a rerun with the address ``query`` and the widget states ``widgets``; return its elements
    in the order they arrived and the query string the run left in the address bar. Fails on an
    exception element or a run that did not finish successfully."""
    from streamlit.proto.BackMsg_pb2 import BackMsg
    from streamlit.proto.ClientState_pb2 import ClientState
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    state = ClientState(query_string=query, widget_states=WidgetStates(widgets=list(widgets)))
    ws.send(BackMsg(rerun_script=state).SerializeToString())
    elements = []
    while True:
        msg = ForwardMsg.FromString(ws.recv(timeout=60))
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            query = msg.page_info_changed.query_string
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            name = element.WhichOneof("type")
            inner = getattr(element, name)
            assert name != "exception", inner.message
            elements.append(Element(getattr(inner, "id", ""), msg.metadata.delta_path[0], name, inner))
        elif kind == "script_finished":
            assert msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            return elements, query


# --- Chromium ------------------------------------------------------------------------------------------
def chromium_available() -> bool:
    return os.access(CHROMIUM, os.X_OK)


def launch(playwright):
    """Debian's Chromium, headless, with the flags CI needs (never a downloaded browser)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


#: Every live chart (webui/livechart.js) that can be seen is drawn with the figure the page's last run sent:
#: plotly.js draws it after the run has ended (and may still be loading then), where st.plotly_chart's chart
#: came with it; a chart in a hidden tab (no width) is drawn when its tab is shown. And every element whose
#: key names a chart (the app's charts all do: "pg.chart.space", "cmp.paths_chart") and can be seen holds a
#: drawn chart: on a fresh page the live charts' component is loaded after the run has ended, so their
#: elements are still empty when the script is idle (with no live chart yet, the first check holds).
LIVE_DRAWN_JS = """Array.from(document.querySelectorAll('.optviz-chart')).every((gd) => gd.__optvizLive
  && (gd.parentElement.clientWidth === 0
      || gd.__optvizLive.drawn === gd.__optvizLive.figure && !!gd.querySelector('.main-svg')))
  && Array.from(document.querySelectorAll('[data-testid="stElementContainer"][class*="chart"]:not([data-stale="true"])'))
    .filter((c) => /(^| )st-key-\\S*chart/.test(c.className))
    .every((c) => c.clientWidth === 0 || !!c.querySelector('.main-svg'))"""


def wait_idle(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the app's script is not running (after a load or a rerun) and its charts are drawn."""
    page.wait_for_function(
        "(idle) => document.querySelector(idle) !== null && " + LIVE_DRAWN_JS,
        arg=IDLE,
        timeout=timeout,
        polling=50,
    )


#: The Playground's preview component (webui/preview.js) has its data: its script is loaded after the
#: page's last element, up to a second after the charts are drawn on a busy machine, and a move made
#: before then waits for its rerun alone (as it does without the route).
PREVIEW_READY_JS = "() => !!(window.__optvizPreview && window.__optvizPreview.data)"


def wait_preview_ready(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the Playground's preview listens: its slider moves and option clicks ask the route."""
    page.wait_for_function(PREVIEW_READY_JS, timeout=timeout, polling=50)


#: The app is idle and its page has drawn something: on a fresh server the first run can end with an
#: empty page just before the real one starts (webui.shell.route_through_app), and a click made then
#: is lost. Checked in the page rather than with a selector wait, which would demand a *visible* first
#: element (the first can be an invisible style or component).
_DRAWN_JS = (
    """(idle) => document.querySelector(idle) !== null
  && document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]') !== null
  && """
    + LIVE_DRAWN_JS
)


def open_app(page, url: str, timeout: float = TIMEOUT_MS) -> None:
    """Load ``url`` and wait for its first run to finish with the page drawn."""
    page.goto(url, wait_until="domcontentloaded", timeout=timeout)
    page.wait_for_function(_DRAWN_JS, arg=IDLE, timeout=timeout, polling=50)


def chart_digest(locator) -> str | None:
    """A string that changes whenever the chart inside ``locator`` is drawn with new data."""
    return locator.first.evaluate(DIGEST_JS)


#: True when nothing hides the chart ``gd``: Streamlit mounts a new chart hidden (``visibility: hidden``)
#: until it knows its width, a frame or more after the chart already holds its data.
SHOWN_JS = """(gd) => { for (let e = gd; e; e = e.parentElement) { const s = getComputedStyle(e);
  if (s.visibility === 'hidden' || s.display === 'none') return false; } return gd.offsetWidth > 0; }"""


def wait_chart_change(
    page,
    selector: str,
    before: str | None,
    timeout: float = TIMEOUT_MS,
    polling: float | str = 20,
    shown: bool = False,
) -> str:
    """Wait until the chart under ``selector`` holds data different from ``before``; return it.
    ``polling="raf"`` checks on every animation frame; ``shown`` also waits until the chart is visible
    (what a benchmark wants: the first frame that shows the new data to a person)."""
    js = "([sel, before]) => { const el = document.querySelector(sel); if (!el) return false;" + (
        " const d = (" + DIGEST_JS + ")(el); if (d === null || d === before) return false;"
    )
    if shown:
        js += " const gd = el.matches('.js-plotly-plot') ? el : el.querySelector('.js-plotly-plot');"
        js += " if (!(" + SHOWN_JS + ")(gd)) return false;"
    js += " return d; }"
    return page.wait_for_function(js, arg=[selector, before], timeout=timeout, polling=polling).json_value()


def exception_texts(page) -> list[str]:
    return page.locator(EXCEPTION).all_inner_texts()


def key_selector(key: str) -> str:
    """CSS selector of the element Streamlit renders for widget/element ``key``: its class is
    ``st-key-`` plus the key with every character outside [a-zA-Z0-9_-] replaced by '-'."""
    # During a rerun Streamlit may keep the previous element (data-stale="true") beside the new one.
    return ".st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip()) + ':not([data-stale="true"])'


#: True once the expander around ``summary`` is open and its height held still for 5 frames (its opening
#: animation has ended).
_OPENED_JS = """(summary) => new Promise((done) => {
  const box = summary.closest('[data-testid="stExpander"]');
  let last = -1, still = 0;
  const tick = () => {
    const h = box.getBoundingClientRect().height;
    still = h === last && summary.closest('details').open ? still + 1 : 0;
    last = h;
    if (still >= 5) done(true); else requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})"""


def press_slider(page, key: str, arrow: str, times: int = 1):
    """Focus the slider of the widget ``key`` and press ``arrow`` on it ``times`` times, as a person moves
    it with the keyboard; returns its range input."""
    slider = page.locator(key_selector(key) + ' input[type="range"]')
    slider.focus()
    for _ in range(times):
        page.keyboard.press(arrow)
    return slider


def open_expander(summary) -> None:
    """Open the expander of ``summary`` (a locator) as a person does, and wait for its opening animation to
    end: a click on a button inside it while it still grows can be lost (mouse down on the button, the
    content laid out again, mouse up elsewhere), which no person does who reads the button first."""
    summary.click()
    summary.evaluate(_OPENED_JS)


OPTIONS = '[role="listbox"] [role="option"]'


def open_select(page, key: str, tries: int = 3):
    """Open the select box ``key`` as a person does and return its options (a locator).

    Centred first, with room below for its list: a list opened at an edge scrolls the page as it opens
    and can close again at once. A click that lands while a rerun redraws the box leaves it shut, so a
    list that does not show is opened again, with the keyboard as a person would retry."""
    box = page.locator(key_selector(key))
    options = page.locator(OPTIONS)
    for attempt in range(tries):
        wait_idle(page)
        box.first.evaluate("e => e.scrollIntoView({block: 'center'})")
        opener = box.locator('button[aria-haspopup="listbox"]')
        field = opener if opener.count() else box.locator('[role="combobox"]')
        field.first.click()
        if attempt:
            page.keyboard.press("ArrowDown")
        try:
            options.first.wait_for(timeout=5_000)
            return options
        except Exception:  # noqa: BLE001 - shut: close whatever half-opened and try again
            page.keyboard.press("Escape")
    raise AssertionError(f"the list of {key!r} did not open in {tries} tries")


def choose(page, key: str, option: str) -> None:
    """Pick the option of select box ``key`` whose text contains ``option`` (the caller waits for what
    the choice should show)."""
    open_select(page, key).filter(has_text=option).first.click()
