"""The Networks views and their state: the PCA plane against NumPy's SVD, slices and boundaries against
the problem's own loss and logits, per-block norms and singular values recomputed, every figure valid
and finite; the scene registry, train() on one start and minibatch stream, and the URL round trip."""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Any

import numpy as np
import pytest
from test_plots import assert_clean  # figures carry typed arrays: read them back as NumPy

import optviz
from optviz import budget
from optviz import network_state as ns
from optviz.nets import MLP
from optviz.nets.scenes import MAX_NET_OPTIMIZERS, SCENES, get_scene, hidden_layers, step_units, train
from optviz.plots import networks as views
from optviz.settings import RunSettings


@cache
def classifier_runs():
    """SGD and Adam on a small MLP, minibatches of 16: what most tests below look at."""
    scene = SCENES["classifier"]
    problem = scene(hidden="4-4", n=60)
    setups = {k: scene.default_hparams(k) for k in ("sgd", "adam")}
    return train(problem, setups, RunSettings(60, batch_size=16, seed=3))


@cache
def matrix_runs():
    scene = SCENES["matrix"]
    problem = scene(size=4, k=4, init_scale=0.01)
    return train(problem, {"sgd": scene.default_hparams("sgd")}, RunSettings(80))


# --- the scene registry and train -----------------------------------------------------------------
@pytest.mark.parametrize("key", list(SCENES))
def test_every_scene_builds_its_problem_from_its_declared_defaults(key):
    scene = SCENES[key]
    problem = scene()
    assert isinstance(problem, optviz.Problem) and problem.kind == "network"
    assert set(scene.defaults) == {c.name for c in scene.choices} | {p.name for p in scene.params}
    for opt in scene.learning_rates:
        hp = scene.default_hparams(opt)
        assert hp["learning_rate"] == scene.learning_rates[opt]
        optviz.get_optimizer(opt).param("learning_rate").check(hp["learning_rate"], key)
    for opt in scene.default_optimizers:  # the page's first view trains without blowing up
        trace = train(problem, {opt: scene.default_hparams(opt)}, RunSettings(100))[opt]
        assert trace.diverged_at is None and trace.final_loss < trace.loss[0]


def test_scene_values_are_checked_and_name_what_is_allowed():
    scene = get_scene("classifier")
    assert scene.values({"data": "spiral", "n": 300})["n"] == 300
    with pytest.raises(ValueError, match="unknown data 'ring'; allowed: circle, xor"):
        scene.values({"data": "ring"})
    with pytest.raises(ValueError, match=r"n=5\.0 is outside its range \[20, 1000\]"):
        scene.values({"n": 5})
    with pytest.raises(ValueError, match="unknown scene 'cnn'; allowed: classifier, regression, matrix"):
        get_scene("cnn")
    assert scene(hidden="8-8-8").hidden == hidden_layers("8-8-8") == (8, 8, 8)


def test_train_runs_each_optimizer_from_one_start_on_one_minibatch_stream():
    traces = classifier_runs()
    problem = traces["sgd"].problem
    for key, trace in traces.items():
        alone = optviz.run(key, problem, hparams=trace.hparams, steps=60, batch_size=16, seed=3)
        assert np.array_equal(alone.params, trace.params)  # the same run as on its own
        assert np.array_equal(trace.params[0], problem.start)
    with pytest.raises(ValueError, match=f"1 to {MAX_NET_OPTIMIZERS} optimizers, got 4"):
        train(problem, dict.fromkeys(("sgd", "adam", "lion", "nadam")), RunSettings(5))


# --- the plane ----------------------------------------------------------------------------------------
def test_pca_plane_is_the_top_two_singular_directions_of_all_paths_together():
    traces = classifier_runs()
    plane = views.pca_plane(traces)
    ref = traces["sgd"].params[-1]
    M = np.concatenate(
        [
            tr.params[optviz.plots.style.display_indices(tr.k, views.PATH_POINTS)] - ref
            for tr in traces.values()
        ]
    )
    _, s, Vt = np.linalg.svd(M, full_matrices=False)
    assert np.array_equal(plane.origin, ref)
    np.testing.assert_allclose(np.abs(plane.directions @ Vt[:2].T), np.eye(2), atol=1e-9)
    share = 100 * s[:2] ** 2 / np.sum(s**2)
    assert plane.labels == tuple(f"PC{i + 1} ({share[i]:.0f}% of the paths' spread)" for i in range(2))
    # projections are the principal coordinates, and the start sits at positive ones
    UV = plane.project(traces["adam"].params)
    np.testing.assert_allclose(np.abs(UV), np.abs((traces["adam"].params - ref) @ Vt[:2].T), atol=1e-9)
    assert (plane.project(traces["sgd"].params[0]) >= 0).all()


