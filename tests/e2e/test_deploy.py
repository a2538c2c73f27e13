"""The deployment (``python -m deploy``): 2 replicas behind nginx, driven through nginx in Chromium.

One deployment for the module (nginx on a free loopback port, 2 replicas). Skipped with the reason
when nginx is missing (``apt-get install nginx``); in CI ``.ci/run`` installs it, so there a missing
nginx is a failure.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from .browser import (
    CHART,
    TIMEOUT_MS,
    chart_digest,
    exception_texts,
    free_port,
    key_selector,
    open_app,
    wait_chart_change,
    wait_idle,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
import deploy  # noqa: E402
import optviz  # noqa: E402
from webui.ui import format_value, log_options  # noqa: E402

SPACE = key_selector("pg.chart.space")
START = "/?opt=sgd&learning_rate=0.0005&problem=rosenbrock&steps=200"
SLIDER = key_selector("pg.hp.sgd.learning_rate") + ' input[type="range"]'
#: The learning-rate slider's next two notches after 0.0005 (ArrowRight), as the page offers them.
NEXT_LR, THEN_LR = [
    format_value(v) for v in log_options(optviz.OPTIMIZERS["sgd"].param("learning_rate")) if v > 0.0005
][:2]


@pytest.fixture(scope="module")
def deployment() -> Iterator[deploy.Deployment]:
    if deploy.find_nginx() is None:
        if os.environ.get("CI"):
            pytest.fail("nginx is missing in CI (.ci/run should have installed it)")
        pytest.skip("nginx is missing (apt-get install nginx)")
    d = deploy.Deployment(replicas=2, port=free_port(), host="127.0.0.1")
    d.start()
    yield d
    d.stop()


def new_page(browser, deployment, replica: int | None = None):
    """A fresh browser; with ``replica``, one whose cookie already names that replica."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    if replica is not None:
        context.add_cookies([{"name": "optviz_replica", "value": str(replica), "url": deployment.url}])
    return context, context.new_page()


def cookie(context, name: str = "optviz_replica") -> str | None:
    return next((c["value"] for c in context.cookies() if c["name"] == name), None)


def move_slider(page) -> str:
    """Press ArrowRight on the learning-rate slider; wait for the redrawn chart; return the new value."""
    before = chart_digest(page.locator(SPACE))
    page.locator(SLIDER).focus()
    page.keyboard.press("ArrowRight")
    wait_chart_change(page, SPACE, before)
    wait_idle(page)
    return page.locator(SLIDER).get_attribute("aria-valuetext")


def replicas_seen(
    deployment, browser: str, closed_streams: int, timeout: float = 10
) -> list[tuple[int, str]]:
    """Every request of the browser with id ``browser`` (its optviz_browser cookie) once nginx has
    logged ``closed_streams`` websockets for it (a websocket is logged when it closes)."""
    deadline = time.monotonic() + timeout
    while True:
        seen = deployment.routes().get(browser, [])
        if sum("/_stcore/stream" in r.request for r in seen) >= closed_streams or time.monotonic() > deadline:
            return seen
        time.sleep(0.1)


def test_through_nginx_the_chart_follows_the_slider_and_each_browser_stays_on_one_replica(
    browser, deployment
):
    """A fresh browser's websocket gets a cookie naming the replica that took it; the next fresh
    browser's websocket goes to the other replica (the one with fewer open sessions); every request a
    browser makes once its cookie names a replica reaches that replica."""
    first, page = new_page(browser, deployment)
    second = None
    try:
        open_app(page, deployment.url + START)
        page.wait_for_selector(SPACE + " " + CHART)
        home = int(cookie(first))  # nginx set it on the websocket's answer
        assert move_slider(page) == NEXT_LR
        assert parse_qs(urlparse(page.url).query)["learning_rate"] == [NEXT_LR]
        assert exception_texts(page) == []
        # the first page's websocket is open on its replica: a new browser goes to the other one
        second, other_page = new_page(browser, deployment)
        open_app(other_page, deployment.url + START)
        assert cookie(second) == str(1 - home)
        assert move_slider(other_page) == NEXT_LR
        assert exception_texts(other_page) == []
        browsers = [(home, cookie(first, "optviz_browser")), (1 - home, cookie(second, "optviz_browser"))]
    finally:
        first.close()
        if second is not None:
            second.close()
    for replica, browser_id in browsers:
        seen = replicas_seen(deployment, browser_id, closed_streams=1)
        streams = [r.replica for r in seen if "/_stcore/stream" in r.request]
        assert streams == [replica], (
            f"browser {browser_id}: websocket on replicas {streams}, expected [{replica}]"
        )
        # before its websocket a page carries no name (the page, its scripts, health checks: the same
        # on every replica); from then on every request names its replica and reaches it
        named = [r for r in seen if r.named is not None]
        assert named and {(r.named, r.replica) for r in named} == {(str(replica), replica)}, (
            f"one browser was served by several replicas: {seen}"
        )


