"""The Playground sends its first screen before its sidebar: over Streamlit's own websocket protocol, the
path chart's element comes before the first sidebar element, on opening and after a slider change.

A browser draws a rerun's elements in batches as they arrive, so the order the server sends them in is
what lets the path chart be redrawn before the ~30 sidebar widgets (benchmarks/bench_browser.py)."""

from __future__ import annotations

from streamlit.proto.WidgetStates_pb2 import WidgetState

from .browser import app_socket, socket_rerun

SIDEBAR = 1  # a delta path starting with 1 is in the sidebar, 0 in the main area
RATE = "pg.hp.adam.learning_rate"


def _position(elements, ending: str) -> int:
    return next(i for i, element in enumerate(elements) if element.id.endswith(ending))


def _first_sidebar(elements) -> int:
    """The first of the Playground's own sidebar controls (the app's language and presentation controls
    above them come from app.py, before any page)."""
    return next(i for i, e in enumerate(elements) if e.area == SIDEBAR and "pg." in e.id)


def test_the_path_chart_is_sent_before_the_sidebar(server):
    with app_socket(server) as ws:
        opened, _ = socket_rerun(ws, "")
        assert _position(opened, "pg.chart.space") < _first_sidebar(opened)
        assert _position(opened, "pg.chart.loss") < _first_sidebar(opened)
        slider = opened[_position(opened, RATE)].proto
        options = list(slider.options)
        moved = options[options.index("0.01") + 1]
        value = WidgetState(id=slider.id, string_array_value={"data": [moved]})
        changed, written = socket_rerun(ws, "", [value])
        assert _position(changed, "pg.chart.space") < _first_sidebar(changed)
        # the rerun ran the new rate: its address says so (the slider is not ordered back to what the
        # browser already shows, test_no_orders), and the path chart differs from before
        assert f"learning_rate={moved}&" in written + "&", written
        before_chart = opened[_position(opened, "pg.chart.space")].proto.bytes  # a live chart's figure
        assert changed[_position(changed, "pg.chart.space")].proto.bytes != before_chart
