"""Trajectories match the reference libraries (torch.optim, optax, lion-pytorch, schedulefree,
prodigyopt, adabelief-pytorch, timm, pytorch-optimizer) recorded by tests/golden/make_golden.py; modifiers (optax.lookahead,
optax.contrib.sam, timm's caution=True) around two inner optimizers each."""

import json
from pathlib import Path

import numpy as np
import pytest

import optviz

FIXTURES = sorted((Path(__file__).parent / "golden" / "fixtures").glob("*.json"))
RTOL = 1e-10  # issue 2: <= 1e-10 relative; measured worst case ~4e-14
#: The matrix preconditioners: LAPACK's SVD and eigh (MKL under torch, OpenBLAS under NumPy) differ in
#: the last bit, and the inverse root or eigenbasis amplifies that by the preconditioner's condition
#: number (1/epsilon on the first steps), so the contract's 1e-9 there (measured worst 4.9e-10, shampoo-defaults).
TOLERANCE = {"shampoo": 1e-9, "soap": 1e-9}


def load(path):
    return json.loads(path.read_text())


def test_every_optimizer_has_golden_fixtures_on_both_problems():
    cases = {(d["optimizer"], d["problem"]) for d in map(load, FIXTURES)}
    for key in optviz.OPTIMIZERS:
        assert (key, "linear_regression") in cases
        assert (key, "rosenbrock") in cases


@pytest.mark.parametrize("path", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_trajectory_matches_reference(path):
    case = load(path)
    assert set(case["hparams"]) == set(optviz.OPTIMIZERS[case["optimizer"]].hparam_names)
    problem = optviz.PROBLEMS[case["problem"]](**case["problem_params"])
    trace = optviz.run(
        case["optimizer"], problem, steps=case["steps"], start=case["start"], hparams=case["hparams"],
        schedule=case.get("schedule"), schedule_params=case.get("schedule_params"),
    )  # fmt: skip
    if "lr" in case:  # a scheduled case: the reference was driven by these learning rates
        np.testing.assert_allclose(trace.lr, case["lr"], rtol=1e-14, atol=0)
    ref = np.array(case["params"])
    if "evals" in case:  # L-BFGS: the loss-and-gradient evaluations each step cost, as torch counted them
        assert trace.state["evals"].tolist() == case["evals"]
    assert trace.diverged_at is None
    assert trace.params.shape == ref.shape
    scale = np.maximum(np.abs(ref), 1.0)  # relative, with an absolute floor where a coordinate crosses 0
    err = np.max(np.abs(trace.params - ref) / scale)
    assert err <= TOLERANCE.get(case["optimizer"], RTOL), f"{path.stem}: max relative error {err:.3g}"


def test_every_modifier_has_fixtures_around_two_inner_optimizers_on_both_problems():
    cases = {(d["optimizer"], d["problem"]) for d in map(load, FIXTURES)}
    for mod in optviz.MODIFIERS:
        inners = {
            key.split("-", 1)[1]
            for key, problem in cases
            if key.startswith(mod + "-")
            and (key, "linear_regression") in cases
            and (key, "rosenbrock") in cases
        }
        assert len(inners) >= 2, (mod, inners)


def test_modifier_fixtures_move_off_the_inner_optimizer():
    """A modifier fixture that the inner optimizer alone would pass tests nothing: outside the defaults
    cases each trajectory leaves its inner's by far more than the tolerance (Cautious: masks a step)."""
    for case in map(load, FIXTURES):
        opt = optviz.OPTIMIZERS[case["optimizer"]]
        if opt.inner is None or case["case"].endswith("-defaults"):
            continue
        hp = {k: v for k, v in case["hparams"].items() if k in opt.inner.hparam_names}
        problem = optviz.PROBLEMS[case["problem"]](**case["problem_params"])
        inner = optviz.run(opt.inner, problem, steps=case["steps"], start=case["start"], hparams=hp)
        assert np.max(np.abs(inner.params - np.array(case["params"]))) > 1e-3, case["case"]


def test_non_default_cases_switch_features_on():
    """The fixtures exercise weight decay, dampening, lr_decay and the rest, not just defaults."""
    for case in map(load, FIXTURES):
        if case["case"].endswith("-defaults"):
            assert case["hparams"] == optviz.OPTIMIZERS[case["optimizer"]].defaults
            continue
        hp = case["hparams"]
        if "weight_decay" in hp:
            assert hp["weight_decay"] > 0, case["case"]
        for name in ("dampening", "lr_decay", "initial_accumulator_value"):
            if name in hp:
                assert hp[name] > 0, case["case"]
        if case["optimizer"] == "rmsprop":
            assert hp["momentum"] > 0


def test_schedule_free_has_a_case_whose_learning_rate_falls():
    """Schedule-Free weights steps by the largest learning rate so far: only a falling rate tells that
    from lr^2 weighting, so each Schedule-Free optimizer has a fixture where it rises, then falls."""
    for key in ("sf_sgd", "sf_adamw"):
        lrs = [np.array(c["lr"]) for c in map(load, FIXTURES) if c["optimizer"] == key and "lr" in c]
        assert lrs, key
        assert any(np.diff(lr).max() > 0 and lr[-1] < 0.5 * lr.max() for lr in lrs), key
