"""The Sweep page through AppTest: defaults, URL state, axis and metric choice, cell clicks, sensitivity."""

from __future__ import annotations

import json
from functools import partial
from urllib.parse import parse_qs, urlsplit

import pytest
from page_runs import chart, open_page
from streamlit.testing.v1 import AppTest

from optviz.app_state import parse_playground, parse_sweep
from optviz.plots import sweep as sp

open_sweep = partial(open_page, "sweep")


def click(at: AppTest, i: int, j: int) -> AppTest:
    """Simulate a click on heatmap cell (i, j): AppTest cannot click a chart, so send the selection
    event the browser would send (the cell layer's customdata) as the chart's widget state."""
    heatmap = [c for c in at.get("plotly_chart") if c.key == "swp.heatmap"][0]
    states = at._tree.get_widget_states()
    state = states.widgets.add()
    state.id = heatmap.proto.id
    point = {"curve_number": sp.CELLS, "point_index": 0, "customdata": [i, j, 0, 0, 0, 0, 0]}
    state.string_value = json.dumps(
        {"selection": {"points": [point], "point_indices": [0], "box": [], "lasso": []}}
    )
    at._run(states)
    assert not at.exception, at.exception
    return at


def test_defaults_show_heatmap_sensitivity_and_a_share_link():
    at = open_sweep()
    assert at.title[0].value == "Sweep"
    heat = chart(at, "swp.heatmap")
    assert [tr["type"] for tr in heat["data"]] == ["heatmap", "heatmap", "heatmap", "scatter", "scattergl"]
    assert heat["layout"]["xaxis"]["type"] == "log"  # learning_rate
    assert heat["layout"]["yaxis"]["autorange"] == "reversed"  # beta1 on log(1 - beta1)
    sens = chart(at, "swp.sensitivity")
    assert len(sens["data"]) == 3 * 4  # SGD, Momentum, RMSprop, Adam
    assert any("900 runs" in c.value for c in at.caption)
    qp = dict(at.query_params)
    assert qp["opt"] == "adam" and qp["x"] == "learning_rate" and qp["y"] == "beta1" and qp["res"] == "30"
    assert any("/sweep?opt=adam" in c.value for c in at.code)
    assert not at.warning and not at.error


def test_url_sets_the_sweep_and_bad_values_are_reported():
    at = open_sweep(opt="momentum", x="momentum", y="learning_rate", res="6", metric="steps_to_converge",
                    sens="sgd,nope", x_range="0.5,0.99")  # fmt: skip
    heat = chart(at, "swp.heatmap")
    assert heat["layout"]["xaxis"]["title"]["text"].startswith("momentum")
    assert heat["layout"]["yaxis"]["type"] == "log"
    assert heat["data"][sp.VALUES]["colorbar"]["title"]["text"] == "steps to converge"
    assert at.radio(key="swp.metric").value == "steps_to_converge"
    assert at.slider(key="swp.res").value == 6
    assert at.multiselect(key="swp.sens").value == ["sgd"]
    assert "nope" in at.warning[0].value
    assert len(chart(at, "swp.sensitivity")["data"]) == 3


@pytest.mark.parametrize(
    "x, xaxis_type, reversed_",
    [("beta2", "log", True), ("epsilon", "log", False), ("weight_decay", "linear", False)],
)
def test_axis_choice_changes_the_heatmap_and_the_url(x, xaxis_type, reversed_):
    at = open_sweep(res="5")
    at.selectbox(key="swp.x.adam").set_value(x).run()
    assert not at.exception
    xaxis = chart(at, "swp.heatmap")["layout"]["xaxis"]
    assert xaxis["type"] == xaxis_type and (xaxis.get("autorange") == "reversed") == reversed_
    assert at.query_params["x"] == x


def test_metric_choice_switches_the_colour_meaning():
    at = open_sweep(res="5")
    before = chart(at, "swp.heatmap")["data"][sp.VALUES]["colorbar"]["title"]["text"]
    at.radio(key="swp.metric").set_value("steps_to_converge").run()
    after = chart(at, "swp.heatmap")["data"][sp.VALUES]["colorbar"]["title"]["text"]
    assert before == "final loss − minimum" and after == "steps to converge"
    assert at.query_params["metric"] == "steps_to_converge"


