"""Figure builders, tested on their JSON: traces, axes, ranges, colours, frames, no NaN."""

import numpy as np
import plotly.graph_objects as go
import pytest
from figdata import decode

import optviz
from optviz.plots import curves, data, internals, space, style


def as_dict(fig):
    return decode(fig.to_dict())


def walk_numbers(obj):
    """Every number in a figure dict (arrays included)."""
    if isinstance(obj, dict):
        for v in obj.values():
            yield from walk_numbers(v)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            yield from walk_numbers(v)
    elif isinstance(obj, np.ndarray):
        if obj.dtype.kind in "fiu":
            yield from obj.ravel().astype(float)
    elif isinstance(obj, (int, float)) and not isinstance(obj, bool):
        yield float(obj)


def assert_clean(fig):
    """Valid Plotly (full validation) and no NaN or infinity anywhere."""
    go.Figure(fig.to_dict())  # raises on any invalid property
    d = as_dict(fig)
    values = np.fromiter(walk_numbers(d), float)
    assert np.isfinite(values).all()
    return d


@pytest.fixture(scope="module")
def adam():
    return optviz.run(
        "adam", optviz.PROBLEMS["linear_regression"](), steps=100, hparams={"learning_rate": 0.01}
    )


@pytest.fixture(scope="module")
def long_run():
    return optviz.run("adam", "linear_regression", steps=5000, hparams={"learning_rate": 0.01})


def test_optimizer_colours_are_distinct_and_stable():
    colours = [style.optimizer_color(k) for k in optviz.OPTIMIZERS]
    assert len(set(colours)) == len(colours)
    assert style.optimizer_color("adam") == style.PALETTE[list(optviz.OPTIMIZERS).index("adam")]
    assert style.optimizer_color("not-an-optimizer") == style.FALLBACK_COLOR


def test_presentation_mode_leaves_the_shared_styles_alone(adam):
    """Scaling a projector figure's lines once per figure: the contour style is shared by every path
    figure, and scaling it in place doubled every later figure's contour lines, in every session."""
    widths = [
        as_dict(space.path_figure(adam, presentation=True))["data"][0]["line"]["width"] for _ in range(3)
    ]
    normal = as_dict(space.path_figure(adam))["data"][0]["line"]["width"]
    assert widths == [normal * style.PRESENT_SCALE] * 3
    assert normal == style.LOSS_CONTOUR["line"]["width"] == 0.5


def test_presentation_mode_enlarges_fonts_lines_and_height(adam):
    normal, big = as_dict(curves.loss_figure(adam)), as_dict(curves.loss_figure(adam, presentation=True))
    assert normal["layout"]["font"]["size"] == style.FONT_SIZE
    assert big["layout"]["font"]["size"] == style.PRESENT_FONT_SIZE
    assert big["data"][0]["line"]["width"] == normal["data"][0]["line"]["width"] * style.PRESENT_SCALE
    assert big["layout"]["height"] > normal["layout"]["height"]
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1], line={"width": 3}, marker={"size": 5}))
    fig = style.apply_style(fig, presentation=True)
    assert (fig.data[0].line.width, fig.data[0].marker.size) == (6, 10)


@pytest.mark.parametrize(
    ("k", "cap"), [(10, 11), (1499, 1500), (5000, style.MAX_POINTS), (100_000, style.MAX_POINTS)]
)
def test_display_indices(k, cap):
    idx = style.display_indices(k, include=(1234 % (k + 1),))
    assert idx[0] == 0 and idx[-1] == k and np.all(np.diff(idx) > 0)
    assert len(idx) <= cap and 1234 % (k + 1) in idx


