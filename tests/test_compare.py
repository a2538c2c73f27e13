"""optviz.compare: side-by-side runs, the results table and the fair learning-rate tuning."""

from __future__ import annotations

import csv
import io
from functools import partial

import numpy as np
import pytest

import optviz
from optviz.compare import (
    MAX_OPTIMIZERS,
    LearningRateScan,
    best_index,
    compare,
    learning_rate_scan,
    results_table,
    scan_rates,
    table_csv,
    tune_learning_rates,
    with_tuned_rates,
)

DEFAULT_FOUR = {"sgd": None, "momentum": None, "rmsprop": None, "adam": None}


def test_compare_equals_individual_runs_with_shared_minibatches():
    prob = optviz.PROBLEMS["linear_regression"](n=64, noise=0.5)
    setups = {"sgd": {"learning_rate": 0.1}, "adam": {"learning_rate": 0.05, "beta1": 0.8}}
    kw = dict(steps=120, start=(-1.0, 2.0), batch_size=8, grad_noise=0.1, seed=7)
    traces = compare(setups, prob, **kw)
    assert list(traces) == ["sgd", "adam"]
    for key, hp in setups.items():
        ref = optviz.run(key, prob, hparams=hp, **kw)
        np.testing.assert_array_equal(traces[key].params, ref.params)
        np.testing.assert_array_equal(traces[key].grads, ref.grads)
        assert traces[key].params[0].tolist() == [-1.0, 2.0]
        assert (traces[key].batch_size, traces[key].seed) == (8, 7)
    # a shared minibatch stream: SGD's first gradient is the one Adam saw too (same start)
    np.testing.assert_array_equal(traces["sgd"].grads[0], traces["adam"].grads[0])


def test_compare_builds_one_problem_instance_from_a_key():
    traces = compare(DEFAULT_FOUR, "rosenbrock", steps=10)
    assert len({id(tr.problem) for tr in traces.values()}) == 1


@pytest.mark.parametrize(
    "setups, message",
    [
        ({"adam": None}, "2 to 8 optimizers, got 1"),
        ({k: None for k in list(optviz.OPTIMIZERS)[: MAX_OPTIMIZERS + 1]}, "2 to 8 optimizers, got 9"),
        ({"adam": None, "adamm": None}, "unknown optimizer 'adamm'"),
        ({"adam": None, "sgd": {"beta1": 0.9}}, "unknown hyperparameter 'beta1'"),
        ({"adam": None, "sgd": {"learning_rate": 100.0}}, "outside its range"),
    ],
)
def test_compare_rejects_bad_input(setups, message):
    with pytest.raises(ValueError, match=message):
        compare(setups, "rosenbrock", steps=10)


def test_results_table_reports_each_trace():
    setups = {"sgd": {"learning_rate": 0.4}, "momentum": {"learning_rate": 5.0}, "adam": None}
    traces = compare(setups, "ill_conditioned", steps=300)
    rows = {row["key"]: row for row in results_table(traces)}
    assert list(rows) == list(setups)
    sgd, boom = rows["sgd"], rows["momentum"]
    tr = traces["sgd"]
    assert sgd["optimizer"] == "SGD"
    assert sgd["final_loss"] == tr.final_loss
    assert sgd["optimum_distance"] == pytest.approx(np.linalg.norm(tr.params[-1]))
    assert tr.converged_at is not None and sgd["steps_to_converge"] == tr.converged_at
    assert sgd["diverged_at"] is None
    assert traces["momentum"].diverged_at is not None
    assert boom["diverged_at"] == traces["momentum"].diverged_at
    assert boom["steps_to_converge"] is None
    assert boom["learning_rate"] == 5.0
    assert "momentum=0.9" in boom["hparams"]


def test_table_csv_round_trips_and_blanks_missing_events():
    traces = compare(
        {"sgd": {"learning_rate": 0.1}, "momentum": {"learning_rate": 5.0}}, "ill_conditioned", steps=50
    )
    rows = results_table(traces)
    parsed = list(csv.DictReader(io.StringIO(table_csv(rows))))
    assert [r["key"] for r in parsed] == ["sgd", "momentum"]
    assert float(parsed[0]["final_loss"]) == rows[0]["final_loss"]
    assert parsed[1]["steps_to_converge"] == ""
    assert int(parsed[1]["diverged_at"]) == rows[1]["diverged_at"]
    assert table_csv([]) == ""