def test_same_axis_twice_warns_instead_of_failing():
    at = open_sweep(res="5")
    at.selectbox(key="swp.y.adam").set_value("learning_rate").run()
    assert not at.exception
    assert any("two different" in w.value for w in at.warning)


def test_an_empty_range_is_an_error_message_not_a_traceback():
    at = open_sweep(res="5")
    at.select_slider(key="swp.range.adam.learning_rate.lo").set_value(10.0).run()
    assert not at.exception
    assert any("must be below" in e.value for e in at.error)


def test_a_cell_click_links_to_that_configuration_in_the_playground():
    at = open_sweep(res="5", problem="rosenbrock", steps="50")
    click(at, 3, 1)
    buttons = at.get("link_button")
    assert len(buttons) == 1
    url = buttons[0].proto.url
    assert url.startswith("/?")
    config, warnings = parse_playground(parse_qs(urlsplit(url).query))
    assert not warnings
    lrs = sp.axis_values(config_param("learning_rate"), 1e-5, 10.0, 5)
    betas = sp.axis_values(config_param("beta1"), 0.0, 0.999, 5)
    assert config.optimizer == "adam" and config.problem == "rosenbrock" and config.steps == 50
    assert config.hparams["learning_rate"] == lrs[3] and config.hparams["beta1"] == betas[1]
    assert config.hparams["beta2"] == 0.999
    assert f"learning_rate = {lrs[3]:.6g}, beta1 = {betas[1]:.6g}" in at.markdown[0].value


def config_param(name: str):
    from optviz import OPTIMIZERS

    return OPTIMIZERS["adam"].param(name)


def test_best_cell_links_are_a_fallback_for_clicks():
    at = open_sweep(res="4")
    links = [m.value for m in at.markdown if m.value.startswith("Best cells")]
    assert links and links[0].count("](/?opt=adam&") == 5
    assert "★" in links[0]


def test_sensitivity_optimizers_can_be_removed_and_added():
    at = open_sweep(res="3")
    at.multiselect(key="swp.sens").set_value([]).run()
    assert not at.exception and any("Pick optimizers" in i.value for i in at.info)
    at.multiselect(key="swp.sens").set_value(["lion", "adam"]).run()
    data = chart(at, "swp.sensitivity")["data"]
    assert [d["name"] for d in data[::3]] == ["Lion", "Adam"]
    assert at.query_params["sens"] == "lion,adam"


def test_a_modifier_chain_sweeps_its_own_hyperparameter():
    """A link to SAM(Adam) over sam.rho opens with SAM on and the rho axis; SAM off leaves that axis."""
    at = open_sweep(opt="sam-adam", x="sam.rho", y="learning_rate", res="3", steps="30")
    assert at.toggle(key="swp.mod.sam").value and at.selectbox(key="swp.opt").value == "adam"
    assert at.query_params["opt"] == "sam-adam" and at.query_params["x"] == "sam.rho"
    config, warnings = parse_sweep(dict(at.query_params))
    assert not warnings and config.base.optimizer == "sam-adam"
    at.toggle(key="swp.mod.sam").set_value(False).run()
    assert not at.exception and at.query_params["opt"] == "adam" and at.query_params["x"] != "sam.rho"


# --- network scenes ----------------------------------------------------------------------------------
def test_picking_a_network_scene_swaps_the_problem_controls_and_writes_the_url():
    at = open_sweep(res="4", steps="20")
    problem = at.selectbox(key="swp.problem")
    labels = problem.options  # as shown
    assert "Network · MLP classifier" in labels and "2-D · Rosenbrock" in labels
    assert not [s for s in at.selectbox if s.key and s.key.startswith("swp.scene.")]
    problem.set_value("classifier").run()
    assert not at.exception
    keys = {w.key for w in [*at.selectbox, *at.select_slider, *at.slider]}
    assert {"swp.scene.classifier.data", "swp.scene.classifier.hidden", "swp.scene.classifier.n"} <= keys
    assert not [k for k in keys | {n.key for n in at.number_input} if k and k.startswith("swp.start.")]
    assert "swp.seed:typed" in {n.key for n in at.number_input}  # the minibatch seed still applies
    assert at.multiselect(key="swp.sens").value == []  # a network starts without scans
    qp = dict(at.query_params)
    assert qp["problem"] == "classifier" and qp["sens"] == ""
    heat = chart(at, "swp.heatmap")
    assert len(heat["data"][sp.VALUES]["z"]) == 4 and len(heat["data"][sp.VALUES]["z"][0]) == 4
    assert "Networks page" in heat["data"][sp.CELLS]["hovertemplate"]
    at.selectbox(key="swp.scene.classifier.hidden").set_value("4").run()
    assert at.query_params["scene.hidden"] == "4"
    at.selectbox(key="swp.problem").set_value("rosenbrock").run()
    assert not at.exception and "scene.hidden" not in at.query_params
    assert at.multiselect(key="swp.sens").value == ["sgd", "momentum", "rmsprop", "adam"]