def test_path_figure(adam):
    fig = space.path_figure(adam, cursor=40)
    d = assert_clean(fig)
    kinds = [t["type"] for t in d["data"]]
    assert kinds[0] == "contour" and kinds.count("scatter") == len(kinds) - 1
    contour = d["data"][0]
    assert all(text.startswith("10<sup>") for text in contour["colorbar"]["ticktext"])
    assert contour["colorbar"]["tickvals"] == sorted(contour["colorbar"]["tickvals"])
    path, arrows = (d["data"][i] for i in space.PATH_TRACES)
    assert path["mode"] == "lines" and "marker" not in path  # no drawn element per step
    assert arrows["marker"]["symbol"] == "arrow" and arrows["marker"]["angleref"] == "previous"
    # every arrow follows a size-0 copy of the point before it, so it points along the path; the head last
    size = np.asarray(arrows["marker"]["size"])
    assert len(size) <= 2 * (space.ARROWS + 1) and not size[0::2].any() and size[1::2].min() > 0
    assert size[-1] > size[1]
    xy = adam.params[:41].astype(np.float32)
    np.testing.assert_array_equal(arrows["x"][-2:], xy[-2:, 0])
    np.testing.assert_array_equal(arrows["y"][-2:], xy[-2:, 1])
    # the path up to the cursor, sent as float32 (finer than a screen shows)
    np.testing.assert_array_equal(path["x"], adam.params[:41, 0].astype(np.float32))
    names = [t.get("name") for t in d["data"]]
    assert "start" in names and "optimum" in names and "step 40" in names
    cursor = d["data"][names.index("step 40")]
    assert (cursor["x"][0], cursor["y"][0]) == tuple(adam.params[40])
    for axis in ("xaxis", "yaxis"):
        assert d["layout"][axis]["autorange"] is False and len(d["layout"][axis]["range"]) == 2
    # animation: frames touch only the path trace, the last frame is the path up to the cursor
    frames = d["frames"]
    assert 2 <= len(frames) <= space.MAX_FRAMES
    assert all(f["traces"] == list(space.PATH_TRACES) and len(f["data"]) == 2 for f in frames)
    assert frames[-1]["name"] == "40" and len(frames[-1]["data"][0]["x"]) == 41
    menu = d["layout"]["updatemenus"][0]["buttons"]
    assert [b["method"] for b in menu] == ["animate", "animate"]
    assert [s["label"] for s in d["layout"]["sliders"][0]["steps"]] == [f["name"] for f in frames]


def test_loss_contours_are_opaque_viridis_faded_over_white(adam):
    """The contours look as reversed Viridis at opacity 0.85 over the white plot, drawn with opaque colours
    (a translucent trace costs the browser a blended layer on every redraw)."""
    scale = style.LOSS_CONTOUR["colorscale"]
    viridis = [(0, "#440154"), (16 / 255, "#48186a"), (240 / 255, "#d8e219"), (1, "#fde725")]
    expected = {  # position in the reversed scale -> 0.85 * colour + 0.15 * white, rounded
        1 - at: "rgb({},{},{})".format(*(round(0.85 * int(c[j : j + 2], 16) + 0.15 * 255) for j in (1, 3, 5)))
        for at, c in viridis
    }
    assert len(scale) == 17 and [at for at, _ in scale] == sorted(at for at, _ in scale)
    assert (scale[0][0], scale[-1][0]) == (0, 1)
    got = {round(at, 12): c for at, c in scale}
    assert all(got[round(at, 12)] == c for at, c in expected.items())
    assert scale[0][1] == "rgb(253,235,70)" and scale[-1][1] == "rgb(96,39,110)"  # #fde725 and #440154
    contour = assert_clean(space.path_figure(adam, cursor=40))["data"][0]
    assert contour.get("opacity", 1) == 1 and not contour.get("reversescale")
    assert [list(x) for x in contour["colorscale"]] == [list(x) for x in scale]


def test_path_figure_downsamples_long_runs(long_run):
    d = as_dict(space.path_figure(long_run))
    assert len(d["data"][1]["x"]) <= style.MAX_POINTS
    *frames, last = d["frames"]
    assert all(len(f["data"][0]["x"]) <= space.FRAME_POINTS for f in frames)
    # playback ends on the static path: the last frame is the whole run at full display detail
    np.testing.assert_array_equal(last["data"][0]["x"], d["data"][1]["x"])


def test_saddle_contours_are_shifted_and_finite():
    trace = optviz.run("sgd", "saddle", steps=50, hparams={"learning_rate": 0.05})
    assert trace.loss.min() < 0
    surface = space.log_loss(trace.problem, trace.problem.window)
    assert surface.shift < 0 and np.isfinite(surface.z).all()
    d = assert_clean(space.path_figure(trace))
    assert "shifted" in d["data"][0]["colorbar"]["title"]["text"]
    assert "optimum" not in [t.get("name") for t in d["data"]]


