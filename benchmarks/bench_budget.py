"""The work budget of optviz/budget.py against measured CPU time (issue 10).

(a) the unit costs behind the budget's constants: one run step (worst optimizer), one sweep step and
    one configuration of it, one minibatch point (short and long epochs), one formula node;
(b) the costliest link of each page after clamping, run as the page runs it: measured CPU seconds
    against the budget's estimate (goal: at most about 2 s each);
(c) the issue's link /?problem.n=1000000&batch=999999&steps=10000 before clamping: the estimate;
(d) network sweeps (issue 12): one configuration-step of each optimizer on three networks against
    ``optviz.nets.scenes.sweep_config_units``, and the costliest network Sweep links after clamping
    (the grid's resolution, then its steps), measured against the estimate.

Run: python benchmarks/bench_budget.py (only (d): python benchmarks/bench_budget.py --networks)
"""

from __future__ import annotations

import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import optviz  # noqa: E402
from optviz import app_state, budget  # noqa: E402
from optviz.compare import compare, learning_rate_scan, tune_learning_rates, with_tuned_rates  # noqa: E402
from optviz.formula import compile_formula  # noqa: E402
from optviz.plots.sweep import axis_values  # noqa: E402


def cpu(fn) -> float:
    began = time.process_time()
    fn()
    return time.process_time() - began


def unit_costs() -> None:
    steps = 3000
    worst = max(
        cpu(lambda k=k: optviz.run(k, "rosenbrock", steps=steps, hparams={"learning_rate": 1e-4})) / steps
        for k in optviz.OPTIMIZERS
    )
    print(
        f"(a) run step, worst optimizer: {worst * 1e6:.1f} us (RUN_STEP {budget.seconds(budget.RUN_STEP) * 1e6:.0f} us)"
    )
    small = max(
        cpu(
            lambda k=k: optviz.sweep(
                k, "rosenbrock", steps=200, grid={"learning_rate": np.geomspace(1e-5, 1, 10)}
            )
        )
        / 200
        for k in optviz.OPTIMIZERS
    )
    big = max(
        cpu(
            lambda k=k: optviz.sweep(
                k, "rosenbrock", steps=20, grid={"learning_rate": np.geomspace(1e-5, 1, 20000)}
            )
        )
        / 20
        for k in optviz.OPTIMIZERS
    )
    per_config = (big - small) / (20000 - 10)
    print(
        f"    sweep step (10 configs): {small * 1e6:.1f} us (SWEEP_STEP {budget.seconds(budget.SWEEP_STEP) * 1e6:.0f} us); "
        f"per configuration {per_config * 1e9:.0f} ns (CONFIG {budget.seconds(budget.CONFIG) * 1e9:.0f} ns)"
    )
    prob = optviz.PROBLEMS["linear_regression"](n=1_000_000)
    for batch, steps in ((1000, 2000), (100_000, 30), (999_999, 20)):
        c = cpu(lambda b=batch, s=steps: optviz.run("sgd", prob, steps=s, batch_size=b)) / steps
        points = budget.data_points(steps, batch, prob.n) / steps
        print(
            f"    minibatch {batch:>7} of 1e6: {c * 1e3:.2f} ms per step, "
            f"{(c - worst) / points * 1e9:.0f} ns per counted point (POINT {budget.seconds(budget.POINT) * 1e9:.0f} ns)"
        )
    p = compile_formula("sin(x*y+cos(x-y*tanh(x+exp(-y**2))))*cosh(sin(x)*y)+atan(x*sin(y*cos(x*sin(y))))")
    c = cpu(lambda: optviz.run("sgd", p, steps=2000, hparams={"learning_rate": 1e-6})) / 2000
    print(
        f"    formula of {p.nodes} nodes: {c * 1e6:.1f} us per step, "
        f"{(c - 20e-6) / p.nodes * 1e9:.0f} ns per node (NODE {budget.seconds(budget.NODE) * 1e9:.0f} ns)"
    )


def sweep_grid(config, problem, kw: dict) -> None:
    """The Sweep page's grid for ``config`` on ``problem`` (a 2-D problem or a network scene)."""
    base = config.base
    opt = optviz.OPTIMIZERS[base.optimizer]
    grid = {a: axis_values(opt.param(a), *r, config.resolution)
            for a, r in ((config.x, config.x_range), (config.y, config.y_range))}  # fmt: skip
    fixed = {k: v for k, v in base.hparams.items() if k not in grid}
    optviz.sweep(base.optimizer, problem, grid=grid, hparams=fixed, **kw)


def page_work(page: str, config) -> None:
    """What ``page`` runs for ``config``: the same optviz calls, without Streamlit."""
    base = config if page == "playground" else config.base
    problem = app_state.build_problem(base)
    kw = {k: v for k, v in app_state.run_kwargs(base).items() if k != "hparams"}
    if page == "playground":
        optviz.run(base.optimizer, problem, hparams=dict(base.hparams), **kw)
    elif page == "compare":
        setups = {k: dict(hp) for k, hp in config.hparams.items()}
        scans = tune_learning_rates(setups, problem, **kw) if config.fair else {}
        compare(with_tuned_rates(setups, scans), problem, **kw)
    else:
        sweep_grid(config, problem, kw)
        for key in config.sensitivity:
            learning_rate_scan(key, problem, **kw)