def test_pca_plane_reproduces_paths_that_lie_on_a_plane_exactly():
    base = classifier_runs()["sgd"]
    D = base.problem.dim
    rng = np.random.default_rng(0)
    d = rng.standard_normal((2, D))
    ref = base.params[-1]
    t = np.linspace(0, 1, base.k + 1)[:, None]
    paths = {
        "sgd": ref + (1 - t) * (3 * d[0] + np.sin(7 * t) * d[1]),
        "adam": ref + (1 - t) * (-d[0] + 2 * d[1]) * t,
    }
    traces = {k: dataclasses.replace(base, optimizer=k, params=p) for k, p in paths.items()}
    traces["sgd"].params[-1] = ref  # the first path ends at the plane's origin
    plane = views.pca_plane(traces)
    for P in paths.values():
        np.testing.assert_allclose(plane.lift(plane.project(P)), P, rtol=0, atol=1e-10)


def test_a_path_that_moves_along_one_line_falls_back_to_filter_normalised_directions():
    base = classifier_runs()["sgd"]
    line = base.params[-1] + np.linspace(1, 0, base.k + 1)[:, None] * (base.params[0] - base.params[-1])
    plane = views.pca_plane({"sgd": dataclasses.replace(base, params=line)})
    expected = base.problem.random_plane(0, origin=base.params[-1])
    assert np.array_equal(plane.directions, expected.directions)


def test_top_two_directions_match_lapack_on_a_noisy_low_rank_matrix():
    rng = np.random.default_rng(1)
    M = rng.standard_normal((300, 4)) * [10, 5, 2, 1] @ rng.standard_normal((4, 120))
    M += 0.01 * rng.standard_normal(M.shape)
    V, values = views.top_two_directions(M)
    _, s, Vt = np.linalg.svd(M, full_matrices=False)
    np.testing.assert_allclose(np.abs(np.sum(V * Vt[:2], axis=1)), 1.0, atol=1e-12)
    np.testing.assert_allclose(values, s[:2] ** 2, rtol=1e-12)


# --- the slice and its caveat ------------------------------------------------------------------------
def test_slice_values_are_the_loss_at_the_lifted_points():
    traces = classifier_runs()
    problem = traces["sgd"].problem
    plane = views.pca_plane(traces)
    view = views.landscape(traces, plane)
    xs, ys, Z = views.slice_loss(problem, plane, view.window)
    assert Z.shape == (views.SLICE_RESOLUTION, views.SLICE_RESOLUTION)
    for i, j in [(0, 0), (40, 0), (13, 29), (40, 40)]:
        point = plane.origin + xs[i] * plane.directions[0] + ys[j] * plane.directions[1]
        np.testing.assert_allclose(Z[j, i], problem.loss(point), rtol=1e-12)
    fig = assert_clean(views.landscape_figure(traces, view, cursor=10))
    contour = fig["data"][0]
    np.testing.assert_allclose(contour["z"], np.log10(Z), rtol=1e-6)
    # every path is drawn as its projection, and the cursor marks step 10 of each
    for n, tr in enumerate(traces.values()):
        line, star = fig["data"][1 + 2 * n], fig["data"][2 + 2 * n]
        np.testing.assert_allclose(line["x"], plane.project(tr.params)[line["customdata"], 0], rtol=1e-6)
        np.testing.assert_allclose([star["x"][0], star["y"][0]], plane.project(tr.params[10]), rtol=1e-12)
    (x0, x1), (y0, y1) = view.window
    assert x1 - x0 == pytest.approx(y1 - y0) and fig["layout"]["yaxis"]["scaleanchor"] == "x"


