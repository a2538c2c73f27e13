"""Issue 10 in a real browser: a link's markup is shown as text (no link, no image, no request to a
stranger's server), a page that fails shows a translated message and a reset button instead of a
traceback, and the upload cap is enforced by the server with nothing spooled to disk.

The page-guard and upload tests run on their own server started through tests/e2e/audited_server.py
(an audit hook that records every file the server opens in the temporary directory, and a switch that
makes a run of exactly 13 steps fail inside the page).
"""

from __future__ import annotations

import http.client
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from optviz import upload
from optviz.i18n import t

from .audited_server import CRASH_MESSAGE, CRASH_STEPS
from .browser import (
    CHART,
    EXCEPTION,
    TIMEOUT_MS,
    key_selector,
    open_app,
    running_server,
    wait_idle,
)

LAUNCHER = Path(__file__).with_name("audited_server.py")
#: The only elements a message quoting a visitor's text may contain: paragraphs, list items, code.
PLAIN_TAGS = {"P", "UL", "LI", "CODE"}
ALERT = '[data-testid="stAlert"]'
_TAGS_JS = "el => Array.from(el.querySelectorAll('*')).map(x => x.tagName)"


def _q(text: str) -> str:
    return quote(text, safe="")


# path and query, kind of message, the texts it must show literally
MARKUP_LINKS = [
    (
        "/?opt=" + _q("[click me](https://example.com)")
        + "&learning_rate=" + _q(":red[a] **b** $x^2$ https://example.com")
        + "&" + _q("![key](https://example.com/k.png)") + "=1"
        + "&beta1=" + _q("<img src=https://example.com/i.png>"),
        "Warning",
        [
            "[click me](https://example.com)", ":red[a] **b** $x^2$ https://example.com",
            "![key](https://example.com/k.png)", "<img src=https://example.com/i.png>",
        ],
    ),
    (
        "/compare?steps=5&problem=booth&opts=adam,sgd," + _q("![c](https://example.com/c.png)"),
        "Warning",
        ["opts=![c](https://example.com/c.png)"],
    ),
    ("/?problem=custom_formula&custom_f=" + _q("x*__bold__"), "Error", ["__bold__"]),
]  # fmt: skip


def test_markup_in_a_link_is_shown_as_text_and_fetches_nothing(page, server):
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    for path, kind, literals in MARKUP_LINKS:
        open_app(page, server + path)
        alert = page.locator(f'[data-testid="stAlertContent{kind}"]').first
        alert.wait_for()
        for literal in literals:
            assert literal in alert.inner_text(), (path, alert.inner_text())
        tags = set(alert.locator('[data-testid="stMarkdownContainer"]').first.evaluate(_TAGS_JS))
        assert tags <= PLAIN_TAGS, (path, tags)
        found = page.locator(f"{EXCEPTION}, {ALERT} .katex, a[href*='example.com'], img[src*='example.com']")
        assert found.count() == 0, path
    assert not [u for u in requests if "example.com" in urlsplit(u).netloc], requests


def test_a_formula_that_fails_in_the_page_shows_no_traceback(page, server):
    """An input that has raised inside the Playground (issue 10, item 1): whatever happens to it, the
    visitor sees no exception box and no traceback text."""
    open_app(page, server + "/?problem=custom_formula&custom_f=" + _q("x+y+log(1e-30-x**2*y**2)"))
    body = page.inner_text("body")
    assert page.locator(EXCEPTION).count() == 0
    assert "Traceback" not in body and "ValueError" not in body and ".py" not in body


# --- the audited server -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def audited(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """A server of its own, started through audited_server.py: (base URL, audit log)."""
    folder = tmp_path_factory.mktemp("audited")
    audit_log = folder / "audit.log"
    audit_log.touch()
    with running_server(
        folder / "server.log", launcher=LAUNCHER, env={"OPTVIZ_AUDIT_LOG": str(audit_log)}
    ) as (base, _):
        yield base, audit_log


