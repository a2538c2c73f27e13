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
