"""What only a browser shows (issue 11, defects 7 and 8): Plotly's toolbar over chart titles, a title
over its legend, and glyphs drawn as empty boxes because no installed font has them.

Boxes are checked against the machine's fonts through fontconfig (``fc-list :charset=XXXX``): the CI
image has DejaVu and Noto CJK and no emoji font, as a school laptop may.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache

import pytest

from optviz.lessons import LESSONS

from .browser import CHART, key_selector, open_app, wait_idle

#: Every visible chart's boxes (page coordinates): title, toolbar, legend, annotations, play buttons.
_BOXES_JS = """els => els.filter(gd => gd.offsetParent !== null).map(gd => {
  const box = e => { if (!e) return null; const r = e.getBoundingClientRect();
    return r.width && r.height ? [r.left, r.top, r.right, r.bottom] : null; };
  const title = gd.querySelector('.gtitle');
  return {
    title: box(title), text: title ? title.textContent : '',
    modebar: box(gd.querySelector('.modebar')),
    legend: box(gd.querySelector('.legend .bg')),
    menus: [...gd.querySelectorAll('.updatemenu-button')].map(box).filter(Boolean),
    notes: [...gd.querySelectorAll('.annotation-text')].map(box).filter(Boolean),
  };
})"""


def _overlap(a, b) -> bool:
    return bool(a and b) and a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


PAGES = ["/", "/?lang=zh", "/sweep", "/sweep?lang=zh", "/compare", "/?present=true"]


@pytest.mark.parametrize("path", PAGES)
def test_no_chart_title_is_covered_by_the_toolbar_or_its_legend(page, server, path):
    open_app(page, server + path)
    page.wait_for_selector(CHART)
    # every chart drawn: under load, one still being drawn was skipped as hidden and then counted
    wait_idle(page)
    checked = 0
    for i in range(page.locator(CHART).count()):
        chart = page.locator(CHART).nth(i)
        if not chart.is_visible():
            continue
        chart.scroll_into_view_if_needed()
        chart.hover(position={"x": 20, "y": 200})  # the toolbar shows on hover
        checked += 1
    charts = page.eval_on_selector_all(CHART, _BOXES_JS)
    assert checked and len(charts) == checked
    for c in charts:
        assert c["modebar"], c
        assert not _overlap(c["title"], c["modebar"]), f"toolbar covers the title {c['text']!r}: {c}"
        assert not _overlap(c["title"], c["legend"]), f"legend covers the title {c['text']!r}: {c}"
        for box in c["menus"]:
            assert not _overlap(c["title"], box), f"play/pause covers the title {c['text']!r}: {c}"
        for note in c["notes"]:
            assert not _overlap(note, c["modebar"]), f"toolbar covers a note in {c['text']!r}: {c}"


@cache
def _has_glyph(ch: str) -> bool:
    """True when an installed font draws ``ch`` (what Chromium falls back to; else it draws a box)."""
    out = subprocess.run(
        ["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True, check=True
    ).stdout
    return bool(out.strip())


def _boxes(texts: list[str]) -> dict[str, str]:
    """The characters of ``texts`` that no installed font has, with the text they appear in."""
    out = {}
    for text in texts:
        for ch in text:
            if not ch.isascii() and not ch.isspace() and ch not in out and not _has_glyph(ch):
                out[ch] = text
    return out


needs_fontconfig = pytest.mark.skipif(not shutil.which("fc-list"), reason="fontconfig's fc-list is missing")


@needs_fontconfig
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_buttons_have_no_glyph_drawn_as_a_box(page, server, lang):
    open_app(page, f"{server}/learn?lang={lang}")
    lesson_buttons = page.locator('[class*="st-key-learn-lesson-"] button')
    lesson_buttons.nth(len(LESSONS) - 1).wait_for()  # the page draws its 16 lessons one after another
    buttons = lesson_buttons.all()
    assert len(buttons) == len(LESSONS)
    texts = [b.inner_text() for b in buttons]
    assert _boxes(texts) == {}
    # the icon is one of Streamlit's Material icons (a font Streamlit ships), not an emoji
    for b in buttons:
        assert b.locator('[data-testid="stIconMaterial"]').count() == 1
        assert b.locator('[data-testid="stIconEmoji"]').count() == 0


@needs_fontconfig
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_play_and_pause_buttons_have_no_glyph_drawn_as_a_box(page, server, lang):
    open_app(page, f"{server}/compare?lang={lang}")
    page.get_by_role("tab").nth(1).click()  # the race
    page.wait_for_selector(key_selector("cmp.race_chart") + " .updatemenu-button")
    labels = page.eval_on_selector_all(".updatemenu-button text", "els => els.map(e => e.textContent)")
    assert len(labels) == 2  # the race's Play and Pause
    assert _boxes(labels) == {}, labels