def test_a_page_that_fails_shows_a_message_and_a_reset_button(browser, audited):
    """(Chinese too: tests/test_visitor_text.py drives the same guard in both languages.)"""
    base, _ = audited
    lang = "en"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        open_app(page, f"{base}/?opt=lion&steps={CRASH_STEPS}&lang={lang}")
        error = page.locator('[data-testid="stAlertContentError"]').first
        assert error.inner_text().strip() == t("app.error", lang)
        body = page.inner_text("body")
        assert page.locator(EXCEPTION).count() == 0
        for leak in ("Traceback", "RuntimeError", CRASH_MESSAGE, "secret", ".py"):
            assert leak not in body, leak
        reset = page.locator(key_selector("app.reset") + " button")
        assert reset.inner_text().strip() == t("app.error.reset", lang)
        reset.click()
        page.wait_for_function(f"() => !window.location.search.includes('steps={CRASH_STEPS}')")
        page.locator(key_selector("pg.chart.space") + " " + CHART).wait_for()
        wait_idle(page)
        assert page.locator('[data-testid="stAlertContentError"]').count() == 0
        assert page.locator(EXCEPTION).count() == 0
        assert t("playground.title", lang) in page.inner_text("body")  # still in the visitor's language
    finally:
        context.close()


def _multipart(data: bytes) -> tuple[bytes, bytes, str]:
    boundary = "optvizTest" + uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    ).encode()
    return head, f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _put(url: str, headers: dict[str, str], data: bytes, *, chunked: bool) -> int | None:
    """Replay the frontend's upload request with ``data`` as the file; the HTTP status (None if the
    server closed the connection without one)."""
    parts = urlsplit(url)
    head, tail, content_type = _multipart(data)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    headers = {**headers, "Content-Type": content_type}
    try:
        if chunked:  # no Content-Length: the server can only count what arrives
            pieces = [head, *(data[i : i + 65536] for i in range(0, len(data), 65536)), tail]
            conn.request("PUT", parts.path, body=iter(pieces), headers=headers, encode_chunked=True)
        else:
            conn.request("PUT", parts.path, body=head + data + tail, headers=headers)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server refused before reading it all; its answer may still be there
    try:
        response = conn.getresponse()
        response.read()
        return response.status
    except (ConnectionError, http.client.HTTPException):
        return None
    finally:
        conn.close()


def test_the_server_refuses_big_uploads_and_never_spools_them_to_disk(browser, audited):
    base, audit_log = audited
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        open_app(page, f"{base}/?problem=custom_csv")
        # Upload a small file through the widget, as a person does, and keep the request it makes:
        # PUT /_stcore/upload_file/<session id>/<file id>, with the XSRF token header and cookie.
        with page.expect_request(lambda r: "/_stcore/upload_file/" in r.url and r.method == "PUT") as info:
            page.locator(key_selector("custom_csv") + ' input[type="file"]').set_input_files(
                files=[{"name": "points.csv", "mimeType": "text/csv", "buffer": b"x,y\n0,1\n1,3\n2,5\n"}]
            )
        frontend = info.value
        page.get_by_text("3 points loaded").wait_for()
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
        headers = {"X-Xsrftoken": frontend.headers["x-xsrftoken"], "Cookie": cookies, "Origin": base}
        session_path = frontend.url.rsplit("/", 1)[0]

        def replay(size: int, chunked: bool) -> tuple[int | None, list[str]]:
            before = audit_log.read_text().splitlines()
            status = _put(f"{session_path}/{uuid.uuid4()}", headers, b"1,2\n" * (size // 4), chunked=chunked)
            return status, audit_log.read_text().splitlines()[len(before) :]

        cap = 1024 * 1024  # server.maxUploadSize = 1 (Streamlit counts MiB)
        assert replay(4000, chunked=False) == (204, [])  # the replayed request itself is accepted
        assert replay(upload.MAX_BYTES, chunked=False) == (204, [])  # the documented cap fits
        assert replay(upload.MAX_BYTES, chunked=True) == (204, [])
        assert replay(cap + 4, chunked=False) == (413, [])  # refused from its Content-Length
        assert replay(3_000_000, chunked=False) == (413, [])
        # Without a Content-Length the server reads the body: up to 2 MiB is parsed (and was spooled
        # to a temporary file past 1 MiB before keep_uploads_in_memory), beyond that it stops reading.
        assert replay(1_500_000, chunked=True) == (413, [])
        assert replay(3_000_000, chunked=True) == (413, [])  # stopped after 2 MiB
        assert page.locator(EXCEPTION).count() == 0
    finally:
        context.close()
