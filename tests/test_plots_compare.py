"""Figure JSON of the Compare and Sweep pages: overlay, loss curves, animation, heatmap, sensitivity."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

import optviz
from optviz.compare import compare, learning_rate_scan
from optviz.plots import optimizer_color
from optviz.plots import sweep as sp


def figure_json(fig) -> dict:
    """The JSON the browser receives, with Plotly's base64 typed arrays decoded to NumPy arrays."""
    return _decode(json.loads(fig.to_json()))


def _decode(value):
    nested = isinstance(value, list) and value and all(isinstance(r, list) for r in value)
    if nested and any(v is None for r in value for v in r):  # a heatmap's z with gaps (null): NaN there
        return np.array(value, dtype=float)
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) >= {"dtype", "bdata"} and set(value) <= {"dtype", "bdata", "shape"}:
        arr = np.frombuffer(
            base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<")
        )
        if "shape" in value:
            arr = arr.reshape([int(d) for d in str(value["shape"]).split(",")])
        return arr
    return {k: _decode(v) for k, v in value.items()}


# --- sweep axes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "optimizer, name, low, high, n, check",
    [
        ("adam", "learning_rate", 1e-4, 1.0, 5, lambda v: np.allclose(v, [1e-4, 1e-3, 1e-2, 1e-1, 1.0])),
        ("adam", "beta1", 0.9, 0.9999, 4, lambda v: np.allclose(v, [0.9, 0.99, 0.999, 0.9999])),
        ("adam", "weight_decay", 0.0, 1.0, 3, lambda v: np.allclose(v, [0.0, 0.5, 1.0])),
        ("adam", "beta2", 0.0, 0.99999, 200, lambda v: v[0] == 0.0 and v[-1] == 0.99999 and len(v) == 200),
    ],
)
def test_axis_values_follow_the_declared_scale(optimizer, name, low, high, n, check):
    values = sp.axis_values(optviz.OPTIMIZERS[optimizer].param(name), low, high, n)
    assert check(values), values
    assert values.min() >= low and values.max() <= high


@pytest.mark.parametrize(
    "low, high, n, message",
    [
        (1e-3, 1e-3, 10, "must be below"),
        (1e-1, 1e-3, 10, "must be below"),
        (1e-3, 100.0, 10, "outside its range"),
        (1e-3, 1.0, 201, "between 2 and 200"),
        (1e-3, 1.0, 1, "between 2 and 200"),
    ],
)
def test_axis_values_reject_bad_ranges(low, high, n, message):
    with pytest.raises(ValueError, match=message):
        sp.axis_values(optviz.OPTIMIZERS["adam"].param("learning_rate"), low, high, n)


# --- heatmap ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sgd_sweep():
    """SGD on the ravine: small rates crawl, mid rates converge, lr=1 diverges (curvature 4 > 2/lr)."""
    grid = {"learning_rate": np.geomspace(1e-2, 1.0, 5), "weight_decay": [0.0, 0.5]}
    return optviz.sweep("sgd", "ill_conditioned", steps=200, grid=grid)


def test_heatmap_traces_axes_and_diverged_cells(sgd_sweep):
    fig = figure_json(sp.heatmap_figure(sgd_sweep))
    kinds = [tr["type"] for tr in fig["data"]]
    assert kinds == ["heatmap", "heatmap", "heatmap", "scatter", "scattergl"]
    values, diverged = fig["data"][sp.VALUES], fig["data"][sp.DIVERGED]
    # rows are y (weight_decay), columns x (learning_rate); x/y hold 6 and 3 cell edges
    assert np.shape(values["z"]) == (2, 5) and len(values["x"]) == 6 and len(values["y"]) == 3
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["yaxis"]["type"] == "linear"
    dead = sgd_sweep.diverged.T
    assert dead[:, -1].all() and not dead[:, :-1].any()
    # diverged cells: gaps in the loss colours, filled in the flat diverged layer
    assert np.isnan(values["z"][dead]).all() and np.isfinite(values["z"][~dead]).all()
    assert np.array_equal(~np.isnan(diverged["z"]), dead)
    assert diverged["colorscale"][0][1] == diverged["colorscale"][-1][1] == sp.DIVERGED_FILL
    assert diverged["showlegend"] and not diverged["showscale"]
    # log colour: z is log10 of the final loss (min loss 0 here), floored at 1e-16 for display
    loss = sgd_sweep.final_loss.T[~dead]
    assert loss.min() < 1e-40
    np.testing.assert_allclose(values["z"][~dead], np.log10(np.maximum(loss, 1e-16)), atol=1e-6)
    assert values["zmax"] == pytest.approx(np.log10(sgd_sweep.final_loss[~sgd_sweep.diverged].max()))
    assert values["colorbar"]["ticktext"][0].startswith("1e")


