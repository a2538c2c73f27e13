"""Every control of every page, used once like a person would, in English, Chinese and presentation mode.

For each page and mode the crawl opens the page, plays every animation, then operates each visible
control in turn (controls that appear on the way join the queue) and after every action checks what a
person would see (tests/e2e/crawl.py ``check``): no exception box, every chart drawn with finite data
and its contours still there, and the address bar equal to the page's share link. In CI each mode
takes a fixed, seeded sample of the controls (``SAMPLE``, at most ``MAX_ACTIONS``), so the suite stays
within CI's time; ``OPTVIZ_CRAWL=full`` operates every control. The language switch and presentation
toggle have their own test below, and the lesson buttons are each clicked by tests/e2e/test_issue11.py.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import numpy as np
import pytest

import optviz
from optviz import app_state
from optviz.i18n import t

from .browser import CHART, chart_digest, key_selector
from .crawl import Control, chart_report, check, control, controls, operate, play_all, wait_settled

PAGES = {"playground": "", "compare": "compare", "sweep": "sweep", "networks": "networks", "learn": "learn"}
MODES = {"en": "", "zh": "lang=zh", "present": "present=true"}
#: Share of the controls each mode operates, and the cap on actions per page and mode: a fixed,
#: seeded sample keeps CI's run short; OPTVIZ_CRAWL=full operates every control (the full crawl).
FULL = os.environ.get("OPTVIZ_CRAWL") == "full"
SAMPLE = {"en": 1.0, "zh": 1.0, "present": 1.0} if FULL else {"en": 0.35, "zh": 0.15, "present": 0.15}
MAX_ACTIONS = {"en": 500, "zh": 500, "present": 500} if FULL else {"en": 6, "zh": 2, "present": 2}
#: Order of operation: controls that change what else the page shows (selects, toggles, buttons) come
#: after those that only change values, so a crawl reaches each control before a switch removes it.
ORDER = [
    "stSlider",
    "stBidiComponentIsolated",  # the Playground's step cursor
    "stNumberInput",
    "stTextInput",
    "stRadio",
    "stButtonGroup",
    "stTabs",
    "stExpander",
    "stDownloadButton",
    "stFileUploader",
    "stCheckbox",
    "stMultiSelect",
    "stSelectbox",
    "stButton",
]
#: Switched by their own test; lessons are clicked one by one in test_learn_buttons.py.
SKIP = ("lang", "present", "learn-lesson-")
REPORT = Path(os.environ.get("OPTVIZ_CRAWL_REPORT", "/tmp/optviz-crawl.json"))


def _url(server: str, path: str, mode: str) -> str:
    query = MODES[mode]
    return f"{server}/{path}" + (f"?{query}" if query else "")


def _drawn_run_matches_url(page) -> None:
    """On the Playground, the drawn path is the run the address bar describes, up to its step cursor
    (registry problems; a custom problem's data is not in the URL)."""
    query = parse_qs(urlparse(page.url).query)
    config, warnings = app_state.parse_playground(query)
    if warnings or config.problem in app_state.CUSTOM_PROBLEMS:
        return
    trace = optviz.run(config.optimizer, optviz.PROBLEMS[config.problem](**config.problem_params),
                       **app_state.run_kwargs(config))  # fmt: skip
    ends = page.eval_on_selector(
        key_selector("pg.chart.space") + " " + CHART,
        "gd => gd._fullData.filter(t => t.x && t.x.length > 1).map(t => [t.x[t.x.length - 1], t.y[t.y.length - 1]])",
    )
    end = trace.params[trace.k if config.cursor is None else min(config.cursor, trace.k)]
    assert any(np.allclose(e, end, rtol=1e-6, atol=1e-9) for e in ends), (end, ends, page.url)


def _contours(page) -> dict[str, int]:
    return {c["key"]: c["contourPaths"] for c in chart_report(page) if c["contours"] and c["key"]}


def _record(page_name: str, mode: str, done: dict[str, str]) -> None:
    data = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    data[f"{page_name}/{mode}"] = done
    REPORT.write_text(json.dumps(data, indent=1, ensure_ascii=False))


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("page_name", list(PAGES))
def test_every_control_works(page, server, page_name, mode):
    url = _url(server, PAGES[page_name], mode)
    page.goto(url, wait_until="domcontentloaded")
    wait_settled(page)
    home = urlparse(page.url).path
    drawn = _contours(page)
    assert play_all(page) >= (1 if page_name == "playground" else 0)
    check(page, contours=drawn)
    if mode == "present":  # presentation mode starts with the sidebar collapsed: open it, as a teacher would
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.locator('[data-testid="stSidebarUserContent"]').wait_for()
        page.wait_for_timeout(400)  # the slide-in animation

    rng = random.Random(f"{page_name}/{mode}")
    found = controls(page, SKIP)
    queue: list[Control] = [c for c in found if rng.random() < SAMPLE[mode]] or found[:1]
    seen = {c.name for c in queue}
    done: dict[str, str] = {}
    while queue and len(done) < MAX_ACTIONS[mode]:
        queue.sort(key=lambda c: ORDER.index(c.kind))  # stable: document order within a kind
        c = queue.pop(0)
        if page.locator(c.selector).count() == 0 or not page.locator(c.selector).first.is_visible():
            seen.discard(c.name)  # hidden or gone for now (a closed expander, another optimizer)
            continue
        done[c.name] = operate(page, c)
        check(page, contours=drawn)
        if page_name == "playground" and urlparse(page.url).path == home:
            _drawn_run_matches_url(page)
        if urlparse(page.url).path != home:  # a button opened another page: it works; come back
            page.goto(url, wait_until="domcontentloaded")
            wait_settled(page)
        for new in controls(page, SKIP):
            if new.name not in seen and rng.random() < SAMPLE[mode]:
                seen.add(new.name)
                queue.append(new)
    if mode == "en":
        play_all(page)
        check(page, contours=drawn)
    _record(page_name, mode, done)
    assert done, "no control was operated"


@pytest.mark.parametrize("page_name", list(PAGES))
def test_language_and_presentation_switches(page, server, page_name):
    """The sidebar's language select and presentation toggle work on every page and stay in the URL."""
    page.goto(_url(server, PAGES[page_name], "en"), wait_until="domcontentloaded")
    wait_settled(page)
    operate(page, control("lang", "stSelectbox"))
    check(page)
    assert "lang=zh" in page.url
    nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
    assert all(t(f"nav.{name}", "zh") in nav for name in PAGES), nav
    operate(page, control("present", "stCheckbox"))
    check(page)
    assert "present=true" in page.url and "lang=zh" in page.url


#: A link per page with settings away from the defaults (what a teacher pastes in the class chat).
SHARED = {
    "playground": "?opt=nadam&learning_rate=0.05&problem=rosenbrock&steps=400&lang=zh",
    "compare": "?opts=sgd,adam,lion&problem=beale&steps=200",
    "sweep": "?opt=rmsprop&x=learning_rate&y=alpha&res=25&steps=150",
}


@pytest.mark.parametrize("page_name", list(SHARED))
def test_a_shared_link_opens_the_same_for_every_visitor(browser, server, page_name):
    """The second visitor of a link gets the first one's charts, served from the cache."""
    digests = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        try:
            visitor = context.new_page()
            visitor.goto(f"{server}/{PAGES[page_name]}{SHARED[page_name]}", wait_until="domcontentloaded")
            wait_settled(visitor)
            check(visitor)
            digests.append(
                [chart_digest(visitor.locator(CHART).nth(i)) for i in range(visitor.locator(CHART).count())]
            )
        finally:
            context.close()
    assert digests[0] and all(d is not None for d in digests[0])
    assert digests[1] == digests[0]
