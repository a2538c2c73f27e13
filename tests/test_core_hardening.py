"""Issue 10, core half: each reproduction an adversarial visitor found, as a regression test.

Formulas finite only on lines, starts rounded onto a singularity, symbolic differentiation without
a budget, minibatches that cost O(n) per step, parameters leaving the box without a divergence, and
the minor messages that named the wrong reason.
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import optviz
from optviz import app_state, budget, formula
from optviz.formula import FormulaError, compile_formula
from optviz.i18n import strings, t
from optviz.plots import space

LINES_ONLY = "x+y+log(1e-30-x**2*y**2)"  # finite only where x*y = 0


def _nested_abs(depth: int) -> str:
    text = "x"
    for _ in range(depth):
        text = f"abs(y-{text})"
    return text


# --- 1. a formula finite only on lines ------------------------------------------------------------
def test_a_formula_finite_only_on_lines_is_rejected_with_a_code():
    with pytest.raises(FormulaError) as info:
        compile_formula(LINES_ONLY)
    assert info.value.code == "sparse"
    assert "%" in str(info.value)
    assert t("custom.formula.sparse", "zh", **info.value.fields) != str(info.value)


def test_the_finiteness_check_uses_the_view_grids(monkeypatch):
    """Finite on 2% of the 101-point probe grid (its x = 0 and y = 0 lines) but on none of the chart
    grids (an even number of points has no 0): rejected even when any finite fraction would do."""
    monkeypatch.setattr(formula, "MIN_FINITE_FRACTION", 1e-9)
    with pytest.raises(FormulaError) as info:
        compile_formula(LINES_ONLY)
    assert info.value.code == "sparse"
    assert space.CONTOUR_RESOLUTION in formula.VIEW_RESOLUTIONS
    assert space.SURFACE_RESOLUTION in formula.VIEW_RESOLUTIONS


def test_log_loss_says_not_finite_instead_of_raising():
    """A window where the loss is finite nowhere (a visitor can pan there): a flat, marked surface."""
    p = compile_formula("sqrt(x) + y**2")
    window = ((-3.0, -1.0), (0.0, 1.0))
    surface = space.log_loss(p, window, 40)
    assert not surface.defined and np.isfinite(surface.z).all() and surface.shift == 0
    trace = optviz.run("sgd", p, steps=3)
    for fig in (
        space.path_figure(trace, window=window),
        space.surface_figure(trace, window=window),
    ):
        text = fig.to_json()
        assert "NaN" not in text and "Infinity" not in text
        assert t("plot.not_finite", "en") in text


# --- 2. starts rounded onto a singularity -----------------------------------------------------------
@pytest.mark.parametrize(
    "text, window",
    [("asin(x*y)", None), ("acos(x*y)", None), ("1/x+y**2", ((-1e-12, 1e-12), (0.0, 1.0)))],
)
def test_the_start_is_usable_after_rounding_and_after_pickling(text, window):
    p = compile_formula(text, window=window)
    assert np.isfinite(p.loss(p.start)) and np.isfinite(p.grad(p.start)).all()
    q = pickle.loads(pickle.dumps(p))  # st.cache_data pickles the problem
    np.testing.assert_array_equal(q.start, p.start)
    assert q.window == p.window
    a = optviz.run("sgd", p, steps=5, hparams={"learning_rate": 1e-6})
    b = optviz.run("sgd", q, steps=5, hparams={"learning_rate": 1e-6})
    np.testing.assert_array_equal(a.params, b.params)  # the cached copy behaves identically
    if text != "1/x+y**2":  # 1/x near 0 has a gradient of 1e24: a first step leaving the box is fair
        assert a.diverged_at is None


# --- 3. symbolic differentiation has a budget -----------------------------------------------------
def test_deeply_nested_abs_is_refused_before_sympy():
    text = _nested_abs(19)
    assert len(text) == 134
    with pytest.raises(FormulaError) as info:
        formula.parse_formula(text)  # the bound is decided on the parsed tree, before any SymPy work
    assert info.value.code == "abs_nesting"
    assert info.value.fields["limit"] == formula.MAX_ABS_NESTING
    compile_formula(_nested_abs(formula.MAX_ABS_NESTING))  # the limit itself is allowed


BRANCH = "abs(x*y-abs(2*y-sqrt(x+sqrt(y+sqrt(y*(x*y-abs(y**2+atan(2*y-tanh(y*x)))))))))"
MIXED_NESTING = BRANCH + "+" + BRANCH.replace("2*y", "3*y")  # abs of sqrt of ...: 4 abs levels at most


def test_sympy_work_has_a_hard_time_budget(monkeypatch):
    """abs of sqrt of ... (each level within the abs bound) kept SymPy busy for 25 s: now it is
    stopped at SYMBOLIC_BUDGET_S of CPU, or rejected earlier for the gradient's size."""
    formula._compiled.cache_clear()
    with pytest.raises(FormulaError) as info:
        compile_formula(MIXED_NESTING)
    assert info.value.code in ("symbolic_too_slow", "gradient_too_big")
    monkeypatch.setattr(formula, "SYMBOLIC_BUDGET_S", 0.0)
    formula._compiled.cache_clear()
    with pytest.raises(FormulaError) as info:
        compile_formula(BRANCH.replace("2*y", "7*y"))  # 0.1-0.3 s of SymPy work: well past 0 s
    assert info.value.code == "symbolic_too_slow" and "0 s" in str(info.value)
    monkeypatch.setattr(formula, "SYMBOLIC_BUDGET_S", 5.0)
    for _ in range(20):  # no interruption is left pending for later work in this thread
        formula._compiled.cache_clear()
        compile_formula("x**2 + y**2")
        sum(range(100_000))