def costliest_links() -> None:
    opts = ",".join(list(optviz.OPTIMIZERS)[:8])
    links = {
        "playground": {"problem.n": "1000000", "batch": "999999", "steps": "10000"},
        "playground, long epochs": {"problem.n": "1000000", "batch": "1000", "steps": "10000"},
        "compare (8, fair)": {"steps": "10000", "opts": opts, "fair": "1"},
        "compare (8, fair, batch)": {
            "steps": "10000",
            "opts": opts,
            "fair": "1",
            "problem.n": "1000000",
            "batch": "500000",
        },  # fmt: skip
        "sweep (200x200, 8 scans)": {"steps": "10000", "res": "200", "sens": opts},
    }
    print("(b) costliest links after clamping (CPU s, measured vs estimated; budget "
          f"{budget.seconds(budget.WORK_BUDGET):g} s):")  # fmt: skip
    for name, params in links.items():
        page = name.split()[0].rstrip(",")
        parse = {"playground": app_state.parse_playground, "compare": app_state.parse_compare,
                 "sweep": app_state.parse_sweep}[page]  # fmt: skip
        config, warns = parse(params)
        base = config if page == "playground" else config.base
        load = (
            budget.page_load("playground") if page == "playground"
            else app_state.compare_load(config.optimizers, config.fair) if page == "compare"
            else app_state.sweep_load(config.resolution, config.sensitivity)
        )  # fmt: skip
        load = budget.with_optimizers(load, [base.optimizer])  # the page's own optimizer counts too
        n = base.problem_params.get("n")
        estimate = budget.seconds(budget.work(base.steps, batch_size=base.batch_size, n=n, **load))
        measured = cpu(partial(page_work, page, config))
        codes = [w.code for w in warns]
        print(f"    {name}: steps {params['steps']} -> {base.steps} {codes}: {measured:.2f} s measured, "
              f"{estimate:.2f} s estimated")  # fmt: skip


def issue_link() -> None:
    units = budget.work(10_000, runs=1, batch_size=999_999, n=1_000_000)
    print(f"(c) issue link unclamped: estimated {budget.seconds(units):.0f} s of CPU "
          f"(the issue measured about 280 s before minibatches became O(batch))")  # fmt: skip


NET_CASES = (
    ("classifier", {"n": 500}),
    ("classifier", {"n": 1000, "hidden": "16-16"}),
    ("regression", {"n": 1000, "input_dim": 64}),
    ("matrix", {"size": 16, "k": 16}),
)


def net_unit_costs() -> None:
    from optviz.nets.scenes import sweep_config_units
    from optviz.network_state import scene_problem

    print("(d) network sweep, one configuration-step (measured with 100 configurations / model):")
    for scene, values in NET_CASES:
        problem = scene_problem(scene, values)
        cells = []
        for key in ("sgd", "adam", "muon", "adafactor", "shampoo", "soap", "lbfgs", "sam-adam"):
            c, steps = 100, 10
            rates = np.geomspace(1e-4, 1e-2, c)
            took = cpu(partial(optviz.sweep, key, problem, steps=steps, grid={"learning_rate": rates}))
            model = budget.seconds(sweep_config_units(problem, None, [key]))
            cells.append(f"{key} {took / steps / c * 1e6:.0f}/{model * 1e6:.0f}")
        print(f"    {scene} {values}: " + ", ".join(cells) + " us")


def page_work_network(config) -> None:
    """What the Sweep page runs for a network ``config``: the grid and the sensitivity scans."""
    from optviz.network_state import scene_problem

    base = config.base
    problem = scene_problem(base.problem, config.scene_values)
    kw = {k: v for k, v in app_state.run_kwargs(base).items() if k != "hparams"}
    sweep_grid(config, problem, kw)
    for key in config.sensitivity:
        learning_rate_scan(key, problem, hparams=app_state.default_hparams(key), **kw)


def costliest_network_links() -> None:
    heavy = "sgd,adam,muon,lamb,adafactor,shampoo,soap,lbfgs"
    links = {
        "issue: 10x10 MLP on 500 points, 300 steps": {"problem": "classifier", "scene.n": "500", "res": "10",
                                                      "steps": "300"},
        "hostile: 16-16 MLP, 1000 points, res 200, 3000 steps": {
            "problem": "classifier", "scene.hidden": "16-16", "scene.n": "1000", "res": "200", "steps": "3000"},
        "the same with 8 scans": {"problem": "classifier", "scene.hidden": "16-16", "scene.n": "1000",
                                  "res": "200", "steps": "3000", "sens": heavy},
        "8-8-8 MLP, batch 32, SAM(Adam)": {"problem": "classifier", "scene.hidden": "8-8-8", "scene.n": "1000",
                                           "batch": "32", "opt": "sam-adam", "res": "200", "steps": "3000"},
        "64-feature regression, Shampoo": {"problem": "regression", "scene.input_dim": "64", "scene.n": "1000",
                                           "opt": "shampoo", "res": "200", "steps": "3000"},
        "16x16 matrix, SOAP, 8 scans": {"problem": "matrix", "scene.size": "16", "scene.k": "16", "opt": "soap",
                                        "res": "200", "steps": "3000", "sens": heavy},
    }  # fmt: skip
    print("    costliest network Sweep links after clamping (CPU s, measured vs estimated):")
    for name, params in links.items():
        config, warns = app_state.parse_sweep(params)
        estimate = budget.seconds(budget.work(config.base.steps, **app_state.network_sweep_load(config)))
        measured = cpu(partial(page_work_network, config))
        codes = [w.code for w in warns]
        print(f"    {name}: res {params['res']} -> {config.resolution}, steps {params['steps']} -> "
              f"{config.base.steps} {codes}: {measured:.2f} s measured, {estimate:.2f} s estimated")  # fmt: skip


if __name__ == "__main__":
    if "--networks" not in sys.argv:
        unit_costs()
        costliest_links()
        issue_link()
    net_unit_costs()
    costliest_network_links()
