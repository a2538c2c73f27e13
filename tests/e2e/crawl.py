"""A crawler that uses every control of a page the way a person does, one at a time, in Chromium.

``controls(page)`` lists the keyed Streamlit elements a person can operate (widgets, tabs, expanders,
buttons, downloads) and the Play buttons of animated charts; ``operate(page, control)`` performs the
natural action on one of them (the next option of a select, one key press on a slider, a click on a
toggle, tab, expander or button, a download) and waits until the app has settled; ``check(page)``
then asserts what a person would see: no exception box, every visible chart drawn with data and no
NaN/inf, and the address bar in agreement with the page's share box.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from .browser import CHART, EXCEPTION, LIVE_DRAWN_JS, TIMEOUT_MS, key_selector

#: The app has connected, its script is idle with the page drawn, no element is still a placeholder or
#: stale, and all of that has held for 250 ms (a rerun can start just after a run ends).
_SETTLED_JS = (
    """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const ok = !!app && app.getAttribute('data-test-connection-state') === 'CONNECTED'
    && app.getAttribute('data-test-script-state') === 'notRunning'
    && !!document.querySelector('[data-testid="stMain"] [data-testid="stElementContainer"]')
    && !document.querySelector('[data-stale="true"]')
    && !document.querySelector('[data-testid="stSkeleton"]')
    && """
    + LIVE_DRAWN_JS
    + """;
  if (!ok) { window.__optvizSettled = null; return false; }
  window.__optvizSettled = window.__optvizSettled || performance.now();
  return performance.now() - window.__optvizSettled >= 250;
}"""
)

#: Every keyed element, its Streamlit kind (the data-testid of the widget inside) and whether a person
#: can see it (elements inside closed expanders or hidden tabs are not operable); then the expanders
#: and tab bars that have no key, named by their label.
_CONTROLS_JS = """() => {
  const kinds = ['stButton', 'stDownloadButton', 'stCheckbox', 'stSelectbox', 'stMultiSelect',
    'stSlider', 'stNumberInput', 'stTextInput', 'stRadio', 'stButtonGroup', 'stTabs', 'stExpander',
    'stFileUploader', 'stBidiComponentIsolated'];
  // drawn, with a size, and not pushed off the side of the screen (the collapsed sidebar)
  const shown = (el) => { const b = el.getBoundingClientRect();
    return el.checkVisibility({visibilityProperty: true}) && b.width > 0 && b.height > 0
      && b.right > 0 && b.left < window.innerWidth; };
  const keyed = Array.from(document.querySelectorAll('[class*="st-key-"]')).map((el) => {
    const cls = Array.from(el.classList).find((c) => c.startsWith('st-key-'));
    let kind = el.getAttribute('data-testid');
    if (!kinds.includes(kind)) {
      const inner = kinds.map((k) => el.querySelector(`[data-testid="${k}"]`)).find((x) => x);
      kind = inner ? inner.getAttribute('data-testid') : null;
    }
    return {name: cls.slice(7), selector: `.${cls}:not([data-stale="true"])`, kind, visible: shown(el)};
  });
  const unkeyed = [];
  const labels = [['stExpander', 'summary [data-testid="stMarkdownContainer"]'], ['stTabs', '[role="tab"]']];
  for (const [kind, label] of labels) {
    for (const el of document.querySelectorAll(`[data-testid="${kind}"]`)) {
      if (el.closest('[class*="st-key-"]')) continue;
      const text = (el.querySelector(label) || {innerText: ''}).innerText.trim();
      if (!text) continue;
      unkeyed.push({name: `${kind}:${text}`, kind, visible: shown(el),
        selector: `[data-testid="${kind}"]:has(${label}:has-text(${JSON.stringify(text)}))`});
    }
  }
  return keyed.concat(unkeyed).filter((c) => c.kind);
}"""

#: Per chart: number of traces, drawn SVG, any non-finite number in its data, its contour paths.
_CHARTS_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).filter((gd) => {
  const box = gd.getBoundingClientRect(); return box.width > 0 && box.height > 0;
}).map((gd) => {
  const bad = (gd._fullData || []).some((t) => ['x', 'y', 'z'].some((a) => {
    const v = t[a]; if (!v || typeof v === 'string') return false;
    const flat = (Array.isArray(v) && Array.isArray(v[0])) ? v.flat() : Array.from(v);
    return flat.some((n) => typeof n === 'number' && !Number.isFinite(n));
  }));
  return {traces: (gd.data || []).length, drawn: !!gd.querySelector('.main-svg'), bad,
    contours: (gd._fullData || []).filter((t) => t.type === 'contour').length,
    contourPaths: gd.querySelectorAll('.contourlayer path').length,
    key: (gd.closest('[class*="st-key-"]') || {className: ''}).className.split(' ')
      .find((c) => c.startsWith('st-key-')) || null};
})"""