# --- 5. exploding parameters are divergence -------------------------------------------------------
def test_leaving_the_parameter_box_is_divergence():
    hp = {"learning_rate": 10, "weight_decay": 1}
    tr = optviz.run("sgd", "ackley", steps=300, hparams=hp)
    assert tr.diverged_at is not None
    assert np.abs(tr.params).max() <= optviz.problems.PARAM_BOUND
    res = optviz.sweep(
        "sgd", "ackley", steps=300, grid={"learning_rate": [0.001, 10]}, hparams={"weight_decay": 1}
    )
    assert res.diverged_at[1] == tr.diverged_at and res.final_loss[1] == tr.final_loss
    np.testing.assert_array_equal(res.final_params[1], tr.params[-1])
    assert res.diverged_at[0] == -1


# --- 7. minor messages ------------------------------------------------------------------------------
def test_a_long_formula_link_is_not_called_too_long():
    text = "x**2+y**2+" + "0*x+" * 14 + "1"
    assert len(text) == 67
    _, warns = app_state.parse_playground({"problem": "custom_formula", "custom_f": text})
    assert warns == []
    for parse in (app_state.parse_compare, app_state.parse_sweep):
        _, warns = parse({"custom_f": text})
        assert not [w for w in warns if w.code == "too_long"]


def test_a_start_outside_the_box_says_so():
    with pytest.raises(FormulaError) as info:
        compile_formula("x**2 + y**2", start=(1e7, 0))
    assert info.value.code == "start_outside"
    assert "1e+06" in str(info.value) or "1000000" in str(info.value)


def test_a_huge_gradient_is_not_called_flat():
    with pytest.raises(FormulaError) as info:
        compile_formula("x*1e6**16")
    assert info.value.code == "gradient_too_large"


def test_new_codes_have_both_languages():
    table = strings()
    for code in ("sparse", "abs_nesting", "start_outside", "gradient_too_large", "symbolic_too_slow"):
        assert f"custom.formula.{code}" in table
        en, zh = t(f"custom.formula.{code}", "en"), t(f"custom.formula.{code}", "zh")
        assert en and zh and en != zh


# --- 4. a cost budget per page view ------------------------------------------------------------------
ISSUE_LINK = {"problem.n": "1000000", "batch": "999999", "steps": "10000"}


def _budget_seconds(config, load) -> float:
    n, batch = config.problem_params.get("n"), config.batch_size
    return budget.seconds(budget.work(config.steps, batch_size=batch, n=n, **load))


def test_the_issue_link_is_clamped_to_the_budget_with_a_warning():
    config, warns = app_state.parse_playground(ISSUE_LINK)
    over = [w for w in warns if w.code == "over_budget"]
    assert len(over) == 1 and over[0].fields["steps"] == "10000"
    assert config.batch_size == 999_999 and 1 <= config.steps < 10_000
    assert int(over[0].fields["allowed"]) == config.steps
    assert _budget_seconds(config, budget.page_load("playground")) <= 2.0
    # one more step would not fit: the clamp is the largest that does
    more = budget.work(config.steps + 1, batch_size=999_999, n=1_000_000, runs=1)
    assert more > budget.WORK_BUDGET
    assert t("state.warn.over_budget", "zh", **over[0].fields) != str(over[0])


def test_compare_and_sweep_links_count_every_run_and_scan():
    link = {"steps": "10000", "opts": ",".join(list(optviz.OPTIMIZERS)[:8]), "fair": "1"}
    config, warns = app_state.parse_compare(link)
    assert [w.code for w in warns] == ["over_budget"]
    load = app_state.compare_load(list(optviz.OPTIMIZERS)[:8], True)
    assert load["runs"] == 8 and len(load["sweeps"]) == 8
    assert config.base.steps < 10_000 and _budget_seconds(config.base, load) <= 2.0
    plain, warns = app_state.parse_compare({**link, "fair": "0"})
    assert plain.base.steps > config.base.steps  # the scans cost steps
    config, warns = app_state.parse_sweep({"steps": "10000", "res": "200", "sens": link["opts"]})
    assert [w.code for w in warns] == ["over_budget"]
    load = app_state.sweep_load(200, link["opts"].split(","))
    assert load["sweeps"][0] == 40_000 and len(load["sweeps"]) == 9
    assert _budget_seconds(config.base, load) <= 2.0


