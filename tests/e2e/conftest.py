"""Real-browser fixtures: ``streamlit run app.py`` on a free loopback port, and Debian's Chromium.

The server starts once per session and is waited for on ``/_stcore/health``. Browsers are never
downloaded: Playwright drives ``/usr/bin/chromium`` (``.ci/run`` installs it with apt-get); without
it, or without the playwright package, these tests are skipped with the reason.
"""

from __future__ import annotations

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


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    p = context.new_page()
    yield p
    try:
        assert exception_texts(p) == [], "an element shows an exception"
    finally:
        context.close()
