"""The first screen teaches: the seed's example arrives, and every optimizer's default run is fair and finite."""

import numpy as np
import pytest

import optviz
from optviz import app_state as state

#: The saddle x^2 - y^2 is unbounded below: a run that slides off along y is its lesson, not a bad default.
UNBOUNDED = {"saddle"}


def _default_run(optimizer: str, problem: str) -> optviz.Trace:
    config = state.default_config(optimizer, problem)
    return optviz.run(
        optimizer, optviz.PROBLEMS[problem](**config.problem_params), **state.run_kwargs(config)
    )


def test_default_run_reaches_the_optimum_and_the_line_meets_the_data():
    config = state.default_config()
    assert (config.optimizer, config.hparams["learning_rate"], config.hparams["beta1"]) == ("adam", 0.01, 0.9)
    assert (config.hparams["beta2"], config.hparams["epsilon"]) == (0.999, 1e-8)
    trace = _default_run("adam", "linear_regression")
    problem = trace.problem
    best = float(problem.loss(problem.optimum[None])[0])
    # the excess loss shrinks to a thousandth of where it started
    assert trace.final_loss - best < 1e-3 * (trace.loss[0] - best)
    # the fitted line's residuals are within twice the data's noise (sigma = 0.1): it meets the points
    w, b = trace.params[-1]
    rmse = float(np.sqrt(np.mean((w * problem.x + b - problem.y) ** 2)))
    assert rmse < 2 * config.problem_params["noise"]


def test_adam_and_its_twins_start_at_the_same_learning_rate():
    rates = {opt: state.default_hparams(opt)["learning_rate"] for opt in ("adam", "adamw", "amsgrad")}
    assert set(rates.values()) == {0.01}
    # only the page moves: the registry keeps the contract's torch defaults
    assert optviz.OPTIMIZERS["adamw"].defaults["learning_rate"] == 1e-3


@pytest.mark.parametrize("problem", [p for p in optviz.PROBLEMS if p not in UNBOUNDED])
def test_no_default_playground_run_diverges(problem):
    diverged = {}
    for opt in optviz.OPTIMIZERS:
        trace = _default_run(opt, problem)
        if trace.diverged_at is not None or not np.isfinite(trace.loss).all():
            diverged[opt] = trace.diverged_at
    assert diverged == {}


def test_rosenbrock_scene_shows_each_classic_optimizers_character():
    sgd = _default_run("sgd", "rosenbrock")
    momentum = _default_run("momentum", "rosenbrock")
    # SGD crawls along the banana valley; momentum carries on to (1, 1)
    assert 1e-3 < sgd.final_loss < 1.0 and momentum.final_loss < 1e-3
    assert momentum.optimum_distance < 0.05 < sgd.optimum_distance


def test_scene_defaults_reach_the_url_round_trip():
    config = state.default_config("sgd", "rosenbrock")
    assert config.hparams["learning_rate"] == 2e-3
    assert state.parse_playground({"opt": "sgd", "problem": "rosenbrock"}) == (config, [])
    assert state.parse_playground(state.encode_playground(config)) == (config, [])
    assert state.with_changes(state.default_config("sgd"), problem="rosenbrock", optimizer="sgd") == config


def test_compare_and_sweep_keep_their_short_runs():
    # a sweep is a grid of hundreds of runs: the Playground's longer default must not slow it tenfold
    assert (
        state.parse_sweep({})[0].base.steps
        == state.parse_compare({})[0].base.steps
        == state.STUDY_STEPS
        == 100
    )
    assert state.parse_playground({})[0].steps == state.DEFAULT_STEPS == 1000
