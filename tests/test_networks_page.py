"""The Networks page through AppTest: the first view, a control change, the step cursor, the URL round
trip, a link asking for too much work, the matrix scene's views, and Chinese."""

from __future__ import annotations

import base64
from functools import partial

import numpy as np
from figdata import decode
from page_runs import chart, component_data, open_page, sent_charts
from streamlit.testing.v1 import AppTest

from optviz import network_state as ns
from webui import ui

open_networks = partial(open_page, "networks")


def charts(at: AppTest) -> list[str]:
    return list(sent_charts(at))


def query(at: AppTest) -> dict[str, str]:
    return {k: v for k, v in at.query_params.items() if k != "lang"}


def test_the_first_view_trains_two_optimizers_and_shows_every_view():
    at = open_networks()
    assert at.title[0].value == "Networks"
    assert charts(at) == [
        "net.chart.landscape", "net.chart.caveat", "net.chart.boundary", "net.chart.curves", "net.chart.layers",
    ]  # fmt: skip
    assert query(at) == ns.encode_networks(ns.default_network_config())
    landscape = chart(at, "net.chart.landscape")
    assert [tr["name"] for tr in landscape["data"] if tr.get("mode") == "lines"] == ["SGD", "Adam"]
    assert landscape["layout"]["xaxis"]["title"]["text"].startswith("PC1 (")
    assert chart(at, "net.chart.boundary")["layout"]["title"]["text"].startswith("Step 300: accuracy")
    assert [m.label for m in at.metric] == ["parameters", "final loss: SGD", "final loss: Adam"]
    assert at.metric[0].value == "105"  # 2-8-8-1: 24 + 72 + 9
    assert not at.warning and not at.error
    assert any("/networks?scene=classifier" in c.value for c in at.code)


def test_moving_the_cursor_redraws_the_boundary_and_writes_the_url():
    at = open_networks()
    before = chart(at, "net.chart.boundary")
    # the browser's cursor stores the step when the person stops on it (webui/cursor.py)
    at.session_state[ui.STORES]["net.cursor"] = 40
    at.run()
    assert not at.exception
    after = chart(at, "net.chart.boundary")
    assert after["layout"]["title"]["text"].startswith("Step 40: accuracy")
    assert after["data"][0]["z"] != before["data"][0]["z"]
    assert query(at)["cursor"] == "40"
    assert chart(at, "net.chart.caveat")["layout"]["shapes"][0]["x0"] == 40


def test_changing_the_data_set_and_an_optimizer_retrains():
    at = open_networks()
    at.selectbox(key="net.scene.classifier.data").set_value("xor").run()
    at.multiselect(key="net.opts").set_value(["momentum", "adam", "lion"]).run()
    assert "under Adam" in chart(at, "net.chart.layers")["layout"]["title"]["text"]  # still chosen: kept
    assert not at.exception
    q = query(at)
    assert q["scene.data"] == "xor" and q["opts"] == "momentum,adam,lion"
    assert q["momentum.learning_rate"] == "0.1" and q["lion.learning_rate"] == "0.0001"
    names = [tr["name"] for tr in chart(at, "net.chart.landscape")["data"] if tr.get("mode") == "lines"]
    assert names == ["SGD + momentum (heavy ball)", "Adam", "Lion"]
    at.multiselect(key="net.opts").set_value(["momentum", "lion"]).run()
    assert "under Lion" in chart(at, "net.chart.layers")["layout"]["title"]["text"]  # Adam gone: the last one
    assert "focus" not in query(at)


def test_a_link_opens_its_configuration_and_the_page_writes_it_back():
    config = ns.NetworkConfig(
        scene="classifier", scene_values=ns.SCENES["classifier"].values({"data": "moons", "activation": "relu"}),
        optimizers=("sgd", "adam"), learning_rates={"sgd": 0.2, "adam": 0.01}, steps=120, batch_size=32,
        seed=5, plane="random", focus="sgd", cursor=60,
    )  # fmt: skip
    encoded = ns.encode_networks(config)
    at = open_networks(**encoded)
    assert query(at) == encoded
    assert at.select_slider(key="net.lr.classifier.sgd").value == 0.2
    cursor = component_data(at, "net.cursor")
    assert (cursor["value"], cursor["k"]) == (60, 120)
    # the browser gets both runs projected on the slice the landscape draws, one star each
    landscape = decode(chart(at, "net.chart.landscape"))
    stars = [tr for tr in landscape["data"] if tr.get("marker", {}).get("symbol") == "star"]
    assert [p["color"] for p in cursor["paths"]] == [tr["marker"]["color"] for tr in stars]
    for run, star in zip(cursor["paths"], stars, strict=True):
        xy = np.frombuffer(base64.b64decode(run["xy"]), dtype="<f4").reshape(-1, 2)
        assert run["k"] == 120 and len(xy) == 121
        assert np.allclose(xy[60], [star["x"][0], star["y"][0]], rtol=1e-6, atol=1e-6)
    assert "filter-normalised" in chart(at, "net.chart.landscape")["layout"]["xaxis"]["title"]["text"]
    assert "under SGD" in chart(at, "net.chart.layers")["layout"]["title"]["text"]


def test_a_link_asking_for_too_much_work_gets_fewer_steps_and_says_so():
    at = open_networks(scene="classifier", **{"scene.hidden": "16-16", "scene.n": "1000"},
                       opts="sgd,adam,nadam", steps="3000")  # fmt: skip
    assert any("`3000` steps would cost" in w.value for w in at.warning)
    steps = int(query(at)["steps"])
    assert 100 < steps < 3000


def test_the_matrix_scene_shows_singular_values_and_no_boundary():
    at = open_networks(scene="matrix", opts="sgd,adam")
    assert charts(at) == [
        "net.chart.landscape", "net.chart.caveat", "net.chart.sv", "net.chart.curves", "net.chart.layers",
    ]  # fmt: skip
    sv = chart(at, "net.chart.sv")
    assert len(sv["data"]) == 2 * 4  # two optimizers, four target singular values
    assert not at.warning and not at.error


def test_chinese():
    at = open_networks(lang="zh")
    assert at.title[0].value == "神经网络"
    assert "损失切面" in chart(at, "net.chart.landscape")["layout"]["title"]["text"]
    assert chart(at, "net.chart.boundary")["layout"]["title"]["text"].startswith("第 300 步：训练准确率")
    assert at.selectbox(key="net.scene").format_func("classifier") == "多层感知机分类器"


def test_downloads_hold_the_focus_run_and_an_offline_animation():
    at = open_networks(cursor="12")
    buttons = {b.proto.label: b for b in at.get("download_button")}
    assert set(buttons) == {"Run of Adam: every step (CSV)", "Decision boundary animation (HTML, offline)"}