def test_window_grows_to_show_the_path_but_is_bounded():
    problem = optviz.PROBLEMS["rosenbrock"]()
    (x0, x1), (y0, y1) = space.plot_window(problem, np.array([[-1.2, 1.0], [3.5, 1.0], [1e9, 1e9]]))
    assert x1 >= 3.5 and x1 <= 2 + 2 * 4 and y1 <= 3 + 2 * 4


def test_loss_figure(adam):
    d = assert_clean(curves.loss_figure(adam, cursor=30))
    assert d["layout"]["yaxis"]["type"] == "log"
    ref = [t for t in d["data"] if t["name"].startswith("optimum loss")][0]
    assert ref["y"] == [adam.problem.min_loss] * 2
    shapes = d["layout"]["shapes"]
    assert any(s["x0"] == 30 for s in shapes)


def test_loss_figure_marks_divergence_and_convergence():
    bad = optviz.run("sgd", "linear_regression", steps=100, hparams={"learning_rate": 1.5})
    d = assert_clean(curves.loss_figure(bad))
    assert bad.diverged_at is not None
    assert f"diverged at step {bad.diverged_at}" in [t["name"] for t in d["data"]]
    assert any(s["x0"] == bad.diverged_at and s["line"]["dash"] == "dash" for s in d["layout"]["shapes"])
    good = optviz.run("sgd", "linear_regression", steps=200, hparams={"learning_rate": 0.5})
    names = [t["name"] for t in as_dict(curves.loss_figure(good))["data"]]
    assert f"converged at step {good.converged_at}" in names


def test_loss_axis_is_linear_when_loss_goes_negative():
    trace = optviz.run("sgd", "saddle", steps=200, hparams={"learning_rate": 0.05})
    assert trace.loss.min() < 0
    assert as_dict(curves.loss_figure(trace))["layout"]["yaxis"]["type"] == "linear"


def test_data_figure_with_minibatch():
    problem = optviz.PROBLEMS["linear_regression"](n=50)
    trace = optviz.run("sgd", problem, steps=20, batch_size=8, seed=3)
    d = assert_clean(data.data_figure(trace, cursor=7, true_line=(3.0, 4.0)))
    batch = [t for t in d["data"] if t["name"].startswith("minibatch")][0]
    idx = problem.batch_indices(6, 8, 3)
    np.testing.assert_array_equal(batch["x"], problem.x[idx])
    fit = [t for t in d["data"] if t["name"].startswith("model at step 7")][0]
    w, b = trace.params[7]
    np.testing.assert_allclose(fit["y"], w * np.asarray(fit["x"]) + b)
    true = [t for t in d["data"] if t["name"].startswith("true line")][0]
    np.testing.assert_allclose(true["y"], 3.0 * np.asarray(true["x"]) + 4.0)
    assert len(d["data"][0]["x"]) == 50


def test_data_figure_rejects_test_functions():
    with pytest.raises(ValueError):
        data.data_figure(optviz.run("sgd", "booth", steps=3))


@pytest.mark.parametrize("opt", list(optviz.OPTIMIZERS))
def test_internals_panels_follow_the_registry(opt):
    trace = optviz.run(opt, "rosenbrock", steps=30, hparams={"learning_rate": 1e-4})
    d = assert_clean(internals.internals_figure(trace, cursor=10))
    declared = [v for v in optviz.OPTIMIZERS[opt].all_state if not v.packed]  # matrices are not drawn
    yaxes = [k for k in d["layout"] if k.startswith("yaxis")]
    assert len(yaxes) == 2 + len(declared)
    per_coord = sum(2 if v.per_coordinate else 1 for v in declared)
    assert len(d["data"]) == 2 * 2 + per_coord
    titles = [a["text"] for a in d["layout"]["annotations"]]
    for v in declared:
        assert any(text.startswith(f"<b>{v.name}</b>") for text in titles)
    assert d["layout"]["shapes"][0]["x0"] == 10


def test_internals_are_sent_as_float32_unless_a_value_would_be_lost(adam):
    """Half the bytes of the chart that follows every slider notch, each value the run's to float32's 7
    digits; a series with a value float32 cannot hold (beyond 1e30, below 1e-30) keeps float64."""
    grad = internals.internals_figure(adam).to_dict()["data"][0]
    assert grad["y"]["dtype"] == "f4"
    np.testing.assert_array_equal(decode(grad)["y"], adam.grads[:, 0].astype(np.float32))
    tiny, huge = np.array([1e-40, 0.5, 2.0]), np.array([-1e31, 1.0])
    assert style.screen_floats(tiny) is tiny and style.screen_floats(huge) is huge
    assert style.screen_floats(np.array([0.0, -3e-7, 4e12])).dtype == np.float32