@pytest.mark.parametrize(
    "loss, steps, diverged, expected",
    [
        ([3.0, 1.0, 2.0], [-1, -1, -1], [False, False, False], 1),  # none converged: lowest loss
        ([3.0, 1.0, 0.0], [-1, -1, 5], [False, False, True], 1),  # diverged cells never win
        ([1e-9, 1e-12, 5e-9], [40, 90, 40], [False, False, False], 0),  # fewest steps, then loss
        ([5e-9, 1e-12, 1e-9], [40, 90, 40], [False, False, False], 2),
        ([1.0, 2.0], [-1, -1], [True, True], None),  # every rate diverged
    ],
)
def test_best_index(loss, steps, diverged, expected):
    assert best_index(np.array(loss), np.array(steps), np.array(diverged)) == expected


def test_scan_rates_cover_the_declared_range():
    rates = scan_rates("adam")
    assert rates[0] == pytest.approx(1e-5) and rates[-1] == pytest.approx(10.0)
    assert len(rates) == 31
    np.testing.assert_allclose(np.diff(np.log10(rates)), 0.2)


def test_learning_rate_scan_matches_runs_and_ignores_a_fixed_rate():
    rates = [1e-3, 1e-2, 1e-1, 1.0, 30.0 / 10]
    scan = learning_rate_scan(
        "momentum",
        "rosenbrock",
        steps=200,
        hparams={"learning_rate": 0.5, "momentum": 0.8},
        learning_rates=rates,
    )
    assert scan.hparams["momentum"] == 0.8
    for i, lr in enumerate(rates):
        tr = optviz.run("momentum", "rosenbrock", steps=200, hparams={"learning_rate": lr, "momentum": 0.8})
        assert scan.final_loss[i] == tr.final_loss
        assert scan.diverged_at[i] == (tr.diverged_at or -1)
    assert scan.diverged[-1] and not scan.diverged[0]
    best = scan.best_index
    assert not scan.diverged[best]
    assert scan.final_loss[best] == scan.final_loss[~scan.diverged].min()


def test_tuning_finds_rates_that_beat_the_defaults():
    prob = optviz.PROBLEMS["linear_regression"]()
    scans = tune_learning_rates(DEFAULT_FOUR, prob, steps=300)
    tuned = with_tuned_rates(DEFAULT_FOUR, scans)
    before = compare(DEFAULT_FOUR, prob, steps=300)
    after = compare(tuned, prob, steps=300)
    for key in DEFAULT_FOUR:
        assert tuned[key]["learning_rate"] == scans[key].best_learning_rate
        assert tuned[key]["learning_rate"] in scans[key].learning_rates
        assert after[key].diverged_at is None
        assert after[key].final_loss <= before[key].final_loss
    # the defaults of SGD and Adam do not converge in 300 steps here; tuned they do
    assert before["adam"].converged_at is None
    assert after["adam"].converged_at is not None and after["sgd"].converged_at is not None


def test_with_tuned_rates_keeps_other_settings_and_an_all_diverged_rate():
    dead = LearningRateScan(
        "sgd", np.array([1.0, 2.0]), np.array([1.0, 1.0]), np.array([-1, -1]), np.array([3, 2]), {}
    )
    live = LearningRateScan(
        "adam", np.array([1e-3, 1e-2]), np.array([2.0, 1.0]), np.array([-1, -1]), np.array([-1, -1]), {}
    )
    out = with_tuned_rates(
        {"sgd": {"learning_rate": 0.02}, "adam": {"beta1": 0.5}}, {"sgd": dead, "adam": live}
    )
    assert out == {"sgd": {"learning_rate": 0.02}, "adam": {"beta1": 0.5, "learning_rate": 1e-2}}


# --- URL form of the Compare and Sweep pages ----------------------------------------------------------
from dataclasses import replace  # noqa: E402

from optviz import app_state  # noqa: E402
from optviz.app_state import encode_compare, encode_sweep, parse_compare, parse_sweep  # noqa: E402


