"""Standalone exports: a figure as one HTML file that plays offline (plotly.js embedded)."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio


def standalone_html(fig: go.Figure, title: str = "optviz") -> str:
    """The figure as a complete HTML page with plotly.js inlined: no network needed to open or play it.

    Builders leave the template out (the app's theme styles charts); the file gets Plotly's default."""
    if not fig.layout.template.to_plotly_json():
        fig = go.Figure(fig).update_layout(template=pio.templates[pio.templates.default])
    # auto_play=False: the file opens on its first frame, like the app; Play starts it
    html = fig.to_html(include_plotlyjs=True, full_html=True, auto_play=False, config={"displaylogo": False})
    return html.replace("<head>", f"<head><meta charset='utf-8'><title>{_escape(title)}</title>", 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
