"""Hyperparameter extremes never crash and never record a NaN or an infinity.

Every optimizer on every problem (and on a visitor's formula), for 5,000 steps, at the ends of every
declared range: learning_rate up to 10, betas up to 0.9999, epsilon down to 1e-12. The grid of
range ends goes through ``optviz.sweep`` (one vectorised call per pair); the corners also go through
``optviz.run``, whose recorded arrays must hold finite rows only.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import optviz
from optviz.formula import compile_formula

STEPS = 5_000
#: The extremes the issue names, and which must lie inside the declared ranges.
LEARNING_RATE_MAX, BETA_MAX, EPSILON_MIN = 10.0, 0.9999, 1e-12

PROBLEM_KEYS = [*optviz.PROBLEMS, "formula"]


def _problem(key: str) -> optviz.Problem:
    if key == "formula":
        return compile_formula("x**2 + 10*sin(y) + log(1 + x**2)*abs(y)")
    return optviz.PROBLEMS[key]()


def _range_ends(param: optviz.Param) -> list[float]:
    return sorted({float(param.low), float(param.default), float(param.high)})


def test_declared_ranges_reach_the_extremes():
    """The grid below only covers the issue's values if the registry's ranges include them."""
    for opt in optviz.OPTIMIZERS.values():
        for p in opt.hparams:
            if p.name == "learning_rate":
                assert p.high >= LEARNING_RATE_MAX, opt.key
            if p.scale == "log1m":
                assert p.high >= 0.999, (opt.key, p.name)
            if p.name == "epsilon":
                assert p.low <= EPSILON_MIN, opt.key
        betas = [p for p in opt.hparams if p.scale == "log1m"]
        if betas:
            assert max(p.high for p in betas) >= BETA_MAX, opt.key


def _assert_finite_trace(trace: optviz.Trace, what: str) -> None:
    arrays = {"params": trace.params, "loss": trace.loss, "grads": trace.grads, "lr": trace.lr}
    arrays.update(trace.state)
    for name, arr in arrays.items():
        assert np.isfinite(arr).all(), f"{what}: {name} holds a non-finite value"
    assert len(trace.params) == trace.k + 1 == len(trace.loss)
    if trace.diverged_at is None:
        assert trace.k == STEPS, what
    else:
        assert trace.k == trace.diverged_at - 1, what


PAIRS = [(o, p) for o in optviz.OPTIMIZERS for p in PROBLEM_KEYS]


@pytest.mark.parametrize("optimizer, problem_key", PAIRS)
def test_extremes_never_crash_or_produce_nan(optimizer, problem_key):
    opt = optviz.OPTIMIZERS[optimizer]
    problem = _problem(problem_key)
    # Sweep: every hyperparameter at the low end, default and high end of its range, all combinations.
    grid = {p.name: _range_ends(p) for p in opt.hparams}
    res = optviz.sweep(optimizer, problem, steps=STEPS, grid=grid)
    for name in ("final_loss", "best_loss", "final_params"):
        assert np.isfinite(getattr(res, name)).all(), f"{optimizer}/{problem_key}: sweep {name}"
    # Run: the two corners (everything at its high end; everything at its low end), recorded in full.
    for corner in ("high", "low"):
        hparams = {p.name: float(getattr(p, corner)) for p in opt.hparams}
        trace = optviz.run(optimizer, problem, steps=STEPS, hparams=hparams)
        what = f"{optimizer}/{problem_key}/{corner}"
        _assert_finite_trace(trace, what)
        index = tuple(_range_ends(p).index(hparams[p.name]) for p in opt.hparams)
        # The corner's sweep cell is the same computation as the run.
        assert res.diverged_at[index] == (trace.diverged_at if trace.diverged_at else -1), what
        assert res.final_loss[index] == trace.final_loss, what


def test_the_named_extremes_on_the_default_problem():
    """learning_rate 10, beta2 0.9999, epsilon 1e-12, 5,000 steps: Adam on the seed's regression."""
    trace = optviz.run(
        "adam",
        "linear_regression",
        steps=STEPS,
        hparams={"learning_rate": LEARNING_RATE_MAX, "beta2": BETA_MAX, "epsilon": EPSILON_MIN},
    )
    _assert_finite_trace(trace, "adam")
    # Adam's step is bounded by about lr, so it does not blow up; it wanders near the minimum.
    assert trace.diverged_at is None


@pytest.mark.parametrize("schedule", list(optviz.SCHEDULES))
def test_schedules_at_extremes(schedule):
    spec = optviz.SCHEDULES[schedule]
    for corner in ("low", "high"):
        params = {p.name: float(getattr(p, corner)) for p in spec.params}
        for optimizer in ("sgd", "adam", "lion"):
            lr = optviz.OPTIMIZERS[optimizer].param("learning_rate").high
            trace = optviz.run(
                optimizer, "rosenbrock", steps=STEPS, hparams={"learning_rate": lr},
                schedule=schedule, schedule_params=params,
            )  # fmt: skip
            _assert_finite_trace(trace, f"{optimizer}/{schedule}/{corner}")


def test_noise_and_minibatches_at_extremes():
    grad_noise = optviz.runner.GRAD_NOISE.high
    for optimizer, batch in itertools.product(("sgd", "adam", "prodigy"), (1, None)):
        trace = optviz.run(
            optimizer, "linear_regression", steps=STEPS, batch_size=batch, grad_noise=grad_noise,
            hparams={"learning_rate": optviz.OPTIMIZERS[optimizer].param("learning_rate").high},
        )  # fmt: skip
        _assert_finite_trace(trace, f"{optimizer}/batch={batch}")