def test_heatmap_hover_and_click_layer_cover_every_cell(sgd_sweep):
    fig = figure_json(sp.heatmap_figure(sgd_sweep))
    cells = fig["data"][sp.CELLS]
    assert len(cells["x"]) == sgd_sweep.final_loss.size
    custom = np.asarray(cells["customdata"], dtype=float)
    i, j = custom[:, 0].astype(int), custom[:, 1].astype(int)
    np.testing.assert_array_equal(custom[:, 2], sgd_sweep.grid["learning_rate"][i])
    np.testing.assert_array_equal(custom[:, 4], sgd_sweep.final_loss[i, j])
    for text in ("learning_rate", "weight_decay", "final loss"):
        assert text in cells["hovertemplate"]
    assert fig["layout"]["clickmode"] == "event+select"
    # the best cell is the lowest loss that did not diverge
    best = fig["data"][sp.BEST]
    k = np.argmin(np.where(sgd_sweep.diverged, np.inf, sgd_sweep.final_loss))
    bi, bj = np.unravel_index(k, sgd_sweep.shape)
    assert best["x"] == [sgd_sweep.grid["learning_rate"][bi]] and best["y"] == [
        sgd_sweep.grid["weight_decay"][bj]
    ]


@pytest.mark.parametrize(
    ("lang", "converged", "never", "diverged"),
    [
        ("en", "steps to converge = {}", "did not converge", "diverged at step {}"),
        ("zh", "收敛步数 = {}", "未收敛", "第 {} 步发散"),
    ],
)
def test_heatmap_hover_says_what_happened_in_words_never_minus_one(
    sgd_sweep, lang, converged, never, diverged
):
    """Not "steps to converge = -1, diverged at step = -1": each cell says converged, never, or diverged."""
    cells = figure_json(sp.heatmap_figure(sgd_sweep, lang=lang))["data"][sp.CELLS]
    assert "-1" not in cells["hovertemplate"]
    seen = set()
    for row, outcome in zip(cells["customdata"], cells["text"], strict=True):
        i, j = int(row[0]), int(row[1])
        steps, dead = sgd_sweep.steps_to_converge[i, j], sgd_sweep.diverged_at[i, j]
        if dead >= 0:
            expected, kind = diverged.format(dead), "diverged"
        elif steps >= 0:
            expected, kind = converged.format(steps), "converged"
        else:
            expected, kind = never, "never"
        assert outcome == expected and "-1" not in outcome
        seen.add(kind)
    assert seen == {"diverged", "converged", "never"}


def test_heatmap_steps_metric_marks_never_converged_cells(sgd_sweep):
    fig = figure_json(sp.heatmap_figure(sgd_sweep, "steps_to_converge"))
    values, dead, slow = (fig["data"][k] for k in (sp.VALUES, sp.DIVERGED, sp.NOT_CONVERGED))
    steps = sgd_sweep.steps_to_converge.T
    conv = steps >= 0
    np.testing.assert_array_equal(np.asarray(values["z"])[conv], steps[conv])
    assert np.isnan(np.asarray(values["z"])[~conv]).all()
    never = ~conv & ~sgd_sweep.diverged.T
    assert never.any()
    assert np.array_equal(~np.isnan(slow["z"]), never)
    assert np.array_equal(~np.isnan(dead["z"]), sgd_sweep.diverged.T)
    assert slow["colorscale"][0][1] == sp.NOT_CONVERGED_FILL