def test_the_caveat_sets_the_paths_loss_beside_the_slice_under_it():
    traces = classifier_runs()
    plane = views.pca_plane(traces)
    fig = assert_clean(views.caveat_figure(traces, plane, cursor=5))
    assert len(fig["data"]) == 2 * len(traces)
    for n, tr in enumerate(traces.values()):
        on_path, under = fig["data"][2 * n], fig["data"][2 * n + 1]
        steps = on_path["x"]
        np.testing.assert_array_equal(on_path["y"], tr.loss[steps])
        lifted = plane.lift(plane.project(tr.params[steps]))
        np.testing.assert_array_equal(under["y"], tr.problem.loss(lifted))
        assert under["line"]["dash"] == "dash"
    # the slice passes through the first path's end: there the two agree
    first = fig["data"][1]["y"][-1]
    assert first == pytest.approx(traces["sgd"].loss[-1], rel=1e-12)
    assert fig["layout"]["shapes"][0]["x0"] == 5


def test_filter_normalised_plane_goes_through_the_final_point():
    traces = classifier_runs()
    problem = traces["sgd"].problem
    plane = views.filter_plane(problem, traces, "zh")
    assert np.array_equal(plane.origin, traces["sgd"].params[-1]) and "随机方向" in plane.labels[0]
    assert_clean(views.landscape_figure(traces, plane, lang="zh"))


# --- the classifier ------------------------------------------------------------------------------------
def test_the_boundary_grid_is_the_networks_logits():
    trace = classifier_runs()["adam"]
    problem = trace.problem
    P = trace.params[[0, 30]]
    xs, ys, Z = views.boundary_grid(problem, P, resolution=9)
    assert Z.shape == (2, 9, 9)
    for i, j in [(0, 0), (8, 2), (4, 7)]:
        assert Z[1, j, i] == pytest.approx(problem.logits(P[1], np.array([[xs[i], ys[j]]]))[0], rel=1e-12)
    fig = assert_clean(views.boundary_figure(trace, cursor=30, resolution=9, frames=4))
    pct = np.rint(100 / (1 + np.exp(-Z[1]))).astype(np.uint8)
    assert np.array_equal(fig["data"][0]["z"], pct) and np.array_equal(fig["data"][1]["z"], pct)
    assert [f["name"] for f in fig["frames"]] == ["0", "10", "20", "30"]
    first, last = fig["frames"][0]["data"][0]["z"], fig["frames"][-1]["data"][0]["z"]
    assert np.array_equal(last, pct) and not np.array_equal(first, last)  # training moved the boundary
    acc = problem.accuracy(trace.params[30], "train")
    assert f"Step 30: accuracy {100 * acc:.0f}% train" in fig["layout"]["title"]["text"]
    assert fig["layout"]["sliders"][0]["active"] == 3
    with pytest.raises(ValueError, match="needs the MLP classifier"):
        views.boundary_figure(matrix_runs()["sgd"])


def test_curves_show_train_and_test_loss_and_accuracy():
    traces = classifier_runs()
    fig = assert_clean(views.curves_figure(traces, cursor=20, lang="zh"))
    test = views.on_test_split(traces["sgd"].problem)
    assert isinstance(test, MLP) and test.n == len(traces["sgd"].problem.data.y_test)
    train_loss, test_loss, train_acc, test_acc = fig["data"][:4]
    sgd = traces["sgd"]
    np.testing.assert_array_equal(train_loss["y"], sgd.loss[train_loss["x"]])
    np.testing.assert_array_equal(test_loss["y"], test.loss(sgd.params[test_loss["x"]]))
    np.testing.assert_array_equal(
        test_acc["y"], 100 * sgd.problem.accuracy(sgd.params[test_acc["x"]], "test")
    )
    assert train_acc["yaxis"] == "y2" and fig["layout"]["yaxis2"]["range"] == [0, 101]
    assert fig["layout"]["title"]["text"] == "训练曲线"


def test_chunked_accuracy_is_the_problems_accuracy(monkeypatch):
    trace = classifier_runs()["adam"]
    expected = trace.problem.accuracy(trace.params, "train")
    monkeypatch.setattr(views, "ACCURACY_CHUNK_FLOATS", 1000)  # a few configurations per chunk
    assert np.array_equal(views.accuracy(trace.problem, trace.params, "train"), expected)


