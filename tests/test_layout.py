"""optviz.layout: blocks on a flat parameter vector, planes for views, and a 3-parameter problem
going through run, sweep, the CSV columns, the by-hand panel and the path chart unchanged."""

import numpy as np
import pytest
from test_plots import as_dict  # figures carry typed arrays: read them back as NumPy arrays

import optviz
from optviz.explain import by_hand, diagnose
from optviz.layout import Block, Layout, Plane
from optviz.plots import space
from optviz.problems import Problem


def test_blocks_lie_end_to_end_and_view_round_trips():
    layout = Layout.of({"W": (2, 3), "b": (2,), "s": ()})
    assert layout.size == 9 and layout.names == ("W", "b", "s")
    assert layout.coord_names == (
        "W[0,0]", "W[0,1]", "W[0,2]", "W[1,0]", "W[1,1]", "W[1,2]", "b[0]", "b[1]", "s",
    )  # fmt: skip
    assert [b.name for b in layout.matrices] == ["W"]
    assert layout.span("b") == slice(6, 8)
    P = np.arange(4 * 9, dtype=float).reshape(4, 9)
    W = layout.view(P, "W")
    assert W.shape == (4, 2, 3)
    np.testing.assert_array_equal(W[1], [[9, 10, 11], [12, 13, 14]])  # row-major, rows = outputs
    assert layout.view(P, "s").shape == (4,)
    parts = {name: layout.view(P, name) for name in layout.names}
    np.testing.assert_array_equal(layout.flatten(parts), P)
    # one point and a batch of configurations read the same way
    np.testing.assert_array_equal(layout.view(P[2], "b"), P[2, 6:8])


def test_flatten_broadcasts_a_shared_block():
    layout = Layout.of({"W": (2, 2), "b": ()})
    out = layout.flatten({"W": np.ones((3, 2, 2)), "b": np.array(5.0)})
    np.testing.assert_array_equal(out, np.tile([1, 1, 1, 1, 5.0], (3, 1)))


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: Layout((Block("a"), Block("a"))), "two blocks are named 'a'"),
        (lambda: Block("W", (2, 0)), "positive whole numbers"),
        (lambda: Block(""), "non-empty name"),
        (lambda: Layout(()), "at least one block"),
        (lambda: Layout.scalars("w", "b").view(np.zeros((4, 3)), "w"), r"shape \(\.\.\., 2\)"),
        (lambda: Layout.scalars("w", "b").view(np.zeros(2), "z"), "unknown block 'z'; allowed: w, b"),
        (lambda: Layout.of({"W": (2, 2), "b": ()}).flatten({"W": np.zeros((2, 2))}), "missing 'b'"),
        (lambda: Layout.of({"W": (2, 2)}).flatten({"W": np.zeros(4)}), r"shape \(2, 2\)"),
        (lambda: Plane(np.zeros(3), np.ones((2, 3)), ("u", "v")), "linearly independent"),
        (lambda: Plane(np.zeros(3), np.eye(2), ("u", "v")), "two directions"),
        (lambda: Plane.axes(Layout.scalars("x", "y"), 1, 1), "two different coordinates"),
    ],
)
def test_bad_layouts_and_planes_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("key", list(optviz.PROBLEMS))
def test_every_problem_declares_two_scalar_blocks_and_an_identity_plane(key):
    prob = optviz.PROBLEMS[key]()
    assert prob.layout.coord_names == tuple(prob.param_names) and prob.dim == 2
    assert not prob.layout.matrices
    plane = prob.plane
    assert plane.identity and plane.labels == tuple(prob.param_names)
    P = np.array([[1.5, -2.0], [np.inf, np.nan]])  # returned as is: not even inf * 0 can creep in
    assert plane.project(P) is P and plane.lift(P) is P


def test_a_general_plane_projects_and_lifts_consistently():
    rng = np.random.default_rng(0)
    origin, directions = rng.normal(size=5), rng.normal(size=(2, 5))  # not orthonormal
    plane = Plane(origin, directions, ("u", "v"))
    UV = rng.normal(size=(7, 3, 2))
    P = plane.lift(UV)
    assert P.shape == (7, 3, 5)
    np.testing.assert_allclose(P[2, 1], origin + UV[2, 1, 0] * directions[0] + UV[2, 1, 1] * directions[1])
    np.testing.assert_allclose(plane.project(P), UV, rtol=1e-12, atol=1e-12)
    # a point off the plane projects to its least-squares coordinates
    off = P[0, 0] + np.linalg.svd(directions)[2][-1]  # plus a direction orthogonal to the plane
    np.testing.assert_allclose(plane.project(off), UV[0, 0], atol=1e-12)
    with pytest.raises(ValueError):
        plane.origin[0] = 1.0  # shared by every chart of the problem: read-only