def test_a_network_sweep_link_opens_with_its_scene_controls_and_round_trips():
    link = {"problem": "classifier", "scene.hidden": "16-16", "scene.n": "300", "opt": "adam",
            "x": "learning_rate", "y": "beta1", "res": "5", "steps": "30", "batch": "32", "sens": "adam"}  # fmt: skip
    at = open_sweep(**link)
    assert at.selectbox(key="swp.problem").value == "classifier"
    assert at.selectbox(key="swp.scene.classifier.hidden").value == "16-16"
    assert at.select_slider(key="swp.scene.classifier.n").value == 300
    assert not at.warning and not at.error
    qp = dict(at.query_params)
    assert {k: qp[k] for k in link} == link
    config, warnings = parse_sweep(qp)
    assert not warnings and config.scene_values["hidden"] == "16-16" and config.base.batch_size == 32
    sens = chart(at, "swp.sensitivity")
    assert [d["name"] for d in sens["data"][::3]] == ["Adam"]


def test_a_hostile_network_link_is_cut_with_a_warning():
    at = open_sweep(
        problem="classifier", **{"scene.hidden": "16-16", "scene.n": "1000"}, res="200", steps="3000"
    )
    text = " ".join(w.value for w in at.warning)
    assert "A `200` x `200` grid on this network" in text and "`3000` steps would cost" in text
    config, _ = parse_sweep({"problem": "classifier", "scene.hidden": "16-16", "scene.n": "1000", "res": "200",
                             "steps": "3000"})  # fmt: skip
    z = chart(at, "swp.heatmap")["data"][sp.VALUES]["z"]
    assert len(z) == len(z[0]) == config.resolution < 10
    assert any(f"{config.base.steps} steps" in c.value for c in at.caption)


def test_a_network_cell_click_links_to_the_networks_page():
    from optviz.network_state import parse_networks

    at = open_sweep(problem="classifier", **{"scene.n": "200"}, res="4", steps="30")
    click(at, 2, 2)
    buttons = at.get("link_button")
    assert len(buttons) == 1 and buttons[0].proto.label == "Open on the Networks page"
    url = buttons[0].proto.url
    assert url.startswith("/networks?")
    net, warnings = parse_networks(parse_qs(urlsplit(url).query))
    lrs = sp.axis_values(config_param("learning_rate"), 1e-5, 10.0, 4)
    betas = sp.axis_values(config_param("beta1"), 0.0, 0.999, 4)
    assert not warnings and net.scene == "classifier" and net.optimizers == ("adam",)
    assert net.learning_rates["adam"] == lrs[2] and net.steps == 30
    # beta1 is swept and the Networks page carries only the learning rate: the caption says so
    assert betas[2] == pytest.approx(0.99)
    assert any(f"defaults there: beta1 = {betas[2]:.6g}." in c.value for c in at.caption)
    click(at, 2, 1)  # beta1 = 0.9, its default: nothing to say about this cell
    assert not any("defaults there: beta1 =" in c.value for c in at.caption)
    best = [m.value for m in at.markdown if m.value.startswith("Best cells (open on the Networks page)")]
    assert best and best[0].count("](/networks?scene=classifier&") >= 1


def test_network_sweep_in_chinese_labels_the_kinds():
    at = open_sweep(problem="matrix", res="3", steps="10", lang="zh")
    labels = at.selectbox(key="swp.problem").options
    assert "神经网络 · 低秩矩阵分解" in labels or any(o.startswith("神经网络 · ") for o in labels)
    assert any(o.startswith("二维 · ") for o in labels)
    assert not at.exception and not at.error