@dataclass(frozen=True)
class Control:
    """One operable element: a name (its key, or kind and label when it has none), its Streamlit kind
    and a selector that finds it."""

    name: str
    kind: str
    selector: str


def wait_settled(page, timeout: float = TIMEOUT_MS) -> None:
    """Wait until the app is connected, idle and fully drawn (no placeholder, no stale element)."""
    page.wait_for_function(_SETTLED_JS, timeout=timeout, polling=50)


def after_action(page, timeout: float = TIMEOUT_MS) -> None:
    """After an action: give the browser time to send it, then wait for the app to settle."""
    page.evaluate("() => { window.__optvizSettled = null; }")
    page.wait_for_timeout(100)
    wait_settled(page, timeout)


def controls(page, skip: tuple[str, ...] = ()) -> list[Control]:
    """The visible controls on the page, in document order, minus names starting with ``skip``."""
    found, seen = [], set()
    for c in page.evaluate(_CONTROLS_JS):
        if not c["visible"] or c["name"] in seen or c["name"].startswith(skip):
            continue
        seen.add(c["name"])
        found.append(Control(c["name"], c["kind"], c["selector"]))
    return found


def control(key: str, kind: str) -> Control:
    """The control of widget ``key``."""
    return Control(key, kind, key_selector(key))


def _press_one_notch(page, thumb, value: float) -> str:
    """Move the range ``thumb`` (now at ``value``) one notch with the keyboard, left at its end; the key."""
    thumb.focus()
    key = "ArrowLeft" if value >= float(thumb.get_attribute("max") or 0) else "ArrowRight"
    page.keyboard.press(key)
    return key


def operate(page, c: Control, download_dir=None) -> str:
    """Do to ``c`` what a person would; return a short description of what was done."""
    el = page.locator(c.selector).first
    el.scroll_into_view_if_needed()
    kind = c.kind
    if kind == "stSlider":
        thumb = el.locator('input[type="range"]').first
        key = _press_one_notch(page, thumb, float(thumb.get_attribute("value")))
        done = f"{key} on slider"
    elif kind in ("stSelectbox", "stMultiSelect"):
        # with room below it, as a person scrolls it: a list opened at the sidebar's bottom edge scrolls the
        # sidebar as it opens and closes again at once (Chromium, Streamlit 1.67)
        el.evaluate("e => e.scrollIntoView({block: 'center'})")
        opener = el.locator('button[aria-haspopup="listbox"]')
        if opener.count():
            opener.first.click()
        else:
            el.locator('[role="combobox"]').first.click()
            page.keyboard.press("ArrowDown")
        options = page.locator('[role="listbox"] [role="option"]:not([data-key="__select_all__"])')
        try:
            options.first.wait_for()
        except Exception as error:  # name the control a person could not open, and keep the picture
            page.screenshot(path=str(Path(os.environ.get("TMPDIR", "/tmp")) / "optviz-crawl-fail.png"))
            raise AssertionError(f"{c.name}: its list of options did not open") from error
        selected = [o.get_attribute("aria-selected") == "true" for o in options.all()]
        if kind == "stSelectbox":  # the option after the selected one (wrapping)
            index = (selected.index(True) + 1) % len(selected) if True in selected else 0
        else:  # the first one not chosen yet
            index = selected.index(False) if False in selected else 0
        label = options.nth(index).inner_text()
        options.nth(index).click()
        if options.count():
            page.keyboard.press("Escape")
        done = f"chose {label!r}"
    elif kind == "stCheckbox":
        el.locator("label").first.click()
        done = "toggled"
    elif kind == "stNumberInput":
        up = el.locator('[data-testid="stNumberInputStepUp"]').first
        button = up if up.is_enabled() else el.locator('[data-testid="stNumberInputStepDown"]').first
        button.click()
        done = "stepped " + ("up" if button == up else "down")
    elif kind == "stRadio":
        labels = el.locator('[data-testid="stRadioOption"]')
        checked = [lab.locator("input").is_checked() for lab in labels.all()]
        index = (checked.index(True) + 1) % len(checked) if True in checked else 0
        labels.nth(index).click()
        done = f"radio {index}"
    elif kind == "stButtonGroup":
        buttons = el.locator("button")
        active = [b.get_attribute("aria-checked") == "true" for b in buttons.all()]
        index = (active.index(True) + 1) % len(active) if True in active else 0
        buttons.nth(index).click()
        done = f"segment {index}"
    elif kind == "stTabs":
        tabs = el.locator('[role="tab"]')
        for i in range(tabs.count()):
            tabs.nth(i).click()
            after_action(page)
            check(page)
        tabs.first.click()
        done = f"{tabs.count()} tabs"
    elif kind == "stExpander":
        details = el.locator("details").first if el.locator("details").count() else el
        was_open = details.get_attribute("open") is not None
        el.locator("summary").first.click()
        page.wait_for_timeout(400)  # the opening animation: its content is measured after it
        done = "closed expander" if was_open else "opened expander"
    elif kind == "stDownloadButton":
        with page.expect_download() as info:
            el.locator("button").first.click()
        download = info.value
        assert download.failure() is None, download.failure()
        done = f"downloaded {download.suggested_filename}"
    elif kind == "stButton":
        el.locator("button").first.click()
        done = "clicked"
    elif kind == "stBidiComponentIsolated":  # the step cursor (webui.cursor): a key on its slider
        thumb = el.locator('input[type="range"]').first
        if not thumb.count():
            return "skipped component"
        key = _press_one_notch(page, thumb, float(thumb.evaluate("e => e.value")))
        # the marks move in this browser at once, before any rerun (they hide again once the server's
        # charts draw the step)
        assert page.evaluate(MARKS_JS) > 0, f"{c.name}: {key} moved no mark"
        page.wait_for_timeout(CURSOR_SETTLE_MS)  # then the step goes to the server
        done = f"{key} on step cursor"
    elif kind == "stTextInput":
        box = el.locator("input").first
        box.fill(box.input_value() + " ")
        box.press("Enter")
        done = "typed"
    else:
        return f"skipped {kind}"
    after_action(page)
    return done