class Bowl3(Problem):
    """A test-only 3-parameter quadratic, a vector block w (2,) and a scalar b: loss sum a_i (p_i - c_i)^2."""

    key, name = "bowl3", "Bowl in three parameters"
    param_names = ("w[0]", "w[1]", "b")
    a, c = np.array([1.0, 4.0, 0.25]), np.array([1.0, -2.0, 3.0])

    def __init__(self):
        self.start = np.array([-2.0, 1.0, 0.5])
        self.window = ((-3.0, 3.0), (-3.0, 3.0))
        self.minima, self.min_loss, self.max_curvature = self.c[None, :], 0.0, 8.0

    @property
    def layout(self) -> Layout:
        return Layout.of({"w": (2,), "b": ()})

    def loss(self, P):
        d = np.asarray(P, dtype=float) - self.c
        return (self.a * d * d).sum(-1)

    def grad(self, P):
        return 2.0 * self.a * (np.asarray(P, dtype=float) - self.c)


def test_three_parameters_run_sweep_and_export_without_special_cases():
    prob = Bowl3()
    assert prob.dim == 3 and prob.layout.coord_names == prob.param_names
    kw = {"steps": 60, "grad_noise": 0.2, "seed": 4, "schedule": "cosine"}
    grid = {"learning_rate": [0.01, 0.05, 0.2], "beta1": [0.5, 0.9]}
    res = optviz.sweep("adam", prob, grid=grid, **kw)
    assert res.final_params.shape == (3, 2, 3)
    for i, lr in enumerate(grid["learning_rate"]):
        for j, b1 in enumerate(grid["beta1"]):
            tr = optviz.run("adam", prob, hparams={"learning_rate": lr, "beta1": b1}, **kw)
            assert tr.params.shape == (61, 3) and tr.grads.shape == (60, 3)
            assert tr.state["m"].shape == (60, 3)
            np.testing.assert_array_equal(res.final_params[i, j], tr.params[-1])
            assert res.final_loss[i, j] == tr.loss[-1]
    cols = tr.columns()
    assert list(cols)[:5] == ["step", "w[0]", "w[1]", "b", "loss"]
    assert {"grad_w[0]", "grad_w[1]", "grad_b", "m_b", "v_hat_b"} <= set(cols)
    np.testing.assert_array_equal(cols["b"], tr.params[:, 2])
    with pytest.raises(ValueError, match="start must be three finite numbers"):
        optviz.run("adam", prob, steps=3, start=(0.0, 0.0))
    assert len(optviz.run("sgd", prob, steps=3, start=(0.0, 0.0, 1.0)).params) == 4


def test_three_parameters_by_hand_and_diagnosis():
    tr = optviz.run("adam", Bowl3(), steps=20, hparams={"learning_rate": 0.1})
    work = by_hand(tr, 5)
    assert work.coords == ("w[0]", "w[1]", "b")
    last = work.lines[-1]
    assert last.target == "p" and len(last.numeric) == 3
    np.testing.assert_allclose(np.asarray(last.computed), tr.params[5], rtol=1e-12)
    assert r"\begin{aligned}" in work.latex(2)
    assert diagnose(tr)  # every finding is computed on D coordinates without error


def test_path_chart_of_three_parameters_draws_through_the_plane():
    prob = Bowl3()
    tr = optviz.run("momentum", prob, steps=30, hparams={"learning_rate": 0.05})
    fig = space.path_figure(tr).to_dict()
    assert fig["layout"]["xaxis"]["title"]["text"] == "w[0]"
    assert fig["layout"]["yaxis"]["title"]["text"] == "w[1]"
    # a plane through the optimum spanned by w[1] and b: the contour is the loss on that plane
    plane = Plane(prob.c, [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0]], ("w[1] - c", "b - c"))
    window = ((-2.0, 2.0), (-1.0, 1.0))
    xs, ys, Z = prob.contour_grid(5, window, plane)
    assert Z[3, 1] == pytest.approx(4.0 * xs[1] ** 2 + 0.25 * ys[3] ** 2, rel=1e-12)
    fig = as_dict(space.path_figure(tr, plane=plane, window=window))
    path = fig["data"][1]
    np.testing.assert_allclose(path["x"], tr.params[: len(path["x"]), 1] - prob.c[1], rtol=1e-6)
    np.testing.assert_allclose(path["y"], tr.params[: len(path["y"]), 2] - prob.c[2], rtol=1e-6)
    assert fig["layout"]["xaxis"]["title"]["text"] == "w[1] - c"
    optimum = next(d for d in fig["data"] if d.get("name") == "optimum")
    np.testing.assert_allclose([optimum["x"][0], optimum["y"][0]], [0.0, 0.0], atol=1e-12)