def test_costly_optimizers_count_their_cost_in_every_link():
    """A matrix or quasi-Newton update costs several elementwise ones (Optimizer.cost): a link that runs
    one gets proportionally fewer steps, on every page, so no link gets past the budget with them."""
    for key in ("lbfgs", "shampoo", "soap", "muon"):
        cost = optviz.OPTIMIZERS[key].cost
        assert cost > 1
        cheap, _ = app_state.parse_sweep({"opt": "adam", "steps": "10000", "res": "200"})
        dear, warns = app_state.parse_sweep({"opt": key, "steps": "10000", "res": "200"})
        assert "over_budget" in [w.code for w in warns]
        assert dear.base.steps <= cheap.base.steps / cost * 1.01
        load = app_state.sweep_load(200, dear.sensitivity) | {"cost": cost}
        assert (
            budget.work(dear.base.steps, **load)
            <= budget.WORK_BUDGET
            < budget.work(dear.base.steps + 1, **load)
        )
        one, _ = app_state.parse_compare({"opts": f"adam,{key}", "steps": "10000", "fair": "1"})
        none, _ = app_state.parse_compare({"opts": "adam,sgd", "steps": "10000", "fair": "1"})
        assert one.base.steps < none.base.steps
        alone, _ = app_state.parse_playground({"opt": key, "steps": "10000"})
        assert alone.steps == budget.max_steps(10_000, runs=1, cost=cost)
    assert app_state.parse_playground({"opt": "lbfgs", "steps": "10000"})[0].steps < 10_000
    # a chain costs at least what it wraps
    assert optviz.OPTIMIZERS["sam-lbfgs"].cost >= 2 * optviz.OPTIMIZERS["lbfgs"].cost


def test_ordinary_links_fit_the_budget():
    for params in ({}, {"steps": "10000"}, {"steps": "10000", "problem": "rosenbrock"},
                   {"problem.n": "1000000", "batch": "1000", "steps": "300"}):  # fmt: skip
        config, warns = app_state.parse_playground(params)
        assert warns == [] and config.steps == int(params.get("steps", app_state.DEFAULT_STEPS))
    config, warns = app_state.parse_compare({"steps": "1000", "fair": "1"})
    assert warns == [] and config.base.steps == 1000
    config, warns = app_state.parse_sweep({"steps": "500"})
    assert warns == [] and config.base.steps == 500


def test_a_formula_step_costs_its_size():
    small, big = compile_formula("x**2 + y**2"), compile_formula(_nested_abs(8) + "+" + _nested_abs(7))
    assert small.nodes < 50 < big.nodes
    assert budget.max_steps(100_000, runs=1, formula_nodes=big.nodes) < budget.max_steps(
        100_000, runs=1, formula_nodes=small.nodes
    )


def test_minibatches_cost_o_batch_not_o_n():
    """A few small batches from a million points allocate no permutation of the million indices."""
    import tracemalloc

    prob = optviz.PROBLEMS["linear_regression"](n=1_000_000)
    tracemalloc.start()
    optviz.run("sgd", prob, steps=3, batch_size=10)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 1_000_000  # a permutation of 10^6 indices alone is 8 MB


def test_long_epochs_are_seeded_shuffles_without_replacement():
    prob = optviz.PROBLEMS["linear_regression"](n=1003)
    b = 3  # 334 batches per epoch: more than SHUFFLE_BATCHES, so drawn from the keyed permutation
    assert prob.n // b > optviz.problems.SHUFFLE_BATCHES
    epoch = np.concatenate([prob.batch_indices(i, b, seed=5) for i in range(334)])
    assert len(set(epoch.tolist())) == 1002 and epoch.min() >= 0 and epoch.max() < 1003
    assert not np.array_equal(epoch[:3], prob.batch_indices(334, b, seed=5))  # a new epoch
    assert not np.array_equal(epoch[:3], prob.batch_indices(0, b, seed=6))
    grad_at = prob.stochastic(b, steps=400, seed=5)
    P = np.array([[0.5, -1.0], [2.0, 3.0]])
    for i in (0, 7, 333, 334, 399):
        idx = prob.batch_indices(i, b, seed=5)
        xb, yb = prob.x[idx], prob.y[idx]
        expect = [[2 * np.mean((w * xb + c - yb) * xb), 2 * np.mean(w * xb + c - yb)] for w, c in P]
        np.testing.assert_allclose(grad_at(P, i), expect, rtol=1e-10, atol=1e-12)
    # a step's batch does not depend on how many steps are run
    short = optviz.run("sgd", prob, steps=5, batch_size=b, seed=5)
    long = optviz.run("sgd", prob, steps=50, batch_size=b, seed=5)
    np.testing.assert_array_equal(short.params, long.params[:6])