def test_a_cookie_that_names_no_replica_is_replaced(deployment):
    """A junk or stale cookie (a replica that no longer exists) is answered like a new browser: its
    websocket goes to a replica, whose answer names it; a plain request is answered without a name."""
    import urllib.request

    from websockets.sync.client import connect

    for junk in ("7", "x", ""):
        headers = {"Cookie": f"optviz_replica={junk}"}
        request = urllib.request.Request(f"{deployment.url}/_stcore/health", headers=headers)
        with urllib.request.urlopen(request, timeout=10) as r:
            assert r.status == 200 and r.read()
            assert not [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("optviz_replica=")]
        stream = deployment.url.replace("http", "ws", 1) + "/_stcore/stream"
        with connect(stream, subprotocols=["streamlit"], additional_headers=headers, proxy=None) as ws:
            set_cookies = ws.response.headers.get_all("Set-Cookie")
        named = [c.split(";", 1)[0] for c in set_cookies if c.startswith("optviz_replica=")]
        assert named in (["optviz_replica=0"], ["optviz_replica=1"]), (junk, set_cookies)
    assert [deployment.replica_for(str(i)) for i in range(deployment.replicas)] == list(
        range(deployment.replicas)
    )


def _shown(page) -> dict:
    """What the student sees after a press: the slider, the address bar, the connection status."""
    status = page.locator('[data-testid="stStatusWidget"]')
    return {
        "slider": page.locator(SLIDER).get_attribute("aria-valuetext"),
        "url": page.url,
        "status": status.inner_text() if status.count() else "",
        "idle": page.locator('[data-testid="stApp"]').get_attribute("data-test-script-state"),
    }