def test_heatmap_draws_decay_rates_on_a_reversed_log_axis():
    grid = {"beta1": sp.axis_values(optviz.OPTIMIZERS["adam"].param("beta1"), 0.5, 0.999, 4),
            "beta2": sp.axis_values(optviz.OPTIMIZERS["adam"].param("beta2"), 0.9, 0.9999, 4)}  # fmt: skip
    res = optviz.sweep("adam", "booth", steps=30, grid=grid, hparams={"learning_rate": 0.1})
    fig = figure_json(sp.heatmap_figure(res))
    xaxis = fig["layout"]["xaxis"]
    assert xaxis["type"] == "log" and xaxis["autorange"] == "reversed"
    assert list(xaxis["ticktext"]) == ["0.999", "0.99", "0.9", "0"]
    np.testing.assert_allclose(xaxis["tickvals"], [0.001, 0.01, 0.1, 1])
    np.testing.assert_allclose(fig["data"][sp.CELLS]["x"][::4], 1 - grid["beta1"])


def test_heatmap_shows_the_gap_to_a_nonzero_minimum():
    prob = optviz.PROBLEMS["linear_regression"]()
    res = optviz.sweep("adam", prob, steps=50, grid={"learning_rate": [0.01, 0.1], "beta1": [0.5, 0.9]})
    values = figure_json(sp.heatmap_figure(res))["data"][sp.VALUES]
    np.testing.assert_allclose(values["z"], np.log10(res.final_loss - prob.min_loss).T, atol=1e-6)
    assert values["colorbar"]["title"]["text"] == "final loss − minimum"


def test_heatmap_labels_follow_the_language(sgd_sweep):
    fig = figure_json(sp.heatmap_figure(sgd_sweep, lang="zh"))
    assert fig["data"][sp.DIVERGED]["name"] == "发散"
    assert "最终损失" in fig["data"][sp.CELLS]["hovertemplate"]


def test_heatmap_rejects_a_bad_metric_or_a_1d_sweep(sgd_sweep):
    with pytest.raises(ValueError, match="unknown metric"):
        sp.heatmap_figure(sgd_sweep, "speed")
    one = optviz.sweep("sgd", "booth", steps=5, grid={"learning_rate": [0.01, 0.1]})
    with pytest.raises(ValueError, match="2-D sweep"):
        sp.heatmap_figure(one)


@pytest.mark.parametrize(
    "selection, expected",
    [
        ({"points": [{"curve_number": sp.CELLS, "customdata": [3, 1, 0.1, 0.5, 1.0, -1, -1]}]}, (3, 1)),
        ({"points": [{"curve_number": sp.BEST, "customdata": [3, 1]}]}, None),  # not the cell layer
        # a browser sends a typed-array row as an object with string keys (seen in Chromium)
        ({"points": [{"curve_number": sp.CELLS, "customdata": {"0": 3, "1": 1, "2": 0.1}}]}, (3, 1)),
        ({"points": [{"curve_number": sp.CELLS, "customdata": [9, 1]}]}, None),  # outside the grid
        ({"points": []}, None),
        (None, None),
    ],
)
def test_cell_from_selection(selection, expected):
    assert sp.cell_from_selection(selection, (5, 2)) == expected


def test_presentation_mode_scales_the_heatmap(sgd_sweep):
    normal, big = sp.heatmap_figure(sgd_sweep), sp.heatmap_figure(sgd_sweep, presentation=True)
    assert big.layout.font.size > normal.layout.font.size
    assert big.data[sp.CELLS].marker.size == 2 * normal.data[sp.CELLS].marker.size


# --- sensitivity -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scans():
    rates = np.geomspace(1e-3, 3.0, 13)
    return {
        k: learning_rate_scan(k, "ill_conditioned", steps=150, learning_rates=rates)
        for k in ("sgd", "momentum", "adam")
    }