def test_compare_url_round_trips_and_fixes_bad_values():
    config, warnings = parse_compare(
        {"opts": "sgd,adam,nope,adam", "adam.beta1": "2", "sgd.learning_rate": "0.1", "fair": "1",
         "problem": "rosenbrock", "lion.beta1": "0.5", "steps": "250"}
    )  # fmt: skip
    assert config.optimizers == ("sgd", "adam") and config.fair
    assert config.hparams["sgd"]["learning_rate"] == 0.1 and config.hparams["adam"]["beta1"] == 0.9999
    assert config.base.problem == "rosenbrock" and config.base.steps == 250
    texts = " | ".join(warnings)
    assert "'opts=nope'" in texts and "'adam.beta1'=2 is outside" in texts and "'lion.beta1'" in texts
    encoded = encode_compare(config)
    assert encoded["opts"] == "sgd,adam" and "adam.learning_rate" not in encoded  # defaults stay out
    again, warnings = parse_compare(encoded)
    assert again == config and not warnings


def test_compare_links_use_the_problems_page_defaults_as_the_playground_does():
    """SGD's registry rate 0.01 diverges on Rosenbrock: a Compare link without rates takes the scene's."""
    scene = app_state.PROBLEM_PAGE_DEFAULTS["rosenbrock"]
    config, warnings = parse_compare({"opts": "sgd,momentum,adam", "problem": "rosenbrock"})
    assert not warnings
    assert config.hparams["sgd"]["learning_rate"] == scene["sgd"]["learning_rate"] == 2e-3
    assert config.hparams["momentum"]["learning_rate"] == scene["momentum"]["learning_rate"]
    assert config.hparams["adam"] == app_state.default_hparams("adam")  # no scene value: the registry's
    encoded = encode_compare(config)
    assert "sgd.learning_rate" not in encoded and parse_compare(encoded) == (config, [])
    # a rate that is the registry's but not the scene's is a choice: it travels in the link
    chosen = replace(
        config, hparams={**config.hparams, "sgd": {**config.hparams["sgd"], "learning_rate": 0.01}}
    )
    assert encode_compare(chosen)["sgd.learning_rate"] == "0.01"
    traces = compare(
        {k: dict(v) for k, v in config.hparams.items()}, "rosenbrock", steps=app_state.STUDY_STEPS
    )
    assert all(tr.diverged_at is None for tr in traces.values())


def test_sweep_url_round_trips_and_fixes_bad_values():
    config, warnings = parse_sweep(
        {"opt": "adam", "x": "beta1", "y": "beta1", "res": "500", "x_range": "0.5,0.99",
         "metric": "speed", "sens": "sgd,lion"}
    )  # fmt: skip
    assert (config.x, config.y, config.resolution, config.metric) == (
        "beta1",
        "learning_rate",
        200,
        "final_loss",
    )
    assert config.x_range == (0.5, 0.99) and config.sensitivity == ("sgd", "lion")
    assert len(warnings) == 3
    again, warnings = parse_sweep(encode_sweep(config))
    assert again == config and not warnings


# --- the Compare page through AppTest -----------------------------------------------------------------

from page_runs import open_page, sent_charts  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

open_compare = partial(open_page, "compare")


def charts(at: AppTest) -> dict[str, dict]:
    return sent_charts(at)


def test_compare_page_defaults():
    at = open_compare()
    assert at.title[0].value == "Compare"
    assert at.multiselect(key="cmp.opts").value == ["sgd", "momentum", "rmsprop", "adam"]
    figs = charts(at)
    assert set(figs) == {"cmp.paths_chart", "cmp.race_chart", "cmp.loss_chart"}
    names = [d["name"] for d in figs["cmp.loss_chart"]["data"][:8:2]]
    assert names == ["SGD", "SGD + momentum (heavy ball)", "RMSprop", "Adam"]
    table = at.dataframe[0].value
    assert list(table["optimizer"]) == names and len(table) == 4
    assert [b.label for b in at.get("download_button")] == [
        "Download the table (CSV)",
        "Paths (HTML, offline)",
        "Animation (HTML, offline)",
    ]
    assert at.query_params["opts"] == "sgd,momentum,rmsprop,adam"
    assert any("/compare?opts=sgd,momentum,rmsprop,adam" in c.value for c in at.code)


