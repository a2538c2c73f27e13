"""The live charts (``webui.livechart``): what they send, and the Plotly they take in the browser."""

from __future__ import annotations

import json
from pathlib import Path

import streamlit as st
from figdata import decode
from page_runs import chart, open_page

import optviz
from optviz.plots import curves
from webui import livechart


def test_the_plotly_bundle_is_streamlits_own_chart_bundle():
    """The browser imports plotly.js from Streamlit's own chart bundle: the file must exist (a Streamlit
    that renamed it would send every chart through st.plotly_chart again, still drawn, never blank)."""
    path = livechart.plotly_bundle()
    assert path.startswith("static/js/PlotlyChart.") and path.endswith(".js")
    assert (Path(st.__file__).parent / "static" / path).is_file()


def test_a_kept_figure_is_encoded_once_with_its_exact_data():
    trace = optviz.run("adam", "rosenbrock", steps=30, hparams={"learning_rate": 0.01})
    fig = curves.loss_figure(trace, 10)
    text, height = livechart.figure_data(fig)
    assert livechart.figure_data(fig)[0] is text  # kept on the figure: a shared figure is encoded once
    assert height == fig.to_dict()["layout"]["height"]
    loss = decode(json.loads(text))["data"][0]
    assert (loss["x"] == list(range(31))).all() and (loss["y"] == trace.loss).all()
    # what the browser gets: a line of settings, then the same figure JSON (sent as it is, not re-escaped)
    config = {"displaylogo": False, "note": "a\nb"}
    raw = livechart.payload(fig, config)
    assert raw.endswith(text) and raw.count(b"\n") == 1
    head, figure = livechart.read_payload(raw)
    assert head == {"config": config, "plotly": livechart.plotly_bundle(), "height": height}
    assert figure == text.decode()


def test_the_playground_sends_its_four_views_as_live_charts():
    """The path, loss, data and internals charts go to the browser as live charts, each with the figure
    the page built; the run's data reaches them exactly."""
    at = open_page("playground")
    keys = [el.proto.id.rsplit("-", 1)[-1] for el in at.get("bidi_component")
            if el.proto.component_name.endswith("optviz_live_chart")]  # fmt: skip
    assert keys == ["pg.chart.space", "pg.chart.loss", "pg.chart.data", "pg.chart.internals"]
    trace = optviz.run("adam", "linear_regression", steps=1000, hparams={"learning_rate": 0.01})
    loss = decode(chart(at, "pg.chart.loss"))["data"][0]
    assert (loss["y"] == trace.loss[loss["x"]]).all()
