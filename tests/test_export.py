"""The standalone HTML export plays offline: plotly.js inlined, no network URL in any tag, every frame
of the animation inside. Checked on the Playground animation and the Compare overlay and race."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import plotly.graph_objects as go
import plotly.offline
import pytest

import optviz
from optviz.export import standalone_html
from optviz.lessons import LESSONS
from optviz.plots.compare import overlay_figure, race_figure
from optviz.plots.space import path_figure


class _Tags(HTMLParser):
    """Every tag with its attributes; script bodies are collected separately."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts[-1] += data


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def _frames_in(html: str) -> list[dict]:
    """The frames handed to Plotly.addFrames in the page's plotting script."""
    at = html.index("Plotly.addFrames(")
    start = html.index("[", at)
    frames, _ = json.JSONDecoder().raw_decode(html[start:])
    return frames


@pytest.fixture(scope="module")
def playground_figure() -> go.Figure:
    trace = optviz.run("adam", "rosenbrock", steps=200, hparams={"learning_rate": 0.05})
    return path_figure(trace)


@pytest.fixture(scope="module")
def compare_traces() -> dict[str, optviz.Trace]:
    return LESSONS["ravine_momentum"].runs()


def _figures(playground_figure, compare_traces):
    return {
        "playground animation": playground_figure,
        "compare overlay": overlay_figure(compare_traces),
        "compare race": race_figure(compare_traces, frames=40),
    }


@pytest.fixture(scope="module")
def exports(playground_figure, compare_traces):
    figs = _figures(playground_figure, compare_traces)
    return {name: (fig, standalone_html(fig, title=name)) for name, fig in figs.items()}


NAMES = ["playground animation", "compare overlay", "compare race"]


@pytest.mark.parametrize("name", NAMES)
def test_no_network_url_is_needed(exports, name):
    _, html = exports[name]
    page = _parse(html)
    for tag, attrs in page.tags:
        assert not (tag == "script" and attrs.get("src")), f"external script {attrs['src']}"
        assert tag not in {"link", "iframe", "img", "object", "embed"}, f"<{tag}> loads a resource"
        for attr in ("src", "href", "data"):
            value = (attrs.get(attr) or "").strip().lower()
            assert not value.startswith(("http:", "https:", "//")), f"<{tag} {attr}={value}>"
    assert not re.search(r"<script[^>]+src=", html)
    # Outside the library itself, the page mentions no URL at all.
    outside = html.replace(max(page.scripts, key=len), "")
    assert not re.search(r"https?://", outside), re.findall(r"https?://\S{0,40}", outside)


@pytest.mark.parametrize("name", NAMES)
def test_plotly_js_is_embedded(exports, name):
    _, html = exports[name]
    page = _parse(html)
    library = max(page.scripts, key=len)
    assert len(library) > 1_000_000  # the whole library, not a loader
    assert plotly.offline.get_plotlyjs_version() in library
    assert "Plotly.newPlot(" in page.scripts[-1]


@pytest.mark.parametrize("name", ["playground animation", "compare race"])
def test_the_animation_frames_are_inside(exports, name):
    fig, html = exports[name]
    assert len(fig.frames) >= 10
    frames = _frames_in(html)
    assert [f["name"] for f in frames] == [f.name for f in fig.frames]
    # Each frame carries its data, not a reference to something fetched later.
    assert all(f["data"] and f["traces"] for f in frames)
    assert json.loads(fig.to_json())["frames"] == frames


def test_the_overlay_holds_every_path(exports, compare_traces):
    fig, html = exports["compare overlay"]
    names = {optviz.OPTIMIZERS[key].name for key in compare_traces}
    shown = {trace.name for trace in fig.data if getattr(trace, "mode", None) == "lines"}
    assert names <= shown
    for name in names:
        assert json.dumps(name) in html


def test_title_is_escaped_and_utf8():
    html = standalone_html(go.Figure(), title="<b>Adam & 动量</b>")
    assert "<title>&lt;b&gt;Adam &amp; 动量&lt;/b&gt;</title>" in html
    assert "<meta charset='utf-8'>" in html.split("<title>")[0]
