"""Real-browser fixtures: ``streamlit run serve.py`` on a free loopback port, and Debian's Chromium.

The server starts once per session and is waited for on ``/_stcore/health``. Browsers are never
downloaded: Playwright drives ``/usr/bin/chromium`` (``.ci/run`` installs it with apt-get); without
it, or without the playwright package, these tests are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator

import pytest

from .browser import (
    TIMEOUT_MS,
    chromium_available,
    exception_texts,
    launch,
    running_server,
)

VIEWPORT = {"width": 1400, "height": 1000}


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    with running_server(tmp_path_factory.mktemp("streamlit") / "server.log") as (base, _):
        yield base


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    if not chromium_available():
        if os.environ.get("CI"):  # .ci/run installs it: a missing browser in CI is a failure, not a skip
            pytest.fail("/usr/bin/chromium is missing in CI (.ci/run should have installed it)")
        pytest.skip("/usr/bin/chromium is missing (apt-get install chromium)")
    with sync_api.sync_playwright() as pw:
        b = launch(pw)
        yield b
        b.close()


@pytest.fixture(scope="session")
def warm_context(browser):
    """One browser context for every test's page: its HTTP and compiled-code caches stay warm, so a page
    load does not fetch and compile Streamlit's frontend again (a fresh context's first load cost the
    renderer 1.9 s of CPU against 0.65-0.9 s for a load in a warm one). Each test still gets its own
    page, hence its own Streamlit session; tests that need a context of their own make one."""
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


#: What a page leaves in its origin's storage for the next test's page: Streamlit keeps the sidebar's
#: state (collapsed or expanded) and width in localStorage.
_FORGET_JS = "() => { try { localStorage.clear(); sessionStorage.clear(); } catch (e) {} }"


def leave(p) -> None:
    """Close a page of the warm context, and clear the storage it wrote, so the next test starts as a
    new visitor does (a test that expanded the sidebar left it expanded for the next)."""
    with contextlib.suppress(Exception):  # a page still navigating has no context left to run it in
        if not p.is_closed():
            p.evaluate(_FORGET_JS)
    p.close()


@pytest.fixture
def sized_page(warm_context):
    """A page of the warm context at a given viewport: ``sized_page(1280, 720)``."""
    pages = []

    def make(width: int, height: int):
        p = warm_context.new_page()
        p.set_viewport_size({"width": width, "height": height})
        pages.append(p)
        return p

    try:
        yield make
        for p in pages:
            assert exception_texts(p) == [], "an element shows an exception"
    finally:
        for p in pages:
            leave(p)


@pytest.fixture
def page(sized_page):
    """A page of the warm context at the suite's usual viewport."""
    return sized_page(VIEWPORT["width"], VIEWPORT["height"])