def test_sensitivity_traces_colours_and_log_axes(scans):
    prob = optviz.get_problem("ill_conditioned")
    fig = figure_json(sp.sensitivity_figure(scans, prob))
    assert fig["layout"]["xaxis"]["type"] == "log" and fig["layout"]["yaxis"]["type"] == "log"
    assert len(fig["data"]) == 3 * len(scans)
    for n, (key, scan) in enumerate(scans.items()):
        curve, best, dead = fig["data"][3 * n : 3 * n + 3]
        colour = optimizer_color(key)
        assert curve["line"]["color"] == best["marker"]["color"] == dead["marker"]["color"] == colour
        assert {curve["legendgroup"], best["legendgroup"], dead["legendgroup"]} == {key}
        assert (
            curve["name"] == optviz.OPTIMIZERS[key].name
            and curve.get("showlegend", True)
            and not best["showlegend"]
        )
        # the curve holds exactly the rates that did not diverge; crosses mark the others
        np.testing.assert_array_equal(curve["x"], scan.learning_rates[~scan.diverged])
        np.testing.assert_array_equal(dead["x"], scan.learning_rates[scan.diverged])
        np.testing.assert_array_equal(curve["y"], scan.final_loss[~scan.diverged])
        assert np.isfinite(curve["y"]).all()
        assert best["marker"]["symbol"] == "star"
    # with these rates SGD and momentum blow up at the top end (lr > 2 / curvature 4)
    assert len(fig["data"][2]["x"]) > 0 and len(fig["data"][5]["x"]) > 0
    assert len({optimizer_color(k) for k in scans}) == len(scans)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "★ = lowest final loss"), ("zh", "★ = 每条曲线最终损失最低")]
)
def test_sensitivity_stars_mark_each_curves_lowest_point_and_say_so(scans, lang, words):
    """Adam's fewest steps (lr index 7) is not its lowest loss (index 12): the star sits on the lowest."""
    prob = optviz.get_problem("ill_conditioned")
    fig = figure_json(sp.sensitivity_figure(scans, prob, lang=lang))
    for n in range(len(scans)):
        curve, best = fig["data"][3 * n], fig["data"][3 * n + 1]
        assert best["y"] == [min(curve["y"])]
        assert best["x"] == [curve["x"][int(np.argmin(curve["y"]))]]
    adam = fig["data"][7]
    assert adam["x"] == [pytest.approx(scans["adam"].learning_rates[12])]
    assert any(words in a["text"] for a in fig["layout"]["annotations"])


def test_sensitivity_without_any_diverged_rate_has_no_annotation_clash():
    scan = learning_rate_scan("adam", "booth", steps=20, learning_rates=[1e-3, 1e-2])
    fig = figure_json(sp.sensitivity_figure({"adam": scan}, optviz.get_problem("booth")))
    assert len(fig["data"]) == 3 and len(fig["data"][2]["x"]) == 0


# --- compare: overlay, loss curves, animation ---------------------------------------------------------
from optviz.plots import compare as pc  # noqa: E402


@pytest.fixture(scope="module")
def traces():
    """Three optimizers on Rosenbrock; momentum at lr 0.01 blows up, so one path ends early."""
    setups = {
        "sgd": {"learning_rate": 1e-3},
        "momentum": {"learning_rate": 0.01},
        "adam": {"learning_rate": 0.05},
    }
    return compare(setups, "rosenbrock", steps=300)


def test_fixture_has_one_diverged_run(traces):
    assert traces["momentum"].diverged_at is not None
    assert traces["sgd"].diverged_at is None and traces["adam"].diverged_at is None


