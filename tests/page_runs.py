"""Opening a page in-process (streamlit's AppTest) the way a shared link does, and reading its charts."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from webui.livechart import read_payload

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_page(page: str, **query: str | list[str]) -> AppTest:
    """``pages/<page>.py`` run through app.py with ``query`` as the link's parameters; no exception."""
    at = AppTest.from_file(APP, default_timeout=120)
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(f"pages/{page}.py")  # straight to the page: the first run never renders another
    at.run()
    assert not at.exception, at.exception
    return at


def sent_charts(at: AppTest) -> dict[str, dict]:
    """Every Plotly figure the page sends, by key, in page order: ``st.plotly_chart``'s and the live
    charts' (``webui.livechart``: a component whose data ends with the figure's JSON)."""
    out = {}
    for el in at.get("plotly_chart"):
        out[el.key] = json.loads(el.proto.spec)
    for el in at.get("bidi_component"):
        if el.proto.component_name.endswith("optviz_live_chart"):
            out[el.proto.id.rsplit("-", 1)[-1]] = json.loads(read_payload(el.proto.bytes)[1])
    return out


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec the chart ``key`` sends to the browser."""
    found = sent_charts(at)
    assert key in found, f"no chart {key}: {list(found)}"
    return found[key]


def component_data(at: AppTest, key: str) -> dict:
    """The data the custom component ``key`` (``webui.cursor``) sends to the browser."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith("-" + key)]
    assert found, f"no component {key}"
    proto = found[0].proto
    if proto.WhichOneof("data") == "bytes":  # the cursor sends UTF-8 JSON bytes
        return json.loads(proto.bytes)
    return json.loads(proto.json)