# --- per block and singular values ---------------------------------------------------------------------
def test_per_block_norms_are_the_blocks_weights_and_updates():
    trace = classifier_runs()["adam"]
    layout = trace.problem.layout
    fig = assert_clean(views.layers_figure(trace, cursor=7))
    assert len(fig["data"]) == 3 * len(layout.blocks)
    w1, w1_update, w1_effective = fig["data"][:3]
    assert w1["name"] == "W1" and (w1_update["yaxis"], w1_effective["yaxis"]) == ("y2", "y3")
    W = layout.view(trace.params, "W1").reshape(trace.k + 1, -1)
    np.testing.assert_allclose(w1["y"], np.linalg.norm(W[w1["x"]], axis=1), rtol=1e-12)
    steps = w1_update["x"]
    assert steps[0] == 1
    update = np.linalg.norm(W[steps] - W[steps - 1], axis=1)
    np.testing.assert_allclose(w1_update["y"], update, rtol=1e-12)
    grad = np.linalg.norm(layout.view(trace.grads, "W1").reshape(trace.k, -1)[steps - 1], axis=1)
    np.testing.assert_allclose(w1_effective["y"], update / grad, rtol=1e-12)
    assert [s["xref"] for s in fig["layout"]["shapes"]] == ["x", "x2", "x3"]


def test_the_effective_step_of_plain_sgd_is_its_learning_rate_in_every_block():
    trace = classifier_runs()["sgd"]
    series = views.block_norms(trace)
    for name, values in series.effective.items():
        np.testing.assert_allclose(values, trace.hparams["learning_rate"], rtol=1e-9, err_msg=name)
    adam = views.block_norms(classifier_runs()["adam"]).effective
    assert np.ptp([v[-1] for v in adam.values()]) > 0.01  # Adam rescales each block differently


def test_singular_values_over_the_steps_with_the_targets():
    traces = matrix_runs()
    problem = traces["sgd"].problem
    fig = assert_clean(views.singular_values_figure(traces, cursor=40))
    r = len(problem.target_singular_values)
    assert len(fig["data"]) == r
    top = fig["data"][0]
    np.testing.assert_allclose(top["y"], problem.singular_values(traces["sgd"].params[top["x"]])[:, 0])
    targets = sorted(s["y0"] for s in fig["layout"]["shapes"] if s["xref"] == "paper")
    np.testing.assert_allclose(targets, sorted(problem.target_singular_values))
    # gradient descent from a small start learns the largest value first
    at = problem.singular_values(traces["sgd"].params[20])
    assert at[0] > 0.5 * problem.target_singular_values[0] and at[3] < 0.1
    assert_clean(views.landscape_figure(traces, views.pca_plane(traces)))
    assert_clean(views.curves_figure(traces))


# --- budget and URL state -----------------------------------------------------------------------------
def test_budget_counts_the_networks_step_cost_and_the_views():
    problem = SCENES["classifier"](hidden="16-16", n=1000)
    units = step_units(problem, None)
    assert units > budget.RUN_STEP  # a 16-16 MLP on 800 points is more than the runner's overhead
    plain = budget.work(100, runs=2)
    assert budget.work(100, runs=2, step_units=units, fixed=5e6) == pytest.approx(plain + 200 * units + 5e6)
    config = dataclasses.replace(
        ns.default_network_config(), scene_values=SCENES["classifier"].values({"hidden": "16-16", "n": 1000}),
        optimizers=("sgd", "adam", "nadam"), learning_rates={"sgd": 0.5, "adam": 0.03, "nadam": 0.002},
        steps=3000,
    )  # fmt: skip
    allowed, warning = ns.budget_net_steps(config)
    assert 100 < allowed < 3000 and warning.code == "over_budget"
    load = ns.network_load(config.scene, config.scene_values, config.optimizers, None)
    assert budget.work(allowed, n=800, **load) <= budget.WORK_BUDGET < budget.work(allowed + 1, n=800, **load)


def _configs():
    yield ns.default_network_config()
    for key in SCENES:
        yield ns.default_network_config(key)
    yield dataclasses.replace(
        ns.default_network_config(), scene_values=SCENES["classifier"].values({"data": "spiral", "noise": 0.25}),
        optimizers=("adam", "lion", "sgd"), learning_rates={"adam": 0.05, "lion": 3e-4, "sgd": 2.0},
        steps=150, batch_size=16, seed=7, plane="random", focus="lion", cursor=42,
    )  # fmt: skip


