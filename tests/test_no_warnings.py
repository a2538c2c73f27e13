"""No RuntimeWarning escapes ``run``, ``sweep`` or a figure builder, and no NaN or infinity reaches a
figure's JSON, for every optimizer on every problem at the ends of its hyperparameter ranges.

Every call runs with warnings as errors. The JSON walk decodes Plotly's base64 typed arrays and reads
every number the browser would receive.
"""

from __future__ import annotations

import base64
import json
import math
import warnings

import numpy as np
import pytest

import optviz
from optviz import compare as cmp
from optviz import explain
from optviz.formula import compile_formula
from optviz.plots import compare as plots_compare
from optviz.plots import curves, data, internals, space
from optviz.plots import sweep as plots_sweep

STEPS = 1_000
CORNERS = ("low", "high")


def _problems() -> dict[str, optviz.Problem]:
    out = {key: spec() for key, spec in optviz.PROBLEMS.items()}
    out["formula"] = compile_formula("x**2 + 10*sin(y) + log(1 + x**2)*abs(y)")
    out["formula_sparse"] = compile_formula("sqrt(1 - x**2 - y**2)")  # finite on a disc only
    return out


PROBLEMS = _problems()


def non_finite(value, path: str = "") -> list[str]:
    """Paths of every NaN or infinite number in a figure's JSON (typed arrays decoded)."""
    if isinstance(value, dict):
        if {"dtype", "bdata"} <= set(value):
            arr = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            return [path] if arr.dtype.kind == "f" and not np.isfinite(arr).all() else []
        return [p for k, v in value.items() for p in non_finite(v, f"{path}.{k}")]
    if isinstance(value, list):
        return [p for i, v in enumerate(value) for p in non_finite(v, f"{path}[{i}]")]
    if isinstance(value, float) and not math.isfinite(value):
        return [path]
    return []


def _json(fig) -> dict:
    return json.loads(fig.to_json())  # json.loads reads NaN and Infinity back as floats


def test_the_walk_sees_nan_in_lists_and_typed_arrays():
    import plotly.graph_objects as go

    assert non_finite({"x": [1.0, float("nan")], "y": {"z": float("inf")}}) == [".x[1]", ".y.z"]
    assert non_finite(_json(go.Figure(go.Scatter(x=np.array([1.0, np.inf])))))
    assert non_finite(_json(go.Figure(go.Heatmap(z=np.array([[1.0, np.nan]], dtype=np.float32)))))
    assert not non_finite(_json(go.Figure(go.Heatmap(z=[[1.0, None]]))))


def _figures(trace: optviz.Trace) -> dict:
    figs = {
        "path": lambda: space.path_figure(trace),
        "surface": lambda: space.surface_figure(trace),
        "loss": lambda: curves.loss_figure(trace),
        "internals": lambda: internals.internals_figure(trace),
    }
    if isinstance(trace.problem, optviz.LinearRegression):
        figs["data"] = lambda: data.data_figure(trace)
    return figs


@pytest.mark.parametrize("optimizer", list(optviz.OPTIMIZERS))
def test_runs_and_their_figures_at_the_extremes(optimizer):
    opt = optviz.OPTIMIZERS[optimizer]
    for key, problem in PROBLEMS.items():
        for corner in CORNERS:
            hp = {p.name: float(getattr(p, corner)) for p in opt.hparams}
            what = f"{optimizer}/{key}/{corner}"
            with warnings.catch_warnings():
                warnings.simplefilter("error")
                trace = optviz.run(optimizer, problem, steps=STEPS, hparams=hp)
                assert trace.optimum_distance is None or math.isfinite(trace.optimum_distance), what
                explain.diagnose(trace)
                if trace.k:
                    explain.by_hand(trace, trace.k)
                cmp.results_table({optimizer: trace})
                for name, build in _figures(trace).items():
                    bad = non_finite(_json(build()))
                    assert not bad, f"{what} {name}: {bad[:3]}"


@pytest.mark.parametrize("key", [k for k in PROBLEMS if k != "formula_sparse"])
def test_sweeps_compare_and_scans_at_the_extremes(key):
    problem = PROBLEMS[key]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for optimizer, opt in optviz.OPTIMIZERS.items():
            names = opt.hparam_names
            grid = {n: sorted({opt.param(n).low, opt.param(n).default, opt.param(n).high}) for n in names[:2]}
            if len(grid) < 2:
                continue
            res = optviz.sweep(optimizer, problem, steps=STEPS // 4, grid=grid)
            for metric in plots_sweep.METRICS:
                bad = non_finite(_json(plots_sweep.heatmap_figure(res, metric)))
                assert not bad, f"{optimizer}/{key} heatmap {metric}: {bad[:3]}"
        high = {
            k: {"learning_rate": optviz.OPTIMIZERS[k].param("learning_rate").high} for k in optviz.OPTIMIZERS
        }
        keys = list(high)
        for group in (keys[i : i + 7] for i in range(0, len(keys), 7)):  # compare takes 2 to 8
            traces = cmp.compare({k: high[k] for k in group}, problem, steps=STEPS // 4)
            for name, build in {
                "overlay": plots_compare.overlay_figure,
                "curves": plots_compare.loss_curves_figure,
                "race": plots_compare.race_figure,
            }.items():
                bad = non_finite(_json(build(traces)))
                assert not bad, f"{key} {name}: {bad[:3]}"
        scans = {k: cmp.learning_rate_scan(k, problem, steps=STEPS // 4) for k in ("sgd", "adam", "nadam")}
        bad = non_finite(_json(plots_sweep.sensitivity_figure(scans, problem)))
        assert not bad, f"{key} sensitivity: {bad[:3]}"


def test_the_issue_reproductions_raise_no_warning():
    """nadam at lr 10 on Rosenbrock for 10,000 steps (a scalar divide in the internals panel); SGD
    with lr 10 and weight decay 1 on Ackley (parameters of 1e286 cast to float32 and squared)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trace = optviz.run("nadam", "rosenbrock", steps=10_000, hparams={"learning_rate": 10})
        assert not non_finite(_json(internals.internals_figure(trace)))
        trace = optviz.run("sgd", "ackley", steps=300, hparams={"learning_rate": 10, "weight_decay": 1})
        assert trace.diverged_at is not None
        assert math.isfinite(trace.optimum_distance)
        for build in _figures(trace).values():
            assert not non_finite(_json(build()))


def test_a_nowhere_finite_window_draws_finite_json():
    p = PROBLEMS["formula_sparse"]
    trace = optviz.run("sgd", p, steps=5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for window in (((5.0, 9.0), (5.0, 9.0)), p.window):
            for fig in (space.path_figure(trace, window=window), space.surface_figure(trace, window=window)):
                assert not non_finite(_json(fig))
