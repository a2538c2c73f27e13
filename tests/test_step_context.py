"""The step context: an optimizer that declares ``uses_context`` gets the layout, the step number and
the gradient at another point on this step's minibatch, identically in run, sweep and compare."""

import math

import numpy as np
import pytest

import optviz
from optviz.compare import compare, learning_rate_scan
from optviz.optimizers.base import Optimizer, StepContext, learning_rate, scalar, with_context
from optviz.spec import Param, StateVar

EPS = 1e-12  # keeps the ascent direction defined at a zero gradient


def sam_like(seen: list | None = None) -> Optimizer:
    """A test-only SAM step: ascend rho along the normalised gradient, descend with the gradient there."""

    def init(p, hp):
        return np.zeros_like(p), scalar(p)

    def update(g, state, p, t, lr, hp, *, ctx):
        if seen is not None:
            seen.append((ctx.t, t, ctx.layout))
        norm = np.sqrt((g * g).sum(-1, keepdims=True))
        e = hp["rho"] * g / (norm + EPS)
        return p - lr * ctx.grad_at(p + e), (e, scalar(p, ctx.t))

    return Optimizer(
        key="test_sam", name="SAM (test)", family="frontier", paper="test", year=2020, reference="test",
        hparams=(learning_rate(0.1), Param("rho", 0.05, 0.0, 10.0)),
        state=(StateVar("e", "ascent step"), StateVar("t_seen", "ctx.t", per_coordinate=False)),
        latex="", init=init, update=update, uses_context=True,
    )  # fmt: skip


def minibatch_grad(prob, p, i, batch_size, seed):
    """The regression's gradient on step i's minibatch, from the data points themselves."""
    idx = prob.batch_indices(i, batch_size, seed)
    x, y = prob.x[idx], prob.y[idx]
    r = p[0] * x + p[1] - y
    return np.array([2.0 * np.mean(r * x), 2.0 * np.mean(r)])


def test_sam_like_step_matches_a_hand_computation_on_minibatches():
    prob = optviz.PROBLEMS["linear_regression"](n=40, seed=1)
    steps, batch, seed, noise_std, lr, rho = 15, 8, 2, 0.3, 0.1, 0.05
    seen = []
    tr = optviz.run(
        sam_like(seen), prob, steps=steps, hparams={"learning_rate": lr, "rho": rho},
        batch_size=batch, grad_noise=noise_std, seed=seed,
    )  # fmt: skip
    # the step's noise draw, as the runner documents it: shared by g and by the ascent point's gradient
    noise = noise_std * np.random.default_rng([seed, 1]).standard_normal((steps, 2))
    p = prob.start.copy()
    for i in range(steps):
        g = minibatch_grad(prob, p, i, batch, seed) + noise[i]
        e = rho * g / (math.sqrt(g @ g) + EPS)
        g_sam = minibatch_grad(prob, p + e, i, batch, seed) + noise[i]
        np.testing.assert_allclose(tr.grads[i], g, rtol=1e-12)  # the recorded g is at p, not at p + e
        np.testing.assert_allclose(tr.state["e"][i], e, rtol=1e-12)
        p = p - lr * g_sam
        np.testing.assert_allclose(tr.params[i + 1], p, rtol=1e-12)
    # the minibatch matters: the full-batch gradient at p + e would give another path
    full = optviz.run(sam_like(), prob, steps=steps, hparams={"learning_rate": lr, "rho": rho})
    assert np.abs(full.params[-1] - tr.params[-1]).max() > 1e-3
    assert [s[0] for s in seen] == [s[1] for s in seen] == list(range(1, steps + 1))
    assert all(s[2] is prob.layout for s in seen) and seen[0][2].coord_names == ("w", "b")
    np.testing.assert_array_equal(tr.state["t_seen"], np.arange(1, steps + 1))


@pytest.mark.parametrize("kw", [{"batch_size": 7, "grad_noise": 0.5, "seed": 3}, {"schedule": "cosine"}])
def test_sweep_cells_of_a_context_optimizer_equal_their_runs_bit_for_bit(kw):
    prob = optviz.PROBLEMS["linear_regression"](n=60)
    opt = sam_like()
    grid = {"learning_rate": [0.03, 0.1, 0.5], "rho": [0.0, 0.05, 0.3]}
    res = optviz.sweep(opt, prob, steps=40, grid=grid, **kw)
    for i, lr in enumerate(grid["learning_rate"]):
        for j, rho in enumerate(grid["rho"]):
            tr = optviz.run(opt, prob, steps=40, hparams={"learning_rate": lr, "rho": rho}, **kw)
            np.testing.assert_array_equal(res.final_params[i, j], tr.params[-1])
            assert res.final_loss[i, j] == tr.loss[-1] and res.best_loss[i, j] == tr.loss.min()


def test_compare_and_the_learning_rate_scan_pass_the_context(monkeypatch):
    opt = sam_like()
    monkeypatch.setitem(optviz.OPTIMIZERS, opt.key, opt)
    kw = {"steps": 30, "batch_size": 10, "seed": 1}
    traces = compare(
        {"sgd": {"learning_rate": 0.1}, opt.key: {"learning_rate": 0.1}}, "linear_regression", **kw
    )
    alone = optviz.run(opt, "linear_regression", hparams={"learning_rate": 0.1}, **kw)
    np.testing.assert_array_equal(traces[opt.key].params, alone.params)
    scan = learning_rate_scan(opt.key, "linear_regression", learning_rates=[0.1], **kw)
    assert scan.final_loss[0] == alone.loss[-1]


#: Optimizers whose rules act per tensor of the layout (optviz/optimizers/structured.py and
#: preconditioned.py; L-BFGS reads the loss at its line search's trial points).
STRUCTURED = {"muon", "lamb", "lars", "adafactor", "shampoo", "soap", "lbfgs"}


def test_optimizers_without_context_keep_their_own_update():
    """No wrapper (and no cost per step) for the elementwise optimizers; a context one is wrapped
    (the matrix preconditioners read the layout)."""
    layout = optviz.PROBLEMS["booth"]().layout
    for opt in optviz.OPTIMIZERS.values():  # only the structure-aware ones read the context
        assert (with_context(opt, layout, None) is opt.update) == (not opt.uses_context), opt.key
        assert opt.uses_context == (opt.key in STRUCTURED), opt.key
    calls = []
    wrapped = with_context(sam_like(), layout, lambda P, i: calls.append(i) or np.zeros_like(P))
    p, (e, t_seen) = wrapped(np.array([3.0, 4.0]), None, np.array([1.0, 1.0]), 5, 0.1, {"rho": 1.0})
    assert calls == [4]  # step 5 asks for the gradient of 0-based step 4
    np.testing.assert_allclose(e, [0.6, 0.8])
    assert t_seen.tolist() == [5.0]
    ctx = StepContext(layout, 2, lambda P, i: P * i)
    np.testing.assert_array_equal(ctx.grad_at(np.array([2.0, 3.0])), [2.0, 3.0])