def test_overlay_paths_colours_and_legend_groups(traces):
    fig = figure_json(pc.overlay_figure(traces))
    data = fig["data"]
    assert [d["type"] for d in data] == ["contour"] + ["scatter"] * (2 * 3 + 2)
    for n, (key, tr) in enumerate(traces.items()):
        path, end = data[1 + 2 * n], data[2 + 2 * n]
        assert path["line"]["color"] == end["marker"]["color"] == optimizer_color(key)
        assert path["legendgroup"] == end["legendgroup"] == key
        assert path["name"] == optviz.OPTIMIZERS[key].name
        np.testing.assert_array_equal(path["x"], tr.params[:, 0])  # 301 points: no downsampling
        assert np.isfinite(path["x"]).all() and np.isfinite(path["y"]).all()
        assert end["marker"]["symbol"] == ("x" if tr.diverged_at else "circle")
    assert data[-2]["name"] == "start" and data[-1]["name"] == "minimum"
    np.testing.assert_array_equal(data[-1]["x"], [1.0])
    # the window is widened to hold every path (all share one contour)
    from optviz.plots.space import plot_window

    (x0, x1), (y0, y1) = plot_window(tr.problem, np.concatenate([t.params for t in traces.values()]))
    assert fig["layout"]["xaxis"]["range"] == [x0, x1] and fig["layout"]["yaxis"]["range"] == [y0, y1]
    assert (x0, x1) != tr.problem.window[0]  # momentum's blow-up left the default window


def test_predict_mode_leaves_the_paths_out(traces):
    fig = figure_json(pc.overlay_figure(traces, reveal=False))
    assert [d["type"] for d in fig["data"]] == ["contour", "scatter", "scatter"]
    assert all(d.get("legendgroup") not in traces for d in fig["data"])
    assert fig["layout"]["title"]["text"].startswith("Where will")


def test_loss_curves_log_y_and_the_same_colours(traces):
    fig = figure_json(pc.loss_curves_figure(traces))
    assert fig["layout"]["yaxis"]["type"] == "log"
    data = fig["data"]
    assert len(data) == 2 * 3  # Rosenbrock's minimum loss is 0: no reference line on a log axis
    overlay = figure_json(pc.overlay_figure(traces))["data"]
    for n, (key, tr) in enumerate(traces.items()):
        curve = data[2 * n]
        assert curve["line"]["color"] == overlay[1 + 2 * n]["line"]["color"] == optimizer_color(key)
        np.testing.assert_array_equal(curve["y"], tr.loss)
        assert np.isfinite(curve["y"]).all()
    assert data[3]["marker"]["symbol"] == "x"  # momentum's end: diverged


def test_loss_curves_show_a_positive_minimum_as_a_reference_line():
    prob = optviz.PROBLEMS["linear_regression"]()
    fig = figure_json(pc.loss_curves_figure(compare({"sgd": None, "adam": None}, prob, steps=20)))
    assert len(fig["data"]) == 5 and fig["data"][-1]["y"][0] == pytest.approx(prob.min_loss)


def test_race_animates_every_head_in_step(traces):
    fig = figure_json(pc.race_figure(traces, frames=30))
    data, frames = fig["data"], fig["frames"]
    assert [d["type"] for d in data] == ["contour"] + ["scatter"] * (2 * 3 + 2)
    assert len(frames) == 30
    heads = [2, 4, 6]
    for frame in frames:
        assert frame["traces"] == heads and len(frame["data"]) == 3
    last, step = frames[-1], int(frames[-1]["name"])
    assert step == max(tr.k for tr in traces.values())
    for n, (key, tr) in enumerate(traces.items()):
        point = [last["data"][n]["x"][0], last["data"][n]["y"][0]]
        np.testing.assert_array_equal(
            point, tr.params[min(step, tr.k)]
        )  # a diverged run stays at its last point
        assert last["data"][n]["marker"]["symbol"] == ("x" if tr.k < step else "circle")
        assert data[heads[n]]["marker"]["color"] == optimizer_color(key)
    menus, slider = fig["layout"]["updatemenus"][0], fig["layout"]["sliders"][0]
    assert [b["args"][0] for b in menus["buttons"]] == [None, [None]]  # play, pause
    assert [s["label"] for s in slider["steps"]] == [f["name"] for f in frames]


def test_compare_figures_reject_an_empty_comparison():
    with pytest.raises(ValueError, match="no traces"):
        pc.overlay_figure({})