def test_internals_log_axis_for_positive_wide_series(adam):
    d = as_dict(internals.internals_figure(adam))
    series = [s.name for s in internals.internal_series(adam)]
    types = {
        name: d["layout"]["yaxis" if i == 0 else f"yaxis{i + 1}"]["type"] for i, name in enumerate(series)
    }
    assert types["v"] == "log" and types["grad"] == "linear"


def test_surface_figure(adam):
    d = assert_clean(space.surface_figure(adam, cursor=5))
    assert [t["type"] for t in d["data"]] == ["surface", "scatter3d", "scatter3d"]


def test_chart_bytes_at_5000_steps(long_run):
    import plotly.io as pio

    total = sum(
        len(pio.to_json(f, validate=False))
        for f in (
            space.path_figure(long_run),
            curves.loss_figure(long_run),
            data.data_figure(long_run),
            internals.internals_figure(long_run),
        )
    )
    assert total < 1_500_000


@pytest.mark.parametrize("problem", [p for p in optviz.PROBLEMS if p != "linear_regression"])
def test_test_functions_share_one_scale_on_both_axes(problem):
    trace = optviz.run("adam", problem, steps=20)
    layout = space.path_figure(trace).layout
    assert (layout.yaxis.scaleanchor, layout.yaxis.scaleratio) == ("x", 1)
    # shrink the box, not stretch the range past the contours
    assert layout.xaxis.constrain == layout.yaxis.constrain == "domain"


def test_regression_axes_keep_their_own_scales():
    layout = space.path_figure(optviz.run("adam", "linear_regression", steps=20)).layout
    assert layout.yaxis.scaleanchor is None and layout.yaxis.scaleratio is None


def test_start_from_click_clamps_to_the_window_and_rounds_to_a_300th_of_it():
    """A click on a path chart (issue 14) gives the start point under the pointer, in short numbers;
    anything else gives None."""
    window = ((-2.0, 2.0), (-1.0, 3.0))
    x, y = space.start_from_click({"x": -2 + 0.3 * 4 + 1e-7, "y": 5.0, "at": 1}, window)
    assert x == -0.8 and y == 3.0  # rounded to 0.01 (4 / 300 = 0.013), clamped to the window's top
    assert space.start_from_click({"x": 1.23456, "y": -0.98765}, window) == (1.23, -0.99)
    assert space.start_from_click({"x": 1234.5678, "y": 0.0}, ((1000.0, 2000.0), (0.0, 1.0))) == (1235.0, 0.0)
    tiny = space.start_from_click({"x": 1.234567e-3, "y": 0.5}, ((0.0, 0.01), (0.0, 1.0)))
    assert tiny == (0.00123, 0.5) and len(repr(tiny[0])) <= 7
    for junk in (None, {}, {"x": "nan", "y": 1}, {"x": float("inf"), "y": 0}, {"x": "a", "y": 1}, [1, 2]):
        assert space.start_from_click(junk, window) is None


def test_clickable_charts_say_so_in_the_contour_hover_and_draw_no_grid():
    from optviz.plots.compare import overlay_figure

    trace = optviz.run("adam", "rosenbrock", steps=20)
    for lang, hint in (("en", "click to start here"), ("zh", "点击：从这里出发")):
        fig = as_dict(space.path_figure(trace, clickable=True, lang=lang))
        assert hint in fig["data"][0]["hovertemplate"]
        assert hint not in as_dict(space.path_figure(trace, lang=lang))["data"][0]["hovertemplate"]
        assert all(
            tr.get("mode") != "markers" or len(tr["x"]) <= 2 * (space.ARROWS + 1) for tr in fig["data"]
        )
        overlay = as_dict(overlay_figure({"adam": trace}, clickable=True, lang=lang))
        assert hint in overlay["data"][0]["hovertemplate"]
        assert max(len(tr.get("x", ())) for tr in overlay["data"][1:]) <= len(trace.params)
