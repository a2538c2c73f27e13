"""The Playground sends its first screen before its sidebar: over Streamlit's own websocket protocol, the
path chart's element comes before the first sidebar element, on opening and after a slider change.

A browser draws a rerun's elements in batches as they arrive, so the order the server sends them in is
what lets the path chart be redrawn before the ~30 sidebar widgets (benchmarks/bench_browser.py)."""

from __future__ import annotations

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates
from websockets.sync.client import connect

SIDEBAR = 1  # a delta path starting with 1 is in the sidebar, 0 in the main area
RATE = "pg.hp.adam.learning_rate"


def _rerun(ws, query: str, widgets: list[WidgetState]) -> list[tuple[str, int, object]]:
    """Ask for a rerun; return its elements in the order they arrived: (element id, area, element), and
    the address it wrote as ('?', -1, query string)."""
    state = ClientState(query_string=query, widget_states=WidgetStates(widgets=widgets))
    ws.send(BackMsg(rerun_script=state).SerializeToString())
    out = []
    while True:
        msg = ForwardMsg.FromString(ws.recv(timeout=60))
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            out.append(("?", -1, msg.page_info_changed.query_string))
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            element = msg.delta.new_element
            inner = getattr(element, element.WhichOneof("type"))
            assert element.WhichOneof("type") != "exception", inner.message
            out.append((getattr(inner, "id", ""), msg.metadata.delta_path[0], inner))
        elif kind == "script_finished":
            assert msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY
            return out


def _position(elements, ending: str) -> int:
    return next(i for i, (element_id, _, _) in enumerate(elements) if element_id.endswith(ending))


def _first_sidebar(elements) -> int:
    """The first of the Playground's own sidebar controls (the app's language and presentation controls
    above them come from app.py, before any page)."""
    return next(
        i for i, (element_id, area, _) in enumerate(elements) if area == SIDEBAR and "pg." in element_id
    )


def test_the_path_chart_is_sent_before_the_sidebar(server):
    url = server.replace("http", "ws", 1) + "/_stcore/stream"
    with connect(url, subprotocols=["streamlit"], max_size=None, proxy=None) as ws:
        opened = _rerun(ws, "", [])
        assert _position(opened, "pg.chart.space") < _first_sidebar(opened)
        assert _position(opened, "pg.chart.loss") < _first_sidebar(opened)
        slider = opened[_position(opened, RATE)][2]
        options = list(slider.options)
        moved = options[options.index("0.01") + 1]
        value = WidgetState(id=slider.id, string_array_value={"data": [moved]})
        changed = _rerun(ws, "", [value])
        assert _position(changed, "pg.chart.space") < _first_sidebar(changed)
        # the rerun ran the new rate: its address says so (the slider is not ordered back to what the
        # browser already shows, test_no_orders), and the path chart differs from before
        written = [query for element_id, _, query in changed if element_id == "?"]
        assert written and f"learning_rate={moved}&" in written[-1] + "&", written
        before_chart = opened[_position(opened, "pg.chart.space")][2].spec
        assert changed[_position(changed, "pg.chart.space")][2].spec != before_chart