@pytest.mark.parametrize("config", list(_configs()))
def test_url_round_trip(config):
    encoded = ns.encode_networks(config)
    parsed, warnings = ns.parse_networks(encoded)
    assert warnings == [] and parsed == config
    assert all(ns.is_networks_key(k) for k in encoded)
    assert ns.networks_url(config).startswith("/networks?scene=")


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ({"scene": "cnn"}, ["unknown_choice"]),
        ({"scene.data": "ring", "scene.n": "5"}, ["unknown_choice", "clamped"]),
        ({"opts": "sgd,nope,adam,lion,nadam"}, ["unknown_key", "unknown_key"]),
        ({"sgd.learning_rate": "inf", "steps": "x"}, ["not_finite", "not_a_number"]),
        ({"scene": "matrix", "batch": "4"}, ["not_for_problem"]),
        (
            {"cursor": "-3", "plane": "pcb", "focus": "lion", "zz": "1"},
            ["unknown_choice", "unknown_choice", "clamped", "unknown_key"],
        ),
        ({"scene.n": ["300", "400"]}, ["repeated"]),
        ({"steps": "9" * 70}, ["too_long"]),
    ],
)
def test_bad_links_are_fixed_and_said(query, codes):
    config, warnings = ns.parse_networks(query)
    assert sorted(w.code for w in warnings) == sorted(codes)
    assert ns.parse_networks(ns.encode_networks(config)) == (config, [])


def test_a_link_never_raises_on_garbage():
    for junk in [None, 3, [], {"scene": None}, {1: "x"}, {"opts": ""}, {"batch": "full"}, {"cursor": "end"}]:
        config, _ = ns.parse_networks(junk)
        assert isinstance(config, ns.NetworkConfig) and config.optimizers


# --- presentation mode ------------------------------------------------------------------------------
def test_a_projector_slice_keeps_only_the_percentage_of_its_axis_titles():
    """The vertical title of a projector's short slice ran over the legend and ticks: only its share stays."""
    assert views.short_axis_title(optviz.i18n.t("net.pc", "en", i=2, share="24")) == "PC2 (24%)"
    assert views.short_axis_title(optviz.i18n.t("net.pc", "zh", i=2, share="24")) == "主成分 2（24%）"
    assert views.short_axis_title(optviz.i18n.t("net.dir", "en", i=1)) == "random direction 1"
    assert views.short_axis_title(optviz.i18n.t("net.dir", "zh", i=1)) == "随机方向 1"
    assert views.short_axis_title("w[1] - c") == "w[1] - c"
    fig = views.landscape_figure(classifier_runs(), views.pca_plane(classifier_runs()), presentation=True)
    normal = views.landscape_figure(classifier_runs(), views.pca_plane(classifier_runs()))
    for axis in ("xaxis", "yaxis"):
        assert fig.layout[axis].title.text == views.short_axis_title(normal.layout[axis].title.text)
        assert fig.layout[axis].title.text.endswith("%)") and "spread" in normal.layout[axis].title.text


def test_a_fitted_legend_above_the_plot_gets_the_rows_it_needs():
    """ui.fit_height(legend_above=True): the legend moves from under the plot to above it, and the top
    margin grows by one row per row of entries (two optimizers and the start fit one row in English;
    Chinese names, or a third optimizer, take two)."""
    from webui import ui

    def fitted(names: list[str]) -> tuple[Any, int]:
        fig = views.landscape_figure(classifier_runs(), views.pca_plane(classifier_runs()), presentation=True)
        for trace, name in zip(
            [t for t in fig.data if t.showlegend is not False and t.name], names, strict=False
        ):
            trace.name = name
        before = fig.layout.margin.t
        ui.fit_height(fig, ui.PRESENT_FIRST_SCREEN_HEIGHT, legend_above=True)
        return fig, fig.layout.margin.t - before

    for names, rows in ((["SGD", "Adam", "start"], 1), (["SGD（随机梯度下降）", "Adam", "起点"], 2)):
        fig, grown = fitted(names)
        assert fig.layout.showlegend is not False and fig.layout.legend.y == 1.0
        assert fig.layout.legend.yanchor == "bottom" and fig.layout.height == ui.PRESENT_FIRST_SCREEN_HEIGHT
        assert grown == ui.TITLE_CLEARANCE + rows * ui.LEGEND_ROW, (names, grown)
    fig = views.caveat_figure(classifier_runs(), views.pca_plane(classifier_runs()), presentation=True)
    ui.fit_height(fig, ui.PRESENT_FIRST_SCREEN_HEIGHT)
    assert fig.layout.showlegend is False  # without legend_above a legend under the plot goes