#: Marks the step cursor draws over the charts (``webui/cursor.js``).
MARKS_JS = "() => document.querySelectorAll('svg.optviz-cursor [data-mark]').length"
#: A little more than the cursor's quiet time before it sends its step (SETTLE_MS in cursor.js).
CURSOR_SETTLE_MS = 600


def play_cursor(page) -> int:
    """Press the step cursor's Play (if the page has one) and wait for the run's last step; return 1 or 0."""
    box = page.locator('[data-testid="stBidiComponentIsolated"]:has(.optviz-step)')
    if not box.count() or not box.first.is_visible():
        return 0
    step = box.first.locator(".optviz-step")
    # from a few steps before the end (End, then ArrowLeft), so playback takes its shortest time (1.5 s)
    thumb = step.locator('input[type="range"]')
    thumb.focus()
    page.keyboard.press("End")
    for _ in range(5):
        page.keyboard.press("ArrowLeft")
    step.locator("button").click()
    page.wait_for_function(
        "el => el.dataset.step === el.querySelector('input').max",
        arg=step.element_handle(),
        timeout=TIMEOUT_MS,
    )
    page.wait_for_timeout(CURSOR_SETTLE_MS)
    return 1


def play_all(page) -> int:
    """Press Play on every visible animated chart and the step cursor, and wait for their last frame;
    return how many."""
    charts = page.locator(CHART)
    played = play_cursor(page)
    for i in range(charts.count()):
        gd = charts.nth(i)
        if not gd.is_visible() or gd.locator(".updatemenu-button").count() == 0:
            continue
        frames = gd.evaluate("gd => (gd._transitionData && gd._transitionData._frames || []).length")
        if not frames:
            continue
        gd.scroll_into_view_if_needed()
        # plotly.js says when the queued frames are done (a chart in presentation mode has no frame slider)
        gd.evaluate(
            "gd => { gd.__played = false; gd.once('plotly_animated', () => { gd.__played = true; }); }"
        )
        gd.locator(".updatemenu-button").first.click()
        page.wait_for_function(
            "gd => { const s = gd._fullLayout.sliders && gd._fullLayout.sliders[0];"
            " return gd.__played && !gd._transitionData._frameQueue.length"
            " && (!s || s.active === s.steps.length - 1); }",
            arg=gd.element_handle(),
            timeout=TIMEOUT_MS,
        )
        played += 1
    return played


def chart_report(page) -> list[dict]:
    return page.evaluate(_CHARTS_JS)


def check(page, *, contours: dict[str, int] | None = None) -> None:
    """What a person sees after an action: no exception, charts drawn with finite data, URL in sync.

    ``contours`` maps a chart's key class to the contour path count it had when first drawn; a chart
    listed there must still show at least one contour path (playback must not wipe them)."""
    assert page.locator(EXCEPTION).count() == 0, page.locator(EXCEPTION).all_inner_texts()
    for chart in chart_report(page):
        assert chart["traces"] >= 1 and chart["drawn"], chart
        assert not chart["bad"], f"non-finite data in {chart['key']}"
        if contours and chart["key"] in contours and chart["contours"]:
            assert chart["contourPaths"] > 0, f"contours gone from {chart['key']}"
    share = share_query(page)
    if share is not None:
        here = parse_qs(urlparse(page.url).query)
        assert share == here, f"share box {share} != address bar {here}"


def share_query(page) -> dict[str, list[str]] | None:
    """The query of the page's share link (the code box after the share caption), if the page has one."""
    boxes = page.locator('[data-testid="stCode"]')
    if boxes.count() != 1:  # the Learn page shows one link per lesson: no single share box
        return None
    text = boxes.first.inner_text().strip()
    if "?" not in text and not text.startswith("http"):
        return None
    return parse_qs(urlparse(text).query)