def test_adding_and_removing_optimizers():
    at = open_compare()
    at.multiselect(key="cmp.opts").set_value(["sgd", "adam", "lion"]).run()
    assert not at.exception
    assert list(at.dataframe[0].value["optimizer"]) == ["SGD", "Adam", "Lion"]
    # contour, path and end per optimizer, start, optimum
    assert len(charts(at)["cmp.paths_chart"]["data"]) == 1 + 2 * 3 + 2
    assert at.query_params["opts"] == "sgd,adam,lion"
    at.multiselect(key="cmp.opts").set_value(["adam"]).run()
    assert not at.exception
    assert any("at least two" in i.value for i in at.info)
    assert not charts(at)


def test_hyperparameters_per_optimizer_come_from_the_url_and_go_back_to_it():
    at = open_compare(opts="sgd,adam", **{"adam.learning_rate": "0.1", "adam.beta1": "7"})
    assert at.select_slider(key="cmp.adam.learning_rate").value == 0.1
    assert "adam.beta1" in at.warning[0].value
    table = at.dataframe[0].value
    assert list(table["learning_rate"]) == [0.01, 0.1]
    at.select_slider(key="cmp.sgd.learning_rate").set_value(0.2).run()
    assert at.query_params["sgd.learning_rate"] == "0.2"
    assert list(at.dataframe[0].value["learning_rate"]) == [0.2, 0.1]


def test_fair_toggle_tunes_each_learning_rate_and_says_why_that_is_not_the_whole_story():
    at = open_compare(opts="sgd,adam", problem="ill_conditioned", steps="200")
    at.toggle(key="cmp.fair").set_value(True).run()
    assert not at.exception
    rates, results = at.dataframe[0].value, at.dataframe[1].value
    tuned = [float(v) for v in rates["tuned learning_rate"]]
    scans = tune_learning_rates({"sgd": None, "adam": {"learning_rate": 0.01}}, "ill_conditioned", steps=200)
    assert tuned == pytest.approx(
        [scans["sgd"].best_learning_rate, scans["adam"].best_learning_rate], rel=1e-5
    )
    assert list(results["learning_rate"]) == pytest.approx(tuned, rel=1e-5)
    assert any("Only the learning rate is tuned" in w.value for w in at.warning)
    assert at.query_params["fair"] == "1"


def test_predict_then_reveal():
    at = open_compare()
    at.toggle(key="cmp.predict").set_value(True).run()
    figs = charts(at)
    assert list(figs) == ["cmp.predict_chart"]
    assert [d["type"] for d in figs["cmp.predict_chart"]["data"]] == ["contour", "scatter", "scatter"]
    assert not at.dataframe  # no results to give the answer away
    at.button(key="cmp.reveal").click().run()
    assert not at.exception
    assert set(charts(at)) == {"cmp.paths_chart", "cmp.race_chart", "cmp.loss_chart"}
    assert len(at.dataframe) == 2  # the results and the hyperparameters side by side
    at.button(key="cmp.hide").click().run()
    assert list(charts(at)) == ["cmp.predict_chart"]


# --- the same optimizer twice (issue 14: Adam's beta2 = 0.9 against 0.999) ---------------------------
def test_a_copy_runs_the_same_optimizer_with_its_own_settings():
    from optviz.compare import entry_dash, entry_labels, is_entry, next_copy, split_entry

    setups = {"adam": {"beta2": 0.999}, "adam~2": {"beta2": 0.9}, "sgd": None}
    traces = compare(setups, "rosenbrock", steps=200)
    alone = optviz.run("adam", "rosenbrock", steps=200, hparams={"beta2": 0.9})
    assert traces["adam~2"].optimizer == "adam"
    np.testing.assert_array_equal(traces["adam~2"].params, alone.params)
    assert not np.array_equal(traces["adam"].params, traces["adam~2"].params)
    labels = entry_labels(traces)
    assert labels == {"adam": "Adam (beta2=0.999)", "adam~2": "Adam #2 (beta2=0.9)", "sgd": "SGD"}
    assert entry_labels({"adam": {}, "adam~3": {}}) == {"adam": "Adam", "adam~3": "Adam #3"}
    assert [r["optimizer"] for r in results_table(traces)] == list(labels.values())
    assert (entry_dash("adam"), entry_dash("adam~2")) == ("solid", "dash")
    assert next_copy("adam", ["adam", "adam~2"]) == "adam~3" and split_entry("adam~3") == ("adam", 3)
    for bad in ("adam~1", "adam~9", "adam~02", "adam~x", "nope~2", "adam~", "ADAM"):
        assert not is_entry(bad), bad
    with pytest.raises(ValueError, match="copy"):
        compare({"adam": None, "adam~1": None}, "rosenbrock", steps=5)