def test_a_replica_restart_costs_the_student_a_reconnect(browser, deployment):
    """Kill the replica a student is on: the page stays, reconnects through nginx to the other
    replica, keeps the chart and the values in its URL; once the killed replica is back, the student
    stays on the replica that holds their new session, downloads included."""
    victim, other = 0, 1
    context, page = new_page(browser, deployment, victim)
    try:
        open_app(page, deployment.url + START)
        assert move_slider(page) == NEXT_LR
        assert cookie(context) == str(victim)
        # the chart as drawn (None while Streamlit remounts it: seen once under a parallel suite's load)
        drawn = wait_chart_change(page, SPACE, None)
        restarts = deployment.nodes[victim].restarts
        deployment.held.add(victim)  # keep it down until the page has moved
        deployment.kill_replica(victim, signal.SIGKILL)
        # The page reconnects by itself (it pings /_stcore/health through nginx, which skips the dead
        # replica), keeps what it shows, and the answer to its new websocket names the other replica.
        deadline = time.monotonic() + 30
        while cookie(context) != str(other):
            assert time.monotonic() < deadline, "the page did not reconnect to the other replica within 30 s"
            time.sleep(0.1)
        deployment.held.discard(victim)
        wait_idle(page)
        deadline = time.monotonic() + 10  # the rerun on the other replica may remount the chart
        while chart_digest(page.locator(SPACE)) != drawn and time.monotonic() < deadline:
            time.sleep(0.1)
        assert chart_digest(page.locator(SPACE)) == drawn
        assert page.locator(SLIDER).get_attribute("aria-valuetext") == NEXT_LR
        # The watcher starts the killed replica again on its port; the student stays where the session is.
        deadline = time.monotonic() + 90
        while not deploy.healthy(deployment.nodes[victim].url):
            assert time.monotonic() < deadline, "the killed replica did not come back within 90 s"
            time.sleep(0.2)
        assert deployment.nodes[victim].restarts == restarts + 1
        # nginx tries a failed replica again after fail_timeout (5 s): then its own browsers reach it again.
        deadline = time.monotonic() + 30
        while deployment.replica_for(str(victim)) != victim:
            assert time.monotonic() < deadline, "nginx did not send the killed replica's cookie to it again"
            time.sleep(0.5)
        assert cookie(context) == str(other)
        # The session state died with the replica; the page rebuilds it from its URL. Moving the slider
        # works again, though a press may snap back to the value of the address the page sends on its
        # reconnect (seen: the link it was opened with; see README): the student presses again, up to
        # four times, until the address bar says THEN_LR. Each press must get an answer: the page idle
        # with the slider and the address bar agreeing.
        seen = []
        for _ in range(4):
            page.locator(SLIDER).focus()
            page.keyboard.press("ArrowRight")
            try:
                page.wait_for_function(
                    "(sel) => { const el = document.querySelector(sel), app = document.querySelector("
                    "'[data-testid=\"stApp\"]'); if (el === null || app === null) return false;"
                    " const lr = new URLSearchParams(location.search).get('learning_rate');"
                    " return app.getAttribute('data-test-script-state') !== 'running'"
                    " && el.getAttribute('aria-valuetext') === lr; }",
                    arg=SLIDER,
                )
                page.wait_for_timeout(300)  # a rerun queued right behind the press
                wait_idle(page)
            except Exception as error:  # noqa: BLE001 - say what the student saw, not only a timeout
                raise AssertionError(
                    f"a press after the reconnect got no answer: {[*seen, _shown(page)]}"
                ) from error
            seen.append(_shown(page))
            if f"learning_rate={THEN_LR}" in page.url:
                break
        assert f"learning_rate={THEN_LR}" in page.url, f"four presses did not reach {THEN_LR}: {seen}"
        wait_chart_change(page, SPACE, drawn)
        wait_idle(page)
        assert page.locator(SLIDER).get_attribute("aria-valuetext") == THEN_LR
        assert parse_qs(urlparse(page.url).query)["learning_rate"] == [THEN_LR]
        assert exception_texts(page) == []
        # A download is served by the replica that holds the session (the one the cookie names now),
        # not the restarted one, which never saw this session.
        with page.expect_download() as info:
            page.locator(key_selector("pg.dl.json") + " button").click()
        data = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
        assert data["run"]["hparams"]["learning_rate"] == float(THEN_LR)
        final = cookie(context)
        browser_id = cookie(context, "optviz_browser")
    finally:
        deployment.held.discard(victim)
        context.close()
    # The killed websocket, then the reconnected one(s); the last one is where the cookie points.
    # nginx logs a websocket when it closes, so the last one may reach the log a moment after the others.
    deadline = time.monotonic() + 15
    while True:
        streams = [
            r.replica for r in replicas_seen(deployment, browser_id, 2) if "/_stcore/stream" in r.request
        ]
        if str(streams[-1]) == final or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert len(streams) >= 2 and streams[0] == victim, f"websockets of the student, by replica: {streams}"
    assert str(streams[-1]) == final, f"websockets {streams}, cookie {final}"


def test_an_upload_through_nginx_reaches_the_session(browser, deployment):
    """A CSV upload (PUT /_stcore/upload_file/..., Streamlit's XSRF cookie) goes through nginx to the
    replica that holds the session, and the page fits its points."""
    context, page = new_page(browser, deployment)
    try:
        open_app(page, deployment.url + "/?problem=custom_csv")
        page.locator(key_selector("custom_csv") + ' input[type="file"]').set_input_files(
            files=[{"name": "line.csv", "mimeType": "text/csv", "buffer": b"x,y\n0,1\n1,3\n2,5\n3,7\n4,9\n"}]
        )
        page.get_by_text("5 points loaded; least-squares line w = 2, b = 1.").wait_for()
        wait_idle(page)
        assert exception_texts(page) == []
    finally:
        context.close()
