"""Opening a page in-process (streamlit's AppTest) the way a shared link does, and reading its charts."""

from __future__ import annotations

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

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


def chart(at: AppTest, key: str) -> dict:
    """The Plotly spec the chart ``key`` sends to the browser."""
    found = [c for c in at.get("plotly_chart") if c.key == key]
    assert found, f"no chart {key}"
    return json.loads(found[0].proto.spec)


def component_data(at: AppTest, key: str) -> dict:
    """The data the custom component ``key`` (``webui.cursor``) sends to the browser."""
    found = [c for c in at.get("bidi_component") if c.proto.id.endswith("-" + key)]
    assert found, f"no component {key}"
    data = json.loads(found[0].proto.json)
    return json.loads(data) if isinstance(data, str) else data  # the cursor sends one JSON string
