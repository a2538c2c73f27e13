"""A click on a path chart sets the start point (Playground and Compare).

Streamlit's chart selection reports clicks on markers only, not on a contour; an invisible grid of
markers that selection could report cost every redraw of the chart about 60 ms in the browser. This
component (``click.js``) listens to Plotly's own click event on the chart instead and sends the clicked
point in data coordinates; ``optviz.plots.space.start_from_click`` clamps and rounds it, and the start
controls take it before the page runs again, so the run follows at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import streamlit as st

from optviz.plots.space import start_from_click
from optviz.problems import Window

from . import ui

_COMPONENT = st.components.v2.component(
    "optviz_chart_click",
    html="",
    js=(Path(__file__).with_name("click.js")).read_text(encoding="utf-8"),
)


def start_on_click(
    key: str,
    chart_key: str,
    window: Window,
    control_keys: Sequence[str],
    then: Callable[[], None] | None = None,
) -> None:
    """Let a click on the chart keyed ``chart_key`` set the start controls ``control_keys`` (x, y) to the
    clicked point of ``window``. A click is an event: it is applied once, before the next run, and never
    again on a later rerun (which would undo a typed start). It shows nothing; draw it after the chart.
    ``then``: called when a click has set the start (before the run that follows)."""

    def picked() -> None:
        point = start_from_click((st.session_state.get(key) or {}).get("point"), window)
        if point is not None:
            ui.set_values(dict(zip(control_keys, point, strict=True)))
            if then is not None:
                then()

    _COMPONENT(key=key, data={"chart": ui.key_class(chart_key)}, on_point_change=picked)