def test_a_huge_batch_is_drawn_downsampled():
    """The issue's link drew all 999,999 batch points as SVG markers (16 MB of chart JSON)."""
    from optviz.plots import data
    from optviz.plots.style import MAX_POINTS

    config, _ = app_state.parse_playground(ISSUE_LINK)
    trace = optviz.run(config.optimizer, app_state.build_problem(config), **app_state.run_kwargs(config))
    fig = data.data_figure(trace)
    batch = next(tr for tr in fig.data if tr.name == t("plot.batch", "en", size=999_999, step=trace.k))
    assert 0 < len(batch.x) <= MAX_POINTS
    assert len(fig.to_json()) < 1_000_000


HOSTILE_NET_LINK = {
    "problem": "classifier", "scene.hidden": "16-16", "scene.n": "1000", "res": "200", "steps": "3000",
}  # fmt: skip


def test_a_network_sweep_counts_every_configurations_gradient():
    from optviz.nets.scenes import NET_STEP, sweep_config_units
    from optviz.network_state import scene_problem

    small = scene_problem("classifier", {"hidden": "4", "n": 100})
    big = scene_problem("classifier", {"hidden": "16-16", "n": 1000})
    per = sweep_config_units(big, None, ["adam"])
    assert per > 100 * budget.CONFIG  # a network's gradient is far dearer than a 2-D update
    assert sweep_config_units(small, None, ["adam"]) < per
    assert sweep_config_units(big, 50, ["adam"]) < per  # a minibatch gradient touches fewer points
    assert sweep_config_units(big, None, ["adam", "shampoo"]) > per  # the costliest optimizer counts
    assert sweep_config_units(big, None, ["sam-adam"]) > per  # SAM takes a second gradient
    plain = budget.work(10, sweeps=(100,))
    dear = budget.work(10, sweeps=(100,), sweep_units=NET_STEP, config_units=per)
    assert dear == pytest.approx(plain + 10 * (NET_STEP + 100 * per))


def test_a_hostile_network_sweep_link_is_cut_to_the_budget():
    """res=200 on a 16-16 MLP with 1000 points and 3000 steps: 40,000 networks of 337 weights, about
    17 minutes of CPU. The grid is made smaller first (100 steps must fit), then the steps are cut."""
    config, warns = app_state.parse_sweep(HOSTILE_NET_LINK)
    assert [w.code for w in warns] == ["res_over_budget", "over_budget"]
    res, over = warns
    assert res.fields["res"] == "200" and float(res.fields["seconds"]) > 100
    assert int(res.fields["allowed"]) == config.resolution and 2 <= config.resolution < 10
    assert int(over.fields["allowed"]) == config.base.steps and config.base.steps < 3000
    load = app_state.network_sweep_load(config)
    assert (
        budget.work(config.base.steps, **load)
        <= budget.WORK_BUDGET
        < budget.work(config.base.steps + 1, **load)
    )
    # one more cell per axis would not fit 100 steps
    wider = app_state.network_sweep_load(config, config.resolution + 1)
    assert budget.work(app_state.NET_SWEEP_MIN_STEPS, **wider) > budget.WORK_BUDGET
    for w in warns:
        assert t(f"state.warn.{w.code}", "zh", **w.fields) != str(w)
        assert t(f"state.warn.{w.code}", "en", **w.fields) == str(w)


def test_sensitivity_scans_on_a_network_share_the_budget():
    cheap, _ = app_state.parse_sweep({**HOSTILE_NET_LINK, "res": "5", "steps": "300"})
    dear, warns = app_state.parse_sweep(
        {**HOSTILE_NET_LINK, "res": "5", "steps": "300", "sens": "sgd,adam,shampoo"}
    )
    assert dear.base.steps < cheap.base.steps or dear.resolution < cheap.resolution
    assert budget.work(dear.base.steps, **app_state.network_sweep_load(dear)) <= budget.WORK_BUDGET


def test_the_issue_network_sweep_fits_untouched():
    """The issue's 10 x 10 configurations of an MLP on 500 points for 300 steps answer within the budget."""
    config, warns = app_state.parse_sweep(
        {"problem": "classifier", "scene.n": "500", "res": "10", "steps": "300"}
    )
    assert warns == [] and config.resolution == 10 and config.base.steps == 300