def test_a_copy_travels_in_the_link():
    config, warnings = parse_compare({"opts": "adam,adam~2,adam~9", "adam~2.beta2": "0.9"})
    assert config.optimizers == ("adam", "adam~2") and len(warnings) == 1 and "adam~9" in warnings[0]
    assert config.hparams["adam~2"]["beta2"] == 0.9 and config.hparams["adam"]["beta2"] == 0.999
    encoded = encode_compare(config)
    assert (
        encoded["opts"] == "adam,adam~2" and encoded["adam~2.beta2"] == "0.9" and "adam.beta2" not in encoded
    )
    assert parse_compare(encoded) == (config, [])


def test_the_copy_button_adds_a_run_with_the_same_settings_then_one_changes():
    at = open_compare(opts="sgd,adam", **{"adam.beta2": "0.99"})
    at.button(key="cmp.copy.adam").click().run()
    assert not at.exception
    assert at.multiselect(key="cmp.opts").value == ["sgd", "adam", "adam~2"]
    assert at.select_slider(key="cmp.adam~2.beta2").value == 0.99  # starts from the original's settings
    at.select_slider(key="cmp.adam~2.beta2").set_value(0.9).run()
    assert at.query_params["opts"] == "sgd,adam,adam~2" and at.query_params["adam~2.beta2"] == "0.9"
    names = [d["name"] for d in charts(at)["cmp.loss_chart"]["data"] if d.get("mode") == "lines"]
    assert names[:3] == ["SGD", "Adam (beta2=0.99)", "Adam #2 (beta2=0.9)"]
    assert list(at.dataframe[0].value["optimizer"]) == names[:3]


def test_a_modifier_button_adds_the_wrapped_optimizer_from_the_same_settings():
    """AdamW against Cautious AdamW against Lookahead(AdamW): each added from AdamW's expander, starting
    from AdamW's settings, named in the list, the link and the legend; a chain is never offered twice."""
    at = open_compare(opts="sgd,adamw", **{"adamw.learning_rate": "0.05"})
    wraps = sorted(b.key for b in at.button if b.key and b.key.startswith("cmp.wrap.adamw."))
    assert wraps == [
        "cmp.wrap.adamw.cautious-adamw",
        "cmp.wrap.adamw.lookahead-adamw",
        "cmp.wrap.adamw.sam-adamw",
    ]
    at.button(key="cmp.wrap.adamw.cautious-adamw").click().run()
    at.button(key="cmp.wrap.adamw.lookahead-adamw").click().run()
    assert not at.exception
    assert at.multiselect(key="cmp.opts").value == ["sgd", "adamw", "cautious-adamw", "lookahead-adamw"]
    assert at.query_params["opts"] == "sgd,adamw,cautious-adamw,lookahead-adamw"
    assert at.select_slider(key="cmp.lookahead-adamw.learning_rate").value == 0.05  # AdamW's setting
    assert at.select_slider(key="cmp.cautious-adamw.learning_rate").value == 0.05
    names = [d["name"] for d in charts(at)["cmp.loss_chart"]["data"] if d.get("mode") == "lines"]
    assert names[:4] == ["SGD", "AdamW", "Cautious AdamW", "Lookahead(AdamW)"]
    # the chain's own expander offers the modifiers it does not hold yet
    offered = {b.key for b in at.button if b.key and b.key.startswith("cmp.wrap.lookahead-adamw.")}
    assert offered == {
        "cmp.wrap.lookahead-adamw.sam-lookahead-adamw",
        "cmp.wrap.lookahead-adamw.cautious-lookahead-adamw",
    }
