"""Charts that a rerun redraws in place: one Plotly chart per key, handed each new figure (``livechart.js``).

``st.plotly_chart`` gives a chart a new identity whenever its figure changes (the element id holds the
figure's hash), so every slider notch mounted a new chart: Streamlit keeps a new chart hidden until it has
measured its width and then draws it twice, and a Chromium trace of the Playground showed the path chart
blank for one frame or more before the new one appeared (about 100 ms later than its data arrived). A
keyed component keeps its identity across reruns, so the browser keeps one chart and ``Plotly.react``
redraws it where it is, once.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import plotly.io as pio
import streamlit as st

from . import ui

_COMPONENT = st.components.v2.component(
    "optviz_live_chart",
    html="",
    # in the page's own DOM (no shadow root): Plotly styles its charts from the document's head, and the
    # step cursor and the click component find the chart by its key's class
    isolate_styles=False,
    js=(Path(__file__).with_name("livechart.js")).read_text(encoding="utf-8"),
)

_SENT = "_optviz_live_data"  # where a kept figure holds its JSON and height (a shared figure is read once)


@functools.cache
def plotly_bundle() -> str:
    """The path, under the app's root, of Streamlit's own Plotly chart bundle: importing it defines
    ``window.Plotly`` (plotly.js as every Streamlit chart draws it), for a page with no other chart."""
    folder = Path(st.__file__).parent / "static" / "static" / "js"
    found = sorted(folder.glob("PlotlyChart.*.js"))
    return f"static/js/{found[0].name}" if found else ""


def figure_data(fig: Any) -> tuple[bytes, int | None]:
    """The figure as plotly.js reads it (``plotly.io.to_json``, as ``st.plotly_chart`` sends it, UTF-8)
    and its height, kept on the figure: a figure shared between reruns (``webui.ui.of_run``) is read once."""
    held = fig.__dict__.get(_SENT)
    if held is None:
        text = pio.to_json(fig, validate=False)
        held = (text.encode(), (fig.to_dict().get("layout") or {}).get("height"))
        fig.__dict__[_SENT] = held
    return held


def payload(fig: Any, config: dict[str, Any]) -> bytes:
    """What a live chart sends: one line of JSON (config, plotly.js bundle, height), then the figure's JSON.

    Bytes, not a dict holding the figure as a string: Streamlit would JSON-encode a dict twice per run
    (for the element's identity and for the message), escaping every quote of a 230 KB figure, and the
    browser would parse it twice."""
    figure, height = figure_data(fig)
    head = json.dumps({"config": config, "plotly": plotly_bundle(), "height": height})  # never a raw newline
    return head.encode() + b"\n" + figure


def read_payload(raw: bytes) -> tuple[dict[str, Any], str]:
    """``payload`` read back: its head and the figure's JSON (what livechart.js does in the browser)."""
    head, figure = raw.split(b"\n", 1)
    return json.loads(head), figure.decode()


def live_chart(fig: Any, key: str, *, config: dict[str, Any]) -> None:
    """Draw ``fig`` as the chart ``key``: the same chart as on the previous run, redrawn in place (or a
    plain ``st.plotly_chart`` where this Streamlit has no chart bundle to take Plotly from)."""
    if not plotly_bundle():
        ui.chart(fig, key=key, config=config)
        return
    _COMPONENT(key=key, data=payload(fig, config))
